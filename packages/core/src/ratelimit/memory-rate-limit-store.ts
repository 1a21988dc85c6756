import { decide } from './gcra.js';
import type { RateLimitDecision, RateLimitRequest, RateLimitStore } from './rate-limit-store.js';

/**
 * Rate-limit counters in this process's memory: for a single instance, tests and development.
 * Decides synchronously. State that no longer matters (a bucket back to full, a quota of a past
 * period) is swept every `sweepEvery` decisions, so memory stays bounded by the active subjects.
 *
 * @example
 * ```ts
 * import { createKeyward, MemoryKeyStore, MemoryRateLimitStore } from '@keyward/core';
 * const keyward = createKeyward({ store: new MemoryKeyStore(), prefixes: ['eck_live_'],
 *   rateLimit: { store: new MemoryRateLimitStore(), limits: [{ name: 'per-minute', limit: 60, windowSeconds: 60 }] } });
 * ```
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #tats = new Map<string, number>();
  readonly #quotas = new Map<string, { periodStart: number; periodEnd: number; remaining: number }>();
  readonly #sweepEvery: number;
  #decisions = 0;

  constructor(options: { readonly sweepEvery?: number } = {}) {
    this.#sweepEvery = options.sweepEvery ?? 10_000;
  }

  consume(request: RateLimitRequest): RateLimitDecision {
    if (++this.#decisions % this.#sweepEvery === 0) this.#sweep(request.now);
    const { decision, writes } = decide(request, { tat: (k) => this.#tats.get(k), quota: (k) => this.#quotas.get(k) });
    if (writes !== null) {
      for (const w of writes.tats) this.#tats.set(w.key, w.tat);
      for (const q of writes.quotas) this.#quotas.set(q.key, { periodStart: q.periodStart, periodEnd: q.periodEnd, remaining: q.remaining });
    }
    return decision;
  }

  /** Number of counters held (tests). */
  get size(): number {
    return this.#tats.size + this.#quotas.size;
  }

  #sweep(now: number): void {
    for (const [key, tat] of this.#tats) if (tat <= now) this.#tats.delete(key);
    for (const [key, q] of this.#quotas) if (q.periodEnd <= now) this.#quotas.delete(key);
  }
}
