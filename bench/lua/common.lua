-- Shared by the wrk scripts: the headers every request carries, from the environment.
--   WRK_AUTH     the whole Authorization header value (crmd: "Bearer <key>"; PocketBase: the token)
--   WRK_VERSION  the Lightfield-Version header value (crmd only)
local M = {}

function M.headers(with_body)
  local h = {}
  local auth = os.getenv("WRK_AUTH")
  if auth and auth ~= "" then h["Authorization"] = auth end
  local version = os.getenv("WRK_VERSION")
  if version and version ~= "" then h["Lightfield-Version"] = version end
  if with_body then h["Content-Type"] = "application/json" end
  return h
end

function M.read_ids(path)
  local ids = {}
  for line in io.lines(path) do
    if line ~= "" then ids[#ids + 1] = line end
  end
  assert(#ids > 0, "no ids in " .. path)
  return ids
end

return M
