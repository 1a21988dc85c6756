import { PGlite } from '@electric-sql/pglite';
import { runKeyStoreContract } from '@keyward/core/testing';
import { afterAll, beforeAll } from 'vitest';
import { PostgresKeyStore } from '../src/index.js';
import { describeAtomicity, describeMultiInstance, describeNoKeyMaterial } from './scenarios.js';

// PGlite takes seconds to start: one in-memory instance for the whole file, default table name.
let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
  await new PostgresKeyStore({ client: db }).migrate();
}, 30_000);
afterAll(async () => {
  await db.close();
});

runKeyStoreContract('PostgresKeyStore on PGlite', () => {
  const store = new PostgresKeyStore({ client: db });
  return { store, cleanup: () => store.close() };
}, { timeout: 10_000 });

const target = { client: () => db, tableOptions: () => ({}) };
describeMultiInstance('two stores on one PGlite instance', target);
describeNoKeyMaterial('PGlite', target);
describeAtomicity('PGlite', target);
