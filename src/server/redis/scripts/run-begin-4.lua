--[[
  The start of a run, in one round trip: its job's run lock taken (or renewed by the same run),
  the job and any earlier record of this run read. Runs of one job never overlap: the lock
  holds the run id of the job's run in progress, with a TTL as a safety net. A scheduled fire
  has started, whatever comes of it: it no longer awaits its start (no run.missed).

  KEYS[1] the job's run lock
  KEYS[2] the job
  KEYS[3] the run
  KEYS[4] the fires awaiting their start (fire-claim-7.lua)
  ARGV[1] run id
  ARGV[2] lock TTL, ms
  ARGV[3] the run's awaiting-start member ('{job_id}:{fire_ms}'), '' for an unscheduled run
  Returns { 1 when locked else 0, the job JSON or false, the run JSON or false }
]]
if ARGV[3] ~= '' then redis.call('ZREM', KEYS[4], ARGV[3]) end
local cur = redis.call('GET', KEYS[1])
local locked = 0
if (not cur) or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  locked = 1
end
return { locked, redis.call('GET', KEYS[2]), redis.call('GET', KEYS[3]) }
