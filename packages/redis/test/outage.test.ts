import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResult, Keyward } from '@keyward/core';
import type { InvalidationEvent } from '@keyward/core/store';
import { waitFor } from './redis-env.js';
import type { TcpProxy } from '@keyward/core/testing';
import { RedisKeyStore, RedisKeyStoreError } from '@keyward/redis';
import { createClientVia, createProxiedStores, createTestKeyward, randomPrefix, reachable } from './redis-env.js';
import type { ProxiedStores } from './redis-env.js';

describe.skipIf(!reachable)('Redis outage, through a TCP proxy in front of the real server', () => {
  const prefix = randomPrefix();
  let stores: ProxiedStores;
  let proxy: TcpProxy;
  let writerStore: RedisKeyStore;
  let serverStore: RedisKeyStore;
  /** Creates and revokes keys, straight on Redis. */
  let writer: Keyward;
  /** Serves requests through the proxy. */
  let server: Keyward;
  let owner = 0;

  const createKey = () => writer.keys.create({ ownerId: `user_${++owner}`, orgId: 'acme', nickname: 'ci', scopes: ['agents:run'] });
  const authenticate = (key: string): Promise<AuthResult> => server.authenticate({ 'x-api-key': key });

  /** Waits until an event published on Redis reaches the server's store again (its subscriber re-subscribed). */
  async function waitForSubscriber(): Promise<void> {
    const keyId = `key_probe_${owner}`;
    const seen: InvalidationEvent[] = [];
    const stop = await serverStore.subscribe((event) => void (event.keyId === keyId && seen.push(event)));
    try {
      await waitFor(async () => {
        await writerStore.publish({ type: 'updated', keyId });
        await new Promise((resolve) => setTimeout(resolve, 20));
        return seen.length > 0;
      }, 10_000);
    } finally {
      await stop();
    }
  }

  /** Revokes a key the server has cached and expects the server to reject it soon after. */
  async function expectRevocationReachesServer(): Promise<void> {
    const { key, record } = await createKey();
    expect((await authenticate(key)).ok).toBe(true);
    await writer.keys.revoke(record.id);
    await waitFor(async () => {
      const result = await authenticate(key);
      return !result.ok && result.failure.code === 'revoked_api_key';
    }, 1_000);
  }

  beforeAll(async () => {
    stores = await createProxiedStores(prefix);
    ({ proxy, directStore: writerStore, proxiedStore: serverStore } = stores);
    writer = createTestKeyward(writerStore);
    server = createTestKeyward(serverStore, { storeTimeoutMs: 1_000, retryAfterSeconds: 7 });
    await Promise.all([writer.ready, server.ready]);
  });
  afterAll(async () => {
    await Promise.all([writer.close(), server.close()]);
    await stores.close();
  });

  it('answers 503 with Retry-After while Redis is down, and recovers on the same client when it is back', async () => {
    const { key, record } = await createKey();
    await proxy.stop();
    for (let i = 0; i < 3; i++) {
      const result = await authenticate(key);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      // maxRetriesPerRequest: 1 makes the command fail (store_error) instead of waiting for storeTimeoutMs.
      expect(result.failure).toMatchObject({ code: 'auth_unavailable', reason: 'store_error' });
      const response = server.respond(result.failure);
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('7');
    }
    const error: unknown = await serverStore.findByHash(record.id.padEnd(64, 'f')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisKeyStoreError);
    expect((error as Error).message).toMatch(/^RedisKeyStore\.findByHash failed: \w+$/);
    expect((error as Error).message).not.toContain(record.id);
    expect((error as Error).cause).toBeUndefined();

    await proxy.start();
    await waitFor(async () => (await authenticate(key)).ok, 10_000);
    await waitForSubscriber();
    await expectRevocationReachesServer();
  });

  it('survives dropped connections: never a 401 or a wrong 200, then serves and receives events again', async () => {
    const { key } = await createKey();
    proxy.dropConnections();
    const during = await authenticate(key);
    expect(during.ok || during.failure.code === 'auth_unavailable').toBe(true);
    await waitFor(async () => (await authenticate(key)).ok, 10_000);
    await waitForSubscriber();
    await expectRevocationReachesServer();
  });

  it('starts while Redis is down: ready settles, 503 meanwhile, and revocations arrive once Redis is back', async () => {
    await proxy.stop();
    const late = createClientVia(proxy.host, proxy.port);
    const lateStore = new RedisKeyStore({ client: late, prefix });
    const lateServer = createTestKeyward(lateStore);
    try {
      await lateServer.ready; // the first SUBSCRIBE failed; keyward keeps retrying in the background
      const { key, record } = await createKey();
      const down = await lateServer.authenticate({ 'x-api-key': key });
      expect(!down.ok && down.failure.code).toBe('auth_unavailable');
      await proxy.start();
      await waitFor(async () => (await lateServer.authenticate({ 'x-api-key': key })).ok, 10_000);
      await writer.keys.revoke(record.id);
      await waitFor(async () => {
        const result = await lateServer.authenticate({ 'x-api-key': key });
        return !result.ok && result.failure.code === 'revoked_api_key';
      }, 10_000);
    } finally {
      await proxy.start();
      await lateServer.close();
      await lateStore.close();
      late.disconnect();
    }
  });
});
