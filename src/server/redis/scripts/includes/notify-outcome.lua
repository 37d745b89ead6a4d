--[[
  notifyOutcome(job, status, jobId, runId, occurredAt, finishedMs, notifyKey, lastSuccessKey,
  maxlen): at a run's end, before `job` (its JSON) takes the new `status`, compares it with the
  job's previous last_run_status and appends the alert it calls for to the notification events
  stream (the consumer group fans it out, notifier.ts), in the same step as the run record:
  failed or partial when the outcome changes to it (a never-run job counts as a change), not
  again for a repeat; run.recovered for the first completed run after a failed or partial one.
  A completed run also sets the job's last success (finish ms), read by /metrics. The event id
  is `{event}:{run_id}`, so the deliveries of a run finished twice (a retry) are the same ones.
  Needs the append-event include. Returns the event name appended, or false.
]]
local function notifyOutcome(job, status, jobId, runId, occurredAt, finishedMs, notifyKey,
                             lastSuccessKey, maxlen)
  local prev = string.match(job, '[{,]"last_run_status":"([%a_]*)"')
  local event = nil
  if status == 'failed' and prev ~= 'failed' then
    event = 'run.failed'
  elseif status == 'partial' and prev ~= 'partial' then
    event = 'run.partial'
  elseif status == 'completed' and (prev == 'failed' or prev == 'partial') then
    event = 'run.recovered'
  end
  if status == 'completed' then redis.call('HSET', lastSuccessKey, jobId, finishedMs) end
  if not event then return false end
  appendEvent(notifyKey, maxlen,
    '{"event_id":"' .. event .. ':' .. runId .. '","event":"' .. event .. '","occurred_at":"' ..
    occurredAt .. '","job_id":"' .. jobId .. '","run_id":"' .. runId .. '"}')
  return event
end
