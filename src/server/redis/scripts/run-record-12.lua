--[[
  One step of a run, in one round trip: the run record saved (history capped), the job's status
  fields set, the change event appended, and, at the end, the job's run lock released. A
  finished run whose outcome differs from the job's last one also appends its alert to the
  notification events (includes/notify-outcome.lua), and the runs it owes to the jobs that run
  after it to the upstream triggers (includes/after-triggers.lua). A run of
  a job deleted meanwhile writes nothing (but still frees its lock).

  A scheduled fire claimed ahead of its time left the job's next_run on it; its run moves
  next_run on to the job's due score, if that is still the one the run computed.

  KEYS[1] the run
  KEYS[2] the job's run history
  KEYS[3] the job
  KEYS[4] the events stream
  KEYS[5] the jobs version
  KEYS[6] the job's run lock
  KEYS[7] the due set
  KEYS[8] the notification events stream (run.failed, run.partial, run.recovered)
  KEYS[9] the jobs' last success (hash)
  KEYS[10] the upstream-triggers stream
  KEYS[11] the job's dependents (set of the jobs that run after it)
  KEYS[12] the run's after-done marker (its triggers recorded once)
  ARGV[1] run JSON
  ARGV[2] started ms
  ARGV[3] run id
  ARGV[4] history limit
  ARGV[5] run key prefix
  ARGV[6] event action (started, progress, finished, skipped, missed)
  ARGV[7] job id
  ARGV[8] the job's new status, '' leaves the job's status as it is
  ARGV[9] last_run (the run's start), '' leaves last_run and last_run_status
  ARGV[10] '1' releases the run lock if this run holds it
  ARGV[11] events stream maxlen
  ARGV[12] the job's next fire ms, '' leaves next_run
  ARGV[13] the same as JSON (a quoted ISO string)
  ARGV[14] the run's finished_at (ISO), for a finished step that sets the job's status
  ARGV[15] the same in ms
  ARGV[16] notification events stream maxlen
  ARGV[17] job key prefix (scheduler:job:)
  ARGV[18] wait-all pending key prefix (scheduler:after_pending:)
  ARGV[19] the after-done marker's TTL, ms
  Returns the job's JSON as stored afterwards, or false when the job does not exist
]]
--- @include "save-run"
--- @include "job-json"
--- @include "write-job"
--- @include "append-event"
--- @include "release-lock"
--- @include "notify-outcome"
--- @include "after-triggers"
local job = redis.call('GET', KEYS[3])
if job then
  saveRun(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
  local event = '{"type":"run","action":"' .. ARGV[6] .. '","job_id":"' .. ARGV[7] .. '","run":' .. ARGV[1]
  local changed = false
  if ARGV[12] ~= '' and tonumber(redis.call('ZSCORE', KEYS[7], ARGV[7]) or '-1') == tonumber(ARGV[12]) then
    job = setNextRun(job, ARGV[13]) or job
    changed = true
  end
  if ARGV[8] ~= '' then
    if ARGV[6] == 'finished' and ARGV[9] ~= '' then
      notifyOutcome(job, ARGV[8], ARGV[7], ARGV[3], ARGV[14], ARGV[15], KEYS[8], KEYS[9], ARGV[16])
      recordAfterTriggers(KEYS[10], KEYS[11], KEYS[12], ARGV[17], ARGV[18], ARGV[7], ARGV[3],
        ARGV[8], ARGV[19])
    end
    job = setRunStatus(job, ARGV[8], ARGV[9])
    changed = true
  end
  if changed then
    writeJob(KEYS[3], KEYS[5], job)
    event = event .. ',"job":' .. job
  end
  appendEvent(KEYS[4], ARGV[11], event .. '}')
end
if ARGV[10] == '1' then releaseLock(KEYS[6], ARGV[3]) end
if job then return job end
return false
