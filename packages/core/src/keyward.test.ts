import { describe, expect, it } from 'vitest';
import { PEPPER, apiKey, bearer, setup } from '../test/helpers.js';
import { KeywardConfigError } from './errors.js';
import { createKeyward } from './keyward.js';
import { createManagementApi } from './management/management.js';
import { MemoryKeyStore } from './store/memory-store.js';

const owner = { ownerId: 'user_1', orgId: 'acme', nickname: 'ci', scopes: ['agents:run'] };

describe('createKeyward options', () => {
  const store = new MemoryKeyStore();
  it.each([
    [{ store, prefixes: ['eck_live_'], pepperr: PEPPER }, /unknown option "pepperr"/],
    [{ store, prefixes: ['eck_live_'], cache: { maxx: 1 } }, /"cache.maxx"/],
    [{ store: {}, prefixes: ['eck_live_'] }, /not a KeyStore/],
    [{ prefixes: ['eck_live_'] }, /"store" is required/],
    [{ store, prefixes: ['ECK_'] }, /not a valid prefix/],
    [{ store, prefixes: ['eck_live_'], storeTimeoutMs: -1 }, /storeTimeoutMs/],
    [{ store, prefixes: ['eck_live_'], pepper: 'short' }, /at least 32 bytes/],
    [{ store, prefixes: ['eck_live_'], acceptJwt: true }, /acceptJwt/],
    [{ store, prefixes: ['eck_live_'], keys: { allowedScopes: ['a b'] } }, /allowedScopes/],
    [{ store, prefixes: ['eck_live_'], keys: { allowedScopes: ['a'], defaultScopes: ['b'] } }, /defaultScopes/],
    [{ store, prefixes: ['eck_live_'], now: 5 }, /"now"/],
    [{ store, prefixes: ['eck_live_'], onEvent: 'log' }, /"onEvent"/],
    [{ store, prefixes: ['eck_live_'], events: { authnFailIntervalMs: 10 } }, /"events.authnFailIntervalMs"/],
    [{ store, prefixes: ['eck_live_'], events: { interval: 10 } }, /"events.interval"/],
    [{ store, prefixes: ['eck_live_'], telemetry: { authn() {} } }, /"telemetry"/],
  ])('%# rejects bad options with a message that names them', (options, message) => {
    expect(() => createKeyward(options as never)).toThrow(KeywardConfigError);
    expect(() => createKeyward(options as never)).toThrow(message);
  });

  it('warns once when unpeppered in production', () => {
    const warnings: string[] = [];
    createKeyward({ store, prefixes: ['eck_live_'], production: true, logger: { warn: (m) => warnings.push(m) } });
    createKeyward({ store, prefixes: ['eck_live_'], production: false, logger: { warn: (m) => warnings.push(m) } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/no pepper/);
  });
});

describe('no key material leaks', () => {
  it('the store holds only the hash and the start hint, never the raw key', async () => {
    const { keyward, memory } = setup();
    const keys: string[] = [];
    for (const nickname of ['a', 'b', 'c']) keys.push((await keyward.keys.create({ ...owner, nickname })).key);
    const rotated = await keyward.keys.rotate((await keyward.keys.list('user_1'))[0]!.id, { gracePeriodSeconds: 10 });
    keys.push(rotated.key);
    for (const key of keys) await keyward.authenticate(apiKey(key));
    await keyward.flushUsage();
    const stored = JSON.stringify(await memory.listByOwner('user_1', { now: new Date(), limit: 100 }));
    for (const key of keys) {
      expect(stored).not.toContain(key);
      expect(stored).not.toContain(key.slice(9, 9 + 30)); // the secret part
      expect(stored).not.toContain(key.slice(13)); // anything past the start hint
    }
    expect(stored).not.toContain(PEPPER);
  });

  it('failures, responses, warnings and thrown errors never contain the key or token', async () => {
    const { keyward, store, warnings } = setup({ jwt: { secret: 'x'.repeat(40) } });
    const { key, record } = await keyward.keys.create(owner);
    const tampered = key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a');
    const texts: string[] = [];
    const management = createManagementApi(keyward, { scopePolicy: 'caller' });
    const collect = async (headers: Record<string, string>) => {
      const r = await keyward.authenticate(headers);
      if (!r.ok) texts.push(JSON.stringify(r.failure), keyward.respond(r.failure).json);
      const m = await management.authenticate(headers);
      if (!m.ok) texts.push(m.response.json);
    };
    await collect(apiKey(tampered));
    await collect(bearer(`${key} ${key}`));
    await collect(apiKey(`${key},${key}`));
    await collect(bearer(key));
    store.fail('error');
    await collect(apiKey(key));
    try {
      await keyward.keys.revoke(record.id);
    } catch (error) {
      texts.push(String(error), (error as Error).stack ?? '');
    }
    store.fail(null);
    await keyward.keys.revoke(record.id);
    await collect(apiKey(key));
    const all = [...texts, ...warnings].join('\n');
    expect(texts.length).toBeGreaterThan(8);
    expect(all).not.toContain(key.slice(9, 39));
    expect(all).not.toContain(tampered.slice(9, 39));
  });
});
