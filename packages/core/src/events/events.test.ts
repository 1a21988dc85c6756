import { describe, expect, it } from 'vitest';
import { T0, apiKey, setup } from '../../test/helpers.js';
import { createScopeGuard, createOrganizationGuard } from '../http/guards.js';
import { MemoryRateLimitStore } from '../ratelimit/memory-rate-limit-store.js';
import { MemoryKeyStore } from '../store/memory-store.js';
import type { AuditRecord } from '../store/key-store.js';
import type { KeywardEvent } from './types.js';

/** A memory store whose audit writes fail (the faulty test store has no audit methods). */
class AuditDown extends MemoryKeyStore {
  override appendAudit(_record: AuditRecord): Promise<void> {
    return Promise.reject(new Error('audit down'));
  }
}

function withEvents(overrides: Parameters<typeof setup>[0] = {}) {
  const events: KeywardEvent[] = [];
  const memory = new MemoryKeyStore();
  const ctx = { ...setup({ store: memory, onEvent: (e) => void events.push(e), ...overrides }), memory };
  const of = <T extends KeywardEvent['type']>(type: T) => events.filter((e): e is Extract<KeywardEvent, { type: T }> => e.type === type);
  return { ...ctx, events, of };
}

describe('key-manager events', () => {
  it('create, update, rotate and revoke each report one event, actor system unless the caller names one', async () => {
    const { keyward, events, memory } = withEvents();
    const { key, record } = await keyward.keys.create({ ownerId: 'u1', orgId: 'acme', nickname: 'ci', scopes: ['a'] });
    await keyward.keys.update(record.id, { nickname: 'ci2', scopes: undefined }, { ownerId: 'u1', actor: 'user:admin', requestId: 'req-7' });
    const rotated = await keyward.keys.rotate(record.id, { gracePeriodSeconds: 60 });
    await keyward.keys.revoke(rotated.record.id, { actor: 'ops-bot' });
    expect(events.map((e) => e.type)).toEqual(['authn_token_created', 'authn_token_updated', 'authn_token_rotated', 'authn_token_revoked']);
    expect(events[0]).toMatchObject({ actor: 'system', orgId: 'acme', keyId: record.id, ownerId: 'u1', nickname: 'ci', scopes: ['a'], start: record.start, requestId: null });
    expect(events[0]!.time).toEqual(new Date(T0));
    expect(events[1]).toMatchObject({ actor: 'user:admin', requestId: 'req-7', fields: ['nickname'] });
    expect(events[2]).toMatchObject({ actor: 'system', keyId: record.id, newKeyId: rotated.record.id, previousExpiresAt: new Date(T0 + 60_000) });
    expect(events[3]).toMatchObject({ actor: 'ops-bot', keyId: rotated.record.id, replacedById: null });
    // Never the key, never a hash.
    const json = JSON.stringify(events);
    expect(json).not.toContain(key);
    expect(json).not.toContain(rotated.key);
    expect(json).not.toContain((await memory.getById(record.id))!.hash);
    // Persisted into the store's audit ring, newest first.
    const audit = await memory.listAudit('acme', { limit: 10 });
    expect(audit.records.map((r) => r.type)).toEqual(['authn_token_revoked', 'authn_token_rotated', 'authn_token_updated', 'authn_token_created']);
    expect(audit.records[2]).toMatchObject({ actor: 'user:admin', requestId: 'req-7', keyId: record.id, data: { fields: ['nickname'], ownerId: 'u1' } });
    expect(audit.records[0]!.id).toMatch(/^evt_[0-9a-z]{13}[0-9A-Za-z]{10}$/);
  });

  it('a failing audit write is logged, never thrown; audit records are written without a listener too', async () => {
    const memory = new MemoryKeyStore();
    await setup({ store: memory }).keyward.keys.create({ ownerId: 'u1', nickname: 'a' });
    expect((await memory.listAudit(null, { limit: 5 })).records).toHaveLength(1);
    const { keyward, warnings } = setup({ store: new AuditDown() });
    const created = await keyward.keys.create({ ownerId: 'u1', nickname: 'b' });
    expect(created.record.nickname).toBe('b');
    expect(warnings.some((w) => /could not write the audit record of authn_token_created/.test(w))).toBe(true);
  });

  it('a listener that throws is logged once per event type and breaks nothing', async () => {
    const { keyward, warnings } = setup({ onEvent: () => { throw new Error('boom'); } });
    await keyward.keys.create({ ownerId: 'u1', nickname: 'a' });
    await keyward.keys.create({ ownerId: 'u1', nickname: 'b' });
    const rejecting = setup({ onEvent: () => Promise.reject(new Error('later')) });
    await rejecting.keyward.keys.create({ ownerId: 'u1', nickname: 'a' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((w) => w.includes('onEvent'))).toHaveLength(1);
    expect(rejecting.warnings.filter((w) => w.includes('onEvent'))).toHaveLength(1);
  });
});

describe('request-path events', () => {
  it('authn_fail is one event per (prefix, code) per interval, with a count, on the injected clock and on close', async () => {
    const { keyward, of, clock } = withEvents({ events: { authnFailIntervalMs: 10_000 } });
    const { key } = await keyward.keys.create({ ownerId: 'u1', nickname: 'a' });
    const wrong = `${key.slice(0, -1)}${key.endsWith('x') ? 'y' : 'x'}`; // a bad checksum
    for (let i = 0; i < 1_000; i++) await keyward.authenticate(apiKey(wrong));
    for (let i = 0; i < 3; i++) await keyward.authenticate({});
    await keyward.authenticate({}, { optional: true }); // anonymous, not a failure
    await keyward.authenticate(apiKey('xyz_unknown'));
    await keyward.authenticate(apiKey(key));
    expect(of('authn_fail')).toHaveLength(0);
    clock.advance(10_000);
    await keyward.authenticate({}); // a new interval: the previous one is reported first
    const first = of('authn_fail');
    expect(first.map((e) => [e.prefix, e.code, e.count])).toEqual([
      ['eck_live_', 'invalid_api_key', 1_000],
      ['none', 'missing_credentials', 3],
      ['none', 'invalid_api_key', 1],
    ]);
    expect(first[0]).toMatchObject({ actor: 'anonymous', keyId: null, since: new Date(T0), time: new Date(T0 + 10_000) });
    await keyward.close();
    expect(of('authn_fail').slice(3).map((e) => [e.code, e.count])).toEqual([['missing_credentials', 1]]);
  });

  it('a revoked key and a key rotated out are reported as reuse: the first use at once, the rest counted', async () => {
    const { keyward, of, clock } = withEvents();
    const revoked = await keyward.keys.create({ ownerId: 'u1', orgId: 'acme', nickname: 'a' });
    await keyward.keys.revoke(revoked.record.id);
    for (let i = 0; i < 5; i++) await keyward.authenticate({ 'x-api-key': revoked.key, 'x-request-id': `r${i}` });
    expect(of('authn_token_reuse')).toEqual([
      { type: 'authn_token_reuse', time: new Date(T0), actor: `key:${revoked.record.id}`, orgId: 'acme', keyId: revoked.record.id, requestId: 'r0', reason: 'revoked', count: 1 },
    ]);
    const old = await keyward.keys.create({ ownerId: 'u1', nickname: 'b' });
    await keyward.keys.rotate(old.record.id, { gracePeriodSeconds: 60 });
    expect((await keyward.authenticate(apiKey(old.key))).ok).toBe(true); // in its grace period: no reuse
    clock.advance(61_000);
    await keyward.authenticate(apiKey(old.key));
    const expired = await keyward.keys.create({ ownerId: 'u1', nickname: 'c', expiresAt: new Date(T0 + 100_000) });
    clock.advance(100_000);
    await keyward.authenticate(apiKey(expired.key)); // plainly expired: not a reuse
    await keyward.close();
    // The clock passed the interval: the four later uses of the revoked key were reported first.
    expect(of('authn_token_reuse').map((e) => [e.reason, e.count, e.keyId])).toEqual([
      ['revoked', 1, revoked.record.id],
      ['revoked', 4, revoked.record.id],
      ['rotated', 1, old.record.id],
    ]);
  });

  it('authz_fail from the scope and organization guards, with the caller and x-request-id', async () => {
    const { keyward, of } = withEvents();
    const { key, record } = await keyward.keys.create({ ownerId: 'u1', orgId: 'acme', nickname: 'a', scopes: ['a:read'] });
    const auth = await keyward.authenticate(apiKey(key));
    if (!auth.ok) throw new Error('expected a principal');
    const headers = { 'x-request-id': 'req-1' };
    const response = keyward.respond(createScopeGuard('a:write')(auth.principal)!, { principal: auth.principal, headers });
    expect(response.status).toBe(403);
    keyward.respond(createOrganizationGuard('other')(auth.principal, null)!, { principal: auth.principal });
    keyward.respond({ code: 'missing_credentials' }); // not an authorization failure
    expect(of('authz_fail')).toEqual([
      { type: 'authz_fail', time: new Date(T0), actor: `key:${record.id}`, orgId: 'acme', keyId: record.id, requestId: 'req-1', code: 'insufficient_scope', required: ['a:write'], requiredOrgId: null },
      { type: 'authz_fail', time: new Date(T0), actor: `key:${record.id}`, orgId: 'acme', keyId: record.id, requestId: null, code: 'forbidden_organization', required: null, requiredOrgId: 'other' },
    ]);
  });

  it('ratelimit_exceeded: the first refusal of a key at once, the others of the interval counted', async () => {
    const rateLimit = { store: new MemoryRateLimitStore(), limits: [{ name: 'per-minute', limit: 2, windowSeconds: 60 }] };
    const { keyward, of } = withEvents({ rateLimit });
    const { key, record } = await keyward.keys.create({ ownerId: 'u1', orgId: 'acme', nickname: 'a' });
    const auth = await keyward.authenticate(apiKey(key));
    if (!auth.ok) throw new Error('expected a principal');
    const decisions = [];
    for (let i = 0; i < 6; i++) decisions.push((await keyward.limit(auth.principal)).ok);
    expect(decisions).toEqual([true, true, false, false, false, false]);
    expect(of('ratelimit_exceeded')).toEqual([
      { type: 'ratelimit_exceeded', time: new Date(T0), actor: `key:${record.id}`, orgId: 'acme', keyId: record.id, requestId: null, code: 'rate_limited', policy: 'per-minute', count: 1 },
    ]);
    await keyward.close();
    expect(of('ratelimit_exceeded').map((e) => e.count)).toEqual([1, 3]);
  });
});
