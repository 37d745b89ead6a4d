--[[
  Claims a due fire time: advances the job's due score only if it still equals the fire time the
  caller read, records the pending fire, and (for a fire time already past) writes the new
  next_run into the job's JSON, all in one step: of all the instances that read the same fire
  time, exactly one gets 1. A fire claimed ahead of its time keeps next_run until its run starts
  (run-record-12.lua moves it on). The winner also records the fire as awaiting its start
  (run-begin-6.lua clears it, missed-sweep-2.lua reports it if it does not start in time), or,
  for a fire already later than MISSED_AFTER_SECONDS or given up, queues its run.missed alert:
  either happens once, with the claim.

  KEYS[1] the due set
  KEYS[2] the pending fires (hash)
  KEYS[3] the job
  KEYS[4] the events stream
  KEYS[5] the jobs version
  KEYS[6] the fires awaiting their start (sorted set, score = the time they are due by)
  KEYS[7] the notification events stream
  ARGV[1] job id
  ARGV[2] the fire time read, ms
  ARGV[3] the following fire time, ms; '' takes the job out of the due set
  ARGV[4] pending fire field ('{job_id}:{fire_ms}'), '' when the fire is given up as missed
  ARGV[5] pending fire JSON
  ARGV[6] the job's new next_run as JSON (null or a quoted ISO string), '' leaves it
  ARGV[7] events stream maxlen
  ARGV[8] awaiting-start member ('{job_id}:{fire_ms}' of the run to start), '' for none
  ARGV[9] its score: the fire time it stands for, ms (missed-sweep-2.lua reports it late)
  ARGV[10] a run.missed event JSON for a fire already late or given up, '' for none
  ARGV[11] notification events stream maxlen
  Returns 1 when this caller won the claim, 0 when the score had moved (another won, or an edit)
]]
--- @include "job-json"
--- @include "write-job"
--- @include "set-due"
--- @include "append-event"
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if (not s) or tonumber(s) ~= tonumber(ARGV[2]) then return 0 end
setDue(KEYS[1], ARGV[1], ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[2], ARGV[4], ARGV[5]) end
if ARGV[8] ~= '' then redis.call('ZADD', KEYS[6], ARGV[9], ARGV[8]) end
if ARGV[10] ~= '' then appendEvent(KEYS[7], ARGV[11], ARGV[10]) end
local raw = ARGV[6] ~= '' and redis.call('GET', KEYS[3])
if raw then
  raw = setNextRun(raw, ARGV[6])
  if raw then
    writeJob(KEYS[3], KEYS[5], raw)
    appendEvent(KEYS[4], ARGV[7],
      '{"type":"job","action":"updated","job_id":"' .. ARGV[1] .. '","job":' .. raw .. '}')
  end
end
return 1
