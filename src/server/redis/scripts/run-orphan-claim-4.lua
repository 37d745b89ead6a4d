--[[
  The recovery step's claim of one entry of the running runs: a run left `running` by an
  instance that is gone (no heartbeat for longer than ARGV[3]) and whose job lock it no longer
  holds (expired) is taken over by this instance, lock and entry, in one step; the caller then
  records its end (run-record-12.lua). Exactly one instance wins a run: once claimed, its owner
  is a live instance, which the others (and run-begin-6.lua) leave alone. An entry whose run is
  over, or never started and is back with the queue, is dropped.

  KEYS[1] the running runs hash
  KEYS[2] the instance beats
  KEYS[3] the run
  KEYS[4] the run's job lock
  ARGV[1] run id
  ARGV[2] this instance's id
  ARGV[3] an owner whose last beat is older than this (ms) is gone
  ARGV[4] lock TTL, ms
  ARGV[5] job id
  Returns 1 claimed (record the run's end now), 0 left as it is, -1 entry dropped
]]
--- @include "instance-alive"
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if not entry then return 0 end
local run = redis.call('GET', KEYS[3])
local status = run and cjson.decode(run).status
if status and status ~= 'running' and status ~= 'queued' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return -1
end
local owner = cjson.decode(entry).instance
if owner == ARGV[2] or instanceAlive(KEYS[2], owner, ARGV[3]) then return 0 end
if status ~= 'running' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return -1
end
local lock = redis.call('GET', KEYS[4])
if lock == ARGV[1] then return 0 end
if not lock then redis.call('SET', KEYS[4], ARGV[1], 'PX', ARGV[4]) end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode({ instance = ARGV[2], job_id = ARGV[5] }))
return 1
