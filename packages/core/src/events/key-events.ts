import type { ApiKeyRecord } from '../store/key-store.js';
import type { ActorContext, KeyCreatedEvent, KeyRevokedEvent, KeyRotatedEvent, KeyUpdatedEvent, KeywardEventBase } from './types.js';

type Key = Pick<ApiKeyRecord, 'id' | 'ownerId' | 'orgId'>;

/** An actor is a short printable label; anything else (or nothing) is `system`. */
export function readActor(actor: unknown): string {
  return typeof actor === 'string' && actor.length > 0 && actor.length <= 200 && !/[\u0000-\u001f\u007f]/.test(actor) ? actor : 'system';
}

/** A request id is kept when it is a short printable token (it ends up in logs and audit records). */
export function readRequestId(value: unknown): string | null {
  const one = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' && one.length > 0 && one.length <= 128 && /^[\x21-\x7e]+$/.test(one) ? one : null;
}

function base(key: Key, context: ActorContext | null | undefined, time: number): KeywardEventBase & { readonly ownerId: string } {
  return { time: new Date(time), actor: readActor(context?.actor), orgId: key.orgId, keyId: key.id, requestId: readRequestId(context?.requestId), ownerId: key.ownerId };
}

/** `authn_token_created` of a freshly stored record. */
export const createdEvent = (record: ApiKeyRecord, context: ActorContext | null | undefined, time: number): KeyCreatedEvent => ({
  type: 'authn_token_created', ...base(record, context, time), nickname: record.nickname, scopes: [...record.scopes], start: record.start, expiresAt: record.expiresAt,
});

/** `authn_token_updated`: which fields the update gave (never their values). */
export const updatedEvent = (record: Key, fields: readonly string[], context: ActorContext | null | undefined, time: number): KeyUpdatedEvent => ({
  type: 'authn_token_updated', ...base(record, context, time), fields: [...fields],
});

/** `authn_token_rotated`: the old key's id, its replacement's, and when the old one stops working. */
export const rotatedEvent = (old: Key, newKeyId: string, previousExpiresAt: Date, context: ActorContext | null | undefined, time: number): KeyRotatedEvent => ({
  type: 'authn_token_rotated', ...base(old, context, time), newKeyId, previousExpiresAt,
});

/** `authn_token_revoked`. */
export const revokedEvent = (record: Key & Pick<ApiKeyRecord, 'replacedById'>, context: ActorContext | null | undefined, time: number): KeyRevokedEvent => ({
  type: 'authn_token_revoked', ...base(record, context, time), replacedById: record.replacedById,
});
