import { KeywardConfigError, checkOptions, checkRange } from '@keyward/core/store';
import type { OptionNames, RateLimitDecision, RateLimitRequest, RateLimitStore } from '@keyward/core/store';
import type { Database, PostgresClient } from './client.js';
import { runMigration, toDatabase } from './client.js';
import { rateLimitNames, rateLimitSchemaSql } from './rate-limit-schema.js';

/** Options of {@link PostgresRateLimitStore}. */
export interface PostgresRateLimitStoreOptions {
  /** Your `pg.Pool`, or a PGlite instance. Never ended or closed by the store. */
  readonly client: PostgresClient;
  /** Table name (lowercase identifier). Default `keyward_rate_limits`. */
  readonly table?: string;
  /** Schema of the table, created by `migrate()` if missing. Default: the connection's `search_path`. */
  readonly schema?: string;
  /**
   * pg's `query_timeout` on every decision (ms): a statement stuck on a silent connection fails
   * and gives its pooled connection back, as for {@link PostgresKeyStore}. Default 2 000.
   */
  readonly queryTimeoutMs?: number;
}

const NAMES: OptionNames<PostgresRateLimitStoreOptions> = { client: true, table: true, schema: true, queryTimeoutMs: true };

/**
 * keyward's rate-limit counters in PostgreSQL (a `pg.Pool` or PGlite), shared by every instance on
 * the database: one statement per decision (`SELECT * FROM keyward_rate_limits_consume(...)`, a
 * function `migrate()` creates), atomic under concurrency. Rows that no longer matter can be
 * deleted with {@link PostgresRateLimitStore.prune} (e.g. hourly); they never change a decision.
 *
 * @example
 * ```ts
 * import { PostgresRateLimitStore } from '@keyward/postgres';
 * const limits = new PostgresRateLimitStore({ client: pool });
 * await limits.migrate();
 * createKeyward({ store, prefixes, rateLimit: { store: limits, limits: [{ name: 'per-minute', limit: 60, windowSeconds: 60 }] } });
 * ```
 */
export class PostgresRateLimitStore implements RateLimitStore {
  readonly #db: Database;
  readonly #names: ReturnType<typeof rateLimitNames>;
  readonly #options: { table?: string; schema?: string };
  readonly #sql: string;

  constructor(options: PostgresRateLimitStoreOptions) {
    if (options === undefined) throw new KeywardConfigError('PostgresRateLimitStore: options must be an object: new PostgresRateLimitStore({ client })');
    const o = checkOptions('PostgresRateLimitStore', options, NAMES);
    checkRange('PostgresRateLimitStore', o.queryTimeoutMs, 'queryTimeoutMs', 1, 600_000, true);
    try {
      this.#db = toDatabase(o.client, o.queryTimeoutMs ?? 2_000);
    } catch {
      throw new KeywardConfigError('PostgresRateLimitStore: "client" must be a pg.Pool or a PGlite instance');
    }
    this.#options = { ...(o.table === undefined ? {} : { table: o.table }), ...(o.schema === undefined ? {} : { schema: o.schema }) };
    this.#names = rateLimitNames(this.#options);
    this.#sql = `SELECT allowed, tats, remaining FROM ${this.#names.consume}($1, $2, $3::text[], $4::float8[], $5::float8[], $6::text[], $7::float8[], $8::float8[], $9::float8[])`;
  }

  /** Create the table and the decision function if missing (idempotent; safe from several instances at once). */
  async migrate(): Promise<void> {
    await runMigration(this.#db, rateLimitSchemaSql(this.#options));
  }

  async consume(request: RateLimitRequest): Promise<RateLimitDecision> {
    const { buckets, quotas } = request;
    const result = await this.#db.query(this.#sql, [
      request.now, request.cost,
      buckets.map((b) => b.key), buckets.map((b) => b.intervalMs), buckets.map((b) => b.burst),
      quotas.map((q) => q.key), quotas.map((q) => q.amount), quotas.map((q) => q.periodStart), quotas.map((q) => q.periodEnd),
    ]);
    const row = result.rows[0] as { allowed: boolean; tats: Array<number | string> | null; remaining: Array<number | string> | null };
    return { allowed: row.allowed, tats: (row.tats ?? []).map(Number), remaining: (row.remaining ?? []).map(Number) };
  }

  /** Delete the counters that no longer matter at `now` (buckets back to full, quotas of past periods). Returns how many. */
  async prune(now: number = Date.now()): Promise<number> {
    const result = await this.#db.query(`WITH gone AS (DELETE FROM ${this.#names.table} WHERE expires_at <= $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`, [now]);
    return (result.rows[0] as { n: number }).n;
  }
}
