--[[
  Reports the claimed fires that did not start in time (a stuck or paused queue, an instance
  that crashed between claim and start): each awaiting-start entry due by the cutoff leaves the
  set and, if its job still exists and is active, becomes one run.missed event, in one step, so
  of all the instances sweeping, each fire is reported once. A fire that starts later still
  runs (run-begin-6.lua finds nothing left to clear).

  KEYS[1] the fires awaiting their start (fire-claim-7.lua): member '{job_id}:{fire_ms}'
  KEYS[2] the notification events stream
  ARGV[1] cutoff ms: entries due by then are late (now - MISSED_AFTER_SECONDS)
  ARGV[2] now, ISO (the events' occurred_at)
  ARGV[3] notification events stream maxlen
  ARGV[4] job key prefix
  ARGV[5] most entries handled in one call
  Returns the number of run.missed events appended
]]
--- @include "append-event"
local late = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[5]))
local told = 0
for _, member in ipairs(late) do
  redis.call('ZREM', KEYS[1], member)
  local jobId, fireMs = string.match(member, '^(.*):(%d+)$')
  local job = jobId and redis.call('GET', ARGV[4] .. jobId)
  -- JSON escapes quotes inside strings: this can only be the job's own field.
  if job and not string.find(job, '"is_active":false', 1, true) then
    appendEvent(KEYS[2], ARGV[3], '{"event_id":"run.missed:' .. member ..
      '","event":"run.missed","occurred_at":"' .. ARGV[2] .. '","job_id":"' .. jobId ..
      '","fire_ms":' .. fireMs .. ',"reason":"not_started"}')
    told = told + 1
  end
end
return told
