import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvalidationEvent, InvalidationReset } from '@keyward/core/store';
import type { InvalidationContractFixture } from '@keyward/core/testing';
import { RedisKeyStore } from '@keyward/redis';
import { createClient, createClientVia, createInvalidationFixture, createTestKeyward, randomPrefix, reachable } from './redis-env.js';

/** What is Redis-specific in an outage; the rest is the shared invalidation contract (invalidation.test.ts). */
describe.skipIf(!reachable)('Redis outage, Redis-specific parts', () => {
  const prefix = randomPrefix();
  let fixture: InvalidationContractFixture;
  beforeAll(async () => {
    fixture = await createInvalidationFixture(prefix);
  });
  afterAll(() => fixture.cleanup());

  it('with maxRetriesPerRequest: 1 a command fails at once while Redis is down (store_error, not a timeout)', async () => {
    const proxied = await fixture.connect();
    const server = createTestKeyward(proxied.store, { storeTimeoutMs: 5_000 });
    const writer = createTestKeyward(fixture.direct);
    try {
      const { key } = await writer.keys.create({ ownerId: 'user_fast', orgId: 'acme', nickname: 'ci' });
      await fixture.proxy.stop();
      const result = await server.authenticate({ 'x-api-key': key });
      expect(result.ok ? null : result.failure).toMatchObject({ code: 'auth_unavailable', reason: 'store_error' });
    } finally {
      await fixture.proxy.start();
      await Promise.all([server.close(), writer.close()]);
      await proxied.close();
    }
  });

  it('with a subscriber you passed, even without autoResubscribe: subscribes again and sends one reset', async () => {
    const { proxy } = fixture;
    const client = createClientVia(proxy.host, proxy.port);
    const subscriber = createClientVia(proxy.host, proxy.port, { autoResubscribe: false });
    const store = new RedisKeyStore({ client, subscriber, prefix, logger: false });
    const heard: Array<InvalidationEvent | InvalidationReset> = [];
    let wake = () => undefined as void;
    const until = (condition: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => (condition() ? resolve() : (wake = check));
        check();
      });
    try {
      await store.subscribe((event) => {
        if (event.type === 'reset' || event.keyId === 'key_gap_3') heard.push(event);
        wake();
      });
      proxy.dropConnections();
      await until(() => heard.length > 0);
      await fixture.direct.publish!({ type: 'rotated', keyId: 'key_gap_3' });
      await until(() => heard.length > 1);
      expect(heard).toEqual([{ type: 'reset' }, { type: 'rotated', keyId: 'key_gap_3' }]);
    } finally {
      await store.close();
      client.disconnect();
      subscriber.disconnect();
    }
  });

  it('warns when the client lacks the settings that bound a silent connection', () => {
    const warnings: string[] = [];
    const bare = createClient({ socketTimeout: undefined, keepAlive: 0, lazyConnect: true });
    new RedisKeyStore({ client: bare, prefix, logger: { warn: (m) => warnings.push(m) } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('socketTimeout');
    expect(warnings[0]).toContain('keepAlive');
    const configured = createClient({ lazyConnect: true });
    new RedisKeyStore({ client: configured, prefix, logger: { warn: (m) => warnings.push(m) } });
    expect(warnings).toHaveLength(1);
    bare.disconnect();
    configured.disconnect();
  });
});
