import { KeywardConfigError } from '../errors.js';
import type { OptionNames } from '../options.js';
import { checkOptions, checkRange } from '../options.js';
import { rulesProblem } from './limits.js';
import type { RateLimitOptions } from './limiter.js';

const NAMES: OptionNames<RateLimitOptions> = { store: true, limits: true, quotas: true, onStoreError: true, headers: true, timeoutMs: true, blockedCacheSize: true };

/** Check `createKeyward({ rateLimit })` once: names, the store, the rules (when fixed lists), the policies. */
export function checkRateLimitOptions(where: string, options: RateLimitOptions | undefined): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new KeywardConfigError(`${where}: "rateLimit" must be an object`);
  const o = checkOptions(where, options, NAMES, 'rateLimit.');
  if (typeof (o.store as { consume?: unknown } | undefined)?.consume !== 'function') {
    throw new KeywardConfigError(`${where}: "rateLimit.store" is required (a RateLimitStore such as new MemoryRateLimitStore())`);
  }
  for (const name of ['limits', 'quotas'] as const) {
    const v = o[name];
    if (v !== undefined && typeof v !== 'function' && !Array.isArray(v)) throw new KeywardConfigError(`${where}: "rateLimit.${name}" must be an array of rules or a function of the principal`);
  }
  const problem = rulesProblem(typeof o.limits === 'function' ? undefined : o.limits, typeof o.quotas === 'function' ? undefined : o.quotas);
  if (problem !== null) throw new KeywardConfigError(`${where}: "rateLimit": ${problem}`);
  if (o.onStoreError !== undefined && o.onStoreError !== 'allow' && o.onStoreError !== 'deny') {
    throw new KeywardConfigError(`${where}: "rateLimit.onStoreError" must be "allow" or "deny"`);
  }
  if (o.headers !== undefined && o.headers !== 'ietf' && o.headers !== 'legacy' && o.headers !== false) {
    throw new KeywardConfigError(`${where}: "rateLimit.headers" must be "ietf", "legacy" or false`);
  }
  checkRange(where, o.timeoutMs, 'rateLimit.timeoutMs', 1, 60_000);
  checkRange(where, o.blockedCacheSize, 'rateLimit.blockedCacheSize', 0, 10_000_000, true);
}
