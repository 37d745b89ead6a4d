--[[
  The only text edits of a stored job's JSON (written by JSON.stringify). They replace a field's
  value in place instead of decoding and re-encoding the job, so a user's edit landing at the
  same moment is neither lost nor retried, and no cjson round trip reorders or reformats it.

  They are safe: JSON escapes every quote inside a string value, so `"next_run":` or
  `,"status":"` can only be the job's own key, and the values replaced (a status word, null or
  an ISO instant) hold no quote, comma or brace. A job name made of these very patterns is the
  hostile case test/run-steps.test.ts and test/redis-scripts.test.ts store and check.

  setNextRun(raw, value): the job with next_run replaced by `value` (JSON: null or a quoted ISO
    string), or nil when it has no next_run.
  setRunStatus(raw, status, lastRun): the job with status = `status`; with a `lastRun` other
    than '', last_run = `lastRun` and last_run_status = `status` too.
]]
local function setNextRun(raw, value)
  local _, e = string.find(raw, '"next_run":', 1, true)
  if not e then return nil end
  local vend
  if string.sub(raw, e + 1, e + 1) == '"' then
    vend = string.find(raw, '"', e + 2, true)
  else
    vend = e + 4
  end
  return string.sub(raw, 1, e) .. value .. string.sub(raw, vend + 1)
end

local function setRunStatus(raw, status, lastRun)
  raw = string.gsub(raw, '([{,])"status":"[^"]*"', '%1"status":"' .. status .. '"', 1)
  if lastRun ~= '' then
    raw = string.gsub(raw, '([{,])"last_run_status":[^,}]*', '%1"last_run_status":"' .. status .. '"', 1)
    raw = string.gsub(raw, '([{,])"last_run":[^,}]*', '%1"last_run":"' .. lastRun .. '"', 1)
  end
  return raw
end
