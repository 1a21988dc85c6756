// The reference app's route table (examples/README.md), walked once over HTTP against a running reference app. The three examples
// call this same function, so they are held to exactly the same behaviour.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { signManagementToken } from './tokens.js';
import { createClient } from './http.js';
import { walkManagementErrors, walkRegistries, walkRotationAndRevocation } from './walk-parts.js';

/**
 * @typedef {object} WalkResult
 * @property {string[]} secrets Every key and token the walk saw; none may appear in the server output.
 */

/**
 * Walk every row of the reference app's route table (examples/README.md) against the app at `baseUrl`, whose management tokens are
 * HS256 JWTs signed with `jwtSecret`. Account names are random, so several walks can share a
 * persistent store.
 *
 * @example
 * const { secrets } = await walkReferenceApp(app.url, { jwtSecret });
 * expectNoSecrets(app.output(), secrets);
 *
 * @param {string} baseUrl
 * @param {{ jwtSecret: string }} options
 * @returns {Promise<WalkResult>}
 */
export async function walkReferenceApp(baseUrl, { jwtSecret }) {
  const call = createClient(baseUrl);
  const run = randomBytes(4).toString('hex');
  /** @type {string[]} */
  const secrets = [];
  const sign = async (/** @type {string} */ sub, /** @type {string} */ org) => remember(secrets, await signManagementToken(jwtSecret, { sub: `${sub}-${run}`, org }));
  const admin = await sign('walk-admin', 'acme');
  const mate = await sign('walk-mate', 'acme');
  const globexAdmin = await sign('walk-globex', 'globex');

  // GET /health, unknown routes.
  expect(await call('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
  expect((await call('GET', '/health')).body).toEqual({ status: 'ok' });
  for (const [method, path] of [['GET', '/nope'], ['POST', '/v1/nope'], ['GET', '/v1/run']]) {
    expect(await call(/** @type {string} */ (method), /** @type {string} */ (path)), `${method} ${path}`).toMatchObject({ status: 404, body: { status: 404 } });
  }

  // POST /auth/api-keys: 201 with the key, shown once.
  const created = await call('POST', '/auth/api-keys', { bearer: admin, body: { nickname: 'runner', scopes: ['agents:run', 'agents:read'] } });
  expect(created.status).toBe(201);
  expect(created.headers.get('cache-control')).toMatch(/no-store/);
  expect(Object.keys(created.body).sort()).toEqual(expect.arrayContaining(['createdAt', 'expiresAt', 'id', 'key', 'nickname', 'scopes', 'updatedAt']));
  expect(created.body).toMatchObject({ nickname: 'runner', scopes: ['agents:run', 'agents:read'], expiresAt: null });
  expect(created.body).not.toHaveProperty('hash');
  expect(created.body.key).toMatch(/^eck_live_[0-9A-Za-z]{36}$/);
  const runner = { id: created.body.id, key: remember(secrets, created.body.key) };
  const later = new Date(Date.now() + 86_400_000).toISOString();
  const reader = await createKey(call, admin, { nickname: 'reader', scopes: ['agents:read'], expiresAt: later }, secrets);
  expect(Date.parse(reader.body.expiresAt)).toBe(Date.parse(later));
  const runOnly = await createKey(call, admin, { nickname: 'run only', scopes: ['agents:run'] }, secrets);
  const globex = await createKey(call, globexAdmin, { nickname: 'runner', scopes: ['agents:run', 'agents:read'] }, secrets);

  await walkManagementErrors(call, { admin, runnerKey: runner.key, jwtSecret, run });

  // GET /auth/api-keys: the caller's live keys, never a key value or hash.
  const listed = await call('GET', '/auth/api-keys', { bearer: admin });
  expect(listed.status).toBe(200);
  const ids = listed.body.apiKeys.map((/** @type {{ id: string }} */ k) => k.id);
  expect(ids).toEqual(expect.arrayContaining([runner.id, reader.id, runOnly.id]));
  expect(ids).not.toContain(globex.id);
  for (const info of listed.body.apiKeys) {
    expect(info).toMatchObject({ id: expect.any(String), nickname: expect.any(String), scopes: expect.any(Array), start: expect.stringMatching(/^eck_live_/) });
    for (const field of ['expiresAt', 'lastUsedAt', 'createdAt', 'updatedAt']) expect(info).toHaveProperty(field);
    expect(info).not.toHaveProperty('key');
    expect(info).not.toHaveProperty('hash');
  }
  expect(JSON.stringify(listed.body)).not.toContain(runner.key);
  expect(runner.key.startsWith(listed.body.apiKeys.find((/** @type {{ id: string }} */ k) => k.id === runner.id).start)).toBe(true);

  // POST /v1/run: agents:run, validated body, 202, the run belongs to the key's organization.
  const task = { agent_type: 'triage', task: 'label the new issues' };
  const queued = await call('POST', '/v1/run', { key: runner.key, body: task });
  expect(queued.status).toBe(202);
  expect(queued.body).toMatchObject({ id: expect.any(String), status: 'queued', ...task });
  const viaBearer = await call('POST', '/v1/run', { bearer: runner.key, body: { agent_type: 'batch', task: 'second' } });
  expect(viaBearer).toMatchObject({ status: 202, body: { status: 'queued', agent_type: 'batch', task: 'second' } });
  const missing = await call('POST', '/v1/run', { body: task });
  expect(missing).toMatchObject({ status: 401, body: { status: 401, error: 'Unauthorized', code: 'missing_credentials' } });
  expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer realm="[^"]+"$/);
  const madeUp = await call('POST', '/v1/run', { key: `eck_live_${'A'.repeat(36)}`, body: task });
  expect(madeUp).toMatchObject({ status: 401, body: { code: 'invalid_api_key' } });
  expect(madeUp.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  expect(await call('POST', '/v1/run', { authorization: `Basic ${runner.key}`, body: task })).toMatchObject({ status: 401, body: { code: 'malformed_credentials' } });
  expect(await call('POST', '/v1/run', { bearer: admin, body: task }), 'a management JWT is not an API key').toMatchObject({ status: 401 });
  const denied = await call('POST', '/v1/run', { key: reader.key, body: task });
  expect(denied).toMatchObject({ status: 403, body: { status: 403, code: 'insufficient_scope', required: 'agents:run', provided: ['agents:read'] } });
  expect(denied.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
  for (const body of [{ agent_type: 'triage' }, { task: 'x' }, { agent_type: '', task: 'x' }, { agent_type: 7, task: 'x' }, ['triage']]) {
    expect(await call('POST', '/v1/run', { key: runner.key, body }), JSON.stringify(body)).toMatchObject({ status: 422, body: { status: 422 } });
  }
  expect(await call('POST', '/v1/run', { key: runner.key, rawBody: '{"agent_type":' })).toMatchObject({ status: 400, body: { status: 400 } });
  expect(await call('POST', '/v1/run', { key: runner.key, rawBody: '' }), 'an empty JSON body is no body').toMatchObject({ status: 422 });
  const huge = JSON.stringify({ agent_type: 'triage', task: 'x'.repeat(70_000) });
  expect(await call('POST', '/v1/run', { key: runner.key, rawBody: huge }), 'a body over 64 KiB').toMatchObject({ status: 413, body: { status: 413 } });

  // GET /v1/runs and /v1/runs/:id: agents:read, the organization's runs only.
  const globexRun = await call('POST', '/v1/run', { key: globex.key, body: { agent_type: 'triage', task: 'globex work' } });
  expect(globexRun.status).toBe(202);
  const acmeRuns = await call('GET', '/v1/runs', { key: reader.key });
  expect(acmeRuns.status).toBe(200);
  const acmeIds = acmeRuns.body.runs.map((/** @type {{ id: string }} */ r) => r.id);
  expect(acmeIds).toEqual(expect.arrayContaining([queued.body.id, viaBearer.body.id]));
  expect(acmeIds).not.toContain(globexRun.body.id);
  const globexRuns = await call('GET', '/v1/runs', { key: globex.key });
  expect(globexRuns.body.runs.map((/** @type {{ id: string }} */ r) => r.id)).toEqual([globexRun.body.id]);
  expect(await call('GET', '/v1/runs', { key: runOnly.key })).toMatchObject({ status: 403, body: { code: 'insufficient_scope', required: 'agents:read' } });
  expect(await call('GET', '/v1/runs')).toMatchObject({ status: 401, body: { code: 'missing_credentials' } });
  const one = await call('GET', `/v1/runs/${queued.body.id}`, { key: reader.key });
  expect(one).toMatchObject({ status: 200, body: { id: queued.body.id, status: 'queued', ...task } });
  expect(await call('GET', `/v1/runs/${queued.body.id}`, { key: globex.key }), 'a run of another organization').toMatchObject({ status: 404 });
  expect(await call('GET', '/v1/runs/00000000-0000-4000-8000-000000000000', { key: reader.key })).toMatchObject({ status: 404 });
  expect(await call('GET', `/v1/runs/${queued.body.id}`, { key: runOnly.key })).toMatchObject({ status: 403, body: { code: 'insufficient_scope' } });
  expect(await call('GET', `/v1/runs/${queued.body.id}`)).toMatchObject({ status: 401 });
  // A key pasted into a URL must not reach the log either.
  expect(await call('GET', `/v1/runs/${runner.key}`, { key: reader.key })).toMatchObject({ status: 404 });

  await walkRegistries(call, { acmeKey: reader.key, globexKey: globex.key });
  await walkRotationAndRevocation(call, { admin, mate, runner, reader }, secrets);
  return { secrets };
}

/**
 * Create a key through the management API (expects 201) and remember its value.
 *
 * @param {ReturnType<typeof createClient>} call
 * @param {string} token
 * @param {Record<string, unknown>} input
 * @param {string[]} secrets
 */
export async function createKey(call, token, input, secrets) {
  const answer = await call('POST', '/auth/api-keys', { bearer: token, body: input });
  expect(answer.status, `create ${JSON.stringify(input)}`).toBe(201);
  remember(secrets, answer.body.key);
  return { id: /** @type {string} */ (answer.body.id), key: /** @type {string} */ (answer.body.key), body: answer.body };
}

/**
 * @param {string[]} secrets
 * @param {string} secret
 */
function remember(secrets, secret) {
  secrets.push(secret);
  return secret;
}

/**
 * Assert that none of `secrets` appears in `output`. The failure message counts them and never
 * prints one.
 *
 * @example
 * expectNoSecrets(app.output(), secrets);
 *
 * @param {string} output
 * @param {readonly string[]} secrets
 */
export function expectNoSecrets(output, secrets) {
  expect(secrets.length, 'the walk saw keys and tokens').toBeGreaterThan(0);
  const leaked = secrets.filter((s) => output.includes(s)).length;
  expect(leaked, `${leaked} of ${secrets.length} keys/tokens appear in the server output`).toBe(0);
  // Nor any header value of the kind: a JWT or a key of the example's prefixes.
  expect(/eck_(live|test)_[0-9A-Za-z]{36}/.test(output), 'a key-shaped value in the server output').toBe(false);
  expect(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/.test(output), 'a JWT in the server output').toBe(false);
}
