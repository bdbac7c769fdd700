-- POST one badge scan per request, cycling through the badges so one badge is not scanned twice in a second.
-- wrk args: [2] path, [3] device serial (access_token), [4] tag prefix, [5] number of badges.

local path, serial, prefix, badges
local counter = 0

function setup_args(args)
  path = args[2]
  serial = args[3]
  prefix = args[4]
  badges = tonumber(args[5])
end

function request()
  counter = counter + 1
  local body = "access_token=" .. serial .. "&rfid_tag=" .. prefix .. (counter % badges)
  return wrk.format("POST", path, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
