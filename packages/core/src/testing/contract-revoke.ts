import { describe, expect } from 'vitest';
import type { RevokeResult, RotateResult } from '../store/key-store.js';
import { at, expectRecord, HOUR, randomKeyId } from './contract-helpers.js';
import type { ContractContext } from './contract-helpers.js';

/**
 * The `revoke` tests of the `KeyStore` contract: a conditional update (only a key not revoked and
 * not expired), one winner among concurrent revokes, and one order between revoke and rotate.
 */
export function describeRevokeContract({ store, makeRecord, insertAll, test }: ContractContext): void {
  describe('revoke', () => {
    test('sets revokedAt and updatedAt, returns the record and releases the nickname', async () => {
      const record = makeRecord({ nickname: 'ci', expiresAt: at(24 * HOUR), lastUsedAt: at(10) });
      await insertAll(record);
      const revoked = { ...record, revokedAt: at(HOUR), updatedAt: at(HOUR) };
      const result = await store().revoke(record.id, at(HOUR));
      expect(result.ok).toBe(true);
      expectRecord(result.ok ? result.record : null, revoked);
      expectRecord(await store().getById(record.id), revoked);
      expectRecord(await store().findByHash(record.hash), revoked);
      await insertAll(makeRecord({ nickname: 'ci', createdAt: at(2 * HOUR), updatedAt: at(2 * HOUR) }));
    });

    test('answers not_found for an unknown id and not_active for a revoked or expired key, changing nothing', async () => {
      const revoked = makeRecord({ nickname: 'revoked', revokedAt: at(10), updatedAt: at(10) });
      const expiring = makeRecord({ nickname: 'expiring', expiresAt: at(HOUR) });
      await insertAll(revoked, expiring);
      expect(await store().revoke(randomKeyId(), at(HOUR))).toEqual({ ok: false, conflict: 'not_found' });
      expect(await store().revoke(revoked.id, at(HOUR))).toEqual({ ok: false, conflict: 'not_active' });
      expect(await store().revoke(expiring.id, at(HOUR))).toEqual({ ok: false, conflict: 'not_active' });
      expectRecord(await store().getById(revoked.id), revoked);
      expectRecord(await store().getById(expiring.id), expiring);
    });

    test('lets exactly one of ten concurrent revokes of one key succeed, and keeps its revokedAt', async () => {
      const record = makeRecord();
      await insertAll(record);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store().revoke(record.id, at(HOUR + i))));
      const winners = results.filter((result): result is Extract<RevokeResult, { ok: true }> => result.ok);
      expect(winners).toHaveLength(1);
      expect(results.filter((result) => !result.ok)).toEqual(Array(9).fill({ ok: false, conflict: 'not_active' }));
      const revokedAt = winners[0]!.record.revokedAt;
      expect((await store().getById(record.id))?.revokedAt).toEqual(revokedAt);
      expect(await store().revoke(record.id, at(2 * HOUR))).toEqual({ ok: false, conflict: 'not_active' });
      expect((await store().getById(record.id))?.revokedAt).toEqual(revokedAt);
    });

    test('revokes a rotated key within its grace period, keeping replacedById and the replacement', async () => {
      const old = makeRecord({ nickname: 'ci' });
      const next = makeRecord({ nickname: 'ci', createdAt: at(HOUR), updatedAt: at(HOUR) });
      await insertAll(old);
      expect(await store().rotate(old.id, next, at(3 * HOUR))).toEqual({ ok: true });
      const result = await store().revoke(old.id, at(2 * HOUR));
      expectRecord(result.ok ? result.record : null, {
        ...old, replacedById: next.id, expiresAt: at(3 * HOUR), revokedAt: at(2 * HOUR), updatedAt: at(2 * HOUR),
      });
      expectRecord(await store().getById(next.id), next);
      // The replacement still holds the nickname: revoking the old key released nothing.
      const clash = makeRecord({ nickname: 'ci', createdAt: at(2 * HOUR), updatedAt: at(2 * HOUR) });
      expect(await store().insert(clash)).toEqual({ ok: false, conflict: 'nickname' });
    });

    test('a revoke racing a rotate of the same key has one winner, never a revoke that misses a working replacement', async () => {
      for (const graceMs of [0, HOUR]) {
        for (let round = 0; round < 8; round++) {
          const old = makeRecord({ nickname: `race-${graceMs}-${round}` });
          const next = makeRecord({ nickname: old.nickname, createdAt: at(HOUR), updatedAt: at(HOUR) });
          await insertAll(old);
          // Sent in both orders, so that each side wins in some rounds even on a store that runs calls in order.
          const revoke = (): Promise<RevokeResult> => store().revoke(old.id, at(HOUR));
          const rotate = (): Promise<RotateResult> => store().rotate(old.id, next, at(HOUR + graceMs));
          const [revoked, rotated] =
            round % 2 === 0
              ? await Promise.all([revoke(), rotate()])
              : await Promise.all([rotate(), revoke()]).then(([second, first]) => [first, second] as const);
          const stored = await store().getById(next.id);
          if (!rotated.ok) {
            // The revoke came first: no replacement exists.
            expect(rotated).toEqual({ ok: false, conflict: 'not_active' });
            expect(revoked.ok).toBe(true);
            expect(stored).toBeNull();
            expect(await store().findByHash(next.hash)).toBeNull();
          } else if (revoked.ok) {
            // The rotate came first and left a grace period: the revoke names the replacement.
            expect(graceMs).toBeGreaterThan(0);
            expect(revoked.record.replacedById).toBe(next.id);
            expectRecord(stored, next);
          } else {
            // The rotate came first with no grace: the old key was no longer revocable.
            expect(graceMs).toBe(0);
            expect(revoked).toEqual({ ok: false, conflict: 'not_active' });
            expect((await store().getById(old.id))?.revokedAt).toBeNull();
            expectRecord(stored, next);
          }
        }
      }
    });
  });
}
