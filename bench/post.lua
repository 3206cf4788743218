-- wrk (4.x) script used by bench/run.sh: POST a JSON body with extra headers, then print one
-- machine-readable result line.
--
-- Usage: wrk [options] -s bench/post.lua <url> -- <body_file> [headers_file]
--   body_file     sent verbatim as the request body; Content-Type: application/json is set
--   headers_file  optional; one "Name: value" per line, blank lines and '#' lines ignored.
--                 The value is everything after the first ':' (so URLs and JSON values are fine).
--
-- Output (last line, latencies in microseconds):
--   BENCH_RESULT {"requests":N,"duration_s":S,"rps":R,"p50_us":..,"p90_us":..,"p99_us":..,
--                 "mean_us":..,"max_us":..,"non2xx":N,"err_connect":N,"err_read":N,
--                 "err_write":N,"err_timeout":N,"socket_errors":N}
-- With WRK_DELAY_MS=<ms> in the environment each connection waits that long before each request,
-- so CONNS connections send at a steady rate of about CONNS * 1000 / ms requests per second.
-- non2xx is wrk's status-error count (responses with HTTP status >= 400); socket_errors is
-- connect + read + write + timeout.

local function readfile(path)
  local f = assert(io.open(path, "rb"), "post.lua: cannot open " .. tostring(path))
  local s = f:read("*a")
  f:close()
  return s
end

local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "")
if delay_ms then
  function delay() return delay_ms end
end

function init(args)
  assert(args[1], "post.lua: usage: wrk ... -s post.lua <url> -- <body_file> [headers_file]")
  wrk.method = "POST"
  wrk.body = readfile(args[1])
  wrk.headers["Content-Type"] = "application/json"
  local hf = args[2]
  if hf and hf ~= "" then
    for line in io.lines(hf) do
      if not line:match("^%s*#") and not line:match("^%s*$") then
        local k, v = line:match("^%s*([^:%s]+)%s*:%s*(.-)%s*$")
        if k then wrk.headers[k] = v end
      end
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local dur_s = summary.duration / 1e6
  local rps = 0
  if dur_s > 0 then rps = summary.requests / dur_s end
  local sock = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_s":%.3f,"rps":%.2f,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d,' ..
    '"non2xx":%d,"err_connect":%d,"err_read":%d,"err_write":%d,"err_timeout":%d,"socket_errors":%d}\n',
    summary.requests, dur_s, rps,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max,
    e.status, e.connect, e.read, e.write, e.timeout, sock))
end
