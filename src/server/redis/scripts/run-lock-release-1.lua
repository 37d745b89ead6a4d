--[[
  Releases a job's run lock if the run still holds it.

  KEYS[1] the job's run lock
  ARGV[1] run id
  Returns 1 when released, 0 when another run (or nobody) held it
]]
--- @include "release-lock"
return releaseLock(KEYS[1], ARGV[1])
