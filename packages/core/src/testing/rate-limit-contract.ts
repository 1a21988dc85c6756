import { afterEach, describe, expect, it } from 'vitest';
import type { RateLimitBucket, RateLimitDecision, RateLimitRequest, RateLimitStore } from '@keyward/core/store';

/** What {@link runRateLimitStoreContract} needs per test: a store, and how to clean up after it. */
export interface RateLimitStoreContractFixture {
  readonly store: RateLimitStore;
  readonly cleanup?: () => Promise<void>;
}

const T0 = Date.UTC(2030, 0, 1, 12);
let runs = 0;

/**
 * The shared contract of `RateLimitStore`: the GCRA arithmetic, refusals that change nothing,
 * all-or-nothing decisions over several buckets and quotas, quota refills by period, odd key
 * names, and atomicity under concurrency (200 concurrent decisions on room for 25 admit exactly 25).
 * Every rate-limit store runs it with one call.
 *
 * @example
 * ```ts
 * import { runRateLimitStoreContract } from '@keyward/core/testing';
 * runRateLimitStoreContract('RedisRateLimitStore', async () => ({ store: new RedisRateLimitStore({ client, prefix }), cleanup }));
 * ```
 */
export function runRateLimitStoreContract(name: string, createFixture: () => Promise<RateLimitStoreContractFixture>): void {
  describe(`RateLimitStore contract: ${name}`, () => {
    let cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const c of cleanups) await c();
      cleanups = [];
    });
    const setup = async () => {
      const fixture = await createFixture();
      if (fixture.cleanup) cleanups.push(fixture.cleanup);
      const unique = `t${++runs}_${Math.random().toString(36).slice(2)}:`;
      const consume = async (request: RateLimitRequest): Promise<RateLimitDecision> => fixture.store.consume(request);
      return { store: fixture.store, key: (k: string) => unique + k, consume };
    };
    const bucket = (key: string, intervalMs: number, burst: number): RateLimitBucket => ({ key, intervalMs, burst });

    it('a missing bucket is full: burst units at once, then one per interval', async () => {
      const { key, consume } = await setup();
      const b = bucket(key('a'), 1000, 3);
      const at = (now: number) => consume({ now, cost: 1, buckets: [b], quotas: [] });
      expect(await at(T0)).toEqual({ allowed: true, tats: [T0 + 1000], remaining: [] });
      expect((await at(T0)).tats).toEqual([T0 + 2000]);
      expect((await at(T0)).tats).toEqual([T0 + 3000]);
      expect(await at(T0)).toEqual({ allowed: false, tats: [T0 + 3000], remaining: [] });
      expect((await at(T0 + 999)).allowed).toBe(false);
      expect(await at(T0 + 1000)).toEqual({ allowed: true, tats: [T0 + 4000], remaining: [] });
      expect(await at(T0 + 10_000)).toEqual({ allowed: true, tats: [T0 + 11_000], remaining: [] });
    });

    it('spends the cost, admits cost 0 always, refuses a cost above the burst without charging', async () => {
      const { key, consume } = await setup();
      const b = bucket(key('cost'), 500, 10);
      expect(await consume({ now: T0, cost: 11, buckets: [b], quotas: [] })).toEqual({ allowed: false, tats: [T0], remaining: [] });
      expect(await consume({ now: T0, cost: 7, buckets: [b], quotas: [] })).toEqual({ allowed: true, tats: [T0 + 3500], remaining: [] });
      expect(await consume({ now: T0, cost: 4, buckets: [b], quotas: [] })).toEqual({ allowed: false, tats: [T0 + 3500], remaining: [] });
      expect(await consume({ now: T0, cost: 0, buckets: [b], quotas: [] })).toEqual({ allowed: true, tats: [T0 + 3500], remaining: [] });
      expect(await consume({ now: T0, cost: 3, buckets: [b], quotas: [] })).toEqual({ allowed: true, tats: [T0 + 5000], remaining: [] });
    });

    it('keeps fractional intervals (60 000 ms / 7) to well under a millisecond', async () => {
      const { key, consume } = await setup();
      const interval = 60_000 / 7;
      const b = bucket(key('frac'), interval, 7);
      let last: RateLimitDecision | undefined;
      for (let i = 0; i < 7; i++) last = await consume({ now: T0, cost: 1, buckets: [b], quotas: [] });
      expect(last!.tats[0]).toBeCloseTo(T0 + 60_000, 1);
      expect((await consume({ now: T0 + interval - 1, cost: 1, buckets: [b], quotas: [] })).allowed).toBe(false);
      expect((await consume({ now: T0 + Math.ceil(interval), cost: 1, buckets: [b], quotas: [] })).allowed).toBe(true);
    });

    it('decides several buckets and quotas all or nothing', async () => {
      const { key, consume } = await setup();
      const wide = bucket(key('wide'), 100, 100);
      const narrow = bucket(key('narrow'), 1000, 2);
      const quota = { key: key('q'), amount: 1000, periodStart: T0, periodEnd: T0 + 3_600_000 };
      const both = (cost: number) => consume({ now: T0, cost, buckets: [wide, narrow], quotas: [quota] });
      expect(await both(2)).toEqual({ allowed: true, tats: [T0 + 200, T0 + 2000], remaining: [998] });
      expect(await both(1)).toEqual({ allowed: false, tats: [T0 + 200, T0 + 2000], remaining: [998] });
      expect(await consume({ now: T0, cost: 1, buckets: [wide], quotas: [quota] })).toEqual({ allowed: true, tats: [T0 + 300], remaining: [997] });
    });

    it('spends a quota, refuses what exceeds it without charging, and refills it when the period turns', async () => {
      const { key, consume } = await setup();
      const q = (periodStart: number) => ({ key: key('quota'), amount: 5, periodStart, periodEnd: periodStart + 86_400_000 });
      const spend = (cost: number, periodStart = T0) => consume({ now: periodStart + 1, cost, buckets: [], quotas: [q(periodStart)] });
      expect(await spend(3)).toEqual({ allowed: true, tats: [], remaining: [2] });
      expect(await spend(3)).toEqual({ allowed: false, tats: [], remaining: [2] });
      expect(await spend(2)).toEqual({ allowed: true, tats: [], remaining: [0] });
      expect(await spend(1)).toEqual({ allowed: false, tats: [], remaining: [0] });
      expect(await spend(1, T0 + 86_400_000)).toEqual({ allowed: true, tats: [], remaining: [4] });
      expect(await consume({ now: T0, cost: 1, buckets: [], quotas: [{ key: key('zero'), amount: 0, periodStart: T0, periodEnd: T0 + 1000 }] })).toEqual({ allowed: false, tats: [], remaining: [0] });
    });

    it('keeps counters apart by key, whatever characters the key has', async () => {
      const { key, consume } = await setup();
      const names = ['rl:x:key:a', 'rl:x:key:a:', 'rl:x:org:{acme}', 'rl:x:owner:ü ñ "quoted"', "rl:x:owner:it's"];
      for (const n of names) expect((await consume({ now: T0, cost: 1, buckets: [bucket(key(n), 1000, 1)], quotas: [] })).allowed).toBe(true);
      for (const n of names) expect((await consume({ now: T0, cost: 1, buckets: [bucket(key(n), 1000, 1)], quotas: [] })).allowed).toBe(false);
    });

    it('is atomic: 200 concurrent decisions on room for 25 admit exactly 25', async () => {
      const { key, consume } = await setup();
      const b = bucket(key('race'), 3_600_000, 25);
      const quota = { key: key('race-q'), amount: 1000, periodStart: T0, periodEnd: T0 + 86_400_000 };
      const decisions = await Promise.all(Array.from({ length: 200 }, () => consume({ now: T0, cost: 1, buckets: [b], quotas: [quota] })));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(25);
      const final = await consume({ now: T0, cost: 0, buckets: [b], quotas: [quota] });
      expect(final).toEqual({ allowed: true, tats: [T0 + 25 * 3_600_000], remaining: [975] });
    });
  });
}
