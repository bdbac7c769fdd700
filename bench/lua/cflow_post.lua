-- POST Cflow JSON bodies with the three credential headers: a submit (the same form each time), or an
-- approval whose RecordId counts up from a first number, so each request approves a record still at the stage.
-- wrk args: [2] path, [3] apikey, [4] userkey, [5] username, [6] "submit" or "approve",
-- [7] WorkflowName, [8] group_id (approve), [9] the first RecordId (approve), [10] the R_Status field (approve).

local path, headers, kind, workflow, group_id, next_record, status_field

function setup_args(args)
  path = args[2]
  headers = {apikey = args[3], userkey = args[4], username = args[5], ["Content-Type"] = "application/json"}
  kind = args[6]
  workflow = args[7]
  group_id = args[8]
  next_record = tonumber(args[9])
  status_field = args[10]
end

local submit_body = nil

function request()
  if kind == "submit" then
    if submit_body == nil then
      submit_body = '{"main":{"WorkflowName":"' .. workflow .. '"},"dynamicobj":{"Item":"Bench laptop",' ..
        '"Amount":"1250.50","Needed_By":"3/26/2027 6:30:00 PM","Category":"Hardware","Tags":["bench","it"]}}'
    end
    return wrk.format("POST", path, headers, submit_body)
  end
  local record = next_record
  next_record = next_record + 1
  local body = '{"main":{"WorkflowName":"' .. workflow .. '","group_id":"' .. group_id .. '","RecordId":"' ..
    record .. '"},"Values":{"' .. status_field .. '":"Approved"}}'
  return wrk.format("POST", path, headers, body)
end
