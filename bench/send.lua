-- wrk script: POST one send (a JSON body) with a bearer token; report figures as JSON.
-- Environment: BENCH_PATH (request path), BENCH_TOKEN (bearer token), BENCH_BODY (JSON).
wrk.method = "POST"
wrk.path = os.getenv("BENCH_PATH") or "/v23.0/106540352242922/messages"
wrk.body = os.getenv("BENCH_BODY") or
  '{"messaging_product":"whatsapp","to":"16505551234","type":"text","text":{"body":"hi"}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "wasim-token")

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"non2xx":%d,"connect":%d,' ..
    '"read":%d,"write":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.mean))
end
