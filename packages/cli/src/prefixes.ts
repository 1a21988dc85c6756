import { configError } from './exit-codes.js';

/** The prefixes used when neither `--prefix` nor `KEYWARD_PREFIXES` names any. */
export const DEFAULT_PREFIXES: readonly string[] = Object.freeze(['eck_live_', 'eck_test_']);

// The key-format rule of keyward: lowercase letters/digits, underscore-separated, ending in `_`, at most 24.
const PREFIX = /^[a-z0-9]+(?:_[a-z0-9]+)*_$/;

/** Check prefixes against the key format; longest first, duplicates dropped. */
export function normalizePrefixesForPattern(prefixes: readonly string[]): string[] {
  if (prefixes.length === 0) throw configError('at least one key prefix is needed');
  for (const p of prefixes) {
    if (typeof p !== 'string' || p.length > 24 || !PREFIX.test(p)) {
      throw configError(`prefix ${JSON.stringify(String(p).slice(0, 40))} is not a key prefix: lowercase letters and digits separated by "_", ending in "_", at most 24 characters`);
    }
  }
  return [...new Set(prefixes)].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

/** The configured prefixes: `--prefix` values, else `KEYWARD_PREFIXES` (comma-separated), else the default. */
export function configuredPrefixes(flags: readonly string[] | undefined, env: string | undefined): string[] {
  if (flags !== undefined && flags.length > 0) return [...flags];
  if (env !== undefined && env.trim() !== '') return env.split(',').map((p) => p.trim()).filter((p) => p !== '');
  return [...DEFAULT_PREFIXES];
}
