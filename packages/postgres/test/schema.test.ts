import { readFile } from 'node:fs/promises';
import { KeywardConfigError } from '@keyward/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresKeyStore, PostgresRateLimitStore, schemaSql } from '../src/index.js';
import { createPool, databaseReachable, dropSchema, randomSchema } from './helpers.js';

describe('schema.sql', () => {
  it('is exactly schemaSql() with the default table, so the file and migrate() never drift', async () => {
    const file = await readFile(new URL('../schema.sql', import.meta.url), 'utf8');
    expect(file).toBe(schemaSql());
  });

  it('quotes and qualifies a configured schema and table', () => {
    const sql = schemaSql({ schema: 'auth', table: 'api_keys' });
    expect(sql).toContain('CREATE SCHEMA IF NOT EXISTS "auth";');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS "auth"."api_keys"');
    expect(sql).toContain('"api_keys_active_nickname_key"');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS "auth"."api_keys_audit"');
  });
});

describe('PostgresKeyStore options', () => {
  const pool = new pg.Pool(); // never connects: no query is run
  afterAll(() => pool.end());

  it('accepts a pg.Pool and refuses a single pg.Client or anything else', () => {
    expect(new PostgresKeyStore({ client: pool }).table).toBe('"keyward_api_keys"');
    expect(() => new PostgresKeyStore({ client: new pg.Client() as never })).toThrow(/not a single pg\.Client/);
    expect(() => new PostgresKeyStore({ client: {} as never })).toThrow(KeywardConfigError);
    expect(() => new PostgresKeyStore(undefined as never)).toThrow(KeywardConfigError);
  });

  it('names unknown options', () => {
    expect(() => new PostgresKeyStore({ client: pool, tabel: 'x', pool } as never)).toThrow('unknown options "tabel" (did you mean "table"?), "pool"');
  });

  it('refuses table and schema names that are not plain lowercase identifiers', () => {
    for (const table of ['Keys', 'a"b', 'a;drop', '1abc', '', 'x'.repeat(41)]) {
      expect(() => new PostgresKeyStore({ client: pool, table }), table).toThrow(KeywardConfigError);
    }
    expect(() => new PostgresKeyStore({ client: pool, schema: 'pub lic' })).toThrow(/"schema" must be a lowercase SQL identifier/);
    expect(new PostgresKeyStore({ client: pool, schema: 'auth', table: 'api_keys' }).table).toBe('"auth"."api_keys"');
  });

  it('range-checks the reconnect delays and the logger', () => {
    expect(() => new PostgresKeyStore({ client: pool, reconnectDelayMs: 0 })).toThrow(/reconnectDelayMs/);
    expect(() => new PostgresKeyStore({ client: pool, maxReconnectDelayMs: Number.NaN })).toThrow(/maxReconnectDelayMs/);
    expect(() => new PostgresKeyStore({ client: pool, logger: {} as never })).toThrow(/logger/);
  });
});

const reachable = await databaseReachable();

describe.skipIf(!reachable)('migrate() on PostgreSQL (DATABASE_URL)', () => {
  const schema = randomSchema();
  let pool: pg.Pool;
  beforeAll(() => {
    pool = createPool();
  });
  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('is idempotent and safe to run from several instances at once', async () => {
    const stores = Array.from({ length: 4 }, () => new PostgresKeyStore({ client: pool, schema, table: 'api_keys' }));
    await Promise.all(stores.map((store) => store.migrate()));
    await Promise.all(stores.map((store) => store.migrate()));
    const { rows } = await pool.query<{ indexname: string }>(
      'SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname',
      [schema, 'api_keys'],
    );
    expect(rows.map((row) => row.indexname)).toEqual([
      'api_keys_active_nickname_key', 'api_keys_hash_key', 'api_keys_org_live_idx', 'api_keys_owner_created_idx', 'api_keys_owner_live_idx', 'api_keys_pkey',
    ]);
    const audit = await pool.query<{ indexname: string }>(
      'SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname',
      [schema, 'api_keys_audit'],
    );
    expect(audit.rows.map((row) => row.indexname)).toEqual(['api_keys_audit_org_at_idx', 'api_keys_audit_pkey']);
    const types = await pool.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2
       AND column_name IN ('created_at', 'metadata', 'scopes')  ORDER BY column_name`,
      [schema, 'api_keys'],
    );
    expect(types.rows).toEqual([
      { column_name: 'created_at', data_type: 'timestamp with time zone' },
      { column_name: 'metadata', data_type: 'jsonb' },
      { column_name: 'scopes', data_type: 'ARRAY' },
    ]);
  }, 20_000);

  it('the key store and the rate-limit store migrate the same new schema at once without racing on CREATE SCHEMA', async () => {
    const fresh = randomSchema();
    try {
      for (let round = 0; round < 3; round++) {
        await dropSchema(pool, fresh);
        await Promise.all([
          new PostgresKeyStore({ client: pool, schema: fresh }).migrate(),
          new PostgresRateLimitStore({ client: pool, schema: fresh }).migrate(),
          new PostgresKeyStore({ client: pool, schema: fresh }).migrate(),
        ]);
      }
    } finally {
      await dropSchema(pool, fresh);
    }
  }, 20_000);
});
