--[[
  writeJob(jobKey, versionKey, json): stores a job's JSON and bumps the jobs version, which a
  cached listing compares (JobRegistry.listingBody): every write of a job goes through here.
]]
local function writeJob(jobKey, versionKey, json)
  redis.call('SET', jobKey, json)
  redis.call('INCR', versionKey)
end
