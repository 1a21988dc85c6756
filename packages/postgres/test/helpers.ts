import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { vi } from 'vitest';

/** The PostgreSQL server of the real-database tests. */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh schema name, so parallel test files and other runs never share a table. */
export const randomSchema = (): string => `kw_test_${randomBytes(6).toString('hex')}`;

/** Whether {@link DATABASE_URL} answers; warns naming the variable when it does not. */
export async function databaseReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    console.warn(`@keyward/postgres: PostgreSQL at DATABASE_URL (${DATABASE_URL}) is not reachable; skipping its tests`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A pool on {@link DATABASE_URL} whose idle-client errors are swallowed (outage tests cut connections
 * on purpose), with the settings of the README's recovery bounds.
 */
export function createPool(config: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10, connectionTimeoutMillis: 5_000, keepAlive: true, ...config });
  pool.on('error', () => undefined);
  return pool;
}

/** Drops a schema made by the tests. */
export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** Polls `predicate` until it holds (vitest's `vi.waitFor` with a boolean condition). */
export function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 2_000): Promise<void> {
  return vi.waitFor(async () => {
    if (!(await predicate())) throw new Error(`condition not met within ${timeoutMs} ms`);
  }, { timeout: timeoutMs, interval: 10 });
}
