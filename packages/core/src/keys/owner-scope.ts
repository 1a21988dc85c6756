import { KeyManagerError } from '../errors.js';
import type { ApiKeyRecord } from '../store/key-store.js';
import type { ActorContext } from '../events/types.js';

/**
 * Who is asking: when given, the key must belong to this owner and organization (else `not_owner`).
 * `actor` and `requestId` only label the operation's event (default actor `system`).
 */
export interface OwnerScope extends ActorContext {
  readonly ownerId?: string;
  /** The caller's organization (`null` for none): when given, the key's `orgId` must be the same. */
  readonly orgId?: string | null;
}

/** Throws `not_owner` unless the record is within the scope (owner and organization, when given); a malformed scope is a caller error. */
export function checkScope(record: ApiKeyRecord, scope: OwnerScope | null | undefined): void {
  const ownerId = scope?.ownerId ?? undefined;
  const orgId = scope?.orgId;
  if (ownerId !== undefined && typeof ownerId !== 'string') throw new KeyManagerError('invalid_input', 'ownerId must be a string.', { field: 'ownerId' });
  if (orgId !== undefined && orgId !== null && typeof orgId !== 'string') throw new KeyManagerError('invalid_input', 'orgId must be a string or null.', { field: 'orgId' });
  if ((ownerId !== undefined && record.ownerId !== ownerId) || (orgId !== undefined && record.orgId !== orgId)) throw notOwner();
}

/** The key manager's refusals, one wording each. */
export const notFound = () => new KeyManagerError('not_found', 'API key not found.');
export const notOwner = () => new KeyManagerError('not_owner', 'This API key belongs to another account.');
export const keyLimit = (max: number) =>
  new KeyManagerError('key_limit', `This account already has ${max} active API keys; revoke one before creating another.`);
export const nicknameTaken = (nickname: string) =>
  new KeyManagerError('nickname_conflict', `An API key named ${JSON.stringify(nickname)} already exists.`, { field: 'nickname' });
