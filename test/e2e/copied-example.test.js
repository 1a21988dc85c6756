// Issue 9: an example folder is an app a user can copy. Each one is copied OUT of the workspace
// (os.tmpdir()), installed with npm from its own package.json (the @keyward packages packed as
// they would be published, served by a throwaway registry; the rest from the npm registry), and
// started with `node server.js`; then the demo walk: create a key → 202 → 403 read-only → revoke → 401.
import { execFile } from 'node:child_process';
import { lstat, mkdtemp, cp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAMEWORKS, exampleDir } from './support/apps.js';
import { createClient } from './support/http.js';
import { runUntilExit, startExampleProcess } from './support/process.js';
import { packWorkspace, serveRegistry } from './support/registry.js';
import { expectNoSecrets } from './support/walk.js';

const run = promisify(execFile);
const root = await mkdtemp(join(tmpdir(), 'keyward-copied-'));
/** @type {Awaited<ReturnType<typeof serveRegistry>> | undefined} */
let registry;
/** @type {Map<string, Promise<string>>} */
const installed = new Map();

// npm must see neither the workspace nor the settings pnpm passes to the scripts it runs.
const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_|pnpm_|KEYWARD_)/i.test(name)));

beforeAll(async () => {
  registry = await serveRegistry(await packWorkspace(join(root, 'tarballs')));
  // One folder per framework, installed side by side (npm shares its cache).
  for (const framework of FRAMEWORKS) installed.set(framework, copyAndInstall(framework, registry.url));
  await Promise.allSettled(installed.values());
}, 600_000);

afterAll(async () => {
  await registry?.close();
  await rm(root, { recursive: true, force: true });
});

/**
 * Copy examples/<framework> (without node_modules) to a temporary folder and `npm install` it.
 * Optional dependencies (the PostgreSQL / Redis drivers) are left out, as for a memory demo.
 *
 * @param {string} framework
 * @param {string} registryUrl
 */
async function copyAndInstall(framework, registryUrl) {
  const dir = join(root, framework);
  await cp(fileURLToPath(exampleDir(framework)), dir, { recursive: true, filter: (source) => !source.includes('node_modules') });
  const args = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--omit=optional', '--loglevel=error', `--@keyward:registry=${registryUrl}/`];
  await run('npm', args, { cwd: dir, env: npmEnv, timeout: 540_000 });
  return dir;
}

describe.each(FRAMEWORKS)('examples/%s copied out of the workspace', (framework) => {
  it('installs with npm and serves the demo walk: create key, 202, 403 read-only, revoke, 401', async () => {
    const dir = await /** @type {Promise<string>} */ (installed.get(framework));
    // The @keyward packages are the packed ones, installed, not links into the workspace.
    for (const pkg of ['core', framework]) expect((await lstat(join(dir, 'node_modules', '@keyward', pkg))).isSymbolicLink()).toBe(false);

    const app = await startExampleProcess(dir, {});
    const token = /TOKEN=(\S+)/.exec(app.output())?.[1] ?? '';
    expect(token).toMatch(/^ey/);
    const call = createClient(app.url);
    const createKey = (/** @type {string} */ nickname, /** @type {string[]} */ scopes) => call('POST', '/auth/api-keys', { bearer: token, body: { nickname, scopes } });
    const task = { agent_type: 'triage', task: 'hello' };

    const runner = await createKey('runner', ['agents:run', 'agents:read']);
    expect(runner.status).toBe(201);
    expect(await call('POST', '/v1/run', { key: runner.body.key, body: task })).toMatchObject({ status: 202, body: { status: 'queued', ...task } });
    const reader = await createKey('reader', ['agents:read']);
    expect(await call('POST', '/v1/run', { key: reader.body.key, body: task })).toMatchObject({ status: 403, body: { code: 'insufficient_scope' } });
    expect(await call('GET', '/v1/runs', { bearer: reader.body.key })).toMatchObject({ status: 200 });
    expect(await call('DELETE', `/auth/api-keys/${runner.body.id}`, { bearer: token })).toMatchObject({ status: 200 });
    expect(await call('POST', '/v1/run', { key: runner.body.key, body: task })).toMatchObject({ status: 401, body: { code: 'revoked_api_key' } });

    expect((await app.stop()).code).toBe(0);
    expectNoSecrets(app.output().replaceAll(token, '<the demo token>'), [runner.body.key, reader.body.key]);
  });

  it('without the optional drivers, KEYWARD_STORE=redis:// stops with one line naming what to install', async () => {
    const dir = await /** @type {Promise<string>} */ (installed.get(framework));
    const { code, stderr } = await runUntilExit(dir, { KEYWARD_PEPPER: 'p'.repeat(43), KEYWARD_STORE: 'redis://:hunter2@127.0.0.1:6379' });
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^keyward reference app \\(${framework}\\) could not start: this KEYWARD_STORE needs ioredis and @keyward/redis \\(npm install ioredis @keyward/redis\\): .*\\n$`));
    expect(stderr).not.toContain('hunter2');
  });
});
