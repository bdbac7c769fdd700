-- The same request every time: method, path (with its query), body and headers from the args.
-- wrk args: [2] method, [3] path, [4] body ("" for none), then any number of "Name: value" headers.

local fixed

function setup_args(args)
  local headers = {}
  for i = 5, #args do
    local name, value = string.match(args[i], "^([^:]+):%s*(.*)$")
    headers[name] = value
  end
  local body = nil
  if args[4] ~= "" then
    body = args[4]
  end
  fixed = wrk.format(args[2], args[3], headers, body)
end

function request()
  return fixed
end
