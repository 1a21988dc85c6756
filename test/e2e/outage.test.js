// Store outages (docs/caching-and-revocation.md): a store outage is a 503 with Retry-After (never a 401 that logs clients out, never a
// 200), the app keeps running, and it serves again once the store is back. The store's server is
// reached through a TCP proxy that the test stops and starts, so the real one is never touched.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createTcpProxy } from '@keyward/core/testing';
import pg from 'pg';
import { Redis } from 'ioredis';
import { exampleDir } from './support/apps.js';
import { createClient, waitUntil } from './support/http.js';
import { startExampleProcess } from './support/process.js';
import { DATABASE_URL, REDIS_URL, reachableServices } from './support/services.js';
import { createKey, expectNoSecrets } from './support/walk.js';
import { signManagementToken } from './support/tokens.js';

const { postgres: withPostgres, redis: withRedis } = await reachableServices('the outage test');

/** @type {Array<() => Promise<unknown>>} */
const cleanups = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/**
 * @param {string} url The real server's URL.
 * @param {string} prefix Schema / key prefix of this test.
 */
async function outageScenario(url, prefix) {
  const target = new URL(url);
  const proxy = await createTcpProxy({ host: target.hostname, port: Number(target.port) });
  cleanups.push(() => proxy.close());
  const viaProxy = new URL(url);
  viaProxy.hostname = proxy.host;
  viaProxy.port = String(proxy.port);
  const jwtSecret = randomBytes(32).toString('base64url');
  const app = await startExampleProcess(exampleDir('express'), {
    KEYWARD_JWT_SECRET: jwtSecret,
    KEYWARD_PEPPER: randomBytes(32).toString('base64url'),
    KEYWARD_STORE: viaProxy.toString(),
    KEYWARD_STORE_PREFIX: prefix,
  });
  cleanups.push(() => app.stop());
  const call = createClient(app.url);
  const admin = await signManagementToken(jwtSecret, { sub: `outage-${prefix}`, org: 'acme' });
  // Created but not used yet, so it is in no cache: its check has to reach the store.
  const { key } = await createKey(call, admin, { nickname: 'outage', scopes: ['agents:read'] }, []);

  await proxy.stop();
  const down = await call('GET', '/v1/runs', { key });
  expect(down).toMatchObject({ status: 503, body: { status: 503, code: 'auth_unavailable' } });
  expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);
  expect((await call('GET', '/auth/api-keys', { bearer: admin })).status).toBe(503);
  expect((await call('GET', '/health')).status).toBe(200);

  await proxy.start();
  await waitUntil(async () => (await call('GET', '/v1/runs', { key })).status === 200, 10_000);
  expect(app.child.exitCode).toBeNull();
  expect((await app.stop()).code).toBe(0);
  expect(app.output(), 'no stack trace in the output').not.toMatch(/\n\s+at /);
  expectNoSecrets(app.output(), [key, admin]);
}

describe.skipIf(!withPostgres)('PostgreSQL outage (DATABASE_URL)', () => {
  it('503 auth_unavailable with Retry-After while the database is down, 200 again once it is back', async () => {
    const schema = `kw_out_${randomBytes(6).toString('hex')}`;
    cleanups.push(async () => {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
    });
    await outageScenario(DATABASE_URL, schema);
  });
});

describe.skipIf(!withRedis)('Redis outage (REDIS_URL)', () => {
  it('503 auth_unavailable with Retry-After while Redis is down, 200 again once it is back', async () => {
    const prefix = `kw_out_${randomBytes(6).toString('hex')}`;
    cleanups.push(async () => {
      const client = new Redis(REDIS_URL);
      /** @type {string[]} */
      const names = [];
      for await (const batch of client.scanStream({ match: `{${prefix}}:*`, count: 500 })) names.push(...batch);
      if (names.length > 0) await client.del(...names);
      client.disconnect();
    });
    await outageScenario(REDIS_URL, prefix);
  });
});
