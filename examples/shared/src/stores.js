// Store selection (KEYWARD_STORE). The app owns the database client and hands it to the store;
// drivers and store packages are imported lazily so the memory demo needs no database.
import { MemoryKeyStore } from '@keyward/core';

/**
 * @typedef {object} OpenedStore
 * @property {import('@keyward/core').KeyStore} store
 * @property {string} description What to print at start (never a URL: it may hold a password).
 * @property {() => Promise<void>} close Close the store, then the clients the example opened.
 */

/**
 * Open the store named by `spec`: the in-memory store, PGlite in a directory, PostgreSQL (a
 * `pg.Pool`) or Redis (an ioredis client). SQL stores are migrated (idempotent).
 *
 * @example
 * const { store, close } = await openStore(parseStore('pglite:./.keyward-data'));
 *
 * @param {import('./config.js').StoreSpec} spec
 * @param {{ prefix?: string | undefined }} [options] `prefix`: Redis key prefix or Postgres schema.
 * @returns {Promise<OpenedStore>}
 */
export async function openStore(spec, options = {}) {
  switch (spec.kind) {
    case 'memory':
      return { store: new MemoryKeyStore(), description: 'memory (keys are lost at exit)', close: async () => {} };
    case 'pglite': {
      const { PGlite } = await import('@electric-sql/pglite');
      // create() waits until the database is open, so a bad directory is a clean start-up error.
      const client = await PGlite.create(spec.dir);
      return openPostgres(client, `PGlite in ${spec.dir}`, () => client.close(), options.prefix);
    }
    case 'postgres': {
      const { default: pg } = await import('pg');
      const client = new pg.Pool({ connectionString: spec.url, max: 5 });
      // An idle client that loses its connection is reported here; without a listener the
      // process would crash. Requests meanwhile answer 503 and the pool reconnects.
      client.on('error', (error) => console.error(`postgres: ${error.message} (requests answer 503 until it is back)`));
      return openPostgres(client, 'PostgreSQL', () => client.end(), options.prefix);
    }
    case 'redis': {
      const { Redis } = await import('ioredis');
      const client = new Redis(spec.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      const lastError = reportRedisErrors(client);
      try {
        await client.connect();
      } catch (error) {
        client.disconnect();
        throw new Error(`could not connect to Redis: ${(lastError() ?? /** @type {Error} */ (error)).message}`);
      }
      const RedisKeyStore = await loadStoreClass('@keyward/redis', 'RedisKeyStore', () => client.disconnect());
      const store = new RedisKeyStore({ client, ...(options.prefix === undefined ? {} : { prefix: options.prefix }) });
      return { store, description: 'Redis', close: closeBoth(store, async () => void (await client.quit())) };
    }
  }
}

/**
 * @param {any} client A `pg.Pool` or a PGlite instance.
 * @param {string} description
 * @param {() => Promise<unknown>} closeClient
 * @param {string | undefined} schema
 * @returns {Promise<OpenedStore>}
 */
async function openPostgres(client, description, closeClient, schema) {
  const PostgresKeyStore = await loadStoreClass('@keyward/postgres', 'PostgresKeyStore', closeClient);
  const store = new PostgresKeyStore({ client, ...(schema === undefined ? {} : { schema }) });
  try {
    await store.migrate();
  } catch (error) {
    await closeClient();
    throw error;
  }
  return { store, description, close: closeBoth(store, closeClient) };
}

/**
 * The store class of a keyward store package, or a clear error when it is not built yet.
 *
 * @param {string} pkg
 * @param {string} name
 * @param {() => unknown} cleanup Close the client opened for it.
 * @returns {Promise<any>}
 */
async function loadStoreClass(pkg, name, cleanup) {
  /** @type {Record<string, unknown>} */
  let mod;
  try {
    mod = await import(pkg);
  } catch (error) {
    await cleanup();
    throw new Error(`could not load ${pkg} (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): build it first (pnpm build from the repository root)`);
  }
  if (typeof mod[name] !== 'function') {
    await cleanup();
    throw new Error(`${pkg} does not export ${name}: build it first (pnpm build from the repository root)`);
  }
  return mod[name];
}

/**
 * @param {import('@keyward/core').KeyStore} store
 * @param {() => Promise<unknown>} closeClient
 */
function closeBoth(store, closeClient) {
  return async () => {
    try {
      await store.close?.();
    } finally {
      await closeClient();
    }
  };
}

/**
 * ioredis emits an `error` event on every failed reconnect; without a listener Node prints each one
 * with a stack. Print one line per outage instead (the message names host and port, no password).
 * Returns the last error seen.
 *
 * @param {import('ioredis').Redis} client
 * @returns {() => Error | undefined}
 */
function reportRedisErrors(client) {
  /** @type {Error | undefined} */
  let last;
  let ready = false;
  client.on('error', (/** @type {Error} */ error) => {
    if (ready) console.error(`redis: ${error.message} (requests answer 503 until it is back)`);
    ready = false;
    last = error;
  });
  client.on('ready', () => {
    ready = true;
  });
  return () => last;
}
