import { afterAll, describe } from 'vitest';
import { runKeyStoreContract } from '@keyward/core/testing';
import { RedisKeyStore } from '@keyward/redis';
import { createClient, deleteKeys, randomPrefix, reachable } from './redis-env.js';

describe.skipIf(!reachable)('RedisKeyStore', () => {
  const prefix = randomPrefix();
  const client = createClient();
  afterAll(async () => {
    await deleteKeys(client, prefix);
    client.disconnect();
  });

  runKeyStoreContract('RedisKeyStore', () => {
    const store = new RedisKeyStore({ client, prefix });
    return { store, cleanup: () => store.close() };
  }, { timeout: 10_000 });
});
