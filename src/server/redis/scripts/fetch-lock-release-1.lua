--[[
  Frees a fetch lock without an outcome (the fetch was cancelled or threw): waiters see the lock
  gone with no outcome of this token, and fetch themselves.

  KEYS[1] the fetch lock
  ARGV[1] token
  Returns 1 when released, 0 when the token no longer held it
]]
--- @include "release-lock"
return releaseLock(KEYS[1], ARGV[1])
