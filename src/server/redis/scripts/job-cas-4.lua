--[[
  Compare-and-set of one job: the new JSON is written only if the stored one is still the string
  the caller read, so two writers (a user's edit, a run finishing) never lose each other's
  change; the loser re-reads and re-applies. The due set moves in the same step.

  KEYS[1] the job
  KEYS[2] the due set
  KEYS[3] the events stream
  KEYS[4] the jobs version
  ARGV[1] job id
  ARGV[2] the job JSON the caller read
  ARGV[3] the new job JSON
  ARGV[4] due: 'keep' leaves the due entry, '' removes it, a number (ms) sets its score
  ARGV[5] event JSON, '' for none
  ARGV[6] wake channel, told when the due entry moved
  ARGV[7] events stream maxlen
  ARGV[8] the upstream job ids of the job as read (its after-schedule), comma-joined, '' none
  ARGV[9] the upstream job ids of the new JSON, the same way
  ARGV[10] dependents key prefix (scheduler:dependents:)
  ARGV[11] job key prefix (scheduler:job:)
  ARGV[12] the job's wait-all pending key (scheduler:after_pending:{id}), cleared when its
    upstream jobs change
  Returns 1 when written, 0 when the job changed since it was read, -1 when it does not exist,
  'unknown <id>' or 'cycle <ids>' when the new upstream jobs are refused (nothing written)
]]
--- @include "write-job"
--- @include "set-due"
--- @include "append-event"
--- @include "after-graph"
local cur = redis.call('GET', KEYS[1])
if not cur then return -1 end
if cur ~= ARGV[2] then return 0 end
if ARGV[8] ~= ARGV[9] then
  local refused = relinkUpstreams(ARGV[1], ARGV[8], ARGV[9], ARGV[10], ARGV[11])
  if refused then return refused end
  redis.call('DEL', ARGV[12])
end
writeJob(KEYS[1], KEYS[4], ARGV[3])
if ARGV[4] ~= 'keep' then
  setDue(KEYS[2], ARGV[1], ARGV[4])
  redis.call('PUBLISH', ARGV[6], ARGV[1])
end
if ARGV[5] ~= '' then appendEvent(KEYS[3], ARGV[7], ARGV[5]) end
return 1
