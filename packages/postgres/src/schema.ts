import { KeywardConfigError } from '@keyward/core/store';

/**
 * Where the key table lives. Both names are lowercase SQL identifiers; they are always quoted.
 *
 * @example
 * ```ts
 * const names: TableOptions = { schema: 'auth', table: 'api_keys' }; // "auth"."api_keys"
 * ```
 */
export interface TableOptions {
  /** Table name. Default `keyward_api_keys`. */
  readonly table?: string;
  /** Schema of the table; created by `migrate()` if missing. Default: none (the connection's `search_path`). */
  readonly schema?: string;
}

/** Resolved, validated names of everything the store creates. */
export interface TableNames {
  /** `"schema"."table"` or `"table"`, quoted. */
  readonly qualified: string;
  readonly schema: string | null;
  readonly table: string;
  /** Unique index on the hash; a clash is `conflict: 'hash'`. */
  readonly hashIndex: string;
  /** Partial unique index on (owner_id, nickname) of keys holding their nickname; a clash is `conflict: 'nickname'`. */
  readonly nicknameIndex: string;
  /** Index on (owner_id, created_at), kept for existing queries of integrators. */
  readonly ownerIndex: string;
  /** Partial index of the keys not revoked, in `listByOwner` order: a page never walks the owner's revoked keys. */
  readonly liveIndex: string;
  /** Partial index of the keys not revoked, by organization in list order: `listByOrg` never walks revoked history. */
  readonly orgLiveIndex: string;
  /** `"schema"."<table>_audit"` or `"<table>_audit"`, quoted: the audit events. */
  readonly auditQualified: string;
  /** Primary key of the audit table (an event id is written once). */
  readonly auditPrimaryKey: string;
  /** Index of the audit table on (org_id, at DESC, id DESC): `listAudit` order. */
  readonly auditIndex: string;
  /** Primary key constraint; a clash is `conflict: 'id'`. */
  readonly primaryKey: string;
  /** LISTEN/NOTIFY channel of invalidation events. */
  readonly channel: string;
}

export const DEFAULT_TABLE = 'keyward_api_keys';

/** Lowercase identifier short enough that `<name>_active_nickname_key` stays within 63 bytes. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,39}$/;

function checkIdentifier(value: unknown, option: string): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw new KeywardConfigError(
      `PostgresKeyStore: "${option}" must be a lowercase SQL identifier (a-z, 0-9, _; at most 40 characters), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

const quote = (identifier: string): string => `"${identifier}"`;

/**
 * Validates `table`/`schema` and derives every name the store uses (indexes, constraint, channel).
 * Throws `KeywardConfigError` for an invalid identifier.
 */
export function tableNames(options: TableOptions = {}): TableNames {
  const table = checkIdentifier(options.table ?? DEFAULT_TABLE, 'table');
  const schema = options.schema === undefined ? null : checkIdentifier(options.schema, 'schema');
  const qualify = (name: string): string => (schema === null ? quote(name) : `${quote(schema)}.${quote(name)}`);
  const qualified = qualify(table);
  return {
    qualified,
    schema,
    table,
    hashIndex: `${table}_hash_key`,
    nicknameIndex: `${table}_active_nickname_key`,
    ownerIndex: `${table}_owner_created_idx`,
    liveIndex: `${table}_owner_live_idx`,
    orgLiveIndex: `${table}_org_live_idx`,
    primaryKey: `${table}_pkey`,
    auditQualified: qualify(`${table}_audit`),
    auditPrimaryKey: `${table}_audit_pkey`,
    auditIndex: `${table}_audit_org_at_idx`,
    channel: schema === null ? table : `${schema}_${table}`.slice(0, 63),
  };
}

/**
 * The DDL of the key table and its audit table, idempotent (`IF NOT EXISTS` everywhere). With no argument it is
 * exactly the `schema.sql` file shipped in this package (`@keyward/postgres/schema.sql`), for
 * migration tools that apply SQL files themselves.
 *
 * Nickname rule: a key holds its nickname while `revoked_at` and `replaced_by_id` are null and
 * `nickname_released` is false; the partial unique index makes the database refuse a second
 * holder. An expired key keeps holding it until an insert dated at or after its expiry releases
 * it (sets `nickname_released`) in the same transaction, because an index cannot compare with now().
 * Each insert releases all of the owner's holders expired by then, so the holders the partial
 * index keeps per owner are its active keys, which `insert` counts against `maxActiveKeys` (under a
 * transaction-scoped advisory lock per owner) without reading the owner's history.
 *
 * @example
 * ```ts
 * import { schemaSql } from '@keyward/postgres';
 * await pool.query(schemaSql({ schema: 'auth', table: 'api_keys' }));
 * ```
 */
export function schemaSql(options: TableOptions = {}): string {
  const n = tableNames(options);
  const createSchema = n.schema === null ? '' : `CREATE SCHEMA IF NOT EXISTS ${quote(n.schema)};\n\n`;
  return `-- keyward API keys: only the HMAC-SHA256 hash of each key is stored, never the key.
${createSchema}CREATE TABLE IF NOT EXISTS ${n.qualified} (
  id                text        NOT NULL,
  hash              text        NOT NULL,
  pepper_id         text,
  prefix            text        NOT NULL,
  start             text        NOT NULL,
  owner_id          text        NOT NULL,
  org_id            text,
  nickname          text        NOT NULL,
  scopes            text[]      NOT NULL DEFAULT '{}',
  metadata          jsonb       NOT NULL DEFAULT '{}',
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  expires_at        timestamptz,
  revoked_at        timestamptz,
  last_used_at      timestamptz,
  replaced_by_id    text,
  -- Set when a later key took over the nickname of this expired key.
  nickname_released boolean     NOT NULL DEFAULT false,
  CONSTRAINT ${quote(n.primaryKey)} PRIMARY KEY (id)
);

CREATE UNIQUE INDEX IF NOT EXISTS ${quote(n.hashIndex)} ON ${n.qualified} (hash);

-- One holder of a nickname per owner (see the nickname rule in the README).
CREATE UNIQUE INDEX IF NOT EXISTS ${quote(n.nicknameIndex)} ON ${n.qualified} (owner_id, nickname)
  WHERE revoked_at IS NULL AND replaced_by_id IS NULL AND NOT nickname_released;

CREATE INDEX IF NOT EXISTS ${quote(n.ownerIndex)} ON ${n.qualified} (owner_id, created_at);

-- listByOwner: the owner's keys not revoked, by (created_at, id), so a page skips revoked history.
CREATE INDEX IF NOT EXISTS ${quote(n.liveIndex)} ON ${n.qualified} (owner_id, created_at, id COLLATE "C")
  WHERE revoked_at IS NULL;

-- listByOrg: the same, per organization (every owner's keys), for organization admins.
CREATE INDEX IF NOT EXISTS ${quote(n.orgLiveIndex)} ON ${n.qualified} (org_id, created_at, id COLLATE "C")
  WHERE revoked_at IS NULL;

-- Audit events (appendAudit/listAudit): never key material nor hashes. Nothing is deleted by
-- keyward; prune old events yourself (DELETE ... WHERE at < now() - interval '90 days').
CREATE TABLE IF NOT EXISTS ${n.auditQualified} (
  id         text        NOT NULL,
  type       text        NOT NULL,
  at         timestamptz NOT NULL,
  org_id     text,
  key_id     text,
  actor      text        NOT NULL,
  request_id text,
  data       jsonb       NOT NULL DEFAULT '{}',
  CONSTRAINT ${quote(n.auditPrimaryKey)} PRIMARY KEY (id)
);

-- listAudit: an organization's events (org_id NULL: keys without one), newest first.
CREATE INDEX IF NOT EXISTS ${quote(n.auditIndex)} ON ${n.auditQualified} (org_id, at DESC, id COLLATE "C" DESC);
`;
}
