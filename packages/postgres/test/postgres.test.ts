import { runKeyStoreContract } from '@keyward/core/testing';
import { afterAll, beforeAll, describe } from 'vitest';
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
});
