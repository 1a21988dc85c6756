import { KeyManagerError } from '../errors.js';
import { eventContextOf } from '../events/registry.js';
import type { Keyward } from '../keyward.js';
import type { AuditPosition, AuditRecord } from '../store/key-store.js';
import type { ManagementResponse } from './responses.js';
import { reply } from './responses.js';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

const invalid = (field: string, message: string) => new KeyManagerError('invalid_input', message, { field });

/** An audit position as an opaque cursor (base64url of `<at ms>.<id>`). */
const encodeCursor = (position: AuditPosition) => Buffer.from(`${position.at.getTime()}.${position.id}`, 'utf8').toString('base64url');

function decodeCursor(cursor: string | null): AuditPosition | null {
  if (cursor === null) return null;
  const bad = () => invalid('cursor', 'cursor is not a cursor this API returned.');
  if (cursor.length === 0 || cursor.length > 400 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  const match = /^(\d{1,16})\.([\x21-\x7e]{1,128})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null) throw bad();
  return { at: new Date(Number(match[1])), id: match[2]! };
}

function readLimit(text: string | null): number {
  if (text === null) return DEFAULT_LIMIT;
  const limit = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) throw invalid('limit', `limit must be a whole number from 1 to ${MAX_LIMIT}.`);
  return limit;
}

/** An audit record as the route shows it: the common fields, then the event's own. */
const shown = (r: AuditRecord) => ({
  ...r.data, id: r.id, type: r.type, time: r.at.toISOString(), actor: r.actor, orgId: r.orgId, keyId: r.keyId, requestId: r.requestId,
});

/**
 * `GET <mount>/audit?limit=&cursor=`: the caller's organization's audit events, newest first, for
 * organization admins (`adminRole`, with an organization) only (a member is 403 `forbidden_role`). `{ events, nextCursor }`; `nextCursor`
 * is `null` on the last page. A store without audit records answers 404. Store errors and bad
 * input are thrown as `KeyManagerError` for the management API to answer.
 */
export async function serveAudit(keyward: Keyward, admin: boolean, orgId: string | null, query: URLSearchParams): Promise<ManagementResponse> {
  if (!admin || orgId === null) {
    return reply(403, { status: 403, error: 'Forbidden', code: 'forbidden_role', message: 'Only organization admins may read the audit log.' });
  }
  const store = eventContextOf(keyward)?.store;
  if (store?.listAudit === undefined) {
    return reply(404, { status: 404, error: 'Not Found', code: 'not_found', message: 'This key store keeps no audit events.' });
  }
  const limit = readLimit(query.get('limit'));
  const before = decodeCursor(query.get('cursor'));
  let page;
  try {
    page = await store.listAudit(orgId, { limit, before });
  } catch (cause) {
    throw new KeyManagerError('store_unavailable', 'The key store is unavailable.', { cause });
  }
  const records = page.records.filter((r) => r.orgId === orgId).slice(0, limit);
  return reply(200, { events: records.map(shown), nextCursor: page.next === null ? null : encodeCursor(page.next) });
}
