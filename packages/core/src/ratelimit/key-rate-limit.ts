import { KeyManagerError } from '../errors.js';
import type { KeyRateLimit } from './limits.js';
import { rulesProblem } from './limits.js';

/**
 * Validate the `rateLimit` field of a key (`keys.create`, and `keys.update` where it exists):
 * `{ limits?: RateLimitRule[], quotas?: QuotaRule[] }`, or `null`/absent for none. Returns a clean
 * copy to store in `metadata.keyward.rateLimit`, or `null`. Throws {@link KeyManagerError}
 * `invalid_input` naming the field.
 *
 * @example
 * ```ts
 * readKeyRateLimit({ limits: [{ name: 'per-minute', limit: 600, windowSeconds: 60 }] });
 * ```
 */
export function readKeyRateLimit(value: unknown): KeyRateLimit | null {
  if (value === undefined || value === null) return null;
  const fail = (message: string) => new KeyManagerError('invalid_input', `rateLimit ${message}.`, { field: 'rateLimit' });
  if (typeof value !== 'object' || Array.isArray(value)) throw fail('must be an object { limits?, quotas? }');
  const v = value as Record<string, unknown>;
  const extra = Object.keys(v).find((k) => k !== 'limits' && k !== 'quotas');
  if (extra !== undefined) throw fail(`has an unknown field ${JSON.stringify(extra)} (accepted: limits, quotas)`);
  const problem = rulesProblem(v.limits, v.quotas);
  if (problem !== null) throw fail(problem);
  const copy = JSON.parse(JSON.stringify({ limits: v.limits, quotas: v.quotas })) as KeyRateLimit;
  return copy;
}
