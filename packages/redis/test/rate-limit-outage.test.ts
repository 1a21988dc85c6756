import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryKeyStore } from '@keyward/core';
import type { Principal } from '@keyward/core';
import { createTcpProxy } from '@keyward/core/testing';
import type { TcpProxy } from '@keyward/core/testing';
import { RedisRateLimitStore } from '@keyward/redis';
import { createClient, createClientVia, createTestKeyward, deleteKeys, randomPrefix, reachable, redisTarget, waitFor } from './redis-env.js';

describe.skipIf(!reachable)('RedisRateLimitStore during a Redis outage (TCP proxy in front of the real server)', () => {
  const prefix = randomPrefix();
  const direct = createClient();
  let proxy: TcpProxy;
  let client: ReturnType<typeof createClientVia>;
  beforeAll(async () => {
    proxy = await createTcpProxy(redisTarget());
    client = createClientVia(proxy.host, proxy.port);
  });
  afterAll(async () => {
    client.disconnect();
    await proxy.close();
    await deleteKeys(direct, prefix);
    direct.disconnect();
  });

  async function setup(onStoreError: 'allow' | 'deny') {
    const warnings: string[] = [];
    const keyward = createTestKeyward(new MemoryKeyStore(), {
      logger: { warn: (m) => warnings.push(m) }, storeTimeoutMs: 300,
      rateLimit: { store: new RedisRateLimitStore({ client, prefix }), limits: [{ name: 'm', limit: 1000, windowSeconds: 60 }], onStoreError },
    });
    const { key } = await keyward.keys.create({ ownerId: `u_${onStoreError}`, nickname: 'k' });
    const auth = await keyward.authenticate({ 'x-api-key': key });
    if (!auth.ok) throw new Error('auth failed');
    return { keyward, principal: auth.principal as Principal, warnings };
  }

  it('allow (default): requests go through unlimited while Redis is unreachable, one warning per outage, counting again after', async () => {
    const { keyward, principal, warnings } = await setup('allow');
    expect(await keyward.limit(principal)).toMatchObject({ ok: true, headers: { ratelimit: '"m";r=999;t=1' } });
    await proxy.stop();
    for (let i = 0; i < 5; i++) expect(await keyward.limit(principal)).toMatchObject({ ok: true, headers: {} });
    expect(warnings, JSON.stringify(warnings)).toHaveLength(1);
    await proxy.start();
    await waitFor(async () => {
      const result = await keyward.limit(principal);
      return result.ok && 'ratelimit' in result.headers;
    }, 10_000);
    expect(warnings.filter((w) => w.includes('answers again')).length).toBeGreaterThanOrEqual(1); // the client may flap while reconnecting
    await keyward.close();
  });

  it('deny: 503 auth_unavailable while Redis is unreachable', async () => {
    const { keyward, principal } = await setup('deny');
    await proxy.stop();
    const result = await keyward.limit(principal);
    expect(result.ok ? null : keyward.respond(result.failure)).toMatchObject({ status: 503, body: { code: 'auth_unavailable' } });
    await proxy.start();
    await waitFor(async () => (await keyward.limit(principal)).ok, 10_000);
    await keyward.close();
  });
});
