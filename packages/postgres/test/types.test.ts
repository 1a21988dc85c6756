import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { expectTypeOf, it } from 'vitest';
import type { PostgresClient, PostgresKeyStoreOptions } from '../src/index.js';

it('accepts a pg.Pool and a PGlite instance as the client, and not a single pg.Client', () => {
  expectTypeOf<pg.Pool>().toExtend<PostgresClient>();
  expectTypeOf<PGlite>().toExtend<PostgresClient>();
  expectTypeOf<pg.Client>().not.toExtend<PostgresClient>();
  expectTypeOf<{ client: pg.Pool; schema: string }>().toExtend<PostgresKeyStoreOptions>();
});
