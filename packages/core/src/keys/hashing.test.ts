import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeywardConfigError } from '../errors.js';
import { createKeyHasher } from './hashing.js';

const KEY = 'eck_live_0123456789abcdefghijABCDEFGHIJ012345';
const PEPPER = 'p'.repeat(32);

describe('createKeyHasher', () => {
  it('is HMAC-SHA256(pepper, key) in lowercase hex (cross-checked with node:crypto)', () => {
    const hasher = createKeyHasher(PEPPER);
    expect(hasher.current.hash(KEY)).toBe(createHmac('sha256', PEPPER).update(KEY).digest('hex'));
    expect(hasher.current.pepperId).toBe('default');
    expect(hasher.peppered).toBe(true);
  });

  it('reuses the keyed state safely across many calls and long inputs', () => {
    const hasher = createKeyHasher(PEPPER);
    const long = 'eck_live_' + 'x'.repeat(200);
    for (const key of [KEY, long, KEY, 'a', long]) {
      expect(hasher.current.hash(key)).toBe(createHmac('sha256', PEPPER).update(key).digest('hex'));
    }
  });

  it('is plain SHA-256 without a pepper', () => {
    const hasher = createKeyHasher(undefined);
    expect(hasher.current.hash(KEY)).toBe(createHash('sha256').update(KEY).digest('hex'));
    expect(hasher.current.pepperId).toBeNull();
    expect(hasher.peppered).toBe(false);
  });

  it('keeps versioned peppers, current first', () => {
    const old = 'o'.repeat(32);
    const hasher = createKeyHasher([
      { id: 'v2', secret: PEPPER },
      { id: 'v1', secret: new TextEncoder().encode(old) },
    ]);
    expect(hasher.current.pepperId).toBe('v2');
    expect(hasher.previous.map((h) => h.pepperId)).toEqual(['v1']);
    expect(hasher.previous[0]!.hash(KEY)).toBe(createHmac('sha256', old).update(KEY).digest('hex'));
    expect(hasher.current.hash(KEY)).not.toBe(hasher.previous[0]!.hash(KEY));
  });

  it.each([
    ['short', 'too short'],
    [[], 'empty list'],
    [[{ id: 'a', secret: PEPPER }, { id: 'a', secret: PEPPER }], 'duplicate id'],
    [[{ id: 'has space', secret: PEPPER }], 'bad id'],
    [[{ id: 'a', secret: 'x' }], 'short secret'],
  ])('rejects %j (%s) without echoing the secret', (option, _why) => {
    try {
      createKeyHasher(option as never);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KeywardConfigError);
      expect((error as Error).message).not.toContain(PEPPER);
    }
  });
});
