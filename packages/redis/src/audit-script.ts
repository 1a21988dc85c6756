/**
 * KEYS: the organization's audit stream. ARGV: at (epoch ms, digits), approximate max length, then
 * the entry's fields. Appends with the stream id `<at>-0`, or, when the stream already holds an id at
 * or after that millisecond (an event appended out of time order, or in the same millisecond), right
 * after its last generated id: ids only grow, so the stream stays in append order. Trims with
 * `MAXLEN ~`. Numbers are compared as digit strings and only the sequence is formatted back.
 */
export const APPEND_AUDIT = `
local id = ARGV[1] .. '-0'
if redis.call('EXISTS', KEYS[1]) == 1 then
  local info = redis.call('XINFO', 'STREAM', KEYS[1])
  local last = '0-0'
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then last = info[i + 1] end
  end
  local ms, seq = string.match(last, '^(%d+)-(%d+)$')
  if #ms > #ARGV[1] or (#ms == #ARGV[1] and ms >= ARGV[1]) then id = ms .. '-' .. string.format('%d', tonumber(seq) + 1) end
end
if id == '0-0' then id = '0-1' end
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], id, unpack(ARGV, 3))
`;
