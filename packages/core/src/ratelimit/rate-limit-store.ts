/**
 * The storage contract of keyward's rate limiter. One file, every member documented.
 *
 * A `RateLimitStore` keeps counters, never key records: it is separate from `KeyStore` (a limiter
 * may live in Redis while keys live in PostgreSQL). It makes one decision per call, atomically,
 * with the arithmetic below; the core chooses the buckets, their parameters and the clock, and
 * turns the answer into headers and 429s. Stores take the user's client and never open
 * connections of their own.
 *
 * Every store runs the shared contract suite from `@keyward/core/testing` with one call:
 *
 * @example
 * ```ts
 * import { runRateLimitStoreContract } from '@keyward/core/testing';
 * runRateLimitStoreContract('MyLimiterStore', async () => ({ store: new MyLimiterStore(client), cleanup: () => wipe() }));
 * ```
 *
 * @module
 */

/**
 * One GCRA bucket (generic cell rate algorithm: one number per bucket, its theoretical arrival
 * time `tat`, in ms since the epoch). A request of `cost` units is admitted when
 * `max(tat, now) + cost × intervalMs − burst × intervalMs ≤ now`; admitting moves `tat` to
 * `max(tat, now) + cost × intervalMs`. A missing bucket counts as `tat = now` (full).
 */
export interface RateLimitBucket {
  /** Name of the counter, unique per limit and subject (e.g. `rl:per-minute:key:key_abc`). Any characters. */
  readonly key: string;
  /** Milliseconds one unit takes to come back: the window divided by the limit. May be fractional. */
  readonly intervalMs: number;
  /** Units that may be spent at once from a full bucket (a whole number ≥ 1). */
  readonly burst: number;
}

/**
 * One usage quota: an allowance of `amount` units per period (hour, day, month), spent by cost.
 * The stored state is the period it belongs to and what remains of it; a stored period other than
 * `periodStart` (or none) counts as a full `amount`. A request is admitted when what remains is at
 * least `cost`; admitting subtracts `cost`.
 */
export interface QuotaBucket {
  /** Name of the counter (e.g. `q:monthly:org:acme`). Any characters. */
  readonly key: string;
  /** Units per period. */
  readonly amount: number;
  /** Start of the current period, ms since the epoch: identifies the period. */
  readonly periodStart: number;
  /** End of the current period (ms): the state may be forgotten after it. */
  readonly periodEnd: number;
}

/** One decision to make, atomically: every bucket and quota admits the cost, or nothing is spent. */
export interface RateLimitRequest {
  /** The time of the decision, ms since the epoch, from keyward's clock (never the store's). */
  readonly now: number;
  /** Units this request spends in every bucket and quota (a whole number ≥ 0). */
  readonly cost: number;
  /** The GCRA buckets (may be empty). */
  readonly buckets: readonly RateLimitBucket[];
  /** The quotas (may be empty). */
  readonly quotas: readonly QuotaBucket[];
}

/** The outcome of one {@link RateLimitRequest}. */
export interface RateLimitDecision {
  /** True when every bucket and every quota admitted the cost (and all were charged). */
  readonly allowed: boolean;
  /**
   * Per bucket, in request order: its `tat` after the decision: the new one when allowed, else
   * `max(stored tat, now)` (a refused decision changes nothing).
   */
  readonly tats: readonly number[];
  /** Per quota, in request order: what remains after the decision (unchanged when refused). */
  readonly remaining: readonly number[];
}

/**
 * A rate-limit store. `consume` rejects (throws) only for infrastructure failures; the core then
 * applies its `onStoreError` policy. It never waits on anything but its own round trip.
 *
 * Concurrency: `consume` is called concurrently from many requests and many instances; each call
 * must be atomic (all buckets and quotas of one call read and written as one step), so that N
 * concurrent calls against a bucket with room for k admit exactly k.
 */
export interface RateLimitStore {
  /**
   * Decide `request` (see {@link RateLimitBucket} and {@link QuotaBucket} for the arithmetic) in
   * one atomic step: one Lua call, one SQL statement. A store in memory may answer synchronously.
   * State past its use (a bucket whose `tat` ≤ now, a quota past `periodEnd`) may be dropped at
   * any time, since it equals a missing one.
   */
  consume(request: RateLimitRequest): Promise<RateLimitDecision> | RateLimitDecision;

  /** Optional: release what the store itself created (timers). Never closes the user's client. */
  close?(): Promise<void>;
}
