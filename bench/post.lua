-- wrk script for the progress POST of bench/run.py: each request adds an update to
-- a random commitment (so writers rarely queue for the same row lock).
local token = os.getenv("BENCH_TOKEN")
local first = tonumber(os.getenv("BENCH_FIRST_ID"))
local last = tonumber(os.getenv("BENCH_LAST_ID"))
local body = string.format(
  '{"reported_on": "%s", "status": "in_progress", ' ..
  '"summary": "Benchmark: work continued.", ' ..
  '"source_url": "https://www.example.gov/bench"}',
  os.getenv("BENCH_TODAY"))

math.randomseed(os.time())
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token " .. token

request = function()
  local id = math.random(first, last)
  return wrk.format(nil, "/api/v1/commitments/" .. id .. "/updates/", nil, body)
end
