import { KeywardConfigError } from '@keyward/core/store';

/** Where the counters live: both lowercase SQL identifiers, always quoted. */
export interface RateLimitTableOptions {
  /** Table name. Default `keyward_rate_limits`; the decision function is `<table>_consume`. */
  readonly table?: string;
  /** Schema of the table and function; created by `migrate()` if missing. Default: the connection's `search_path`. */
  readonly schema?: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,39}$/;

function checkIdentifier(value: unknown, option: string): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw new KeywardConfigError(`PostgresRateLimitStore: "${option}" must be a lowercase SQL identifier (a-z, 0-9, _; at most 40 characters), got ${JSON.stringify(value)}`);
  }
  return value;
}

/** The quoted names of the table and its function. */
export function rateLimitNames(options: RateLimitTableOptions = {}) {
  const table = checkIdentifier(options.table ?? 'keyward_rate_limits', 'table');
  const schema = options.schema === undefined ? null : checkIdentifier(options.schema, 'schema');
  const q = (name: string) => (schema === null ? `"${name}"` : `"${schema}"."${name}"`);
  return { schema, table: q(table), consume: q(`${table}_consume`), expiresIndex: `"${table}_expires_idx"` };
}

/**
 * The DDL of the counters, idempotent: one row per counter (a GCRA bucket's `tat`, or a quota's
 * period and what remains of it, all in ms or units as `double precision`), and the decision
 * function. The function makes one decision in one statement: it creates the rows it needs, locks
 * them all in key order (concurrent decisions on a counter queue up; two decisions never deadlock),
 * applies the arithmetic of the `RateLimitStore` contract, and writes only when every counter
 * admits the cost. Its transaction commits without waiting for the WAL flush
 * (`synchronous_commit = off`, for that transaction only): a database crash may forget the last
 * fraction of a second of counting, which a rate limiter can afford, and a decision costs no fsync.
 *
 * @example
 * ```ts
 * await pool.query(rateLimitSchemaSql({ schema: 'auth' })); // or: await new PostgresRateLimitStore({ client: pool }).migrate()
 * ```
 */
export function rateLimitSchemaSql(options: RateLimitTableOptions = {}): string {
  const n = rateLimitNames(options);
  return `${n.schema === null ? '' : `CREATE SCHEMA IF NOT EXISTS "${n.schema}";\n`}CREATE TABLE IF NOT EXISTS ${n.table} (
  key text PRIMARY KEY,
  tat double precision,
  period_start double precision,
  remaining double precision,
  expires_at double precision NOT NULL
);
CREATE INDEX IF NOT EXISTS ${n.expiresIndex} ON ${n.table} (expires_at);
CREATE OR REPLACE FUNCTION ${n.consume}(
  p_now double precision, p_cost double precision,
  p_bucket_keys text[], p_intervals double precision[], p_bursts double precision[],
  p_quota_keys text[], p_amounts double precision[], p_period_starts double precision[], p_period_ends double precision[]
) RETURNS TABLE (allowed boolean, tats double precision[], remaining double precision[])
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  all_keys text[] := ARRAY(SELECT k FROM unnest(p_bucket_keys || p_quota_keys) AS k ORDER BY k);
  nb int := coalesce(array_length(p_bucket_keys, 1), 0);
  nq int := coalesce(array_length(p_quota_keys, 1), 0);
  ok boolean := true;
  cur double precision[] := '{}';
  nxt double precision[] := '{}';
  rems double precision[] := '{}';
  t double precision;
  r double precision;
  row_tat double precision;
  row_start double precision;
  row_remaining double precision;
BEGIN
  -- Counters need no fsync per decision: a crash may forget the last instants of counting, never
  -- more. Local to this statement's transaction; the caller's other writes are not affected.
  PERFORM set_config('synchronous_commit', 'off', true);
  INSERT INTO ${n.table} (key, expires_at) SELECT k, 0 FROM unnest(all_keys) AS k ORDER BY k ON CONFLICT (key) DO NOTHING;
  PERFORM 1 FROM ${n.table} WHERE key = ANY(all_keys) ORDER BY key FOR UPDATE;
  FOR i IN 1 .. nb LOOP
    SELECT c.tat INTO row_tat FROM ${n.table} AS c WHERE c.key = p_bucket_keys[i];
    t := greatest(coalesce(row_tat, p_now), p_now);
    IF t + p_cost * p_intervals[i] - p_bursts[i] * p_intervals[i] > p_now THEN ok := false; END IF;
    cur := cur || t;
    nxt := nxt || (t + p_cost * p_intervals[i]);
  END LOOP;
  FOR i IN 1 .. nq LOOP
    SELECT c.period_start, c.remaining INTO row_start, row_remaining FROM ${n.table} AS c WHERE c.key = p_quota_keys[i];
    r := CASE WHEN row_start = p_period_starts[i] AND row_remaining IS NOT NULL THEN row_remaining ELSE p_amounts[i] END;
    IF r < p_cost THEN ok := false; END IF;
    rems := rems || r;
  END LOOP;
  IF NOT ok THEN
    RETURN QUERY SELECT false, cur, rems;
    RETURN;
  END IF;
  FOR i IN 1 .. nb LOOP
    UPDATE ${n.table} SET tat = nxt[i], expires_at = nxt[i] WHERE key = p_bucket_keys[i];
  END LOOP;
  FOR i IN 1 .. nq LOOP
    rems[i] := rems[i] - p_cost;
    UPDATE ${n.table} SET period_start = p_period_starts[i], remaining = rems[i], expires_at = p_period_ends[i] WHERE key = p_quota_keys[i];
  END LOOP;
  RETURN QUERY SELECT true, nxt, rems;
END
$fn$;
`;
}
