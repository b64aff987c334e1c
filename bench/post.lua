-- wrk script for the progress POST of bench/run.py: each request adds an update to
-- a random commitment from BENCH_IDS (a file of ids outside the measured list
-- filter), with a status that keeps it outside, so the writes leave the rows the
-- reads measure alone and rarely queue for the same row lock.
local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do
  ids[#ids + 1] = line
end
local body = string.format(
  '{"reported_on": "%s", "status": "%s", ' ..
  '"summary": "Benchmark: work continued.", ' ..
  '"source_url": "https://www.example.gov/bench"}',
  os.getenv("BENCH_TODAY"), os.getenv("BENCH_STATUS"))

math.randomseed(os.time())
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token " .. os.getenv("BENCH_TOKEN")

request = function()
  local id = ids[math.random(#ids)]
  return wrk.format(nil, "/api/v1/commitments/" .. id .. "/updates/", nil, body)
end
