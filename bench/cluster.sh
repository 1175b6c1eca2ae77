#!/usr/bin/env bash
# bench/cluster.sh — what the 3-node Galera cluster costs, and what a failover costs, measured in
# one run on this machine:
#   1. one MariaDB, one `regdesk serve`: sign-ups/s and p99 (wrk, bench/signup.lua);
#   2. a 3-node Galera cluster on loopback (ops/cluster/galera.sh) behind haproxy with a health
#      agent per node (ops/cluster/haproxy.sh): one `regdesk serve` through haproxy (one writer);
#   3. the same cluster, three `regdesk serve`, each on its own node (all writers), wrk on each;
#   4. the writer killed with SIGKILL during a burst through haproxy: 503s, the time without a
#      201, and the time from haproxy marking the node down to the next 201;
#   5. the same failover on a cluster started again with Galera's failure detection shortened
#      (evs.suspect_timeout 2 s instead of 5, evs.inactive_timeout 4 s instead of 15,
#      evs.keepalive_period 0.5 s instead of 1);
# and, on the one MariaDB of step 1, one and two `regdesk serve` behind a private nginx
# (ops/nginx/nginx.sh, the shipped proxy settings).
# Ratios are against step 1 of the same run. Writes the "Cluster" section of bench/RESULTS.md.
#   bench/cluster.sh        (BENCH_DURATION 10s, ROUNDS 3, BENCH_CONNECTIONS 64)
# All of it shares the machine's cores: three mariadbd, the agents, haproxy, regdesk and wrk.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
# shellcheck source=ops/lib/stack.sh
source ops/lib/stack.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

BUILD=${BENCH_BUILD_DIR:-build-bench}
DURATION=${BENCH_DURATION:-10s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
GALERA=$ROOT/ops/cluster/galera.sh
HAPROXY=$ROOT/ops/cluster/haproxy.sh
NGINX=$ROOT/ops/nginx/nginx.sh
SHORT_DETECTION="evs.keepalive_period=PT0.5S;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT4S"
command -v wrk >/dev/null || die "wrk is needed (ops/install-deps.sh --bench)"
command -v haproxy >/dev/null || die "haproxy is needed (ops/install-deps.sh)"
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DREGDESK_BENCH=ON >/dev/null
cmake --build "$BUILD" -j2 --target regdesk >/dev/null
REGDESK=$ROOT/$BUILD/regdesk

TMP=$(mktemp -d /tmp/regdesk-cluster-bench.XXXXXX)
PIDS=()
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
	"$NGINX" stop "$TMP/nginx" >/dev/null 2>&1 || true
	"$HAPROXY" stop "$TMP/cluster" >/dev/null 2>&1 || true
	"$GALERA" stop "$TMP/cluster" >/dev/null 2>&1 || true
	stack_cleanup
	rm -rf -- "$TMP"
}
trap cleanup EXIT

export REGDESK_RATE_LIMIT=0 REGDESK_NOW="2030-03-01T10:00:00+09:00" REGDESK_LISTEN=127.0.0.1:0
jq '.worker.enabled = false' config/regdesk.json >"$TMP/regdesk.json"
mkdir -p "$TMP/events"
write_event bench-cluster 100000000 "cluster"

# URL -> the database made ready: migrated, the event imported.
prepare() {
	REGDESK_DB_URL=$1 "$REGDESK" --config "$TMP/regdesk.json" migrate >/dev/null
	REGDESK_DB_URL=$1 "$REGDESK" --config "$TMP/regdesk.json" events import "$TMP/events/bench-cluster.json" >/dev/null
}
# NAME DB_URL -> a `regdesk serve` on it (STARTED_URL, STARTED_PID; remembered for cleanup).
serve() {
	REGDESK_DB_URL=$2 start_server "$1" "$REGDESK" --config "$TMP/regdesk.json" serve || exit 1
	PIDS+=("$STARTED_PID")
}
# URL TAG CONNECTIONS -> "rps p99_ms non2xx ok_per_s" (ok_per_s: the 201s alone)
load() {
	wrk -t2 -c"$3" -d"$DURATION" -s bench/signup.lua "$1" -- bench-cluster "$2" |
		sed -n 's/^BENCH requests=\([0-9]*\) seconds=\([0-9.]*\) rps=\([0-9.]*\).* p99_ms=\([0-9.]*\).*non2xx=\([0-9]*\).*/\3 \4 \5 \1 \2/p' |
		awk '{ printf "%s %s %s %.1f\n", $1, $2, $3, ($4 - $3) / $5 }'
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Runs ROUNDS of load against URL; sets RPS and P99 (medians) and fails on answers other than 201.
measure() {
	local url=$1 name=$2 rps=() p99=() i r p bad
	load "$url" "$name-warm" "$CONNECTIONS" >/dev/null
	for ((i = 1; i <= ROUNDS; i++)); do
		read -r r p bad _ <<<"$(load "$url" "$name$i" "$CONNECTIONS")"
		((bad == 0)) || die "$name: $bad answers that were not 201"
		rps+=("$r") p99+=("$p")
		log "$name round $i: $r/s, p99 $p ms"
	done
	RPS=$(median "${rps[@]}") P99=$(median "${p99[@]}")
}

# 1. One server.
DB_PORT=$(free_port)
db_start "$TMP/single" "$DB_PORT" >/dev/null || die "could not start MariaDB"
mariadb --no-defaults --socket="$STACK_DB_SOCKET" -uroot -e "CREATE DATABASE bench"
prepare "mysql://regdesk:regdesk@127.0.0.1:$DB_PORT/bench"
serve single "mysql://regdesk:regdesk@127.0.0.1:$DB_PORT/bench"
single_pid=$STARTED_PID
single_port=${STARTED_URL##*:}
measure "$STARTED_URL" single
single_rps=$RPS single_p99=$P99

# 1b. The same database behind nginx: one service, then two.
serve second "mysql://regdesk:regdesk@127.0.0.1:$DB_PORT/bench"
second_pid=$STARTED_PID second_port=${STARTED_URL##*:}
NGINX_PORT=$(free_port)
"$NGINX" start "$TMP/nginx" "$NGINX_PORT" "$single_port"
measure "http://127.0.0.1:$NGINX_PORT" nginx-one
nginx1_rps=$RPS nginx1_p99=$P99
"$NGINX" stop "$TMP/nginx"
"$NGINX" start "$TMP/nginx" "$NGINX_PORT" "$single_port" "$second_port"
measure "http://127.0.0.1:$NGINX_PORT" nginx-two
nginx2_rps=$RPS nginx2_p99=$P99
"$NGINX" stop "$TMP/nginx"
stop_pid "$single_pid"
stop_pid "$second_pid"
stack_cleanup

# 2. The cluster, one writer through haproxy.
# The cluster in $TMP/cluster with an agent per node, haproxy, and one service through it
# (proxied_url); NODE_PORTS. The agents and the service are ended by cluster_down.
CLUSTER_PIDS=()
cluster_up() {
	"$GALERA" start "$TMP/cluster" 3 >/dev/null 2>&1 || die "the Galera cluster did not start"
	mapfile -t NODE_PORTS < <(awk '{print $2}' "$TMP/cluster/nodes")
	local agents=() port
	for port in "${NODE_PORTS[@]}"; do
		REGDESK_DB_URL="mysql://regdesk:regdesk@127.0.0.1:$port/mysql" \
			start_server "agent$port" "$REGDESK" cluster-check --listen 127.0.0.1:0 || exit 1
		PIDS+=("$STARTED_PID") CLUSTER_PIDS+=("$STARTED_PID")
		agents+=("${STARTED_URL##*:}")
	done
	PROXY_PORT=$(free_port)
	"$HAPROXY" start "$TMP/cluster" "$PROXY_PORT" "${agents[@]}" >/dev/null
	mariadb --no-defaults --socket="$TMP/cluster/node0/s.sock" -uroot -e "CREATE DATABASE bench"
	prepare "mysql://regdesk:regdesk@127.0.0.1:$PROXY_PORT/bench"
	serve proxied "mysql://regdesk:regdesk@127.0.0.1:$PROXY_PORT/bench"
	CLUSTER_PIDS+=("$STARTED_PID")
	proxied_url=$STARTED_URL
}
cluster_down() {
	local pid
	for pid in "${CLUSTER_PIDS[@]}"; do stop_pid "$pid"; done
	CLUSTER_PIDS=()
	"$HAPROXY" stop "$TMP/cluster" >/dev/null 2>&1 || true
	"$GALERA" stop "$TMP/cluster" >/dev/null 2>&1 || true
	rm -rf -- "$TMP/cluster"
}
cluster_up
measure "$proxied_url" writer
writer_rps=$RPS writer_p99=$P99

# 3. All writers: a service on each node, the connections shared out between them.
urls=()
for i in 0 1 2; do
	serve "node$i" "mysql://regdesk:regdesk@127.0.0.1:${NODE_PORTS[$i]}/bench"
	CLUSTER_PIDS+=("$STARTED_PID")
	urls+=("$STARTED_URL")
done
# Every node writing the one hot ledger row: Galera refuses conflicting commits (certification),
# regdesk runs them again a bounded number of times, then answers 503. Those are counted.
all_rps=() all_p99=() all_refused=0
for ((r = 1; r <= ROUNDS; r++)); do
	loads=()
	for i in 0 1 2; do
		load "${urls[$i]}" "all$r-$i" $((CONNECTIONS / 3)) >"$TMP/all$i" &
		loads+=($!)
	done
	wait "${loads[@]}"  # not a bare wait: the services are children of this shell too
	total=0 worst=0
	for i in 0 1 2; do
		read -r _ p99 bad ok <"$TMP/all$i"
		all_refused=$((all_refused + bad))
		total=$(echo "$total + $ok" | bc) worst=$(echo "if ($p99 > $worst) $p99 else $worst" | bc)
	done
	all_rps+=("$total") all_p99+=("$worst")
	log "all writers round $r: $total/s, worst p99 $worst ms"
done
all_rps=$(median "${all_rps[@]}") all_p99=$(median "${all_p99[@]}")
conflicts=0
for port in "${NODE_PORTS[@]}"; do
	for name in wsrep_local_cert_failures wsrep_local_bf_aborts; do
		n=$(mariadb --no-defaults -h127.0.0.1 -P"$port" -uregdesk -pregdesk -N -e "SHOW GLOBAL STATUS LIKE '$name'" | cut -f2)
		conflicts=$((conflicts + n))
	done
done

# 4. The writer killed during a burst through haproxy: the JSON of failover URL.
failover() {
	/usr/bin/python3 - "$1" "$TMP/cluster" <<'PY'
import json, os, socket, sys, threading, time, urllib.request
url, cluster = sys.argv[1], sys.argv[2]
ok, counts, stop, lock = [], {}, threading.Event(), threading.Lock()
marked = []
def status():
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(os.path.join(cluster, "haproxy.sock")); s.sendall(b"show stat\n"); data = b""
        while chunk := s.recv(65536): data += chunk
    for line in data.decode().splitlines():
        f = line.split(",")
        if len(f) > 17 and f[0] == "galera" and f[1] == "node0": return f[17]
    return "?"
def client(n):
    i = 0
    while not stop.is_set():
        i += 1
        body = json.dumps({"name": "フェイル 太郎", "email": f"fo{n}-{i}@bench.example.jp", "organization": "ベンチ",
                           "category": "industry", "locale": "ja", "consent_privacy": True}).encode()
        req = urllib.request.Request(url + "/api/v1/events/bench-cluster/registrations", body,
                                     {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r: code = r.status
        except urllib.error.HTTPError as e: code = e.code
        except OSError as e: code = type(e).__name__
        with lock:
            counts[code] = counts.get(code, 0) + 1
            if code == 201: ok.append(time.monotonic())
def watch():
    while not stop.is_set() and not marked:
        if status().startswith("DOWN"): marked.append(time.monotonic())
        time.sleep(0.05)
threads = [threading.Thread(target=client, args=(n,)) for n in range(16)] + [threading.Thread(target=watch)]
for t in threads: t.start()
time.sleep(5)  # a steady rush first (this is a benchmark, not a test: the clock is the point)
pid = int(open(os.path.join(cluster, "node0", "p.pid")).read())
killed = time.monotonic(); os.kill(pid, 9)
time.sleep(15)
stop.set()
for t in threads: t.join(60)
ok.sort()
# The longest time without a 201 from the kill on (answers already in flight still arrive).
times = [killed] + [t for t in ok if t > killed]
gap = max((b - a for a, b in zip(times, times[1:])), default=None)
after_mark = [t for t in ok if marked and t > marked[0]]
since_mark = (after_mark[0] - marked[0]) if after_mark else None
print(json.dumps({"counts": {str(k): v for k, v in counts.items()}, "gap_s": gap,
                  "mark_s": (marked[0] - killed) if marked else None, "resumed_after_mark_s": since_mark}))
PY
}
# JSON -> "503s others gap mark resumed" (seconds to one decimal, or "none").
failover_figures() {
	jq -r 'def s: if type == "number" then (. * 10 | round / 10 | tostring) else "none" end;
		"\(.counts["503"] // 0) \([.counts | to_entries[] | select(.key != "201" and .key != "503") | .value] | add // 0) \(.gap_s | s) \(.mark_s | s) \(.resumed_after_mark_s | s)"' <<<"$1"
}
result=$(failover "$proxied_url")
log "failover: $result"
read -r n503 others gap mark resumed <<<"$(failover_figures "$result")"

# 5. Again, with Galera's failure detection shortened.
cluster_down
REGDESK_GALERA_OPTIONS=$SHORT_DETECTION cluster_up
result=$(failover "$proxied_url")
log "failover with $SHORT_DETECTION: $result"
read -r short503 shortothers shortgap shortmark shortresumed <<<"$(failover_figures "$result")"

ratio() { echo "scale=2; $1 / $2" | bc; }
section="<!-- cluster -->
## Cluster: one server against a 3-node Galera cluster, and a failover

Command: \`bench/cluster.sh\` ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs shared by all three
nodes, the agents, haproxy, regdesk and wrk; Release build; wrk plain client, $CONNECTIONS
connections, $DURATION per run, $ROUNDS rounds, medians; one server and one writer: every answer
a 201).

| | sign-ups/s | ratio to one server | p99 |
|---|---:|---:|---:|
| one MariaDB | $(printf %.0f "$single_rps") | 1 | ${single_p99} ms |
| 3-node cluster, one writer (haproxy) | $(printf %.0f "$writer_rps") | $(ratio "$writer_rps" "$single_rps") | ${writer_p99} ms |
| 3-node cluster, all writers (a service per node) | $(printf %.0f "$all_rps") | $(ratio "$all_rps" "$single_rps") | ${all_p99} ms |
| one MariaDB, one service behind nginx | $(printf %.0f "$nginx1_rps") | $(ratio "$nginx1_rps" "$single_rps") | ${nginx1_p99} ms |
| one MariaDB, two services behind nginx | $(printf %.0f "$nginx2_rps") | $(ratio "$nginx2_rps" "$single_rps") | ${nginx2_p99} ms |

- All writers: $conflicts certification failures and brute-force aborts, each retried; the
  ledger row is one hot row, so the nodes' commits conflict and run again, and $all_refused
  sign-ups were answered 503 after the retries (never 500; nothing stored for them). The
  sign-ups/s above count 201s only. One writer is the shape to run.
- Failover (16 clients through haproxy, the writer SIGKILLed after 5 s, 15 s more):
  $n503 answers 503 (with Retry-After), $others other answers that were not 201; the longest
  time without a 201 after the kill ${gap} s; haproxy marked the node down ${mark} s after the
  kill, and the first 201 after that came ${resumed} s later. That wait is most likely Galera's
  own failure detection: until the survivors declare the dead node gone (\`evs.suspect_timeout\`,
  5 s by default) they form no new view, and commits on them wait.
- The same failover on a cluster started with \`$SHORT_DETECTION\`
  (\`REGDESK_GALERA_OPTIONS\` of ops/cluster/galera.sh; in production \`wsrep_provider_options\`):
  $short503 answers 503, $shortothers others; the longest time without a 201 ${shortgap} s; marked
  down ${shortmark} s after the kill, the first 201 ${shortresumed} s after that. A shorter timeout
  fails over sooner and risks evicting a node that was only slow (a long GC-like pause, a
  congested link): keep the default across machines on a shared network.
- nginx: its hop costs the difference between the first and the fourth row. Two services on
  one database do worse than one (the fifth row): each process gathers its own sign-ups into
  batches, so the batches are smaller, and the two processes' writers queue on the same ledger
  row, on the same two cores as MariaDB, nginx and wrk. A second service adds availability
  (tests/blackbox/test_nginx.py: one killed, or both restarted in turn, costs no sign-up), not
  throughput.
<!-- /cluster -->"
echo "$section"
write_results_section cluster "$section"
