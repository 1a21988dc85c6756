import type { Principal } from '../verify/principal.js';
import type { KeyRateLimit, LimitSubject, QuotaRule, RateLimitRule } from './limits.js';

/** One bucket of a principal's plan, with the rule it enforces. */
export interface PlannedBucket {
  readonly key: string;
  readonly intervalMs: number;
  readonly burst: number;
  readonly rule: RateLimitRule;
}

/** One quota of a principal's plan. */
export interface PlannedQuota {
  readonly key: string;
  readonly rule: QuotaRule;
}

/** The counters one principal's requests go to, and the static part of `RateLimit-Policy`. */
export interface Plan {
  readonly buckets: readonly PlannedBucket[];
  readonly quotas: readonly PlannedQuota[];
  /** `"name";q=..;w=..` of the buckets, joined (quotas are added per request: a month's length varies). */
  readonly bucketPolicies: string;
}

/** The id a subject is counted under, or `null` when the principal has none (no organization). */
function subjectId(principal: Principal, per: LimitSubject): string | null {
  if (per === 'org') return principal.orgId;
  if (per === 'owner') return principal.ownerId;
  return principal.keyId ?? `jwt:${principal.ownerId}`;
}

/**
 * The rules stored on an API key (`metadata.keyward.rateLimit`, written by `keys.create`), or
 * `undefined`. JWT principals carry claims in `metadata`, never stored rules: they are ignored.
 */
export function keyOverrides(principal: Principal): KeyRateLimit | undefined {
  if (principal.type !== 'api_key') return undefined;
  const reserved = principal.metadata.keyward as { rateLimit?: KeyRateLimit } | undefined;
  return typeof reserved === 'object' && reserved !== null ? reserved.rateLimit : undefined;
}

/** `base` with each rule of `overrides` replacing the one of the same name, or appended. */
function merge<R extends { readonly name: string }>(base: readonly R[], overrides: readonly R[] | undefined): readonly R[] {
  if (overrides === undefined || overrides.length === 0) return base;
  const merged = base.filter((r) => !overrides.some((o) => o.name === r.name));
  return [...merged, ...overrides];
}

/** Build the plan of `principal` from its resolved rules and its key's stored ones. */
export function buildPlan(principal: Principal, limits: readonly RateLimitRule[], quotas: readonly QuotaRule[]): Plan {
  const overrides = keyOverrides(principal);
  const buckets: PlannedBucket[] = [];
  for (const rule of merge(limits, overrides?.limits)) {
    const per = rule.per ?? 'key';
    const id = subjectId(principal, per);
    if (id === null) continue;
    buckets.push({ key: `rl:${rule.name}:${per}:${id}`, intervalMs: (rule.windowSeconds * 1000) / rule.limit, burst: rule.burst ?? rule.limit, rule });
  }
  const planned: PlannedQuota[] = [];
  for (const rule of merge(quotas, overrides?.quotas)) {
    const per = rule.per ?? 'key';
    const id = subjectId(principal, per);
    if (id !== null) planned.push({ key: `q:${rule.name}:${per}:${id}`, rule });
  }
  return { buckets, quotas: planned, bucketPolicies: buckets.map((b) => `"${b.rule.name}";q=${b.rule.limit};w=${b.rule.windowSeconds}`).join(', ') };
}
