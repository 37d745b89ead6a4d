--[[
  Stores an analysis run's latest values and raises its signals, in one step: the job's latest
  analysis (one string, replaced whole) and, for each signal that holds on its symbol's last
  bar, an analysis.signal event appended to the notification events stream, once per (job,
  signal, symbol, bar date): the job's hash of raised signals keeps, per signal and symbol, the
  newest bar date already raised, and a date not newer than it raises nothing. A job deleted
  meanwhile writes nothing.

  KEYS[1] the job
  KEYS[2] the job's latest analysis
  KEYS[3] the job's raised signals (hash: signal and symbol -> newest bar date raised)
  KEYS[4] the notification events stream
  ARGV[1] the analysis JSON
  ARGV[2] notification events stream maxlen
  ARGV[3] onwards, three per holding signal: the hash field (signal and symbol), the bar date,
          the event JSON
  Returns the number of events appended, or -1 when the job does not exist
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
redis.call('SET', KEYS[2], ARGV[1])
local raised = 0
for i = 3, #ARGV - 2, 3 do
  local field, date, event = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local newest = redis.call('HGET', KEYS[3], field)
  if not newest or newest < date then
    redis.call('HSET', KEYS[3], field, date)
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[2], '*', 'data', event)
    raised = raised + 1
  end
end
return raised
