import { randomFillSync } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { PEPPER, apiKey, bearer, setup, waitFor } from '../../test/helpers.js';
import { createKeyward } from '../keyward.js';
import { generateKey } from '../keys/key-format.js';
import { MemoryKeyStore } from '../store/memory-store.js';

const owner = { ownerId: 'user_1', orgId: 'acme', nickname: 'ci', scopes: ['agents:run'] };
const JWT_SECRET = 'jwt-secret-0123456789-0123456789-xyz';

describe('verification pipeline', () => {
  it('authenticates a minted key through either header and builds the principal', async () => {
    const { keyward } = setup();
    const { key, record } = await keyward.keys.create({ ...owner, metadata: { team: 'infra' } });
    for (const headers of [apiKey(key), bearer(key), { authorization: `bearer ${key}` }]) {
      const result = await keyward.authenticate(headers);
      expect(result).toEqual({
        ok: true,
        principal: {
          type: 'api_key',
          keyId: record.id,
          ownerId: 'user_1',
          orgId: 'acme',
          nickname: 'ci',
          scopes: ['agents:run'],
          environment: 'live',
          expiresAt: null,
          metadata: { team: 'infra' },
        },
      });
    }
  });

  it('a cache hit does no store lookup', async () => {
    const { keyward, store } = setup();
    const { key } = await keyward.keys.create(owner);
    for (let i = 0; i < 10; i++) expect((await keyward.authenticate(apiKey(key))).ok).toBe(true);
    expect(store.calls.findByHash).toBe(1);
  });

  it('1,000 concurrent verifications of one uncached key make exactly one lookup', async () => {
    const { keyward, store } = setup();
    const { key } = await keyward.keys.create(owner);
    store.resetCalls();
    const results = await Promise.all(Array.from({ length: 1000 }, () => keyward.authenticate(apiKey(key))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(store.calls.findByHash).toBe(1);
  });

  it('concurrent misses for an unknown key also share one lookup, then the negative cache answers', async () => {
    const { keyward, store, clock } = setup({ cache: { negativeTtlMs: 1_000 } });
    const unknown = generateKey('eck_live_', (n) => randomFillSync(new Uint8Array(n)));
    const results = await Promise.all(Array.from({ length: 100 }, () => keyward.authenticate(apiKey(unknown))));
    expect(results.every((r) => !r.ok && r.failure.code === 'invalid_api_key')).toBe(true);
    expect(store.calls.findByHash).toBe(1);
    await keyward.authenticate(apiKey(unknown));
    expect(store.calls.findByHash).toBe(1);
    clock.advance(1_001);
    await keyward.authenticate(apiKey(unknown));
    expect(store.calls.findByHash).toBe(2);
  });

  it('a positive entry is refreshed from the store after the TTL', async () => {
    const { keyward, store, clock } = setup({ cache: { ttlMs: 10_000 } });
    const { key } = await keyward.keys.create(owner);
    await keyward.authenticate(apiKey(key));
    clock.advance(9_999);
    await keyward.authenticate(apiKey(key));
    expect(store.calls.findByHash).toBe(1);
    clock.advance(2);
    await keyward.authenticate(apiKey(key));
    expect(store.calls.findByHash).toBe(2);
  });

  it('a revoked key is rejected immediately after revoke, even when cached', async () => {
    const { keyward } = setup();
    const { key, record } = await keyward.keys.create(owner);
    expect((await keyward.authenticate(apiKey(key))).ok).toBe(true);
    await keyward.keys.revoke(record.id);
    expect(await keyward.authenticate(apiKey(key))).toEqual({ ok: false, failure: { code: 'revoked_api_key', keyId: record.id } });
  });

  it('a cached key whose expiresAt has passed is rejected without waiting for the TTL', async () => {
    const { keyward, clock, store } = setup({ cache: { ttlMs: 3_600_000 } });
    const { key, record } = await keyward.keys.create({ ...owner, expiresAt: new Date(clock.now() + 60_000) });
    expect((await keyward.authenticate(apiKey(key))).ok).toBe(true);
    clock.advance(59_999);
    expect((await keyward.authenticate(apiKey(key))).ok).toBe(true);
    clock.advance(1);
    expect(await keyward.authenticate(apiKey(key))).toEqual({ ok: false, failure: { code: 'expired_api_key', keyId: record.id } });
    expect(store.calls.findByHash).toBe(1);
  });

  it.each(['error', 'hang'] as const)('a store that %ss gives auth_unavailable (503 + Retry-After), never 401 or success', async (mode) => {
    const { keyward, store } = setup({ storeTimeoutMs: 50, retryAfterSeconds: 7 });
    const { key } = await keyward.keys.create(owner);
    store.fail(mode);
    const result = await keyward.authenticate(apiKey(key));
    expect(result).toEqual({
      ok: false,
      failure: { code: 'auth_unavailable', reason: mode === 'error' ? 'store_error' : 'store_timeout', retryAfterSeconds: 7 },
    });
    if (result.ok) return;
    const response = keyward.respond(result.failure);
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('7');
    store.fail(null);
    expect((await keyward.authenticate(apiKey(key))).ok).toBe(true); // recovers without restart
  });

  it('an outage is not cached: the next request asks the store again', async () => {
    const { keyward, store } = setup();
    const { key } = await keyward.keys.create(owner);
    store.fail('error');
    await keyward.authenticate(apiKey(key));
    await keyward.authenticate(apiKey(key));
    expect(store.calls.findByHash).toBe(2);
  });

  it('a key gone from the store after its entry went stale is then answered by the negative cache', async () => {
    // A store that erases deleted keys: the same MemoryKeyStore, whose lookups stop finding the key.
    const memory = new MemoryKeyStore();
    const find = memory.findByHash.bind(memory);
    let erased = false;
    let lookups = 0;
    memory.findByHash = async (hash) => {
      lookups++;
      return erased ? null : find(hash);
    };
    const clock = { t: 1_000_000 };
    const keyward = createKeyward({ store: memory, prefixes: ['eck_live_'], pepper: PEPPER, now: () => clock.t, logger: false, cache: { ttlMs: 1_000, negativeTtlMs: 1_000 } });
    const { key } = await keyward.keys.create(owner);
    expect((await keyward.authenticate(apiKey(key))).ok).toBe(true);
    erased = true;
    clock.t += 1_001;
    for (let i = 0; i < 3; i++) expect(await keyward.authenticate(apiKey(key))).toMatchObject({ ok: false, failure: { code: 'invalid_api_key', reason: 'not_found' } });
    expect(lookups).toBe(2);
  });

  it('stale-if-error serves a known key for a bounded time while the store is down (off by default)', async () => {
    const { keyward, store, clock } = setup({ cache: { ttlMs: 1_000, staleIfErrorMs: 5_000 } });
    const { key } = await keyward.keys.create(owner);
    await keyward.authenticate(apiKey(key));
    store.fail('error');
    clock.advance(1_500);
    expect((await keyward.authenticate(apiKey(key))).ok).toBe(true);
    clock.advance(5_000);
    expect(await keyward.authenticate(apiKey(key))).toMatchObject({ ok: false, failure: { code: 'auth_unavailable' } });

    const off = setup({ cache: { ttlMs: 1_000 } });
    const created = await off.keyward.keys.create(owner);
    await off.keyward.authenticate(apiKey(created.key));
    off.store.fail('error');
    off.clock.advance(1_500);
    expect(await off.keyward.authenticate(apiKey(created.key))).toMatchObject({ ok: false, failure: { code: 'auth_unavailable' } });
  });

  it('property: single-character mutations of a real key are rejected without a store call', async () => {
    const { keyward, store } = setup();
    const { key } = await keyward.keys.create(owner);
    store.resetCalls();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: key.length - 1 }), fc.constantFrom(...'0123456789ABCXYZabcxyz_-'), async (at, c) => {
        fc.pre(key[at] !== c);
        const result = await keyward.authenticate(apiKey(key.slice(0, at) + c + key.slice(at + 1)));
        expect(result).toMatchObject({ ok: false, failure: { code: 'invalid_api_key' } });
      }),
    );
    expect(store.calls.findByHash).toBe(0);
  });

  it('property: random header values never throw and always map to a documented code, without store calls', async () => {
    const { keyward, store } = setup();
    const value = fc.oneof(fc.string({ unit: 'binary' }), fc.string().map((s) => `Bearer eck_live_${s}`), fc.constant(undefined));
    await fc.assert(
      fc.asyncProperty(value, value, async (k, a) => {
        const headers: Record<string, string> = {};
        if (k !== undefined) headers['x-api-key'] = k;
        if (a !== undefined) headers.authorization = a;
        const result = await keyward.authenticate(headers);
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(['missing_credentials', 'malformed_credentials', 'invalid_api_key']).toContain(result.failure.code);
          expect(keyward.respond(result.failure).status).toBe(401);
        }
      }),
    );
    expect(store.calls.findByHash).toBe(0);
  });

  it('maps header problems to missing/malformed', async () => {
    const { keyward } = setup();
    expect(await keyward.authenticate({})).toEqual({ ok: false, failure: { code: 'missing_credentials' } });
    expect(await keyward.authenticate({ authorization: 'Basic dXNlcjpwYXNz' })).toMatchObject({ ok: false, failure: { code: 'malformed_credentials' } });
  });

  it('optional mode: no credential is anonymous, a bad one still fails', async () => {
    const { keyward } = setup();
    expect(await keyward.authenticate({}, { optional: true })).toEqual({ ok: true, principal: null });
    expect(await keyward.authenticate(apiKey('eck_live_nope'), { optional: true })).toMatchObject({ ok: false, failure: { code: 'invalid_api_key' } });
  });
});

describe('pepper rotation', () => {
  it('a key minted under the old pepper still verifies after rotation; new keys use the new pepper', async () => {
    const { keyward: before, memory } = setup({ pepper: [{ id: 'v1', secret: PEPPER }] });
    const old = await before.keys.create(owner);
    expect((await memory.getById(old.record.id))!.pepperId).toBe('v1');

    const after = createKeyward({ store: memory, prefixes: ['eck_live_'], pepper: [{ id: 'v2', secret: 'a-brand-new-pepper-0123456789-0123456789' }, { id: 'v1', secret: PEPPER }], logger: false });
    expect(await after.authenticate(apiKey(old.key))).toMatchObject({ ok: true, principal: { keyId: old.record.id } });
    const fresh = await after.keys.create({ ...owner, nickname: 'new' });
    expect((await memory.getById(fresh.record.id))!.pepperId).toBe('v2');
    expect((await after.authenticate(apiKey(fresh.key))).ok).toBe(true);
    // The old instance, which does not know v2, cannot verify the new key.
    expect(await before.authenticate(apiKey(fresh.key))).toMatchObject({ ok: false, failure: { code: 'invalid_api_key', reason: 'not_found' } });
  });
});

describe('invalidation across instances', () => {
  it('revoking through instance A drops the warm cache of instance B through the store channel', async () => {
    const { keyward: a, memory } = setup();
    const b = createKeyward({ store: memory, prefixes: ['eck_live_'], pepper: PEPPER, cache: { ttlMs: 3_600_000 }, logger: false });
    await b.ready;
    const { key, record } = await a.keys.create(owner);
    expect((await b.authenticate(apiKey(key))).ok).toBe(true);
    await a.keys.revoke(record.id);
    await waitFor(async () => !(await b.authenticate(apiKey(key))).ok);
    expect(await b.authenticate(apiKey(key))).toMatchObject({ ok: false, failure: { code: 'revoked_api_key' } });
    await b.close();
  });
});

describe('lastUsedAt', () => {
  it('is recorded without a store write per request, in one batch on flush and on close', async () => {
    const { keyward, store, clock, memory } = setup();
    const one = await keyward.keys.create(owner);
    const two = await keyward.keys.create({ ...owner, nickname: 'two' });
    for (let i = 0; i < 50; i++) {
      await keyward.authenticate(apiKey(one.key));
      await keyward.authenticate(apiKey(two.key));
      clock.advance(10);
    }
    expect(store.calls.touchLastUsed).toBe(0);
    const listed = await keyward.keys.list('user_1');
    expect(listed.find((k) => k.id === one.record.id)!.lastUsedAt!.getTime()).toBe(clock.now() - 10);
    await keyward.flushUsage();
    expect(store.calls.touchLastUsed).toBe(1);
    expect((await memory.getById(two.record.id))!.lastUsedAt!.getTime()).toBe(clock.now() - 10);
    await keyward.authenticate(apiKey(one.key));
    await keyward.close();
    expect(store.calls.touchLastUsed).toBe(2);
    expect((await memory.getById(one.record.id))!.lastUsedAt!.getTime()).toBe(clock.now());
  });

  it('a failed flush keeps its entries for the next one and warns without key material', async () => {
    const { keyward, store, memory, warnings } = setup();
    const { key, record } = await keyward.keys.create(owner);
    await keyward.authenticate(apiKey(key));
    store.fail('error');
    await keyward.flushUsage();
    expect(warnings.some((w) => w.includes('lastUsedAt'))).toBe(true);
    store.fail(null);
    await keyward.flushUsage();
    expect((await memory.getById(record.id))!.lastUsedAt).not.toBeNull();
    expect(warnings.join('\n')).not.toContain(key);
  });
});

describe('JWT bearers', () => {
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('user_1').setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(JWT_SECRET));

  it('without acceptJwt a JWT on an API route is just an invalid key', async () => {
    const { keyward, store } = setup({ jwt: { secret: JWT_SECRET } });
    expect(await keyward.authenticate(bearer(await sign({ org: 'acme' })))).toMatchObject({ ok: false, failure: { code: 'invalid_api_key' } });
    expect(store.calls.findByHash).toBe(0);
  });

  it('with acceptJwt a verified JWT gives a jwt principal; a bad one invalid_token', async () => {
    const { keyward } = setup({ jwt: { secret: JWT_SECRET }, acceptJwt: true, now: Date.now });
    const result = await keyward.authenticate(bearer(await sign({ org: 'acme', scope: 'agents:run agents:read' })));
    expect(result).toMatchObject({ ok: true, principal: { type: 'jwt', ownerId: 'user_1', orgId: 'acme', scopes: ['agents:run', 'agents:read'] } });
    const token = await sign({});
    expect(await keyward.authenticate(bearer(token.slice(0, -2) + 'xx'))).toMatchObject({ ok: false, failure: { code: 'invalid_token' } });
  });
});

describe('hardening', () => {
  it('a flood of unknown keys with valid checksums cannot evict real keys from the cache', async () => {
    const { keyward, store } = setup({ cache: { max: 100, negativeMax: 10 } });
    const real = await Promise.all(Array.from({ length: 50 }, (_, i) => keyward.keys.create({ ...owner, nickname: `k${i}` })));
    for (const { key } of real) await keyward.authenticate(apiKey(key));
    store.resetCalls();
    const random = (n: number) => randomFillSync(new Uint8Array(n));
    for (let i = 0; i < 1_000; i++) await keyward.authenticate(apiKey(generateKey('eck_live_', random)));
    expect(store.calls.findByHash).toBe(1_000);
    store.resetCalls();
    for (const { key } of real) expect((await keyward.authenticate(apiKey(key))).ok).toBe(true);
    expect(store.calls.findByHash).toBe(0);
  });

  it('null or non-object headers are missing credentials, not a crash', async () => {
    const { keyward } = setup();
    for (const headers of [null, undefined, 42, 'x-api-key']) {
      expect(await keyward.authenticate(headers as never)).toEqual({ ok: false, failure: { code: 'missing_credentials' } });
    }
  });

  it('the shared cached principal cannot be changed by one request for the next', async () => {
    const { keyward } = setup();
    const { key } = await keyward.keys.create({ ...owner, metadata: { limits: { rpm: 60 }, tags: ['a'] } });
    const first = await keyward.authenticate(apiKey(key));
    if (!first.ok) throw new Error('expected success');
    const meta = first.principal.metadata as { limits: { rpm: number }; tags: string[] };
    expect(() => {
      meta.limits.rpm = 1_000_000;
    }).toThrow(TypeError);
    expect(() => meta.tags.push('admin')).toThrow(TypeError);
    expect(() => (first.principal.scopes as string[]).push('*')).toThrow(TypeError);
    const second = await keyward.authenticate(apiKey(key));
    expect(second).toMatchObject({ ok: true, principal: { scopes: ['agents:run'], metadata: { limits: { rpm: 60 }, tags: ['a'] } } });
  });
});
