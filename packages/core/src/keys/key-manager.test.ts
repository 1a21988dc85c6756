import { describe, expect, it } from 'vitest';
import { apiKey, setup } from '../../test/helpers.js';
import { KeyManagerError } from '../errors.js';

const owner = { ownerId: 'user_1', orgId: 'acme', nickname: 'ci', scopes: ['agents:run'] };
const allowedScopes = ['agents:run', 'agents:read', 'agents:*'];

async function rejects(promise: Promise<unknown>, code: string, field?: string) {
  const error = await promise.then(
    () => expect.unreachable('expected a KeyManagerError'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyManagerError);
  expect(error).toMatchObject(field === undefined ? { code } : { code, field });
}

describe('keys.create', () => {
  it('returns the key once and a record without key or hash', async () => {
    const { keyward, clock } = setup();
    const { key, record } = await keyward.keys.create({ ...owner, expiresAt: '2030-06-01T00:00:00Z' });
    expect(key).toMatch(/^eck_live_[0-9A-Za-z]{36}$/);
    expect(record).toMatchObject({
      nickname: 'ci',
      ownerId: 'user_1',
      orgId: 'acme',
      scopes: ['agents:run'],
      start: key.slice(0, 13),
      prefix: 'eck_live_',
      environment: 'live',
      expiresAt: new Date('2030-06-01T00:00:00Z'),
      lastUsedAt: null,
      revokedAt: null,
      createdAt: new Date(clock.now()),
    });
    expect(record.id).toMatch(/^key_[0-9A-Za-z]{24}$/);
    expect(JSON.stringify(record)).not.toContain(key);
    expect(Object.keys(record)).not.toContain('hash');
  });

  it('mints with another configured prefix on request', async () => {
    const { keyward } = setup();
    const { key, record } = await keyward.keys.create({ ...owner, prefix: 'eck_test_' });
    expect(key.startsWith('eck_test_')).toBe(true);
    expect(record.environment).toBe('test');
    expect((await keyward.authenticate(apiKey(key))).ok && true).toBe(true);
    await rejects(keyward.keys.create({ ...owner, nickname: 'x', prefix: 'agk_live_' }), 'invalid_input', 'prefix');
  });

  it('nickname is unique among the owner\'s live keys (409), free for other owners and after revoke', async () => {
    const { keyward } = setup();
    const first = await keyward.keys.create(owner);
    await rejects(keyward.keys.create(owner), 'nickname_conflict', 'nickname');
    await keyward.keys.create({ ...owner, ownerId: 'user_2' });
    await keyward.keys.revoke(first.record.id);
    await keyward.keys.create(owner);
  });

  it('concurrent creates of one nickname: exactly one wins', async () => {
    const { keyward } = setup();
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => keyward.keys.create(owner)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('validates scopes against the allow-list (422) and dedupes them', async () => {
    const { keyward } = setup({ keys: { allowedScopes } });
    await rejects(keyward.keys.create({ ...owner, scopes: ['agents:delete'] }), 'invalid_scope', 'scopes');
    await rejects(keyward.keys.create({ ...owner, scopes: ['*'] }), 'invalid_scope', 'scopes');
    await rejects(keyward.keys.create({ ...owner, scopes: 'agents:run' as never }), 'invalid_input', 'scopes');
    const { record } = await keyward.keys.create({ ...owner, scopes: ['agents:run', 'agents:*', 'agents:run'] });
    expect(record.scopes).toEqual(['agents:run', 'agents:*']);
  });

  it('defaults to no scopes (or keys.defaultScopes)', async () => {
    expect((await setup().keyward.keys.create({ ownerId: 'u', nickname: 'n' })).record.scopes).toEqual([]);
    const withDefault = setup({ keys: { allowedScopes, defaultScopes: ['agents:read'] } });
    expect((await withDefault.keyward.keys.create({ ownerId: 'u', nickname: 'n' })).record.scopes).toEqual(['agents:read']);
  });

  it.each([
    [{ expiresAt: '2029-12-31T23:59:59Z' }, 'invalid_expiry'],
    [{ expiresAt: '2030-01-01T00:00:00.000Z' }, 'invalid_expiry'],
    [{ expiresAt: 'tomorrow' }, 'invalid_expiry'],
    [{ expiresAt: new Date(NaN) }, 'invalid_expiry'],
    [{ nickname: '' }, 'invalid_input'],
    [{ nickname: ' padded ' }, 'invalid_input'],
    [{ nickname: 'a'.repeat(101) }, 'invalid_input'],
    [{ nickname: 'line\nbreak' }, 'invalid_input'],
    [{ nickname: 42 }, 'invalid_input'],
    [{ ownerId: '' }, 'invalid_input'],
    [{ ownerId: undefined }, 'invalid_input'],
    [{ orgId: 7 }, 'invalid_input'],
    [{ metadata: [] }, 'invalid_input'],
    [{ metadata: { big: 'x'.repeat(5000) } }, 'invalid_input'],
  ])('rejects %j with %s', async (patch, code) => {
    await rejects(setup().keyward.keys.create({ ...owner, ...patch } as never), code);
  });

  it('a store failure is store_unavailable, not a crash', async () => {
    const { keyward, store } = setup();
    store.fail('error');
    await rejects(keyward.keys.create(owner), 'store_unavailable');
    await rejects(keyward.keys.list('user_1'), 'store_unavailable');
  });
});

describe('keys.list / get', () => {
  it('lists the owner\'s live keys only, oldest first', async () => {
    const { keyward, clock } = setup();
    const a = await keyward.keys.create({ ...owner, nickname: 'a' });
    clock.advance(1);
    const b = await keyward.keys.create({ ...owner, nickname: 'b', expiresAt: new Date(clock.now() + 1_000) });
    clock.advance(1);
    const c = await keyward.keys.create({ ...owner, nickname: 'c' });
    await keyward.keys.create({ ...owner, ownerId: 'user_2', nickname: 'other' });
    await keyward.keys.revoke(c.record.id);
    expect((await keyward.keys.list('user_1')).map((k) => k.id)).toEqual([a.record.id, b.record.id]);
    clock.advance(1_000);
    expect((await keyward.keys.list('user_1')).map((k) => k.id)).toEqual([a.record.id]);
    expect(await keyward.keys.get(c.record.id)).toMatchObject({ revokedAt: expect.any(Date) });
    expect(await keyward.keys.get('key_nope')).toBeNull();
    await rejects(keyward.keys.get(a.record.id, { ownerId: 'user_2' }), 'not_owner');
  });
});

describe('keys.revoke', () => {
  it('stops the key at once; a second revoke is not_found; another owner gets not_owner', async () => {
    const { keyward } = setup();
    const { key, record } = await keyward.keys.create(owner);
    await rejects(keyward.keys.revoke(record.id, { ownerId: 'user_2' }), 'not_owner');
    expect((await keyward.authenticate(apiKey(key))).ok).toBe(true);
    const revoked = await keyward.keys.revoke(record.id, { ownerId: 'user_1' });
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(await keyward.authenticate(apiKey(key))).toMatchObject({ ok: false, failure: { code: 'revoked_api_key' } });
    await rejects(keyward.keys.revoke(record.id), 'not_found');
    await rejects(keyward.keys.revoke('key_unknown'), 'not_found');
  });
});

describe('keys.rotate', () => {
  it('new key with the same nickname and scopes; the old one works until the grace period ends', async () => {
    const { keyward, clock } = setup({ cache: { ttlMs: 3_600_000 } });
    const old = await keyward.keys.create({ ...owner, metadata: { team: 'a' } });
    expect((await keyward.authenticate(apiKey(old.key))).ok).toBe(true);
    const rotated = await keyward.keys.rotate(old.record.id, { gracePeriodSeconds: 60, ownerId: 'user_1' });
    expect(rotated.key).not.toBe(old.key);
    expect(rotated.record).toMatchObject({ nickname: 'ci', scopes: ['agents:run'], orgId: 'acme', metadata: { team: 'a' } });
    expect(rotated.previous).toMatchObject({ id: old.record.id, replacedById: rotated.record.id, expiresAt: new Date(clock.now() + 60_000) });
    expect((await keyward.authenticate(apiKey(rotated.key))).ok).toBe(true);
    clock.advance(59_999);
    expect((await keyward.authenticate(apiKey(old.key))).ok).toBe(true);
    clock.advance(1);
    expect(await keyward.authenticate(apiKey(old.key))).toMatchObject({ ok: false, failure: { code: 'expired_api_key' } });
    expect((await keyward.authenticate(apiKey(rotated.key))).ok).toBe(true);
    expect((await keyward.keys.list('user_1')).map((k) => k.id)).toEqual([rotated.record.id]);
  });

  it('without a grace period the old key stops at once; an expiring key keeps its expiry', async () => {
    const { keyward, clock } = setup();
    const expiresAt = new Date(clock.now() + 3_600_000);
    const old = await keyward.keys.create({ ...owner, expiresAt });
    const rotated = await keyward.keys.rotate(old.record.id);
    expect(rotated.record.expiresAt).toEqual(expiresAt);
    expect(await keyward.authenticate(apiKey(old.key))).toMatchObject({ ok: false, failure: { code: 'expired_api_key' } });
  });

  it('refuses revoked, unknown, foreign keys and bad grace periods', async () => {
    const { keyward } = setup({ keys: { maxGracePeriodSeconds: 3600 } });
    const { record } = await keyward.keys.create(owner);
    await rejects(keyward.keys.rotate(record.id, { gracePeriodSeconds: 3601 }), 'invalid_input', 'gracePeriodSeconds');
    await rejects(keyward.keys.rotate(record.id, { gracePeriodSeconds: -1 }), 'invalid_input');
    await rejects(keyward.keys.rotate(record.id, { gracePeriodSeconds: 1.5 }), 'invalid_input');
    await rejects(keyward.keys.rotate(record.id, { ownerId: 'user_2' }), 'not_owner');
    await rejects(keyward.keys.rotate('key_unknown'), 'not_found');
    const rotated = await keyward.keys.rotate(record.id, { gracePeriodSeconds: 60 });
    await rejects(keyward.keys.rotate(record.id), 'not_found'); // already replaced
    await keyward.keys.revoke(rotated.record.id);
    await rejects(keyward.keys.rotate(rotated.record.id), 'not_found');
  });
});

describe('bad arguments', () => {
  it('null option objects and non-string ids are handled, never a crash', async () => {
    const { keyward } = setup();
    const { record } = await keyward.keys.create(owner);
    expect(await keyward.keys.get(record.id, null)).toMatchObject({ id: record.id });
    await rejects(keyward.keys.revoke(42 as never), 'not_found');
    await rejects(keyward.keys.revoke(record.id, { ownerId: 7 as never }), 'invalid_input', 'ownerId');
    await rejects(keyward.keys.create(null as never), 'invalid_input');
    await rejects(keyward.keys.list(undefined as never), 'invalid_input');
    const rotated = await keyward.keys.rotate(record.id, null);
    expect(rotated.record.nickname).toBe('ci');
    expect((await keyward.keys.revoke(rotated.record.id, null)).revokedAt).toBeInstanceOf(Date);
  });
});

describe('owner scope with an organization', () => {
  it('get, revoke and rotate refuse a key of the same owner in another organization (not_owner)', async () => {
    const { keyward } = setup();
    const { record, key } = await keyward.keys.create(owner);
    for (const orgId of ['evilcorp', null]) {
      const scope = { ownerId: 'user_1', orgId };
      await rejects(keyward.keys.get(record.id, scope), 'not_owner');
      await rejects(keyward.keys.revoke(record.id, scope), 'not_owner');
      await rejects(keyward.keys.rotate(record.id, scope), 'not_owner');
    }
    await rejects(keyward.keys.revoke(record.id, { ownerId: 'user_1', orgId: 7 as never }), 'invalid_input', 'orgId');
    expect((await keyward.authenticate(apiKey(key))).ok).toBe(true);
    expect(await keyward.keys.get(record.id, { ownerId: 'user_1', orgId: 'acme' })).toMatchObject({ id: record.id });
    expect((await keyward.keys.rotate(record.id, { ownerId: 'user_1', orgId: 'acme' })).record.orgId).toBe('acme');
  });
});
