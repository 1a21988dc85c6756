import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { vi } from 'vitest';
import { createKeyward } from '@keyward/core';
import type { Keyward, KeywardOptions } from '@keyward/core';
import type { KeyStore } from '@keyward/core/store';
import { createTcpProxy } from '@keyward/core/testing';
import type { TcpProxy } from '@keyward/core/testing';
import { RedisKeyStore } from '@keyward/redis';

/** The Redis the tests use: `REDIS_URL`, default the local server. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Client options for tests, as the README advises for production: a command fails after one
 * reconnection attempt instead of waiting for Redis (keyward then answers 503), and reconnection
 * is retried quickly so recovery tests are fast.
 */
export const TEST_CLIENT_OPTIONS: RedisOptions = { maxRetriesPerRequest: 1, retryStrategy: () => 20, connectTimeout: 2_000 };

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

/** Two stores on one prefix: one straight on Redis, one through a TCP proxy that a test can stop or cut. */
export interface ProxiedStores {
  readonly proxy: TcpProxy;
  /** On a client connected straight to Redis: it keeps working while the proxy is down. */
  readonly directStore: RedisKeyStore;
  /** On a client connected through {@link ProxiedStores.proxy}. */
  readonly proxiedStore: RedisKeyStore;
  /** Closes both stores and the proxy, deletes the prefix's keys and disconnects both clients. */
  close(): Promise<void>;
}

/** The outage tests' setup: a TCP proxy in front of `REDIS_URL`, and a store on each side of it sharing `prefix`. */
export async function createProxiedStores(prefix: string): Promise<ProxiedStores> {
  const proxy = await createTcpProxy(redisTarget());
  const direct = createClient();
  const proxied = createClientVia(proxy.host, proxy.port);
  const directStore = new RedisKeyStore({ client: direct, prefix });
  const proxiedStore = new RedisKeyStore({ client: proxied, prefix });
  return {
    proxy,
    directStore,
    proxiedStore,
    async close() {
      await Promise.all([directStore.close(), proxiedStore.close()]);
      await proxy.close();
      proxied.disconnect();
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
