-- Prepended to every bench script: checks the body of every response, not only its status.
-- wrk args: [1] a substring every good body contains (e.g. "success":"True"); the rest go to setup_args().
-- wrk counts non-2xx/3xx responses itself; a 200 with "success":"False" (ITFlow's failure envelope) would
-- pass unseen, so each thread counts the bodies that lack the expected text and done() prints the totals.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

expect = nil
checked = 0
bad = 0
bad_sample = nil

function init(args)
  expect = args[1]
  if setup_args ~= nil then
    setup_args(args)
  end
end

function response(status, headers, body)
  checked = checked + 1
  if status ~= 200 or string.find(body, expect, 1, true) == nil then
    bad = bad + 1
    if bad_sample == nil then
      bad_sample = status .. " " .. string.sub(body, 1, 300)
    end
  end
end

function done(summary, latency, requests)
  local total_checked, total_bad, sample = 0, 0, nil
  for _, thread in ipairs(threads) do
    total_checked = total_checked + thread:get("checked")
    total_bad = total_bad + thread:get("bad")
    sample = sample or thread:get("bad_sample")
  end
  io.write(string.format("BENCH checked=%d bad=%d\n", total_checked, total_bad))
  if sample ~= nil then
    io.write("BENCH bad_sample=" .. string.gsub(sample, "\n", " ") .. "\n")
  end
end
