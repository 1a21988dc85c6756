import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Keyward } from '@keyward/core';
import type { InvalidationEvent } from '@keyward/core/store';
import { waitFor } from './redis-env.js';
import type { TcpProxy } from '@keyward/core/testing';
import { RedisKeyStore, RedisKeyStoreError } from '@keyward/redis';
import { createClientVia, createProxiedStores, createTestKeyward, randomPrefix, reachable } from './redis-env.js';
import type { ProxiedStores } from './redis-env.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Events published while a subscriber is disconnected are lost (pub/sub keeps nothing). The store
 * reports each such gap through `subscribe`'s `onGap` once it is subscribed again, and keyward then
 * drops its cache: a key revoked during the gap is rejected as soon as the channel is back.
 */
describe.skipIf(!reachable)('Redis invalidation gaps (subscriber connection lost and back), through a TCP proxy', () => {
  const prefix = randomPrefix();
  let stores: ProxiedStores;
  let proxy: TcpProxy;
  /** A's store, straight on Redis: it publishes. */
  let storeA: RedisKeyStore;
  /** B's store, through the proxy: its subscriber is the one cut. */
  let storeB: RedisKeyStore;
  /** Long enough for the 5 s waits below to fail with their own message. */
  const TIMEOUT = 20_000;

  /** A listener on `store` and its `onGap` calls (each also runs `then`), recording only events of `keyId`. */
  async function record(store: RedisKeyStore, keyId: string, then: () => void = () => undefined) {
    const events: InvalidationEvent[] = [];
    const gaps = { count: 0 };
    const stop = await store.subscribe(
      (event) => void (event.keyId === keyId && events.push(event)),
      () => {
        gaps.count++;
        then();
      },
    );
    return { events, gaps, stop };
  }

  beforeAll(async () => {
    stores = await createProxiedStores(prefix);
    ({ proxy, directStore: storeA, proxiedStore: storeB } = stores);
  });
  afterAll(() => stores.close());

  it('calls onGap exactly once after the connection is back, and an event published right then is delivered', async () => {
    // Published from within onGap, once, with no retry: the subscription must already be live then.
    let published: Promise<void> | undefined;
    const seen = await record(storeB, 'key_gap_1', () => void (published ??= storeA.publish({ type: 'revoked', keyId: 'key_gap_1' })));
    const left = await record(storeB, 'key_gap_1');
    await left.stop(); // unsubscribed listeners hear of no gap
    try {
      proxy.dropConnections();
      await waitFor(() => seen.gaps.count > 0, 5_000);
      await published;
      await waitFor(() => seen.events.length > 0, 1_000);
      await sleep(300);
      expect(seen.gaps.count).toBe(1);
      expect(left.gaps.count).toBe(0);
      expect(left.events).toEqual([]);
    } finally {
      await seen.stop();
    }
  }, TIMEOUT);

  it('reports one gap per outage, also while Redis stays down for a while (stop, then start)', async () => {
    const seen = await record(storeB, 'key_gap_2');
    try {
      await proxy.stop();
      await sleep(200); // several failed reconnection attempts
      expect(seen.gaps.count).toBe(0); // not live yet: no gap reported
      await proxy.start();
      await waitFor(() => seen.gaps.count > 0, 5_000);
      await storeA.publish({ type: 'updated', keyId: 'key_gap_2' });
      await waitFor(() => seen.events.length > 0, 1_000);
      proxy.dropConnections();
      await waitFor(() => seen.gaps.count > 1, 5_000);
      await sleep(300);
      expect(seen.gaps.count).toBe(2);
    } finally {
      await proxy.start();
      await seen.stop();
    }
  }, TIMEOUT);

  it('a subscribe() during the gap resolves only on a live channel (rejects while Redis is down), with no gap of its own', async () => {
    const before = await record(storeB, 'key_gap_4');
    try {
      await proxy.stop();
      await sleep(100); // the subscriber noticed the cut
      const during = await storeB.subscribe(() => undefined).then(
        async (stop) => void (await stop()),
        (error: unknown) => error,
      );
      expect(during).toBeInstanceOf(RedisKeyStoreError); // not a promise of a live channel that is not
      await proxy.start();
      const after = await record(storeB, 'key_gap_4');
      await storeA.publish({ type: 'revoked', keyId: 'key_gap_4' });
      await waitFor(() => before.events.length > 0 && after.events.length > 0, 1_000);
      await sleep(300);
      expect(before.gaps.count).toBe(1);
      expect(after.gaps.count).toBe(0);
      await after.stop();
    } finally {
      await proxy.start();
      await before.stop();
    }
  }, TIMEOUT);

  it('with a subscriber you passed, even without autoResubscribe: subscribes again and reports the gap', async () => {
    const client = createClientVia(proxy.host, proxy.port);
    const subscriber = createClientVia(proxy.host, proxy.port, { autoResubscribe: false });
    const store = new RedisKeyStore({ client, subscriber, prefix });
    try {
      const seen = await record(store, 'key_gap_3');
      proxy.dropConnections();
      await waitFor(() => seen.gaps.count > 0, 5_000);
      await storeA.publish({ type: 'rotated', keyId: 'key_gap_3' });
      await waitFor(() => seen.events.length > 0, 1_000);
      await sleep(300);
      expect(seen.gaps.count).toBe(1);
      await seen.stop();
    } finally {
      await store.close();
      client.disconnect();
      subscriber.disconnect();
    }
  }, TIMEOUT);

  it('keyward B rejects a key revoked through A while B was cut off, once B is back, although it had the key cached', async () => {
    const a: Keyward = createTestKeyward(storeA); // cache TTL 10 min: only invalidation drops a key early
    const b: Keyward = createTestKeyward(storeB);
    try {
      await Promise.all([a.ready, b.ready]);
      const { key, record: created } = await a.keys.create({ ownerId: 'user_gap', orgId: 'acme', nickname: 'ci', scopes: ['agents:run'] });
      expect((await b.authenticate({ 'x-api-key': key })).ok).toBe(true); // cached by B
      await proxy.stop();
      await a.keys.revoke(created.id); // its event never reaches B
      await sleep(100);
      await proxy.start();
      await waitFor(async () => {
        const result = await b.authenticate({ 'x-api-key': key });
        return !result.ok && result.failure.code === 'revoked_api_key';
      }, 5_000);
    } finally {
      await proxy.start();
      await Promise.all([a.close(), b.close()]);
    }
  }, TIMEOUT);
});
