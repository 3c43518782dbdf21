-- W2: GET a random record among the sampled ids. Every request is built in init().
-- env: WRK_PREFIX (the path before the id), WRK_IDS (a file, one id a line), plus common.lua's headers.
package.path = os.getenv("WRK_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local reqs = {}

function init(args)
  local prefix = os.getenv("WRK_PREFIX")
  local headers = common.headers(false)
  for k, id in ipairs(common.read_ids(os.getenv("WRK_IDS"))) do
    reqs[k] = wrk.format("GET", prefix .. id, headers)
  end
  math.randomseed(7919 * (tid or 0) + 3)
end

function request()
  return reqs[math.random(#reqs)]
end
