--[[
  saveRun(runKey, jobRunsKey, runJson, startedMs, runId, limit, runPrefix): writes a run and
  keeps its job's history capped at `limit` runs, deleting the oldest records beyond it.
]]
local function saveRun(runKey, jobRunsKey, runJson, startedMs, runId, limit, runPrefix)
  redis.call('SET', runKey, runJson)
  redis.call('ZADD', jobRunsKey, startedMs, runId)
  local excess = redis.call('ZCARD', jobRunsKey) - tonumber(limit)
  if excess > 0 then
    local old = redis.call('ZRANGE', jobRunsKey, 0, excess - 1)
    for _, id in ipairs(old) do redis.call('DEL', runPrefix .. id) end
    redis.call('ZREMRANGEBYRANK', jobRunsKey, 0, excess - 1)
  end
end
