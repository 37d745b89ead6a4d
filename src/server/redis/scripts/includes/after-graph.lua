--[[
  The graph of `after` schedules, kept as a reverse index: one set per upstream job of the jobs
  whose after-schedule names it (dependents). The job scripts change it in the same step as the
  job, so the index never disagrees with the jobs, and the checks below see every write before
  them.

  splitIds(list): the ids of a comma-joined list ('' is none).
  relinkUpstreams(jobId, oldList, newList, depPrefix, jobPrefix): moves jobId from the
    dependents of the upstream jobs it no longer names to those it names now. Before writing
    anything it refuses (and returns) 'unknown <id>' for an upstream job that does not exist,
    or 'cycle <jobId>,<a>,...,<u>' when jobId already triggers the new upstream u through a, ...
    (so u -> jobId would close the cycle). Returns nil when linked.
]]
local function splitIds(list)
  local ids = {}
  for id in string.gmatch(list, '[^,]+') do ids[#ids + 1] = id end
  return ids
end

local function cyclePath(jobId, targets, depPrefix)
  if targets[jobId] then return jobId end
  local parent = { [jobId] = false }
  local queue, head = { jobId }, 1
  while head <= #queue do
    local cur = queue[head]
    head = head + 1
    for _, d in ipairs(redis.call('SMEMBERS', depPrefix .. cur)) do
      if parent[d] == nil then
        parent[d] = cur
        if targets[d] then
          local path = { d }
          local p = cur
          while p do
            table.insert(path, 1, p)
            p = parent[p]
          end
          return table.concat(path, ',')
        end
        queue[#queue + 1] = d
      end
    end
  end
  return nil
end

local function relinkUpstreams(jobId, oldList, newList, depPrefix, jobPrefix)
  local old, new = {}, {}
  for _, id in ipairs(splitIds(oldList)) do old[id] = true end
  local added = {}
  local anyAdded = false
  for _, id in ipairs(splitIds(newList)) do
    new[id] = true
    if not old[id] then
      if redis.call('EXISTS', jobPrefix .. id) == 0 then return 'unknown ' .. id end
      added[id] = true
      anyAdded = true
    end
  end
  if anyAdded then
    local path = cyclePath(jobId, added, depPrefix)
    if path then return 'cycle ' .. path end
  end
  for id in pairs(old) do
    if not new[id] then redis.call('SREM', depPrefix .. id, jobId) end
  end
  for id in pairs(added) do redis.call('SADD', depPrefix .. id, jobId) end
  return nil
end
