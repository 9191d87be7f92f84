-- wrk script of bench/versus_peer.py: POSTs a GraphQL body per request, its __KEY__ replaced by
-- a random line of a keys file (a USCC, or the hub's cursor of one).
--
--   wrk -t2 -c16 -d10s -s post.lua http://127.0.0.1:PORT/graphql -- BODY_FILE KEYS_FILE [TOKEN] [SEED]
--
-- A response that is not 200 or whose body holds "errors" counts as a failure; done() prints
-- one line "WRK_RESULT requests duration_us p50_us p95_us p99_us failures socket_errors".

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local template, keys
failures = 0

function init(args)
  local file = assert(io.open(args[1], "rb"))
  template = file:read("*a")
  file:close()
  keys = {}
  for line in io.lines(args[2]) do
    if line ~= "" then
      keys[#keys + 1] = line
    end
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if args[3] ~= nil and args[3] ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. args[3]
  end
  math.randomseed(tonumber(args[4] or "7") * 1000 + id)
end

function request()
  local key = keys[math.random(#keys)]
  -- keys are [0-9A-Za-z_=-] only, so the replacement needs no escaping
  local body = string.gsub(template, "__KEY__", key)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
  end
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT %d %d %d %d %d %d %d\n",
    summary.requests,
    summary.duration,
    latency:percentile(50),
    latency:percentile(95),
    latency:percentile(99),
    failed,
    e.connect + e.read + e.write + e.timeout
  ))
end
