// Start-up and shutdown shared by the three reference apps: configuration, store, keyward, the
// demo banner and graceful shutdown. Each server.js only builds its framework's routes.
import { createServer } from 'node:http';
import { once } from 'node:events';
import { createKeyward } from '@keyward/core';
import { readConfig } from './config.js';
import { createRunsRepository } from './data.js';
import { demoInstructions } from './demo.js';
import { createRequestLogger } from './request-log.js';
import { openStore } from './stores.js';
import { signManagementToken } from './tokens.js';

/** Key prefixes of the example: `eck_live_` mints, `eck_test_` is accepted too. */
export const PREFIXES = Object.freeze(['eck_live_', 'eck_test_']);

/** Scopes a key of the example may carry (SPEC §6). */
export const ALLOWED_SCOPES = Object.freeze([
  'agents:run',
  'agents:read',
  'triage:read',
  'triage:write',
  'webhooks:read',
  'webhooks:write',
  'batch:run',
  'batch:read',
]);

/**
 * The keyward instance of the example: prefixes, pepper, allowed scopes, and HS256 management
 * tokens whose `org` claim gives the organization of the keys they create.
 *
 * @example
 * const keyward = createExampleKeyward({ store: new MemoryKeyStore(), pepper, jwtSecret });
 *
 * @param {{ store: import('@keyward/core').KeyStore, pepper: string, jwtSecret: string }} options
 * @returns {import('@keyward/core').Keyward}
 */
export function createExampleKeyward({ store, pepper, jwtSecret }) {
  return createKeyward({
    store,
    prefixes: [...PREFIXES],
    pepper,
    jwt: { secret: jwtSecret, algorithms: ['HS256'], orgClaim: 'org' },
    keys: { allowedScopes: [...ALLOWED_SCOPES] },
  });
}

/**
 * @typedef {object} ExampleContext
 * @property {import('@keyward/core').Keyward} keyward
 * @property {import('./data.js').RunsRepository} runs
 * @property {(entry: import('./request-log.js').RequestLogEntry) => void} logRequest
 * @property {import('./config.js').ExampleConfig} config
 */

/**
 * @typedef {object} ExampleServer
 * @property {(port: number, host: string) => Promise<import('node:net').AddressInfo>} listen
 * @property {() => Promise<void>} close Stop accepting requests and finish the ones in flight.
 */

/**
 * Run a reference app: read the environment, open the store, configure keyward, let `build`
 * create the framework's server, listen, print the address (and the demo banner when the JWT
 * secret was generated), and shut down gracefully on SIGINT/SIGTERM. A configuration or
 * connection error is printed as one line (no stack, no secret) and exits with status 1.
 *
 * @example
 * await runExample('express', ({ keyward, runs, logRequest }) => nodeServer(buildApp(keyward, runs, logRequest)));
 *
 * @param {string} framework Name printed at start.
 * @param {(context: ExampleContext) => ExampleServer | Promise<ExampleServer>} build
 * @param {Record<string, string | undefined>} [env]
 */
export async function runExample(framework, build, env = process.env) {
  /** @type {Array<() => Promise<unknown>>} */
  const cleanups = [];
  try {
    const config = readConfig(env);
    if (config.pepperIsDemo) console.warn('KEYWARD_PEPPER is not set: using a public demo pepper. Set it to 32+ random bytes outside a demo.');
    const opened = await openStore(config.store, { prefix: config.storePrefix });
    cleanups.push(opened.close);
    const keyward = createExampleKeyward({ store: opened.store, pepper: config.pepper, jwtSecret: config.jwtSecret });
    cleanups.unshift(() => keyward.close());
    await keyward.ready;
    const runs = createRunsRepository();
    const logRequest = createRequestLogger(PREFIXES);
    const server = await build({ keyward, runs, logRequest, config });
    cleanups.unshift(() => server.close());
    const address = await server.listen(config.port, config.host);
    const url = `http://${config.host}:${address.port}`;
    const banner = `keyward reference app (${framework}) listening on ${url} (store: ${opened.description})`;
    if (config.jwtSecretGenerated) {
      const token = await signManagementToken(config.jwtSecret, { sub: 'demo-user', org: 'acme', expiresIn: '1h' });
      // One write, so whoever waits for "listening on" also has the demo lines.
      console.log(`${banner}\n${demoInstructions(url, token)}`);
    } else console.log(banner);
    stopOnSignals(cleanups);
  } catch (error) {
    console.error(`keyward reference app (${framework}) could not start: ${error instanceof Error ? error.message : String(error)}`);
    await runAll(cleanups);
    process.exitCode = 1;
  }
}

/**
 * Wrap a Node request listener (an Express app, `koa.callback()`) as an {@link ExampleServer}.
 *
 * @example
 * await runExample('koa', () => nodeServer(app.callback()));
 *
 * @param {import('node:http').RequestListener} listener
 * @returns {ExampleServer}
 */
export function nodeServer(listener) {
  const server = createServer(listener);
  return {
    async listen(port, host) {
      server.listen(port, host);
      await once(server, 'listening');
      return /** @type {import('node:net').AddressInfo} */ (server.address());
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

/** @param {Array<() => Promise<unknown>>} cleanups */
function stopOnSignals(cleanups) {
  let stopping = false;
  const stop = async (/** @type {string} */ signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    // In-flight requests get a few seconds; then the process leaves anyway.
    setTimeout(() => process.exit(1), 5_000).unref();
    const failed = await runAll(cleanups);
    console.log(failed ? 'stopped with errors' : 'stopped');
    process.exit(failed ? 1 : 0);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void stop(signal));
}

/**
 * Run the cleanups in order; a failing one does not stop the others. Returns whether one failed.
 *
 * @param {Array<() => Promise<unknown>>} cleanups
 */
async function runAll(cleanups) {
  let failed = false;
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch (error) {
      failed = true;
      console.error(`shutdown: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return failed;
}
