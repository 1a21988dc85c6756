import { exampleDir } from './support/apps.js';
import { describeReferenceApp } from './support/suite.js';

// Boots examples/fastify (`node server.js`, on the built packages) and holds it to its route table (examples/README.md).
describeReferenceApp('fastify', exampleDir('fastify'));
