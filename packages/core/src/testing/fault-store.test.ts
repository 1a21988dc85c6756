import { describe, expect, it } from 'vitest';
import { MemoryKeyStore } from '../store/memory-store.js';
import type { ApiKeyRecord, InvalidationEvent, InvalidationReset, KeyStore } from '../store/key-store.js';
import { createFaultyStore, INJECTED_ERROR_MESSAGE, RELEASED_HANG_MESSAGE } from './fault-store.js';
import { runKeyStoreContract } from './store-contract.js';

runKeyStoreContract('FaultyStore(MemoryKeyStore) with no fault', () => ({ store: createFaultyStore(new MemoryKeyStore()) }));

const record: ApiKeyRecord = {
  id: 'key_1', hash: 'a'.repeat(64), pepperId: 'p1', prefix: 'eck_test_', start: 'eck_test_abcd',
  ownerId: 'owner_1', orgId: null, nickname: 'ci', scopes: [], metadata: {},
  createdAt: new Date(0), updatedAt: new Date(0), expiresAt: null, revokedAt: null, lastUsedAt: null, replacedById: null,
};

describe('createFaultyStore', () => {
  it('forwards calls and counts them per method until resetCalls()', async () => {
    const store = createFaultyStore(new MemoryKeyStore());
    expect(await store.insert(record)).toEqual({ ok: true });
    expect((await store.findByHash(record.hash))?.id).toBe('key_1');
    await store.findByHash('b'.repeat(64));
    await store.touchLastUsed([]);
    expect(store.calls).toEqual({ findByHash: 2, getById: 0, insert: 1, listByOrg: 0, listByOwner: 0, revoke: 0, rotate: 0, update: 0, touchLastUsed: 1 });
    store.resetCalls();
    expect(Object.values(store.calls)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('rejects every call in error mode, still counting, and recovers on fail(null)', async () => {
    const store = createFaultyStore(new MemoryKeyStore());
    await store.insert(record);
    store.fail('error');
    expect(store.mode).toBe('error');
    await expect(store.findByHash(record.hash)).rejects.toThrow(INJECTED_ERROR_MESSAGE);
    await expect(store.getById('key_1')).rejects.toThrow(INJECTED_ERROR_MESSAGE);
    await expect(store.publish?.({ type: 'revoked', keyId: 'key_1' })).rejects.toThrow(INJECTED_ERROR_MESSAGE);
    expect(store.calls.findByHash).toBe(1);
    store.fail(null);
    expect((await store.getById('key_1'))?.id).toBe('key_1');
  });

  it('leaves calls pending in hang mode and rejects them when the hang is switched off', async () => {
    const store = createFaultyStore(new MemoryKeyStore());
    store.fail('hang');
    let settled = false;
    const call = store.findByHash(record.hash).finally(() => {
      settled = true;
    });
    store.getById('key_1'); // never awaited: its release must not be an unhandled rejection
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    expect(store.pending).toBe(2);
    store.fail(null);
    await expect(call).rejects.toThrow(RELEASED_HANG_MESSAGE);
    expect(store.pending).toBe(0);
    expect(await store.findByHash(record.hash)).toBeNull();
  });

  it('passes appendAudit/listAudit through when the inner store has them, obeying the fault', async () => {
    const full = createFaultyStore(new MemoryKeyStore());
    const event = { id: 'evt_1', type: 'authn_token_created', at: new Date(0), orgId: 'org_1', keyId: 'key_1', actor: 'user:owner_1', requestId: null, data: { n: [1] } };
    await full.appendAudit?.(event);
    expect((await full.listAudit?.('org_1', { limit: 10 }))?.records).toEqual([event]);
    full.fail('error');
    await expect(full.appendAudit?.(event)).rejects.toThrow(INJECTED_ERROR_MESSAGE);
    await expect(full.listAudit?.('org_1', { limit: 10 })).rejects.toThrow(INJECTED_ERROR_MESSAGE);
  });

  it('has publish/subscribe/close/appendAudit/listAudit only when the inner store has them', async () => {
    const inner = new MemoryKeyStore();
    const bare = createFaultyStore({
      findByHash: (h) => inner.findByHash(h), getById: (id) => inner.getById(id), insert: (r, o) => inner.insert(r, o),
      listByOwner: (o, q) => inner.listByOwner(o, q), listByOrg: (o, q) => inner.listByOrg(o, q), revoke: (id, at) => inner.revoke(id, at),
      rotate: (id, n, e) => inner.rotate(id, n, e), update: (id, p, at) => inner.update(id, p, at), touchLastUsed: (e) => inner.touchLastUsed(e),
    });
    expect([bare.publish, bare.subscribe, bare.close, bare.appendAudit, bare.listAudit]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    const full = createFaultyStore(inner);
    const received: Array<InvalidationEvent | InvalidationReset> = [];
    await full.subscribe?.((event) => received.push(event));
    await full.publish?.({ type: 'updated', keyId: 'key_1' });
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect(received).toEqual([{ type: 'updated', keyId: 'key_1' }]);
    await full.close?.();
  });
});

/** A real store with its invalidation channel and audit removed: only the data methods of a MemoryKeyStore. */
function withoutChannel(inner: MemoryKeyStore): KeyStore {
  return {
    findByHash: (hash) => inner.findByHash(hash),
    getById: (id) => inner.getById(id),
    insert: (record, options) => inner.insert(record, options),
    listByOwner: (ownerId, query) => inner.listByOwner(ownerId, query),
    listByOrg: (orgId, query) => inner.listByOrg(orgId, query),
    revoke: (id, at) => inner.revoke(id, at),
    rotate: (oldId, next, oldExpiresAt) => inner.rotate(oldId, next, oldExpiresAt),
    update: (id, patch, at) => inner.update(id, patch, at),
    touchLastUsed: (entries) => inner.touchLastUsed(entries),
  };
}

runKeyStoreContract('FaultyStore over a store without a channel nor audit', () => ({ store: createFaultyStore(withoutChannel(new MemoryKeyStore())) }), {
  supportsPubSub: false,
  supportsAudit: false,
});
