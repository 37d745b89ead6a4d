--[[
  Takes the cross-process lock of one (symbol, start, end) fetch, unless another process holds
  it: the first process fetches, the others wait for its outcome (market-data/shared-fetch.ts).

  KEYS[1] the fetch lock
  ARGV[1] this fetch's token
  ARGV[2] lock TTL, ms
  Returns { 1, token } when taken, { 0, the holder's token } when held
]]
local cur = redis.call('GET', KEYS[1])
if cur then return {0, cur} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {1, ARGV[1]}
