-- GET one Cflow endpoint with the three credential headers.
-- wrk args: [2] path with its query string, [3] apikey, [4] userkey, [5] username.

local path, headers

function setup_args(args)
  path = args[2]
  headers = {apikey = args[3], userkey = args[4], username = args[5]}
end

function request()
  return wrk.format("GET", path, headers)
end
