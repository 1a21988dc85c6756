import { describe, expect, it } from 'vitest';
import { DEMO_PEPPER, parseStore, readConfig } from '../src/config.js';

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

  it('refuses a bad PORT or store, naming the variable but not echoing a store URL', () => {
    expect(() => readConfig({ PORT: 'http' })).toThrow(/PORT/);
    expect(() => readConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => readConfig({ KEYWARD_STORE: 'mysql://user:hunter2@db' })).toThrow(/KEYWARD_STORE must be/);
    expect(() => readConfig({ KEYWARD_STORE: 'mysql://user:hunter2@db' })).not.toThrow(/hunter2/);
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
