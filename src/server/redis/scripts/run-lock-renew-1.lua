--[[
  Extends a job's run lock while its run goes on, only if the run still holds it. A lock that
  expired (its process stalled past the TTL) or was deleted (the job was) is not taken back:
  the run has lost it and must stop.

  KEYS[1] the job's run lock
  ARGV[1] run id
  ARGV[2] lock TTL, ms
  Returns 1 when extended, 0 when the run no longer holds the lock
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
