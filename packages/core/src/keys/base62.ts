/** The base62 alphabet used by keys: digits, then uppercase, then lowercase. */
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Value of each char code in base62, or -1. Indexed by char code (0..127). */
const DIGIT_VALUE: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < BASE62_ALPHABET.length; i++) table[BASE62_ALPHABET.charCodeAt(i)] = i;
  return table;
})();

/** True when every character of `value[start..end)` is in the base62 alphabet. */
export function isBase62(value: string, start = 0, end = value.length): boolean {
  for (let i = start; i < end; i++) {
    const c = value.charCodeAt(i);
    if (c > 127 || DIGIT_VALUE[c]! < 0) return false;
  }
  return true;
}

/** Decode `value[start..end)` as a base62 integer, or -1 if a character is outside the alphabet. */
export function decodeBase62Int(value: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = value.charCodeAt(i);
    const digit = c > 127 ? -1 : DIGIT_VALUE[c]!;
    if (digit < 0) return -1;
    n = n * 62 + digit;
  }
  return n;
}

/** Encode a non-negative integer below 2^53 in base62, left-padded with `0` to `width` characters. */
export function encodeBase62Int(value: number, width: number): string {
  let out = '';
  let n = value;
  do {
    out = BASE62_ALPHABET[n % 62]! + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(width, '0');
}

/**
 * `length` uniformly random base62 characters from `random` (a CSPRNG), by rejection sampling:
 * bytes >= 248 (= 4 * 62) are discarded so that every character is equally likely.
 */
export function generateBase62(length: number, random: (n: number) => Uint8Array): string {
  let out = '';
  while (out.length < length) {
    const bytes = random(Math.max(8, Math.ceil((length - out.length) * 1.1)));
    for (let i = 0; i < bytes.length && out.length < length; i++) {
      const b = bytes[i]!;
      if (b < 248) out += BASE62_ALPHABET[b % 62]!;
    }
  }
  return out;
}
