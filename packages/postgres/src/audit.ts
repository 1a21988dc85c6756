import type { AuditPage, AuditQuery, AuditRecord } from '@keyward/core/store';
import type { Queryable } from './client.js';
import { iso } from './rows.js';

const AUDIT_COLUMNS = 'id, type, at, org_id, key_id, actor, request_id, data';

/**
 * Writes one audit event into the audit table `table`. An id already written is left as it was
 * (events never change once written), so a repeated append is harmless.
 *
 * @example
 * ```ts
 * await insertAudit(db, '"keyward_api_keys_audit"', record);
 * ```
 */
export async function insertAudit(db: Queryable, table: string, record: AuditRecord): Promise<void> {
  await db.query(
    `INSERT INTO ${table} (${AUDIT_COLUMNS}) VALUES ($1, $2, $3::timestamptz, $4, $5, $6, $7, $8::jsonb) ON CONFLICT (id) DO NOTHING`,
    [record.id, record.type, iso(record.at), record.orgId, record.keyId, record.actor, record.requestId, JSON.stringify(record.data)],
  );
}

/**
 * One page of the events of `orgId` (`null`: keys without an organization), newest first by
 * (`at`, `id` bytewise), strictly before `query.before`: the order of the index on
 * (org_id, at DESC, id COLLATE "C" DESC), which serves both `org_id = $1` and `org_id IS NULL`.
 *
 * @example
 * ```ts
 * const page = await selectAudit(db, '"keyward_api_keys_audit"', 'org_1', { limit: 50 });
 * ```
 */
export async function selectAudit(db: Queryable, table: string, orgId: string | null, query: AuditQuery): Promise<AuditPage> {
  const values: unknown[] = [query.limit + 1];
  const org = orgId === null ? 'org_id IS NULL' : `org_id = $${values.push(orgId)}`;
  let before = '';
  if (query.before) {
    const at = values.push(iso(query.before.at));
    const id = values.push(query.before.id);
    before = `AND (at < $${at}::timestamptz OR (at = $${at}::timestamptz AND id COLLATE "C" < $${id}))`;
  }
  const { rows } = await db.query(
    // org_id leads the ORDER BY although it is fixed: PostgreSQL does not derive the index order from
    // `org_id IS NULL` as it does from `org_id = $n`, and would sort the org-less events otherwise.
    `SELECT ${AUDIT_COLUMNS} FROM ${table} WHERE ${org} ${before} ORDER BY org_id, at DESC, id COLLATE "C" DESC LIMIT $1`,
    values,
  );
  const records = rows.slice(0, query.limit).map(toAuditRecord);
  const last = records.at(-1);
  return { records, next: rows.length > query.limit && last !== undefined ? { at: new Date(last.at.getTime()), id: last.id } : null };
}

const nullableText = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/** An {@link AuditRecord} (exactly its fields) from a row of the audit table. */
function toAuditRecord(row: unknown): AuditRecord {
  const r = row as Record<'id' | 'type' | 'at' | 'org_id' | 'key_id' | 'actor' | 'request_id' | 'data', unknown>;
  const data: unknown = typeof r.data === 'string' ? JSON.parse(r.data) : r.data;
  return {
    id: String(r.id),
    type: String(r.type),
    at: r.at instanceof Date ? new Date(r.at.getTime()) : new Date(String(r.at)),
    orgId: nullableText(r.org_id),
    keyId: nullableText(r.key_id),
    actor: String(r.actor),
    requestId: nullableText(r.request_id),
    data: typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {},
  };
}
