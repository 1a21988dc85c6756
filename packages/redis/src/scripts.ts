import type { Cluster, Redis } from 'ioredis';

/**
 * The Lua scripts of the store, registered on the user's client with ioredis `defineCommand`
 * (EVALSHA, with EVAL when the server has not cached the script yet). Each script declares the keys
 * it knows up front in KEYS (so ioredis routes it to the right cluster node) and builds the names of
 * records it discovers from `ARGV[1]`, the `{prefix}:` base: every such name carries the store's
 * hash tag, so it lives in the same slot. Nulls are absent hash fields; dates are epoch-ms strings
 * computed in JavaScript (Lua never formats a number back into a key or a field).
 */

/** Helpers shared by the write scripts. */
const PRELUDE = `
local base = ARGV[1]
local function nicknameTaken(ownerKey, nickname, createdAt, skipId)
  for _, id in ipairs(redis.call('ZRANGE', ownerKey, 0, -1)) do
    if id ~= skipId then
      local hash = redis.call('GET', base .. 'id:' .. id)
      if hash then
        local f = redis.call('HMGET', base .. 'h:' .. hash, 'nickname', 'revokedAt', 'replacedById', 'expiresAt')
        if f[1] == nickname and not f[2] and not f[3] and (not f[4] or tonumber(f[4]) > createdAt) then return true end
      else
        redis.call('ZREM', ownerKey, id)
      end
    end
  end
  return false
end
local function expireAt(recordKey, idKey, at)
  if at == '' then
    redis.call('PERSIST', recordKey)
    redis.call('PERSIST', idKey)
  else
    redis.call('PEXPIREAT', recordKey, at)
    redis.call('PEXPIREAT', idKey, at)
  end
end
-- Why a new record cannot be stored ('id', 'hash' or 'nickname'), or nil if it can.
local function conflictOf(recordKey, idKey, ownerKey, nickname, createdAt, skipId)
  if redis.call('EXISTS', idKey) == 1 then return 'id' end
  if redis.call('EXISTS', recordKey) == 1 then return 'hash' end
  if nicknameTaken(ownerKey, nickname, createdAt, skipId) then return 'nickname' end
  return nil
end
-- Stores a new record (its fields are ARGV[firstField..]), its id pointer and its owner index entry.
local function addRecord(recordKey, idKey, ownerKey, id, hash, createdAt, at, firstField)
  redis.call('HSET', recordKey, unpack(ARGV, firstField))
  redis.call('SET', idKey, hash)
  redis.call('ZADD', ownerKey, createdAt, id)
  if at ~= '' then expireAt(recordKey, idKey, at) end
end
`;

/** KEYS: record, id pointer, owner index. ARGV: base, id, hash, createdAt, nickname, expireAt|'', fields... */
const INSERT = `${PRELUDE}
local conflict = conflictOf(KEYS[1], KEYS[2], KEYS[3], ARGV[5], tonumber(ARGV[4]), false)
if conflict then return conflict end
addRecord(KEYS[1], KEYS[2], KEYS[3], ARGV[2], ARGV[3], ARGV[4], ARGV[6], 7)
return 'ok'
`;

/**
 * KEYS: old id pointer, new record, new id pointer, owner index. ARGV: base, oldId, newId, newHash,
 * createdAt, nickname, new expireAt|'', old expiresAt, old expireAt, fields...
 */
const ROTATE = `${PRELUDE}
local oldHash = redis.call('GET', KEYS[1])
if not oldHash then return 'not_found' end
local oldKey = base .. 'h:' .. oldHash
local old = redis.call('HMGET', oldKey, 'id', 'revokedAt', 'replacedById')
if not old[1] then return 'not_found' end
if old[2] or old[3] then return 'not_active' end
local conflict = conflictOf(KEYS[2], KEYS[3], KEYS[4], ARGV[6], tonumber(ARGV[5]), ARGV[2])
if conflict then return conflict end
redis.call('HSET', oldKey, 'replacedById', ARGV[3], 'expiresAt', ARGV[8], 'updatedAt', ARGV[5])
expireAt(oldKey, KEYS[1], ARGV[9])
addRecord(KEYS[2], KEYS[3], KEYS[4], ARGV[3], ARGV[4], ARGV[5], ARGV[7], 10)
return 'ok'
`;

/**
 * KEYS: id pointer. ARGV: base, updatedAt, revokedAt, expiresAt, expireAt. For revokedAt and
 * expiresAt: '-' leaves the field, '' clears it, anything else sets it. Returns the record's fields.
 */
const UPDATE = `${PRELUDE}
local hash = redis.call('GET', KEYS[1])
if not hash then return false end
local key = base .. 'h:' .. hash
if redis.call('EXISTS', key) == 0 then return false end
redis.call('HSET', key, 'updatedAt', ARGV[2])
if ARGV[3] == '' then redis.call('HDEL', key, 'revokedAt') elseif ARGV[3] ~= '-' then redis.call('HSET', key, 'revokedAt', ARGV[3]) end
if ARGV[4] == '' then
  redis.call('HDEL', key, 'expiresAt')
  expireAt(key, KEYS[1], '')
elseif ARGV[4] ~= '-' then
  redis.call('HSET', key, 'expiresAt', ARGV[4])
  expireAt(key, KEYS[1], ARGV[5])
end
return redis.call('HGETALL', key)
`;

/** KEYS: id pointers. ARGV: base, then one epoch-ms time per key. Newer times only. */
const TOUCH = `
local base = ARGV[1]
for i, idKey in ipairs(KEYS) do
  local hash = redis.call('GET', idKey)
  if hash then
    local key = base .. 'h:' .. hash
    local current = redis.call('HGET', key, 'lastUsedAt')
    local t = tonumber(ARGV[i + 1])
    if (current and tonumber(current) < t) or (not current and redis.call('EXISTS', key) == 1) then
      redis.call('HSET', key, 'lastUsedAt', ARGV[i + 1])
    end
  end
end
return 0
`;

/** KEYS: id pointer. ARGV: base. The record's fields, or an empty list. */
const GET_BY_ID = `
local hash = redis.call('GET', KEYS[1])
if not hash then return {} end
return redis.call('HGETALL', ARGV[1] .. 'h:' .. hash)
`;

/**
 * KEYS: owner index. ARGV: base. The fields of each of the owner's records, by createdAt; ids whose
 * record Redis evicted (expired past the retention) are dropped from the index on the way.
 */
const LIST_BY_OWNER = `
local records = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local hash = redis.call('GET', ARGV[1] .. 'id:' .. id)
  local fields = hash and redis.call('HGETALL', ARGV[1] .. 'h:' .. hash) or {}
  if #fields == 0 then redis.call('ZREM', KEYS[1], id) else records[#records + 1] = fields end
end
return records
`;

/** ioredis command names, versioned so another version of this package on the same client never clashes. */
export const SCRIPTS = {
  keywardV1Insert: { lua: INSERT, numberOfKeys: 3 },
  keywardV1Rotate: { lua: ROTATE, numberOfKeys: 4 },
  keywardV1Update: { lua: UPDATE, numberOfKeys: 1 },
  keywardV1Touch: { lua: TOUCH },
  keywardV1GetById: { lua: GET_BY_ID, numberOfKeys: 1 },
  keywardV1ListByOwner: { lua: LIST_BY_OWNER, numberOfKeys: 1 },
} as const;

export type ScriptName = keyof typeof SCRIPTS;
type ScriptCall = (...args: string[]) => Promise<unknown>;
/** A client or pipeline seen through the commands {@link defineScripts} added. */
export type Scripted = Record<ScriptName, ScriptCall>;

/** Registers the scripts on `client` (idempotent) and returns it typed with them. */
export function defineScripts(client: Redis | Cluster): Scripted {
  for (const [name, definition] of Object.entries(SCRIPTS)) client.defineCommand(name, definition);
  return client as unknown as Scripted;
}
