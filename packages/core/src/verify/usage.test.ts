import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryKeyStore } from '../store/memory-store.js';
import { UsageRecorder } from './usage.js';

/** A memory store that records every touchLastUsed call (the real store still applies it). */
class CountingStore extends MemoryKeyStore {
  readonly calls: number[] = [];
  failNext = false;
  override async touchLastUsed(entries: ReadonlyArray<{ readonly id: string; readonly lastUsedAt: Date }>): Promise<void> {
    this.calls.push(entries.length);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('store down');
    }
    return super.touchLastUsed(entries);
  }
}

describe('UsageRecorder', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes once per interval however many keys and uses it saw (default maxBatch is a memory bound)', async () => {
    vi.useFakeTimers();
    const store = new CountingStore();
    const usage = new UsageRecorder(store, { flushIntervalMs: 30_000 }, () => undefined);
    for (let use = 0; use < 50_000; use++) usage.record(`key_${use % 20_000}`, use);
    expect(store.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(store.calls).toEqual([20_000]);
    expect(usage.pendingFor('key_1')).toBeUndefined();
    await usage.close();
    expect(store.calls).toEqual([20_000]);
  });

  it('flushes early when maxBatch keys are pending, one write for the batch', async () => {
    const store = new CountingStore();
    const usage = new UsageRecorder(store, { flushIntervalMs: 0, maxBatch: 3 }, () => undefined);
    usage.record('key_a', 1);
    usage.record('key_b', 2);
    usage.record('key_a', 5);
    expect(store.calls).toEqual([]);
    usage.record('key_c', 6);
    await usage.flush();
    expect(store.calls).toEqual([3]);
  });

  it('keeps the entries of a failed write for the next flush, the newest time winning', async () => {
    const store = new CountingStore();
    const errors: unknown[] = [];
    const usage = new UsageRecorder(store, { flushIntervalMs: 0 }, (error) => errors.push(error));
    usage.record('key_a', 10);
    store.failNext = true;
    await usage.flush();
    expect(errors).toHaveLength(1);
    expect(usage.pendingFor('key_a')).toBe(10);
    usage.record('key_a', 20);
    await usage.close();
    expect(store.calls).toEqual([1, 1]);
    expect(usage.pendingFor('key_a')).toBeUndefined();
  });
});
