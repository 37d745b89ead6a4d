--[[
  appendEvent(eventsKey, maxlen, json): appends one change event to the events stream, trimmed
  to about `maxlen` entries (MAXLEN ~), as the dashboard's subscription reads it (EventLog).
]]
local function appendEvent(eventsKey, maxlen, json)
  redis.call('XADD', eventsKey, 'MAXLEN', '~', maxlen, '*', 'data', json)
end
