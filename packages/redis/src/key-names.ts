/**
 * Redis key names of one store. Every name starts with the hash tag `{prefix}`, so all keys of a
 * store live in one cluster slot and the Lua scripts may touch several of them in one call.
 *
 * - `{prefix}:h:<hash>`   hash: the record, stored under its key hash (lookup = one HGETALL)
 * - `{prefix}:id:<id>`    string: the hash of the record with this id
 * - `{prefix}:owner:<ownerId>` sorted set: the owner's key ids, scored by `createdAt` (ms)
 * - `{prefix}:invalidations` the pub/sub channel
 */
export interface KeyNames {
  /** Start of every key name, `{prefix}:`; the scripts build names of records they discover from it. */
  readonly base: string;
  /** Name of the record stored under `hash`. */
  byHash(hash: string): string;
  /** Name of the id → hash pointer. */
  byId(id: string): string;
  /** Name of the owner index. */
  owner(ownerId: string): string;
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
    owner: (ownerId) => `${base}owner:${ownerId}`,
    channel: `${base}invalidations`,
  };
}
