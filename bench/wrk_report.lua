-- wrk script: rotate the Cookie headers of several logged-in users, print one JSON line of figures.
local cookies = {}
local paths = {}
local counter = 0

function init(args)
  for line in io.lines(os.getenv("WRK_COOKIES")) do cookies[#cookies + 1] = line end
  for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
end

function request()
  counter = counter + 1
  local index = counter % #cookies + 1
  local path = paths[counter % #paths + 1]
  local headers = {}
  if cookies[index] ~= "" then headers["Cookie"] = cookies[index] end
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_s": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "errors": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.status + e.timeout, e.status))
end
