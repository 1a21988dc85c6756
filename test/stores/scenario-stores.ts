/**
 * The production stores the adapters' HTTP scenarios also run on (management, roles, sessions:
 * what depends on the store's org listing and conditional writes): PostgreSQL (pg), PGlite and
 * Redis. Each run gets its own schema or key prefix; the clients are closed after the file.
 * PostgreSQL and Redis are skipped, with a message naming DATABASE_URL / REDIS_URL, when not
 * reachable; PGlite always runs.
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll } from 'vitest';
import type { KeyStore } from '@keyward/core/store';
import type { HttpScenarioGroup } from '@keyward/core/testing';
import { PostgresKeyStore } from '@keyward/postgres';
import { RedisKeyStore } from '@keyward/redis';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The scenario groups whose answers depend on the store. */
export const STORE_GROUPS: readonly HttpScenarioGroup[] = ['management', 'roles', 'sessions'];

export interface ScenarioStore {
  readonly name: string;
  /** `false` (with a warning printed) when the service is not reachable. */
  readonly available: boolean;
  readonly create: () => Promise<KeyStore>;
}

async function reachable(what: string, variable: string, probe: () => Promise<unknown>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch {
    console.warn(`${what} at ${variable} is not reachable; skipping the HTTP scenarios on it`);
    return false;
  }
}

/** The three stores, each creating a fresh empty store per call; call once per test file. */
export async function scenarioStores(): Promise<ScenarioStore[]> {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4, connectionTimeoutMillis: 2_000 });
  pool.on('error', () => undefined);
  const pgUp = await reachable('PostgreSQL', `DATABASE_URL (${DATABASE_URL})`, () => pool.query('SELECT 1'));
  cleanups.push(() => pool.end());

  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000, retryStrategy: (n) => (n > 3 ? null : 50) });
  redis.on('error', () => undefined);
  const redisUp = await reachable('Redis', `REDIS_URL (${REDIS_URL})`, async () => {
    await redis.connect();
    await redis.ping();
  });
  cleanups.push(async () => redis.disconnect());

  return [
    {
      name: 'PostgreSQL',
      available: pgUp,
      async create() {
        const schema = `kw_scen_${randomBytes(6).toString('hex')}`;
        cleanups.push(() => pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
        const store = new PostgresKeyStore({ client: pool, schema });
        await store.migrate();
        return store;
      },
    },
    {
      name: 'PGlite',
      available: true,
      async create() {
        const db = await PGlite.create();
        cleanups.push(() => db.close());
        const store = new PostgresKeyStore({ client: db });
        await store.migrate();
        return store;
      },
    },
    {
      name: 'Redis',
      available: redisUp,
      async create() {
        const prefix = `kw_scen_${randomBytes(6).toString('hex')}`;
        cleanups.push(async () => {
          const keys = await redis.keys(`{${prefix}}*`).catch(() => [] as string[]);
          if (keys.length > 0) await redis.del(...keys);
        });
        return new RedisKeyStore({ client: redis, prefix });
      },
    },
  ];
}
