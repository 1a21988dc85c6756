import { KeywardConfigError } from './errors.js';
import type { KeywardOptions } from './keyward.js';
import type { KeyManagerOptions } from './keys/key-manager.js';
import type { OptionNames } from './options.js';
import { checkBoolean, checkFunction, checkLogger, checkOptions, checkRange } from './options.js';
import type { ResponseOptions } from './http/responses.js';
import type { CacheOptions } from './verify/cache.js';
import { isValidGrant } from './verify/scopes.js';
import { checkRateLimitOptions } from './ratelimit/rate-limit-options.js';
import type { UsageOptions } from './verify/usage.js';
import type { EventOptions } from './events/types.js';
import { TELEMETRY_MEMBERS } from './telemetry/hooks.js';

const WHERE = 'createKeyward';

const KEYWARD: OptionNames<KeywardOptions> = {
  store: true, prefixes: true, pepper: true, jwt: true, acceptJwt: true, cache: true, usage: true, keys: true, responses: true, rateLimit: true,
  storeTimeoutMs: true, retryAfterSeconds: true, maxCredentialLength: true, logger: true, production: true, now: true, random: true,
  onEvent: true, events: true, telemetry: true,
};
const EVENTS: OptionNames<EventOptions> = { authnFailIntervalMs: true };
const CACHE: OptionNames<CacheOptions> = { max: true, negativeMax: true, ttlMs: true, negativeTtlMs: true, staleIfErrorMs: true };
const USAGE: OptionNames<UsageOptions> = { flushIntervalMs: true, maxBatch: true };
const KEYS: OptionNames<KeyManagerOptions> = { allowedScopes: true, defaultScopes: true, maxGracePeriodSeconds: true, maxActiveKeysPerOwner: true };
const RESPONSES: OptionNames<ResponseOptions> = { realm: true, problemDetails: true, messages: true, extendBody: true };
const PROBLEM: OptionNames<Exclude<NonNullable<ResponseOptions['problemDetails']>, boolean>> = { typeBase: true };

/** The `KeyStore` methods a store must have; the optional ones are checked where used. */
const STORE_METHODS = ['findByHash', 'getById', 'insert', 'listByOwner', 'revoke', 'rotate', 'update', 'touchLastUsed'] as const;

/**
 * Check the options of `createKeyward` once, every group included: unknown names anywhere are
 * reported with their full path (and a "did you mean"), numbers are range-checked, and types of
 * the flags, functions and logger are checked. The groups with their own module (`prefixes`,
 * `pepper`, `jwt`, `responses.messages`) are checked there, also at construction.
 */
export function checkKeywardOptions(options: KeywardOptions): KeywardOptions {
  if (typeof options !== 'object' || options === null) throw new KeywardConfigError(`${WHERE}(options): options must be an object`);
  const o = checkOptions(WHERE, options, KEYWARD);
  const store = o.store as unknown as Record<string, unknown> | undefined;
  if (typeof store !== 'object' || store === null) throw new KeywardConfigError(`${WHERE}: "store" is required (a KeyStore such as new MemoryKeyStore())`);
  const missing = STORE_METHODS.filter((m) => typeof store[m] !== 'function');
  if (missing.length > 0) throw new KeywardConfigError(`${WHERE}: "store" is not a KeyStore (missing ${missing.join(', ')})`);
  checkRange(WHERE, o.storeTimeoutMs, 'storeTimeoutMs', 0, 60_000);
  checkRange(WHERE, o.retryAfterSeconds, 'retryAfterSeconds', 1, 86_400, true);
  checkRange(WHERE, o.maxCredentialLength, 'maxCredentialLength', 64, 16_384, true);
  checkLogger(WHERE, o.logger);
  checkBoolean(WHERE, o.production, 'production');
  checkFunction(WHERE, o.now, 'now');
  checkFunction(WHERE, o.random, 'random');
  checkFunction(WHERE, o.onEvent, 'onEvent');
  const events = group(o.events, 'events', EVENTS, false);
  checkRange(WHERE, events.authnFailIntervalMs, 'events.authnFailIntervalMs', 1_000, 86_400_000);
  const telemetry = o.telemetry as unknown as Record<string, unknown> | undefined;
  if (telemetry !== undefined && (typeof telemetry !== 'object' || telemetry === null || TELEMETRY_MEMBERS.some((m) => typeof telemetry[m] !== 'function'))) {
    throw new KeywardConfigError(`${WHERE}: "telemetry" must come from openTelemetry() (@keyward/core/telemetry) or have the methods ${TELEMETRY_MEMBERS.join(', ')}`);
  }
  if (o.acceptJwt !== undefined && typeof o.acceptJwt !== 'boolean' && (typeof o.acceptJwt !== 'object' || o.acceptJwt === null)) {
    throw new KeywardConfigError(`${WHERE}: "acceptJwt" must be true, false or JWT verifier options like "jwt"`);
  }

  const cache = group(o.cache, 'cache', CACHE, true);
  checkRange(WHERE, cache.max, 'cache.max', 1, 10_000_000, true);
  checkRange(WHERE, cache.negativeMax, 'cache.negativeMax', 1, 10_000_000, true);
  checkRange(WHERE, cache.ttlMs, 'cache.ttlMs', 0, 86_400_000);
  checkRange(WHERE, cache.negativeTtlMs, 'cache.negativeTtlMs', 0, 3_600_000);
  checkRange(WHERE, cache.staleIfErrorMs, 'cache.staleIfErrorMs', 0, 86_400_000);

  const usage = group(o.usage, 'usage', USAGE, true);
  checkRange(WHERE, usage.flushIntervalMs, 'usage.flushIntervalMs', 0, 86_400_000);
  checkRange(WHERE, usage.maxBatch, 'usage.maxBatch', 1, 1_000_000, true);

  const keys = group(o.keys, 'keys', KEYS, false);
  checkRange(WHERE, keys.maxGracePeriodSeconds, 'keys.maxGracePeriodSeconds', 0, 365 * 86_400);
  checkRange(WHERE, keys.maxActiveKeysPerOwner, 'keys.maxActiveKeysPerOwner', 1, 100_000, true);
  checkScopeLists(keys);

  const responses = group(o.responses, 'responses', RESPONSES, false);
  const problem = responses.problemDetails;
  if (problem !== undefined && typeof problem !== 'boolean') checkOptions(WHERE, problem, PROBLEM, 'responses.problemDetails.');
  checkFunction(WHERE, responses.extendBody, 'responses.extendBody');
  if (responses.messages !== undefined && (typeof responses.messages !== 'object' || responses.messages === null)) {
    throw new KeywardConfigError(`${WHERE}: "responses.messages" must be an object of failure code → message or function`);
  }
  checkRateLimitOptions(WHERE, o.rateLimit);
  return options;
}

/** A nested group: an object (or `false` where that disables it) naming only its own options. */
function group<T extends object>(value: T | false | undefined, name: string, names: OptionNames<T>, mayBeFalse: boolean): Partial<T> {
  if (value === undefined || (mayBeFalse && value === false)) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new KeywardConfigError(`${WHERE}: "${name}" must be an object${mayBeFalse ? ' or false' : ''}`);
  }
  return checkOptions(WHERE, value, names, `${name}.`);
}

/** `keys.allowedScopes` / `keys.defaultScopes`: valid grants, and defaults within the allow-list. */
function checkScopeLists(keys: Partial<KeyManagerOptions>): void {
  const allowed = keys.allowedScopes;
  for (const [name, list] of [['allowedScopes', allowed], ['defaultScopes', keys.defaultScopes]] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new KeywardConfigError(`${WHERE}: "keys.${name}" must be an array of scopes such as ["agents:read"]`);
    for (const s of list) {
      if (!isValidGrant(s)) throw new KeywardConfigError(`${WHERE}: "keys.${name}": ${JSON.stringify(s)} is not a valid scope (words of letters, digits, "_", "-" or "." joined by ":", optionally ending in ":*", or "*")`);
      if (name === 'defaultScopes' && Array.isArray(allowed) && !allowed.includes(s)) {
        throw new KeywardConfigError(`${WHERE}: "keys.defaultScopes": ${JSON.stringify(s)} is not in "keys.allowedScopes"`);
      }
    }
  }
}
