#!/usr/bin/env node
import { run } from './run.js';

// Exit once the command is done: a driver's idle timer must not keep the process alive.
run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  () => {
    process.stderr.write('keyward: unexpected error\n');
    process.exit(1);
  },
);
