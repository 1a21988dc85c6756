import type { ApiKeyRecord } from '@keyward/core/store';

/** The columns of a record, in the order of {@link recordValues}. */
export const COLUMNS = [
  'id', 'hash', 'pepper_id', 'prefix', 'start', 'owner_id', 'org_id', 'nickname', 'scopes', 'metadata',
  'created_at', 'updated_at', 'expires_at', 'revoked_at', 'last_used_at', 'replaced_by_id',
] as const;

/** SQL casts of the parameters of {@link recordValues}, so both drivers type them alike. */
const CASTS: Partial<Record<(typeof COLUMNS)[number], string>> = {
  scopes: 'text[]', metadata: 'jsonb', created_at: 'timestamptz', updated_at: 'timestamptz',
  expires_at: 'timestamptz', revoked_at: 'timestamptz', last_used_at: 'timestamptz',
};

/** `$1, $2::text[], ...` for an INSERT of {@link COLUMNS}. */
export const VALUE_PLACEHOLDERS = COLUMNS.map((column, i) => `$${i + 1}${CASTS[column] ? `::${CASTS[column]}` : ''}`).join(', ');

/** The column list for SELECT/RETURNING. */
export const SELECT_LIST = COLUMNS.join(', ');

/** Parameters of an INSERT of `record`, in {@link COLUMNS} order. Dates go as ISO strings (UTC, ms). */
export function recordValues(record: ApiKeyRecord): unknown[] {
  return [
    record.id, record.hash, record.pepperId, record.prefix, record.start, record.ownerId, record.orgId, record.nickname,
    [...record.scopes], JSON.stringify(record.metadata),
    iso(record.createdAt), iso(record.updatedAt), iso(record.expiresAt), iso(record.revokedAt), iso(record.lastUsedAt),
    record.replacedById,
  ];
}

/** A `Date` as an ISO string, `null` kept. */
export function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

/** A timestamptz as returned by the driver (a `Date`, or a string under a custom type parser). */
function toDate(value: unknown): Date {
  return value instanceof Date ? new Date(value.getTime()) : new Date(String(value));
}

function toNullableDate(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}

/** jsonb as returned by the driver (parsed, or a string under a custom type parser). */
function toMetadata(value: unknown): Record<string, unknown> {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

const nullableText = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/** Builds an {@link ApiKeyRecord} (exactly its fields) from a row of {@link SELECT_LIST}. */
export function toRecord(row: unknown): ApiKeyRecord {
  const r = row as Record<(typeof COLUMNS)[number], unknown>;
  return {
    id: String(r.id),
    hash: String(r.hash),
    pepperId: nullableText(r.pepper_id),
    prefix: String(r.prefix),
    start: String(r.start),
    ownerId: String(r.owner_id),
    orgId: nullableText(r.org_id),
    nickname: String(r.nickname),
    scopes: Array.isArray(r.scopes) ? r.scopes.map(String) : [],
    metadata: toMetadata(r.metadata),
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
    expiresAt: toNullableDate(r.expires_at),
    revokedAt: toNullableDate(r.revoked_at),
    lastUsedAt: toNullableDate(r.last_used_at),
    replacedById: nullableText(r.replaced_by_id),
  };
}
