/**
 * Counters this instance learnt are exhausted, each with the time before which any request to it
 * is refused ("blocked until T"). A flood from a limited key then costs no store round trip until
 * T. Safe across instances: a bucket's `tat` only grows, so what was exhausted here stays
 * exhausted until T whatever other instances admit. Bounded: the oldest entries go first.
 */
export class BlockedCache {
  readonly #until = new Map<string, number>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** The time `key` is blocked until, or `undefined` when it is not blocked at `now`. */
  until(key: string, now: number): number | undefined {
    if (this.#until.size === 0) return undefined;
    const until = this.#until.get(key);
    if (until === undefined) return undefined;
    if (until > now) return until;
    this.#until.delete(key);
    return undefined;
  }

  /** Remember that `key` refuses every request before `until`. */
  block(key: string, until: number, now: number): void {
    if (this.#max === 0) return;
    if (this.#until.size >= this.#max && !this.#until.has(key)) {
      for (const [k, t] of this.#until) if (t <= now) this.#until.delete(k);
      if (this.#until.size >= this.#max) this.#until.delete(this.#until.keys().next().value!);
    }
    this.#until.delete(key); // re-insert: newest last
    this.#until.set(key, until);
  }
}
