import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
// The reference apps' framework-free half: the same file beside each server.js.
import { DEMO_PEPPER, readConfig } from '../../examples/express/reference-app.js';
import { FRAMEWORKS, exampleDir } from './support/apps.js';

const parseStore = (/** @type {string} */ value) => readConfig({ KEYWARD_STORE: value }).store;

describe('reference-app.js and demo-session.js', () => {
  it.each(['reference-app.js', 'demo-session.js'])('%s is the same file beside each server.js (declared example boilerplate: copy one, get all)', async (file) => {
    const [first, ...others] = await Promise.all(FRAMEWORKS.map((fw) => readFile(new URL(file, exampleDir(fw)), 'utf8')));
    for (const other of others) expect(other === first).toBe(true);
  });
});

describe('readConfig', () => {
  it('defaults: port 3000 on 127.0.0.1, a generated JWT secret, the demo pepper, the memory store', () => {
    const config = readConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 3000, jwtSecretGenerated: true, pepper: DEMO_PEPPER, pepperIsDemo: true, store: { kind: 'memory' } });
    expect(Buffer.byteLength(config.jwtSecret)).toBeGreaterThanOrEqual(32);
    expect(readConfig({}).jwtSecret).not.toBe(config.jwtSecret);
  });

  it('reads PORT, KEYWARD_JWT_SECRET, KEYWARD_PEPPER, KEYWARD_STORE and KEYWARD_STORE_PREFIX', () => {
    const env = { PORT: '0', KEYWARD_JWT_SECRET: 's'.repeat(40), KEYWARD_PEPPER: 'p'.repeat(40), KEYWARD_STORE: 'redis://127.0.0.1:6379', KEYWARD_STORE_PREFIX: 'kw_test' };
    expect(readConfig(env)).toMatchObject({ port: 0, jwtSecret: env.KEYWARD_JWT_SECRET, jwtSecretGenerated: false, pepper: env.KEYWARD_PEPPER, pepperIsDemo: false, store: { kind: 'redis', url: env.KEYWARD_STORE }, storePrefix: 'kw_test' });
  });

  it('reads KEYWARD_RATE_LIMIT as the per-key limit (default 100/min) and gives each organization ten times that', () => {
    expect(readConfig({}).rateLimit).toEqual([
      { name: 'per-key', limit: 100, windowSeconds: 60, burst: 100, per: 'key' },
      { name: 'per-org', limit: 1000, windowSeconds: 60, burst: 1000, per: 'org' },
    ]);
    expect(readConfig({ KEYWARD_RATE_LIMIT: '5/sec' }).rateLimit[0]).toMatchObject({ limit: 5, windowSeconds: 1, burst: 5 });
    expect(readConfig({ KEYWARD_RATE_LIMIT: '2/day' }).rateLimit[1]).toMatchObject({ limit: 20, windowSeconds: 86_400, per: 'org' });
    expect(() => readConfig({ KEYWARD_RATE_LIMIT: 'lots' })).toThrow(/KEYWARD_RATE_LIMIT/);
  });

  it('refuses a bad PORT or store, naming the variable but not echoing a store URL', () => {
    expect(() => readConfig({ PORT: 'http' })).toThrow(/PORT/);
    expect(() => readConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => readConfig({ KEYWARD_STORE: 'mysql://user:hunter2@db' })).toThrow(/KEYWARD_STORE must be/);
    expect(() => readConfig({ KEYWARD_STORE: 'mysql://user:hunter2@db' })).not.toThrow(/hunter2/);
  });

  it('with NODE_ENV=production, refuses to run without KEYWARD_PEPPER or KEYWARD_JWT_SECRET, naming the missing ones', () => {
    const secrets = { KEYWARD_JWT_SECRET: 's'.repeat(40), KEYWARD_PEPPER: 'p'.repeat(40) };
    expect(() => readConfig({ NODE_ENV: 'production' })).toThrow(/^NODE_ENV=production needs KEYWARD_PEPPER and KEYWARD_JWT_SECRET: /);
    expect(() => readConfig({ NODE_ENV: 'production', KEYWARD_JWT_SECRET: secrets.KEYWARD_JWT_SECRET })).toThrow(/needs KEYWARD_PEPPER:/);
    expect(() => readConfig({ NODE_ENV: 'production', KEYWARD_PEPPER: secrets.KEYWARD_PEPPER, KEYWARD_JWT_SECRET: ' ' })).toThrow(/needs KEYWARD_JWT_SECRET:/);
    expect(readConfig({ NODE_ENV: 'production', ...secrets })).toMatchObject({ jwtSecretGenerated: false, pepperIsDemo: false });
    // Development (any other NODE_ENV) keeps the demo defaults.
    for (const NODE_ENV of [undefined, 'development', 'test']) expect(readConfig({ NODE_ENV })).toMatchObject({ jwtSecretGenerated: true, pepperIsDemo: true });
  });
});

describe('parseStore', () => {
  it('knows the four forms', () => {
    expect(parseStore('memory')).toEqual({ kind: 'memory' });
    expect(parseStore('pglite:./data')).toEqual({ kind: 'pglite', dir: './data' });
    expect(parseStore('postgres://u@h/db')).toEqual({ kind: 'postgres', url: 'postgres://u@h/db' });
    expect(parseStore('postgresql://u@h/db')).toEqual({ kind: 'postgres', url: 'postgresql://u@h/db' });
    expect(parseStore('rediss://h:6380')).toEqual({ kind: 'redis', url: 'rediss://h:6380' });
    expect(() => parseStore('pglite:')).toThrow(/directory/);
  });
});
