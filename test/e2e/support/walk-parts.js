// Parts of the walk of the reference app's route table (examples/README.md): management errors, registries (optional auth), rotation and
// revocation. Called by walkReferenceApp in this order.
import { expect } from 'vitest';
import { signManagementToken } from './tokens.js';

/** @typedef {ReturnType<typeof import('./http.js').createClient>} Call */

/**
 * `/auth/api-keys` refusals: 401 without or with a bad JWT or with an API key, 409, 422, 400.
 *
 * @param {Call} call
 * @param {{ admin: string, runnerKey: string, jwtSecret: string, run: string }} ctx
 */
export async function walkManagementErrors(call, { admin, runnerKey, jwtSecret, run }) {
  const missing = await call('GET', '/auth/api-keys');
  expect(missing).toMatchObject({ status: 401, body: { status: 401, code: 'missing_credentials' } });
  expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
  const forged = await signManagementToken(`${jwtSecret}-not-the-secret`, { sub: `walk-admin-${run}`, org: 'acme' });
  expect(await call('GET', '/auth/api-keys', { bearer: forged })).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
  const expired = await signManagementToken(jwtSecret, { sub: `walk-admin-${run}`, org: 'acme', exp: Math.floor(Date.now() / 1000) - 120 });
  expect(await call('GET', '/auth/api-keys', { bearer: expired })).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
  // An API key is not accepted on management routes, in either header.
  expect(await call('GET', '/auth/api-keys', { bearer: runnerKey })).toMatchObject({ status: 401 });
  expect(await call('GET', '/auth/api-keys', { key: runnerKey })).toMatchObject({ status: 401 });
  expect(await call('POST', '/auth/api-keys', { key: runnerKey, body: { nickname: 'sneaky', scopes: ['agents:run'] } })).toMatchObject({ status: 401 });

  const create = (/** @type {unknown} */ body) => call('POST', '/auth/api-keys', { bearer: admin, body });
  expect(await create({ nickname: 'runner', scopes: ['agents:read'] }), 'nickname clash').toMatchObject({ status: 409, body: { status: 409 } });
  expect(await create({ nickname: 'bad scope', scopes: ['agents:delete'] }), 'scope outside the allow-list').toMatchObject({ status: 422, body: { status: 422 } });
  expect(await create({ nickname: 'bad scope 2', scopes: ['not a scope'] })).toMatchObject({ status: 422 });
  const past = new Date(Date.now() - 60_000).toISOString();
  expect(await create({ nickname: 'expired', scopes: ['agents:read'], expiresAt: past }), 'past expiry').toMatchObject({ status: 422, body: { status: 422 } });
  expect(await create({ scopes: ['agents:read'] }), 'no nickname').toMatchObject({ status: 422 });
  const unparseable = await call('POST', '/auth/api-keys', { bearer: admin, rawBody: '{"nickname":' });
  expect(unparseable, 'unparseable JSON').toMatchObject({ status: 400, body: { status: 400 } });
}

/**
 * `GET /v1/registries/:slug`, optional auth: public readable anonymously, private only for the
 * same organization, a bad key refused even on a public registry, unknown slugs 404.
 *
 * @param {Call} call
 * @param {{ acmeKey: string, globexKey: string }} keys
 */
export async function walkRegistries(call, { acmeKey, globexKey }) {
  const open = await call('GET', '/v1/registries/public-prompts');
  expect(open).toMatchObject({ status: 200, body: { slug: 'public-prompts', visibility: 'public' } });
  expect(await call('GET', '/v1/registries/public-prompts', { key: globexKey }), 'public, any valid key').toMatchObject({ status: 200 });
  const bad = await call('GET', '/v1/registries/public-prompts', { key: `eck_live_${'B'.repeat(36)}` });
  expect(bad, 'a bad key is a 401 even on a public registry').toMatchObject({ status: 401, body: { code: 'invalid_api_key' } });
  expect(await call('GET', '/v1/registries/public-prompts', { authorization: 'Basic abc' })).toMatchObject({ status: 401, body: { code: 'malformed_credentials' } });

  const anonymous = await call('GET', '/v1/registries/acme-private');
  expect(anonymous).toMatchObject({ status: 401, body: { code: 'missing_credentials' } });
  expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
  const other = await call('GET', '/v1/registries/acme-private', { key: globexKey });
  expect(other).toMatchObject({ status: 403, body: { status: 403, code: 'forbidden_organization' } });
  expect(JSON.stringify(other.body)).not.toContain('acme');
  expect(await call('GET', '/v1/registries/acme-private', { bearer: acmeKey })).toMatchObject({ status: 200, body: { slug: 'acme-private', visibility: 'private' } });

  expect(await call('GET', '/v1/registries/no-such-registry')).toMatchObject({ status: 404, body: { status: 404 } });
  expect(await call('GET', '/v1/registries/no-such-registry', { key: acmeKey })).toMatchObject({ status: 404 });
}

/**
 * Rotation (with and without grace) and revocation through `/auth/api-keys`.
 *
 * @param {Call} call
 * @param {{ admin: string, mate: string, runner: { id: string, key: string }, reader: { id: string, key: string } }} ctx
 * @param {string[]} secrets
 */
export async function walkRotationAndRevocation(call, { admin, mate, runner, reader }, secrets) {
  const canRead = async (/** @type {string} */ key) => (await call('GET', '/v1/runs', { key })).status;

  // Rotate with a grace period: the new key works, the old one too until the grace ends.
  const rotated = await call('POST', `/auth/api-keys/${runner.id}/rotate`, { bearer: admin, body: { gracePeriodSeconds: 300 } });
  expect(rotated.status).toBe(201);
  expect(rotated.headers.get('cache-control')).toMatch(/no-store/);
  secrets.push(rotated.body.key);
  expect(rotated.body).toMatchObject({ nickname: 'runner', scopes: ['agents:run', 'agents:read'] });
  expect(rotated.body.key).toMatch(/^eck_live_/);
  expect(rotated.body.key).not.toBe(runner.key);
  expect(rotated.body.id).not.toBe(runner.id);
  expect(await canRead(rotated.body.key)).toBe(200);
  expect(await canRead(runner.key), 'the old key works during the grace period').toBe(200);

  // Rotate without grace: the old key stops at once.
  const readerRotated = await call('POST', `/auth/api-keys/${reader.id}/rotate`, { bearer: admin, body: {} });
  expect(readerRotated.status).toBe(201);
  secrets.push(readerRotated.body.key);
  expect(await canRead(readerRotated.body.key)).toBe(200);
  const stale = await call('GET', '/v1/runs', { key: reader.key });
  expect(stale.status).toBe(401);
  expect(['expired_api_key', 'revoked_api_key']).toContain(stale.body.code);

  expect(await call('POST', '/auth/api-keys/key_doesnotexist000000000000/rotate', { bearer: admin, body: {} })).toMatchObject({ status: 404 });
  expect(await call('POST', `/auth/api-keys/${rotated.body.id}/rotate`, { bearer: admin, body: { gracePeriodSeconds: -1 } })).toMatchObject({ status: 422 });
  expect(await call('POST', `/auth/api-keys/${rotated.body.id}/rotate`, { bearer: admin, rawBody: '{' })).toMatchObject({ status: 400 });

  // DELETE: other account 401, unknown 404, then revoked at once and a second DELETE is a 404.
  expect(await call('DELETE', `/auth/api-keys/${rotated.body.id}`, { bearer: mate }), 'a key of another account').toMatchObject({ status: 401 });
  expect(await call('DELETE', '/auth/api-keys/key_doesnotexist000000000000', { bearer: admin })).toMatchObject({ status: 404 });
  expect(await call('DELETE', `/auth/api-keys/${rotated.body.id}`, { key: rotated.body.key }), 'an API key cannot manage keys').toMatchObject({ status: 401 });
  const deleted = await call('DELETE', `/auth/api-keys/${rotated.body.id}`, { bearer: admin });
  expect(deleted).toMatchObject({ status: 200, body: { message: 'API key deleted successfully' } });
  const revoked = await call('POST', '/v1/run', { key: rotated.body.key, body: { agent_type: 'triage', task: 'after revocation' } });
  expect(revoked).toMatchObject({ status: 401, body: { code: 'revoked_api_key' } });
  expect(await call('DELETE', `/auth/api-keys/${rotated.body.id}`, { bearer: admin })).toMatchObject({ status: 404 });
  const listed = await call('GET', '/auth/api-keys', { bearer: admin });
  expect(listed.body.apiKeys.map((/** @type {{ id: string }} */ k) => k.id)).not.toContain(rotated.body.id);
}
