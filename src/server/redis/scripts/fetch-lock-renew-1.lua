--[[
  Extends a fetch lock while its fetch runs, if the token still holds it.

  KEYS[1] the fetch lock
  ARGV[1] token
  ARGV[2] lock TTL, ms
  Returns 1 when extended, 0 when the token no longer holds it
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
