import { describe, expect } from 'vitest';
import { at, expectRecord, HOUR, ms, randomHex, randomKeyId, T0 } from './contract-helpers.js';
import type { ContractContext } from './contract-helpers.js';

/**
 * The record tests of the `KeyStore` contract: lookups, exact round trips, conflicts, the nickname
 * rule, `listByOwner` filter and order, atomic `rotate` and batched `touchLastUsed` (`revoke` and
 * the per-owner limit have their own groups).
 */
export function describeRecordContract({ store, owner, makeRecord, insertAll, test }: ContractContext): void {
  describe('insert and lookups', () => {
    test('round-trips every field through findByHash and getById', async () => {
      const record = makeRecord({
        pepperId: 'p2', orgId: 'org_Ω', nickname: 'CI key — ünïcødé ✓', scopes: ['webhooks:write', 'agents:*', 'a:read'],
        metadata: { team: 'ml', nested: { list: [1, 'two', true, null, { deep: 1.5 }], empty: {} } },
        createdAt: at(1), updatedAt: at(2_001), expiresAt: at(86_400_999), revokedAt: at(3_003), lastUsedAt: at(4_004),
      });
      await insertAll(record);
      expectRecord(await store().findByHash(record.hash), record);
      expectRecord(await store().getById(record.id), record);
    });
    test('round-trips null fields, empty scopes and empty metadata', async () => {
      const record = makeRecord({ pepperId: null, orgId: null, scopes: [], metadata: {} });
      await insertAll(record);
      expectRecord(await store().findByHash(record.hash), record);
      expectRecord(await store().getById(record.id), record);
    });
    test('returns null for an unknown hash or id', async () => {
      await insertAll(makeRecord());
      expect(await store().findByHash(randomHex(32))).toBeNull();
      expect(await store().getById(randomKeyId())).toBeNull();
    });
  });

  describe('conflicts and the nickname rule', () => {
    test('refuses a duplicate hash or id and stores nothing', async () => {
      const first = makeRecord({ nickname: 'first' });
      await insertAll(first);
      const sameHash = makeRecord({ hash: first.hash, nickname: 'second' });
      expect(await store().insert(sameHash)).toEqual({ ok: false, conflict: 'hash' });
      expect(await store().getById(sameHash.id)).toBeNull();
      const sameId = makeRecord({ id: first.id, nickname: 'third' });
      expect(await store().insert(sameId)).toEqual({ ok: false, conflict: 'id' });
      expect(await store().findByHash(sameId.hash)).toBeNull();
      expectRecord(await store().getById(first.id), first);
    });
    test('refuses a second active key with the same nickname for one owner', async () => {
      await insertAll(makeRecord({ nickname: 'ci' }));
      const clash = makeRecord({ nickname: 'ci', createdAt: at(HOUR), updatedAt: at(HOUR) });
      expect(await store().insert(clash)).toEqual({ ok: false, conflict: 'nickname' });
      expect(await store().getById(clash.id)).toBeNull();
      expect(await store().findByHash(clash.hash)).toBeNull();
    });
    test('allows the same nickname for another owner', async () => {
      await insertAll(makeRecord({ nickname: 'ci' }), makeRecord({ nickname: 'ci', ownerId: `${owner()}_other` }));
    });
    test('frees a nickname once its holder is revoked', async () => {
      const holder = makeRecord({ nickname: 'ci', expiresAt: at(24 * HOUR) });
      await insertAll(holder);
      expect((await store().revoke(holder.id, at(HOUR))).ok).toBe(true);
      await insertAll(makeRecord({ nickname: 'ci', createdAt: at(2 * HOUR), updatedAt: at(2 * HOUR) }));
    });
    test('frees a nickname once its holder expired (expiresAt <= the new createdAt)', async () => {
      await insertAll(makeRecord({ nickname: 'ci', expiresAt: at(HOUR) }));
      const early = makeRecord({ nickname: 'ci', createdAt: at(HOUR - 1), updatedAt: at(HOUR - 1) });
      expect(await store().insert(early)).toEqual({ ok: false, conflict: 'nickname' });
      await insertAll(makeRecord({ nickname: 'ci', createdAt: at(HOUR), updatedAt: at(HOUR) }));
    });
    test('frees a nickname once its holder is replaced by rotate, even within the grace period', async () => {
      const old = makeRecord({ nickname: 'ci' });
      const next = makeRecord({ nickname: 'ci', createdAt: at(HOUR), updatedAt: at(HOUR) });
      await insertAll(old);
      expect(await store().rotate(old.id, next, at(48 * HOUR))).toEqual({ ok: true });
      const third = makeRecord({ nickname: 'ci', createdAt: at(2 * HOUR), updatedAt: at(2 * HOUR) });
      expect(await store().insert(third)).toEqual({ ok: false, conflict: 'nickname' }); // `next` holds it
      expect((await store().revoke(next.id, at(2 * HOUR))).ok).toBe(true);
      await insertAll(third); // `old` is still within its grace period, but replaced
    });
    test('lets exactly one of 20 concurrent inserts of one owner and nickname succeed', async () => {
      const records = Array.from({ length: 20 }, () => makeRecord({ nickname: 'race' }));
      const results = await Promise.all(records.map((record) => store().insert(record)));
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      expect(results.filter((result) => !result.ok)).toEqual(Array(19).fill({ ok: false, conflict: 'nickname' }));
      expect((await store().listByOwner(owner(), { now: at(0), limit: 100 })).records).toHaveLength(1);
    });
  });

  test('listByOwner returns only that owner’s live records (not revoked, not expired), oldest first', async () => {
    const a = makeRecord({ nickname: 'a', createdAt: at(2_000), updatedAt: at(2_000) });
    const b = makeRecord({ nickname: 'b', createdAt: at(0), revokedAt: at(500) });
    const c = makeRecord({ nickname: 'c', createdAt: at(1_000), updatedAt: at(1_000), expiresAt: at(1_500) });
    const d = makeRecord({ nickname: 'd', createdAt: at(0), updatedAt: at(0), expiresAt: at(HOUR) });
    await insertAll(a, b, c, d, makeRecord({ nickname: 'a', ownerId: `${owner()}_other` }));
    const early = await store().listByOwner(owner(), { now: at(1_499), limit: 100 });
    expect(early.records.map((record) => record.id)).toEqual([d.id, c.id, a.id]);
    [d, c, a].forEach((record, i) => expectRecord(early.records[i], record));
    expect(early.next).toBeNull();
    const later = await store().listByOwner(owner(), { now: at(1_500), limit: 100 });
    expect(later.records.map((record) => record.id)).toEqual([d.id, a.id]);
    expect(await store().listByOwner(`${owner()}_nobody`, { now: at(0), limit: 100 })).toEqual({ records: [], next: null });
  });

  describe('rotate', () => {
    test('marks the old key replaced, sets its expiry and inserts the new one', async () => {
      const old = makeRecord({ nickname: 'ci', scopes: ['a:read', 'b:write'], lastUsedAt: at(5) });
      const next = makeRecord({ nickname: 'ci', scopes: ['a:read', 'b:write'], createdAt: at(HOUR), updatedAt: at(HOUR) });
      await insertAll(old);
      expect(await store().rotate(old.id, next, at(2 * HOUR))).toEqual({ ok: true });
      expectRecord(await store().getById(old.id), { ...old, replacedById: next.id, expiresAt: at(2 * HOUR), updatedAt: at(HOUR) });
      expectRecord(await store().findByHash(next.hash), next);
      expect((await store().listByOwner(owner(), { now: at(HOUR), limit: 100 })).records.map((record) => record.id)).toEqual([old.id, next.id]);
    });
    test('answers not_found and not_active without inserting anything', async () => {
      const revoked = makeRecord({ nickname: 'revoked', revokedAt: at(10) });
      const replaced = makeRecord({ nickname: 'replaced' });
      await insertAll(revoked, replaced);
      expect(await store().rotate(replaced.id, makeRecord({ nickname: 'replaced', createdAt: at(HOUR) }), at(HOUR))).toEqual({ ok: true });
      const cases = [[randomKeyId(), 'not_found'], [revoked.id, 'not_active'], [replaced.id, 'not_active']] as const;
      for (const [oldId, conflict] of cases) {
        const next = makeRecord({ nickname: 'fresh', createdAt: at(2 * HOUR), updatedAt: at(2 * HOUR) });
        expect(await store().rotate(oldId, next, at(3 * HOUR)), oldId).toEqual({ ok: false, conflict });
        expect(await store().getById(next.id)).toBeNull();
      }
    });
    test('is atomic: a clashing new key leaves the old one unchanged', async () => {
      const old = makeRecord({ nickname: 'ci' });
      const other = makeRecord({ nickname: 'other' });
      await insertAll(old, other);
      const clashes = [[{ hash: other.hash }, 'hash'], [{ id: other.id }, 'id']] as const;
      for (const [overrides, conflict] of clashes) {
        const next = makeRecord({ nickname: 'ci', createdAt: at(HOUR), updatedAt: at(HOUR), ...overrides });
        expect(await store().rotate(old.id, next, at(2 * HOUR))).toEqual({ ok: false, conflict });
        expectRecord(await store().getById(old.id), old);
        expectRecord(await store().getById(other.id), other);
      }
    });
  });

  describe('touchLastUsed', () => {
    test('updates several keys in one batch and ignores unknown ids', async () => {
      const [a, b, c] = [makeRecord({ nickname: 'a' }), makeRecord({ nickname: 'b' }), makeRecord({ nickname: 'c' })];
      await insertAll(a, b, c);
      await store().touchLastUsed([
        { id: a.id, lastUsedAt: at(10) }, { id: randomKeyId(), lastUsedAt: at(20) }, { id: b.id, lastUsedAt: at(30) },
      ]);
      expect(ms((await store().getById(a.id))?.lastUsedAt ?? null)).toBe(T0 + 10);
      expect(ms((await store().getById(b.id))?.lastUsedAt ?? null)).toBe(T0 + 30);
      expectRecord(await store().getById(c.id), c);
      await store().touchLastUsed([]);
    });
    test('never moves lastUsedAt backwards, even within one batch', async () => {
      const record = makeRecord();
      await insertAll(record);
      const lastUsed = async (): Promise<number | null> => ms((await store().getById(record.id))?.lastUsedAt ?? null);
      await store().touchLastUsed([{ id: record.id, lastUsedAt: at(HOUR) }]);
      await store().touchLastUsed([{ id: record.id, lastUsedAt: at(HOUR - 1) }]);
      expect(await lastUsed()).toBe(T0 + HOUR);
      await store().touchLastUsed([{ id: record.id, lastUsedAt: at(3 * HOUR) }, { id: record.id, lastUsedAt: at(2 * HOUR) }]);
      expect(await lastUsed()).toBe(T0 + 3 * HOUR);
    });
    test('writes every entry of a large batch (one flush of a busy instance: 12 000 keys)', async () => {
      const [first, last] = [makeRecord({ nickname: 'first' }), makeRecord({ nickname: 'last' })];
      await insertAll(first, last);
      const entries = Array.from({ length: 12_000 }, (_, i) => ({ id: randomKeyId(), lastUsedAt: at(i) }));
      entries[3] = { id: first.id, lastUsedAt: at(3) };
      entries[11_998] = { id: last.id, lastUsedAt: at(11_998) };
      await store().touchLastUsed(entries);
      expect(ms((await store().getById(first.id))?.lastUsedAt ?? null)).toBe(T0 + 3);
      expect(ms((await store().getById(last.id))?.lastUsedAt ?? null)).toBe(T0 + 11_998);
    });
  });
}
