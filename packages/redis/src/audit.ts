import type { Cluster, Redis } from 'ioredis';
import type { AuditPage, AuditQuery, AuditRecord } from '@keyward/core/store';

/** A stream entry as ioredis returns it from XREVRANGE: its id and its field/value list. */
type StreamEntry = [id: string, fields: string[]];

/**
 * The fields of an audit event in its stream entry: `at` as epoch ms, `data` as JSON, and a `null`
 * as an absent field (as in key records).
 *
 * @example
 * ```ts
 * await client.xadd(stream, '*', ...encodeAudit(record));
 * ```
 */
export function encodeAudit(record: AuditRecord): string[] {
  const fields = ['id', record.id, 'type', record.type, 'at', String(record.at.getTime()), 'actor', record.actor, 'data', JSON.stringify(record.data)];
  for (const [field, value] of [['orgId', record.orgId], ['keyId', record.keyId], ['requestId', record.requestId]] as const) {
    if (value !== null) fields.push(field, value);
  }
  return fields;
}

/** The epoch-ms part of the stream id of an event dated `at`, as digits (0 for dates before 1970). */
export function auditMs(at: Date): string {
  return String(Math.max(0, Math.trunc(at.getTime())));
}

function fieldMap(fields: string[]): Record<string, string> {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  return f;
}

function decodeAudit(f: Record<string, string>): AuditRecord | null {
  if (f.id === undefined || f.type === undefined || f.at === undefined || f.actor === undefined) return null;
  const data: unknown = JSON.parse(f.data ?? '{}');
  return {
    id: f.id, type: f.type, at: new Date(Number(f.at)), orgId: f.orgId ?? null, keyId: f.keyId ?? null, actor: f.actor,
    requestId: f.requestId ?? null,
    data: typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {},
  };
}

const msOf = (streamId: string): string => streamId.slice(0, streamId.indexOf('-'));

/**
 * One page of the audit stream `stream` of `orgId`, newest first (stream order: append order, which
 * is time order for events appended in time order), strictly before `query.before`.
 *
 * A position maps to the stream as follows: `next.at` is the millisecond of the entry's stream id
 * (the event's own `at` unless it was appended out of time order), so the walk resumes with
 * `XREVRANGE stream <at> -` and skips the entries of that millisecond down to and including the
 * one whose event id is `before.id` (all of them if it is gone: trimming drops the oldest first).
 * Each call reads `limit + 1` entries plus those skipped, in batches; entries of another
 * organization (a stream name clash) are left out.
 *
 * @example
 * ```ts
 * const page = await readAudit(client, '{keyward}:audit:org_1', 'org_1', { limit: 20 });
 * ```
 */
export async function readAudit(client: Redis | Cluster, stream: string, orgId: string | null, query: AuditQuery): Promise<AuditPage> {
  const kept: Array<{ record: AuditRecord; ms: string }> = [];
  const before = query.before ?? null;
  let skip = before === null ? null : { ms: auditMs(before.at), id: before.id };
  let end = skip === null ? '+' : skip.ms;
  const batch = query.limit + 2;
  while (kept.length <= query.limit) {
    const entries = (await client.xrevrange(stream, end, '-', 'COUNT', batch)) as StreamEntry[];
    // Each later batch starts with the entry that ended the previous one: drop it.
    for (const [streamId, list] of entries.filter(([id]) => id !== end)) {
      const ms = msOf(streamId);
      const fields = fieldMap(list);
      if (skip !== null && ms === skip.ms) {
        if (fields.id === skip.id) skip = null;
        continue;
      }
      skip = null;
      const record = decodeAudit(fields);
      if (record !== null && record.orgId === orgId) kept.push({ record, ms });
      if (kept.length > query.limit) break;
    }
    if (entries.length < batch) break;
    end = entries[entries.length - 1]![0];
  }
  const page = kept.slice(0, query.limit);
  const last = page.at(-1);
  return {
    records: page.map(({ record }) => record),
    next: kept.length > query.limit && last !== undefined ? { at: new Date(Number(last.ms)), id: last.record.id } : null,
  };
}
