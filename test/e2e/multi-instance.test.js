// Caching and revocation (docs/caching-and-revocation.md) across processes: two reference apps on one PostgreSQL / one Redis. A key created
// through A works on B; revoked or rotated through one, it is refused by the other within a second
// (the store's invalidation channel, not the 30 s cache TTL).
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Redis } from 'ioredis';
import { exampleDir } from './support/apps.js';
import { createClient, waitUntil } from './support/http.js';
import { startExampleProcess } from './support/process.js';
import { DATABASE_URL, REDIS_URL, reachableServices } from './support/services.js';
import { createKey, expectNoSecrets } from './support/walk.js';
import { signManagementToken } from './support/tokens.js';

/** Frameworks of instance A and B: different ones, so the store is shown to be the only link. */
const PAIRS = { postgres: ['express', 'fastify'], redis: ['koa', 'express'] };

const { postgres: withPostgres, redis: withRedis } = await reachableServices('the two-instance test');

/** @type {Array<import('./support/process.js').ExampleProcess>} */
const apps = [];
afterAll(() => Promise.all(apps.map((app) => app.stop())));

/**
 * Start A and B on `store` (isolated by `prefix`: a Postgres schema, a Redis key prefix) and walk
 * the cross-instance scenario.
 *
 * @param {string} store
 * @param {string[]} frameworks
 * @param {string} prefix
 */
async function crossInstanceScenario(store, frameworks, prefix) {
  const jwtSecret = randomBytes(32).toString('base64url');
  const env = { KEYWARD_JWT_SECRET: jwtSecret, KEYWARD_PEPPER: randomBytes(32).toString('base64url'), KEYWARD_STORE: store, KEYWARD_STORE_PREFIX: prefix };
  const [a, b] = await Promise.all(frameworks.map((fw) => startExampleProcess(exampleDir(fw), env)));
  if (a === undefined || b === undefined) throw new Error('two instances expected');
  apps.push(a, b);
  const callA = createClient(a.url);
  const callB = createClient(b.url);
  const admin = await signManagementToken(jwtSecret, { sub: `multi-${prefix}`, org: 'acme' });
  /** @type {string[]} */
  const secrets = [admin];

  // Created through A, listed and accepted by B (and now in B's cache).
  const key = await createKey(callA, admin, { nickname: 'shared', scopes: ['agents:run', 'agents:read'] }, secrets);
  expect((await callB('GET', '/auth/api-keys', { bearer: admin })).body.apiKeys.map((/** @type {{ id: string }} */ k) => k.id)).toContain(key.id);
  expect((await callB('GET', '/v1/runs', { key: key.key })).status).toBe(200);
  expect((await callB('GET', '/v1/runs', { key: key.key })).status).toBe(200);

  // Revoked through A: B refuses it within a second, although it had it cached.
  const revokedAt = Date.now();
  expect((await callA('DELETE', `/auth/api-keys/${key.id}`, { bearer: admin })).status).toBe(200);
  await waitUntil(async () => (await callB('GET', '/v1/runs', { key: key.key })).status === 401, 1_000);
  expect(Date.now() - revokedAt).toBeLessThan(1_000);
  expect(await callB('GET', '/v1/runs', { key: key.key })).toMatchObject({ status: 401, body: { code: 'revoked_api_key' } });

  // Rotated through B without grace: A refuses the old key, accepts the new one.
  const other = await createKey(callA, admin, { nickname: 'rotating', scopes: ['agents:read'] }, secrets);
  expect((await callA('GET', '/v1/runs', { key: other.key })).status).toBe(200);
  const rotated = await callB('POST', `/auth/api-keys/${other.id}/rotate`, { bearer: admin, body: {} });
  expect(rotated.status).toBe(201);
  secrets.push(rotated.body.key);
  await waitUntil(async () => (await callA('GET', '/v1/runs', { key: other.key })).status === 401, 1_000);
  expect((await callA('GET', '/v1/runs', { key: rotated.body.key })).status).toBe(200);

  for (const app of [a, b]) {
    expect((await app.stop()).code).toBe(0);
    expectNoSecrets(app.output(), secrets);
  }
}

describe.skipIf(!withPostgres)('two reference apps on one PostgreSQL (DATABASE_URL)', () => {
  const schema = `kw_ex_${randomBytes(6).toString('hex')}`;
  afterAll(async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
  });
  it(`${PAIRS.postgres.join(' + ')}: created on A works on B; revoked or rotated on one, refused by the other within a second`, async () => {
    await crossInstanceScenario(DATABASE_URL, PAIRS.postgres, schema);
  });
});

describe.skipIf(!withRedis)('two reference apps on one Redis (REDIS_URL)', () => {
  const prefix = `kw_ex_${randomBytes(6).toString('hex')}`;
  afterAll(async () => {
    const client = new Redis(REDIS_URL);
    try {
      /** @type {string[]} */
      const names = [];
      for await (const batch of client.scanStream({ match: `{${prefix}}:*`, count: 500 })) names.push(...batch);
      if (names.length > 0) await client.del(...names);
    } finally {
      client.disconnect();
    }
  });
  it(`${PAIRS.redis.join(' + ')}: created on A works on B; revoked or rotated on one, refused by the other within a second`, async () => {
    await crossInstanceScenario(REDIS_URL, PAIRS.redis, prefix);
  });
});
