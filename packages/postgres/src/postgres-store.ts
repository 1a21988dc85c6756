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
import type { Database, PostgresClient, Queryable } from './client.js';
import { isPGlite, runMigration, missingPoolSettings, toDatabase } from './client.js';
import { toStoreError, violatedConstraint } from './errors.js';
import { createInvalidationHub } from './invalidation.js';
import { insertAudit, selectAudit } from './audit.js';
import { listLive } from './list.js';
import { checkStoreOptions } from './options.js';
import type { PostgresKeyStoreOptions } from './options.js';
import { iso, recordValues, SELECT_LIST, toRecord, VALUE_PLACEHOLDERS } from './rows.js';
import { schemaSql, tableNames } from './schema.js';
import type { TableNames } from './schema.js';

/** Most rows one `touchLastUsed` statement updates; larger flushes go as several statements, in id order. */
const TOUCH_CHUNK = 5_000;

type Conflict = 'id' | 'hash' | 'nickname' | 'owner_limit';

/** Thrown inside an insert transaction to roll it back when the owner is past its limit. */
class OwnerLimitReached extends Error {}

/**
 * A {@link KeyStore} on PostgreSQL, over the user's `pg.Pool` or a PGlite instance (one code
 * path for both). It never opens connections of its own: queries go through the pool, and
 * `subscribe` holds one client of the pool for LISTEN (re-acquired with backoff if lost or silent). With
 * PGlite, LISTEN/NOTIFY reaches the stores on the same PGlite instance (a PGlite data directory
 * belongs to one process).
 *
 * Store failures reject with {@link PostgresStoreError}, whose message never carries key hashes;
 * keyward answers them with 503.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { PostgresKeyStore } from '@keyward/postgres';
 * const store = new PostgresKeyStore({ client: new pg.Pool({ connectionString: process.env.DATABASE_URL }) });
 * await store.migrate();
 * const keyward = createKeyward({ store, prefixes: ['eck_live_'], pepper: process.env.KEYWARD_PEPPER });
 * ```
 */
export class PostgresKeyStore implements KeyStore {
  readonly #db: Database;
  /** The same, with no statement bound: `migrate()` may wait on another instance's migration. */
  readonly #unbounded: Database;
  readonly #names: TableNames;
  readonly #hub: InvalidationHub;

  constructor(options: PostgresKeyStoreOptions) {
    const o = checkStoreOptions(options);
    const queryTimeoutMs = o.queryTimeoutMs ?? 2_000;
    this.#db = toDatabase(o.client, queryTimeoutMs);
    this.#unbounded = toDatabase(o.client, 0);
    this.#names = tableNames({ table: o.table, schema: o.schema });
    const client = o.client as PostgresClient;
    const logger = o.logger === false ? null : (o.logger ?? console);
    const warn = (message: string) => logger?.warn(message);
    const missing = isPGlite(client) ? [] : missingPoolSettings(client);
    if (missing.length > 0) {
      warn(`PostgresKeyStore: the pg.Pool lacks ${missing.join(', ')}; without them a connection that goes silent can hold requests past keyward's timeout (see "Recovery bounds" in the README)`);
    }
    this.#hub = createInvalidationHub(client, this.#names.channel, {
      queryTimeoutMs,
      heartbeatMs: o.heartbeatMs ?? 5_000,
      reconnectDelayMs: o.reconnectDelayMs ?? 100,
      maxReconnectDelayMs: o.maxReconnectDelayMs ?? 5_000,
      warn,
    });
  }

  /** The quoted, qualified table name, e.g. `"auth"."api_keys"`. */
  get table(): string {
    return this.#names.qualified;
  }

  /**
   * Creates the schema (if configured), the key table, its audit table (`<table>_audit`) and their indexes if missing. Idempotent, and safe
   * to run from several instances at once, and beside a `PostgresRateLimitStore.migrate()` creating the
   * same schema: every keyward migration takes one transaction-scoped advisory lock.
   */
  async migrate(): Promise<void> {
    await this.#run('migrate', () => runMigration(this.#unbounded, schemaSql({ table: this.#names.table, schema: this.#names.schema ?? undefined })));
  }

  async findByHash(hash: string): Promise<ApiKeyRecord | null> {
    return this.#run('findByHash', () => this.#selectOne('hash', hash));
  }

  async getById(id: string): Promise<ApiKeyRecord | null> {
    return this.#run('getById', () => this.#selectOne('id', id));
  }

  async insert(record: ApiKeyRecord, options: InsertOptions = {}): Promise<InsertResult> {
    const max = options.maxActiveKeys;
    const limited = max !== undefined && record.revokedAt === null && record.replacedById === null;
    return this.#run('insert', async () => {
      try {
        await this.#db.transaction(async (tx) => {
          // One insert at a time per owner when counting, so concurrent ones cannot both pass.
          if (limited) await tx.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [this.#names.qualified, record.ownerId]);
          await this.#insertIn(tx, record);
          if (limited && (await this.#activeCount(tx, record)) > max) throw new OwnerLimitReached();
        });
        return { ok: true };
      } catch (error) {
        if (error instanceof OwnerLimitReached) return { ok: false, conflict: 'owner_limit' };
        return { ok: false, conflict: this.#conflictOf(error) };
      }
    });
  }

  async listByOwner(ownerId: string, query: ListByOwnerQuery): Promise<ApiKeyPage> {
    // Served by the partial index of the owner's live keys, in its order: revoked keys are never read.
    return this.#run('listByOwner', () => listLive(this.#db, this.#names.qualified, 'owner_id', ownerId, query));
  }

  /** Every owner's live keys of the organization, through the partial index on (org_id, created_at, id). */
  async listByOrg(orgId: string, query: ListByOwnerQuery): Promise<ApiKeyPage> {
    return this.#run('listByOrg', () => listLive(this.#db, this.#names.qualified, 'org_id', orgId, query));
  }

  /** Writes the event into `<table>_audit` (created by `migrate()`); an id already there is left unchanged. */
  async appendAudit(record: AuditRecord): Promise<void> {
    await this.#run('appendAudit', () => insertAudit(this.#db, this.#names.auditQualified, record));
  }

  /** The organization's events, newest first, through the index on (org_id, at DESC, id DESC). */
  async listAudit(orgId: string | null, query: AuditQuery): Promise<AuditPage> {
    return this.#run('listAudit', () => selectAudit(this.#db, this.#names.auditQualified, orgId, query));
  }

  async revoke(id: string, at: Date): Promise<RevokeResult> {
    return this.#run('revoke', async () => {
      // Conditional: a concurrent revoke or rotate holding the row makes this one wait, then
      // re-check the condition on the row it left.
      const { rows } = await this.#db.query(
        `UPDATE ${this.#names.qualified} SET revoked_at = $2::timestamptz, updated_at = $2::timestamptz
         WHERE id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2::timestamptz)
         RETURNING ${SELECT_LIST}`,
        [id, iso(at)],
      );
      if (rows.length > 0) return { ok: true, record: toRecord(rows[0]) };
      // Records are never deleted, so an id seen now existed when the update ran.
      const found = await this.#db.query(`SELECT 1 FROM ${this.#names.qualified} WHERE id = $1`, [id]);
      return { ok: false, conflict: found.rows.length === 0 ? 'not_found' : 'not_active' };
    });
  }

  async rotate(oldId: string, next: ApiKeyRecord, oldExpiresAt: Date): Promise<RotateResult> {
    return this.#run('rotate', async () => {
      try {
        return await this.#db.transaction(async (tx): Promise<RotateResult> => {
          const { rows } = await tx.query(
            `SELECT revoked_at, replaced_by_id FROM ${this.#names.qualified} WHERE id = $1 FOR UPDATE`,
            [oldId],
          );
          const old = rows[0] as { revoked_at: unknown; replaced_by_id: unknown } | undefined;
          if (old === undefined) return { ok: false, conflict: 'not_found' };
          if (old.revoked_at !== null || old.replaced_by_id !== null) return { ok: false, conflict: 'not_active' };
          await tx.query(
            `UPDATE ${this.#names.qualified} SET replaced_by_id = $2, expires_at = $3::timestamptz, updated_at = $4::timestamptz WHERE id = $1`,
            [oldId, next.id, iso(oldExpiresAt), iso(next.createdAt)],
          );
          await this.#insertIn(tx, next);
          return { ok: true };
        });
      } catch (error) {
        return { ok: false, conflict: this.#conflictOf(error) };
      }
    });
  }

  async update(id: string, patch: ApiKeyUpdate, at: Date): Promise<UpdateResult> {
    const values: unknown[] = [id, iso(at)];
    const set = ['updated_at = $2::timestamptz'];
    const assign = (column: string, value: unknown, cast = '') => set.push(`${column} = $${values.push(value)}${cast}`);
    if (patch.nickname !== undefined) assign('nickname', patch.nickname);
    if (patch.scopes !== undefined) assign('scopes', [...patch.scopes], '::text[]');
    if (patch.metadata !== undefined) assign('metadata', JSON.stringify(patch.metadata), '::jsonb');
    if (patch.expiresAt !== undefined) assign('expires_at', iso(patch.expiresAt), '::timestamptz');
    return this.#run('update', async () => {
      try {
        const rows = await this.#db.transaction(async (tx) => {
          // A holder of the new nickname expired by `at` gives it up first, as on insert.
          if (patch.nickname !== undefined) {
            await tx.query(
              `UPDATE ${this.#names.qualified} SET nickname_released = true
               WHERE owner_id = (SELECT owner_id FROM ${this.#names.qualified} WHERE id = $1) AND nickname = $3
                 AND revoked_at IS NULL AND replaced_by_id IS NULL AND NOT nickname_released AND expires_at <= $2::timestamptz`,
              [id, iso(at), patch.nickname],
            );
          }
          // Conditional, like revoke: a concurrent write holding the row makes this one wait and re-check;
          // a second holder of the nickname makes the partial unique index refuse it.
          const result = await tx.query(
            `UPDATE ${this.#names.qualified} SET ${set.join(', ')}
             WHERE id = $1 AND revoked_at IS NULL AND replaced_by_id IS NULL AND NOT nickname_released
               AND (expires_at IS NULL OR expires_at > $2::timestamptz)
             RETURNING ${SELECT_LIST}`,
            values,
          );
          return result.rows;
        });
        if (rows.length > 0) return { ok: true, record: toRecord(rows[0]) };
      } catch (error) {
        if (this.#conflictOf(error) === 'nickname') return { ok: false, conflict: 'nickname' };
        throw error;
      }
      const found = await this.#db.query(`SELECT 1 FROM ${this.#names.qualified} WHERE id = $1`, [id]);
      return { ok: false, conflict: found.rows.length === 0 ? 'not_found' : 'not_active' };
    });
  }

  async touchLastUsed(entries: ReadonlyArray<{ readonly id: string; readonly lastUsedAt: Date }>): Promise<void> {
    // The newest time per id, in id order: instances flushing at once lock rows in one order (no
    // deadlock), and a large flush goes as statements of TOUCH_CHUNK rows, each short enough for
    // its timeout, instead of one statement holding many thousands of row locks.
    const newest = new Map<string, number>();
    for (const { id, lastUsedAt } of entries) newest.set(id, Math.max(newest.get(id) ?? -Infinity, lastUsedAt.getTime()));
    const sorted = [...newest].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 0; i < sorted.length; i += TOUCH_CHUNK) {
      const chunk = sorted.slice(i, i + TOUCH_CHUNK);
      await this.#run('touchLastUsed', () =>
        this.#db.query(
          `UPDATE ${this.#names.qualified} AS k SET last_used_at = GREATEST(k.last_used_at, u.at)
           FROM unnest($1::text[], $2::timestamptz[]) AS u(id, at)
           WHERE k.id = u.id`,
          [chunk.map(([id]) => id), chunk.map(([, at]) => new Date(at).toISOString())],
        ),
      );
    }
  }

  /** Sends `{type, keyId}` with NOTIFY to every store listening on this table (this one included). */
  async publish(event: InvalidationEvent): Promise<void> {
    await this.#run('publish', () => this.#db.query('SELECT pg_notify($1, $2)', [this.#names.channel, encodeInvalidationEvent(event)]));
  }

  /**
   * Resolves once LISTEN is active; rejects with {@link PostgresStoreError} if it cannot be. A LISTEN
   * connection that is lost, or found silent by the heartbeat, is re-established in the background,
   * then each subscriber gets one `{ type: 'reset' }` (never with PGlite, which has no connection to lose).
   */
  async subscribe(onEvent: (event: InvalidationEvent | InvalidationReset) => void): Promise<() => Promise<void>> {
    return this.#run('subscribe', () => this.#hub.subscribe(onEvent));
  }

  /** Drops the subscribers and releases the LISTEN client. Never ends the user's pool or PGlite. */
  async close(): Promise<void> {
    await this.#hub.close();
  }

  async #selectOne(column: 'hash' | 'id', value: string): Promise<ApiKeyRecord | null> {
    const { rows } = await this.#db.query(`SELECT ${SELECT_LIST} FROM ${this.#names.qualified} WHERE ${column} = $1`, [value]);
    return rows.length === 0 ? null : toRecord(rows[0]);
  }

  /**
   * Inside a transaction: release the nicknames of the owner's holders expired at or before
   * `record.createdAt`, then insert. A second holder of the nickname makes the partial unique index
   * refuse it. Both statements read only the owner's holders (the partial index), never its history.
   */
  async #insertIn(tx: Queryable, record: ApiKeyRecord): Promise<void> {
    await tx.query(
      `UPDATE ${this.#names.qualified} SET nickname_released = true
       WHERE owner_id = $1 AND revoked_at IS NULL AND replaced_by_id IS NULL
         AND NOT nickname_released AND expires_at <= $2::timestamptz`,
      [record.ownerId, iso(record.createdAt)],
    );
    await tx.query(`INSERT INTO ${this.#names.qualified} (${SELECT_LIST}) VALUES (${VALUE_PLACEHOLDERS})`, recordValues(record));
  }

  /** The owner's keys holding their nickname once `record` is in: its active keys. */
  async #activeCount(tx: Queryable, record: ApiKeyRecord): Promise<number> {
    const { rows } = await tx.query(
      `SELECT count(*)::int AS n FROM ${this.#names.qualified}
       WHERE owner_id = $1 AND revoked_at IS NULL AND replaced_by_id IS NULL AND NOT nickname_released`,
      [record.ownerId],
    );
    return Number((rows[0] as { n: unknown }).n);
  }

  /** The conflict a unique violation stands for; rethrows anything else. */
  #conflictOf(error: unknown): Conflict {
    const constraint = violatedConstraint(error);
    if (constraint === this.#names.primaryKey) return 'id';
    if (constraint === this.#names.hashIndex) return 'hash';
    if (constraint === this.#names.nicknameIndex) return 'nickname';
    throw error;
  }

  /** Runs `work`, turning any failure into a {@link PostgresStoreError} without key material. */
  async #run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toStoreError(operation, error);
    }
  }
}
