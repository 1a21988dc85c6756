import { KeywardConfigError } from './errors.js';

/**
 * The allow-list of an option interface, typed against the interface itself: every option of `T`
 * must be listed (an option added to the interface but not here fails to compile) and nothing
 * else may be (an excess name fails too).
 *
 * @example
 * ```ts
 * const NAMES: OptionNames<ApiKeyAuthOptions> = { optional: true };
 * ```
 */
export type OptionNames<T> = { readonly [K in keyof Required<T>]: true };

/**
 * Check an option object once: `undefined` (no options) or a plain object naming only the options
 * of `names`. An unknown name is a {@link KeywardConfigError} (`unknown_option`) that gives its full
 * path (`createKeyward: unknown option "responses.problemDetail"`) and, when one is close, the
 * option meant (`did you mean "responses.problemDetails"?`). The one unknown-option check of keyward:
 * `createKeyward` and each of its groups, the guards, the management API, every adapter and store.
 *
 * @example
 * ```ts
 * const { optional = false } = checkOptions('apiKeyAuth', options, { optional: true });
 * ```
 */
export function checkOptions<T extends object>(where: string, options: T | undefined, names: OptionNames<T>, path = ''): Partial<T> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new KeywardConfigError(`${where}: ${path === '' ? 'options' : `"${path.slice(0, -1)}"`} must be an object`);
  }
  const known = Object.keys(names);
  const unknown = Object.keys(options).filter((name) => !Object.hasOwn(names, name));
  if (unknown.length > 0) {
    const described = unknown.map((name) => {
      const near = closest(name, known);
      return `"${path}${name}"${near === null ? '' : ` (did you mean "${path}${near}"?)`}`;
    });
    const accepted = known.length === 0 ? '' : `; accepted: ${known.map((name) => `"${path}${name}"`).join(', ')}`;
    throw new KeywardConfigError(`${where}: unknown option${unknown.length > 1 ? 's' : ''} ${described.join(', ')}${accepted}`, 'unknown_option');
  }
  return options;
}

/** The known name closest to `name` (same up to case, a truncation of it, or at most 2 edits away), or `null`. */
function closest(name: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of known) {
    const [a, b] = [name.toLowerCase(), candidate.toLowerCase()];
    const d = a === b ? 0 : a.length >= 4 && (b.startsWith(a) || a.startsWith(b)) ? 1 : editDistance(name, candidate, bestDistance);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** Levenshtein distance of `a` and `b`, or `limit` once it is clearly at least that. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return Math.min(previous[b.length]!, limit);
}

/** Throw a {@link KeywardConfigError} quoting `name` unless `value` is undefined or a number in [min, max]. */
export function checkRange(where: string, value: unknown, name: string, min: number, max: number, integer = false): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new KeywardConfigError(`${where}: "${name}" must be a ${integer ? 'whole number' : 'number'} from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
}

/** Throw unless `value` is undefined or a boolean. */
export function checkBoolean(where: string, value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new KeywardConfigError(`${where}: "${name}" must be true or false, got ${JSON.stringify(value)}`);
  }
}

/** Throw unless `value` is undefined or a function. */
export function checkFunction(where: string, value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'function') throw new KeywardConfigError(`${where}: "${name}" must be a function`);
}

/** Throw unless `value` is undefined, `false`, or an object with a `warn(message)` method. */
export function checkLogger(where: string, value: unknown, name = 'logger'): void {
  if (value === undefined || value === false) return;
  if (typeof (value as { warn?: unknown } | null)?.warn !== 'function') {
    throw new KeywardConfigError(`${where}: "${name}" must be an object with a warn(message) method (such as console), or false`);
  }
}
