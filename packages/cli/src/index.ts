/**
 * The keyward command line as a library: `run` is what the `keyward` binary does, and
 * `keyPattern` is the secret-scanner pattern of `keyward regex`.
 *
 * @example
 * ```ts
 * import { keyPattern, run } from '@keyward/cli';
 * const code = await run(['keys', 'list', '--owner', 'u1', '--json']); // prints to stdout, returns the exit code
 * const leaked = new RegExp(keyPattern(['eck_live_']), 'g').test(diff);
 * ```
 *
 * @module
 */
export { run } from './run.js';
export type { CliIo } from './io.js';
export { keyPattern } from './key-pattern.js';
export { EXIT } from './exit-codes.js';
export type { ExitCode } from './exit-codes.js';
