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
  | { readonly ok: false; readonly conflict: 'nickname' | 'hash' | 'id' };

/** Result of {@link KeyStore.rotate}. */
export type RotateResult = InsertResult | { readonly ok: false; readonly conflict: 'not_found' | 'not_active' };

/** Fields {@link KeyStore.update} may change. Absent fields are left as they are. */
export interface ApiKeyPatch {
  readonly revokedAt?: Date | null;
  readonly expiresAt?: Date | null;
  readonly updatedAt: Date;
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
 * Concurrency: every method may be called concurrently from many requests; `insert` and
 * `rotate` must be atomic with respect to the nickname rule.
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
   * Store a new record. Fails with `conflict: 'nickname'` when the owner already has an
   * *active* key with the same nickname, where active means: `revokedAt` is null, `replacedById`
   * is null, and `expiresAt` is null or later than `record.createdAt`. `hash` and `id` clashes
   * give `conflict: 'hash'` / `'id'`. Must be atomic: two concurrent inserts of one nickname give
   * exactly one `ok: true`.
   */
  insert(record: ApiKeyRecord): Promise<InsertResult>;

  /**
   * All records of an owner, in creation order (oldest first), revoked and expired ones included;
   * the core filters. Must not return other owners' records. The order is by `createdAt`, not by
   * insertion: a record inserted later with an earlier `createdAt` comes first. Records with the
   * same `createdAt` may come in any order.
   */
  listByOwner(ownerId: string): Promise<ApiKeyRecord[]>;

  /** Apply `patch` to the record with this id and return the updated record, or `null` if none. */
  update(id: string, patch: ApiKeyPatch): Promise<ApiKeyRecord | null>;

  /**
   * Atomically: mark `oldId` as replaced by `next.id`, set its `expiresAt` to `oldExpiresAt`
   * (and `updatedAt` to `next.createdAt`), and insert `next` (which carries the same nickname:
   * the old key no longer holds it, being replaced). Either both happen or neither.
   * `not_found`: no record `oldId`; `not_active`: it is revoked or already replaced.
   */
  rotate(oldId: string, next: ApiKeyRecord, oldExpiresAt: Date): Promise<RotateResult>;

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

  /** Optional: release what the store itself created (subscriptions, timers). Never closes the user's client. */
  close?(): Promise<void>;
}
