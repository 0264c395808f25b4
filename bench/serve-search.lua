-- wrk script for bench/serve-load.sh: POSTs search bodies (one JSON document a line of BODIES),
-- round robin; counts answers that are not 200 as errors (wrk's "Non-2xx" line).
local bodies = {}
local next = 1
function init(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
end
function request()
  local body = bodies[next]
  next = next % #bodies + 1
  return wrk.format("POST", wrk.path, { ["Content-Type"] = "application/json" }, body)
end
