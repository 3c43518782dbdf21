-- The soak test's mixed load on Lightfield accounts: creates (25%), retrieves (35%), filtered
-- lists (15%) and updates (25%) of records this thread has seen. Ids come from the answers.
-- env: WRK_RUN (a tag for names), plus common.lua's headers.
package.path = os.getenv("WRK_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local ids = {}
local n = 0
local run, headers, plain

function init(args)
  run = os.getenv("WRK_RUN") or "0"
  headers = common.headers(true)
  plain = common.headers(false)
  math.randomseed(7919 * (tid or 0) + 3)
end

function request()
  n = n + 1
  local r = math.random()
  if #ids < 20 or r < 0.25 then
    local body = string.format('{"fields":{"$name":"soak-%s-%d-%d","$website":["https://s%d.example.com"]}}',
      run, tid or 0, n, n % 997)
    return wrk.format("POST", "/v1/accounts", headers, body)
  end
  local id = ids[math.random(#ids)]
  if r < 0.6 then
    return wrk.format("GET", "/v1/accounts/" .. id, plain)
  elseif r < 0.75 then
    return wrk.format("GET", "/v1/accounts?limit=25&%24name%5BstartsWith%5D=soak-" .. run .. "-" .. (tid or 0), plain)
  end
  local body = string.format('{"fields":{"$name":"soak-%s-%d-%d-u"}}', run, tid or 0, n)
  return wrk.format("POST", "/v1/accounts/" .. id, headers, body)
end

function response(status, hdrs, body)
  if status == 200 then
    local id = body:match('^{"id":"(%d+)"')
    if id then
      if #ids < 5000 then
        ids[#ids + 1] = id
      else
        ids[math.random(#ids)] = id
      end
    end
  end
end
