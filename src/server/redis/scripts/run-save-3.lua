--[[
  Stores a run (queued by run-now) and keeps its job's history capped. A run of a job deleted
  meanwhile is dropped, so it never brings a deleted job's keys back. The run is queued before
  it is stored: one its worker has begun already (and recorded) is left as it is.

  KEYS[1] the run (scheduler:run:{run_id})
  KEYS[2] the job's run history
  KEYS[3] the job
  ARGV[1] run JSON
  ARGV[2] started ms (the history's score)
  ARGV[3] run id
  ARGV[4] history limit
  ARGV[5] run key prefix
  Returns 1 when stored, 0 when the job does not exist, 2 when the run is recorded already
    (nothing written but for 1)
]]
--- @include "save-run"
if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[1]) == 1 then return 2 end
saveRun(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
return 1
