-- wrk script for bench/run.sh: one valid sign-up per request, every e-mail address unique.
--
--   wrk -t2 -c64 -d10s -s bench/signup.lua http://127.0.0.1:PORT -- SLUG TAG
--
-- SLUG: the event (POST /api/v1/events/SLUG/registrations); TAG: a word that differs between
-- runs against the same event, so addresses stay unique across runs too. Addresses are
-- "<TAG>-t<thread>-<n>@bench.example.jp": the thread id comes from setup(), n counts per thread
-- (one Lua state per wrk thread, shared by all of that thread's connections).
--
-- BENCH_KEEP_ALIVE=1 adds "Connection: keep-alive" to every request. Without it the requests are
-- wrk's plain HTTP/1.1 ones, and Pistache 0.0.5 closes the connection after each answer (it keeps
-- a connection open only when the request asks explicitly), so every request is a new connection.
-- The ceiling server gets the same requests either way. No response() callback: it would make
-- wrk hand every response to Lua.
-- done() prints one machine-readable line: "BENCH requests=.. rps=.. p50_ms=.. p99_ms=.. ..."

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

local slug, tag, n, path

function init(args)
  slug = args[1] or "bench-huge"
  tag = args[2] or "b"
  n = 0
  path = "/api/v1/events/" .. slug .. "/registrations"
  wrk.headers["Content-Type"] = "application/json"
  if os.getenv("BENCH_KEEP_ALIVE") == "1" then wrk.headers["Connection"] = "keep-alive" end
end

local body_format = '{"name":"ベンチ 太郎","name_kana":"ベンチ タロウ","email":"%s",'
  .. '"organization":"ベンチマーク株式会社","department":"性能評価部",'
  .. '"category":"industry","locale":"ja","consent_privacy":true%s}'
-- BENCH_ANSWERS=1: answers to the five questions of bench/questions.sh's event.
local answers = ''
if os.getenv("BENCH_ANSWERS") == "1" then
  answers = ',"answers":{"panel":"データの対象期間と、利用申請の手順を教えてください。",'
    .. '"sessions":["keynote","qa"],"role":"epi","accommodation":"字幕があると助かります",'
    .. '"recording":true}'
end

function request()
  n = n + 1
  local email = string.format("%s-t%d-%d@bench.example.jp", tag, tid, n)
  return wrk.format("POST", path, nil, string.format(body_format, email, answers))
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f "
      .. "non2xx=%d connect_err=%d read_err=%d write_err=%d timeout=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect, e.read, e.write, e.timeout))
end
