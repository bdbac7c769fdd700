-- GET <prefix><random id in [lo, hi]>, e.g. /api/v1/assets/read.php?api_key=K&asset_id=<id>.
-- wrk args: [2] path prefix, [3] lo, [4] hi.

local prefix, lo, hi

function setup_args(args)
  prefix = args[2]
  lo = tonumber(args[3])
  hi = tonumber(args[4])
  math.randomseed(os.time())
end

function request()
  return wrk.format("GET", prefix .. math.random(lo, hi))
end
