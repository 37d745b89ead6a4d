--[[
  Writes one per-run record whole, indexes it, and deletes the symbol's oldest records beyond
  the limit with their index entries, in one step: the index never names a deleted record and
  never misses a stored one, whatever other writers do meanwhile.

  KEYS[1] the record's key (scheduled_stock_data:{SYMBOL}:{start}:{end})
  KEYS[2] the symbol's record index (sorted set, score = fetched_at ms)
  ARGV[1] the record, JSON
  ARGV[2] fetched_at ms
  ARGV[3] records to keep
  The deleted records are named by the index (keys built by keys.ts when they were written).
  Returns the number of records deleted.
]]
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], KEYS[1])
local keep = tonumber(ARGV[3])
local over = redis.call('ZCARD', KEYS[2]) - keep
if over <= 0 then return 0 end
local oldest = redis.call('ZRANGE', KEYS[2], 0, over - 1)
for _, key in ipairs(oldest) do
  redis.call('DEL', key)
  redis.call('ZREM', KEYS[2], key)
end
return #oldest
