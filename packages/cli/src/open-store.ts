import type { KeyStore } from '@keyward/core/store';
import { CliError, EXIT, configError } from './exit-codes.js';

/** A store opened from `--store` / `KEYWARD_STORE`, with the client the CLI made for it. */
export interface OpenedStore {
  readonly kind: 'memory' | 'postgres' | 'pglite' | 'redis';
  readonly store: KeyStore;
  /** Create the PostgreSQL schema (postgres and pglite only). */
  readonly migrate?: () => Promise<void>;
  /** The table or key namespace, for messages (never the URL: it may hold a password). */
  readonly where: string;
  /** Release the store and end the client. */
  close(): Promise<void>;
}

/** Store settings beyond the URL. */
export interface StoreSettings {
  readonly pgSchema?: string | undefined;
  readonly pgTable?: string | undefined;
  readonly redisPrefix?: string | undefined;
}

const CONNECT_TIMEOUT_MS = 5_000;
const COMMAND_TIMEOUT_MS = 15_000;

/** Import an optional peer, or explain which package to install. */
async function load<T>(name: string, kind: string, importer: () => Promise<T>): Promise<T> {
  try {
    return await importer();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw configError(`a ${kind} store needs the ${name} package: install it next to @keyward/cli`, error);
    }
    throw error;
  }
}

/**
 * Open the store named by `spec`: `memory`, `postgres://…` / `postgresql://…`, `pglite:<dir>`,
 * `redis://…` / `rediss://…`. Only the driver of that store is imported.
 */
export async function openStore(spec: string | undefined, settings: StoreSettings): Promise<OpenedStore> {
  if (spec === undefined || spec.trim() === '') {
    throw configError('no store: set KEYWARD_STORE or pass --store (postgres://…, redis://…, pglite:<dir> or memory)');
  }
  if (spec === 'memory') {
    const { MemoryKeyStore } = await import('@keyward/core');
    return { kind: 'memory', store: new MemoryKeyStore(), where: 'memory (nothing is kept after this command)', close: async () => undefined };
  }
  if (/^postgres(ql)?:\/\//i.test(spec)) return openPostgres(spec, settings);
  if (/^pglite:/i.test(spec)) return openPGlite(spec.slice('pglite:'.length), settings);
  if (/^rediss?:\/\//i.test(spec)) return openRedis(spec, settings);
  const scheme = /^([a-z][a-z0-9+.-]{0,20}):/i.exec(spec)?.[1];
  throw configError(`unsupported store${scheme === undefined ? '' : ` scheme "${scheme}:"`}: use postgres://…, redis://…, pglite:<dir> or memory`);
}

async function postgresStore(client: unknown, settings: StoreSettings) {
  const { PostgresKeyStore } = await import('@keyward/postgres');
  const store = new PostgresKeyStore({
    client: client as never,
    ...(settings.pgSchema === undefined ? {} : { schema: settings.pgSchema }),
    ...(settings.pgTable === undefined ? {} : { table: settings.pgTable }),
    logger: false,
  });
  return store;
}

async function openPostgres(url: string, settings: StoreSettings): Promise<OpenedStore> {
  const pg = await load('pg', 'PostgreSQL', () => import('pg'));
  const Pool = ((pg as unknown as { default?: typeof pg }).default ?? pg).Pool;
  const pool = new Pool({
    connectionString: url,
    max: 2,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: COMMAND_TIMEOUT_MS,
    keepAlive: true, // with connectionTimeoutMillis, what the store checks for: a silent link is noticed
    idleTimeoutMillis: 1_000,
    allowExitOnIdle: true,
  });
  pool.on('error', () => undefined); // an idle client's error surfaces on the next query
  try {
    const store = await postgresStore(pool, settings);
    return {
      kind: 'postgres', store, where: `table ${store.table}`,
      migrate: () => store.migrate(),
      close: async () => {
        await store.close?.();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

async function openPGlite(dir: string, settings: StoreSettings): Promise<OpenedStore> {
  if (dir.trim() === '') throw configError('pglite: needs a data directory, e.g. pglite:./data/keys');
  const { PGlite } = await load('@electric-sql/pglite', 'PGlite', () => import('@electric-sql/pglite'));
  let db: InstanceType<typeof PGlite>;
  try {
    db = await PGlite.create(dir);
  } catch (error) {
    throw new CliError(EXIT.unavailable, `could not open the PGlite data directory: ${error instanceof Error ? error.message : 'unknown error'}`, { cause: error });
  }
  try {
    const store = await postgresStore(db, settings);
    return {
      kind: 'pglite', store, where: `table ${store.table}`,
      migrate: () => store.migrate(),
      close: async () => {
        await store.close?.();
        await db.close();
      },
    };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

async function openRedis(url: string, settings: StoreSettings): Promise<OpenedStore> {
  const ioredis = await load('ioredis', 'Redis', () => import('ioredis'));
  const Redis = ioredis.Redis ?? (ioredis as unknown as { default: typeof ioredis.Redis }).default;
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    socketTimeout: COMMAND_TIMEOUT_MS, // a connection that goes silent is dropped (the store checks for it)
    keepAlive: 10_000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null, // one attempt: a CLI reports the outage instead of waiting for it to end
  });
  let code: unknown;
  client.on('error', (error: unknown) => {
    code = (error as { code?: unknown } | null)?.code; // reported through the failing command
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    code ??= (error as { code?: unknown } | null)?.code;
    throw new CliError(EXIT.unavailable, `could not connect to Redis${typeof code === 'string' ? ` (${code})` : ''}`, { cause: error });
  }
  try {
    const { RedisKeyStore } = await import('@keyward/redis');
    const store = new RedisKeyStore({ client, ...(settings.redisPrefix === undefined ? {} : { prefix: settings.redisPrefix }) });
    return {
      kind: 'redis', store, where: `keys {${settings.redisPrefix ?? 'keyward'}}:*`,
      close: async () => {
        await store.close();
        await client.quit().catch(() => client.disconnect());
      },
    };
  } catch (error) {
    client.disconnect();
    throw error;
  }
}

/**
 * The store without its invalidation subscription: a one-shot command must not hold a subscriber
 * connection. It still publishes, so running applications drop a revoked key at once.
 */
export function withoutSubscription(store: KeyStore): KeyStore {
  return new Proxy(store, {
    get(target, name) {
      if (name === 'subscribe') return undefined;
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
