import { describe, expect, it } from 'vitest';
import { setup } from '../../test/helpers.js';
import { KeyManagerError } from '../errors.js';
import { StoreTimeoutError, boundedStore, withStoreTimeout } from './store-timeout.js';
import { MemoryKeyStore } from './memory-store.js';
import type { KeyStore } from './key-store.js';

describe('store calls are bounded on every path', () => {
  it('key-manager calls on a store that never answers fail with store_unavailable after storeTimeoutMs', async () => {
    const { keyward, store } = setup({ storeTimeoutMs: 50 });
    const { record } = await keyward.keys.create({ ownerId: 'u1', orgId: 'acme', nickname: 'ci' });
    store.fail('hang');
    const calls = [
      () => keyward.keys.create({ ownerId: 'u1', orgId: 'acme', nickname: 'other' }),
      () => keyward.keys.list('u1'),
      () => keyward.keys.get(record.id),
      () => keyward.keys.revoke(record.id),
      () => keyward.keys.rotate(record.id),
    ];
    for (const call of calls) {
      const error = await call().then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(KeyManagerError);
      expect((error as KeyManagerError).code).toBe('store_unavailable');
      expect((error as Error).cause).toBeInstanceOf(StoreTimeoutError);
    }
    store.fail(null);
    await keyward.close();
  });

  it('passes results and subscribe/close through, and leaves a store alone with no limit', async () => {
    const memory = new MemoryKeyStore();
    expect(boundedStore(memory, 0)).toBe(memory);
    const bounded = boundedStore(memory, 1_000);
    expect(await bounded.getById('key_none')).toBeNull();
    const heard: string[] = [];
    const stop = await bounded.subscribe!((event) => void heard.push(event.type));
    await bounded.publish!({ type: 'revoked', keyId: 'k' });
    await Promise.resolve();
    expect(heard).toEqual(['revoked']);
    await stop();
    await bounded.close!();
    await expect(withStoreTimeout(new Promise(() => undefined), 10)).rejects.toThrow('key store did not answer within 10 ms');
  });

  it('bounds appendAudit and listAudit when the store has them, and adds neither when it has not', async () => {
    const memory = new MemoryKeyStore();
    const bounded = boundedStore(memory, 1_000);
    const event = { id: 'evt_1', type: 'authn_token_revoked', at: new Date(0), orgId: null, keyId: 'key_1', actor: 'system', requestId: null, data: {} };
    await bounded.appendAudit!(event);
    expect((await bounded.listAudit!(null, { limit: 5 })).records).toEqual([event]);
    const silent = boundedStore({ ...bareStore(memory), appendAudit: () => new Promise<void>(() => undefined) }, 20);
    await expect(silent.appendAudit!(event)).rejects.toBeInstanceOf(StoreTimeoutError);
    const bare = boundedStore(bareStore(memory), 1_000);
    expect([bare.appendAudit, bare.listAudit]).toEqual([undefined, undefined]);
  });
});

/** The required data methods of `inner`, nothing optional. */
function bareStore(inner: MemoryKeyStore): KeyStore {
  return {
    findByHash: (h) => inner.findByHash(h), getById: (id) => inner.getById(id), insert: (r, o) => inner.insert(r, o),
    listByOwner: (o, q) => inner.listByOwner(o, q), listByOrg: (o, q) => inner.listByOrg(o, q), revoke: (id, at) => inner.revoke(id, at),
    rotate: (id, n, e) => inner.rotate(id, n, e), update: (id, p, at) => inner.update(id, p, at), touchLastUsed: (e) => inner.touchLastUsed(e),
  };
}
