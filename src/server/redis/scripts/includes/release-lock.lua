--[[
  releaseLock(lockKey, token): deletes the lock only if it still holds `token`, so a holder that
  lost its lock (it stalled past the TTL) never frees its successor's. Returns 1 or 0.
]]
local function releaseLock(lockKey, token)
  if redis.call('GET', lockKey) == token then
    redis.call('DEL', lockKey)
    return 1
  end
  return 0
end
