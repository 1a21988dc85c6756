import { describe, expect, it } from 'vitest';
import { PEPPER, apiKey } from '../../test/helpers.js';
import { createKeyward } from '../keyward.js';
import type { InvalidationEvent, InvalidationReset, KeyStore } from '../store/key-store.js';
import { MemoryKeyStore } from '../store/memory-store.js';
import { createFaultyStore } from '../testing/fault-store.js';

/**
 * A memory store whose `findByHash` reads the record at once and answers only when the test opens
 * the gate: a lookup that started before a revocation, still carrying the record as it was then.
 */
function gatedStore() {
  const memory = new MemoryKeyStore();
  const store = createFaultyStore(memory);
  let deliver: ((event: InvalidationEvent | InvalidationReset) => void) | undefined;
  let gate: Promise<void> | null = null;
  let open = () => undefined as void;
  let started = () => undefined as void;
  store.findByHash = async (hash) => {
    const record = await memory.findByHash(hash);
    if (gate !== null) {
      started();
      await gate;
    }
    return record;
  };
  store.subscribe = (onEvent) => {
    deliver = onEvent;
    return memory.subscribe(onEvent);
  };
  return {
    store: store as KeyStore,
    memory,
    /** Holds the next lookups; resolves `held` once one of them has read the store. */
    hold() {
      gate = new Promise<void>((resolve) => (open = resolve));
      return new Promise<void>((resolve) => (started = resolve));
    },
    release() {
      gate = null;
      open();
    },
    reset: () => deliver!({ type: 'reset' }),
  };
}

const options = { prefixes: ['eck_test_'], pepper: PEPPER, logger: false, usage: false } as const;

describe('no request is answered from a lookup that started before an invalidation or a reset', () => {
  it('a request after a revoke starts its own lookup, and the old lookup does not refill the cache', async () => {
    const gated = gatedStore();
    const keyward = createKeyward({ store: gated.store, ...options });
    await keyward.ready;
    const { key, record } = await keyward.keys.create({ ownerId: 'u1', orgId: 'acme', nickname: 'ci' });
    const read = gated.hold();
    const before = keyward.authenticate(apiKey(key)); // reads the active record, then waits
    await read;
    await keyward.keys.revoke(record.id); // invalidates this instance before it returns
    gated.release();
    const after = await keyward.authenticate(apiKey(key));
    expect(after.ok ? 'ok' : after.failure.code).toBe('revoked_api_key');
    expect((await before).ok).toBe(true); // it started before the revoke: the old answer is allowed there
    const later = await keyward.authenticate(apiKey(key));
    expect(later.ok ? 'ok' : later.failure.code).toBe('revoked_api_key');
    await keyward.close();
  });

  it('same for an invalidation event from another instance, while the old lookup is still held', async () => {
    const gated = gatedStore();
    const keyward = createKeyward({ store: gated.store, ...options });
    await keyward.ready;
    const { key, record } = await keyward.keys.create({ ownerId: 'u1', orgId: 'acme', nickname: 'ci' });
    const read = gated.hold();
    const before = keyward.authenticate(apiKey(key));
    await read;
    // Another instance revokes and publishes; the event reaches this one while its lookup is held.
    await gated.memory.revoke(record.id, new Date());
    const heard = new Promise<void>((resolve) => void gated.memory.subscribe(() => resolve()));
    await gated.memory.publish({ type: 'revoked', keyId: record.id });
    await heard;
    gated.release();
    const after = await keyward.authenticate(apiKey(key)); // must not join the held lookup
    expect(after.ok ? 'ok' : after.failure.code).toBe('revoked_api_key');
    await before;
    const later = await keyward.authenticate(apiKey(key));
    expect(later.ok ? 'ok' : later.failure.code).toBe('revoked_api_key');
    await keyward.close();
  });

  it('after a reset, a lookup in flight neither serves new requests nor refills the cache', async () => {
    const gated = gatedStore();
    const keyward = createKeyward({ store: gated.store, ...options });
    await keyward.ready;
    const { key, record } = await keyward.keys.create({ ownerId: 'u1', orgId: 'acme', nickname: 'ci' });
    const read = gated.hold();
    const before = keyward.authenticate(apiKey(key));
    await read;
    // Revoked elsewhere while the channel was down: no event, only the reset once it is back.
    await gated.memory.revoke(record.id, new Date());
    gated.reset();
    const after = keyward.authenticate(apiKey(key)); // started after the reset: a lookup of its own
    gated.release();
    expect(await after).toMatchObject({ ok: false, failure: { code: 'revoked_api_key' } });
    expect((await before).ok).toBe(true);
    const later = await keyward.authenticate(apiKey(key));
    expect(later.ok ? 'ok' : later.failure.code).toBe('revoked_api_key');
    await keyward.close();
  });

  it('concurrent misses within one epoch still share one lookup', async () => {
    const memory = new MemoryKeyStore();
    const store = createFaultyStore(memory);
    const keyward = createKeyward({ store, ...options });
    const { key } = await keyward.keys.create({ ownerId: 'u1', orgId: 'acme', nickname: 'ci' });
    store.resetCalls();
    const results = await Promise.all([1, 2, 3].map(() => keyward.authenticate(apiKey(key))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(store.calls.findByHash).toBe(1);
    await keyward.close();
  });
});
