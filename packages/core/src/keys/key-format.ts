import { crc32 } from 'node:zlib';
import { decodeBase62Int, encodeBase62Int, generateBase62, isBase62 } from './base62.js';
import type { InvalidKeyReason } from '../errors.js';
import { KeywardConfigError } from '../errors.js';

/** Characters of base62 secret in every key (30 × log2(62) ≈ 178.6 bits). */
export const SECRET_LENGTH = 30;
/** Characters of the base62 CRC32 checksum at the end of every key. */
export const CHECKSUM_LENGTH = 6;
/** Characters of the secret shown in the `start` display hint. */
export const START_SECRET_CHARS = 4;
/** Longest prefix accepted (docs/key-format.md). */
export const MAX_PREFIX_LENGTH = 24;

const PREFIX_PATTERN = /^[a-z0-9]+(?:_[a-z0-9]+)*_$/;

/** A configured key prefix and the environment it stands for. */
export interface KeyPrefix {
  /** e.g. `eck_live_` */
  readonly prefix: string;
  /** e.g. `live`; defaults to the last underscore-separated word of the prefix. */
  readonly environment: string;
}

/** A key split into its parts, after format and checksum passed. */
export interface ParsedKey {
  readonly prefix: KeyPrefix;
  readonly secret: string;
  /** The whole key, as given. */
  readonly key: string;
}

/** Result of {@link parseKey}: a failure never cost a store lookup. */
export type ParseKeyResult = { readonly ok: true; readonly key: ParsedKey } | { readonly ok: false; readonly reason: InvalidKeyReason };

/**
 * Validate prefixes once, at configuration time. Throws {@link KeywardConfigError} naming the bad one.
 *
 * @example
 * ```ts
 * const prefixes = normalizePrefixes(['eck_live_', { prefix: 'eck_test_', environment: 'test' }]);
 * ```
 */
export function normalizePrefixes(input: ReadonlyArray<string | KeyPrefix>, option = 'prefixes'): readonly KeyPrefix[] {
  if (!Array.isArray(input) || input.length === 0) {
    throw new KeywardConfigError(`${option} must be a non-empty array of key prefixes such as "eck_live_"`);
  }
  const seen = new Set<string>();
  const out: KeyPrefix[] = [];
  for (const entry of input) {
    const prefix = typeof entry === 'string' ? entry : entry?.prefix;
    if (typeof prefix !== 'string' || prefix.length > MAX_PREFIX_LENGTH || !PREFIX_PATTERN.test(prefix)) {
      throw new KeywardConfigError(
        `${option}: ${JSON.stringify(prefix)} is not a valid prefix (lowercase letters/digits, underscore-separated, ending in "_", at most ${MAX_PREFIX_LENGTH} characters)`,
      );
    }
    if (seen.has(prefix)) throw new KeywardConfigError(`${option}: ${JSON.stringify(prefix)} is listed twice`);
    seen.add(prefix);
    const words = prefix.slice(0, -1).split('_');
    const environment = typeof entry === 'string' ? words[words.length - 1]! : entry.environment;
    if (typeof environment !== 'string' || environment.length === 0) {
      throw new KeywardConfigError(`${option}: the environment of ${JSON.stringify(prefix)} must be a non-empty string`);
    }
    out.push(Object.freeze({ prefix, environment }));
  }
  // Longest first, so that a prefix that starts another (`a_` / `a_b_`) never shadows it.
  return Object.freeze(out.sort((a, b) => b.prefix.length - a.prefix.length));
}

/** CRC32 of `body` (prefix + secret) as 6 base62 characters. */
export function computeChecksum(body: string): string {
  return encodeBase62Int(crc32(body), CHECKSUM_LENGTH);
}

/**
 * Mint a new key: `prefix + 30 base62 secret characters + 6 base62 checksum characters`.
 *
 * @example
 * ```ts
 * const key = generateKey('eck_live_'); // "eck_live_3xK9...Q2" (45 characters)
 * ```
 */
export function generateKey(prefix: string, random: (n: number) => Uint8Array): string {
  const body = prefix + generateBase62(SECRET_LENGTH, random);
  return body + computeChecksum(body);
}

/**
 * Check a candidate key's prefix, length, alphabet and checksum, without any I/O.
 * Cheap enough to run on every request before hashing or touching a store.
 *
 * @example
 * ```ts
 * const parsed = parseKey(value, prefixes);
 * if (!parsed.ok) return reject(parsed.reason); // e.g. 'bad_checksum'
 * ```
 */
export function parseKey(value: string, prefixes: readonly KeyPrefix[]): ParseKeyResult {
  let prefix: KeyPrefix | undefined;
  for (const p of prefixes) {
    if (value.startsWith(p.prefix)) {
      prefix = p;
      break;
    }
  }
  if (prefix === undefined) return { ok: false, reason: 'unknown_prefix' };
  const start = prefix.prefix.length;
  if (value.length !== start + SECRET_LENGTH + CHECKSUM_LENGTH) return { ok: false, reason: 'bad_length' };
  if (!isBase62(value, start)) return { ok: false, reason: 'bad_alphabet' };
  const end = start + SECRET_LENGTH;
  // Compare as integers: decoding 6 characters is cheaper than encoding the CRC back to a string.
  if (decodeBase62Int(value, end, value.length) !== crc32(value.slice(0, end))) return { ok: false, reason: 'bad_checksum' };
  return { ok: true, key: { prefix, secret: value.slice(start, end), key: value } };
}

/**
 * The display hint stored with a key: its prefix + the first 4 characters of the secret.
 *
 * @example
 * ```ts
 * keyStart('eck_live_3xK9abc...', 'eck_live_'); // "eck_live_3xK9"
 * ```
 */
export function keyStart(key: string, prefix: string): string {
  return key.slice(0, prefix.length + START_SECRET_CHARS);
}
