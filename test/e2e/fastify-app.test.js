import { exampleDir } from './support/apps.js';
import { describeReferenceApp } from './support/suite.js';

// Boots examples/fastify (`node server.js`, on the built packages) and holds it to SPEC §6.
describeReferenceApp('fastify', exampleDir('fastify'));
