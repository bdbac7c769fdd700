-- POST url-encoded user/sync requests: mostly updates of existing employees by CNP (a few fields changed),
-- some creates of new CNPs, each with a team_name. The CNPs are built as bench/iflow_sync.py builds them
-- (cnp(first, index, century_year)), with their check digit, so no reply carries a warning.
-- wrk args: [2] path, [3] api_key, [4] number of seeded employees, [5] percent of requests that create,
-- [6] optional: the index the created CNPs count up from (default 0; bench.compare gives each run its own
-- range, so that a later run's creates are new CNPs too, not updates of an earlier run's).

local path, api_key, employees, create_percent
local created = 0
local weights = {2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9}
local teams = {"Production", "Warehouse", "Logistics", "Office", "Maintenance", "Quality", "Sales", "Security"}
local jobs = {"Operator", "Forklift+driver", "Technician", "Accountant", "Team+lead", "Inspector", "Clerk"}
local cities = {"Bucuresti", "Cluj-Napoca", "Iasi", "Timisoara", "Brasov", "Constanta"}

-- The index-th CNP of a series: sex/century digit `first`, birth dates from year `base` on, county 40.
function cnp(first, index, base)
  local serial = index % 900 + 100
  local k = math.floor(index / 900)
  local day = k % 28 + 1
  local month = math.floor(k / 28) % 12 + 1
  local year = (base + math.floor(k / 336)) % 100
  local digits = string.format("%d%02d%02d%02d%02d%03d", first, year, month, day, 40, serial)
  local sum = 0
  for i = 1, 12 do
    sum = sum + tonumber(string.sub(digits, i, i)) * weights[i]
  end
  local check = sum % 11
  if check == 10 then
    check = 1
  end
  return digits .. check
end

function setup_args(args)
  path = args[2]
  api_key = args[3]
  employees = tonumber(args[4])
  create_percent = tonumber(args[5])
  created = tonumber(args[6] or "0")
  math.randomseed(20261129)
end

local function pick(list)
  return list[math.random(#list)]
end

function request()
  local body = "api_key=" .. api_key .. "&update_by=cnp&team_name=" .. pick(teams)
  if math.random(100) <= create_percent then
    created = created + 1
    body = body .. "&update_by_value=" .. cnp(5 + created % 2, created, 0)
      .. "&full_name=New+Hire+" .. created .. "&job_title=" .. pick(jobs)
      .. "&employment_date=2026-12-01&city=" .. pick(cities) .. "&phone_one=07" .. math.random(10000000, 99999999)
  else
    local index = math.random(0, employees - 1)
    body = body .. "&update_by_value=" .. cnp(1 + index % 2, index, 70)
      .. "&job_title=" .. pick(jobs) .. "&phone_one=07" .. math.random(10000000, 99999999)
      .. "&address=Strada+Lunga+" .. math.random(1, 200)
  end
  return wrk.format("POST", path, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

-- A validator error or a CNP warning is a bad reply too (check.lua alone only looks for the success text).
local check_response = response
function response(status, headers, body)
  if string.find(body, '"error"', 1, true) ~= nil or string.find(body, '"warning"', 1, true) ~= nil then
    status = -status
  end
  check_response(status, headers, body)
end
