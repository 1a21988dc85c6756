import type { Cluster, Redis } from 'ioredis';
import { KeywardConfigError, checkOptions } from '@keyward/core/store';
import type { OptionNames, RateLimitDecision, RateLimitRequest, RateLimitStore } from '@keyward/core/store';
import { CONSUME_LUA } from './rate-limit-script.js';

/** Options of {@link RedisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /** Your ioredis `Redis` or `Cluster` (never closed by the store). Give it `maxRetriesPerRequest: 1` so an outage fails fast. */
  readonly client: Redis | Cluster;
  /**
   * Namespace and cluster hash tag: counters are named `{prefix}:rl:<counter>`, so every counter
   * of a decision lives in one slot. Letters, digits and `_ - . :`, at most 64 characters.
   * Default `'keyward'`.
   */
  readonly prefix?: string;
}

const NAMES: OptionNames<RedisRateLimitStoreOptions> = { client: true, prefix: true };
const PREFIX = /^[A-Za-z0-9_.:-]{1,64}$/;
const COMMAND = 'keywardV1RateLimit';

type Scripted = { [COMMAND](numberOfKeys: number, ...args: Array<string | number>): Promise<string[]> };

/**
 * keyward's rate-limit counters on Redis, shared by every instance on the same Redis (standalone
 * or cluster): one atomic Lua call (EVALSHA) per decision, counters expiring by themselves once
 * they no longer matter (a bucket back to full, a quota past its period).
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { RedisRateLimitStore } from '@keyward/redis';
 * const client = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
 * createKeyward({ store, prefixes, rateLimit: { store: new RedisRateLimitStore({ client }), limits: [{ name: 'per-minute', limit: 60, windowSeconds: 60 }] } });
 * ```
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #client: Scripted;
  readonly #base: string;

  constructor(options: RedisRateLimitStoreOptions) {
    if (options === undefined) throw new KeywardConfigError('RedisRateLimitStore: options must be an object: new RedisRateLimitStore({ client })');
    const { client, prefix = 'keyward' } = checkOptions('RedisRateLimitStore', options, NAMES);
    const c = client as unknown as { defineCommand?: unknown; options?: { keyPrefix?: unknown; redisOptions?: { keyPrefix?: unknown } } } | undefined;
    if (typeof c?.defineCommand !== 'function') throw new KeywardConfigError('RedisRateLimitStore: "client" must be an ioredis Redis or Cluster instance');
    if (typeof (c.options?.keyPrefix ?? c.options?.redisOptions?.keyPrefix) === 'string' && (c.options?.keyPrefix ?? c.options?.redisOptions?.keyPrefix) !== '') {
      throw new KeywardConfigError('RedisRateLimitStore: "client" has an ioredis keyPrefix; use the "prefix" option instead');
    }
    if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
      throw new KeywardConfigError(`RedisRateLimitStore: "prefix" must be 1 to 64 letters, digits, "_", "-", "." or ":", got ${JSON.stringify(prefix)}`);
    }
    client!.defineCommand(COMMAND, { lua: CONSUME_LUA });
    this.#client = client as unknown as Scripted;
    this.#base = `{${prefix}}:rl:`;
  }

  async consume(request: RateLimitRequest): Promise<RateLimitDecision> {
    const keys: string[] = [];
    const args: Array<string | number> = [String(request.now), String(request.cost), String(request.buckets.length)];
    for (const b of request.buckets) {
      keys.push(this.#base + b.key);
      args.push(String(b.intervalMs), String(b.burst));
    }
    for (const q of request.quotas) {
      keys.push(this.#base + q.key);
      args.push(String(q.amount), String(q.periodStart), String(q.periodEnd));
    }
    const reply = await this.#client[COMMAND](keys.length, ...keys, ...args);
    const nb = request.buckets.length;
    return {
      allowed: reply[0] === '1',
      tats: reply.slice(1, 1 + nb).map(Number),
      remaining: reply.slice(1 + nb).map(Number),
    };
  }
}
