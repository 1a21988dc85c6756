import { generateBase62 } from './base62.js';
import { KeyManagerError } from '../errors.js';
import type { KeyHasher } from './hashing.js';
import type { KeyPrefix } from './key-format.js';
import { generateKey, keyStart } from './key-format.js';
import type { Runtime } from '../runtime.js';
import { isValidGrant } from '../verify/scopes.js';
import type { ApiKeyRecord, InvalidationEvent, KeyStore, RotateResult } from '../store/key-store.js';
import { readCreateInput, readGracePeriod, toApiKeyInfo } from './key-input.js';
import type { ApiKeyInfo, CreateKeyInput } from './key-input.js';
import { readUpdateInput } from './key-update.js';
import type { UpdateKeyInput } from './key-update.js';

export type { ApiKeyInfo, CreateKeyInput } from './key-input.js';
export type { UpdateKeyInput } from './key-update.js';

/** Key-manager settings. */
export interface KeyManagerOptions {
  /** When set, keys may only be granted these scopes (exact strings, wildcards only if listed). */
  readonly allowedScopes?: readonly string[];
  /** Scopes of a key created without `scopes` (default none). */
  readonly defaultScopes?: readonly string[];
  /** Longest rotation grace period accepted (default 30 days). */
  readonly maxGracePeriodSeconds?: number;
}

/** A freshly minted key. `key` is shown exactly once: it is not stored anywhere. */
export interface CreatedKey {
  readonly key: string;
  readonly record: ApiKeyInfo;
}

/** Who is asking: when given, the key must belong to this owner (else `not_owner`). */
export interface OwnerScope {
  readonly ownerId?: string;
}

/** What a new key copies from its request (create) or from the key it replaces (rotate). */
type MintFields = Pick<ApiKeyRecord, 'ownerId' | 'orgId' | 'nickname' | 'scopes' | 'metadata' | 'expiresAt'>;

/** The owner a call is restricted to, if any; a non-string owner is a caller error. */
function ownerOf(scope: OwnerScope | null | undefined): string | undefined {
  const ownerId = scope?.ownerId ?? undefined;
  if (ownerId !== undefined && typeof ownerId !== 'string') throw new KeyManagerError('invalid_input', 'ownerId must be a string.', { field: 'ownerId' });
  return ownerId;
}

interface ManagerDeps {
  readonly store: KeyStore;
  readonly hasher: KeyHasher;
  readonly prefixes: readonly KeyPrefix[];
  readonly mintPrefix: KeyPrefix;
  readonly runtime: Runtime;
  readonly options: KeyManagerOptions;
  readonly invalidate: (keyId: string) => void;
  readonly pendingUse: (keyId: string) => number | undefined;
  readonly warn: (message: string) => void;
}

/**
 * Create, list, revoke and rotate API keys. Obtained as `keyward.keys`. Methods throw
 * {@link KeyManagerError} (closed `code` union) when a request cannot be carried out.
 *
 * @example
 * ```ts
 * const { key, record } = await keyward.keys.create({ ownerId: 'u1', orgId: 'acme', nickname: 'ci', scopes: ['agents:run'] });
 * await keyward.keys.revoke(record.id, { ownerId: 'u1' });
 * ```
 */
export class KeyManager {
  readonly #d: ManagerDeps;
  readonly #allowed: ReadonlySet<string> | null;

  /** @internal built by `createKeyward` */
  constructor(deps: ManagerDeps) {
    this.#d = deps;
    this.#allowed = deps.options.allowedScopes ? new Set(deps.options.allowedScopes) : null;
  }

  /** Mint a key for an owner. Nickname unique among the owner's active keys (`nickname_conflict`). */
  async create(input: CreateKeyInput): Promise<CreatedKey> {
    const now = this.#d.runtime.now();
    const valid = readCreateInput(input, {
      now,
      prefixes: this.#d.prefixes,
      mintPrefix: this.#d.mintPrefix,
      defaultScopes: this.#d.options.defaultScopes ?? [],
      isAllowed: (s) => isValidGrant(s) && (this.#allowed === null || this.#allowed.has(s)),
    });
    const { key, record } = await this.#mintAndStore(valid.prefix, now, valid, (next) => this.#d.store.insert(next));
    return { key, record: toApiKeyInfo(record, this.#d.prefixes) };
  }

  /** The owner's live keys (not revoked, not expired), oldest first; never the key or its hash. */
  async list(ownerId: string): Promise<ApiKeyInfo[]> {
    if (typeof ownerId !== 'string' || ownerId.length === 0) throw new KeyManagerError('invalid_input', 'ownerId is required.', { field: 'ownerId' });
    const records = await this.#call(() => this.#d.store.listByOwner(ownerId));
    const now = this.#d.runtime.now();
    return records
      .filter((r) => r.ownerId === ownerId && r.revokedAt === null && (r.expiresAt === null || r.expiresAt.getTime() > now))
      .map((r) => this.#info(r));
  }

  /** One key's metadata (revoked and expired included), or `null`. */
  async get(id: string, scope?: OwnerScope | null): Promise<ApiKeyInfo | null> {
    const record = await this.#call(() => this.#d.store.getById(String(id)));
    if (record === null) return null;
    const ownerId = ownerOf(scope);
    if (ownerId !== undefined && record.ownerId !== ownerId) throw notOwner();
    return this.#info(record);
  }

  /**
   * Revoke (delete) a key: it stops working at once on this instance, and on others as soon as the
   * store's invalidation channel delivers (else within the cache TTL). Revoking twice is `not_found`.
   */
  async revoke(id: string, scope?: OwnerScope | null): Promise<ApiKeyInfo> {
    const record = await this.#live(id, scope);
    const now = new Date(this.#d.runtime.now());
    const updated = await this.#call(() => this.#d.store.update(record.id, { revokedAt: now, updatedAt: now }));
    this.#d.invalidate(record.id);
    if (updated === null) throw notFound();
    await this.#publish({ type: 'revoked', keyId: record.id });
    return this.#info(updated);
  }

  /**
   * Change a live key's expiry (a future date, or `null` for never). Takes effect at once on this
   * instance and is published as `updated` to the others. A revoked, expired or rotated-out key is
   * `not_found`.
   *
   * @example
   * ```ts
   * await keyward.keys.update(id, { expiresAt: '2030-01-01T00:00:00Z' }, { ownerId: 'u1' });
   * ```
   */
  async update(id: string, input: UpdateKeyInput, scope?: OwnerScope | null): Promise<ApiKeyInfo> {
    const valid = readUpdateInput(input, this.#d.runtime.now());
    const record = await this.#live(id, scope);
    if (record.replacedById !== null) throw notFound();
    const now = new Date(this.#d.runtime.now());
    const updated = await this.#call(() => this.#d.store.update(record.id, { expiresAt: valid.expiresAt, updatedAt: now }));
    this.#d.invalidate(record.id);
    if (updated === null) throw notFound();
    await this.#publish({ type: 'updated', keyId: record.id });
    return this.#info(updated);
  }

  /**
   * Replace a key by a new one with the same nickname, scopes, organization and expiry. The old key
   * keeps working for `gracePeriodSeconds` (default 0: it stops at once), then answers `expired_api_key`.
   */
  async rotate(id: string, opts?: (OwnerScope & { readonly gracePeriodSeconds?: number }) | null): Promise<CreatedKey & { readonly previous: ApiKeyInfo }> {
    const options = opts ?? {};
    const grace = readGracePeriod(options.gracePeriodSeconds, this.#d.options.maxGracePeriodSeconds ?? 30 * 86_400);
    const old = await this.#live(id, options);
    const now = this.#d.runtime.now();
    const prefix = this.#d.prefixes.find((p) => p.prefix === old.prefix) ?? this.#d.mintPrefix;
    const graceEnd = now + grace * 1000;
    const oldExpiresAt = new Date(old.expiresAt === null ? graceEnd : Math.min(old.expiresAt.getTime(), graceEnd));
    const { key, record } = await this.#mintAndStore(prefix, now, old, (next) => this.#d.store.rotate(old.id, next, oldExpiresAt));
    this.#d.invalidate(old.id);
    await this.#publish({ type: 'rotated', keyId: old.id });
    const previous = { ...old, expiresAt: oldExpiresAt, replacedById: record.id, updatedAt: new Date(now) };
    return { key, record: toApiKeyInfo(record, this.#d.prefixes), previous: this.#info(previous) };
  }

  /**
   * Mint a key and write it with `write` (insert or rotate). A nickname clash or a vanished old key
   * is the caller's error; an id/hash collision (about 2^-128) is retried with fresh randomness.
   */
  async #mintAndStore(prefix: KeyPrefix, now: number, from: MintFields, write: (record: ApiKeyRecord) => Promise<RotateResult>) {
    for (let attempt = 0; ; attempt++) {
      const minted = this.#mint(prefix, now, from);
      const result = await this.#call(() => write(minted.record));
      if (result.ok) return minted;
      if (result.conflict === 'not_found' || result.conflict === 'not_active') throw notFound();
      if (result.conflict === 'nickname') throw nicknameTaken(from.nickname);
      if (attempt >= 2) throw new KeyManagerError('store_unavailable', 'Could not store the key (id or hash collision).');
    }
  }

  #mint(prefix: KeyPrefix, now: number, from: MintFields) {
    const key = generateKey(prefix.prefix, this.#d.runtime.random);
    const created = new Date(now);
    const record: ApiKeyRecord = {
      id: `key_${generateBase62(24, this.#d.runtime.random)}`,
      hash: this.#d.hasher.current.hash(key),
      pepperId: this.#d.hasher.current.pepperId,
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

  async #live(id: string, scope: OwnerScope | null | undefined): Promise<ApiKeyRecord> {
    if (typeof id !== 'string' || id.length === 0 || id.length > 128) throw notFound();
    const ownerId = ownerOf(scope);
    const record = await this.#call(() => this.#d.store.getById(id));
    if (record === null || record.revokedAt !== null) throw notFound();
    if (ownerId !== undefined && record.ownerId !== ownerId) throw notOwner();
    if (record.expiresAt !== null && record.expiresAt.getTime() <= this.#d.runtime.now()) throw notFound();
    return record;
  }

  #info(record: ApiKeyRecord): ApiKeyInfo {
    const pending = this.#d.pendingUse(record.id);
    const info = toApiKeyInfo(record, this.#d.prefixes);
    if (pending === undefined || (info.lastUsedAt !== null && info.lastUsedAt.getTime() >= pending)) return info;
    return { ...info, lastUsedAt: new Date(pending) };
  }

  async #publish(event: InvalidationEvent): Promise<void> {
    if (this.#d.store.publish === undefined) return;
    try {
      await this.#d.store.publish(event);
    } catch {
      this.#d.warn(`keyward: could not publish invalidation of ${event.keyId}; other instances will drop it within the cache TTL`);
    }
  }

  async #call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (cause) {
      throw new KeyManagerError('store_unavailable', 'The key store is unavailable.', { cause });
    }
  }
}

const notFound = () => new KeyManagerError('not_found', 'API key not found.');
const notOwner = () => new KeyManagerError('not_owner', 'This API key belongs to another account.');
const nicknameTaken = (nickname: string) =>
  new KeyManagerError('nickname_conflict', `An API key named ${JSON.stringify(nickname)} already exists.`, { field: 'nickname' });
