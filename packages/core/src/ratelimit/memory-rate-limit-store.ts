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

  // The arithmetic of `decide` (gcra.ts), written out without its intermediate objects: this is
  // the hot path of a single-instance server.
  consume(request: RateLimitRequest): RateLimitDecision {
    const { now, cost, buckets, quotas } = request;
    if (++this.#decisions % this.#sweepEvery === 0) this.#sweep(now);
    let allowed = true;
    const tats: number[] = new Array<number>(buckets.length);
    for (let i = 0; i < buckets.length; i++) {
      const b = buckets[i]!;
      const stored = this.#tats.get(b.key);
      const tat = stored === undefined || stored < now ? now : stored;
      tats[i] = tat;
      if (tat + cost * b.intervalMs - b.burst * b.intervalMs > now) allowed = false;
    }
    const remaining: number[] = new Array<number>(quotas.length);
    for (let i = 0; i < quotas.length; i++) {
      const q = quotas[i]!;
      const state = this.#quotas.get(q.key);
      const left = state !== undefined && state.periodStart === q.periodStart ? state.remaining : q.amount;
      remaining[i] = left;
      if (left < cost) allowed = false;
    }
    if (!allowed) return { allowed, tats, remaining };
    for (let i = 0; i < buckets.length; i++) {
      const b = buckets[i]!;
      const next = tats[i]! + cost * b.intervalMs;
      tats[i] = next;
      this.#tats.set(b.key, next);
    }
    for (let i = 0; i < quotas.length; i++) {
      const q = quotas[i]!;
      const left = remaining[i]! - cost;
      remaining[i] = left;
      this.#quotas.set(q.key, { periodStart: q.periodStart, periodEnd: q.periodEnd, remaining: left });
    }
    return { allowed, tats, remaining };
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
