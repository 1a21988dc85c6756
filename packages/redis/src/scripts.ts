import type { Cluster, Redis } from 'ioredis';
import { APPEND_AUDIT } from './audit-script.js';

/**
 * The Lua scripts of the store, registered on the user's client with ioredis `defineCommand`
 * (EVALSHA, with EVAL when the server has not cached the script yet). Each script declares the keys
 * it knows up front in KEYS (so ioredis routes it to the right cluster node) and builds the names of
 * records it discovers from `ARGV[1]`, the `{prefix}:` base: every such name carries the store's
 * hash tag, so it lives in the same slot. Nulls are absent hash fields; dates are epoch-ms strings
 * computed in JavaScript (Lua never formats a number back into a key or a field).
 */

/**
 * Helpers shared by the write scripts. The nickname rule and the active-key count read only the
 * owner's `nick` hash and `active` sorted set, whose size is the number of keys holding a nickname
 * (active keys, and expired ones until the next write of that owner prunes them): never the
 * owner's history of revoked, replaced or long-expired keys.
 */
const PRELUDE = `
local base = ARGV[1]
local function expireAt(recordKey, idKey, at)
  if at == '' then
    redis.call('PERSIST', recordKey)
    redis.call('PERSIST', idKey)
  else
    redis.call('PEXPIREAT', recordKey, at)
    redis.call('PEXPIREAT', idKey, at)
  end
end
-- Forgets the owner's nickname holders expired at 'at' (epoch ms): their expiry is <= at.
local function pruneExpired(nickKey, activeKey, at)
  local expired = redis.call('ZRANGEBYSCORE', activeKey, '-inf', at)
  for i = 1, #expired, 500 do
    redis.call('HDEL', nickKey, unpack(expired, i, math.min(i + 499, #expired)))
  end
  if #expired > 0 then redis.call('ZREMRANGEBYSCORE', activeKey, '-inf', at) end
end
-- Stores a new record (its fields are ARGV[firstField..]), its id pointer and its entries in the
-- owner's live set and, when it has an organization (orgKey not nil), the organization's.
local function addRecord(recordKey, idKey, liveKey, orgKey, hash, liveMember, at, firstField)
  redis.call('HSET', recordKey, unpack(ARGV, firstField))
  redis.call('SET', idKey, hash)
  if liveMember ~= '' then
    redis.call('ZADD', liveKey, 0, liveMember)
    if orgKey then redis.call('ZADD', orgKey, 0, liveMember) end
  end
  if at ~= '' then expireAt(recordKey, idKey, at) end
end
`;

/**
 * KEYS: record, id pointer, nick hash, active set, live set[, org set when the record has an
 * organization] (the caller passes their number first). ARGV: base, id, hash, createdAt,
 * nickname, expireAt|'', holds ('1' when not revoked nor replaced), active score (expiresAt|'+inf'),
 * live member|'', max active|'', fields...
 */
const INSERT = `${PRELUDE}
if redis.call('EXISTS', KEYS[2]) == 1 then return 'id' end
if redis.call('EXISTS', KEYS[1]) == 1 then return 'hash' end
if ARGV[7] == '1' then
  pruneExpired(KEYS[3], KEYS[4], ARGV[4])
  if redis.call('HEXISTS', KEYS[3], ARGV[5]) == 1 then return 'nickname' end
  if ARGV[10] ~= '' and redis.call('ZCARD', KEYS[4]) >= tonumber(ARGV[10]) then return 'owner_limit' end
  redis.call('HSET', KEYS[3], ARGV[5], ARGV[2])
  redis.call('ZADD', KEYS[4], ARGV[8], ARGV[5])
end
addRecord(KEYS[1], KEYS[2], KEYS[5], KEYS[6], ARGV[3], ARGV[9], ARGV[6], 11)
return 'ok'
`;

/**
 * KEYS: old id pointer, new record, new id pointer, nick hash, active set, live set[, org set of the
 * new record] (their number first). ARGV: base,
 * oldId, newId, newHash, createdAt, nickname, new expireAt|'', old expiresAt, old expireAt,
 * active score, live member, fields...
 */
const ROTATE = `${PRELUDE}
local oldHash = redis.call('GET', KEYS[1])
if not oldHash then return 'not_found' end
local oldKey = base .. 'h:' .. oldHash
local old = redis.call('HMGET', oldKey, 'id', 'revokedAt', 'replacedById', 'nickname')
if not old[1] then return 'not_found' end
if old[2] or old[3] then return 'not_active' end
if redis.call('EXISTS', KEYS[3]) == 1 then return 'id' end
if redis.call('EXISTS', KEYS[2]) == 1 then return 'hash' end
pruneExpired(KEYS[4], KEYS[5], ARGV[5])
local holder = redis.call('HGET', KEYS[4], ARGV[6])
if holder and holder ~= ARGV[2] then return 'nickname' end
if redis.call('HGET', KEYS[4], old[4]) == ARGV[2] then
  redis.call('HDEL', KEYS[4], old[4])
  redis.call('ZREM', KEYS[5], old[4])
end
redis.call('HSET', KEYS[4], ARGV[6], ARGV[3])
redis.call('ZADD', KEYS[5], ARGV[10], ARGV[6])
redis.call('HSET', oldKey, 'replacedById', ARGV[3], 'expiresAt', ARGV[8], 'updatedAt', ARGV[5])
expireAt(oldKey, KEYS[1], ARGV[9])
addRecord(KEYS[2], KEYS[3], KEYS[6], KEYS[7], ARGV[4], ARGV[11], ARGV[7], 12)
return 'ok'
`;

/**
 * KEYS: id pointer. ARGV: base, revokedAt (epoch ms). Revokes a record not revoked and not expired
 * at revokedAt: sets revokedAt and updatedAt, releases its nickname if it holds it, and drops it
 * from the owner's live set and its organization's. Returns the record's fields, or 'not_found' / 'not_active'.
 */
const REVOKE = `${PRELUDE}
local hash = redis.call('GET', KEYS[1])
if not hash then return 'not_found' end
local key = base .. 'h:' .. hash
local f = redis.call('HMGET', key, 'id', 'revokedAt', 'expiresAt', 'nickname', 'ownerId', 'createdAt', 'orgId')
if not f[1] then return 'not_found' end
if f[2] or (f[3] and tonumber(f[3]) <= tonumber(ARGV[2])) then return 'not_active' end
redis.call('HSET', key, 'revokedAt', ARGV[2], 'updatedAt', ARGV[2])
local nickKey = base .. 'nick:' .. f[5]
if redis.call('HGET', nickKey, f[4]) == f[1] then
  redis.call('HDEL', nickKey, f[4])
  redis.call('ZREM', base .. 'active:' .. f[5], f[4])
end
local member = string.rep('0', 16 - #f[6]) .. f[6] .. ':' .. f[1]
redis.call('ZREM', base .. 'live:' .. f[5], member)
if f[7] then redis.call('ZREM', base .. 'org:' .. f[7], member) end
return redis.call('HGETALL', key)
`;

/**
 * KEYS: id pointer. ARGV: base, at (epoch ms), new nickname|'', new expiresAt ('keep', '' for none,
 * else epoch ms), its Redis TTL deadline|'', then the fields to set (updatedAt first). Updates a
 * record active at `at` (not revoked, not replaced, not expired): a new nickname must be free among
 * the owner's holders once the expired ones are pruned; the record's entry in the owner's `nick` hash
 * and `active` set follows its nickname and expiry, and its entries in the owner's and the
 * organization's live sets are (re)written, since it is live. Returns the record's fields, or
 * 'not_found' / 'not_active' / 'nickname'.
 */
const UPDATE = `${PRELUDE}
local hash = redis.call('GET', KEYS[1])
if not hash then return 'not_found' end
local key = base .. 'h:' .. hash
local f = redis.call('HMGET', key, 'id', 'revokedAt', 'replacedById', 'expiresAt', 'nickname', 'ownerId', 'createdAt', 'orgId')
if not f[1] then return 'not_found' end
if f[2] or f[3] or (f[4] and tonumber(f[4]) <= tonumber(ARGV[2])) then return 'not_active' end
local nickKey, activeKey = base .. 'nick:' .. f[6], base .. 'active:' .. f[6]
local nickname = f[5]
if ARGV[3] ~= '' and ARGV[3] ~= f[5] then
  pruneExpired(nickKey, activeKey, ARGV[2])
  if redis.call('HEXISTS', nickKey, ARGV[3]) == 1 then return 'nickname' end
  nickname = ARGV[3]
end
local score = f[4] or '+inf'
if ARGV[4] ~= 'keep' then score = ARGV[4] == '' and '+inf' or ARGV[4] end
if redis.call('HGET', nickKey, f[5]) == f[1] then
  redis.call('HDEL', nickKey, f[5])
  redis.call('ZREM', activeKey, f[5])
end
redis.call('HSET', nickKey, nickname, f[1])
redis.call('ZADD', activeKey, score, nickname)
if ARGV[4] ~= 'keep' then
  if ARGV[4] == '' then redis.call('HDEL', key, 'expiresAt') else redis.call('HSET', key, 'expiresAt', ARGV[4]) end
  expireAt(key, KEYS[1], ARGV[5])
end
local member = string.rep('0', 16 - #f[7]) .. f[7] .. ':' .. f[1]
redis.call('ZADD', base .. 'live:' .. f[6], 0, member)
if f[8] then redis.call('ZADD', base .. 'org:' .. f[8], 0, member) end
redis.call('HSET', key, unpack(ARGV, 6))
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
 * KEYS: live set (an owner's or an organization's). ARGV: base, now (epoch ms), limit, start member|''. Walks the live set
 * from after the start member, at most `4 * limit + 16` entries: collects up to `limit` records not
 * revoked and not expired at now, and drops on the way the entries of records expired (or evicted
 * by Redis). Returns { next member|'', fields of each record... }: next is the last record's member
 * when more may follow, or the last entry examined when the walk ran out of budget.
 */
const LIST_LIVE = `
local base, now, limit = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local budget = limit * 4 + 16
local from = ARGV[4] == '' and '-' or '(' .. ARGV[4]
local members = redis.call('ZRANGEBYLEX', KEYS[1], from, '+', 'LIMIT', 0, budget)
local reply = { '' }
for i, member in ipairs(members) do
  local id = string.sub(member, 18)
  local hash = redis.call('GET', base .. 'id:' .. id)
  local fields = hash and redis.call('HGETALL', base .. 'h:' .. hash) or {}
  local live = #fields > 0
  if live then
    local f = redis.call('HMGET', base .. 'h:' .. hash, 'revokedAt', 'expiresAt')
    live = not f[1] and (not f[2] or tonumber(f[2]) > now)
  end
  if live then
    reply[#reply + 1] = fields
    if #reply - 1 == limit then
      if i < #members or #redis.call('ZRANGEBYLEX', KEYS[1], '(' .. member, '+', 'LIMIT', 0, 1) > 0 then reply[1] = member end
      return reply
    end
  else
    redis.call('ZREM', KEYS[1], member)
  end
end
if #members == budget then reply[1] = members[#members] end
return reply
`;

/** ioredis command names, versioned so another version of this package on the same client never clashes. */
export const SCRIPTS = {
  // Insert and rotate take 5-6 / 6-7 keys (the organization's live set only for a key that has one): the caller passes the count.
  keywardV3Insert: { lua: INSERT },
  keywardV3Rotate: { lua: ROTATE },
  keywardV3Revoke: { lua: REVOKE, numberOfKeys: 1 },
  keywardV3Update: { lua: UPDATE, numberOfKeys: 1 },
  keywardV1Touch: { lua: TOUCH },
  keywardV1GetById: { lua: GET_BY_ID, numberOfKeys: 1 },
  keywardV2ListLive: { lua: LIST_LIVE, numberOfKeys: 1 },
  keywardV1AppendAudit: { lua: APPEND_AUDIT, numberOfKeys: 1 },
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
