import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { InvalidationEvent } from '@keyward/core/store';
import { waitFor } from './redis-env.js';
import { RedisKeyStore } from '@keyward/redis';
import { createClient, randomPrefix, reachable } from './redis-env.js';

/** Connections Redis sees with this client name. */
async function connectionsNamed(admin: Redis, name: string): Promise<number> {
  const list = (await admin.client('LIST')) as string;
  return list.split('\n').filter((line) => line.includes(` name=${name} `)).length;
}

describe.skipIf(!reachable)('RedisKeyStore invalidation channel', () => {
  const admin = createClient();
  afterAll(() => admin.disconnect());

  it('opens its subscriber only at the first subscribe, closes it in close(), and never closes your client', async () => {
    const name = `kwtest_conn_${randomBytes(4).toString('hex')}`;
    const client = createClient({ connectionName: name });
    try {
      const store = new RedisKeyStore({ client, prefix: randomPrefix() });
      await client.ping();
      expect(await connectionsNamed(admin, name)).toBe(1);
      const stop = await store.subscribe(() => undefined);
      expect(await connectionsNamed(admin, name)).toBe(2);
      await stop();
      await store.close();
      await waitFor(async () => (await connectionsNamed(admin, name)) === 1);
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
    }
  });

  it('with your subscriber: uses it, and close() unsubscribes without closing it', async () => {
    const client = createClient();
    const subscriber = createClient();
    try {
      const store = new RedisKeyStore({ client, subscriber, prefix: randomPrefix() });
      await store.subscribe(() => undefined);
      const channel = `{${store.hashTag.slice(1, -1)}}:invalidations`;
      expect(await admin.pubsub('NUMSUB', channel)).toEqual([channel, 1]);
      await store.close();
      expect(await admin.pubsub('NUMSUB', channel)).toEqual([channel, 0]);
      expect(subscriber.status).toBe('ready');
    } finally {
      client.disconnect();
      subscriber.disconnect();
    }
  });

  it('delivers only { type, keyId }, ignores foreign messages, and survives a throwing listener', async () => {
    const client = createClient();
    const prefix = randomPrefix();
    const store = new RedisKeyStore({ client, prefix });
    const seen: InvalidationEvent[] = [];
    try {
      await store.subscribe(() => {
        throw new Error('listener bug');
      });
      await store.subscribe((event) => void (event.type !== 'reset' && seen.push(event)));
      const channel = `{${prefix}}:invalidations`;
      for (const junk of ['not json', 'null', '{"type":"deleted","keyId":"key_1"}', '{"type":"revoked","keyId":7}']) await client.publish(channel, junk);
      await client.publish(channel, JSON.stringify({ type: 'revoked', keyId: 'key_2', hash: 'ab'.repeat(32) }));
      await store.publish({ type: 'rotated', keyId: 'key_3' });
      await waitFor(() => seen.length >= 2);
      expect(seen.map((event) => ({ ...event }))).toEqual([{ type: 'revoked', keyId: 'key_2' }, { type: 'rotated', keyId: 'key_3' }]);
    } finally {
      await store.close();
      client.disconnect();
    }
  });
});
