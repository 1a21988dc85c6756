import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createKeyward } from '@keyward/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PostgresKeyStore } from '../src/index.js';
import { PEPPER } from './scenarios.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyward-pglite-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A keyward on a PGlite data directory: what an app configured with `pglite:<dir>` runs. */
async function open(): Promise<{ db: PGlite; store: PostgresKeyStore }> {
  const db = await PGlite.create(dir);
  const store = new PostgresKeyStore({ client: db });
  await store.migrate();
  return { db, store };
}

it('keeps keys in a PGlite data directory across a restart (close, reopen, migrate again)', async () => {
  const first = await open();
  const keyward = createKeyward({ store: first.store, prefixes: ['eck_test_'], pepper: PEPPER, logger: false });
  const { key } = await keyward.keys.create({ ownerId: 'user_1', orgId: 'acme', nickname: 'ci', scopes: ['agents:run'] });
  await keyward.close();
  await first.store.close();
  expect(first.db.closed).toBe(false); // the store never closes the user's client
  await first.db.close();

  const second = await open();
  try {
    const restarted = createKeyward({ store: second.store, prefixes: ['eck_test_'], pepper: PEPPER, logger: false });
    const result = await restarted.authenticate({ 'x-api-key': key });
    expect(result.ok && result.principal.nickname).toBe('ci');
    await restarted.close();
  } finally {
    await second.store.close();
    await second.db.close();
  }
}, 60_000);
