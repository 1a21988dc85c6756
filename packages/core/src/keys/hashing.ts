import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { KeywardConfigError } from '../errors.js';

/** A versioned pepper: the id is stored with every hash it makes, so it may be rotated later. */
export interface Pepper {
  /** Stable id, stored with each hash (e.g. `"2026-11"`). */
  readonly id: string;
  /** At least 32 bytes of secret (a string is taken as UTF-8). */
  readonly secret: string | Uint8Array;
}

/**
 * `pepper` option: one secret (its id is `"default"`), or several versioned peppers, current first.
 *
 * @example
 * ```ts
 * pepper: process.env.KEYWARD_PEPPER
 * pepper: [{ id: '2027', secret: newPepper }, { id: 'default', secret: oldPepper }] // rotation
 * ```
 */
export type PepperOption = string | Uint8Array | ReadonlyArray<Pepper>;

/** Id of a pepper given as a bare string or bytes. */
export const DEFAULT_PEPPER_ID = 'default';
const MIN_PEPPER_BYTES = 32;

/** One way of hashing keys: a pepper's HMAC, or plain SHA-256 (`pepperId: null`). */
export interface KeyHashFunction {
  readonly pepperId: string | null;
  /** Lowercase hex digest of an ASCII key. */
  hash(key: string): string;
}

/** The hash functions of a keyward instance: `current` mints and is tried first, then `previous`. */
export interface KeyHasher {
  readonly current: KeyHashFunction;
  /** Older peppers, still accepted for verification, newest first. */
  readonly previous: readonly KeyHashFunction[];
  readonly peppered: boolean;
}

// Node's native hex encoding gives a flat 64-character string; building it by concatenation (as
// noble's bytesToHex does) leaves a rope of ~875 bytes that every store and cache would keep.
const toHex = (digest: Uint8Array) => Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString('hex');

// Keys are validated ASCII of bounded length before they are hashed; encode into a reused buffer.
function asciiBytes(key: string, scratch: Uint8Array): Uint8Array {
  const out = key.length <= scratch.length ? scratch.subarray(0, key.length) : new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) out[i] = key.charCodeAt(i) & 0x7f;
  return out;
}

function hmacFunction(pepper: Pepper): KeyHashFunction {
  const secret = typeof pepper.secret === 'string' ? new TextEncoder().encode(pepper.secret) : pepper.secret;
  // The HMAC key schedule (inner/outer padded states) is computed once here; each hash clones it.
  const keyed = hmac.create(sha256, secret);
  const scratch = new Uint8Array(128);
  return {
    pepperId: pepper.id,
    hash: (key) => toHex(keyed.clone().update(asciiBytes(key, scratch)).digest()),
  };
}

function sha256Function(): KeyHashFunction {
  const scratch = new Uint8Array(128);
  return { pepperId: null, hash: (key) => toHex(sha256(asciiBytes(key, scratch))) };
}

function toPeppers(option: PepperOption): Pepper[] {
  if (typeof option === 'string' || option instanceof Uint8Array) return [{ id: DEFAULT_PEPPER_ID, secret: option }];
  if (!Array.isArray(option) || option.length === 0) {
    throw new KeywardConfigError('pepper must be a string, a Uint8Array or a non-empty array of { id, secret }');
  }
  return option as Pepper[];
}

/**
 * Build the hashers once at configuration time. Without a pepper, keys are hashed with plain
 * SHA-256 and `onUnpeppered` is called once (keyward logs a warning in production).
 *
 * @example
 * ```ts
 * const hasher = createKeyHasher(process.env.KEYWARD_PEPPER);
 * const stored = hasher.current.hash(key); // hex, never the key itself
 * ```
 */
export function createKeyHasher(option: PepperOption | undefined): KeyHasher {
  if (option === undefined) return Object.freeze({ current: sha256Function(), previous: [], peppered: false });
  const peppers = toPeppers(option);
  const ids = new Set<string>();
  const fns = peppers.map((pepper, i) => {
    const where = `pepper[${i}]`;
    if (typeof pepper !== 'object' || pepper === null) throw new KeywardConfigError(`${where} must be { id, secret }`);
    if (typeof pepper.id !== 'string' || !/^[A-Za-z0-9._:-]{1,64}$/.test(pepper.id)) {
      throw new KeywardConfigError(`${where}.id must be 1-64 characters of letters, digits, ".", "_", ":" or "-"`);
    }
    if (ids.has(pepper.id)) throw new KeywardConfigError(`${where}.id ${JSON.stringify(pepper.id)} is used twice`);
    ids.add(pepper.id);
    const length =
      typeof pepper.secret === 'string' ? Buffer.byteLength(pepper.secret) : pepper.secret instanceof Uint8Array ? pepper.secret.length : -1;
    if (length < MIN_PEPPER_BYTES) {
      throw new KeywardConfigError(`${where === 'pepper[0]' && peppers.length === 1 ? 'pepper' : `${where}.secret`} must be at least ${MIN_PEPPER_BYTES} bytes`);
    }
    return hmacFunction(pepper);
  });
  return Object.freeze({ current: fns[0]!, previous: Object.freeze(fns.slice(1)), peppered: true });
}
