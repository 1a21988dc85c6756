import type {
  ApiKeyPage,
  ApiKeyRecord,
  InsertOptions,
  InsertResult,
  InvalidationEvent,
  InvalidationReset,
  KeyStore,
  ListByOwnerQuery,
  RevokeResult,
  RotateResult,
  ApiKeyUpdate,
  AuditPage,
  AuditQuery,
  AuditRecord,
  UpdateResult,
} from './key-store.js';
import { KeywardConfigError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { OptionNames } from '../options.js';
import { comparePosition } from './list-position.js';

/**
 * Options of {@link MemoryKeyStore}.
 *
 * @example
 * ```ts
 * const store = new MemoryKeyStore({ auditCapacity: 1_000 });
 * ```
 */
export interface MemoryKeyStoreOptions {
  /** How many audit events the in-memory ring keeps; the oldest are dropped first. Default 10 000. */
  readonly auditCapacity?: number;
}

const KNOWN: OptionNames<MemoryKeyStoreOptions> = { auditCapacity: true };

/** Memory has no channel to lose, so its subscribers never hear a `reset`. */
type Listener = (event: InvalidationEvent | InvalidationReset) => void;

/**
 * The in-memory reference {@link KeyStore}: maps by id and by hash plus an owner index, all in
 * this process (the owner indexes hold active and live keys only, so no call walks an owner's
 * history). Good for tests, demos and single-instance servers whose keys may vanish on
 * restart; use `@keyward/postgres` or `@keyward/redis` for anything shared or durable.
 *
 * Records are immutable to callers: every method returns a fresh frozen copy (scopes, metadata
 * and dates copied too), and `insert` stores a copy of what it is given, so no caller can change
 * stored state by mutating an object. Each method runs to completion in one synchronous step
 * (wrapped in a promise, with no artificial delay), which makes `insert`, `revoke`, `rotate` and `update` atomic.
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
  /** Owner id → nickname → id of the record holding it (active, or expired and not yet pruned). */
  readonly #holders = new Map<string, Map<string, string>>();
  /** Owner id → ids of the records not revoked (expired ones included). */
  readonly #live = new Map<string, Set<string>>();
  /** Organization id → ids of its records not revoked (expired ones included). */
  readonly #liveInOrg = new Map<string, Set<string>>();
  /** The newest audit records, oldest first, at most `auditCapacity`. */
  readonly #audit: AuditRecord[] = [];
  readonly #auditCapacity: number;
  readonly #subscriptions = new Set<{ readonly listener: Listener }>();

  /** `auditCapacity`: how many audit records the ring keeps (default 10,000; the oldest go first). */
  constructor(options: MemoryKeyStoreOptions = {}) {
    const capacity = checkOptions('MemoryKeyStore', options, KNOWN).auditCapacity ?? 10_000;
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new KeywardConfigError(`MemoryKeyStore: "auditCapacity" must be a positive whole number, got ${JSON.stringify(capacity)}`);
    }
    this.#auditCapacity = capacity;
  }

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

  async insert(record: ApiKeyRecord, options: InsertOptions = {}): Promise<InsertResult> {
    const conflict = this.#conflictOf(record, null);
    if (conflict !== null) return { ok: false, conflict };
    if (holdsNickname(record)) {
      const holders = this.#holdersOf(record.ownerId);
      // Forget the holders expired by now: what is left is the owner's active keys, no history.
      for (const [nickname, id] of holders) if (!this.#isHolder(id, record.createdAt)) holders.delete(nickname);
      if (options.maxActiveKeys !== undefined && holders.size >= options.maxActiveKeys) return { ok: false, conflict: 'owner_limit' };
    }
    this.#put(record);
    return { ok: true };
  }

  async listByOwner(ownerId: string, query: ListByOwnerQuery): Promise<ApiKeyPage> {
    return this.#page(this.#live.get(ownerId), query);
  }

  async listByOrg(orgId: string, query: ListByOwnerQuery): Promise<ApiKeyPage> {
    return this.#page(this.#liveInOrg.get(orgId), query);
  }

  async appendAudit(record: AuditRecord): Promise<void> {
    this.#audit.push(Object.freeze({ ...record, at: new Date(record.at.getTime()), data: structuredClone(record.data) }));
    if (this.#audit.length > this.#auditCapacity) this.#audit.splice(0, this.#audit.length - this.#auditCapacity);
  }

  async listAudit(orgId: string | null, query: AuditQuery): Promise<AuditPage> {
    const before = query.before ?? null;
    const older = (r: AuditRecord) => before === null || r.at.getTime() < before.at.getTime() || (r.at.getTime() === before.at.getTime() && r.id < before.id);
    const matching = this.#audit.filter((r) => r.orgId === orgId && older(r));
    matching.sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const records = matching.slice(0, query.limit).map((r) => ({ ...r, at: new Date(r.at.getTime()), data: structuredClone(r.data) }));
    const last = records.at(-1);
    return { records, next: matching.length > query.limit && last !== undefined ? { at: new Date(last.at.getTime()), id: last.id } : null };
  }

  #page(index: Set<string> | undefined, query: ListByOwnerQuery): ApiKeyPage {
    const now = query.now.getTime();
    const after = query.after ?? null;
    const ids = index ?? new Set<string>();
    const live: ApiKeyRecord[] = [];
    for (const id of ids) {
      const record = this.#byId.get(id);
      // Expired for good (`now` does not go back): forget it, as the other stores do.
      if (record === undefined || (record.expiresAt !== null && record.expiresAt.getTime() <= now)) ids.delete(id);
      else if (after === null || comparePosition(record, after) > 0) live.push(record);
    }
    live.sort(comparePosition);
    const records = live.slice(0, query.limit);
    const last = records.at(-1);
    const next = live.length > query.limit && last !== undefined ? { createdAt: new Date(last.createdAt.getTime()), id: last.id } : null;
    return { records: records.map(copyRecord), next };
  }

  async revoke(id: string, at: Date): Promise<RevokeResult> {
    const current = this.#byId.get(id);
    if (current === undefined) return { ok: false, conflict: 'not_found' };
    if (current.revokedAt !== null || (current.expiresAt !== null && current.expiresAt.getTime() <= at.getTime())) {
      return { ok: false, conflict: 'not_active' };
    }
    this.#byId.set(id, copyRecord({ ...current, revokedAt: at, updatedAt: at }));
    this.#release(current);
    this.#live.get(current.ownerId)?.delete(id);
    if (current.orgId !== null) this.#liveInOrg.get(current.orgId)?.delete(id);
    return { ok: true, record: this.#read(id)! };
  }

  async rotate(oldId: string, next: ApiKeyRecord, oldExpiresAt: Date): Promise<RotateResult> {
    const old = this.#byId.get(oldId);
    if (old === undefined) return { ok: false, conflict: 'not_found' };
    if (old.revokedAt !== null || old.replacedById !== null) return { ok: false, conflict: 'not_active' };
    const conflict = this.#conflictOf(next, oldId);
    if (conflict !== null) return { ok: false, conflict };
    this.#byId.set(oldId, copyRecord({ ...old, replacedById: next.id, expiresAt: oldExpiresAt, updatedAt: next.createdAt }));
    this.#release(old);
    this.#put(next);
    return { ok: true };
  }

  async update(id: string, patch: ApiKeyUpdate, at: Date): Promise<UpdateResult> {
    const current = this.#byId.get(id);
    if (current === undefined) return { ok: false, conflict: 'not_found' };
    if (!this.#isHolder(id, at)) return { ok: false, conflict: 'not_active' };
    const nickname = patch.nickname ?? current.nickname;
    if (nickname !== current.nickname) {
      const holder = this.#holders.get(current.ownerId)?.get(nickname);
      if (holder !== undefined && holder !== id && this.#isHolder(holder, at)) return { ok: false, conflict: 'nickname' };
    }
    this.#byId.set(id, copyRecord({
      ...current,
      nickname,
      scopes: patch.scopes ?? current.scopes,
      metadata: patch.metadata ?? current.metadata,
      expiresAt: patch.expiresAt === undefined ? current.expiresAt : patch.expiresAt,
      updatedAt: at,
    }));
    if (nickname !== current.nickname) {
      this.#release(current);
      this.#holdersOf(current.ownerId).set(nickname, id);
    }
    return { ok: true, record: this.#read(id)! };
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
    if (holdsNickname(record)) this.#holdersOf(record.ownerId).set(record.nickname, record.id);
    if (record.revokedAt === null) {
      const live = this.#live.get(record.ownerId);
      if (live === undefined) this.#live.set(record.ownerId, new Set([record.id]));
      else live.add(record.id);
      if (record.orgId !== null) {
        const inOrg = this.#liveInOrg.get(record.orgId);
        if (inOrg === undefined) this.#liveInOrg.set(record.orgId, new Set([record.id]));
        else inOrg.add(record.id);
      }
    }
  }

  #holdersOf(ownerId: string): Map<string, string> {
    let holders = this.#holders.get(ownerId);
    if (holders === undefined) this.#holders.set(ownerId, (holders = new Map()));
    return holders;
  }

  /** Drops `record` as the holder of its nickname (revoked or replaced), if it was. */
  #release(record: ApiKeyRecord): void {
    const holders = this.#holders.get(record.ownerId);
    if (holders?.get(record.nickname) === record.id) holders.delete(record.nickname);
  }

  /** Whether the record `id` still holds its nickname at `at`. */
  #isHolder(id: string, at: Date): boolean {
    const record = this.#byId.get(id);
    return record !== undefined && holdsNickname(record) && (record.expiresAt === null || record.expiresAt.getTime() > at.getTime());
  }

  /** The conflict `record` would cause, ignoring the key `replacing` (the old key of a rotation). */
  #conflictOf(record: ApiKeyRecord, replacing: string | null): 'id' | 'hash' | 'nickname' | null {
    if (this.#byId.has(record.id)) return 'id';
    if (this.#idByHash.has(record.hash)) return 'hash';
    if (!holdsNickname(record)) return null;
    const holder = this.#holders.get(record.ownerId)?.get(record.nickname);
    return holder !== undefined && holder !== replacing && this.#isHolder(holder, record.createdAt) ? 'nickname' : null;
  }
}

/** Not revoked and not replaced: the record takes part in the nickname rule (expiry aside). */
function holdsNickname(record: ApiKeyRecord): boolean {
  return record.revokedAt === null && record.replacedById === null;
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
