import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKeyward } from '../keyward.js';
import { MemoryKeyStore } from './memory-store.js';
import { createFaultyStore } from '../testing/fault-store.js';
import { RESUBSCRIBE_MIN_MS } from './subscription.js';
import { PEPPER, apiKey } from '../../test/helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('store invalidation subscription', () => {
  it('keeps retrying when the store is down at start-up, then applies invalidations again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const memory = new MemoryKeyStore();
    const store = createFaultyStore(memory);
    store.fail('error');
    const warnings: string[] = [];
    const keyward = createKeyward({ store, prefixes: ['eck_test_'], pepper: PEPPER, logger: { warn: (m) => warnings.push(m) }, usage: false });
    await keyward.ready; // settles although the channel is down
    expect(warnings.filter((w) => w.includes('could not subscribe'))).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(RESUBSCRIBE_MIN_MS); // still down: one more failure, no second warning
    expect(warnings.filter((w) => w.includes('could not subscribe'))).toHaveLength(1);

    store.fail(null);
    const { key, record } = await keyward.keys.create({ ownerId: 'u1', orgId: 'acme', nickname: 'ci' });
    expect((await keyward.authenticate(apiKey(key))).ok).toBe(true); // now cached
    await vi.advanceTimersByTimeAsync(RESUBSCRIBE_MIN_MS * 2); // second backoff step: live again
    expect(warnings.some((w) => w.includes('subscribed to store invalidations again'))).toBe(true);

    // Another instance revokes in the store and publishes: this instance drops its cached entry.
    await memory.revoke(record.id, new Date());
    await memory.publish({ type: 'revoked', keyId: record.id });
    const after = await keyward.authenticate(apiKey(key));
    expect(after.ok ? null : after.failure.code).toBe('revoked_api_key');
    await keyward.close();
  });

  it('drops the cache when the subscription becomes live after a gap (events may have been lost)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const memory = new MemoryKeyStore();
    const store = createFaultyStore(memory);
    store.fail('error');
    const keyward = createKeyward({ store, prefixes: ['eck_test_'], pepper: PEPPER, logger: false, usage: false });
    await keyward.ready;
    store.fail(null);
    const { key, record } = await keyward.keys.create({ ownerId: 'u1', orgId: 'acme', nickname: 'ci' });
    expect((await keyward.authenticate(apiKey(key))).ok).toBe(true);
    // Revoked elsewhere while this instance had no channel: no event will ever come for it.
    await memory.revoke(record.id, new Date());
    await vi.advanceTimersByTimeAsync(RESUBSCRIBE_MIN_MS);
    const after = await keyward.authenticate(apiKey(key));
    expect(after.ok ? null : after.failure.code).toBe('revoked_api_key');
    await keyward.close();
  });

  it('close() stops the retries', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const store = createFaultyStore(new MemoryKeyStore());
    store.fail('error');
    const keyward = createKeyward({ store, prefixes: ['eck_test_'], pepper: PEPPER, logger: false, usage: false });
    await keyward.ready;
    await keyward.close();
    store.fail(null);
    await vi.advanceTimersByTimeAsync(RESUBSCRIBE_MIN_MS * 64);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('a gap reported by the store', () => {
  it('drops the cache, so a revocation missed during the gap is seen at the next request', async () => {
    const memory = new MemoryKeyStore();
    let reportGap: (() => void) | undefined;
    const store = createFaultyStore(memory);
    store.subscribe = (listener, onGap) => {
      reportGap = onGap;
      return memory.subscribe(listener);
    };
    const warnings: string[] = [];
    const keyward = createKeyward({ store, prefixes: ['eck_test_'], pepper: PEPPER, logger: { warn: (m) => warnings.push(m) }, usage: false });
    await keyward.ready;
    expect(reportGap).toBeTypeOf('function');
    const { key, record } = await keyward.keys.create({ ownerId: 'u1', orgId: 'acme', nickname: 'ci' });
    expect((await keyward.authenticate(apiKey(key))).ok).toBe(true);
    await memory.revoke(record.id, new Date()); // no event: it was lost
    expect((await keyward.authenticate(apiKey(key))).ok).toBe(true); // still cached, as the gap is not known yet
    reportGap!();
    const after = await keyward.authenticate(apiKey(key));
    expect(after.ok ? null : after.failure.code).toBe('revoked_api_key');
    expect(warnings.some((w) => w.includes('was interrupted'))).toBe(true);
    await keyward.close();
  });
});
