import { randomBytes } from 'node:crypto';
import { createKeyward } from '@keyward/core';
import type { Keyward } from '@keyward/core';
import type { KeyStore } from '@keyward/core/store';
import { createFaultyStore, createTestRecord } from '@keyward/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { Queryable } from '../src/client.js';
import { PostgresKeyStore, PostgresStoreError } from '../src/index.js';

/** A ≥ 32-byte pepper for the tests (not a secret). */
export const PEPPER = 'test-pepper-0123456789-abcdefghijklmnop';
const PREFIX = 'eck_test_';

/** What a scenario needs: the user's client and the table options of the running file. */
export interface ScenarioTarget {
  readonly client: () => ConstructorParameters<typeof PostgresKeyStore>[0]['client'];
  /** Options that isolate this file's table (`schema`/`table`). */
  readonly tableOptions: () => { readonly schema?: string; readonly table?: string };
}

const owner = () => `user_${randomBytes(6).toString('hex')}`;
const header = (key: string) => ({ 'x-api-key': key });

/** A keyward instance with a long cache TTL, so only the invalidation channel can make it see a revocation. */
function instance(store: KeyStore): Keyward {
  return createKeyward({ store, prefixes: [PREFIX], pepper: PEPPER, cache: { ttlMs: 60_000 }, usage: false, logger: false });
}

/** Milliseconds until `check` holds, polling without sleeps longer than 1 ms. */
async function msUntil(check: () => Promise<boolean>, limitMs = 2_000): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > limitMs) throw new Error(`not seen within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return performance.now() - start;
}

/**
 * Two independent keyward instances (own caches, 60 s TTL) on two store objects over one client:
 * a revocation or rotation through A reaches B's cache through LISTEN/NOTIFY within 100 ms.
 */
export function describeMultiInstance(name: string, target: ScenarioTarget): void {
  describe(`two keyward instances: ${name}`, () => {
    const opened: Array<{ close(): Promise<void> }> = [];
    afterEach(async () => {
      for (const item of opened.splice(0).reverse()) await item.close();
    });
    const pair = async () => {
      const storeA = new PostgresKeyStore({ client: target.client(), ...target.tableOptions() });
      const innerB = new PostgresKeyStore({ client: target.client(), ...target.tableOptions() });
      const storeB = createFaultyStore(innerB);
      const a = instance(storeA);
      const b = instance(storeB);
      opened.push(storeA, innerB, a, b);
      await Promise.all([a.ready, b.ready]);
      return { a, b, storeB };
    };

    it('B rejects a key revoked through A within 100 ms, though its cache holds it for 60 s', async () => {
      const { a, b, storeB } = await pair();
      const { key, record } = await a.keys.create({ ownerId: owner(), orgId: 'acme', nickname: 'ci', scopes: ['agents:run'] });
      expect((await b.authenticate(header(key))).ok).toBe(true);
      expect((await b.authenticate(header(key))).ok).toBe(true);
      expect(storeB.calls.findByHash, 'the second call is a cache hit').toBe(1);
      const start = performance.now();
      await a.keys.revoke(record.id);
      await msUntil(async () => {
        const result = await b.authenticate(header(key));
        return !result.ok && result.failure.code === 'revoked_api_key';
      });
      const elapsed = performance.now() - start;
      expect(elapsed).toBeLessThan(100);
    }, 20_000);

    it('both instances see a rotation: the old key stops, the new one works', async () => {
      const { a, b } = await pair();
      const { key: oldKey, record } = await a.keys.create({ ownerId: owner(), orgId: 'acme', nickname: 'deploy', scopes: ['agents:read'] });
      expect((await b.authenticate(header(oldKey))).ok).toBe(true);
      const start = performance.now();
      const rotated = await a.keys.rotate(record.id, { gracePeriodSeconds: 0 });
      await msUntil(async () => {
        const result = await b.authenticate(header(oldKey));
        return !result.ok && result.failure.code === 'expired_api_key';
      });
      expect(performance.now() - start).toBeLessThan(100);
      for (const k of [a, b]) {
        const fresh = await k.authenticate(header(rotated.key));
        expect(fresh.ok && fresh.principal.keyId).toBe(rotated.record.id);
        const old = await k.authenticate(header(oldKey));
        expect(!old.ok && old.failure.code).toBe('expired_api_key');
      }
    }, 20_000);
  });
}

/**
 * Keys created and rotated through the key manager leave no trace of the raw key or its secret
 * in any column of any row; a failing query's error names no hash.
 */
export function describeNoKeyMaterial(name: string, target: ScenarioTarget): void {
  describe(`no key material at rest or in errors: ${name}`, () => {
    it('no row holds a raw key or its secret, in any column', async () => {
      const store = new PostgresKeyStore({ client: target.client(), ...target.tableOptions() });
      const keyward = instance(store);
      try {
        const ownerId = owner();
        const keys: string[] = [];
        for (const nickname of ['one', 'two', 'three']) {
          keys.push((await keyward.keys.create({ ownerId, orgId: 'acme', nickname, scopes: ['agents:run'], metadata: { note: 'x' } })).key);
        }
        const [first] = await keyward.keys.list(ownerId);
        keys.push((await keyward.keys.rotate(first!.id, { gracePeriodSeconds: 60 })).key);
        for (const key of keys) expect((await keyward.authenticate(header(key))).ok).toBe(true);
        await keyward.flushUsage();

        const client = target.client() as Queryable;
        const { rows } = await client.query(`SELECT row_to_json(k)::text AS row FROM ${store.table} AS k WHERE owner_id = $1`, [ownerId]);
        expect(rows).toHaveLength(4);
        const dump = rows.map((row) => (row as { row: string }).row).join('\n');
        for (const key of keys) {
          const secret = key.slice(PREFIX.length, PREFIX.length + 30);
          expect(dump.includes(key), 'raw key found in a row').toBe(false);
          expect(dump.includes(secret), 'secret found in a row').toBe(false);
          expect(dump.includes(secret.slice(4)), 'secret tail found in a row').toBe(false);
        }
      } finally {
        await keyward.close();
        await store.close();
      }
    }, 20_000);

    it('a failing statement rejects with PostgresStoreError whose message does not echo the hash', async () => {
      const table = `kw_bad_${randomBytes(4).toString('hex')}`;
      const store = new PostgresKeyStore({ client: target.client(), schema: target.tableOptions().schema, table });
      const client = target.client() as Queryable;
      await store.migrate();
      // The hash column turned integer: the server's error message quotes the offending value.
      await client.query(`ALTER TABLE ${store.table} ALTER COLUMN hash TYPE integer USING 0`);
      try {
        const hash = randomBytes(32).toString('hex');
        const error: unknown = await store.findByHash(hash).then(() => null, (e: unknown) => e);
        expect(error).toBeInstanceOf(PostgresStoreError);
        const storeError = error as PostgresStoreError;
        expect(storeError.operation).toBe('findByHash');
        expect(storeError.code).toBe('store_error');
        expect(storeError.driverCode).toBe('22P02');
        expect(storeError.message).not.toContain(hash);
        expect(JSON.stringify(storeError)).not.toContain(hash);
        expect(storeError.cause).toBeUndefined();
      } finally {
        await client.query(`DROP TABLE ${store.table}`);
      }
    });
  });
}

/** Atomicity beyond the contract: concurrent rotations, the expired-holder release, and rollback of a failed rotation. */
export function describeAtomicity(name: string, target: ScenarioTarget): void {
  describe(`transactions: ${name}`, () => {
    const store = () => new PostgresKeyStore({ client: target.client(), ...target.tableOptions() });
    const at = (ms: number) => new Date(Date.UTC(2030, 0, 1) + ms);

    it('lets exactly one of 10 concurrent rotations of one key succeed; the others see not_active', async () => {
      const s = store();
      const ownerId = owner();
      const old = createTestRecord({ ownerId, nickname: 'ci' });
      expect(await s.insert(old)).toEqual({ ok: true });
      const nexts = Array.from({ length: 10 }, () => createTestRecord({ ownerId, nickname: 'ci', createdAt: at(1), updatedAt: at(1) }));
      const results = await Promise.all(nexts.map((next) => s.rotate(old.id, next, at(2))));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual(Array(9).fill({ ok: false, conflict: 'not_active' }));
      const winner = nexts[results.findIndex((r) => r.ok)]!;
      expect((await s.getById(old.id))?.replacedById).toBe(winner.id);
      expect((await s.listByOwner(ownerId, { now: at(1), limit: 100 })).records).toHaveLength(2);
    }, 20_000);

    it('lets exactly one of 10 concurrent inserts take over the nickname of an expired key', async () => {
      const s = store();
      const ownerId = owner();
      await s.insert(createTestRecord({ ownerId, nickname: 'ci', createdAt: at(0), updatedAt: at(0), expiresAt: at(10) }));
      const records = Array.from({ length: 10 }, () => createTestRecord({ ownerId, nickname: 'ci', createdAt: at(20), updatedAt: at(20) }));
      const results = await Promise.all(records.map((record) => s.insert(record)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual(Array(9).fill({ ok: false, conflict: 'nickname' }));
    }, 20_000);

    it('rolls a failed rotation back: the old key stays active and unchanged', async () => {
      const s = store();
      const ownerId = owner();
      const old = createTestRecord({ ownerId, nickname: 'ci' });
      const other = createTestRecord({ ownerId, nickname: 'other' });
      expect(await s.insert(old)).toEqual({ ok: true });
      expect(await s.insert(other)).toEqual({ ok: true });
      const clash = createTestRecord({ ownerId, nickname: 'ci', hash: other.hash, createdAt: at(1), updatedAt: at(1) });
      expect(await s.rotate(old.id, clash, at(2))).toEqual({ ok: false, conflict: 'hash' });
      expect(await s.getById(old.id)).toEqual(old);
      expect(await s.getById(clash.id)).toBeNull();
    });
  });
}
