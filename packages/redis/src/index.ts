/**
 * `@keyward/redis`: a keyward `KeyStore` on Redis through your ioredis client (standalone or cluster).
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { RedisKeyStore } from '@keyward/redis';
 * const store = new RedisKeyStore({ client: new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1, socketTimeout: 2_000, keepAlive: 10_000 }) });
 * ```
 *
 * @module
 */
export { RedisKeyStore } from './redis-store.js';
export type { RedisKeyStoreOptions } from './options.js';
export { RedisKeyStoreError } from './errors.js';
export { RedisRateLimitStore } from './rate-limit-store.js';
export type { RedisRateLimitStoreOptions } from './rate-limit-store.js';
