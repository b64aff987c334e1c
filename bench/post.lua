-- wrk script for the progress POST of bench/run.py: each request adds an update to
-- a random commitment from BENCH_IDS (a file of "id status" lines: commitments
-- outside the measured list filter), with whichever of the two statuses in
-- BENCH_STATUSES it does not have, so every POST changes the status (the same
-- work at every size) and keeps the commitment outside the filter; the writes
-- leave the rows the reads measure alone and rarely queue for the same row lock.
-- The statuses are kept in this script's state, so wrk runs it in one thread;
-- bench/run.py writes BENCH_IDS afresh before each round.
local ids, statuses = {}, {}
for line in io.lines(os.getenv("BENCH_IDS")) do
  local id, status = line:match("^(%d+) (%S+)$")
  ids[#ids + 1] = id
  statuses[id] = status
end
local first, second = os.getenv("BENCH_STATUSES"):match("^([^,]+),([^,]+)$")
local template = '{"reported_on": "' .. os.getenv("BENCH_TODAY") .. '", ' ..
  '"status": "%s", "summary": "Benchmark: work continued.", ' ..
  '"source_url": "https://www.example.gov/bench"}'

math.randomseed(os.time())
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token " .. os.getenv("BENCH_TOKEN")

request = function()
  local id = ids[math.random(#ids)]
  local status = statuses[id] == first and second or first
  statuses[id] = status
  return wrk.format(
    nil, "/api/v1/commitments/" .. id .. "/updates/", nil,
    string.format(template, status))
end
