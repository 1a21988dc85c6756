import { describe, expect, it } from 'vitest';
import { apiKey, setup } from '../../test/helpers.js';
import { KeyManagerError, KeywardConfigError } from '../errors.js';
import { managementErrorResponse } from '../management/responses.js';

const owner = { ownerId: 'user_1', orgId: 'acme', nickname: 'ci', scopes: [] };

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; field: string | undefined }> {
  const error = await promise.then(
    () => expect.unreachable('expected a KeyManagerError'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyManagerError);
  return { code: (error as KeyManagerError).code, field: (error as KeyManagerError).field };
}

describe('active keys per owner', () => {
  it('defaults to 100 and answers key_limit (422) past it; revoking one frees a place; rotation is allowed', async () => {
    const { keyward } = setup();
    const created = [];
    for (let i = 0; i < 100; i++) created.push(await keyward.keys.create({ ...owner, nickname: `k${i}` }));
    const error = await keyward.keys.create({ ...owner, nickname: 'one-more' }).then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'key_limit' });
    expect(managementErrorResponse(error)).toMatchObject({ status: 422, body: { code: 'key_limit' } });
    await keyward.keys.create({ ...owner, ownerId: 'user_2', nickname: 'k0' });
    await keyward.keys.rotate(created[0]!.record.id);
    await keyward.keys.revoke(created[1]!.record.id);
    await keyward.keys.create({ ...owner, nickname: 'one-more' });
  });

  it('follows keys.maxActiveKeysPerOwner, which must be a whole number from 1', async () => {
    const { keyward, clock } = setup({ keys: { maxActiveKeysPerOwner: 2 } });
    await keyward.keys.create({ ...owner, nickname: 'a', expiresAt: new Date(clock.now() + 1_000) });
    await keyward.keys.create({ ...owner, nickname: 'b' });
    expect(await codeOf(keyward.keys.create({ ...owner, nickname: 'c' }))).toMatchObject({ code: 'key_limit' });
    clock.advance(1_000);
    await keyward.keys.create({ ...owner, nickname: 'c' });
    for (const bad of [0, 1.5, '3']) {
      expect(() => setup({ keys: { maxActiveKeysPerOwner: bad as number } })).toThrow(KeywardConfigError);
    }
  });
});

describe('keys.listPage', () => {
  it('walks the live keys with an opaque cursor, oldest first, limit 1-100 (default 20)', async () => {
    const { keyward, clock } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      ids.push((await keyward.keys.create({ ...owner, nickname: `k${i}` })).record.id);
      if (i % 2 === 0) clock.advance(1);
    }
    const first = await keyward.keys.listPage('user_1');
    expect(first.items).toHaveLength(20);
    const second = await keyward.keys.listPage('user_1', { cursor: first.nextCursor });
    expect(second.nextCursor).toBeNull();
    const all = [...first.items, ...second.items].map((k) => k.id);
    expect(new Set(all)).toEqual(new Set(ids));
    expect(all).toEqual((await keyward.keys.list('user_1')).map((k) => k.id));
    for (const limit of [0, 101, 2.5, '5']) {
      expect(await codeOf(keyward.keys.listPage('user_1', { limit: limit as number }))).toEqual({ code: 'invalid_input', field: 'limit' });
    }
    for (const cursor of ['', 'not a cursor', Buffer.from('x.y').toString('base64url'), 'a'.repeat(500)]) {
      expect(await codeOf(keyward.keys.listPage('user_1', { cursor }))).toEqual({ code: 'invalid_input', field: 'cursor' });
    }
  });
});

describe('revoke races', () => {
  it('ten parallel revokes of one key: exactly one succeeds, the others are not_found, revokedAt stays', async () => {
    const { keyward, clock } = setup();
    const { record } = await keyward.keys.create(owner);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => {
        clock.advance(1);
        return keyward.keys.revoke(record.id);
      }),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'not_found' });
    const revokedAt = (won[0] as PromiseFulfilledResult<{ revokedAt: Date | null }>).value.revokedAt;
    expect((await keyward.keys.get(record.id))?.revokedAt).toEqual(revokedAt);
  });

  it('revoking a rotated key in its grace period stops it and names the replacement, which keeps working', async () => {
    const { keyward } = setup();
    const { key: oldKey, record } = await keyward.keys.create(owner);
    const rotated = await keyward.keys.rotate(record.id, { gracePeriodSeconds: 3_600 });
    expect((await keyward.authenticate(apiKey(oldKey))).ok).toBe(true);
    const revoked = await keyward.keys.revoke(record.id);
    expect(revoked.replacedById).toBe(rotated.record.id);
    expect(await keyward.authenticate(apiKey(oldKey))).toMatchObject({ ok: false, failure: { code: 'revoked_api_key' } });
    expect((await keyward.authenticate(apiKey(rotated.key))).ok).toBe(true);
  });

  it('revoke racing rotate: a revoke that succeeds never leaves an unnamed working replacement', async () => {
    for (const gracePeriodSeconds of [0, 60]) {
      const { keyward } = setup();
      const { record } = await keyward.keys.create(owner);
      const [revoked, rotated] = await Promise.allSettled([keyward.keys.revoke(record.id), keyward.keys.rotate(record.id, { gracePeriodSeconds })]);
      if (rotated.status === 'fulfilled') {
        expect((await keyward.authenticate(apiKey(rotated.value.key))).ok).toBe(true);
        if (revoked.status === 'fulfilled') expect(revoked.value.replacedById).toBe(rotated.value.record.id);
        else expect(revoked.reason).toMatchObject({ code: 'not_found' });
      } else {
        expect(rotated.reason).toMatchObject({ code: 'not_found' });
        expect(revoked.status).toBe('fulfilled');
        expect(await keyward.keys.list('user_1')).toEqual([]);
      }
    }
  });
});
