-- W4: change the speed of a random record among the sampled ids. Every request (a random id
-- with a random new speed) is built in init(); request() hands them out in turn.
-- env: WRK_PREFIX, WRK_IDS, WRK_METHOD (POST for crmd, PATCH for PocketBase),
--      WRK_DIALECT = crmd | pb, WRK_BODIES, plus common.lua's headers.
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
  local prefix = os.getenv("WRK_PREFIX")
  local method = os.getenv("WRK_METHOD") or "PATCH"
  local dialect = os.getenv("WRK_DIALECT") or "pb"
  local n = tonumber(os.getenv("WRK_BODIES") or "20000")
  local headers = common.headers(true)
  local ids = common.read_ids(os.getenv("WRK_IDS"))
  math.randomseed(104729 * (tid or 0) + 11)
  for k = 1, n do
    local speed = string.format("%.2f", math.random() * 300)
    local body = (dialect == "crmd") and ('{"fields":{"speed":' .. speed .. '}}') or ('{"speed":' .. speed .. '}')
    reqs[k] = wrk.format(method, prefix .. ids[math.random(#ids)], headers, body)
  end
end

function request()
  i = i + 1
  if i > #reqs then i = 1 end
  return reqs[i]
end
