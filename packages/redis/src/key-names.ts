/**
 * Redis key names of one store. Every name starts with the hash tag `{prefix}`, so all keys of a
 * store live in one cluster slot and the Lua scripts may touch several of them in one call.
 *
 * - `{prefix}:h:<hash>`   hash: the record, stored under its key hash (lookup = one HGETALL)
 * - `{prefix}:id:<id>`    string: the hash of the record with this id
 * - `{prefix}:nick:<ownerId>`   hash: nickname → id of the owner's key holding it (active keys only)
 * - `{prefix}:active:<ownerId>` sorted set: the nicknames held, scored by the holder's `expiresAt` (ms, `+inf` for none)
 * - `{prefix}:live:<ownerId>`   sorted set (all scores 0, read by lex): `<createdAt, 16 digits>:<id>` of the
 *   owner's keys not revoked, expired ones until a list passes them
 * - `{prefix}:org:<orgId>`     sorted set, like `live`, of the organization's keys (every owner's) not revoked
 * - `{prefix}:audit:<orgId>`   stream of the organization's audit events (`{prefix}:audit:-` for keys without one)
 * - `{prefix}:owner:<ownerId>`  sorted set of every key id, written by version 1 of the store only (unused now)
 * - `{prefix}:invalidations` the pub/sub channel
 */
export interface KeyNames {
  /** Start of every key name, `{prefix}:`; the scripts build names of records they discover from it. */
  readonly base: string;
  /** Name of the record stored under `hash`. */
  byHash(hash: string): string;
  /** Name of the id → hash pointer. */
  byId(id: string): string;
  /** Name of the owner's nickname → holder hash. */
  nicknames(ownerId: string): string;
  /** Name of the owner's held nicknames, scored by expiry (their count is the number of active keys). */
  active(ownerId: string): string;
  /** Name of the owner's live keys, in list order. */
  live(ownerId: string): string;
  /** Name of the organization's live keys (every owner's), in list order. */
  orgLive(orgId: string): string;
  /** Name of the organization's audit stream; `-` stands for `null` (keys without an organization). */
  audit(orgId: string | null): string;
  /** The invalidation channel. */
  readonly channel: string;
}

/** The key names of a store whose `prefix` option is `prefix` (already validated: no braces). */
export function keyNames(prefix: string): KeyNames {
  const base = `{${prefix}}:`;
  return {
    base,
    byHash: (hash) => `${base}h:${hash}`,
    byId: (id) => `${base}id:${id}`,
    nicknames: (ownerId) => `${base}nick:${ownerId}`,
    active: (ownerId) => `${base}active:${ownerId}`,
    live: (ownerId) => `${base}live:${ownerId}`,
    orgLive: (orgId) => `${base}org:${orgId}`,
    audit: (orgId) => `${base}audit:${orgId ?? '-'}`,
    channel: `${base}invalidations`,
  };
}

/** Member of a record in the owner's live set: `createdAt` zero-padded to 16 digits, `:`, the id (so lex order is list order). */
export function liveMember(createdAtMs: number, id: string): string {
  return `${String(createdAtMs).padStart(16, '0')}:${id}`;
}

/** The position a live-set member stands for, `null` if it is not one. */
export function parseLiveMember(member: string): { createdAt: Date; id: string } | null {
  const match = /^(\d{16}):(.+)$/s.exec(member);
  return match === null ? null : { createdAt: new Date(Number(match[1])), id: match[2]! };
}
