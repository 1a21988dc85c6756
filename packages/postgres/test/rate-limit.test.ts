import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyward, MemoryKeyStore } from '@keyward/core';
import type { Keyward } from '@keyward/core';
import { floodInstances, runRateLimitStoreContract } from '@keyward/core/testing';
import { PostgresKeyStore, PostgresRateLimitStore } from '../src/index.js';
import { createPool, databaseReachable, dropSchema, randomSchema } from './helpers.js';

const LIMIT = { name: 'hourly', limit: 50, windowSeconds: 3600, burst: 50 } as const;
const reachable = await databaseReachable();

describe.skipIf(!reachable)('PostgresRateLimitStore on PostgreSQL', () => {
  const schema = randomSchema();
  const pools = [createPool(), createPool()];
  beforeAll(async () => {
    await new PostgresRateLimitStore({ client: pools[0]!, schema }).migrate();
    await new PostgresKeyStore({ client: pools[0]!, schema }).migrate();
  });
  afterAll(async () => {
    await dropSchema(pools[0]!, schema);
    await Promise.all(pools.map((p) => p.end()));
  });

  runRateLimitStoreContract('PostgresRateLimitStore (pg)', async () => ({ store: new PostgresRateLimitStore({ client: pools[0]!, schema }) }));

  const instance = (i: number): Keyward =>
    createKeyward({
      store: new PostgresKeyStore({ client: pools[i]!, schema, logger: false }), prefixes: ['eck_test_'], logger: false,
      rateLimit: { store: new PostgresRateLimitStore({ client: pools[i]!, schema }), limits: [LIMIT] },
    });

  it('migrate() is idempotent, and prune() deletes only counters that no longer matter', async () => {
    const store = new PostgresRateLimitStore({ client: pools[0]!, schema });
    await Promise.all([store.migrate(), store.migrate()]);
    const now = Date.UTC(2030, 0, 1);
    await store.consume({ now, cost: 1, buckets: [{ key: 'prune:a', intervalMs: 1000, burst: 5 }], quotas: [] });
    await store.consume({ now, cost: 1, buckets: [{ key: 'prune:b', intervalMs: 60_000, burst: 5 }], quotas: [] });
    expect(await store.prune(now + 1000)).toBeGreaterThanOrEqual(1);
    expect((await store.consume({ now: now + 1000, cost: 0, buckets: [{ key: 'prune:b', intervalMs: 60_000, burst: 5 }], quotas: [] })).tats).toEqual([now + 60_000]);
  });

  it('one instance: 300 concurrent requests with a key limited to 50 (burst 50) give exactly 50 × 200 and 250 × 429', async () => {
    const a = instance(0);
    const { key } = await a.keys.create({ ownerId: 'solo', nickname: 'flood' });
    expect(await floodInstances([a], key, 300)).toEqual({ 200: 50, 429: 250 });
    await a.close();
  });

  it('two instances, each on its own pool: the limit is shared, exactly 50 admitted', async () => {
    const [a, b] = [instance(0), instance(1)];
    const { key } = await a.keys.create({ ownerId: 'pair', nickname: 'flood' });
    expect(await floodInstances([a, b], key, 300)).toEqual({ 200: 50, 429: 250 });
    await Promise.all([a.close(), b.close()]);
  });

  it('rejects bad options, naming them', () => {
    expect(() => new PostgresRateLimitStore({ client: pools[0]!, table: 'Bad-Name' })).toThrow(/"table"/);
    expect(() => new PostgresRateLimitStore({ client: {} as never })).toThrow(/"client"/);
    expect(() => new PostgresRateLimitStore({ client: pools[0]!, tabel: 'x' } as never)).toThrow(/did you mean "table"/);
  });
});

describe('PostgresRateLimitStore on PGlite', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
    await new PostgresRateLimitStore({ client: db }).migrate();
  }, 30_000);
  afterAll(async () => {
    await db.close();
  });

  runRateLimitStoreContract('PostgresRateLimitStore (PGlite)', async () => ({ store: new PostgresRateLimitStore({ client: db }) }));

  it('300 concurrent requests with a key limited to 50 (burst 50) give exactly 50 × 200 and 250 × 429', async () => {
    const keyward = createKeyward({ store: new MemoryKeyStore(), prefixes: ['eck_test_'], logger: false, rateLimit: { store: new PostgresRateLimitStore({ client: db }), limits: [LIMIT] } });
    const { key } = await keyward.keys.create({ ownerId: 'pglite', nickname: 'flood' });
    expect(await floodInstances([keyward], key, 300)).toEqual({ 200: 50, 429: 250 });
    await keyward.close();
  });
});
