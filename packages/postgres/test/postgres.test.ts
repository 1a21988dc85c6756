import { runKeyStoreContract } from '@keyward/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { PostgresKeyStore } from '../src/index.js';
import { createPool, databaseReachable, dropSchema, randomSchema } from './helpers.js';
import { describeAtomicity, describeMultiInstance, describeNoKeyMaterial } from './scenarios.js';

const reachable = await databaseReachable();
const schema = randomSchema();
let pool: pg.Pool;

describe.skipIf(!reachable)('PostgreSQL via DATABASE_URL', () => {
  beforeAll(async () => {
    pool = createPool();
    await new PostgresKeyStore({ client: pool, schema }).migrate();
  }, 30_000);
  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  runKeyStoreContract('PostgresKeyStore on pg.Pool', () => {
    const store = new PostgresKeyStore({ client: pool, schema });
    return { store, cleanup: () => store.close() };
  }, { timeout: 10_000 });

  const target = { client: () => pool, tableOptions: () => ({ schema }) };
  describeMultiInstance('two stores on one pg.Pool', target);
  describeNoKeyMaterial('pg.Pool', target);
  describeAtomicity('pg.Pool', target);

  it('holds one client of the pool for LISTEN while subscribed and gives it back on close; the pool is not ended', async () => {
    const checkedOut = () => pool.totalCount - pool.idleCount;
    const before = checkedOut();
    const store = new PostgresKeyStore({ client: pool, schema });
    const stopOne = await store.subscribe(() => undefined);
    await store.subscribe(() => undefined);
    expect(checkedOut()).toBe(before + 1);
    await stopOne();
    expect(checkedOut(), 'another subscriber still listens').toBe(before + 1);
    await store.close();
    expect(checkedOut()).toBe(before);
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
  });
});
