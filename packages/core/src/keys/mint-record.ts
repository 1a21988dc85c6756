import { generateBase62 } from './base62.js';
import type { KeyHasher } from './hashing.js';
import type { KeyPrefix } from './key-format.js';
import { generateKey, keyStart } from './key-format.js';
import type { Runtime } from '../runtime.js';
import type { ApiKeyRecord } from '../store/key-store.js';

/** What a new key copies from its request (create) or from the key it replaces (rotate). */
export type MintFields = Pick<ApiKeyRecord, 'ownerId' | 'orgId' | 'nickname' | 'scopes' | 'metadata' | 'expiresAt'>;

/**
 * A fresh key and the record stored for it: a random id, the key's hash under the current pepper,
 * its `start` hint, and the fields copied from `from`. The raw key is returned to be shown once;
 * nothing keeps it.
 *
 * @example
 * ```ts
 * const { key, record } = mintRecord(prefix, Date.now(), fields, hasher, runtime);
 * ```
 */
export function mintRecord(prefix: KeyPrefix, now: number, from: MintFields, hasher: KeyHasher, runtime: Runtime): { key: string; record: ApiKeyRecord } {
  const key = generateKey(prefix.prefix, runtime.random);
  const created = new Date(now);
  const record: ApiKeyRecord = {
    id: `key_${generateBase62(24, runtime.random)}`,
    hash: hasher.current.hash(key),
    pepperId: hasher.current.pepperId,
    prefix: prefix.prefix,
    start: keyStart(key, prefix.prefix),
    ownerId: from.ownerId,
    orgId: from.orgId,
    nickname: from.nickname,
    scopes: [...from.scopes],
    metadata: { ...from.metadata },
    createdAt: created,
    updatedAt: created,
    expiresAt: from.expiresAt,
    revokedAt: null,
    lastUsedAt: null,
    replacedById: null,
  };
  return { key, record };
}
