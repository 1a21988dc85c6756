import { KeywardConfigError } from './errors.js';
import { isValidGrant } from './verify/scopes.js';

/**
 * Check an option object once: an object (or undefined) naming only `known` options. Throws
 * {@link KeywardConfigError} naming the unknown ones (as `path` + name), prefixed by `where`. The
 * one unknown-option check of core: `createKeyward` (and its `cache`/`usage`/`keys`/`jwt` groups),
 * `requireScopes`, the management API and every adapter use it.
 *
 * @example
 * ```ts
 * const { optional = false } = checkAdapterOptions('apiKeyAuth', options, ['optional']);
 * ```
 */
export function checkAdapterOptions<T extends object>(where: string, options: T | undefined, known: readonly string[], path = ''): Partial<T> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) throw new KeywardConfigError(`${where}: options must be an object`);
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new KeywardConfigError(`${where}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(path + k)).join(', ')}`);
  }
  return options;
}

/**
 * Check the top-level option object once: it must be an object, carry `store` and `prefixes`,
 * and name no unknown option (the error lists them). Numeric options are range-checked.
 */
export function checkOptions<T extends object>(options: T, known: readonly string[]): T {
  if (typeof options !== 'object' || options === null) throw new KeywardConfigError('createKeyward(options): options must be an object');
  checkAdapterOptions('createKeyward', options, known);
  const o = options as Record<string, unknown>;
  const store = o.store as Record<string, unknown> | undefined;
  const required = ['findByHash', 'getById', 'insert', 'listByOwner', 'revoke', 'rotate', 'touchLastUsed'];
  if (typeof store !== 'object' || store === null) throw new KeywardConfigError('createKeyward: "store" is required (a KeyStore such as new MemoryKeyStore())');
  const missing = required.filter((m) => typeof store[m] !== 'function');
  if (missing.length > 0) throw new KeywardConfigError(`createKeyward: "store" is not a KeyStore (missing ${missing.join(', ')})`);
  validateRange(o.storeTimeoutMs, 'storeTimeoutMs', 0, 60_000);
  validateRange(o.retryAfterSeconds, 'retryAfterSeconds', 1, 86_400);
  validateRange(o.maxCredentialLength, 'maxCredentialLength', 64, 16_384);
  for (const [group, fields] of [
    ['cache', { max: [1, 10_000_000], negativeMax: [1, 10_000_000], ttlMs: [0, 86_400_000], negativeTtlMs: [0, 3_600_000], staleIfErrorMs: [0, 86_400_000] }],
    ['usage', { flushIntervalMs: [0, 86_400_000], maxBatch: [1, 100_000] }],
    ['keys', { maxGracePeriodSeconds: [0, 365 * 86_400], maxActiveKeysPerOwner: [1, 100_000] }],
  ] as const) {
    const value = o[group];
    if (value === undefined || value === false) continue;
    if (typeof value !== 'object' || value === null) throw new KeywardConfigError(`createKeyward: "${group}" must be an object${group === 'keys' ? '' : ' or false'}`);
    const ranges = fields as Record<string, readonly [number, number]>;
    const allowed = group === 'keys' ? [...Object.keys(ranges), 'allowedScopes', 'defaultScopes'] : Object.keys(ranges);
    checkAdapterOptions('createKeyward', value, allowed, `${group}.`);
    for (const [name, [min, max]] of Object.entries(ranges)) validateRange((value as Record<string, unknown>)[name], `${group}.${name}`, min, max);
  }
  const maxActive = (o.keys as { maxActiveKeysPerOwner?: unknown } | undefined)?.maxActiveKeysPerOwner;
  if (maxActive !== undefined && !Number.isInteger(maxActive)) throw new KeywardConfigError('createKeyward: "keys.maxActiveKeysPerOwner" must be a whole number');
  checkScopeLists(o.keys as { allowedScopes?: unknown; defaultScopes?: unknown } | undefined);
  for (const fn of ['now', 'random'] as const) {
    if (o[fn] !== undefined && typeof o[fn] !== 'function') throw new KeywardConfigError(`createKeyward: "${fn}" must be a function`);
  }
  return options;
}

/** `keys.allowedScopes` / `keys.defaultScopes`: valid grants, and defaults within the allow-list. */
function checkScopeLists(keys: { allowedScopes?: unknown; defaultScopes?: unknown } | undefined): void {
  const allowed = keys?.allowedScopes;
  for (const [name, list] of [['allowedScopes', allowed], ['defaultScopes', keys?.defaultScopes]] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new KeywardConfigError(`keys.${name} must be an array of scopes`);
    for (const s of list) {
      if (!isValidGrant(s)) throw new KeywardConfigError(`keys.${name}: ${JSON.stringify(s)} is not a valid scope`);
      if (name === 'defaultScopes' && Array.isArray(allowed) && !allowed.includes(s)) {
        throw new KeywardConfigError(`keys.defaultScopes: ${JSON.stringify(s)} is not in keys.allowedScopes`);
      }
    }
  }
}

/** Throw a {@link KeywardConfigError} quoting `name` unless `value` is undefined or a number in [min, max]. */
export function validateRange(value: unknown, name: string, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new KeywardConfigError(`createKeyward: "${name}" must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
}
