// The PostgreSQL and Redis servers the store tests of the reference apps run against, and whether
// they answer: one probe for every test file, so each skips the same way with the same message.
import pg from 'pg';
import { Redis } from 'ioredis';

/** PostgreSQL of the store tests: `DATABASE_URL`, default the local test database. */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Redis of the store tests: `REDIS_URL`, default the local server. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Whether PostgreSQL (`DATABASE_URL`) and Redis (`REDIS_URL`) accept a connection within 2 s.
 * For each one that does not, warn that `what` is skipped, naming the variable and the host
 * (never the URL: it may hold a password).
 *
 * @example
 * const { postgres, redis } = await reachableServices('the outage tests');
 * describe.skipIf(!postgres)('PostgreSQL outage (DATABASE_URL)', () => { ... });
 *
 * @param {string} what The tests that are skipped, for the warning.
 * @returns {Promise<{ postgres: boolean, redis: boolean }>}
 */
export async function reachableServices(what) {
  const [postgres, redis] = await Promise.all([
    reachable('DATABASE_URL', DATABASE_URL, what, async () => {
      const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2_000 });
      try {
        await client.connect();
      } finally {
        await client.end().catch(() => {});
      }
    }),
    reachable('REDIS_URL', REDIS_URL, what, async () => {
      const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await client.connect();
      } finally {
        client.disconnect();
      }
    }),
  ]);
  return { postgres, redis };
}

/**
 * @param {string} variable
 * @param {string} url
 * @param {string} what
 * @param {() => Promise<unknown>} probe
 */
async function reachable(variable, url, what, probe) {
  try {
    await probe();
    return true;
  } catch {
    console.warn(`${variable} (${hostOf(url)}) is not reachable: skipping ${what}`);
    return false;
  }
}

/** @param {string} url */
function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return 'unparseable URL';
  }
}
