import { describeReferenceApp } from '@keyward/example-shared/testing';

// Boots `node server.js` (the built packages: `pnpm build` first) and holds it to SPEC §6.
describeReferenceApp('fastify', new URL('../', import.meta.url));
