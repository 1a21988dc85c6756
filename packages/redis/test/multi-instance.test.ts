import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { Keyward } from '@keyward/core';
import { RedisKeyStore } from '@keyward/redis';
import { createClient, createTestKeyward, deleteKeys, randomPrefix, reachable } from './redis-env.js';

/** Polls `authenticate` with no sleep but a macrotask turn, returning how long until `accept(result)` held. */
async function msUntil(keyward: Keyward, key: string, accept: (code: string | null) => boolean, limitMs = 2_000): Promise<number> {
  const start = performance.now();
  for (;;) {
    const result = await keyward.authenticate({ 'x-api-key': key });
    if (accept(result.ok ? null : result.failure.code)) return performance.now() - start;
    if (performance.now() - start > limitMs) throw new Error(`not seen within ${limitMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe.skipIf(!reachable)('two keyward instances on one Redis', () => {
  const prefix = randomPrefix();
  const clients: Redis[] = [];
  let a: Keyward;
  let b: Keyward;
  const stores: RedisKeyStore[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const client = createClient();
      clients.push(client);
      stores.push(new RedisKeyStore({ client, prefix }));
    }
    a = createTestKeyward(stores[0]!);
    b = createTestKeyward(stores[1]!);
    await Promise.all([a.ready, b.ready]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await Promise.all(stores.map((store) => store.close()));
    await deleteKeys(clients[0]!, prefix);
    for (const client of clients) client.disconnect();
  });

  it('B rejects a key revoked through A within 100 ms, although B has it cached', async () => {
    const { key, record } = await a.keys.create({ ownerId: 'user_1', orgId: 'acme', nickname: 'ci', scopes: ['agents:run'] });
    expect((await b.authenticate({ 'x-api-key': key })).ok).toBe(true); // warms B's cache (TTL 10 min)
    const start = performance.now();
    await a.keys.revoke(record.id);
    const elapsed = performance.now() - start + (await msUntil(b, key, (code) => code === 'revoked_api_key'));
    expect(elapsed).toBeLessThan(100);
  });

  it('sees a rotation on both instances: old key expired at once, new key accepted', async () => {
    const { key: oldKey, record } = await a.keys.create({ ownerId: 'user_2', orgId: 'acme', nickname: 'deploy', scopes: ['agents:read'] });
    for (const instance of [a, b]) expect((await instance.authenticate({ 'x-api-key': oldKey })).ok).toBe(true);
    const { key: newKey } = await b.keys.rotate(record.id);
    for (const instance of [a, b]) {
      expect(await msUntil(instance, oldKey, (code) => code === 'expired_api_key')).toBeLessThan(100);
      const fresh = await instance.authenticate({ 'x-api-key': newKey });
      expect(fresh.ok && fresh.principal.nickname).toBe('deploy');
    }
    expect((await a.keys.list('user_2')).map((info) => info.nickname)).toEqual(['deploy']);
  });
});
