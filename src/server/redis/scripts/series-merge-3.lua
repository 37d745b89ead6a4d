--[[
  Merges one fetch into a symbol's series, or replaces the part of the series it covers, in
  one step: concurrent writers in several processes are serialised here, so none loses a bar.

  The series is one string per year (KEYS are the per-symbol meta, events and the symbol
  index; the year strings are ARGV[1] .. year, named by keys.ts). A year string is a sorted
  list of 54-byte records: day of year (u16 BE), fetched_at (u32 BE, unix s), 6 x f64
  (series-codec.ts). Per date the newer fetch wins, whatever order the writers arrive in.

  KEYS[1] meta hash: currency, exchange_timezone, fetched_at (ms, the newest fetch merged),
          source (of that fetch, when it named one), first_date, last_date, bars,
          y:<year> = bars of that year, rebased_at (ms), rebase_from (date)
  KEYS[2] events hash: split:<date> = "num/den", dividend:<date> = "amount"
  KEYS[3] symbol index (sorted set, score = newest fetched_at ms)
  ARGV[1] year key prefix
  ARGV[2] 'merge' | 'replace'
  ARGV[3] fetched_at ms
  ARGV[4] currency
  ARGV[5] exchange timezone
  ARGV[6] first date of the fetch
  ARGV[7] symbol
  ARGV[8] source of the fetch ('' for the provider's own, 'synthetic' for made-up bars)
  ARGV[9] n events, then n (field, value) pairs, then (year, records) pairs

  merge:   an event the series does not know, dated after its first bar, means every stored
           bar before it is priced the old way: nothing is written, { 'rebase', field }.
           A fetch older than the last replace adds no bar dated before that replace's
           newest event (those would be priced the old way).
  replace: the fetch is the whole history from ARGV[6]: stored bars older than it are
           dropped, bars of a newer fetch kept; events from ARGV[6] on are replaced.
  Returns { 'merged' | 'replaced', bars added, bars replaced, total bars }
]]
local REC = 54
local prefix, mode, fetchedMs = ARGV[1], ARGV[2], tonumber(ARGV[3])
local fetchedS = math.floor(fetchedMs / 1000)
local replace = mode == 'replace'

local function ymd(iso) return tonumber((string.gsub(iso, '-', ''))) end

local function isLeap(y) return (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0 end
local function monthLengths(y) return {31, isLeap(y) and 29 or 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31} end
local function isoOf(year, doy)
  local m, lengths = 1, monthLengths(year)
  while doy >= lengths[m] do doy = doy - lengths[m]; m = m + 1 end
  return string.format('%04d-%02d-%02d', year, m, doy + 1)
end
local function doyOf(iso)
  local y, m, d = tonumber(string.sub(iso, 1, 4)), tonumber(string.sub(iso, 6, 7)), tonumber(string.sub(iso, 9, 10))
  local lengths, doy = monthLengths(y), d - 1
  for i = 1, m - 1 do doy = doy + lengths[i] end
  return y, doy
end

local meta = {}
local flat = redis.call('HGETALL', KEYS[1])
for i = 1, #flat, 2 do meta[flat[i]] = flat[i + 1] end

local nEvents = tonumber(ARGV[9])
local events = {}
for i = 0, nEvents - 1 do events[#events + 1] = { ARGV[10 + 2 * i], ARGV[11 + 2 * i] } end

if not replace and meta.first_date then
  local first = ymd(meta.first_date)
  for _, e in ipairs(events) do
    local date = string.match(e[1], ':(.*)$')
    if ymd(date) > first and redis.call('HEXISTS', KEYS[2], e[1]) == 0 then
      return { 'rebase', e[1] }
    end
  end
end

-- Bars of an older fetch than the last replace: only from that replace's newest event on.
local floorYear, floorDoy = -1, -1
if not replace and meta.rebased_at and fetchedMs < tonumber(meta.rebased_at) and meta.rebase_from then
  floorYear, floorDoy = doyOf(meta.rebase_from)
end

local function day(s, at) return struct.unpack('>H', s, at) end
local function stamp(s, at) return struct.unpack('>I4', s, at + 2) end

-- Two sorted record lists into one: per date the newer fetch; on replace an old record
-- of an older fetch goes.
local function mergeYear(old, new)
  local out, i, j, added, replaced = {}, 1, 1, 0, 0
  local no, nn = #old, #new
  while i <= no or j <= nn do
    local od = i <= no and day(old, i) or nil
    local nd = j <= nn and day(new, j) or nil
    if nd == nil or (od ~= nil and od < nd) then
      if not replace or stamp(old, i) > fetchedS then out[#out + 1] = string.sub(old, i, i + REC - 1) end
      i = i + REC
    elseif od == nil or nd < od then
      out[#out + 1] = string.sub(new, j, j + REC - 1)
      added = added + 1
      j = j + REC
    else
      if stamp(old, i) > stamp(new, j) then
        out[#out + 1] = string.sub(old, i, i + REC - 1)
      else
        out[#out + 1] = string.sub(new, j, j + REC - 1)
        replaced = replaced + 1
      end
      i, j = i + REC, j + REC
    end
  end
  return table.concat(out), added, replaced
end

local function dropBefore(records, limitDoy)
  local out = {}
  for at = 1, #records, REC do
    if day(records, at) >= limitDoy then out[#out + 1] = string.sub(records, at, at + REC - 1) end
  end
  return table.concat(out)
end

local incoming = {}
for i = 10 + 2 * nEvents, #ARGV, 2 do
  local year, records = tonumber(ARGV[i]), ARGV[i + 1]
  if year > floorYear then
    incoming[year] = records
  elseif year == floorYear then
    incoming[year] = dropBefore(records, floorDoy)
  end
end

-- Years to visit: the fetch's, and on replace every stored one too.
local years = {}
for year in pairs(incoming) do years[year] = true end
if replace then
  for field in pairs(meta) do
    local y = string.match(field, '^y:(%d+)$')
    if y then years[tonumber(y)] = true end
  end
end

local added, replaced = 0, 0
for year in pairs(years) do
  local key = prefix .. year
  local old = redis.call('GET', key) or ''
  local merged, a, r = mergeYear(old, incoming[year] or '')
  added, replaced = added + a, replaced + r
  if #merged == 0 then
    redis.call('DEL', key)
    redis.call('HDEL', KEYS[1], 'y:' .. year)
    meta['y:' .. year] = nil
  else
    if merged ~= old then redis.call('SET', key, merged) end
    redis.call('HSET', KEYS[1], 'y:' .. year, #merged / REC)
    meta['y:' .. year] = tostring(#merged / REC)
  end
end

if replace then
  for _, field in ipairs(redis.call('HKEYS', KEYS[2])) do
    if ymd(string.match(field, ':(.*)$')) >= ymd(ARGV[6]) then redis.call('HDEL', KEYS[2], field) end
  end
end
for _, e in ipairs(events) do redis.call('HSET', KEYS[2], e[1], e[2]) end

local total, minYear, maxYear = 0, nil, nil
for field, value in pairs(meta) do
  local y = string.match(field, '^y:(%d+)$')
  if y then
    y = tonumber(y)
    total = total + tonumber(value)
    if not minYear or y < minYear then minYear = y end
    if not maxYear or y > maxYear then maxYear = y end
  end
end

if total == 0 then
  redis.call('HDEL', KEYS[1], 'first_date', 'last_date')
else
  local firstRec = redis.call('GETRANGE', prefix .. minYear, 0, 1)
  local lastRec = redis.call('GETRANGE', prefix .. maxYear, -REC, -REC + 1)
  redis.call('HSET', KEYS[1], 'first_date', isoOf(minYear, day(firstRec, 1)),
    'last_date', isoOf(maxYear, day(lastRec, 1)))
end
redis.call('HSET', KEYS[1], 'bars', total)
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'currency', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'exchange_timezone', ARGV[5]) end
if not meta.fetched_at or tonumber(meta.fetched_at) < fetchedMs then
  redis.call('HSET', KEYS[1], 'fetched_at', fetchedMs, 'source', ARGV[8])
  redis.call('ZADD', KEYS[3], fetchedMs, ARGV[7])
else
  redis.call('ZADD', KEYS[3], 'NX', tonumber(meta.fetched_at), ARGV[7])
end

if replace then
  local newest = nil
  for _, e in ipairs(events) do
    local date = string.match(e[1], ':(.*)$')
    if not newest or ymd(date) > ymd(newest) then newest = date end
  end
  redis.call('HSET', KEYS[1], 'rebased_at', fetchedMs)
  if newest then redis.call('HSET', KEYS[1], 'rebase_from', newest) end
  return { 'replaced', added, replaced, total }
end
return { 'merged', added, replaced, total }
