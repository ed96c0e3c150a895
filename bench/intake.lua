-- wrk script for the intake figures: every request POSTs a lead with an e-mail no other request
-- uses (thread number + counter), so the connector never answers a duplicate; done() prints one
-- machine-readable line that bench/run.sh turns into the table.
local threads = {}
local counter = 0
local prefix = os.getenv("BENCH_PREFIX") or "bench-intake"

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local body = string.format('{"UserDetails":{"FirstName":"Bench","LastName":"Lead","Email":"%s-%d-%d@example.test",'
    .. '"Phone":"14255550142","Country":"US","Company":"Fabrikam","Title":"Head of Platform"},'
    .. '"LeadSource":"AzureMarketplace","ActionCode":"INS","OfferTitle":"Contoso Analytics Suite","Description":""}',
    prefix, tid, counter)
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("intake requests=%d failed=%d per_s=%.1f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, failed, (summary.requests - summary.errors.status) / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
