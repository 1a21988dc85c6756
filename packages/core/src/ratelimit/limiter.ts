import type { AuthFailure } from '../errors.js';
import { StoreTimeoutError, withStoreTimeout } from '../store/store-timeout.js';
import { KeywardConfigError } from '../errors.js';
import type { Principal } from '../verify/principal.js';
import type { QuotaRule, RateLimitRule } from './limits.js';
import { periodOf, rulesProblem } from './limits.js';
import type { Plan } from './plan.js';
import { buildPlan } from './plan.js';
import type { QuotaBucket, RateLimitDecision, RateLimitStore } from './rate-limit-store.js';
import { BlockedCache } from './blocked-cache.js';

/**
 * Options of `createKeyward({ rateLimit })`.
 *
 * @example
 * ```ts
 * rateLimit: {
 *   store: new MemoryRateLimitStore(),
 *   limits: (p) => p.metadata.plan === 'pro' ? [{ name: 'per-minute', limit: 600, windowSeconds: 60 }] : [{ name: 'per-minute', limit: 60, windowSeconds: 60 }],
 *   quotas: [{ name: 'monthly', amount: 100_000, period: 'month', per: 'org' }],
 * }
 * ```
 */
export interface RateLimitOptions {
  /** Where counters live: `MemoryRateLimitStore`, `RedisRateLimitStore`, `PostgresRateLimitStore`. */
  readonly store: RateLimitStore;
  /** Rate limits of every authenticated request, or a function choosing them per principal (its plan, its org). */
  readonly limits?: readonly RateLimitRule[] | ((principal: Principal) => readonly RateLimitRule[]);
  /** Usage quotas, likewise. */
  readonly quotas?: readonly QuotaRule[] | ((principal: Principal) => readonly QuotaRule[]);
  /**
   * When the limiter's store fails or times out: `'allow'` (default) lets the request through
   * (authentication still fails closed on its own store), `'deny'` answers 503 `auth_unavailable`.
   * Either way the outage is logged once, not per request.
   */
  readonly onStoreError?: 'allow' | 'deny';
  /**
   * Headers on successful responses: `'ietf'` (default) `RateLimit` and `RateLimit-Policy`
   * (draft-ietf-httpapi-ratelimit-headers-11), `'legacy'` adds `X-RateLimit-Limit/-Remaining/-Reset`,
   * `false` none. A 429 always carries the IETF pair and `Retry-After`.
   */
  readonly headers?: 'ietf' | 'legacy' | false;
  /** A store decision slower than this (ms) is a store failure. Default: keyward's `storeTimeoutMs`. */
  readonly timeoutMs?: number;
  /** Buckets remembered as exhausted ("blocked until T", no store round trip until T). Default 10 000. */
  readonly blockedCacheSize?: number;
}

/** The outcome of `keyward.limit`: headers to add on success, or the failure to answer with. `cost` is what this request has been charged so far. */
export type RateLimitResult =
  | { readonly ok: true; readonly headers: Readonly<Record<string, string>>; readonly cost: number }
  | { readonly ok: false; readonly failure: AuthFailure; readonly cost: number };

interface LimiterContext {
  readonly now: () => number;
  readonly timeoutMs: number;
  readonly retryAfterSeconds: number;
  readonly warn: (message: string) => void;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const NO_RULES: readonly never[] = Object.freeze([]);
const FREE: RateLimitResult = Object.freeze({ ok: true, headers: NO_HEADERS, cost: 0 });
const secondsUntil = (ms: number) => Math.max(0, Math.ceil(ms / 1000));
type Binding = { readonly rule: { readonly name: string }; readonly quota: number; readonly window: number; readonly retryMs: number; readonly code: 'rate_limited' | 'quota_exceeded' };

/** Check a route cost: a whole number from 0 to 1 000 000. */
export function checkCost(where: string, cost: unknown): void {
  if (cost !== undefined && (typeof cost !== 'number' || !Number.isInteger(cost) || cost < 0 || cost > 1_000_000)) {
    throw new KeywardConfigError(`${where}: "cost" must be a whole number from 0 to 1000000, got ${JSON.stringify(cost)}`);
  }
}

/** Makes the one limit decision of a request. Built by `createKeyward` when `rateLimit` is set. */
export class Limiter {
  readonly #o: RateLimitOptions;
  readonly #c: LimiterContext;
  readonly #blocked: BlockedCache;
  readonly #plans = new WeakMap<Principal, { limits: unknown; quotas: unknown; plan: Plan }>();
  readonly #checked = new WeakSet<object>();
  #outage = false;

  constructor(options: RateLimitOptions, context: LimiterContext) {
    this.#o = options;
    this.#c = context;
    this.#blocked = new BlockedCache(options.blockedCacheSize ?? 10_000);
  }

  limit(principal: Principal | null, cost: number, previous: RateLimitResult | undefined): RateLimitResult | Promise<RateLimitResult> {
    if (principal === null) return FREE;
    if (previous !== undefined && previous.cost >= cost) return previous;
    const charge = cost - (previous?.cost ?? 0);
    const plan = this.#planOf(principal);
    if (plan.buckets.length === 0 && plan.quotas.length === 0) return FREE;
    const now = this.#c.now();
    const quotas: readonly QuotaBucket[] = plan.quotas.length === 0 ? NO_RULES : plan.quotas.map((q) => {
      const { start, end } = periodOf(q.rule.period, now);
      return { key: q.key, amount: q.rule.amount, periodStart: start, periodEnd: end };
    });
    if (charge > 0) {
      const local = this.#locallyBlocked(plan, quotas, now);
      if (local !== null) return this.#refuse(plan, quotas, now, local, null, cost);
    }
    let answer: RateLimitDecision | Promise<RateLimitDecision>;
    try {
      answer = this.#o.store.consume({ now, cost: charge, buckets: plan.buckets, quotas });
    } catch (error) {
      return this.#storeFailed(error, cost);
    }
    if (typeof (answer as RateLimitDecision).allowed === 'boolean') return this.#decided(plan, quotas, now, answer as RateLimitDecision, charge, cost);
    return withStoreTimeout(Promise.resolve(answer), this.#c.timeoutMs).then(
      (decision) => this.#decided(plan, quotas, now, decision, charge, cost),
      (error: unknown) => this.#storeFailed(error, cost),
    );
  }

  #planOf(principal: Principal): Plan {
    const limits = typeof this.#o.limits === 'function' ? this.#o.limits(principal) : (this.#o.limits ?? NO_RULES);
    const quotas = typeof this.#o.quotas === 'function' ? this.#o.quotas(principal) : (this.#o.quotas ?? NO_RULES);
    const memo = this.#plans.get(principal);
    if (memo !== undefined && memo.limits === limits && memo.quotas === quotas) return memo.plan;
    if (!this.#checked.has(limits) || !this.#checked.has(quotas)) {
      const problem = rulesProblem(limits, quotas);
      if (problem !== null) throw new KeywardConfigError(`rateLimit: the rules chosen for a request are invalid: ${problem}`);
      this.#checked.add(limits);
      this.#checked.add(quotas);
    }
    const plan = buildPlan(principal, limits, quotas);
    this.#plans.set(principal, { limits, quotas, plan });
    return plan;
  }

  #locallyBlocked(plan: Plan, quotas: readonly QuotaBucket[], now: number): Binding | null {
    for (const b of plan.buckets) {
      const until = this.#blocked.until(b.key, now);
      if (until !== undefined) return { rule: b.rule, quota: b.rule.limit, window: b.rule.windowSeconds, retryMs: until - now, code: 'rate_limited' };
    }
    for (const [i, q] of plan.quotas.entries()) {
      const until = this.#blocked.until(q.key, now);
      if (until !== undefined) return { rule: q.rule, quota: q.rule.amount, window: (quotas[i]!.periodEnd - quotas[i]!.periodStart) / 1000, retryMs: until - now, code: 'quota_exceeded' };
    }
    return null;
  }

  #decided(plan: Plan, quotas: readonly QuotaBucket[], now: number, decision: RateLimitDecision, charge: number, cost: number): RateLimitResult {
    if (this.#outage) {
      this.#outage = false;
      this.#c.warn('keyward: the rate-limit store answers again');
    }
    // Remember every counter that would refuse even a cost of 1 from now on: no round trip until then.
    for (let i = 0; i < plan.buckets.length; i++) {
      const b = plan.buckets[i]!;
      const nextUnit = decision.tats[i]! - (b.burst - 1) * b.intervalMs;
      if (nextUnit > now) this.#blocked.block(b.key, nextUnit, now);
    }
    for (let i = 0; i < quotas.length; i++) if (decision.remaining[i]! < 1) this.#blocked.block(quotas[i]!.key, quotas[i]!.periodEnd, now);
    if (decision.allowed) {
      const headers = this.#o.headers === false ? NO_HEADERS : this.#headers(plan, quotas, now, decision, this.#o.headers === 'legacy');
      return { ok: true, headers, cost };
    }
    // The binding counter: the one that keeps the request out longest.
    let binding: Binding | null = null;
    for (const [i, b] of plan.buckets.entries()) {
      const tat = decision.tats[i]!;
      const retryMs = charge > b.burst ? b.rule.windowSeconds * 1000 : tat + (charge - b.burst) * b.intervalMs - now;
      if (retryMs > 0 && (binding === null || retryMs > binding.retryMs)) binding = { rule: b.rule, quota: b.rule.limit, window: b.rule.windowSeconds, retryMs, code: 'rate_limited' };
    }
    for (const [i, q] of quotas.entries()) {
      const remaining = decision.remaining[i]!;
      if (remaining >= charge) continue;
      const rule = plan.quotas[i]!.rule;
      binding = { rule, quota: rule.amount, window: (q.periodEnd - q.periodStart) / 1000, retryMs: q.periodEnd - now, code: 'quota_exceeded' };
    }
    return this.#refuse(plan, quotas, now, binding ?? { rule: plan.buckets[0]?.rule ?? plan.quotas[0]!.rule, quota: 0, window: 0, retryMs: 1000, code: 'rate_limited' }, decision, cost);
  }

  #refuse(plan: Plan, quotas: readonly QuotaBucket[], now: number, binding: Binding, decision: RateLimitDecision | null, cost: number): RateLimitResult {
    const retryAfterSeconds = Math.max(1, secondsUntil(binding.retryMs));
    const headers: Record<string, string> = decision === null
      ? { 'ratelimit-policy': policies(plan, quotas), ratelimit: `"${binding.rule.name}";r=0;t=${retryAfterSeconds}` }
      : this.#headers(plan, quotas, now, decision, this.#o.headers === 'legacy');
    const failure: AuthFailure = { code: binding.code, retryAfterSeconds, policy: { name: binding.rule.name, quota: binding.quota, windowSeconds: binding.window }, headers };
    return { ok: false, failure, cost };
  }

  #headers(plan: Plan, quotas: readonly QuotaBucket[], now: number, decision: RateLimitDecision, legacy: boolean): Record<string, string> {
    const items: string[] = [];
    let tightest: { q: number; r: number; resetMs: number } | null = null;
    for (let i = 0; i < plan.buckets.length; i++) {
      const b = plan.buckets[i]!;
      const tat = decision.tats[i]!;
      const r = Math.min(b.burst, Math.max(0, Math.floor((now - (tat - b.burst * b.intervalMs)) / b.intervalMs)));
      const resetMs = r > 0 ? tat - now : tat - (b.burst - 1) * b.intervalMs - now;
      items.push(`"${b.rule.name}";r=${r};t=${secondsUntil(resetMs)}`);
      if (legacy && (tightest === null || r < tightest.r)) tightest = { q: b.rule.limit, r, resetMs };
    }
    for (const [i, q] of quotas.entries()) {
      const r = Math.max(0, decision.remaining[i]!);
      const resetMs = q.periodEnd - now;
      items.push(`"${plan.quotas[i]!.rule.name}";r=${r};t=${secondsUntil(resetMs)}`);
      if (legacy && (tightest === null || r < tightest.r)) tightest = { q: q.amount, r, resetMs };
    }
    const headers: Record<string, string> = { 'ratelimit-policy': policies(plan, quotas), ratelimit: items.length === 1 ? items[0]! : items.join(', ') };
    if (legacy && tightest !== null) {
      headers['x-ratelimit-limit'] = String(tightest.q);
      headers['x-ratelimit-remaining'] = String(tightest.r);
      headers['x-ratelimit-reset'] = String(Math.ceil((now + Math.max(0, tightest.resetMs)) / 1000));
    }
    return headers;
  }

  #storeFailed(error: unknown, cost: number): RateLimitResult {
    if (!this.#outage) {
      this.#outage = true;
      const what = error instanceof StoreTimeoutError ? 'timed out' : 'failed';
      this.#c.warn(`keyward: the rate-limit store ${what}; ${this.#o.onStoreError === 'deny' ? 'refusing requests (503)' : 'letting requests through unlimited'} until it answers again`);
    }
    if (this.#o.onStoreError === 'deny') {
      return { ok: false, failure: { code: 'auth_unavailable', retryAfterSeconds: this.#c.retryAfterSeconds, reason: 'limiter_unavailable' }, cost };
    }
    return { ok: true, headers: NO_HEADERS, cost };
  }
}

function policies(plan: Plan, quotas: readonly QuotaBucket[]): string {
  if (quotas.length === 0) return plan.bucketPolicies;
  const quotaItems = quotas.map((q, i) => `"${plan.quotas[i]!.rule.name}";q=${q.amount};w=${(q.periodEnd - q.periodStart) / 1000}`);
  return plan.bucketPolicies === '' ? quotaItems.join(', ') : `${plan.bucketPolicies}, ${quotaItems.join(', ')}`;
}
