// The end-to-end suite every reference app runs: one call per example's test file.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from './http.js';
import { startExampleProcess } from './process.js';
import { createKey, expectNoSecrets, walkReferenceApp } from './walk.js';
import { signManagementToken } from './tokens.js';
import { RUN_LIMITS } from '../../../examples/express/reference-app.js';

const run = promisify(execFile);

/**
 * Boot the example in `dir` as a real process and hold it to its route table (examples/README.md): the whole walk, the safe
 * log, graceful shutdown, the demo banner (its token and curl lines must work) and PGlite.
 *
 * @example
 * // test/e2e/express-app.test.js
 * describeReferenceApp('express', exampleDir('express'));
 *
 * @param {string} framework
 * @param {URL} dir The example folder (holding server.js).
 */
export function describeReferenceApp(framework, dir) {
  /** @type {Array<import('./process.js').ExampleProcess>} */
  const started = [];
  /** @type {string[]} */
  const tempDirs = [];
  const start = async (/** @type {Record<string, string>} */ env, timeoutMs = 15_000) => {
    const app = await startExampleProcess(dir, env, { timeoutMs });
    started.push(app);
    return app;
  };
  afterAll(async () => {
    await Promise.all(started.map((app) => app.stop()));
    await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  describe(`${framework} reference app`, () => {
    it('serves every row of the reference app route table (examples/README.md), logs safely and shuts down gracefully', async () => {
      const jwtSecret = randomBytes(32).toString('base64url');
      const app = await start({ KEYWARD_JWT_SECRET: jwtSecret, KEYWARD_PEPPER: randomBytes(32).toString('base64url') });
      expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const { secrets } = await walkReferenceApp(app.url, { jwtSecret });
      const { secret: pastedSecret, notFound } = await pasteKeysIntoPaths(app.url, jwtSecret, secrets);
      const { code, signal } = await app.stop();
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      const output = app.output();
      expect(output).toMatch(/SIGTERM: shutting down\n/);
      expect(output).toMatch(/\nstopped\n/);
      // The request log: method, path, status, duration, key id.
      expect(output).toMatch(/^POST \/v1\/run 202 \d+\.\dms key=key_\w+$/m);
      expect(output).toMatch(/^GET \/v1\/registries\/public-prompts 200 \d+\.\dms -$/m);
      expect(output).toMatch(/^GET \/v1\/runs\/\[redacted\] 404 \d+\.\dms key=key_\w+$/m);
      expect(output).toMatch(/^POST \/auth\/api-keys 201 \d+\.\dms/m);
      expect(output).not.toMatch(/KEYWARD_PEPPER is not set/);
      expectNoSecrets(output, secrets);
      // Keys pasted into the path percent-encoded once, twice, five times: redacted every time.
      expect(output.match(/^GET \/v1\/runs\/\[redacted\] 404 \d+\.\dms key=key_\w+$/gm)?.length).toBe(notFound + 1);
      expect(output).not.toContain(pastedSecret);
    });

    it('limits each key to KEYWARD_RATE_LIMIT and each organization to ten times that: 429 with the draft-11 headers', async () => {
      const jwtSecret = randomBytes(32).toString('base64url');
      const app = await start({ KEYWARD_JWT_SECRET: jwtSecret, KEYWARD_PEPPER: randomBytes(32).toString('base64url'), KEYWARD_RATE_LIMIT: '3/min' });
      const call = createClient(app.url);
      const admin = signManagementToken(jwtSecret, { sub: 'limited-user', org: 'limited' });
      const { key } = await createKey(call, admin, { nickname: 'limited', scopes: ['agents:run', 'agents:read'] }, []);
      const run = () => call('POST', '/v1/run', { key, body: { agent_type: 'triage', task: 'limited' } });
      const first = await run();
      expect(first.status).toBe(202);
      expect(first.headers.get('ratelimit-policy')).toContain('"per-key";q=3;w=60');
      expect(first.headers.get('ratelimit')).toContain('"per-key";r=2;');
      expect((await run()).status).toBe(202);
      expect((await call('GET', '/v1/runs', { key })).status).toBe(200); // every authenticated /v1 route counts
      const refused = await run();
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ status: 429, code: 'rate_limited', limit: 'per-key', quota: 3, window: 60 });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.headers.get('cache-control')).toBe('no-store');
      expect((await call('GET', '/health')).status).toBe(200); // unauthenticated routes are not limited
      // More keys of the organization do not buy more requests: the organization's 30 run out too.
      const statuses = [];
      for (let i = 0; i < 10; i++) {
        const { key: other } = await createKey(call, admin, { nickname: `limited-${i}`, scopes: ['agents:read'] }, []);
        for (let j = 0; j < 3; j++) statuses.push((await call('GET', '/v1/runs', { key: other })).status);
      }
      expect(statuses.filter((s) => s === 200).length).toBe(27); // 30 for the organization, 3 spent above
      const orgRefusal = await call('GET', '/v1/runs', { key: (await createKey(call, admin, { nickname: 'limited-last', scopes: ['agents:read'] }, [])).key });
      expect(orgRefusal.body).toMatchObject({ code: 'rate_limited', limit: 'per-org', quota: 30 });
    });

    it(`keeps the newest ${RUN_LIMITS.perOrganization} runs of an organization (older ones are 404)`, async () => {
      const jwtSecret = randomBytes(32).toString('base64url');
      // 1 003 runs from one key: above the default limit, so this app allows more.
      const app = await start({ KEYWARD_JWT_SECRET: jwtSecret, KEYWARD_PEPPER: randomBytes(32).toString('base64url'), KEYWARD_RATE_LIMIT: '100000/min' });
      const call = createClient(app.url);
      const admin = signManagementToken(jwtSecret, { sub: 'busy-user', org: 'busy' });
      const { key } = await createKey(call, admin, { nickname: 'busy', scopes: ['agents:run', 'agents:read'] }, []);
      /** @type {string[]} */
      const ids = [];
      const total = RUN_LIMITS.perOrganization + 3;
      const queue = async (/** @type {number} */ n) => (await call('POST', '/v1/run', { key, body: { agent_type: 'triage', task: `run ${n}` } })).body.id;
      for (let n = 0; n < 3; n++) ids.push(await queue(n)); // the three oldest, in order
      for (let n = 3; n < total; n += 50) {
        ids.push(...(await Promise.all(Array.from({ length: Math.min(50, total - n) }, (_, i) => queue(n + i)))));
      }
      const listed = await call('GET', '/v1/runs', { key });
      expect(listed.body.runs).toHaveLength(RUN_LIMITS.perOrganization);
      expect(new Set(listed.body.runs.map((/** @type {{ id: string }} */ r) => r.id))).toEqual(new Set(ids.slice(3)));
      expect((await call('GET', `/v1/runs/${ids[0]}`, { key })).status).toBe(404);
      expect((await call('GET', `/v1/runs/${ids.at(-1)}`, { key })).status).toBe(200);
    });

    it('without KEYWARD_JWT_SECRET prints a demo token and curl lines that work', async () => {
      const app = await start({});
      const output = app.output();
      expect(output).toMatch(/KEYWARD_PEPPER is not set/);
      const token = /TOKEN=(\S+)/.exec(output)?.[1];
      const base = /export KW=(\S+)/.exec(output)?.[1];
      expect(base).toBe(app.url);
      if (token === undefined || base === undefined) throw new Error('no demo token printed');
      // The printed "create a key" line, done with fetch.
      const createLine = output.split('\n').find((line) => line.startsWith('RUNNER=$(curl'));
      const body = JSON.parse(/-d '([^']+)'/.exec(createLine ?? '')?.[1] ?? 'null');
      expect(body).toEqual({ nickname: 'runner', scopes: ['agents:run', 'agents:read'] });
      const call = createClient(base);
      const created = await call('POST', '/auth/api-keys', { bearer: token, body });
      expect(created.status).toBe(201);
      expect(await call('POST', '/v1/run', { key: created.body.key, body: { agent_type: 'triage', task: 'hello' } })).toMatchObject({ status: 202 });
      expectNoSecrets(app.output().replaceAll(token, '<the demo token>'), [created.body.key]);
    });

    it.runIf(hasCurlAndBash())('the printed curl walk runs as printed: 202, 403, 200, revoke 200, then 401', async () => {
      const app = await start({});
      const output = app.output();
      const from = output.indexOf('export KW=');
      const script = output.slice(from, output.indexOf('\n\n', from));
      const env = { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '/tmp' };
      const { stdout } = await run('bash', ['-c', `set -e\n${script}`], { env, timeout: 20_000 });
      const statuses = [...stdout.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
      expect(statuses).toEqual([202, 403, 200, 200, 401]);
      expect(stdout).toMatch(/"code":"insufficient_scope"/);
      expect(stdout).toMatch(/"code":"revoked_api_key"/);
    });

    it('KEYWARD_STORE=pglite:<dir> boots, serves, and keeps keys across a restart', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), `keyward-${framework}-pglite-`));
      tempDirs.push(dataDir);
      const jwtSecret = randomBytes(32).toString('base64url');
      const env = { KEYWARD_JWT_SECRET: jwtSecret, KEYWARD_PEPPER: randomBytes(32).toString('base64url'), KEYWARD_STORE: `pglite:${dataDir}` };
      // PGlite opens in a few seconds alone, more on a loaded CI machine.
      const first = await start(env, 45_000);
      expect(first.output()).toMatch(/\(store: PGlite in /);
      const admin = await signManagementToken(jwtSecret, { sub: 'pglite-user', org: 'acme' });
      const { key } = await createKey(createClient(first.url), admin, { nickname: 'kept', scopes: ['agents:run'] }, []);
      expect((await first.stop()).code).toBe(0);
      const second = await start(env, 45_000);
      const call = createClient(second.url);
      expect(await call('POST', '/v1/run', { key, body: { agent_type: 'triage', task: 'after restart' } })).toMatchObject({ status: 202 });
      expectNoSecrets(first.output() + second.output(), [key, admin]);
    });

    it('refuses a bad KEYWARD_STORE with one clear line, without echoing it', async () => {
      const failed = await startExampleProcess(dir, { KEYWARD_STORE: 'mysql://user:hunter2@db/x' }, { timeoutMs: 10_000 }).then(
        () => null,
        (/** @type {Error} */ error) => error.message,
      );
      expect(failed).toMatch(/exited before listening:\n.*could not start: KEYWARD_STORE must be memory, pglite:<dir>, postgres:\/\/\.\.\. or redis:\/\/\.\.\.\n$/s);
      expect(failed).not.toContain('hunter2');
    });
  });
}

/**
 * Ask for runs whose id is a live key, percent-encoded once, twice (`%2565ck_live_…`), five times,
 * and without its prefix: each is a 404 (or 414), and none may reach the request log.
 *
 * @param {string} baseUrl
 * @param {string} jwtSecret
 * @param {string[]} secrets
 */
async function pasteKeysIntoPaths(baseUrl, jwtSecret, secrets) {
  const call = createClient(baseUrl);
  const admin = signManagementToken(jwtSecret, { sub: `log-${randomBytes(4).toString('hex')}`, org: 'acme' });
  secrets.push(admin);
  const { key } = await createKey(call, admin, { nickname: 'pasted', scopes: ['agents:read'] }, secrets);
  const encodeAll = (/** @type {string} */ text) => [...text].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
  let fiveTimes = key;
  for (let i = 0; i < 5; i++) fiveTimes = encodeAll(fiveTimes);
  const secret = key.slice(key.lastIndexOf('_') + 1);
  let notFound = 0;
  for (const pasted of [encodeAll(key), `%2565${key.slice(1)}`, encodeAll(encodeAll(key)), fiveTimes, secret]) {
    // 404, or 414 where the framework caps a route parameter's length (Fastify: 100 characters;
    // its 414 is answered before any hook, so it is not logged at all).
    const { status } = await call('GET', `/v1/runs/${pasted}`, { key });
    expect([404, 414]).toContain(status);
    if (status === 404) notFound++;
  }
  expect(notFound).toBeGreaterThanOrEqual(2); // %2565… and the bare secret fit every framework
  return { secret, notFound };
}

/** Whether `curl` and `bash` are on the PATH (the printed walk is run by them). */
function hasCurlAndBash() {
  const found = ['curl', 'bash'].every((cmd) => (process.env.PATH ?? '').split(':').some((d) => d !== '' && existsSync(join(d, cmd))));
  if (!found) console.warn('curl or bash is not on the PATH: the printed curl walk is not run (the fetch equivalent still is)');
  return found;
}
