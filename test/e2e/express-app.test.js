import { exampleDir } from './support/apps.js';
import { describeReferenceApp } from './support/suite.js';

// Boots examples/express (`node server.js`, on the built packages) and holds it to SPEC §6.
describeReferenceApp('express', exampleDir('express'));
