import { describe, expect } from 'vitest';
import type { AuditPage, AuditPosition, AuditQuery, AuditRecord, KeyStore } from '@keyward/core/store';
import { at, randomHex, randomKeyId } from './contract-helpers.js';
import type { ContractContext } from './contract-helpers.js';

const AUDIT_FIELDS = ['actor', 'at', 'data', 'id', 'keyId', 'orgId', 'requestId', 'type'] as const;

/** An audit record with a random id, dated `at(offsetMs)`. */
function auditRecord(orgId: string | null, offsetMs: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id: `evt_${randomHex(10)}`, type: 'authn_token_created', at: at(offsetMs), orgId, keyId: randomKeyId(),
    actor: `user:owner_${randomHex(4)}`, requestId: `req_${randomHex(4)}`, data: { nickname: 'ci', scopes: ['agents:read'] },
    ...overrides,
  };
}

/** Asserts `actual` is exactly `expected`: the same fields, `at` a `Date`, `data` deeply equal. */
function expectAudit(actual: AuditRecord | undefined, expected: AuditRecord): void {
  expect(actual, `audit record ${expected.id}`).toBeTruthy();
  if (actual === undefined) return;
  expect(Object.keys(actual).sort()).toEqual([...AUDIT_FIELDS]);
  expect(actual.at).toBeInstanceOf(Date);
  expect({ ...actual, at: actual.at.getTime() }).toEqual({ ...expected, at: expected.at.getTime() });
}

const ids = (records: readonly AuditRecord[]): string[] => records.map((r) => r.id);

/**
 * The audit tests of the `KeyStore` contract, for stores declaring `supportsAudit` (the default):
 * `appendAudit` and `listAudit` both exist, events come back newest first and exactly as written
 * (`data` as JSON), organizations (and `null`, keys without one) are kept apart, and `before` pages
 * through them, each event once. Without `supportsAudit` the store must have neither method.
 * Events are appended in time order, as the core writes them; how a store orders events appended
 * out of order, or sharing a millisecond, is its own (each is still listed once).
 */
export function describeAuditContract({ store, test }: ContractContext, supportsAudit: boolean): void {
  describe('audit events', () => {
    if (!supportsAudit) {
      test('declares no audit: has neither appendAudit nor listAudit', async () => {
        expect(store().appendAudit, 'supportsAudit is false, but the store has appendAudit').toBeUndefined();
        expect(store().listAudit, 'supportsAudit is false, but the store has listAudit').toBeUndefined();
      });
      return;
    }
    const audit = (): Required<Pick<KeyStore, 'appendAudit' | 'listAudit'>> => {
      const { appendAudit, listAudit } = store();
      expect(appendAudit, 'the store has no appendAudit(): pass { supportsAudit: false } if it keeps no audit').toBeTypeOf('function');
      expect(listAudit, 'the store has no listAudit(): pass { supportsAudit: false } if it keeps no audit').toBeTypeOf('function');
      return { appendAudit: appendAudit!.bind(store()), listAudit: listAudit!.bind(store()) };
    };
    const appendAll = async (...records: AuditRecord[]): Promise<void> => {
      for (const record of records) await audit().appendAudit(record);
    };
    /** Every event of `orgId` before `before`, page by page; checks each page's size. */
    const listAll = async (orgId: string | null, limit: number, before: AuditPosition | null = null): Promise<AuditRecord[]> => {
      const records: AuditRecord[] = [];
      let query: AuditQuery = { limit, before };
      for (let pages = 0; pages < 1_000; pages++) {
        const page: AuditPage = await audit().listAudit(orgId, query);
        expect(page.records.length).toBeLessThanOrEqual(limit);
        records.push(...page.records);
        if (page.next === null) return records;
        query = { limit, before: page.next };
      }
      throw new Error('listAudit never ended');
    };
    const org = (): string => `org_${randomHex(8)}`;

    test('lists an organization’s events newest first, each exactly as appended', async () => {
      const orgId = org();
      const events = [0, 1_000, 2_000].map((offset, i) => auditRecord(orgId, offset, { type: ['authn_token_created', 'authn_token_rotated', 'authn_token_revoked'][i]! }));
      await appendAll(...events);
      const page = await audit().listAudit(orgId, { limit: 10 });
      expect(ids(page.records)).toEqual(ids([...events].reverse()));
      for (const [i, record] of [...events].reverse().entries()) expectAudit(page.records[i], record);
      expect(page.next).toBeNull();
      expect((await audit().listAudit(org(), { limit: 10 })).records).toEqual([]);
    });

    test('keeps organizations apart, and lists the events of keys without one under null', async () => {
      const [a, b] = [org(), org()];
      const inA = [auditRecord(a, 0), auditRecord(a, 20)];
      const inB = [auditRecord(b, 10)];
      const orgless = [auditRecord(null, 5, { keyId: null }), auditRecord(null, 15, { actor: 'system', requestId: null })];
      await appendAll(inA[0]!, orgless[0]!, inB[0]!, orgless[1]!, inA[1]!);
      expect(ids(await listAll(a, 10))).toEqual([inA[1]!.id, inA[0]!.id]);
      expect(ids(await listAll(b, 10))).toEqual([inB[0]!.id]);
      // Other tests may have written org-less events to this store too: look at this test's only.
      const nulls = await listAll(null, 100);
      expect(nulls.every((record) => record.orgId === null)).toBe(true);
      const mine = nulls.filter((record) => orgless.some((o) => o.id === record.id));
      expect(ids(mine)).toEqual([orgless[1]!.id, orgless[0]!.id]);
      expectAudit(mine[0], orgless[1]!);
      expectAudit(mine[1], orgless[0]!);
    });

    test('pages with before, each event once, newest first, at most limit per page', async () => {
      const orgId = org();
      const events = Array.from({ length: 7 }, (_, i) => auditRecord(orgId, i * 1_000));
      await appendAll(...events);
      const newestFirst = ids([...events].reverse());
      for (const limit of [1, 3, 7, 100]) expect(ids(await listAll(orgId, limit)), `limit ${limit}`).toEqual(newestFirst);
      const first = await audit().listAudit(orgId, { limit: 3 });
      expect(ids(first.records)).toEqual(newestFirst.slice(0, 3));
      expect(first.next).not.toBeNull();
      // A position built from a listed event starts strictly before it.
      const middle = events[3]!;
      expect(ids(await listAll(orgId, 2, { at: middle.at, id: middle.id }))).toEqual(newestFirst.slice(4));
      expect((await audit().listAudit(orgId, { limit: 5, before: { at: events[0]!.at, id: events[0]!.id } })).records).toEqual([]);
    });

    test('lists events sharing one instant each exactly once across pages', async () => {
      const orgId = org();
      const events = Array.from({ length: 6 }, () => auditRecord(orgId, 500));
      const older = auditRecord(orgId, 0);
      await appendAll(older, ...events);
      const walked = ids(await listAll(orgId, 2));
      expect(walked).toHaveLength(7);
      expect(new Set(walked)).toEqual(new Set([...ids(events), older.id]));
      expect(walked.at(-1)).toBe(older.id);
    });

    test('round-trips data as JSON: nested objects, arrays, numbers, booleans, null, unicode', async () => {
      const orgId = org();
      const data = {
        nickname: 'déploiement ✓ 日本',
        scopes: ['agents:read', 'agents:write'],
        changes: { scopes: { from: ['a'], to: ['a', 'b'] }, expiresAt: { from: null, to: '2031-01-01T00:00:00.000Z' } },
        nested: [{ depth: [1, [2, [3]]] }, [], {}],
        count: 42, ratio: -0.125, flag: true, off: false, nothing: null,
      };
      const record = auditRecord(orgId, 0, { type: 'authn_token_updated', data });
      const empty = auditRecord(orgId, 1, { data: {}, keyId: null, requestId: null });
      await appendAll(record, empty);
      const page = await audit().listAudit(orgId, { limit: 10 });
      expectAudit(page.records[1], record);
      expectAudit(page.records[0], empty);
      expect(page.records[1]?.data).toEqual(data);
    });

    test('respects limit and says where the next page starts', async () => {
      const orgId = org();
      const events = Array.from({ length: 5 }, (_, i) => auditRecord(orgId, i));
      await appendAll(...events);
      const two = await audit().listAudit(orgId, { limit: 2 });
      expect(ids(two.records)).toEqual([events[4]!.id, events[3]!.id]);
      expect(two.next).not.toBeNull();
      const all = await audit().listAudit(orgId, { limit: 100 });
      expect(all.records).toHaveLength(5);
      expect(all.next).toBeNull();
      const exact = await audit().listAudit(orgId, { limit: 5 });
      expect(exact.records).toHaveLength(5);
      expect(exact.next, 'a page holding the last event says nothing follows').toBeNull();
    });
  });
}
