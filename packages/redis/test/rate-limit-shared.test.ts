import { afterAll, describe, expect, it } from 'vitest';
import { floodInstances } from '@keyward/core/testing';
import { RedisKeyStore, RedisRateLimitStore } from '@keyward/redis';
import { createClient, createTestKeyward, deleteKeys, randomPrefix, reachable } from './redis-env.js';

const LIMIT = { name: 'hourly', limit: 50, windowSeconds: 3600, burst: 50 } as const;

describe.skipIf(!reachable)('RedisRateLimitStore shared by instances', () => {
  const prefix = randomPrefix();
  const clients = [createClient(), createClient()];
  afterAll(async () => {
    await deleteKeys(clients[0]!, prefix);
    for (const c of clients) c.disconnect();
  });

  const instance = (i: number) =>
    createTestKeyward(new RedisKeyStore({ client: clients[i]!, prefix }), { rateLimit: { store: new RedisRateLimitStore({ client: clients[i]!, prefix }), limits: [LIMIT] } });

  it('one instance: 300 concurrent requests with a key limited to 50 (burst 50) give exactly 50 × 200 and 250 × 429', async () => {
    const a = instance(0);
    const { key } = await a.keys.create({ ownerId: 'solo', nickname: 'flood' });
    expect(await floodInstances([a], key, 300)).toEqual({ 200: 50, 429: 250 });
    await a.close();
  });

  it('two instances on one Redis, each with its own client: the limit is shared, exactly 50 admitted', async () => {
    const [a, b] = [instance(0), instance(1)];
    const { key } = await a.keys.create({ ownerId: 'pair', nickname: 'flood' });
    expect(await floodInstances([a, b], key, 300)).toEqual({ 200: 50, 429: 250 });
    await Promise.all([a.close(), b.close()]);
  });
});
