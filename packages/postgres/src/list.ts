import type { ApiKeyPage, ListByOwnerQuery } from '@keyward/core/store';
import type { Queryable } from './client.js';
import { iso, SELECT_LIST, toRecord } from './rows.js';

/**
 * One page of the live keys whose `column` (`owner_id` or `org_id`) equals `value`: not revoked,
 * not expired at `query.now`, by (`created_at`, `id` bytewise), after `query.after`. The
 * condition and the order are those of the partial index of live keys on (`column`, created_at,
 * id COLLATE "C") WHERE revoked_at IS NULL, so a page never reads revoked history; one row past the
 * limit tells whether more follow.
 *
 * @example
 * ```ts
 * const page = await listLive(db, '"api_keys"', 'org_id', 'org_1', { now: new Date(), limit: 20 });
 * ```
 */
export async function listLive(
  db: Queryable,
  table: string,
  column: 'owner_id' | 'org_id',
  value: string,
  query: ListByOwnerQuery,
): Promise<ApiKeyPage> {
  const values: unknown[] = [value, iso(query.now), query.limit + 1];
  let from = '';
  if (query.after) {
    values.push(iso(query.after.createdAt), query.after.id);
    from = 'AND (created_at > $4::timestamptz OR (created_at = $4::timestamptz AND id COLLATE "C" > $5))';
  }
  const { rows } = await db.query(
    `SELECT ${SELECT_LIST} FROM ${table}
     WHERE ${column} = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2::timestamptz) ${from}
     ORDER BY created_at, id COLLATE "C" LIMIT $3`,
    values,
  );
  const records = rows.slice(0, query.limit).map(toRecord);
  const last = records.at(-1);
  return { records, next: rows.length > query.limit && last !== undefined ? { createdAt: last.createdAt, id: last.id } : null };
}
