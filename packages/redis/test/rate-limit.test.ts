import { afterAll, describe } from 'vitest';
import { runRateLimitStoreContract } from '@keyward/core/testing';
import { RedisRateLimitStore } from '@keyward/redis';
import { createClient, deleteKeys, randomPrefix, reachable } from './redis-env.js';

describe.skipIf(!reachable)('RedisRateLimitStore', () => {
  const prefix = randomPrefix();
  const client = createClient();
  afterAll(async () => {
    await deleteKeys(client, prefix);
    client.disconnect();
  });

  runRateLimitStoreContract('RedisRateLimitStore', async () => ({ store: new RedisRateLimitStore({ client, prefix }) }));
});
