import { describe, expect } from 'vitest';
import type { ApiKeyRecord, KeyStore, ListPosition } from '@keyward/core/store';
import { at, HOUR, randomHex } from './contract-helpers.js';
import type { ContractContext } from './contract-helpers.js';

/** Every live record of `orgId` at `now`, walking `listByOrg` page by page; checks every page's size. */
async function listOrg(store: KeyStore, orgId: string, now: Date, limit: number): Promise<ApiKeyRecord[]> {
  const records: ApiKeyRecord[] = [];
  let after: ListPosition | null = null;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await store.listByOrg(orgId, { now, limit, after });
    expect(page.records.length).toBeLessThanOrEqual(limit);
    records.push(...page.records);
    if (page.next === null) return records;
    after = page.next;
  }
  throw new Error('listByOrg never ended');
}

/** Ids in list order: `createdAt`, then `id` bytewise. */
const inListOrder = (records: readonly ApiKeyRecord[]): string[] =>
  [...records].sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime() || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)).map((r) => r.id);

const ids = (records: readonly ApiKeyRecord[]): string[] => records.map((r) => r.id);

/**
 * The organization tests of the `KeyStore` contract: `listByOrg` lists the live keys of every owner
 * of the organization and nothing else (other organizations, keys without one, revoked and expired
 * keys), follows revoke, rotate and update, and pages stably and completely across owners, even
 * through an organization history mostly made of dead keys.
 */
export function describeOrgContract({ store, owner, makeRecord, insertAll, test }: ContractContext): void {
  const randomOrg = (): string => `org_${randomHex(8)}`;

  describe('listByOrg', () => {
    test('lists the live keys of every owner of the organization, and only those', async () => {
      const org = randomOrg();
      const mine = makeRecord({ orgId: org, nickname: 'mine', createdAt: at(30), updatedAt: at(30) });
      const colleague = makeRecord({ orgId: org, ownerId: `${owner()}_colleague`, nickname: 'theirs', createdAt: at(10), updatedAt: at(10) });
      const expiresLater = makeRecord({ orgId: org, nickname: 'later', expiresAt: at(HOUR) });
      const otherOrg = makeRecord({ orgId: `${org}_other`, nickname: 'other-org' });
      const orgless = makeRecord({ orgId: null, nickname: 'no-org' });
      const revoked = makeRecord({ orgId: org, nickname: 'revoked', revokedAt: at(1), updatedAt: at(1) });
      const expired = makeRecord({ orgId: org, nickname: 'expired', expiresAt: at(50) });
      await insertAll(mine, colleague, expiresLater, otherOrg, orgless, revoked, expired);

      const page = await store().listByOrg(org, { now: at(100), limit: 100 });
      expect(ids(page.records)).toEqual(inListOrder([mine, colleague, expiresLater]));
      expect(page.next).toBeNull();
      expect(ids((await store().listByOrg(`${org}_other`, { now: at(100), limit: 100 })).records)).toEqual([otherOrg.id]);
      expect((await store().listByOrg(randomOrg(), { now: at(100), limit: 100 })).records).toEqual([]);
      // Expiry is judged against `now`: at HOUR the key expiring then is gone too.
      expect(ids(await listOrg(store(), org, at(HOUR), 100))).toEqual(inListOrder([mine, colleague]));
      // The owner's own list is unchanged by the organization's.
      expect(ids((await store().listByOwner(`${owner()}_colleague`, { now: at(100), limit: 100 })).records)).toEqual([colleague.id]);
    });

    test('follows revoke, rotate and update of any member’s key', async () => {
      const org = randomOrg();
      const a = makeRecord({ orgId: org, nickname: 'a' });
      const b = makeRecord({ orgId: org, ownerId: `${owner()}_b`, nickname: 'b', createdAt: at(1), updatedAt: at(1) });
      await insertAll(a, b);
      expect((await store().revoke(b.id, at(HOUR))).ok).toBe(true);
      expect(ids(await listOrg(store(), org, at(HOUR), 10))).toEqual([a.id]);

      const next = makeRecord({ orgId: org, nickname: 'a', createdAt: at(HOUR), updatedAt: at(HOUR) });
      expect(await store().rotate(a.id, next, at(2 * HOUR))).toEqual({ ok: true });
      // The old key stays listed during its grace period, then only its replacement.
      expect(ids(await listOrg(store(), org, at(HOUR), 10))).toEqual([a.id, next.id]);
      expect(ids(await listOrg(store(), org, at(2 * HOUR), 10))).toEqual([next.id]);

      const updated = await store().update(next.id, { nickname: 'renamed', expiresAt: at(5 * HOUR) }, at(2 * HOUR));
      expect(updated.ok).toBe(true);
      const listed = await listOrg(store(), org, at(3 * HOUR), 10);
      expect(listed.map((r) => [r.id, r.nickname, r.expiresAt?.getTime()])).toEqual([[next.id, 'renamed', at(5 * HOUR).getTime()]]);
      expect(await listOrg(store(), org, at(5 * HOUR), 10)).toEqual([]);
    });

    test('pages every live key of every owner once, in (createdAt, id) order, pages of at most limit', async () => {
      const org = randomOrg();
      const owners = [owner(), `${owner()}_2`, `${owner()}_3`];
      const live = Array.from({ length: 12 }, (_, i) => makeRecord({
        orgId: org, ownerId: owners[i % 3], nickname: `live${i}`, createdAt: at(Math.floor(i / 4) * 1_000), updatedAt: at(0),
      }));
      const dead = Array.from({ length: 9 }, (_, i) => makeRecord({
        orgId: org, ownerId: owners[i % 3], nickname: `dead${i}`, createdAt: at(i * 300),
        ...(i % 2 === 0 ? { revokedAt: at(1), updatedAt: at(1) } : { expiresAt: at(5) }),
      }));
      const stranger = makeRecord({ orgId: `${org}_x`, nickname: 'stranger', createdAt: at(500), updatedAt: at(500) });
      await insertAll(...[...live, ...dead, stranger].sort(() => Math.random() - 0.5));
      const expected = inListOrder(live);
      for (const limit of [1, 2, 5, 100]) {
        expect(ids(await listOrg(store(), org, at(10), limit)), `limit ${limit}`).toEqual(expected);
      }
      const first = await store().listByOrg(org, { now: at(10), limit: 5 });
      expect(ids(first.records)).toEqual(expected.slice(0, 5));
      expect(first.next).not.toBeNull();
    });

    test('a walk is stable: keys live throughout come exactly once while others are added and revoked', async () => {
      const org = randomOrg();
      const steady = Array.from({ length: 8 }, (_, i) => makeRecord({
        orgId: org, ownerId: `${owner()}_${i % 2}`, nickname: `steady${i}`, createdAt: at(i * 10), updatedAt: at(i * 10),
      }));
      const doomed = Array.from({ length: 4 }, (_, i) => makeRecord({ orgId: org, nickname: `doomed${i}`, createdAt: at(i * 20 + 5), updatedAt: at(0) }));
      await insertAll(...steady, ...doomed);
      const seen: string[] = [];
      let after: ListPosition | null = null;
      for (let step = 0; step < 100; step++) {
        const page = await store().listByOrg(org, { now: at(1_000), limit: 3, after });
        seen.push(...ids(page.records));
        // Between pages: revoke one doomed key, add a key created later (it may or may not appear once).
        const victim = doomed[step];
        if (victim !== undefined) expect((await store().revoke(victim.id, at(1_000))).ok).toBe(true);
        await insertAll(makeRecord({ orgId: org, nickname: `late${step}`, createdAt: at(2_000 + step), updatedAt: at(2_000 + step) }));
        if (page.next === null) break;
        after = page.next;
      }
      for (const record of steady) expect(seen.filter((id) => id === record.id), record.nickname).toHaveLength(1);
      expect(new Set(seen).size).toBe(seen.length);
    });

    test('walks an organization whose history is mostly dead keys, with bounded pages', async () => {
      const org = randomOrg();
      const owners = Array.from({ length: 4 }, (_, i) => `${owner()}_${i}`);
      const history = Array.from({ length: 400 }, (_, i) => makeRecord({
        orgId: org, ownerId: owners[i % 4], nickname: `h${i}`, createdAt: at(i),
        ...(i % 80 === 0 ? {} : i % 3 === 0 ? { expiresAt: at(HOUR) } : { revokedAt: at(1), updatedAt: at(1) }),
      }));
      for (let i = 0; i < history.length; i += 50) {
        const results = await Promise.all(history.slice(i, i + 50).map((record) => store().insert(record)));
        expect(results.every((result) => result.ok)).toBe(true);
      }
      const alive = history.filter((_, i) => i % 80 === 0);
      expect(ids(await listOrg(store(), org, at(2 * HOUR), 2))).toEqual(inListOrder(alive));
      // A second walk, after the first dropped what it found expired, gives the same.
      expect(ids(await listOrg(store(), org, at(2 * HOUR), 100))).toEqual(inListOrder(alive));
    }, 60_000);
  });
}
