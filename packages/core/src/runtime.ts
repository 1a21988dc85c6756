import { randomFillSync } from 'node:crypto';

/**
 * Clock and randomness, injectable so that expiry, grace periods and key minting are exact in
 * tests (no sleeps).
 *
 * @example
 * ```ts
 * let t = Date.parse('2030-01-01T00:00:00Z');
 * createKeyward({ store, prefixes, now: () => t });
 * t += 61_000; // a minute later, exactly
 * ```
 */
export interface Runtime {
  /** Current time in milliseconds since the epoch. Default `Date.now`. */
  readonly now: () => number;
  /** `length` bytes from a CSPRNG. Default `crypto.randomFillSync`. */
  readonly random: (length: number) => Uint8Array;
}

/** The production runtime: `Date.now` and Node's CSPRNG. */
export const defaultRuntime: Runtime = {
  now: Date.now,
  random: (length) => randomFillSync(new Uint8Array(length)),
};
