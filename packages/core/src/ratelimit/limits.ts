import { KeywardConfigError } from '../errors.js';

/** Whose requests one counter counts: the key's, its organization's (all its keys), or its owner's. */
export type LimitSubject = 'key' | 'org' | 'owner';

/**
 * A rate limit: `limit` requests per `windowSeconds`, refilled smoothly (one unit every
 * `windowSeconds / limit`), of which `burst` may be spent at once (default `limit`).
 *
 * @example
 * ```ts
 * const perMinute: RateLimitRule = { name: 'per-minute', limit: 60, windowSeconds: 60 };
 * const perOrg: RateLimitRule = { name: 'org-per-minute', limit: 600, windowSeconds: 60, per: 'org' };
 * ```
 */
export interface RateLimitRule {
  /** Policy name in the headers and the 429 body: letters, digits, `_ - .`, 1-64 characters. */
  readonly name: string;
  /** Requests (cost units) per window: a whole number from 1 to 10^9. */
  readonly limit: number;
  /** The window in seconds: from 1 to 366 days. */
  readonly windowSeconds: number;
  /** Units that may be spent at once; default `limit`. From 1 to 10^9. */
  readonly burst?: number;
  /** Counted per key (default), per organization or per owner. */
  readonly per?: LimitSubject;
}

/** When a quota refills (UTC calendar periods). */
export type QuotaPeriod = 'hour' | 'day' | 'month';

/**
 * A usage quota (credits): `amount` units per calendar period, spent by each request's cost and
 * refilled to `amount` when the period turns. Spent: 429 `quota_exceeded` until then.
 *
 * @example
 * ```ts
 * const monthly: QuotaRule = { name: 'monthly', amount: 10_000, period: 'month', per: 'org' };
 * ```
 */
export interface QuotaRule {
  /** Policy name in the headers and the 429 body (as {@link RateLimitRule.name}). */
  readonly name: string;
  /** Units per period: a whole number from 0 to 10^12. */
  readonly amount: number;
  /** When it refills: the start of each UTC hour, day or month. */
  readonly period: QuotaPeriod;
  /** Counted per key (default), per organization or per owner. */
  readonly per?: LimitSubject;
}

/**
 * Limits stored on one key (`keyward.keys.create({ rateLimit })`): each rule replaces the
 * configured one of the same name, or adds to them.
 */
export interface KeyRateLimit {
  readonly limits?: readonly RateLimitRule[];
  readonly quotas?: readonly QuotaRule[];
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const SUBJECTS: readonly string[] = ['key', 'org', 'owner'];
const PERIODS: readonly string[] = ['hour', 'day', 'month'];
const RULE_FIELDS = new Set(['name', 'limit', 'windowSeconds', 'burst', 'per']);
const QUOTA_FIELDS = new Set(['name', 'amount', 'period', 'per']);

const whole = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** Why `rule` is not a valid {@link RateLimitRule}, or `null`. */
export function rateLimitRuleProblem(rule: unknown): string | null {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) return 'must be an object { name, limit, windowSeconds, burst?, per? }';
  const r = rule as Record<string, unknown>;
  const extra = Object.keys(r).find((k) => !RULE_FIELDS.has(k));
  if (extra !== undefined) return `has an unknown field ${JSON.stringify(extra)} (accepted: name, limit, windowSeconds, burst, per)`;
  if (typeof r.name !== 'string' || !NAME.test(r.name)) return '"name" must be 1-64 letters, digits, "_", "-" or "."';
  if (!whole(r.limit, 1, 1e9)) return '"limit" must be a whole number from 1 to 1000000000';
  if (!whole(r.windowSeconds, 1, 366 * 86_400)) return '"windowSeconds" must be a whole number of seconds from 1 to 31622400';
  if (r.burst !== undefined && !whole(r.burst, 1, 1e9)) return '"burst" must be a whole number from 1 to 1000000000';
  if (r.per !== undefined && !SUBJECTS.includes(r.per as string)) return '"per" must be "key", "org" or "owner"';
  return null;
}

/** Why `rule` is not a valid {@link QuotaRule}, or `null`. */
export function quotaRuleProblem(rule: unknown): string | null {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) return 'must be an object { name, amount, period, per? }';
  const r = rule as Record<string, unknown>;
  const extra = Object.keys(r).find((k) => !QUOTA_FIELDS.has(k));
  if (extra !== undefined) return `has an unknown field ${JSON.stringify(extra)} (accepted: name, amount, period, per)`;
  if (typeof r.name !== 'string' || !NAME.test(r.name)) return '"name" must be 1-64 letters, digits, "_", "-" or "."';
  if (!whole(r.amount, 0, 1e12)) return '"amount" must be a whole number from 0 to 1000000000000';
  if (!PERIODS.includes(r.period as string)) return '"period" must be "hour", "day" or "month"';
  if (r.per !== undefined && !SUBJECTS.includes(r.per as string)) return '"per" must be "key", "org" or "owner"';
  return null;
}

/** Why a list of rules is not valid (each rule, then duplicate names), or `null`. */
export function rulesProblem(limits: unknown, quotas: unknown): string | null {
  const names = new Set<string>();
  for (const [field, list, check] of [['limits', limits, rateLimitRuleProblem], ['quotas', quotas, quotaRuleProblem]] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length > 16) return `"${field}" must be an array of at most 16 rules`;
    for (const [i, rule] of (list as unknown[]).entries()) {
      const problem = check(rule);
      if (problem !== null) return `"${field}[${i}]" ${problem}`;
      const name = (rule as { name: string }).name;
      if (names.has(name)) return `"${field}[${i}]": the name ${JSON.stringify(name)} is used twice`;
      names.add(name);
    }
  }
  return null;
}

const UNITS: Record<string, number> = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600, d: 86_400, day: 86_400 };

/**
 * Parse `"<n>/<sec|min|hour|day>"` (e.g. `"100/min"`) into a rule of `n` requests per period, all
 * `n` allowed at once as a burst. Throws {@link KeywardConfigError} naming `source` otherwise.
 *
 * @example
 * ```ts
 * parseRateLimit('100/min');                 // { name: 'per-min', limit: 100, windowSeconds: 60, burst: 100, per: 'key' }
 * parseRateLimit(process.env.KEYWARD_RATE_LIMIT ?? '100/min', { name: 'org', per: 'org', times: 10 });
 * ```
 */
export function parseRateLimit(text: string, options: { readonly name?: string; readonly per?: LimitSubject; readonly times?: number; readonly source?: string } = {}): RateLimitRule {
  const match = typeof text === 'string' ? /^\s*(\d{1,9})\s*\/\s*([a-z]+)\s*$/i.exec(text) : null;
  const seconds = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  const n = match ? Number(match[1]) * (options.times ?? 1) : 0;
  if (!match || seconds === undefined || n < 1 || n > 1e9) {
    throw new KeywardConfigError(`${options.source ?? 'parseRateLimit'}: ${JSON.stringify(text)} is not a rate such as "100/min" (<n>/<sec|min|hour|day>, n ≥ 1)`);
  }
  const unit = match[2]!.toLowerCase();
  const rule: RateLimitRule = { name: options.name ?? `per-${unit}`, limit: n, windowSeconds: seconds, burst: n, per: options.per ?? 'key' };
  const problem = rateLimitRuleProblem(rule);
  if (problem !== null) throw new KeywardConfigError(`${options.source ?? 'parseRateLimit'}: ${problem}`);
  return rule;
}

/** The UTC period containing `now`: `[start, end)` in ms. */
export function periodOf(period: QuotaPeriod, now: number): { start: number; end: number } {
  if (period === 'hour') {
    const start = now - (now % 3_600_000);
    return { start, end: start + 3_600_000 };
  }
  if (period === 'day') {
    const start = now - (now % 86_400_000);
    return { start, end: start + 86_400_000 };
  }
  const d = new Date(now);
  return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}
