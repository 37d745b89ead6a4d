--[[
  One instance heartbeat: what the instance is and does, and when it last beat by Redis's own
  clock (TIME), which run-begin and run-orphan-claim compare so that the hosts' clocks do not
  matter. Allowed while Redis is at maxmemory (a few bytes overwritten in place): a live
  instance must not vanish from the status, nor have its runs taken for orphans, because Redis
  is full.

  KEYS[1] the instances hash
  KEYS[2] the instance beats (sorted set, score = last beat in Redis ms)
  ARGV[1] instance id
  ARGV[2] heartbeat JSON
  Returns 1
]]
--- @flags allow-oom
local t = redis.call('TIME')
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ARGV[1])
return 1
