--[[
  recordAfterTriggers(streamKey, depKey, doneKey, jobPrefix, pendPrefix, upstreamId, runId,
  status, doneTtlMs): at a run's end, in the same step that records its outcome, the runs it
  owes to the jobs that run after it (its dependents) go to the upstream-triggers stream, which
  a consumer group turns into queued runs (upstream-triggers.ts). For each dependent that is
  active and whose `when` takes this outcome: wait "any" appends one trigger naming this run;
  wait "all" records this run as its upstream job's in the dependent's pending hash and appends
  one trigger naming a run of every upstream job once each has one, then clears the hash. A run
  that finishes twice (a retry after a crash past its finish) owes nothing the second time:
  `doneKey` is set once per run. Returns the number of triggers appended.
]]
local AFTER_WHEN_TAKES = {
  success = { completed = true },
  not_failed = { completed = true, partial = true },
  always = { completed = true, partial = true, failed = true },
}

local function recordAfterTriggers(streamKey, depKey, doneKey, jobPrefix, pendPrefix, upstreamId,
                                   runId, status, doneTtlMs)
  local dependents = redis.call('SMEMBERS', depKey)
  if #dependents == 0 then return 0 end
  if not redis.call('SET', doneKey, '1', 'NX', 'PX', doneTtlMs) then return 0 end
  table.sort(dependents)
  local appended = 0
  for _, id in ipairs(dependents) do
    local raw = redis.call('GET', jobPrefix .. id)
    local job = raw and cjson.decode(raw)
    local s = job and job.schedule
    local takes = s and s.kind == 'after' and AFTER_WHEN_TAKES[s.when]
    if job and job.is_active == true and takes and takes[status] then
      local upstream = nil
      if s.wait == 'all' then
        local pendKey = pendPrefix .. id
        redis.call('HSET', pendKey, upstreamId, runId)
        upstream = {}
        for _, u in ipairs(s.jobs) do
          local r = redis.call('HGET', pendKey, u)
          if not r then
            upstream = nil
            break
          end
          upstream[#upstream + 1] = { job_id = u, run_id = r }
        end
        if upstream then redis.call('DEL', pendKey) end
      else
        upstream = { { job_id = upstreamId, run_id = runId } }
      end
      if upstream then
        redis.call('XADD', streamKey, '*', 'data', cjson.encode({ job_id = id, upstream = upstream }))
        appended = appended + 1
      end
    end
  end
  return appended
end
