import { normalizePrefixesForPattern } from './prefixes.js';

/**
 * The regular expression that matches keyward keys of the given prefixes and nothing longer or
 * shorter: prefix + 30 base62 characters of secret + 6 base62 characters of CRC32 checksum, with
 * word boundaries around it. For secret scanners (GitHub custom patterns, gitleaks, trufflehog);
 * a scanner that can run code should also check the checksum to drop look-alikes.
 *
 * @example
 * ```ts
 * keyPattern(['eck_live_', 'eck_test_']); // '\\b(?:eck_live_|eck_test_)[0-9A-Za-z]{36}\\b'
 * new RegExp(keyPattern(['eck_live_']), 'g').test(text);
 * ```
 */
export function keyPattern(prefixes: readonly string[]): string {
  const alternatives = normalizePrefixesForPattern(prefixes);
  return `\\b(?:${alternatives.join('|')})[0-9A-Za-z]{36}\\b`;
}
