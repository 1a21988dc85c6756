/**
 * The one Lua script of `RedisRateLimitStore`: a whole decision (every GCRA bucket and quota of a
 * request) in one atomic call, repeating the reference arithmetic of `@keyward/core/store`
 * (`decideRateLimit`). Numbers travel as strings formatted with `%.17g`, so a fractional `tat`
 * survives the round trip exactly (a Lua number returned as such would be truncated to an integer).
 *
 * KEYS: the bucket keys, then the quota keys (all `{prefix}:rl:...`, one hash slot).
 * ARGV: now, cost, number of buckets, then per bucket: intervalMs, burst; then per quota: amount,
 * periodStart, periodEnd.
 * Returns: 1|0 (allowed), then each bucket's tat, then each quota's remaining, as strings.
 */
export const CONSUME_LUA = `
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local nb = tonumber(ARGV[3])
local nq = #KEYS - nb
local allowed = true
local tats, nexts, rems = {}, {}, {}
for i = 1, nb do
  local interval = tonumber(ARGV[2 + 2 * i])
  local burst = tonumber(ARGV[3 + 2 * i])
  local tat = tonumber(redis.call('GET', KEYS[i]) or now)
  if tat < now then tat = now end
  local after = tat + cost * interval
  if after - burst * interval > now then allowed = false end
  tats[i] = tat
  nexts[i] = after
end
local q0 = 4 + 2 * nb
for j = 1, nq do
  local amount = tonumber(ARGV[q0 + 3 * (j - 1)])
  local state = redis.call('HMGET', KEYS[nb + j], 'p', 'r')
  local rem = amount
  if state[1] == ARGV[q0 + 3 * (j - 1) + 1] and state[2] then rem = tonumber(state[2]) end
  if rem < cost then allowed = false end
  rems[j] = rem
end
if allowed then
  for i = 1, nb do
    tats[i] = nexts[i]
    redis.call('SET', KEYS[i], string.format('%.17g', nexts[i]), 'PX', math.max(1, math.ceil(nexts[i] - now)))
  end
  for j = 1, nq do
    rems[j] = rems[j] - cost
    local key = KEYS[nb + j]
    redis.call('HSET', key, 'p', ARGV[q0 + 3 * (j - 1) + 1], 'r', string.format('%.17g', rems[j]))
    redis.call('PEXPIRE', key, math.max(1, math.ceil(tonumber(ARGV[q0 + 3 * (j - 1) + 2]) - now)))
  end
end
local out = { allowed and '1' or '0' }
for i = 1, nb do out[#out + 1] = string.format('%.17g', tats[i]) end
for j = 1, nq do out[#out + 1] = string.format('%.17g', rems[j]) end
return out
`;
