--[[
  instanceAlive(beatsKey, instanceId, goneAfterMs): true when the instance's last heartbeat
  (instance-beat-2.lua, Redis's clock) is at most `goneAfterMs` old.
]]
local function instanceAlive(beatsKey, instanceId, goneAfterMs)
  local beat = redis.call('ZSCORE', beatsKey, instanceId)
  if not beat then return false end
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  return now - tonumber(beat) <= tonumber(goneAfterMs)
end
