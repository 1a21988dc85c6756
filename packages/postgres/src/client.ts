import { KeywardConfigError } from '@keyward/core/store';

/** What the store needs of a query result: the rows. Both `pg` and PGlite results have them. */
export interface QueryResultLike {
  readonly rows: readonly unknown[];
}

/** Anything that runs one parameterised statement: a `pg` Pool or PoolClient, PGlite or its transaction. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<QueryResultLike>;
}

/** A message of a `pg` LISTEN connection. */
export interface PgNotification {
  readonly channel: string;
  readonly payload?: string | undefined;
}

/**
 * One `pg` statement. `query_timeout` is pg's own bound (the store sets it on every statement): when
 * it passes, pg fails the query and the pool discards the connection instead of reusing it, so a
 * connection that went silent gives its slot back.
 */
export interface PgQueryConfig {
  readonly text: string;
  readonly values?: unknown[];
  readonly query_timeout?: number;
}

/** What runs a {@link PgQueryConfig}: a `pg.Pool` or one of its clients. */
export interface PgQueryable {
  query(config: PgQueryConfig): Promise<QueryResultLike>;
}

/**
 * The part of a `pg.PoolClient` the store uses (structural, so `pg` stays an optional peer):
 * queries, `release`, and the events of the held LISTEN connection.
 */
export interface PgPoolClientLike extends PgQueryable {
  release(error?: Error | boolean): void;
  on(event: 'notification', listener: (message: PgNotification) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  removeListener(event: 'notification', listener: (message: PgNotification) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'end', listener: () => void): unknown;
}

/** The pool settings the store checks (see the README's "recovery bounds"). */
export interface PgPoolSettings {
  readonly connectionTimeoutMillis?: number;
  readonly keepAlive?: boolean;
}

/**
 * The part of a `pg.Pool` the store uses. A single `pg.Client` is not enough: transactions check out a client.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * const client: PgPoolLike = new pg.Pool({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 2_000, keepAlive: true });
 * ```
 */
export interface PgPoolLike extends PgQueryable {
  connect(): Promise<PgPoolClientLike>;
  readonly options?: PgPoolSettings;
}

/**
 * The part of a PGlite instance (`@electric-sql/pglite`) the store uses.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * const client: PGliteLike = await PGlite.create('./data/keys');
 * ```
 */
export interface PGliteLike extends Queryable {
  exec(text: string): Promise<unknown>;
  transaction<T>(callback: (tx: Queryable & { exec(text: string): Promise<unknown> }) => Promise<T>): Promise<T>;
  listen(channel: string, callback: (payload: string) => void): Promise<(tx?: never) => Promise<void>>;
}

/**
 * The user's client: a `pg.Pool`, or a PGlite instance (in memory or on a data directory). The
 * store tells them apart by capability (PGlite has `transaction` and `listen`), never by import.
 *
 * @example
 * ```ts
 * const client: PostgresClient = url.startsWith('pglite:') ? await PGlite.create(url.slice(7)) : new pg.Pool({ connectionString: url });
 * ```
 */
export type PostgresClient = PgPoolLike | PGliteLike;

/** A transaction: statements of one session, plus multi-statement SQL. */
export interface Session extends Queryable {
  /** Runs SQL that may hold several statements and no parameters (the schema). */
  exec(text: string): Promise<void>;
}

/** How the store reaches the database, the same for `pg` and PGlite. */
export interface Database extends Queryable {
  /** Runs `work` in one transaction (BEGIN ... COMMIT, ROLLBACK when it throws). */
  transaction<T>(work: (session: Session) => Promise<T>): Promise<T>;
  readonly kind: 'pg' | 'pglite';
}

/** True when `client` has PGlite's capabilities (`transaction` + `listen`). */
export function isPGlite(client: PostgresClient): client is PGliteLike {
  const c = client as Partial<PGliteLike>;
  return typeof c.transaction === 'function' && typeof c.listen === 'function' && typeof c.exec === 'function';
}

/**
 * Wraps the user's client into the store's {@link Database}, choosing by capability (no runtime
 * import of `pg` or PGlite). Every `pg` statement is bounded by `queryTimeoutMs`. Throws
 * `KeywardConfigError` for anything else.
 */
export function toDatabase(client: unknown, queryTimeoutMs: number): Database {
  if (typeof client !== 'object' || client === null || typeof (client as Queryable).query !== 'function') {
    throw new KeywardConfigError('PostgresKeyStore: "client" must be a pg.Pool or a PGlite instance');
  }
  if (isPGlite(client as PostgresClient)) return fromPGlite(client as PGliteLike);
  const pool = client as Partial<PgPoolLike> & { processID?: unknown };
  if (typeof pool.connect !== 'function' || 'processID' in pool) {
    throw new KeywardConfigError('PostgresKeyStore: "client" must be a pg.Pool (not a single pg.Client) or a PGlite instance');
  }
  return fromPool(pool as PgPoolLike, queryTimeoutMs);
}

/**
 * The pool settings a stuck call needs to give its connection back, missing from `pool`: each one
 * named with what to set. Empty for a pool that has them all.
 */
export function missingPoolSettings(pool: PgPoolLike): string[] {
  const settings = pool.options ?? {};
  const missing: string[] = [];
  if (!(typeof settings.connectionTimeoutMillis === 'number' && settings.connectionTimeoutMillis > 0)) {
    missing.push('connectionTimeoutMillis (e.g. 2000: waiting for a connection, or opening one, is bounded)');
  }
  if (settings.keepAlive !== true) missing.push('keepAlive: true (a dead peer is noticed by the kernel)');
  return missing;
}

function fromPGlite(db: PGliteLike): Database {
  return {
    kind: 'pglite',
    query: (text, values) => db.query(text, values),
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          query: (text, values) => tx.query(text, values),
          exec: async (text) => {
            await tx.exec(text);
          },
        }),
      ),
  };
}

function fromPool(pool: PgPoolLike, queryTimeoutMs: number): Database {
  const on = (target: PgQueryable): Queryable => ({
    query: (text, values) => target.query({ text, values, query_timeout: queryTimeoutMs }),
  });
  return {
    kind: 'pg',
    query: on(pool).query,
    async transaction(work) {
      const client = await pool.connect();
      const session = on(client);
      try {
        await session.query('BEGIN');
        // A query without values uses the simple protocol, which accepts several statements.
        const result = await work({ query: session.query, exec: async (text) => void (await session.query(text)) });
        await session.query('COMMIT');
        client.release();
        return result;
      } catch (error) {
        try {
          await session.query('ROLLBACK');
          client.release();
        } catch (rollbackError) {
          // The connection is broken (or silent): let the pool discard it.
          client.release(rollbackError instanceof Error ? rollbackError : true);
        }
        throw error;
      }
    },
  };
}

/**
 * The advisory lock every keyward migration holds for its transaction (key store and rate-limit
 * store alike): two of them creating the same schema at once would otherwise race on
 * `CREATE SCHEMA IF NOT EXISTS`, which is not concurrency-safe in PostgreSQL.
 */
export const MIGRATION_LOCK = 'keyward:migrate';

/** SQLSTATEs of a catalog race: an object created by another session in between (`unique_violation`, `duplicate_schema`, `duplicate_table`, `duplicate_object`). */
const CATALOG_RACE = new Set(['23505', '42P06', '42P07', '42710']);

/**
 * Run idempotent schema SQL in one transaction under {@link MIGRATION_LOCK}. The lock serializes
 * keyward's own migrations, but a session that waited on it may still check `IF NOT EXISTS`
 * against catalogs as they were before the other migration committed; the statements are
 * idempotent, so such a race is retried (twice at most) rather than reported.
 */
export async function runMigration(db: Database, sql: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.transaction(async (session) => {
        await session.query('SELECT pg_advisory_xact_lock(hashtext($1))', [MIGRATION_LOCK]);
        await session.exec(sql);
      });
      return;
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (attempt >= 2 || typeof code !== 'string' || !CATALOG_RACE.has(code)) throw error;
    }
  }
}
