import { afterAll, describe, expect, it } from 'vitest';
import { createTestRecord } from '@keyward/core/testing';
import { RedisKeyStore, RedisKeyStoreError } from '@keyward/redis';
import { createClient, createTestKeyward, deleteKeys, randomPrefix, reachable } from './redis-env.js';

describe.skipIf(!reachable)('RedisKeyStore beyond the contract', () => {
  const prefix = randomPrefix();
  const client = createClient();
  const store = new RedisKeyStore({ client, prefix });
  afterAll(async () => {
    await store.close();
    await deleteKeys(client, prefix);
    client.disconnect();
  });

  it('writes a touchLastUsed batch larger than one script call (several calls, one pipeline)', async () => {
    const records = Array.from({ length: 3 }, (_, i) => createTestRecord({ nickname: `k${i}` }));
    for (const record of records) expect(await store.insert(record)).toEqual({ ok: true });
    const filler = Array.from({ length: 1_200 }, (_, i) => ({ id: `key_unknown_${i}`, lastUsedAt: new Date(1) }));
    const base = records[0]!.createdAt.getTime();
    await store.touchLastUsed([
      { id: records[0]!.id, lastUsedAt: new Date(base + 1) }, ...filler.slice(0, 600),
      { id: records[1]!.id, lastUsedAt: new Date(base + 2) }, ...filler.slice(600),
      { id: records[2]!.id, lastUsedAt: new Date(base + 3) }, { id: records[0]!.id, lastUsedAt: new Date(base + 4) },
    ]);
    const used = await Promise.all(records.map(async (record) => (await store.getById(record.id))?.lastUsedAt?.getTime()));
    expect(used).toEqual([base + 4, base + 2, base + 3]);
  });

  it('rejects with a RedisKeyStoreError naming the method and reason, never the arguments', async () => {
    const record = createTestRecord();
    await client.set(`{${prefix}}:h:${record.hash}`, 'not a hash'); // HGETALL on a string: WRONGTYPE
    const error: unknown = await store.findByHash(record.hash).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisKeyStoreError);
    expect((error as RedisKeyStoreError).message).toBe('RedisKeyStore.findByHash failed: WRONGTYPE');
    expect((error as Error).cause).toBeUndefined();
  });

  it('gives keyward a 503, not a 401 or a 500, when the client fails', async () => {
    const broken = createClient({ lazyConnect: true, enableOfflineQueue: false });
    const keyward = createTestKeyward(new RedisKeyStore({ client: broken, prefix }), { cache: false });
    const minter = createTestKeyward(store);
    try {
      const { key } = await minter.keys.create({ ownerId: 'user_503', orgId: null, nickname: 'ci' });
      const result = await keyward.authenticate({ authorization: `Bearer ${key}` });
      expect(!result.ok && keyward.respond(result.failure).status).toBe(503);
    } finally {
      await Promise.all([keyward.close(), minter.close()]);
      broken.disconnect();
    }
  });
});
