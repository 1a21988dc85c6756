import { describe, expect } from 'vitest';
import type { ApiKeyRecord, KeyStore, ListPosition } from '../store/key-store.js';
import { at, HOUR } from './contract-helpers.js';
import type { ContractContext } from './contract-helpers.js';

/** Every live record of `ownerId` at `now`, walking `listByOwner` page by page. */
async function listAll(store: KeyStore, ownerId: string, now: Date, limit: number): Promise<ApiKeyRecord[]> {
  const records: ApiKeyRecord[] = [];
  let after: ListPosition | null = null;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await store.listByOwner(ownerId, { now, limit, after });
    expect(page.records.length).toBeLessThanOrEqual(limit);
    records.push(...page.records);
    if (page.next === null) return records;
    after = page.next;
  }
  throw new Error('listByOwner never ended');
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Milliseconds `work` takes. */
async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/**
 * The per-owner tests of the `KeyStore` contract: the active-key limit of `insert` (atomic), the
 * pagination of `listByOwner`, and that an owner with thousands of dead keys slows neither its own
 * calls nor other owners' lookups (the work of a call must not grow with the owner's history).
 */
export function describeOwnerContract({ store, owner, makeRecord, insertAll, test }: ContractContext): void {
  describe('active keys per owner', () => {
    test('insert refuses a key past maxActiveKeys, counting only keys that hold their nickname', async () => {
      const limit = { maxActiveKeys: 3 };
      const expiring = makeRecord({ nickname: 'expiring', expiresAt: at(HOUR) });
      for (const record of [makeRecord({ nickname: 'a' }), makeRecord({ nickname: 'b' }), expiring]) {
        expect(await store().insert(record, limit)).toEqual({ ok: true });
      }
      // An imported revoked key does not count, and neither does another owner's.
      expect(await store().insert(makeRecord({ nickname: 'old', revokedAt: at(0) }), limit)).toEqual({ ok: true });
      expect(await store().insert(makeRecord({ nickname: 'd', ownerId: `${owner()}_other` }), limit)).toEqual({ ok: true });
      const refused = makeRecord({ nickname: 'd', createdAt: at(HOUR - 1), updatedAt: at(HOUR - 1) });
      expect(await store().insert(refused, limit)).toEqual({ ok: false, conflict: 'owner_limit' });
      expect(await store().getById(refused.id)).toBeNull();
      // A nickname clash is reported as such even at the limit.
      expect(await store().insert(makeRecord({ nickname: 'a', createdAt: at(1) }), limit)).toEqual({ ok: false, conflict: 'nickname' });
      // Rotation keeps the count: allowed at the limit.
      const a = (await listAll(store(), owner(), at(2), 10)).find((r) => r.nickname === 'a')!;
      expect(await store().rotate(a.id, makeRecord({ nickname: 'a', createdAt: at(2), updatedAt: at(2) }), at(2 * HOUR))).toEqual({ ok: true });
      expect(await store().insert(makeRecord({ nickname: 'd', createdAt: at(3), updatedAt: at(3) }), limit)).toEqual({ ok: false, conflict: 'owner_limit' });
      // Expiry and revocation free a place.
      expect(await store().insert(makeRecord({ nickname: 'd', createdAt: at(HOUR), updatedAt: at(HOUR) }), limit)).toEqual({ ok: true });
      const b = (await listAll(store(), owner(), at(HOUR), 10)).find((r) => r.nickname === 'b')!;
      expect(await store().insert(makeRecord({ nickname: 'e', createdAt: at(HOUR), updatedAt: at(HOUR) }), limit)).toEqual({ ok: false, conflict: 'owner_limit' });
      expect((await store().revoke(b.id, at(HOUR))).ok).toBe(true);
      expect(await store().insert(makeRecord({ nickname: 'e', createdAt: at(HOUR), updatedAt: at(HOUR) }), limit)).toEqual({ ok: true });
    });

    test('concurrent inserts never take an owner past maxActiveKeys', async () => {
      const records = Array.from({ length: 20 }, (_, i) => makeRecord({ nickname: `k${i}` }));
      const results = await Promise.all(records.map((record) => store().insert(record, { maxActiveKeys: 5 })));
      expect(results.filter((result) => result.ok)).toHaveLength(5);
      expect(results.filter((result) => !result.ok)).toEqual(Array(15).fill({ ok: false, conflict: 'owner_limit' }));
      expect(await listAll(store(), owner(), at(0), 100)).toHaveLength(5);
    });
  });

  describe('listByOwner pagination', () => {
    test('walks every live record once, in (createdAt, id) order, pages of at most limit', async () => {
      const live = Array.from({ length: 9 }, (_, i) =>
        makeRecord({ nickname: `live${i}`, createdAt: at(Math.floor(i / 3) * 1_000), updatedAt: at(0) }));
      const dead = Array.from({ length: 6 }, (_, i) =>
        makeRecord({ nickname: `dead${i}`, createdAt: at(i * 500), ...(i % 2 === 0 ? { revokedAt: at(1) } : { expiresAt: at(5) }) }));
      await insertAll(...[...live, ...dead].sort(() => Math.random() - 0.5));
      const expected = [...live].sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime() || (x.id < y.id ? -1 : 1)).map((r) => r.id);
      for (const limit of [1, 2, 4, 100]) {
        expect((await listAll(store(), owner(), at(10), limit)).map((r) => r.id), `limit ${limit}`).toEqual(expected);
      }
      const first = await store().listByOwner(owner(), { now: at(10), limit: 4 });
      expect(first.records.map((r) => r.id)).toEqual(expected.slice(0, 4));
      expect(first.next).not.toBeNull();
    });
  });

  describe('an owner with a long history', () => {
    test('does not slow its own calls nor other owners’ lookups', async () => {
      const heavy = owner();
      const light = `${heavy}_light`;
      const bystander = makeRecord({ ownerId: `${heavy}_bystander` });
      await insertAll(bystander);
      // 3,000 keys: most revoked, some expired, 40 active.
      const history = Array.from({ length: 3_000 }, (_, i) =>
        makeRecord({ nickname: `h${i}`, ...(i < 40 ? {} : i % 10 === 0 ? { expiresAt: at(1) } : { revokedAt: at(1) }) }));
      for (let i = 0; i < history.length; i += 50) {
        const results = await Promise.all(history.slice(i, i + 50).map((record) => store().insert(record)));
        expect(results.every((result) => result.ok)).toBe(true);
      }
      await insertAll(...Array.from({ length: 40 }, (_, i) => makeRecord({ ownerId: light, nickname: `h${i}` })));

      const samples = { heavy: [] as number[], light: [] as number[], heavyLookup: [] as number[], lightLookup: [] as number[] };
      for (let i = 0; i < 25; i++) {
        for (const [who, ownerId] of [['heavy', heavy], ['light', light]] as const) {
          const record = makeRecord({ ownerId, nickname: `n${i}`, createdAt: at(HOUR), updatedAt: at(HOUR) });
          const write = timed(async () => {
            expect(await store().insert(record, { maxActiveKeys: 100 })).toEqual({ ok: true });
            await store().listByOwner(ownerId, { now: at(HOUR), limit: 20 });
            expect((await store().revoke(record.id, at(HOUR))).ok).toBe(true);
          });
          // Another owner's lookup, sent while this owner's writes are under way.
          const lookup = await timed(() => store().findByHash(bystander.hash));
          samples[who].push(await write);
          samples[who === 'heavy' ? 'heavyLookup' : 'lightLookup'].push(lookup);
        }
      }
      // Medians of interleaved samples, with a generous factor and slack: robust on a busy machine,
      // yet far below what a call walking 3,000 records costs.
      expect(median(samples.heavy)).toBeLessThan(4 * median(samples.light) + 5);
      expect(median(samples.heavyLookup)).toBeLessThan(4 * median(samples.lightLookup) + 5);
      expect((await listAll(store(), heavy, at(HOUR), 100)).length).toBe(40);
    }, 120_000);
  });
}
