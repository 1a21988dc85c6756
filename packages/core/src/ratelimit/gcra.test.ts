import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';

/**
 * The reference: a token bucket holding up to `burst × interval` ms of credit, refilled one ms per
 * ms; a request of `cost` needs `cost × interval` of it. Integer arithmetic, obviously right.
 */
class TokenBucketModel {
  #credit: number;
  #at: number;
  constructor(readonly interval: number, readonly burst: number, start: number) {
    this.#credit = burst * interval;
    this.#at = start;
  }
  request(now: number, cost: number): { allowed: boolean; remaining: number } {
    this.#credit = Math.min(this.burst * this.interval, this.#credit + (now - this.#at));
    this.#at = now;
    const allowed = this.#credit >= cost * this.interval;
    if (allowed) this.#credit -= cost * this.interval;
    return { allowed, remaining: Math.floor(this.#credit / this.interval) };
  }
}

const op = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 5_000 }) }),
  fc.record({ kind: fc.constant('request' as const), cost: fc.integer({ min: 0, max: 12 }) }),
);

describe('GCRA (MemoryRateLimitStore) against a token-bucket model, injected clock', () => {
  it('admits exactly what the model admits, and reports the same remaining units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1, max: 10 }), fc.array(op, { maxLength: 200 }), (interval, burst, ops) => {
        const store = new MemoryRateLimitStore();
        let now = Date.UTC(2030, 0, 1);
        const model = new TokenBucketModel(interval, burst, now);
        const bucket = { key: 'k', intervalMs: interval, burst };
        for (const o of ops) {
          if (o.kind === 'advance') {
            now += o.ms;
            continue;
          }
          const expected = model.request(now, o.cost);
          const decision = store.consume({ now, cost: o.cost, buckets: [bucket], quotas: [] });
          const tat = decision.tats[0]!;
          const remaining = Math.min(burst, Math.max(0, Math.floor((now - (tat - burst * interval)) / interval)));
          expect({ allowed: decision.allowed, remaining }).toEqual(expected);
        }
      }),
    );
  });

  it('never admits more than burst + elapsed / interval units over any run (no double burst)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1, max: 10 }), fc.array(op, { maxLength: 200 }), (interval, burst, ops) => {
        const store = new MemoryRateLimitStore();
        const start = Date.UTC(2030, 0, 1);
        let now = start;
        let admitted = 0;
        for (const o of ops) {
          if (o.kind === 'advance') now += o.ms;
          else if (store.consume({ now, cost: o.cost, buckets: [{ key: 'k', intervalMs: interval, burst }], quotas: [] }).allowed) admitted += o.cost;
          expect(admitted).toBeLessThanOrEqual(burst + Math.floor((now - start) / interval));
        }
      }),
    );
  });
});
