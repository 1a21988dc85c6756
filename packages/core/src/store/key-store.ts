/**
 * The storage contract of keyward. One file, every member documented.
 *
 * A store keeps API key records and nothing else: it never sees a raw key (only its hash), never
 * opens connections on its own behalf (it takes the user's client), and never decides whether a
 * key is usable; the core checks revocation and expiry on what the store returns.
 *
 * Every store runs the shared contract suite from `@keyward/core/testing` with one call:
 *
 * @example
 * ```ts
 * import { runKeyStoreContract } from '@keyward/core/testing';
 * runKeyStoreContract('MyStore', async () => ({ store: new MyStore(client), cleanup: () => wipe() }));
 * ```
 *
 * @module
 */

/**
 * One stored API key. Only the hash of the key is kept, plus the `start` display hint.
 * Dates are `Date` objects; stores convert to and from their own representation.
 */
export interface ApiKeyRecord {
  /** Opaque, unique, URL-safe id (`key_...`). Safe to show and log. */
  readonly id: string;
  /** Lowercase hex HMAC-SHA256(pepper, key), or SHA-256(key) when `pepperId` is `null`. Unique. */
  readonly hash: string;
  /** Id of the pepper that produced `hash`; `null` for an unpeppered SHA-256. */
  readonly pepperId: string | null;
  /** The key's prefix, e.g. `eck_live_`. */
  readonly prefix: string;
  /** Display hint: prefix + first 4 characters of the secret. */
  readonly start: string;
  /** Owning account. */
  readonly ownerId: string;
  /** Owning organization, `null` for none. */
  readonly orgId: string | null;
  /** Human name, unique among the owner's active keys (see {@link KeyStore.insert}). */
  readonly nickname: string;
  /** Granted scopes. */
  readonly scopes: readonly string[];
  /** Integrator data, JSON-serialisable. */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** `null` for a key that never expires. */
  readonly expiresAt: Date | null;
  /** Set when revoked (deleted); the record is kept so the core can answer `revoked_api_key`. */
  readonly revokedAt: Date | null;
  /** Last successful use, written in batches by {@link KeyStore.touchLastUsed}. */
  readonly lastUsedAt: Date | null;
  /** Set on the old key of a rotation: the id of the key that replaced it. */
  readonly replacedById: string | null;
}

/** Result of {@link KeyStore.insert} and {@link KeyStore.rotate}. Conflicts are values, not exceptions. */
export type InsertResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly conflict: 'nickname' | 'hash' | 'id' | 'owner_limit' };

/** Options of {@link KeyStore.insert}. */
export interface InsertOptions {
  /**
   * Most active keys (see {@link KeyStore.insert}) the owner may hold once this record is stored;
   * absent for no limit. The key manager passes `keys.maxActiveKeysPerOwner` (default 100).
   */
  readonly maxActiveKeys?: number;
}

/** Result of {@link KeyStore.rotate}. */
export type RotateResult = InsertResult | { readonly ok: false; readonly conflict: 'not_found' | 'not_active' };

/**
 * Result of {@link KeyStore.revoke}: the revoked record, or why nothing changed (`not_found`: no
 * record with this id; `not_active`: already revoked, or expired at the revocation time).
 */
export type RevokeResult =
  | { readonly ok: true; readonly record: ApiKeyRecord }
  | { readonly ok: false; readonly conflict: 'not_found' | 'not_active' };

/**
 * The fields {@link KeyStore.update} may change; an absent field is left as stored. `updatedAt`
 * is always set to the update's time. Identity, hash, owner, organization and history fields
 * (`createdAt`, `revokedAt`, `replacedById`, `lastUsedAt`) never change through an update.
 */
export interface ApiKeyUpdate {
  /** New nickname (already validated and in NFC); must stay unique among the owner's active keys. */
  readonly nickname?: string;
  /** New scopes, replacing the stored ones. */
  readonly scopes?: readonly string[];
  /** New expiry, `null` for never. The caller checks it is later than the update's time. */
  readonly expiresAt?: Date | null;
  /** New metadata, replacing the stored object as a whole (`keyward`'s own entry included). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * Result of {@link KeyStore.update}: the updated record, or why nothing changed (`not_found`: no
 * record with this id; `not_active`: revoked, replaced, or expired at the update time;
 * `nickname`: another active key of the owner holds the new nickname).
 */
export type UpdateResult =
  | { readonly ok: true; readonly record: ApiKeyRecord }
  | { readonly ok: false; readonly conflict: 'not_found' | 'not_active' | 'nickname' };

/** Where a page of {@link KeyStore.listByOwner} starts: after the record with this `createdAt` and `id`. */
export interface ListPosition {
  readonly createdAt: Date;
  readonly id: string;
}

/** What {@link KeyStore.listByOwner} is asked for. */
export interface ListByOwnerQuery {
  /** Records expired at or before this instant are left out (revoked ones always are). */
  readonly now: Date;
  /** Most records in the page, 1-100. */
  readonly limit: number;
  /** Start after this position (the `next` of the previous page); absent or `null` for the first page. */
  readonly after?: ListPosition | null;
}

/** One page of {@link KeyStore.listByOwner}. */
export interface ApiKeyPage {
  /** At most `limit` records, in (`createdAt`, `id`) order. May hold fewer even when more follow. */
  readonly records: ApiKeyRecord[];
  /** Where the next page starts, or `null` when there is no more. */
  readonly next: ListPosition | null;
}

/** Where a page of {@link KeyStore.listAudit} starts: strictly before (older than) this record. */
export interface AuditPosition {
  readonly at: Date;
  readonly id: string;
}

/**
 * One audit event as a store keeps it (see `docs/events.md`): JSON-safe, never key material or a
 * hash. `id` is unique and chosen by the core; `data` holds the event's other fields.
 */
export interface AuditRecord {
  readonly id: string;
  /** The event name, e.g. `authn_token_created`. */
  readonly type: string;
  readonly at: Date;
  /** The organization the event belongs to (`null` for keys without one). */
  readonly orgId: string | null;
  readonly keyId: string | null;
  /** Who did it: `user:<ownerId>`, `key:<keyId>` or `system`. */
  readonly actor: string;
  readonly requestId: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}

/** What {@link KeyStore.listAudit} is asked for. */
export interface AuditQuery {
  /** Most records in the page, 1-100. */
  readonly limit: number;
  /** Start strictly before this position (the `next` of the previous page); absent or `null` for the newest. */
  readonly before?: AuditPosition | null;
}

/** One page of {@link KeyStore.listAudit}, newest first. */
export interface AuditPage {
  readonly records: AuditRecord[];
  readonly next: AuditPosition | null;
}

/** Sent between instances so that each drops its cached copy of a key at once. Carries no key material. */
export interface InvalidationEvent {
  readonly type: 'revoked' | 'updated' | 'rotated';
  readonly keyId: string;
}

/**
 * Delivered by `subscribe` after a gap: the channel was interrupted and is live again, so events
 * published meanwhile may have been lost and the subscriber drops everything it cached.
 */
export interface InvalidationReset {
  readonly type: 'reset';
}

/**
 * A key store. Methods reject (throw) only for infrastructure failures (connection lost,
 * timeout, ...); the core turns those into `auth_unavailable` (503), never into a 401 or a 200.
 * Expected outcomes (not found, conflicts) are return values.
 *
 * Concurrency: every method may be called concurrently from many requests; `insert`, `rotate`,
 * `revoke` and `update` must be atomic with respect to the nickname rule, the active-key limit and each other.
 */
export interface KeyStore {
  /**
   * The record whose `hash` equals `hash`, revoked and expired ones included, or `null`.
   * Called on every cache miss: make it one indexed round trip.
   */
  findByHash(hash: string): Promise<ApiKeyRecord | null>;

  /** The record with this id (revoked/expired included), or `null`. */
  getById(id: string): Promise<ApiKeyRecord | null>;

  /**
   * Store a new record. A record *holds its nickname* (is active) while `revokedAt` and
   * `replacedById` are null and `expiresAt` is null or later than the `createdAt` of the record
   * being inserted. Fails with `conflict: 'nickname'` when another record of the owner holds the
   * same nickname, with `'owner_limit'` when the owner already holds `options.maxActiveKeys` active
   * keys, and with `'hash'` / `'id'` when those clash. A record inserted already revoked or replaced
   * (an import) neither holds its nickname nor counts against the limit.
   *
   * Must be atomic: two concurrent inserts of one nickname give exactly one `ok: true`, and
   * concurrent inserts never take an owner past the limit. Its cost must not grow with the owner's
   * history (revoked, replaced and long-expired keys): at most with the number of active keys.
   */
  insert(record: ApiKeyRecord, options?: InsertOptions): Promise<InsertResult>;

  /**
   * One page of the owner's *live* records: not revoked, and `expiresAt` null or later than
   * `query.now` (replaced keys still in their grace period included), ordered by `createdAt` then
   * `id` (ids compare bytewise; they are ASCII), at most `query.limit`, starting after
   * `query.after`. Must not return other owners' records, and one call must do bounded work
   * whatever the owner's history: a store that skips dead entries on the way may return a short
   * page with a `next` position. Pagination is stable: a record live during the whole walk is
   * returned exactly once. `now` is expected not to go backwards between calls: a store may drop
   * its index entry of a record once a call saw it expired.
   */
  listByOwner(ownerId: string, query: ListByOwnerQuery): Promise<ApiKeyPage>;

  /**
   * One page of the organization's live records (every owner's), with exactly the rules of
   * {@link listByOwner}: same liveness, order, page and stability guarantees, bounded work per
   * call whatever the organization's history. Keys without an organization are never listed here.
   * Used by organization admins; stores index it (PostgreSQL: on `(org_id, created_at, id)`).
   */
  listByOrg(orgId: string, query: ListByOwnerQuery): Promise<ApiKeyPage>;

  /**
   * Revoke the record `id` at `at`, atomically and only if it is still revocable: not revoked yet
   * and `expiresAt` null or later than `at`. Sets `revokedAt` and `updatedAt` to `at` and returns
   * the updated record; the nickname is released. Of many concurrent revokes of one record exactly
   * one succeeds, the others answer `not_active`, and `revokedAt` is never overwritten.
   *
   * A key replaced by {@link rotate} but still in its grace period *is* revocable (a leaked old key
   * must be stoppable before its grace ends); its record keeps `replacedById`, which names the
   * replacement, and the replacement is untouched. Against a concurrent `rotate` of the same key
   * the store gives one order: either the revoke comes first (the rotate answers `not_active` and
   * no replacement exists) or the rotate does (the revoke's record carries `replacedById`, or the
   * revoke answers `not_active` when the rotation left no grace).
   */
  revoke(id: string, at: Date): Promise<RevokeResult>;

  /**
   * Atomically: mark `oldId` as replaced by `next.id`, set its `expiresAt` to `oldExpiresAt`
   * (and `updatedAt` to `next.createdAt`), and insert `next` (which carries the same nickname:
   * the old key no longer holds it, being replaced). Either both happen or neither.
   * `not_found`: no record `oldId`; `not_active`: it is revoked or already replaced. The owner's
   * count of active keys does not change, so no limit applies.
   */
  rotate(oldId: string, next: ApiKeyRecord, oldExpiresAt: Date): Promise<RotateResult>;

  /**
   * Change some fields of the record `id` at `at`, atomically and only if it is active then: not
   * revoked, not replaced, and `expiresAt` null or later than `at` (else `not_active`; `not_found`
   * for an unknown id). Sets the fields present in `patch` and `updatedAt` to `at`, and returns the
   * record as stored afterwards (what `getById` answers next).
   *
   * A new nickname follows the rule of {@link insert}: `conflict: 'nickname'` when another key of
   * the owner holds it at `at` (a holder expired by then does not count); the old nickname is
   * released at once, so another key may take it. Of two concurrent updates giving two keys of one
   * owner the same new nickname exactly one succeeds. A new `expiresAt` moves the key's place in
   * whatever the store keeps to count and prune active keys. The owner's count of active keys does
   * not change, so no limit applies. Its cost must not grow with the owner's history.
   */
  update(id: string, patch: ApiKeyUpdate, at: Date): Promise<UpdateResult>;

  /**
   * Record last use for many keys in one write. Entries for unknown ids are ignored; a value
   * older than the stored one must not move `lastUsedAt` backwards. One batch may name the same id
   * more than once: the newest time wins, whatever its position in the batch.
   */
  touchLastUsed(entries: ReadonlyArray<{ readonly id: string; readonly lastUsedAt: Date }>): Promise<void>;

  /**
   * Optional: broadcast an invalidation to every instance subscribed on this store (including the
   * sender). Stores shared by several processes implement it with their own channel (Redis
   * pub/sub, Postgres LISTEN/NOTIFY). Delivery order is not promised (each event only drops one key
   * from the caches), nor delivery during a channel outage (a `reset` follows it, see `subscribe`).
   */
  publish?(event: InvalidationEvent): Promise<void>;

  /**
   * Optional: receive invalidations. Returns an unsubscribe function. A store without it is
   * single-instance; other instances then learn of a revocation within the cache TTL. The
   * subscription must be live when the returned promise resolves: every event published after
   * that is delivered (Redis, for one, must wait for the SUBSCRIBE acknowledgement). A rejection
   * means the channel could not be opened (the core retries that first subscribe with a backoff).
   *
   * Once subscribed, the store owns the channel: when it is interrupted (connection lost, or found
   * silent) the store re-establishes it by itself and then delivers `{ type: 'reset' }` once to each
   * subscriber that was subscribed during the gap, since events published meanwhile may have been
   * lost. `InvalidationHub` (from `@keyward/core/store`) does all of this given a way to open the channel.
   */
  subscribe?(onEvent: (event: InvalidationEvent | InvalidationReset) => void): Promise<() => Promise<void>>;

  /**
   * Optional: persist one audit event (management events: created, updated, rotated, revoked,
   * leak reported). Stores bound what they keep (a Redis stream trimmed to a length, a memory
   * ring); an event is never changed once written. A rejection is reported, never retried.
   */
  appendAudit?(record: AuditRecord): Promise<void>;

  /**
   * Optional: the organization's audit events (`orgId` `null`: events of keys without one),
   * newest first (`at` descending, then `id` descending), at most `query.limit`, strictly before
   * `query.before`, `next` `null` once nothing follows. A store whose log is in append order (Redis
   * streams) may list events appended out of time order, or within one millisecond, in that order
   * instead; each event is still listed exactly once across pages. Required for `GET <mount>/audit`.
   */
  listAudit?(orgId: string | null, query: AuditQuery): Promise<AuditPage>;

  /** Optional: release what the store itself created (subscriptions, timers). Never closes the user's client. */
  close?(): Promise<void>;
}
