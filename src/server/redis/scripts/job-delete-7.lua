--[[
  Deletes a job and every key of its own: the job, its index entry (one plain-text find in the
  index's JSON), its due entry, its runs, its history and its run lock; tells the dispatchers
  and appends the change event.

  KEYS[1] the job
  KEYS[2] the job index
  KEYS[3] the due set
  KEYS[4] the events stream
  KEYS[5] the job's run history (sorted set of run ids)
  KEYS[6] the job's run lock
  KEYS[7] the jobs version
  ARGV[1] job id
  ARGV[2] event JSON
  ARGV[3] run key prefix (scheduler:run:)
  ARGV[4] wake channel
  ARGV[5] events stream maxlen
  ARGV[6] dependents key prefix (scheduler:dependents:)
  ARGV[7] job key prefix (scheduler:job:)
  ARGV[8] the job's wait-all pending key (scheduler:after_pending:{id})
  Returns 1 when deleted, 0 when there was no such job, 'waited <ids>' (comma-joined) when other
  jobs' after-schedules name it (nothing deleted)
]]
--- @include "append-event"
--- @include "after-graph"
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local waiting = redis.call('SMEMBERS', ARGV[6] .. ARGV[1])
if #waiting > 0 then
  table.sort(waiting)
  return 'waited ' .. table.concat(waiting, ',')
end
local schedule = cjson.decode(raw).schedule
if type(schedule) == 'table' and schedule.kind == 'after' then
  relinkUpstreams(ARGV[1], table.concat(schedule.jobs, ','), '', ARGV[6], ARGV[7])
end
redis.call('DEL', KEYS[1], ARGV[6] .. ARGV[1], ARGV[8])
redis.call('INCR', KEYS[7])
local idx = redis.call('GET', KEYS[2]) or '[]'
local entry = '"' .. ARGV[1] .. '"'
local s, e = string.find(idx, entry, 1, true)
if s then
  local before = string.sub(idx, 1, s - 1)
  local after = string.sub(idx, e + 1)
  if string.sub(after, 1, 1) == ',' then
    after = string.sub(after, 2)
  elseif string.sub(before, -1) == ',' then
    before = string.sub(before, 1, -2)
  end
  idx = before .. after
end
redis.call('SET', KEYS[2], idx)
redis.call('ZREM', KEYS[3], ARGV[1])
local runs = redis.call('ZRANGE', KEYS[5], 0, -1)
for _, runId in ipairs(runs) do redis.call('DEL', ARGV[3] .. runId) end
redis.call('DEL', KEYS[5], KEYS[6])
redis.call('PUBLISH', ARGV[4], ARGV[1])
appendEvent(KEYS[4], ARGV[5], ARGV[2])
return 1
