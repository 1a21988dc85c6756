import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { vi } from 'vitest';
import { createKeyward } from '@keyward/core';
import type { Keyward, KeywardOptions } from '@keyward/core';
import type { KeyStore } from '@keyward/core/store';
import { createTcpProxy } from '@keyward/core/testing';
import type { InvalidationContractFixture } from '@keyward/core/testing';
import { RedisKeyStore, RedisKeyStoreError } from '@keyward/redis';
import { expect } from 'vitest';

/** The Redis the tests use: `REDIS_URL`, default the local server. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Client options for tests, as the README advises for production: a command fails after one
 * reconnection attempt instead of waiting for Redis (keyward then answers 503), a silent connection
 * is replaced, and reconnection is retried quickly so recovery tests are fast.
 */
export const TEST_CLIENT_OPTIONS: RedisOptions = {
  maxRetriesPerRequest: 1,
  retryStrategy: () => 20,
  connectTimeout: 2_000,
  // The recovery bounds of the README: a connection that stops answering is replaced.
  socketTimeout: 1_000,
  keepAlive: 10_000,
};

async function probe(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Whether the Redis of `REDIS_URL` answers; when not, the Redis tests are skipped with a warning naming REDIS_URL. */
export const reachable = await probe();
if (!reachable) console.warn(`@keyward/redis tests skipped: no Redis reachable at REDIS_URL (${REDIS_URL}). Set REDIS_URL to run them.`);

/** A fresh client on `REDIS_URL` (or `options` host/port) with {@link TEST_CLIENT_OPTIONS}. */
export function createClient(options: RedisOptions = {}): Redis {
  const client = new Redis(REDIS_URL, { ...TEST_CLIENT_OPTIONS, ...options });
  client.on('error', () => undefined);
  return client;
}

/** A store prefix no other test file or run uses. */
export function randomPrefix(): string {
  return `kwtest_${randomBytes(6).toString('hex')}`;
}

/** Every key name of the store with this prefix (SCAN, never KEYS). */
export async function keysOf(client: Redis, prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const batch of client.scanStream({ match: `{${prefix}}:*`, count: 500 })) names.push(...(batch as string[]));
  return names;
}

/** Deletes every key of the store with this prefix. */
export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  const names = await keysOf(client, prefix);
  for (let i = 0; i < names.length; i += 500) await client.del(...names.slice(i, i + 500));
}

/** Host and port of `REDIS_URL`, for a TCP proxy in front of it. */
export function redisTarget(): { host: string; port: number } {
  const url = new URL(REDIS_URL);
  return { host: url.hostname || '127.0.0.1', port: Number(url.port || 6379) };
}

/** A test pepper (32+ bytes). */
export const PEPPER = 'redis-store-test-pepper-0123456789abcdef';

/** A keyward instance on `store` with a long cache TTL: it only drops a key early through invalidation events. */
export function createTestKeyward(store: KeyStore, options: Partial<KeywardOptions> = {}): Keyward {
  return createKeyward({ store, prefixes: ['eck_test_'], pepper: PEPPER, cache: { ttlMs: 600_000 }, logger: false, ...options });
}

/** A client like {@link createClient}, but connecting to `host:port` (a proxy) with REDIS_URL's credentials and db. */
export function createClientVia(host: string, port: number, options: RedisOptions = {}): Redis {
  const url = new URL(REDIS_URL);
  url.hostname = host;
  url.port = String(port);
  const client = new Redis(url.toString(), { ...TEST_CLIENT_OPTIONS, ...options });
  client.on('error', () => undefined);
  return client;
}

/**
 * The invalidation contract's fixture: a TCP proxy in front of `REDIS_URL`, a store straight on
 * Redis, and stores on the same prefix through the proxy (heartbeat every 200 ms).
 */
export async function createInvalidationFixture(prefix: string): Promise<InvalidationContractFixture> {
  const proxy = await createTcpProxy(redisTarget());
  const direct = createClient();
  const directStore = new RedisKeyStore({ client: direct, prefix });
  const warnings: string[] = [];
  return {
    proxy,
    direct: directStore,
    async connect() {
      const client = createClientVia(proxy.host, proxy.port);
      const store = new RedisKeyStore({ client, prefix, heartbeatMs: 200, logger: { warn: (m) => void warnings.push(m) } });
      return {
        store,
        async close() {
          await store.close();
          client.disconnect();
        },
      };
    },
    expectStoreError(error) {
      expect(error).toBeInstanceOf(RedisKeyStoreError);
      expect((error as Error).message).toMatch(/^RedisKeyStore\.findByHash failed: \w+$/);
      expect((error as Error).cause).toBeUndefined();
    },
    async cleanup() {
      expect(warnings.join('\n')).not.toMatch(/[0-9a-f]{64}/); // warnings never carry a key hash
      await directStore.close();
      await proxy.close();
      await deleteKeys(direct, prefix);
      direct.disconnect();
    },
  };
}

/** Polls `predicate` until it holds (vitest's `vi.waitFor` with a boolean condition). */
export function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 2_000): Promise<void> {
  return vi.waitFor(async () => {
    if (!(await predicate())) throw new Error(`condition not met within ${timeoutMs} ms`);
  }, { timeout: timeoutMs, interval: 10 });
}
