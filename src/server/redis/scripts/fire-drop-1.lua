--[[
  Removes a job's due entry only if it still holds the score read (the job was stopped or
  deleted), so a start or an edit landing meanwhile keeps its fresh entry.

  KEYS[1] the due set
  ARGV[1] job id
  ARGV[2] the fire time read, ms
  Returns 1 when removed, 0 when the entry had moved or gone
]]
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if s and tonumber(s) == tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 1
end
return 0
