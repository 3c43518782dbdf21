-- W5: create random vehicles in batches, WRK_BATCH per request. Every request is built in
-- init(), before the clock starts; request() only hands them out in turn (and starts over if a
-- run outlasts them).
-- env: WRK_PATH, WRK_DIALECT = hubspot (POST /crm/v3/objects/{type}/batch/create, `inputs` of
--      HubSpot properties, all strings) | pb (POST /api/batch, `requests` creating records in
--      WRK_COLLECTION), WRK_BATCH (records per request, 100), WRK_BODIES (requests built per
--      thread), WRK_RUN (a tag that keeps names distinct between runs), plus common.lua's headers.
package.path = os.getenv("WRK_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local reqs = {}
local i = 0

function init(args)
  local path = os.getenv("WRK_PATH")
  local dialect = os.getenv("WRK_DIALECT") or "pb"
  local collection = os.getenv("WRK_COLLECTION") or "vehicles_w"
  local batch = tonumber(os.getenv("WRK_BATCH") or "100")
  local n = tonumber(os.getenv("WRK_BODIES") or "100")
  local run = os.getenv("WRK_RUN") or "0"
  local headers = common.headers(true)
  local brands = {"audi", "bmw", "fiat", "ford", "tesla"}
  local words = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
                 "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"}
  local t = tid or 0
  math.randomseed(2003 * t + 29)
  local hubspot = dialect == "hubspot"
  local datefmt = hubspot and "20%02d-%02d-%02dT00:00:00.000Z" or "20%02d-%02d-%02d 00:00:00.000Z"
  local record = hubspot
    and '{"properties":{"name":"%s %s b%s-%d-%d-%d","speed":"%.2f","brand":"%s","bought":"%s","active":"%s","owner_email":"b%s.%d.%d.%d@example.com"}}'
    or ('{"method":"POST","url":"/api/collections/' .. collection .. '/records","body":'
        .. '{"name":"%s %s b%s-%d-%d-%d","speed":%.2f,"brand":"%s","bought":"%s","active":%s,"owner_email":"b%s.%d.%d.%d@example.com"}}')
  for k = 1, n do
    local items = {}
    for m = 1, batch do
      items[m] = string.format(record,
        words[math.random(16)], words[math.random(16)], run, t, k, m, math.random() * 300,
        brands[math.random(5)],
        string.format(datefmt, math.random(0, 25), math.random(1, 12), math.random(1, 28)),
        (math.random(2) == 1) and "true" or "false", run, t, k, m)
    end
    local list = table.concat(items, ",")
    local body = hubspot and ('{"inputs":[' .. list .. ']}') or ('{"requests":[' .. list .. ']}')
    reqs[k] = wrk.format("POST", path, headers, body)
  end
end

function request()
  i = i + 1
  if i > #reqs then i = 1 end
  return reqs[i]
end
