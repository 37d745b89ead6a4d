--[[
  The start of a run, in one round trip: its job's run lock taken (or renewed by the same run),
  the job and any earlier record of this run read. Runs of one job never overlap: the lock
  holds the run id of the job's run in progress, with a TTL as a safety net.

  KEYS[1] the job's run lock
  KEYS[2] the job
  KEYS[3] the run
  ARGV[1] run id
  ARGV[2] lock TTL, ms
  Returns { 1 when locked else 0, the job JSON or false, the run JSON or false }
]]
local cur = redis.call('GET', KEYS[1])
local locked = 0
if (not cur) or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  locked = 1
end
return { locked, redis.call('GET', KEYS[2]), redis.call('GET', KEYS[3]) }
