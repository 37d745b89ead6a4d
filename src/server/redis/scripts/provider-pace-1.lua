--[[
  The provider's shared request pacing (GCRA without burst, as a reservation): the key holds
  the theoretical time (ms, Redis clock) of the next free slot. 'take' books the slot at
  max(now, next), moves next one interval on, and answers how long to wait before sending.
  Every process reserves through this one script, so slots are handed out one interval apart
  in a single global order. 'pause' moves the next slot at least `pause ms` into the future
  (a 429 with Retry-After holds off every process).

  KEYS[1] the provider's pace key
  ARGV[1] interval between two requests, ms
  ARGV[2] 'take' or 'pause'
  ARGV[3] pause, ms (for 'pause')
  Returns the wait before sending, ms ('take'), or 0 ('pause')
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local next = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(next, now)
if ARGV[2] == 'pause' then
  local until_ = math.max(next, now + tonumber(ARGV[3]))
  redis.call('SET', KEYS[1], string.format('%.3f', until_), 'PX', math.ceil(until_ - now) + 1000)
  return 0
end
local after = at + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.3f', after), 'PX', math.ceil(after - now) + 1000)
return math.ceil(at - now)
