-- W1: create one random vehicle per request. Every request is built in init(), before the
-- clock starts; request() only hands them out in turn (and starts over if a run outlasts them).
-- env: WRK_PATH, WRK_DIALECT = crmd | pb, WRK_BODIES (requests built per thread),
--      WRK_RUN (a tag that keeps names distinct between runs), plus common.lua's headers.
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
  local n = tonumber(os.getenv("WRK_BODIES") or "20000")
  local run = os.getenv("WRK_RUN") or "0"
  local headers = common.headers(true)
  local brands = {"audi", "bmw", "fiat", "ford", "tesla"}
  local words = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
                 "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"}
  local t = tid or 0
  math.randomseed(1009 * t + 17)
  local datefmt = (dialect == "crmd") and "20%02d-%02d-%02dT00:00:00.000Z" or "20%02d-%02d-%02d 00:00:00.000Z"
  for k = 1, n do
    local fields = string.format(
      '{"name":"%s %s w%s-%d-%d","speed":%.2f,"brand":"%s","bought":"%s","active":%s,"owner_email":"w%s.%d.%d@example.com"}',
      words[math.random(16)], words[math.random(16)], run, t, k, math.random() * 300,
      brands[math.random(5)],
      string.format(datefmt, math.random(0, 25), math.random(1, 12), math.random(1, 28)),
      (math.random(2) == 1) and "true" or "false", run, t, k)
    local body = (dialect == "crmd") and ('{"fields":' .. fields .. '}') or fields
    reqs[k] = wrk.format("POST", path, headers, body)
  end
end

function request()
  i = i + 1
  if i > #reqs then i = 1 end
  return reqs[i]
end
