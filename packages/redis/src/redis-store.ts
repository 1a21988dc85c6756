import type { Cluster, Redis } from 'ioredis';
import type {
  ApiKeyPage,
  ApiKeyRecord,
  AuditPage,
  AuditQuery,
  AuditRecord,
  InsertOptions,
  InsertResult,
  InvalidationEvent,
  InvalidationHub,
  InvalidationReset,
  KeyStore,
  ListByOwnerQuery,
  RevokeResult,
  RotateResult,
  ApiKeyUpdate,
  UpdateResult,
} from '@keyward/core/store';
import { encodeInvalidationEvent } from '@keyward/core/store';
import { auditMs, encodeAudit, readAudit } from './audit.js';
import { decodeRecord, encodeRecord, pairsToObject } from './codec.js';
import { RedisKeyStoreError, storeError } from './errors.js';
import { SubscriberConnection, createInvalidationHub } from './invalidation.js';
import { keyNames, liveMember, parseLiveMember } from './key-names.js';
import type { KeyNames } from './key-names.js';
import type { RedisKeyStoreOptions } from './options.js';
import { resolveOptions } from './options.js';
import { defineScripts } from './scripts.js';
import type { Scripted } from './scripts.js';

/** Most `touchLastUsed` entries sent in one script call; larger batches go as several calls in one pipeline. */
const TOUCH_CHUNK = 500;

/**
 * A {@link KeyStore} on Redis through your ioredis `Redis` or `Cluster`.
 *
 * Each record is a Redis hash stored under its key hash (`{prefix}:h:<hash>`), so the lookup of every
 * cache miss is one `HGETALL`; an id → hash pointer and three small per-owner structures serve the
 * key manager: nickname → holder, held nicknames by expiry (the active-key count) and the live keys
 * in list order. Writes are Lua scripts, atomic with the nickname rule and the active-key limit,
 * whose work never grows with an owner's history of revoked or expired keys. Keys with an `expiresAt`
 * get a Redis TTL `retainExpiredMs` (24 h) after it. Revocations travel on a pub/sub channel.
 *
 * The store sends commands on your client and never closes it. It opens one connection of its own,
 * `client.duplicate()` for `SUBSCRIBE`, at the first `subscribe()` (unless you pass `subscriber`),
 * and closes it in `close()`. Give the client `maxRetriesPerRequest: 1` so that commands fail fast
 * during an outage (keyward answers 503) instead of waiting for Redis to come back.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createKeyward } from '@keyward/core';
 * import { RedisKeyStore } from '@keyward/redis';
 * const client = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1, socketTimeout: 2_000, keepAlive: 10_000 });
 * const keyward = createKeyward({ store: new RedisKeyStore({ client }), prefixes: ['eck_live_'], pepper });
 * ```
 */
export class RedisKeyStore implements KeyStore {
  readonly #client: Redis | Cluster;
  readonly #scripts: Scripted;
  readonly #keys: KeyNames;
  readonly #retainExpiredMs: number;
  readonly #auditMaxLength: number;
  readonly #subscriber: SubscriberConnection;
  readonly #hub: InvalidationHub;

  constructor(options: RedisKeyStoreOptions) {
    const resolved = resolveOptions(options);
    this.#client = resolved.client;
    this.#scripts = defineScripts(resolved.client);
    this.#keys = keyNames(resolved.prefix);
    this.#retainExpiredMs = resolved.retainExpiredMs;
    this.#auditMaxLength = resolved.auditMaxLength;
    this.#subscriber = new SubscriberConnection(resolved.client, resolved.subscriber);
    this.#hub = createInvalidationHub(this.#subscriber, this.#keys.channel, resolved);
  }

  /** The hash tag shared by every key of this store, e.g. `{keyward}`; its keys are named `{keyward}:...`. */
  get hashTag(): string {
    return this.#keys.base.slice(0, -1);
  }

  async findByHash(hash: string): Promise<ApiKeyRecord | null> {
    const fields = await this.#run('findByHash', () => this.#client.hgetall(this.#keys.byHash(hash)));
    return decodeRecord(fields);
  }

  async getById(id: string): Promise<ApiKeyRecord | null> {
    const reply = await this.#run('getById', () => this.#scripts.keywardV1GetById(this.#keys.byId(id), this.#keys.base));
    return decodeRecord(pairsToObject(reply));
  }

  async insert(record: ApiKeyRecord, options: InsertOptions = {}): Promise<InsertResult> {
    const keys = this.#keys;
    const owner = record.ownerId;
    const holds = record.revokedAt === null && record.replacedById === null;
    const sets = this.#liveSets(record);
    const reply = await this.#run('insert', () =>
      this.#scripts.keywardV3Insert(
        String(4 + sets.length), keys.byHash(record.hash), keys.byId(record.id), keys.nicknames(owner), keys.active(owner), ...sets,
        keys.base, record.id, record.hash, String(record.createdAt.getTime()), record.nickname, this.#expireAt(record.expiresAt),
        holds ? '1' : '0', activeScore(record.expiresAt), record.revokedAt === null ? liveMember(record.createdAt.getTime(), record.id) : '',
        options.maxActiveKeys === undefined ? '' : String(options.maxActiveKeys),
        ...encodeRecord(record),
      ),
    );
    return insertResult(reply);
  }

  async listByOwner(ownerId: string, query: ListByOwnerQuery): Promise<ApiKeyPage> {
    return this.#listLive('listByOwner', this.#keys.live(ownerId), query);
  }

  /** One page of the organization's live set, walked like an owner's (bounded, dropping expired entries). */
  async listByOrg(orgId: string, query: ListByOwnerQuery): Promise<ApiKeyPage> {
    return this.#listLive('listByOrg', this.#keys.orgLive(orgId), query);
  }

  async #listLive(operation: string, setKey: string, query: ListByOwnerQuery): Promise<ApiKeyPage> {
    const after = query.after ? liveMember(query.after.createdAt.getTime(), query.after.id) : '';
    const reply = await this.#run(operation, () =>
      this.#scripts.keywardV2ListLive(setKey, this.#keys.base, String(query.now.getTime()), String(query.limit), after),
    );
    const [next, ...rows] = Array.isArray(reply) ? reply : [''];
    const records: ApiKeyRecord[] = [];
    for (const fields of rows) {
      const record = decodeRecord(pairsToObject(fields));
      if (record !== null) records.push(record);
    }
    return { records, next: typeof next === 'string' && next !== '' ? parseLiveMember(next) : null };
  }

  /**
   * Appends the event to its organization's stream (`{prefix}:audit:<orgId>`, `-` for none), trimmed
   * with `MAXLEN ~ auditMaxLength`: approximate, so the stream may keep somewhat more, never fewer.
   */
  async appendAudit(record: AuditRecord): Promise<void> {
    await this.#run('appendAudit', () =>
      this.#scripts.keywardV1AppendAudit(this.#keys.audit(record.orgId), auditMs(record.at), String(this.#auditMaxLength), ...encodeAudit(record)),
    );
  }

  /** The organization's events, newest first (append order), read with `XREVRANGE`. */
  async listAudit(orgId: string | null, query: AuditQuery): Promise<AuditPage> {
    return this.#run('listAudit', () => readAudit(this.#client, this.#keys.audit(orgId), orgId, query));
  }

  async revoke(id: string, at: Date): Promise<RevokeResult> {
    const reply = await this.#run('revoke', () => this.#scripts.keywardV3Revoke(this.#keys.byId(id), this.#keys.base, String(at.getTime())));
    if (reply === 'not_found' || reply === 'not_active') return { ok: false, conflict: reply };
    const record = decodeRecord(pairsToObject(reply));
    if (record === null) throw new RedisKeyStoreError('revoke', 'unexpected_reply');
    return { ok: true, record };
  }

  async rotate(oldId: string, next: ApiKeyRecord, oldExpiresAt: Date): Promise<RotateResult> {
    const keys = this.#keys;
    const owner = next.ownerId;
    const sets = this.#liveSets(next);
    const reply = await this.#run('rotate', () =>
      this.#scripts.keywardV3Rotate(
        String(5 + sets.length), keys.byId(oldId), keys.byHash(next.hash), keys.byId(next.id), keys.nicknames(owner), keys.active(owner), ...sets,
        keys.base, oldId, next.id, next.hash, String(next.createdAt.getTime()), next.nickname, this.#expireAt(next.expiresAt),
        String(oldExpiresAt.getTime()), this.#expireAt(oldExpiresAt), activeScore(next.expiresAt),
        liveMember(next.createdAt.getTime(), next.id), ...encodeRecord(next),
      ),
    );
    if (reply === 'not_found' || reply === 'not_active') return { ok: false, conflict: reply };
    return insertResult(reply);
  }

  async update(id: string, patch: ApiKeyUpdate, at: Date): Promise<UpdateResult> {
    const fields = ['updatedAt', String(at.getTime())];
    if (patch.nickname !== undefined) fields.push('nickname', patch.nickname);
    if (patch.scopes !== undefined) fields.push('scopes', JSON.stringify(patch.scopes));
    if (patch.metadata !== undefined) fields.push('metadata', JSON.stringify(patch.metadata));
    const expires = patch.expiresAt === undefined ? 'keep' : patch.expiresAt === null ? '' : String(patch.expiresAt.getTime());
    const deadline = patch.expiresAt === undefined ? '' : this.#expireAt(patch.expiresAt);
    const reply = await this.#run('update', () =>
      this.#scripts.keywardV3Update(this.#keys.byId(id), this.#keys.base, String(at.getTime()), patch.nickname ?? '', expires, deadline, ...fields),
    );
    if (reply === 'not_found' || reply === 'not_active' || reply === 'nickname') return { ok: false, conflict: reply };
    const record = decodeRecord(pairsToObject(reply));
    if (record === null) throw new RedisKeyStoreError('update', 'unexpected_reply');
    return { ok: true, record };
  }

  async touchLastUsed(entries: ReadonlyArray<{ readonly id: string; readonly lastUsedAt: Date }>): Promise<void> {
    // The newest time per id, wherever it is in the batch; the script never moves a stored time back.
    const newest = new Map<string, number>();
    for (const { id, lastUsedAt } of entries) newest.set(id, Math.max(newest.get(id) ?? -Infinity, lastUsedAt.getTime()));
    if (newest.size === 0) return;
    const calls: string[][] = [];
    const all = [...newest];
    for (let i = 0; i < all.length; i += TOUCH_CHUNK) {
      const chunk = all.slice(i, i + TOUCH_CHUNK);
      calls.push([String(chunk.length), ...chunk.map(([id]) => this.#keys.byId(id)), this.#keys.base, ...chunk.map(([, at]) => String(at))]);
    }
    await this.#run('touchLastUsed', async () => {
      if (calls.length === 1) return this.#scripts.keywardV1Touch(...calls[0]!);
      const pipeline = this.#client.pipeline();
      for (const args of calls) (pipeline as unknown as Scripted).keywardV1Touch(...args);
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error !== null);
      if (failed !== undefined) throw failed[0];
      return null;
    });
  }

  /** Sends `event` to every store subscribed on this Redis and prefix, this one included. Carries `{ type, keyId }` only. */
  async publish(event: InvalidationEvent): Promise<void> {
    await this.#run('publish', () => this.#client.publish(this.#keys.channel, encodeInvalidationEvent(event)));
  }

  /**
   * Resolves once Redis acknowledged the `SUBSCRIBE`. When the subscriber connection closes, the
   * store subscribes again as soon as ioredis has reconnected it, then each subscriber gets one
   * `{ type: 'reset' }`: events published meanwhile were lost.
   */
  subscribe(onEvent: (event: InvalidationEvent | InvalidationReset) => void): Promise<() => Promise<void>> {
    return this.#run('subscribe', () => this.#hub.subscribe(onEvent));
  }

  /** Ends every subscription and disconnects the subscriber the store created. Never closes `client` or a `subscriber` you passed. */
  async close(): Promise<void> {
    await this.#hub.close();
    this.#subscriber.release();
  }

  /** The live sets a new record goes into: its owner's, and its organization's when it has one. */
  #liveSets(record: ApiKeyRecord): string[] {
    const sets = [this.#keys.live(record.ownerId)];
    if (record.orgId !== null) sets.push(this.#keys.orgLive(record.orgId));
    return sets;
  }

  /** The epoch-ms Redis TTL deadline of a record expiring at `expiresAt`, '' for none. */
  #expireAt(expiresAt: Date | null): string {
    return expiresAt === null ? '' : String(expiresAt.getTime() + this.#retainExpiredMs);
  }

  async #run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw storeError(operation, error);
    }
  }
}

/** Score of a nickname in the owner's active set: the holder's expiry, `+inf` for none. */
function activeScore(expiresAt: Date | null): string {
  return expiresAt === null ? '+inf' : String(expiresAt.getTime());
}

function insertResult(reply: unknown): InsertResult {
  if (reply === 'ok') return { ok: true };
  if (reply === 'nickname' || reply === 'hash' || reply === 'id' || reply === 'owner_limit') return { ok: false, conflict: reply };
  throw new RedisKeyStoreError('write', 'unexpected_reply');
}
