--[[
  setDue(dueKey, jobId, score): the job's entry in the due set moves to `score` (its next fire
  time in ms), or leaves the set when `score` is ''.
]]
local function setDue(dueKey, jobId, score)
  if score == '' then
    redis.call('ZREM', dueKey, jobId)
  else
    redis.call('ZADD', dueKey, score, jobId)
  end
end
