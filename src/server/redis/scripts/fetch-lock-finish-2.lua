--[[
  Publishes a fetch's outcome and frees its lock in one step, so a waiter that sees the lock gone
  always finds the holder's outcome (or learns the holder died without one).

  KEYS[1] the fetch lock
  KEYS[2] the fetch result
  ARGV[1] token
  ARGV[2] outcome JSON ({ token, outcome })
  ARGV[3] how long waiters can read the outcome, ms
  Returns 1
]]
--- @include "release-lock"
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
releaseLock(KEYS[1], ARGV[1])
return 1
