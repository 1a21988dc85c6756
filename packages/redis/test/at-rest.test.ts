import { afterAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { RedisKeyStore } from '@keyward/redis';
import { createClient, createTestKeyward, deleteKeys, keysOf, randomPrefix, reachable } from './redis-env.js';

/** Every value stored under `name`, whatever its type, as strings. */
async function valuesOf(client: Redis, name: string): Promise<string[]> {
  const type = await client.type(name);
  switch (type) {
    case 'string':
      return [(await client.get(name)) ?? ''];
    case 'hash':
      return Object.entries(await client.hgetall(name)).flat();
    case 'zset':
      return client.zrange(name, 0, -1, 'WITHSCORES');
    case 'set':
      return client.smembers(name);
    case 'list':
      return client.lrange(name, 0, -1);
    case 'stream':
      return (await client.xrange(name, '-', '+')).flatMap(([id, fields]) => [id, ...fields]);
    case 'none':
      return [];
    default:
      throw new Error(`unexpected Redis type ${type} for a store key`);
  }
}

describe.skipIf(!reachable)('what RedisKeyStore keeps at rest', () => {
  const prefix = randomPrefix();
  const client = createClient();
  afterAll(async () => {
    await deleteKeys(client, prefix);
    client.disconnect();
  });

  it('never contains a raw key or its secret, in any key name or value', async () => {
    const store = new RedisKeyStore({ client, prefix });
    const keyward = createTestKeyward(store);
    try {
      const created = [];
      for (const nickname of ['ci', 'deploy', 'ops']) {
        created.push(await keyward.keys.create({ ownerId: 'user_1', orgId: 'acme', nickname, scopes: ['agents:run'], expiresAt: new Date(Date.now() + 3_600_000), metadata: { team: 'ml' } }));
      }
      const rotated = await keyward.keys.rotate(created[0]!.record.id, { gracePeriodSeconds: 60 });
      await keyward.keys.revoke(created[1]!.record.id);
      for (const { key } of [...created, rotated]) await keyward.authenticate({ 'x-api-key': key });
      await keyward.flushUsage();

      const names = await keysOf(client, prefix);
      const stored = [...names];
      for (const name of names) stored.push(...(await valuesOf(client, name)));
      // The scan did read the records: every id is there, so the assertions below are about real data.
      for (const { record } of [...created, rotated]) expect(stored).toContain(record.id);

      for (const { key } of [...created, rotated]) {
        const secret = key.slice('eck_test_'.length, 'eck_test_'.length + 30);
        for (const value of stored) {
          expect(value.includes(key), 'a raw key is stored').toBe(false);
          expect(value.includes(secret), 'a key secret is stored').toBe(false);
        }
      }
    } finally {
      await keyward.close();
      await store.close();
    }
  });
});
