import { describe, expect } from 'vitest';
import type { UpdateResult } from '@keyward/core/store';
import { at, expectRecord, HOUR, randomKeyId } from './contract-helpers.js';
import type { ContractContext } from './contract-helpers.js';

/**
 * The `update` tests of the `KeyStore` contract: each field, only an active key, the nickname rule
 * kept atomically (one winner of two racing renames), and the nickname given up by a rename.
 */
export function describeUpdateContract({ store, makeRecord, insertAll, test }: ContractContext): void {
  describe('update', () => {
    test('changes each field given, sets updatedAt, keeps the others, and answers what getById reads next', async () => {
      const record = makeRecord({ nickname: 'ci', expiresAt: at(24 * HOUR), lastUsedAt: at(10), metadata: { team: 'a' } });
      await insertAll(record);
      let expected = record;
      const steps = [
        { nickname: 'deploy' },
        { scopes: ['agents:run', 'billing:read'] },
        { scopes: [] },
        { metadata: { team: 'b', keyward: { rateLimit: { limits: [{ name: 'm', limit: 5, windowSeconds: 60 }] } } } },
        { expiresAt: at(48 * HOUR) },
        { expiresAt: null },
        { expiresAt: at(72 * HOUR), nickname: 'ops', scopes: ['x:y'], metadata: {} },
      ];
      for (const [i, patch] of steps.entries()) {
        const when = at(HOUR + i);
        expected = { ...expected, ...patch, updatedAt: when };
        const result = await store().update(record.id, patch, when);
        expect(result.ok, JSON.stringify(patch)).toBe(true);
        expectRecord(result.ok ? result.record : null, expected);
        expectRecord(await store().getById(record.id), expected);
        expectRecord(await store().findByHash(record.hash), expected);
      }
      // An empty patch only moves updatedAt.
      const result = await store().update(record.id, {}, at(2 * HOUR));
      expectRecord(result.ok ? result.record : null, { ...expected, updatedAt: at(2 * HOUR) });
    });

    test('answers not_found for an unknown id and not_active for a revoked, replaced or expired key, changing nothing', async () => {
      const revoked = makeRecord({ nickname: 'revoked', revokedAt: at(10), updatedAt: at(10) });
      const expiring = makeRecord({ nickname: 'expiring', expiresAt: at(HOUR) });
      const old = makeRecord({ nickname: 'rotated' });
      const next = makeRecord({ nickname: 'rotated', createdAt: at(10), updatedAt: at(10) });
      await insertAll(revoked, expiring, old);
      expect(await store().rotate(old.id, next, at(3 * HOUR))).toEqual({ ok: true });
      const replaced = await store().getById(old.id);
      expect(await store().update(randomKeyId(), { scopes: [] }, at(HOUR))).toEqual({ ok: false, conflict: 'not_found' });
      for (const id of [revoked.id, expiring.id, old.id]) {
        expect(await store().update(id, { scopes: [], nickname: 'fresh' }, at(HOUR)), id).toEqual({ ok: false, conflict: 'not_active' });
      }
      expectRecord(await store().getById(revoked.id), revoked);
      expectRecord(await store().getById(expiring.id), expiring);
      expectRecord(await store().getById(old.id), replaced!);
      // None of the refused renames took the nickname.
      await insertAll(makeRecord({ nickname: 'fresh', createdAt: at(HOUR), updatedAt: at(HOUR) }));
    });

    test("refuses a nickname another active key of the owner holds, but not one of another owner's or of an expired key", async () => {
      const ci = makeRecord({ nickname: 'ci' });
      const deploy = makeRecord({ nickname: 'deploy' });
      const gone = makeRecord({ nickname: 'gone', expiresAt: at(HOUR) });
      const elsewhere = makeRecord({ nickname: 'elsewhere', ownerId: `${ci.ownerId}_other` });
      await insertAll(ci, deploy, gone, elsewhere);
      expect(await store().update(deploy.id, { nickname: 'ci', scopes: [] }, at(10))).toEqual({ ok: false, conflict: 'nickname' });
      expectRecord(await store().getById(deploy.id), deploy);
      // Keeping its own nickname is no clash.
      expect((await store().update(ci.id, { nickname: 'ci' }, at(10))).ok).toBe(true);
      expect((await store().update(deploy.id, { nickname: 'elsewhere' }, at(20))).ok).toBe(true);
      // 'gone' expired at HOUR: its nickname is free from then on.
      expect(await store().update(ci.id, { nickname: 'gone' }, at(HOUR - 1))).toEqual({ ok: false, conflict: 'nickname' });
      expect((await store().update(ci.id, { nickname: 'gone' }, at(HOUR))).ok).toBe(true);
      expect(await store().insert(makeRecord({ nickname: 'gone', createdAt: at(2 * HOUR), updatedAt: at(2 * HOUR) }))).toEqual({
        ok: false, conflict: 'nickname',
      });
    });

    test('releases the old nickname: another key can take it, and the renamed key holds the new one', async () => {
      const ci = makeRecord({ nickname: 'ci' });
      const other = makeRecord({ nickname: 'other' });
      await insertAll(ci, other);
      expect((await store().update(ci.id, { nickname: 'build' }, at(10))).ok).toBe(true);
      expect((await store().update(other.id, { nickname: 'ci' }, at(20))).ok).toBe(true);
      await insertAll(makeRecord({ nickname: 'other', createdAt: at(30), updatedAt: at(30) }));
      const clash = makeRecord({ nickname: 'build', createdAt: at(30), updatedAt: at(30) });
      expect(await store().insert(clash)).toEqual({ ok: false, conflict: 'nickname' });
      // Revoking the renamed key releases its new nickname.
      expect((await store().revoke(ci.id, at(40))).ok).toBe(true);
      await insertAll({ ...clash, createdAt: at(50), updatedAt: at(50) });
    });

    test('a new expiry moves when the key stops holding its nickname', async () => {
      const ci = makeRecord({ nickname: 'ci', expiresAt: at(HOUR) });
      await insertAll(ci);
      expect((await store().update(ci.id, { expiresAt: at(3 * HOUR) }, at(10))).ok).toBe(true);
      const early = makeRecord({ nickname: 'ci', createdAt: at(2 * HOUR), updatedAt: at(2 * HOUR) });
      expect(await store().insert(early)).toEqual({ ok: false, conflict: 'nickname' });
      expect((await store().update(ci.id, { scopes: [] }, at(2 * HOUR))).ok).toBe(true);
      await insertAll({ ...early, createdAt: at(3 * HOUR), updatedAt: at(3 * HOUR) });
      expect(await store().update(ci.id, { scopes: [] }, at(3 * HOUR))).toEqual({ ok: false, conflict: 'not_active' });
    });

    test('of two concurrent renames of two keys of one owner to one nickname, exactly one succeeds', async () => {
      for (let round = 0; round < 8; round++) {
        const a = makeRecord({ nickname: `a-${round}` });
        const b = makeRecord({ nickname: `b-${round}` });
        await insertAll(a, b);
        const name = `taken-${round}`;
        const results: UpdateResult[] = await Promise.all([
          store().update(a.id, { nickname: name }, at(HOUR)),
          store().update(b.id, { nickname: name }, at(HOUR)),
        ]);
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, conflict: 'nickname' }]);
        const names = [(await store().getById(a.id))?.nickname, (await store().getById(b.id))?.nickname];
        expect(names.filter((n) => n === name)).toHaveLength(1);
      }
    });
  });
}
