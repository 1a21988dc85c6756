import type { RateLimitDecision, RateLimitRequest } from './rate-limit-store.js';

/** What one bucket or quota holds between decisions. */
export interface StoredCounters {
  /** Current `tat` of a bucket, or `undefined` when none is stored. */
  tat(key: string): number | undefined;
  /** Current state of a quota, or `undefined`. */
  quota(key: string): { readonly periodStart: number; readonly remaining: number } | undefined;
}

/** The writes an admitted decision makes. */
export interface CounterWrites {
  readonly tats: ReadonlyArray<{ readonly key: string; readonly tat: number }>;
  readonly quotas: ReadonlyArray<{ readonly key: string; readonly periodStart: number; readonly periodEnd: number; readonly remaining: number }>;
}

/**
 * The decision of the {@link RateLimitStore} contract, computed from what is stored: the reference
 * every store implements (the Lua script and the SQL function repeat these lines). Pure: returns
 * the writes to make when the request is admitted, `null` otherwise.
 *
 * @example
 * ```ts
 * const { decision, writes } = decide(request, { tat: (k) => tats.get(k), quota: (k) => quotas.get(k) });
 * ```
 */
export function decide(request: RateLimitRequest, stored: StoredCounters): { decision: RateLimitDecision; writes: CounterWrites | null } {
  const { now, cost } = request;
  let allowed = true;
  const current: number[] = [];
  const next: number[] = [];
  for (const b of request.buckets) {
    const tat = Math.max(stored.tat(b.key) ?? now, now);
    const after = tat + cost * b.intervalMs;
    if (after - b.burst * b.intervalMs > now) allowed = false;
    current.push(tat);
    next.push(after);
  }
  const left: number[] = [];
  for (const q of request.quotas) {
    const state = stored.quota(q.key);
    const remaining = state !== undefined && state.periodStart === q.periodStart ? state.remaining : q.amount;
    if (remaining < cost) allowed = false;
    left.push(remaining);
  }
  if (!allowed) return { decision: { allowed, tats: current, remaining: left }, writes: null };
  const remaining = left.map((r) => r - cost);
  return {
    decision: { allowed, tats: next, remaining },
    writes: {
      tats: request.buckets.map((b, i) => ({ key: b.key, tat: next[i]! })),
      quotas: request.quotas.map((q, i) => ({ key: q.key, periodStart: q.periodStart, periodEnd: q.periodEnd, remaining: remaining[i]! })),
    },
  };
}
