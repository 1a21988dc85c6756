import { randomFillSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASE62_ALPHABET, encodeBase62Int, generateBase62 } from './base62.js';
import { KeywardConfigError } from '../errors.js';
import { CHECKSUM_LENGTH, SECRET_LENGTH, computeChecksum, generateKey, keyStart, normalizePrefixes, parseKey } from './key-format.js';

const random = (n: number) => randomFillSync(new Uint8Array(n));
const prefixes = normalizePrefixes(['eck_live_', 'eck_test_', 'agk_live_']);
const prefixArb = fc.constantFrom('eck_live_', 'eck_test_', 'agk_live_');
/** Deterministic "CSPRNG" from fast-check bytes, so failures shrink and replay. */
const seededRandom = (seed: Uint8Array) => {
  let i = 0;
  return (n: number) => Uint8Array.from({ length: n }, () => seed[i++ % seed.length]! ^ (i * 131) % 256);
};

describe('normalizePrefixes', () => {
  it('derives the environment from the last word and sorts longest first', () => {
    const p = normalizePrefixes(['a_', 'a_b_', { prefix: 'x_y_', environment: 'sandbox' }]);
    expect(p.map((x) => x.prefix)).toEqual(['a_b_', 'x_y_', 'a_']);
    expect(p.find((x) => x.prefix === 'x_y_')!.environment).toBe('sandbox');
    expect(normalizePrefixes(['eck_live_'])[0]!.environment).toBe('live');
  });

  it.each([['Eck_live_'], ['eck_live'], ['eck__live_'], ['_eck_'], ['eck-live_'], ['a'.repeat(24) + '_'], [''], ['éck_']])(
    'rejects %j at configuration time',
    (bad) => expect(() => normalizePrefixes([bad])).toThrow(KeywardConfigError),
  );

  it('rejects an empty list and duplicates', () => {
    expect(() => normalizePrefixes([])).toThrow(/non-empty/);
    expect(() => normalizePrefixes(['a_', 'a_'])).toThrow(/twice/);
  });

  it('accepts a 24-character prefix', () => {
    expect(normalizePrefixes(['a'.repeat(23) + '_'])[0]!.prefix).toHaveLength(24);
  });
});

describe('generateKey / parseKey', () => {
  it('makes prefix + 30 base62 + 6 base62 checksum', () => {
    const key = generateKey('eck_live_', random);
    expect(key).toMatch(/^eck_live_[0-9A-Za-z]{36}$/);
    expect(key.slice(-CHECKSUM_LENGTH)).toBe(computeChecksum(key.slice(0, -CHECKSUM_LENGTH)));
    const parsed = parseKey(key, prefixes);
    expect(parsed.ok && parsed.key.prefix.environment).toBe('live');
    expect(keyStart(key, 'eck_live_')).toBe(key.slice(0, 'eck_live_'.length + 4));
    expect(parsed.ok && keyStart(key, parsed.key.prefix.prefix)).toBe('eck_live_' + key.slice(9, 13));
  });

  it('encodes the checksum as zero-padded base62 of the CRC32', () => {
    expect(encodeBase62Int(0, 6)).toBe('000000');
    expect(encodeBase62Int(61, 6)).toBe('00000z');
    expect(encodeBase62Int(62, 6)).toBe('000010');
    expect(encodeBase62Int(0xffffffff, 6)).toBe('4gfFC3');
  });

  it('draws secret characters uniformly (rejection sampling, chi-squared sanity check)', () => {
    const counts = new Map<string, number>();
    const text = generateBase62(62 * 2000, random);
    for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const chi2 = [...counts.values()].reduce((sum, n) => sum + (n - 2000) ** 2 / 2000, 0);
    expect(chi2).toBeLessThan(130); // 61 degrees of freedom: p < 1e-6 of exceeding by chance
  });

  it('property: every generated key parses and round-trips', () => {
    fc.assert(
      fc.property(prefixArb, fc.uint8Array({ minLength: 64, maxLength: 64 }), (prefix, seed) => {
        const key = generateKey(prefix, seededRandom(seed));
        const parsed = parseKey(key, prefixes);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(parsed.key.prefix.prefix + parsed.key.secret + computeChecksum(prefix + parsed.key.secret)).toBe(key);
        expect(parsed.key.secret).toHaveLength(SECRET_LENGTH);
      }),
    );
  });

  it('property: every single-character mutation of a valid key is rejected', () => {
    const alphabet = [...BASE62_ALPHABET, '_', '-', '.', '~', '+', '/', '=', ' ', 'é', '\u0000'];
    fc.assert(
      fc.property(prefixArb, fc.nat(), fc.constantFrom(...alphabet), (prefix, position, replacement) => {
        const key = generateKey(prefix, random);
        const at = position % key.length;
        fc.pre(key[at] !== replacement);
        const mutated = key.slice(0, at) + replacement + key.slice(at + 1);
        expect(parseKey(mutated, prefixes).ok).toBe(false);
      }),
    );
  });

  it('property: deletions, insertions and swaps of adjacent characters are rejected', () => {
    fc.assert(
      fc.property(prefixArb, fc.nat(), fc.constantFrom(...BASE62_ALPHABET), (prefix, position, extra) => {
        const key = generateKey(prefix, random);
        const at = position % key.length;
        const deleted = key.slice(0, at) + key.slice(at + 1);
        const inserted = key.slice(0, at) + extra + key.slice(at);
        expect(parseKey(deleted, prefixes).ok).toBe(false);
        expect(parseKey(inserted, prefixes).ok).toBe(false);
        const b = (at + 1) % key.length;
        if (key[at] !== key[b] && at < b) {
          const swapped = key.slice(0, at) + key[b] + key[at] + key.slice(b + 1);
          expect(parseKey(swapped, prefixes).ok).toBe(false);
        }
      }),
    );
  });

  it('checksum rejects at least 99.99% of random same-length strings', () => {
    const trials = 200_000;
    let accepted = 0;
    for (let i = 0; i < trials; i++) {
      if (parseKey('eck_live_' + generateBase62(SECRET_LENGTH + CHECKSUM_LENGTH, random), prefixes).ok) accepted++;
    }
    // CRC32 in 6 base62 digits: P(accept) = 1/2^32; any acceptance at all here would be a bug.
    expect(accepted / trials).toBeLessThanOrEqual(0.0001);
  });

  it('property: arbitrary strings never throw and give a reason', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), prefixArb.chain((p) => fc.string().map((s) => p + s))), (value) => {
        const result = parseKey(value, prefixes);
        if (!result.ok) expect(['unknown_prefix', 'bad_length', 'bad_alphabet', 'bad_checksum']).toContain(result.reason);
      }),
    );
  });

  it('names the reason of each rejection', () => {
    const key = generateKey('eck_live_', random);
    expect(parseKey('xyz_live_' + key.slice(9), prefixes)).toEqual({ ok: false, reason: 'unknown_prefix' });
    expect(parseKey(key + 'a', prefixes)).toEqual({ ok: false, reason: 'bad_length' });
    expect(parseKey(key.slice(0, 20) + '_' + key.slice(21), prefixes)).toEqual({ ok: false, reason: 'bad_alphabet' });
    const last = key.at(-1) === 'a' ? 'b' : 'a';
    expect(parseKey(key.slice(0, -1) + last, prefixes)).toEqual({ ok: false, reason: 'bad_checksum' });
  });
});
