import { describe, expect, it } from 'vitest';
import { apiKey, setup, waitFor } from '../../test/helpers.js';
import { KeyManagerError } from '../errors.js';
import { MemoryRateLimitStore } from '../ratelimit/memory-rate-limit-store.js';
import type { InvalidationEvent, InvalidationReset } from '../store/key-store.js';

const owner = { ownerId: 'user_1', orgId: 'acme', nickname: 'ci', scopes: ['agents:read'] };
const PER_MINUTE = { name: 'per-minute', limit: 3, windowSeconds: 60 } as const;

async function errorOf(promise: Promise<unknown>): Promise<KeyManagerError> {
  const error = await promise.then(
    () => expect.unreachable('expected a KeyManagerError'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyManagerError);
  return error as KeyManagerError;
}

describe('keys.update', () => {
  it('changes each field given and keeps the others; updatedAt moves, the key stays the same', async () => {
    const { keyward, clock } = setup();
    const { key, record } = await keyward.keys.create({ ...owner, metadata: { team: 'a' } });
    clock.advance(1_000);
    const expiry = new Date(clock.now() + 86_400_000);
    const renamed = await keyward.keys.update(record.id, { nickname: 'Cafe\u0301' });
    expect(renamed).toMatchObject({ id: record.id, nickname: 'Caf\u00e9', scopes: ['agents:read'], metadata: { team: 'a' }, expiresAt: null });
    expect(renamed.updatedAt).toEqual(new Date(clock.now()));
    expect((await keyward.keys.update(record.id, { scopes: ['agents:run', 'agents:run'] })).scopes).toEqual(['agents:run']);
    expect((await keyward.keys.update(record.id, { expiresAt: expiry.toISOString() })).expiresAt).toEqual(expiry);
    expect((await keyward.keys.update(record.id, { metadata: { team: 'b' } })).metadata).toEqual({ team: 'b' });
    const last = await keyward.keys.update(record.id, { expiresAt: null, scopes: [] });
    expect(last).toMatchObject({ nickname: 'Caf\u00e9', scopes: [], metadata: { team: 'b' }, expiresAt: null, start: record.start });
    expect(await keyward.keys.get(record.id)).toEqual(last);
    expect((await keyward.authenticate(apiKey(key))).ok).toBe(true);
  });

  it('validates like create: nickname, scopes, expiry, metadata, rateLimit; unknown fields are refused', async () => {
    const { keyward, clock } = setup({ keys: { allowedScopes: ['agents:read', 'agents:run'] } });
    const { record } = await keyward.keys.create(owner);
    const cases: Array<[object, string, string]> = [
      [{ nickname: ' ci' }, 'invalid_input', 'nickname'],
      [{ nickname: 'a\u202eb' }, 'invalid_input', 'nickname'],
      [{ nickname: '' }, 'invalid_input', 'nickname'],
      [{ scopes: ['billing:write'] }, 'invalid_scope', 'scopes'],
      [{ scopes: 'agents:read' }, 'invalid_input', 'scopes'],
      [{ expiresAt: new Date(clock.now()) }, 'invalid_expiry', 'expiresAt'],
      [{ expiresAt: '2000-01-01T00:00:00Z' }, 'invalid_expiry', 'expiresAt'],
      [{ expiresAt: 'soon' }, 'invalid_expiry', 'expiresAt'],
      [{ metadata: [] }, 'invalid_input', 'metadata'],
      [{ metadata: { keyward: {} } }, 'invalid_input', 'metadata'],
      [{ metadata: { big: 'x'.repeat(5000) } }, 'invalid_input', 'metadata'],
      [{ rateLimit: { limits: [{ name: 'x', limit: 0, windowSeconds: 60 }] } }, 'invalid_input', 'rateLimit'],
      [{ ownerId: 'user_2' }, 'invalid_input', 'ownerId'],
    ];
    for (const [patch, code, field] of cases) {
      expect(await errorOf(keyward.keys.update(record.id, patch as never)), JSON.stringify(patch)).toMatchObject({ code, field });
    }
    expect(await keyward.keys.get(record.id)).toEqual(record);
  });

  it('answers nickname_conflict for a name another live key of the owner holds, and frees the old name', async () => {
    const { keyward } = setup();
    const ci = await keyward.keys.create(owner);
    const deploy = await keyward.keys.create({ ...owner, nickname: 'deploy' });
    await keyward.keys.create({ ...owner, ownerId: 'user_2', nickname: 'other' });
    expect(await errorOf(keyward.keys.update(deploy.record.id, { nickname: 'ci' }))).toMatchObject({ code: 'nickname_conflict', field: 'nickname' });
    await keyward.keys.update(deploy.record.id, { nickname: 'other' });
    await keyward.keys.update(ci.record.id, { nickname: 'build' });
    await keyward.keys.create(owner);
  });

  it('answers not_found for unknown, revoked, replaced and expired keys, and not_owner outside the scope', async () => {
    const { keyward, clock } = setup();
    const revoked = await keyward.keys.create({ ...owner, nickname: 'revoked' });
    await keyward.keys.revoke(revoked.record.id);
    const rotated = await keyward.keys.create({ ...owner, nickname: 'rotated' });
    await keyward.keys.rotate(rotated.record.id, { gracePeriodSeconds: 60 });
    const expiring = await keyward.keys.create({ ...owner, nickname: 'expiring', expiresAt: new Date(clock.now() + 1_000) });
    clock.advance(1_000);
    for (const id of ['key_unknown', revoked.record.id, rotated.record.id, expiring.record.id]) {
      expect(await errorOf(keyward.keys.update(id, { scopes: [] })), id).toMatchObject({ code: 'not_found' });
    }
    const live = await keyward.keys.create({ ...owner, nickname: 'live' });
    expect(await errorOf(keyward.keys.update(live.record.id, { scopes: [] }, { ownerId: 'user_2' }))).toMatchObject({ code: 'not_owner' });
    expect(await errorOf(keyward.keys.update(live.record.id, { scopes: [] }, { ownerId: 'user_1', orgId: 'globex' }))).toMatchObject({ code: 'not_owner' });
    expect((await keyward.keys.update(live.record.id, { scopes: [] }, { ownerId: 'user_1', orgId: 'acme' })).scopes).toEqual([]);
  });

  it('drops the cached key at once (authenticate sees the new scopes) and publishes updated', async () => {
    const { keyward, memory } = setup();
    const events: Array<InvalidationEvent | InvalidationReset> = [];
    await memory.subscribe((event) => events.push(event));
    const { key, record } = await keyward.keys.create(owner);
    const before = await keyward.authenticate(apiKey(key));
    expect(before.ok && before.principal.scopes).toEqual(['agents:read']);
    await keyward.keys.update(record.id, { scopes: ['agents:run'] });
    const after = await keyward.authenticate(apiKey(key));
    expect(after.ok && after.principal.scopes).toEqual(['agents:run']);
    await waitFor(() => events.some((e) => e.type === 'updated'));
    expect(events).toContainEqual({ type: 'updated', keyId: record.id });
  });

  it('sets, replaces and removes the per-key rate limits, effective on the next request; metadata keeps them', async () => {
    const { keyward, clock } = setup({ rateLimit: { store: new MemoryRateLimitStore(), limits: [PER_MINUTE] } });
    const { key, record } = await keyward.keys.create({ ...owner, metadata: { plan: 'free' } });
    const principal = async () => {
      const auth = await keyward.authenticate(apiKey(key));
      if (!auth.ok) throw new Error('auth failed');
      return auth.principal;
    };
    expect(await keyward.limit(await principal())).toMatchObject({ headers: { 'ratelimit-policy': '"per-minute";q=3;w=60' } });
    const one = { limits: [{ name: 'per-minute', limit: 1, windowSeconds: 60 }] };
    const updated = await keyward.keys.update(record.id, { rateLimit: one });
    expect(updated.metadata).toEqual({ plan: 'free', keyward: { rateLimit: one } });
    // The request already counted uses up the new limit of one per minute.
    expect(await keyward.limit(await principal())).toMatchObject({ ok: false, failure: { code: 'rate_limited', policy: { name: 'per-minute', quota: 1 } } });
    clock.advance(60_000);
    expect((await keyward.limit(await principal())).ok).toBe(true);
    expect((await keyward.limit(await principal())).ok).toBe(false);
    // New metadata keeps the limits; new limits keep the metadata.
    expect((await keyward.keys.update(record.id, { metadata: { plan: 'pro' } })).metadata).toEqual({ plan: 'pro', keyward: { rateLimit: one } });
    const hundred = { limits: [{ name: 'per-minute', limit: 100, windowSeconds: 60 }] };
    expect((await keyward.keys.update(record.id, { rateLimit: hundred })).metadata).toEqual({ plan: 'pro', keyward: { rateLimit: hundred } });
    clock.advance(60_000); // the one-per-minute window of the last request ends
    expect(await keyward.limit(await principal())).toMatchObject({ ok: true, headers: { 'ratelimit-policy': '"per-minute";q=100;w=60' } });
    expect((await keyward.keys.update(record.id, { rateLimit: null })).metadata).toEqual({ plan: 'pro' });
    expect(await keyward.limit(await principal())).toMatchObject({ headers: { 'ratelimit-policy': '"per-minute";q=3;w=60' } });
  });

  it('answers store_unavailable when the store fails, changing nothing', async () => {
    const { keyward, store } = setup();
    const { record } = await keyward.keys.create(owner);
    store.fail('error');
    expect(await errorOf(keyward.keys.update(record.id, { scopes: [] }))).toMatchObject({ code: 'store_unavailable' });
    store.fail(null);
    expect((await keyward.keys.get(record.id))?.scopes).toEqual(['agents:read']);
  });
});
