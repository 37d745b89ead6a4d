--[[
  The start of a run, in one round trip: its job's run lock taken (or renewed by the same run),
  the job and any earlier record of this run read, and the run entered in the running runs
  with this instance as its owner. Runs of one job never overlap: the lock holds the run id of
  the job's run in progress, with a TTL as a safety net. A scheduled fire has started, whatever
  comes of it: it no longer awaits its start (no run.missed).

  A run whose entry names another instance that still beats is in that instance's hands (a
  final record being retried, or a recovery finishing it) even when the queue delivers it
  again: it is not taken, so it never runs twice at once.

  KEYS[1] the job's run lock
  KEYS[2] the job
  KEYS[3] the run
  KEYS[4] the fires awaiting their start (fire-claim-7.lua)
  KEYS[5] the running runs hash
  KEYS[6] the instance beats
  ARGV[1] run id
  ARGV[2] lock TTL, ms
  ARGV[3] the run's awaiting-start member ('{job_id}:{fire_ms}'), '' for an unscheduled run
  ARGV[4] this instance's id
  ARGV[5] an instance whose last beat is older than this (ms) is gone
  ARGV[6] job id
  Returns { 1 locked, 0 the job's lock held by another run, 2 the run held by a live instance;
    the job JSON or false; the run JSON or false }
]]
--- @include "instance-alive"
if ARGV[3] ~= '' then redis.call('ZREM', KEYS[4], ARGV[3]) end
local entry = redis.call('HGET', KEYS[5], ARGV[1])
if entry then
  local owner = cjson.decode(entry).instance
  if owner ~= ARGV[4] and instanceAlive(KEYS[6], owner, ARGV[5]) then
    return { 2, redis.call('GET', KEYS[2]), redis.call('GET', KEYS[3]) }
  end
end
local cur = redis.call('GET', KEYS[1])
local locked = 0
if (not cur) or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  redis.call('HSET', KEYS[5], ARGV[1], cjson.encode({ instance = ARGV[4], job_id = ARGV[6] }))
  locked = 1
end
return { locked, redis.call('GET', KEYS[2]), redis.call('GET', KEYS[3]) }
