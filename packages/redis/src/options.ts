import type { Cluster, Redis } from 'ioredis';
import { checkOptions, KeywardConfigError } from '@keyward/core/store';
import type { OptionNames } from '@keyward/core/store';

/**
 * Options of {@link RedisKeyStore}. Checked once at construction; unknown options throw.
 *
 * @example
 * ```ts
 * const options: RedisKeyStoreOptions = { client: new Redis(url, { maxRetriesPerRequest: 1 }), prefix: 'keyward', retainExpiredMs: 86_400_000 };
 * const store = new RedisKeyStore(options);
 * ```
 */
export interface RedisKeyStoreOptions {
  /** Your ioredis `Redis` or `Cluster`. Used for every command and for `PUBLISH`; never closed by the store. */
  readonly client: Redis | Cluster;
  /**
   * A connection for `SUBSCRIBE` (a connection in subscriber mode can run no other command). Default:
   * `client.duplicate()`, opened at the first `subscribe()` and closed by `close()`. One you pass is
   * never closed by the store.
   */
  readonly subscriber?: Redis | Cluster;
  /**
   * Namespace of every key and of the channel, used as the cluster hash tag: keys are named
   * `{prefix}:...`. Letters, digits and `_ - . :`, at most 64 characters. Default `'keyward'`.
   */
  readonly prefix?: string;
  /**
   * How long (ms) Redis keeps a key after its `expiresAt` before evicting it (its `PEXPIREAT` is
   * `expiresAt + retainExpiredMs`). Meanwhile it answers `expired_api_key`, then `invalid_api_key`.
   * From 0 to 366 days. Default 86 400 000 (24 h).
   */
  readonly retainExpiredMs?: number;
  /**
   * How many audit events each organization's stream keeps (`XADD ... MAXLEN ~`): trimming is
   * approximate (whole stream nodes), so a stream may hold somewhat more, never fewer. From 1 to
   * 100 000 000. Default 10 000.
   */
  readonly auditMaxLength?: number;
  /**
   * How often (ms) the subscriber connection is checked with `PING`; one that does not answer
   * within 2 s (or the client's `socketTimeout`) is reconnected, and subscribers get a `reset`. 0
   * turns the check off. Default 5 000.
   */
  readonly heartbeatMs?: number;
  /**
   * Where warnings go (client settings missing, invalidation channel lost; never key material);
   * `false` silences them. Default `console`.
   */
  readonly logger?: { warn(message: string): void } | false;
}

/** The checked options, with defaults applied. */
export interface ResolvedOptions {
  readonly client: Redis | Cluster;
  readonly subscriber: Redis | Cluster | null;
  readonly prefix: string;
  readonly retainExpiredMs: number;
  readonly auditMaxLength: number;
  readonly heartbeatMs: number;
  readonly warn: (message: string) => void;
}

const KNOWN: OptionNames<RedisKeyStoreOptions> = {
  client: true, subscriber: true, prefix: true, retainExpiredMs: true, auditMaxLength: true, heartbeatMs: true, logger: true,
};
const MAX_AUDIT_LENGTH = 100_000_000;
const PREFIX = /^[A-Za-z0-9_.:-]{1,64}$/;
const MAX_RETAIN_MS = 366 * 86_400_000;

/** Validates the options of `new RedisKeyStore(...)` once, throwing a {@link KeywardConfigError} naming the culprit. */
export function resolveOptions(options: RedisKeyStoreOptions): ResolvedOptions {
  // checkOptions accepts a missing object (adapter options are optional); the store's are not.
  if (options === undefined) fail('options must be an object: new RedisKeyStore({ client })');
  const { client, subscriber, prefix = 'keyward', retainExpiredMs = 86_400_000, auditMaxLength = 10_000, heartbeatMs = 5_000, logger } =
    checkOptions('RedisKeyStore', options, KNOWN);
  if (!looksLikeIoredis(client)) fail('"client" must be an ioredis Redis or Cluster instance');
  if (keyPrefixOf(client) !== '') {
    fail('"client" has an ioredis keyPrefix, which the store\'s Lua scripts cannot see; use the "prefix" option instead');
  }
  if (subscriber !== undefined) {
    if (!looksLikeIoredis(subscriber)) fail('"subscriber" must be an ioredis Redis or Cluster instance');
    if (subscriber === client) fail('"subscriber" must be a separate connection from "client" (e.g. client.duplicate())');
  }
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    fail(`"prefix" must be 1 to 64 letters, digits, "_", "-", "." or ":", got ${JSON.stringify(prefix)}`);
  }
  if (typeof retainExpiredMs !== 'number' || !Number.isSafeInteger(retainExpiredMs) || retainExpiredMs < 0 || retainExpiredMs > MAX_RETAIN_MS) {
    fail(`"retainExpiredMs" must be an integer from 0 to ${MAX_RETAIN_MS}, got ${JSON.stringify(retainExpiredMs)}`);
  }
  if (typeof auditMaxLength !== 'number' || !Number.isSafeInteger(auditMaxLength) || auditMaxLength < 1 || auditMaxLength > MAX_AUDIT_LENGTH) {
    fail(`"auditMaxLength" must be an integer from 1 to ${MAX_AUDIT_LENGTH}, got ${JSON.stringify(auditMaxLength)}`);
  }
  if (typeof heartbeatMs !== 'number' || !Number.isSafeInteger(heartbeatMs) || heartbeatMs < 0 || heartbeatMs > 600_000) {
    fail(`"heartbeatMs" must be an integer from 0 to 600000, got ${JSON.stringify(heartbeatMs)}`);
  }
  if (logger !== undefined && logger !== false && typeof (logger as { warn?: unknown } | null)?.warn !== 'function') {
    fail('"logger" must have a warn(message) method, or be false');
  }
  const sink = logger === false ? null : (logger ?? console);
  const warn = (message: string) => sink?.warn(message);
  const missing = missingClientSettings(client);
  if (missing.length > 0) {
    warn(`RedisKeyStore: the ioredis client lacks ${missing.join(', ')}; without them a connection that goes silent is never replaced and its commands hang (see "Recovery bounds" in the README)`);
  }
  return { client, subscriber: subscriber ?? null, prefix, retainExpiredMs, auditMaxLength, heartbeatMs, warn };
}

/**
 * The client settings that make a stuck connection give up, missing from `client`, each named with
 * what to set: `socketTimeout` (ioredis >= 5.5: a connection that sends no reply in time is
 * destroyed and reconnected, its commands rejected) and `keepAlive`.
 */
export function missingClientSettings(client: Redis | Cluster): string[] {
  const options = client.options as { socketTimeout?: unknown; keepAlive?: unknown; redisOptions?: { socketTimeout?: unknown; keepAlive?: unknown } };
  const socketTimeout = options.socketTimeout ?? options.redisOptions?.socketTimeout;
  const keepAlive = options.keepAlive ?? options.redisOptions?.keepAlive;
  const missing: string[] = [];
  if (!(typeof socketTimeout === 'number' && socketTimeout > 0)) missing.push('socketTimeout (e.g. 2000: a connection that stops answering is replaced)');
  if (!(typeof keepAlive === 'number' && keepAlive > 0)) missing.push('keepAlive (e.g. 10000: a dead peer is noticed by the kernel)');
  return missing;
}

function fail(message: string): never {
  throw new KeywardConfigError(`RedisKeyStore: ${message}`);
}

function looksLikeIoredis(value: unknown): value is Redis | Cluster {
  if (typeof value !== 'object' || value === null) return false;
  const methods = ['defineCommand', 'duplicate', 'hgetall', 'publish', 'subscribe', 'pipeline'];
  return methods.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
}

/** The `keyPrefix` ioredis would add to every key of `client` ('' for none). */
function keyPrefixOf(client: Redis | Cluster): string {
  const options = client.options as { keyPrefix?: unknown; redisOptions?: { keyPrefix?: unknown } };
  const prefix = options.keyPrefix ?? options.redisOptions?.keyPrefix;
  return typeof prefix === 'string' ? prefix : '';
}
