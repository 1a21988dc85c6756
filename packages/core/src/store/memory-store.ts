import type {
  ApiKeyPatch,
  ApiKeyRecord,
  InsertResult,
  InvalidationEvent,
  InvalidationReset,
  KeyStore,
  RotateResult,
} from './key-store.js';

/** Memory has no channel to lose, so its subscribers never hear a `reset`. */
type Listener = (event: InvalidationEvent | InvalidationReset) => void;

/**
 * The in-memory reference {@link KeyStore}: maps by id and by hash plus an owner index, all in
 * this process. Good for tests, demos and single-instance servers whose keys may vanish on
 * restart; use `@keyward/postgres` or `@keyward/redis` for anything shared or durable.
 *
 * Records are immutable to callers: every method returns a fresh frozen copy (scopes, metadata
 * and dates copied too), and `insert` stores a copy of what it is given, so no caller can change
 * stored state by mutating an object. Each method runs to completion in one synchronous step
 * (wrapped in a promise, with no artificial delay), which makes `insert` and `rotate` atomic.
 *
 * `publish`/`subscribe` reach the subscribers of this store object only, each delivery in its
 * own microtask (never synchronously inside `publish`). A listener that throws is ignored.
 *
 * @example
 * ```ts
 * import { createKeyward, MemoryKeyStore } from '@keyward/core';
 * const store = new MemoryKeyStore();
 * const keyward = createKeyward({ store, prefixes: ['eck_test_'] });
 * console.log(store.size); // 0
 * ```
 */
export class MemoryKeyStore implements KeyStore {
  readonly #byId = new Map<string, ApiKeyRecord>();
  readonly #idByHash = new Map<string, string>();
  /** Owner id → ids, in insertion order. */
  readonly #idsByOwner = new Map<string, string[]>();
  readonly #subscriptions = new Set<{ readonly listener: Listener }>();

  /** Number of stored records, revoked, expired and replaced ones included. */
  get size(): number {
    return this.#byId.size;
  }

  async findByHash(hash: string): Promise<ApiKeyRecord | null> {
    const id = this.#idByHash.get(hash);
    return id === undefined ? null : this.#read(id);
  }

  async getById(id: string): Promise<ApiKeyRecord | null> {
    return this.#read(id);
  }

  async insert(record: ApiKeyRecord): Promise<InsertResult> {
    const conflict = this.#conflictOf(record, null);
    if (conflict !== null) return { ok: false, conflict };
    this.#put(record);
    return { ok: true };
  }

  async listByOwner(ownerId: string): Promise<ApiKeyRecord[]> {
    const records = (this.#idsByOwner.get(ownerId) ?? []).map((id) => this.#byId.get(id)).filter(isDefined);
    // Array.prototype.sort is stable: equal createdAt keeps insertion order.
    records.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    return records.map(copyRecord);
  }

  async update(id: string, patch: ApiKeyPatch): Promise<ApiKeyRecord | null> {
    const current = this.#byId.get(id);
    if (current === undefined) return null;
    const next: ApiKeyRecord = {
      ...current,
      revokedAt: patch.revokedAt === undefined ? current.revokedAt : patch.revokedAt,
      expiresAt: patch.expiresAt === undefined ? current.expiresAt : patch.expiresAt,
      updatedAt: patch.updatedAt,
    };
    this.#byId.set(id, copyRecord(next));
    return this.#read(id);
  }

  async rotate(oldId: string, next: ApiKeyRecord, oldExpiresAt: Date): Promise<RotateResult> {
    const old = this.#byId.get(oldId);
    if (old === undefined) return { ok: false, conflict: 'not_found' };
    if (old.revokedAt !== null || old.replacedById !== null) return { ok: false, conflict: 'not_active' };
    const conflict = this.#conflictOf(next, oldId);
    if (conflict !== null) return { ok: false, conflict };
    this.#byId.set(oldId, copyRecord({ ...old, replacedById: next.id, expiresAt: oldExpiresAt, updatedAt: next.createdAt }));
    this.#put(next);
    return { ok: true };
  }

  async touchLastUsed(entries: ReadonlyArray<{ readonly id: string; readonly lastUsedAt: Date }>): Promise<void> {
    for (const { id, lastUsedAt } of entries) {
      const current = this.#byId.get(id);
      if (current === undefined) continue;
      if (current.lastUsedAt !== null && current.lastUsedAt.getTime() >= lastUsedAt.getTime()) continue;
      this.#byId.set(id, copyRecord({ ...current, lastUsedAt }));
    }
  }

  async publish(event: InvalidationEvent): Promise<void> {
    const delivered: InvalidationEvent = Object.freeze({ type: event.type, keyId: event.keyId });
    for (const subscription of [...this.#subscriptions]) {
      queueMicrotask(() => {
        // Unsubscribed between publish and delivery: skip.
        if (!this.#subscriptions.has(subscription)) return;
        try {
          subscription.listener(delivered);
        } catch {
          // A faulty listener must not crash the process or starve the others.
        }
      });
    }
  }

  async subscribe(listener: Listener): Promise<() => Promise<void>> {
    const subscription = { listener };
    this.#subscriptions.add(subscription);
    return async () => {
      this.#subscriptions.delete(subscription);
    };
  }

  /** Drops every subscriber. Stored records are kept; the store stays usable. */
  async close(): Promise<void> {
    this.#subscriptions.clear();
  }

  #read(id: string): ApiKeyRecord | null {
    const record = this.#byId.get(id);
    return record === undefined ? null : copyRecord(record);
  }

  #put(record: ApiKeyRecord): void {
    this.#byId.set(record.id, copyRecord(record));
    this.#idByHash.set(record.hash, record.id);
    const ids = this.#idsByOwner.get(record.ownerId);
    if (ids === undefined) this.#idsByOwner.set(record.ownerId, [record.id]);
    else ids.push(record.id);
  }

  /** The conflict `record` would cause, ignoring the key `replacing` (the old key of a rotation). */
  #conflictOf(record: ApiKeyRecord, replacing: string | null): 'id' | 'hash' | 'nickname' | null {
    if (this.#byId.has(record.id)) return 'id';
    if (this.#idByHash.has(record.hash)) return 'hash';
    const createdAt = record.createdAt.getTime();
    for (const id of this.#idsByOwner.get(record.ownerId) ?? []) {
      if (id === replacing) continue;
      const other = this.#byId.get(id);
      if (other === undefined || other.nickname !== record.nickname) continue;
      const active =
        other.revokedAt === null &&
        other.replacedById === null &&
        (other.expiresAt === null || other.expiresAt.getTime() > createdAt);
      if (active) return 'nickname';
    }
    return null;
  }
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

function copyDate(date: Date | null): Date | null {
  return date === null ? null : new Date(date.getTime());
}

/** A deep, frozen copy of a JSON-like value. */
function frozenClone<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return Object.freeze(value.map(frozenClone)) as T;
  // fromEntries defines own properties, so a `__proto__` key stays data, never a prototype.
  return Object.freeze(Object.fromEntries(Object.entries(value).map(([key, item]) => [key, frozenClone(item)]))) as T;
}

/** A frozen copy of `record` sharing nothing mutable with it, with exactly the record's fields. */
function copyRecord(record: ApiKeyRecord): ApiKeyRecord {
  return Object.freeze({
    id: record.id,
    hash: record.hash,
    pepperId: record.pepperId,
    prefix: record.prefix,
    start: record.start,
    ownerId: record.ownerId,
    orgId: record.orgId,
    nickname: record.nickname,
    scopes: Object.freeze([...record.scopes]),
    metadata: frozenClone(record.metadata),
    createdAt: new Date(record.createdAt.getTime()),
    updatedAt: new Date(record.updatedAt.getTime()),
    expiresAt: copyDate(record.expiresAt),
    revokedAt: copyDate(record.revokedAt),
    lastUsedAt: copyDate(record.lastUsedAt),
    replacedById: record.replacedById,
  });
}
