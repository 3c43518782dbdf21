-- W3 and the axum limit: GET one fixed path (already URL-encoded), built in init().
-- env: WRK_PATH, plus common.lua's headers.
package.path = os.getenv("WRK_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

local req

function init(args)
  req = wrk.format("GET", os.getenv("WRK_PATH"), common.headers(false))
end

function request()
  return req
end
