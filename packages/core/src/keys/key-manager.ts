import { KeyManagerError } from '../errors.js';
import type { KeyHasher } from './hashing.js';
import type { KeyPrefix } from './key-format.js';
import { mintRecord } from './mint-record.js';
import type { MintFields } from './mint-record.js';
import type { Runtime } from '../runtime.js';
import { isValidGrant } from '../verify/scopes.js';
import type { ApiKeyRecord, InvalidationEvent, KeyStore, RotateResult } from '../store/key-store.js';
import { checkScope, keyLimit, nicknameTaken, notFound } from './owner-scope.js';
import type { OwnerScope } from './owner-scope.js';
import { collectPages, decodeCursor, encodeCursor, readPageLimit } from './list-cursor.js';
import type { KeyPage, ListPageOptions } from './list-cursor.js';
import { readCreateInput, readGracePeriod, readUpdateInput, toApiKeyInfo, updatePatch } from './key-input.js';
import type { ApiKeyInfo, CreateKeyInput, UpdateKeyInput } from './key-input.js';
import type { EventHub } from '../events/hub.js';
import type { ActorContext } from '../events/types.js';
import { createdEvent, revokedEvent, rotatedEvent, updatedEvent } from '../events/key-events.js';

export type { ApiKeyInfo, CreateKeyInput, UpdateKeyInput } from './key-input.js';
export type { KeyPage, ListPageOptions } from './list-cursor.js';
export type { OwnerScope } from './owner-scope.js';

/** Key-manager settings. */
export interface KeyManagerOptions {
  /** When set, keys may only be granted these scopes (exact strings, wildcards only if listed). */
  readonly allowedScopes?: readonly string[];
  /** Scopes of a key created without `scopes` (default none). */
  readonly defaultScopes?: readonly string[];
  /** Longest rotation grace period accepted (default 30 days). */
  readonly maxGracePeriodSeconds?: number;
  /**
   * Most active keys (not revoked, not replaced, not expired) one owner may hold (default 100);
   * `create` beyond it fails with `key_limit` (HTTP 422). Rotation keeps the count.
   */
  readonly maxActiveKeysPerOwner?: number;
}

/** Default of {@link KeyManagerOptions.maxActiveKeysPerOwner}. */
export const DEFAULT_MAX_ACTIVE_KEYS_PER_OWNER = 100;

/** A freshly minted key. `key` is shown exactly once: it is not stored anywhere. */
export interface CreatedKey {
  readonly key: string;
  readonly record: ApiKeyInfo;
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
  readonly events: EventHub;
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
  readonly #isAllowed = (scope: string): boolean => isValidGrant(scope) && (this.#allowed === null || this.#allowed.has(scope));

  /** @internal built by `createKeyward` */
  constructor(deps: ManagerDeps) {
    this.#d = deps;
    this.#allowed = deps.options.allowedScopes ? new Set(deps.options.allowedScopes) : null;
  }

  /**
   * Mint a key for an owner. Nickname unique among the owner's active keys (`nickname_conflict`);
   * at most `keys.maxActiveKeysPerOwner` active keys per owner (`key_limit`). `context` labels
   * the `authn_token_created` event (`actor`, default `system`; `requestId`).
   */
  async create(input: CreateKeyInput, context?: ActorContext | null): Promise<CreatedKey> {
    const now = this.#d.runtime.now();
    const valid = readCreateInput(input, {
      now,
      prefixes: this.#d.prefixes,
      mintPrefix: this.#d.mintPrefix,
      defaultScopes: this.#d.options.defaultScopes ?? [],
      isAllowed: this.#isAllowed,
    });
    const maxActiveKeys = this.#d.options.maxActiveKeysPerOwner ?? DEFAULT_MAX_ACTIVE_KEYS_PER_OWNER;
    const { key, record } = await this.#mintAndStore(valid.prefix, now, valid, (next) => this.#d.store.insert(next, { maxActiveKeys }));
    await this.#d.events.record(createdEvent(record, context, now));
    return { key, record: toApiKeyInfo(record, this.#d.prefixes) };
  }

  /**
   * The owner's live keys (not revoked, not expired), oldest first; never the key or its hash.
   * Reads every page of {@link listPage}: prefer `listPage` where a response must stay small.
   */
  async list(ownerId: string): Promise<ApiKeyInfo[]> {
    return collectPages((cursor) => this.listPage(ownerId, { limit: 100, cursor }));
  }

  /**
   * One page of the owner's live keys, oldest first (by creation time, then id). A page may hold
   * fewer than `limit` keys while `nextCursor` is not `null`; walk until it is. An unreadable
   * cursor is `invalid_input` (field `cursor`).
   *
   * @example
   * ```ts
   * const first = await keyward.keys.listPage('u1', { limit: 20 });
   * const second = first.nextCursor === null ? null : await keyward.keys.listPage('u1', { cursor: first.nextCursor });
   * ```
   */
  async listPage(ownerId: string, options?: ListPageOptions | null): Promise<KeyPage> {
    if (typeof ownerId !== 'string' || ownerId.length === 0) throw new KeyManagerError('invalid_input', 'ownerId is required.', { field: 'ownerId' });
    return this.#page('ownerId', ownerId, options);
  }

  /**
   * Every live key of an organization (any owner), oldest first: what an organization admin sees.
   * Reads every page of {@link listOrgPage}: prefer `listOrgPage` where a response must stay small.
   *
   * @example
   * ```ts
   * const keys = await keyward.keys.listOrg('acme'); // keys[i].ownerId says whose key it is
   * ```
   */
  async listOrg(orgId: string): Promise<ApiKeyInfo[]> {
    return collectPages((cursor) => this.listOrgPage(orgId, { limit: 100, cursor }));
  }

  /**
   * One page of an organization's live keys (any owner), in the order and with the cursor rules of
   * {@link listPage}. Reads `store.listByOrg`.
   *
   * @example
   * ```ts
   * const page = await keyward.keys.listOrgPage('acme', { limit: 50 });
   * ```
   */
  async listOrgPage(orgId: string, options?: ListPageOptions | null): Promise<KeyPage> {
    if (typeof orgId !== 'string' || orgId.length === 0) throw new KeyManagerError('invalid_input', 'orgId is required.', { field: 'orgId' });
    return this.#page('orgId', orgId, options);
  }

  /** One page of live keys by owner or by organization; records outside it (a lax store) are dropped. */
  async #page(field: 'ownerId' | 'orgId', value: string, options: ListPageOptions | null | undefined): Promise<KeyPage> {
    const limit = readPageLimit(options?.limit);
    const after = decodeCursor(options?.cursor);
    const now = this.#d.runtime.now();
    const query = { now: new Date(now), limit, after };
    const page = await this.#call(() => (field === 'ownerId' ? this.#d.store.listByOwner(value, query) : this.#d.store.listByOrg(value, query)));
    const items = page.records
      .filter((r) => r[field] === value && r.revokedAt === null && (r.expiresAt === null || r.expiresAt.getTime() > now))
      .map((r) => this.#info(r));
    return { items, nextCursor: page.next === null ? null : encodeCursor(page.next) };
  }

  /** One key's metadata (revoked and expired included), or `null`. */
  async get(id: string, scope?: OwnerScope | null): Promise<ApiKeyInfo | null> {
    const record = await this.#call(() => this.#d.store.getById(String(id)));
    if (record === null) return null;
    checkScope(record, scope);
    return this.#info(record);
  }

  /**
   * Revoke (delete) a key: it stops working at once on this instance, and on others as soon as the
   * store's invalidation channel delivers (else within the cache TTL). The store revokes only a key
   * not yet revoked nor expired, atomically: of concurrent revokes one succeeds and the others are
   * `not_found`, and the first `revokedAt` stays.
   *
   * A key already rotated but still in its grace period can be revoked (to stop a leaked old key
   * early); the answer's `replacedById` then names its replacement, which keeps working (revoke it
   * by its own id). A revoke racing a rotate of the same key has one winner: revoke first, and the
   * rotate is `not_found` with no new key; rotate first, and the revoke answers with `replacedById`
   * set (or `not_found` when the rotation had no grace period).
   */
  async revoke(id: string, scope?: OwnerScope | null): Promise<ApiKeyInfo> {
    const record = await this.#live(id, scope);
    const now = new Date(this.#d.runtime.now());
    const result = await this.#call(() => this.#d.store.revoke(record.id, now));
    this.#d.invalidate(record.id);
    if (!result.ok) throw notFound();
    await this.#publish({ type: 'revoked', keyId: record.id });
    await this.#d.events.record(revokedEvent(result.record, scope, now.getTime()));
    return this.#info(result.record);
  }

  /**
   * Change a live key's nickname, scopes, expiry, metadata or rate limits (only the fields given),
   * validated as on create; the key itself stays the same. It takes effect at once on this
   * instance, and on others as soon as the store's invalidation channel delivers (else within the
   * cache TTL). A revoked, replaced or expired key is `not_found`; a nickname another live key of
   * the owner holds is `nickname_conflict`.
   *
   * @example
   * ```ts
   * await keyward.keys.update(id, { scopes: ['agents:read'], rateLimit: { limits: [{ name: 'per-minute', limit: 600, windowSeconds: 60 }] } }, { ownerId: 'u1' });
   * ```
   */
  async update(id: string, input: UpdateKeyInput, scope?: OwnerScope | null): Promise<ApiKeyInfo> {
    const valid = readUpdateInput(input, { now: this.#d.runtime.now(), isAllowed: this.#isAllowed });
    const record = await this.#live(id, scope);
    const result = await this.#call(() => this.#d.store.update(record.id, updatePatch(valid, record.metadata), new Date(this.#d.runtime.now())));
    this.#d.invalidate(record.id);
    if (!result.ok) throw result.conflict === 'nickname' ? nicknameTaken(valid.nickname ?? record.nickname) : notFound();
    await this.#publish({ type: 'updated', keyId: record.id });
    await this.#d.events.record(updatedEvent(record, Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined), scope, this.#d.runtime.now()));
    return this.#info(result.record);
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
    await this.#d.events.record(rotatedEvent(old, record.id, oldExpiresAt, options, now));
    const previous = { ...old, expiresAt: oldExpiresAt, replacedById: record.id, updatedAt: new Date(now) };
    return { key, record: toApiKeyInfo(record, this.#d.prefixes), previous: this.#info(previous) };
  }

  /**
   * Mint a key and write it with `write` (insert or rotate). A nickname clash or a vanished old key
   * is the caller's error; an id/hash collision (about 2^-128) is retried with fresh randomness.
   */
  async #mintAndStore(prefix: KeyPrefix, now: number, from: MintFields, write: (record: ApiKeyRecord) => Promise<RotateResult>) {
    for (let attempt = 0; ; attempt++) {
      const minted = mintRecord(prefix, now, from, this.#d.hasher, this.#d.runtime);
      const result = await this.#call(() => write(minted.record));
      if (result.ok) return minted;
      if (result.conflict === 'not_found' || result.conflict === 'not_active') throw notFound();
      if (result.conflict === 'nickname') throw nicknameTaken(from.nickname);
      if (result.conflict === 'owner_limit') throw keyLimit(this.#d.options.maxActiveKeysPerOwner ?? DEFAULT_MAX_ACTIVE_KEYS_PER_OWNER);
      if (attempt >= 2) throw new KeyManagerError('store_unavailable', 'Could not store the key (id or hash collision).');
    }
  }

  async #live(id: string, scope: OwnerScope | null | undefined): Promise<ApiKeyRecord> {
    if (typeof id !== 'string' || id.length === 0 || id.length > 128) throw notFound();
    const record = await this.#call(() => this.#d.store.getById(id));
    if (record === null || record.revokedAt !== null) throw notFound();
    checkScope(record, scope);
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
