import { KeyManagerError } from '../errors.js';
import { eventContextOf } from '../events/registry.js';
import type { Keyward } from '../keyward.js';
import { decodeCursor, encodeCursor, limitParam, readPageLimit } from '../keys/list-cursor.js';
import type { AuditRecord } from '../store/key-store.js';
import type { ManagementResponse } from './responses.js';
import { reply } from './responses.js';

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
  // The list routes' limit and cursor rules (an audit position is a time and an id, as a key's is).
  const limit = readPageLimit(limitParam(query.get('limit')));
  const position = decodeCursor(query.get('cursor'));
  const before = position === null ? null : { at: position.createdAt, id: position.id };
  let page;
  try {
    page = await store.listAudit(orgId, { limit, before });
  } catch (cause) {
    throw new KeyManagerError('store_unavailable', 'The key store is unavailable.', { cause });
  }
  const records = page.records.filter((r) => r.orgId === orgId).slice(0, limit);
  return reply(200, { events: records.map(shown), nextCursor: page.next === null ? null : encodeCursor({ createdAt: page.next.at, id: page.next.id }) });
}
