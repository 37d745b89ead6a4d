--[[
  Creates a job: its JSON, its entry at the end of the job index, its due entry and the change
  event, in one step. The index is a JSON array kept as a string (so `redis-cli GET
  scheduler:job_index` shows it), edited in place rather than through cjson, which would rewrite
  every id on every change: a create overwrites the closing `]` with `,"id"]` (SETRANGE, O(1)).

  KEYS[1] the job (scheduler:job:{id})
  KEYS[2] the job index
  KEYS[3] the due set
  KEYS[4] the events stream
  KEYS[5] the jobs version
  ARGV[1] job id
  ARGV[2] job JSON
  ARGV[3] first fire time in ms, '' when the job is not scheduled
  ARGV[4] event JSON
  ARGV[5] wake channel, told when the job is scheduled
  ARGV[6] events stream maxlen
  ARGV[7] the upstream job ids of an after-schedule, comma-joined ('' for none)
  ARGV[8] dependents key prefix (scheduler:dependents:)
  ARGV[9] job key prefix (scheduler:job:)
  Returns 1 when created, 0 when a job with this id exists, 'unknown <id>' when an upstream job
  does not exist (nothing written in either case)
]]
--- @include "write-job"
--- @include "set-due"
--- @include "append-event"
--- @include "after-graph"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local refused = relinkUpstreams(ARGV[1], '', ARGV[7], ARGV[8], ARGV[9])
if refused then return refused end
writeJob(KEYS[1], KEYS[5], ARGV[2])
local entry = '"' .. ARGV[1] .. '"'
local len = redis.call('STRLEN', KEYS[2])
if len <= 2 then
  redis.call('SET', KEYS[2], '[' .. entry .. ']')
else
  redis.call('SETRANGE', KEYS[2], len - 1, ',' .. entry .. ']')
end
if ARGV[3] ~= '' then
  setDue(KEYS[3], ARGV[1], ARGV[3])
  redis.call('PUBLISH', ARGV[5], ARGV[1])
end
appendEvent(KEYS[4], ARGV[6], ARGV[4])
return 1
