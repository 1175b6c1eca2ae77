#!/usr/bin/env bash
# bench/run.sh — the regdesk throughput benchmark, in one run (about 4 minutes).
#
#   bench/run.sh
#
# Builds a Release tree (build-bench/, with -DREGDESK_BENCH=ON for bench/ceiling_server),
# starts a private MariaDB in a temp dir, migrates a dedicated database, imports generated
# bench events, starts `regdesk serve` (rate limit off, rehearsal clock inside the sign-up
# window) and the ceiling server, then for each client kind and for 64 and 256 connections runs
# wrk (3 s warm-up, then BENCH_DURATION, default 10 s) against:
#   ceiling   bench/ceiling_server: a bare Pistache endpoint, 201 + fixed JSON
#   signup    POST sign-ups on "bench-huge" (capacity 100,000,000), unique addresses
#   soldout   POST sign-ups on "bench-soldout" (capacity 1, filled beforehand, no waitlist,
#             no Idempotency-Key: answered 409 sold_out, normally from memory)
# and after each signup run, the database's own ceiling: bench/db_ceiling, two writer threads
# calling the store's SeatLedger::admit with the mean batch size regdesk reached in that run
# (the same SQL, rows and indexes, durable commits; no HTTP, no regdesk) on "bench-db". The
# combined limit of the two stages sharing the machine is 1 / (1/ceiling + 1/database), and
# regdesk's sign-ups are compared with it.
# The client kinds: "plain", wrk's own HTTP/1.1 requests, which Pistache 0.0.5 answers by closing
# the connection (one connection per request: the setting the issue's goals were measured in),
# and "keep-alive", the same requests with "Connection: keep-alive".
# Reports requests/s, p50/p99, non-2xx counts, ratio to the ceiling and regdesk's peak
# RSS (VmHWM); then the burst: 5,000 clients racing for the 1,000 seats of "bench-1000"
# (bench/burst.py), checked against the database. Prints a markdown table and rewrites
# bench/RESULTS.md (the part between the "notes" markers is kept across runs).
#
# Environment: BENCH_DURATION (10s), BENCH_WARMUP (3s), BENCH_CONNECTIONS ("64 256"),
# BENCH_CLIENTS ("plain keep-alive"), BENCH_DB_SOCKET=1 connects regdesk to MariaDB over its Unix
# socket instead of TCP on 127.0.0.1,
# BENCH_BURST_CLIENTS (5000), BENCH_KEEP=1 keeps the temp dir (logs, database) afterwards,
# BENCH_NO_RESULTS=1 leaves bench/RESULTS.md alone, BENCH_PERF=DIR records a flat `perf` profile
# of regdesk and mariadbd during each measured regdesk run into DIR/perf-TARGET-C-CLIENT.data
# (BENCH_PERF_CALLS=1: with call graphs, from DWARF, so a Release build without frame pointers
# still shows the callers), BENCH_PRELOAD=LIB runs regdesk with LD_PRELOAD=LIB (an allocator A/B,
# e.g. /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 against the tcmalloc regdesk links).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
# shellcheck source=ops/lib/stack.sh
source ops/lib/stack.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

BUILD=${BENCH_BUILD_DIR:-build-bench}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-3s}
read -r -a CONNECTIONS <<<"${BENCH_CONNECTIONS:-64 256}"
read -r -a CLIENTS <<<"${BENCH_CLIENTS:-plain keep-alive}"
for k in "${CLIENTS[@]}"; do [[ $k == plain || $k == keep-alive ]] || die "unknown client kind '$k'"; done
BURST_CLIENTS=${BENCH_BURST_CLIENTS:-5000}
BURST_SEATS=1000
PY=/usr/bin/python3
RUN_ID=$(date +%H%M%S)
NOW="2030-03-01T10:00:00+09:00"   # the rehearsal instant, inside every bench event's window
DB_NAME=regdesk_bench


for tool in wrk curl mariadb cmake ninja; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done

# ------------------------------------------------------------------ build
log "building the Release tree in $BUILD"
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DREGDESK_BENCH=ON >/dev/null
# Only the two binaries the benchmark runs: the test targets are not needed here.
cmake --build "$BUILD" -j2 --target regdesk ceiling_server db_ceiling
REGDESK=$ROOT/$BUILD/regdesk
CEILING=$ROOT/$BUILD/bench/ceiling_server
DB_CEILING=$ROOT/$BUILD/bench/db_ceiling
[[ -x $REGDESK && -x $CEILING && -x $DB_CEILING ]] || die "build did not produce $REGDESK, $CEILING and $DB_CEILING"

# ------------------------------------------------------------------ cleanup
TMP=$(mktemp -d /tmp/regdesk-bench.XXXXXX)
REGDESK_PID="" CEILING_PID=""


cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_pid "$REGDESK_PID"
	stop_pid "$CEILING_PID"
	stack_cleanup
	if [[ ${BENCH_KEEP:-0} == 1 || $rc -ne 0 ]]; then
		log "kept $TMP (logs: regdesk.err, ceiling.err, db/err.log)"
	else
		rm -rf -- "$TMP"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM


# ------------------------------------------------------------------ database and events
DB_PORT=$(free_port)
db_start "$TMP/db" "$DB_PORT" || die "could not start MariaDB"
DB_SOCK=$STACK_DB_SOCKET DB_PID=$STACK_DB_PID
mariadb --no-defaults --socket="$DB_SOCK" -uroot -e "CREATE DATABASE $DB_NAME"

export REGDESK_DB_URL="mysql://regdesk:regdesk@127.0.0.1:$DB_PORT/$DB_NAME"
[[ ${BENCH_DB_SOCKET:-0} == 1 ]] && REGDESK_DB_URL="mysql://regdesk:regdesk@localhost/$DB_NAME?socket=$DB_SOCK"
export REGDESK_RATE_LIMIT=0
export REGDESK_NOW=$NOW
export REGDESK_LISTEN=127.0.0.1:0
# The shipped config, with the mail worker off: this measures admission; mail has its own
# benchmark (bench/mail.sh), and a worker draining the queued confirmations would take the same
# two cores the sign-up path is measured on.
jq '.worker.enabled = false' "$ROOT/config/regdesk.json" >"$TMP/regdesk.json"
CONFIG=(--config "$TMP/regdesk.json")

mkdir -p "$TMP/events"
write_event bench-huge 100000000 "sign-up path"
write_event bench-1000 1000 "1,000 seats"
write_event bench-soldout 1 "sold-out path"
write_event bench-db 100000000 "the database's ceiling"

"$REGDESK" "${CONFIG[@]}" migrate >"$TMP/migrate.out"
"$REGDESK" "${CONFIG[@]}" events import "$TMP"/events/*.json >"$TMP/import.out"
log "$(tr '\n' ' ' <"$TMP/import.out")"

# ------------------------------------------------------------------ servers
ulimit -n "$(ulimit -Hn)"   # 5,000 burst clients need as many descriptors in the server
start_server ceiling "$CEILING" || exit 1
CEILING_PID=$STARTED_PID CEILING_URL=$STARTED_URL
start_server regdesk env ${BENCH_PRELOAD:+LD_PRELOAD=$BENCH_PRELOAD} "$REGDESK" "${CONFIG[@]}" serve || exit 1
REGDESK_PID=$STARTED_PID REGDESK_URL=$STARTED_URL
log "regdesk at $REGDESK_URL (pid $REGDESK_PID), ceiling at $CEILING_URL (pid $CEILING_PID)"

signup_body() {
	printf '{"name":"満席 太郎","name_kana":"マンセキ タロウ","email":"%s","organization":"ベンチマーク株式会社","department":"性能評価部","category":"industry","locale":"ja","consent_privacy":true}' "$1"
}
# Fill bench-soldout's one seat.
code=$(curl -s -o "$TMP/fill.json" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary "$(signup_body fill@bench.example.jp)" "$REGDESK_URL/api/v1/events/bench-soldout/registrations")
[[ $code == 201 ]] || die "filling bench-soldout answered $code: $(cat "$TMP/fill.json")"
code=$(curl -s -o "$TMP/probe.json" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary "$(signup_body probe@bench.example.jp)" "$REGDESK_URL/api/v1/events/bench-soldout/registrations")
grep -q '"sold_out"' "$TMP/probe.json" || die "bench-soldout is not sold out: $code $(cat "$TMP/probe.json")"

# ------------------------------------------------------------------ measurements
metrics() { curl -s --max-time 5 "$REGDESK_URL/metrics" || true; }
# The counters of interest as "name{labels} value" lines.
metric_lines() {
	grep -E '^regdesk_(http_responses_total\{route="signup"|signups_total|admission_)' || true
}
# BEFORE AFTER: "label=delta" for every counter that moved.
metric_delta() {
	awk 'NR == FNR { before[$1] = $2; next }
	     { d = $2 - (($1 in before) ? before[$1] : 0); if (d != 0) { k = $1;
	       gsub(/regdesk_|_total|route="signup",/, "", k); printf "%s%s=%d", sep, k, d; sep = " " } }' \
		<(metric_lines <"$1") <(metric_lines <"$2")
}
# Compilers and other heavy processes that are not ours: a disturbance marker.
others_busy() {
	local n
	n=$(ps -eo comm= | grep -cE '^(cc1plus|cc1|ld|ld\.gold|ld\.lld|mold|clang|clang\+\+|ctest|pytest|chromium|chrome)$' || true)
	printf '%s' "$n"
}
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }
# CPU time of a process (all its threads) in clock ticks; of the whole machine (busy, total).
machine_ticks() { awk '/^cpu / { print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8+$9 }' /proc/stat; }  # busy (no steal), total
# Context switches (voluntary + involuntary) summed over a process's threads.
proc_switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches:/ { n += $2 } END { print n + 0 }'; }
HZ=$(getconf CLK_TCK)
secs() { awk -v t="$1" -v hz="$HZ" 'BEGIN { if (t < 0) t = 0; printf "%.1f", t / hz }'; }

declare -A RPS P50 P99 REQS NON2XX ERRS MDELTA BUSY LOAD CPU DB_TICKS
run_wrk() {  # KEY CONNECTIONS URL SLUG CLIENT
	local key=$1 c=$2 url=$3 slug=$4 out line
	local BENCH_KEEP_ALIVE=0
	[[ $5 == keep-alive ]] && BENCH_KEEP_ALIVE=1
	export BENCH_KEEP_ALIVE
	wrk -t2 -c"$c" -d"$WARMUP" -s bench/signup.lua "$url" -- "$slug" "w$RUN_ID$key" >/dev/null 2>&1 || true
	local busy_before load_before
	busy_before=$(others_busy)
	load_before=$(cut -d' ' -f1 /proc/loadavg)
	[[ $url == "$REGDESK_URL" ]] && metrics >"$TMP/m.before"
	local r0 d0 c0 m0 r1 d1 c1 m1
	r0=$(proc_ticks "$REGDESK_PID") d0=$(proc_ticks "$DB_PID") c0=$(proc_ticks "$CEILING_PID")
	m0=$(machine_ticks)
	local s0 s1 spid=$REGDESK_PID
	[[ $url == "$CEILING_URL" ]] && spid=$CEILING_PID
	s0=$(proc_switches "$spid")
	local perf_pid=""
	if [[ -n ${BENCH_PERF:-} && $url == "$REGDESK_URL" ]]; then
		mkdir -p "$BENCH_PERF"
		local calls=()
		[[ ${BENCH_PERF_CALLS:-0} == 1 ]] && calls=(--call-graph dwarf,16384)
		perf record -q -F 999 "${calls[@]}" -p "$REGDESK_PID,$DB_PID" -o "$BENCH_PERF/perf-$key.data" >/dev/null 2>&1 &
		perf_pid=$!
	fi
	# wrk's own CPU time: the subshell's reaped-children time once wrk has exited.
	out=$(wrk -t2 -c"$c" -d"$DURATION" -s bench/signup.lua "$url" -- "$slug" "m$RUN_ID$key" 2>&1 &&
		awk '{ sub(/^.*\) /, ""); print "WRKCPU " $14 + $15 }' "/proc/$BASHPID/stat") || {
		log "wrk failed for $key: $out"
		return 1
	}
	if [[ -n $perf_pid ]]; then kill -INT "$perf_pid" 2>/dev/null || true; wait "$perf_pid" 2>/dev/null || true; fi
	local wrk_ticks
	wrk_ticks=$(sed -n 's/^WRKCPU //p' <<<"$out")
	r1=$(proc_ticks "$REGDESK_PID") d1=$(proc_ticks "$DB_PID") c1=$(proc_ticks "$CEILING_PID")
	m1=$(machine_ticks)
	s1=$(proc_switches "$spid")
	local busy total
	read -r busy total <<<"$(awk -v a="$m0" -v b="$m1" 'BEGIN { split(a, x, " "); split(b, y, " "); print y[1] - x[1], y[2] - x[2] }')"
	local server=$((r1 - r0)) server_name=regdesk
	DB_TICKS[$key]=$((d1 - d0))
	if [[ $url == "$CEILING_URL" ]]; then server=$((c1 - c0)) server_name=ceiling; fi
	CPU[$key]="$server_name $(secs "$server"), mariadbd $(secs $((d1 - d0))), wrk $(secs "${wrk_ticks:-0}"), other processes $(secs $((busy - server - (d1 - d0) - ${wrk_ticks:-0}))), idle $(secs $((total - busy))) of $(secs "$total"); $server_name context switches per response $(awk -v a=$((s1 - s0)) -v b="$(field "$(grep '^BENCH ' <<<"$out")" requests)" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
	printf '%s\n' "$out" >"$TMP/wrk-$key.txt"
	[[ $url == "$REGDESK_URL" ]] && metrics >"$TMP/m.after"
	line=$(grep '^BENCH ' <<<"$out" | head -n 1)
	[[ -n $line ]] || { log "no BENCH line from wrk for $key: $out"; return 1; }
	RPS[$key]=$(field "$line" rps)
	P50[$key]=$(field "$line" p50_ms)
	P99[$key]=$(field "$line" p99_ms)
	REQS[$key]=$(field "$line" requests)
	NON2XX[$key]=$(field "$line" non2xx)
	ERRS[$key]="connect $(field "$line" connect_err), read $(field "$line" read_err), write $(field "$line" write_err), timeout $(field "$line" timeout)"
	BUSY[$key]="$busy_before/$(others_busy)"
	LOAD[$key]=$load_before
	if [[ $url == "$REGDESK_URL" ]]; then
		MDELTA[$key]=$(metric_delta "$TMP/m.before" "$TMP/m.after")
	else
		MDELTA[$key]="(no metrics: bare endpoint)"
	fi
	log "$key: CPU seconds: ${CPU[$key]}"
	log "$key: ${RPS[$key]} req/s, p50 ${P50[$key]} ms, p99 ${P99[$key]} ms, non-2xx ${NON2XX[$key]}/${REQS[$key]}, ${ERRS[$key]}; ${MDELTA[$key]}"
}

declare -A DBC_RPS DBC_US DBC_BATCH DBC_QUS
run_db_ceiling() {  # KEY of a signup run: the database alone, at that run's mean batch size
	local key=$1 requests batches out line secs=${DURATION%s}
	requests=$(field "${MDELTA[$key]}" admission_requests)
	batches=$(field "${MDELTA[$key]}" admission_batches)
	DBC_BATCH[$key]=$(awk -v r="${requests:-0}" -v b="${batches:-0}" \
		'BEGIN { n = (b > 0 ? int(r / b + 0.5) : 1); if (n < 1) n = 1; if (n > 500) n = 500; print n }')
	local args=(--db-url "$REGDESK_DB_URL" --slug bench-db --batch "${DBC_BATCH[$key]}" --db-pid "$DB_PID")
	"$DB_CEILING" "${args[@]}" --seconds "${WARMUP%s}" --tag "dw$RUN_ID$key" >/dev/null
	out=$("$DB_CEILING" "${args[@]}" --seconds "$secs" --tag "dm$RUN_ID$key") || {
		log "db_ceiling failed for $key: $out"
		return 1
	}
	line=$(grep '^DBCEILING ' <<<"$out")
	DBC_RPS[$key]=$(field "$line" rows_per_s)
	DBC_US[$key]=$(field "$line" db_cpu_us_per_row)
	log "$key: database ceiling ${DBC_RPS[$key]} rows/s at batches of ${DBC_BATCH[$key]}; MariaDB ${DBC_US[$key]} µs CPU per row"
	# The same with the mail worker's part of a sign-up: queuing the confirmation it owes.
	out=$("$DB_CEILING" "${args[@]}" --seconds "$secs" --tag "dq$RUN_ID$key" --queue 1) || {
		log "db_ceiling --queue 1 failed for $key: $out"
		return 1
	}
	DBC_QUS[$key]=$(field "$(grep '^DBCEILING ' <<<"$out")" db_cpu_us_per_row)
	log "$key: with the confirmations queued, MariaDB ${DBC_QUS[$key]} µs CPU per row"
}

CPU_STAT_START=$(awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8+$9, $9}' /proc/stat)
for k in "${CLIENTS[@]}"; do
	for c in "${CONNECTIONS[@]}"; do
		run_wrk "ceiling-$c-$k" "$c" "$CEILING_URL" ceiling "$k"
		run_wrk "signup-$c-$k" "$c" "$REGDESK_URL" bench-huge "$k"
		run_db_ceiling "signup-$c-$k"
		run_wrk "soldout-$c-$k" "$c" "$REGDESK_URL" bench-soldout "$k"
	done
done
CPU_STAT_END=$(awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8+$9, $9}' /proc/stat)
RSS_WRK_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$REGDESK_PID/status")
CEILING_RSS_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$CEILING_PID/status")

# ------------------------------------------------------------------ burst
log "burst: $BURST_CLIENTS clients for the $BURST_SEATS seats of bench-1000"
metrics >"$TMP/m.before"
BURST_RC=0
BURST_OUT=$("$PY" bench/burst.py --url "$REGDESK_URL" --slug bench-1000 --clients "$BURST_CLIENTS" \
	--seats "$BURST_SEATS" --tag "burst$RUN_ID" --db-socket "$DB_SOCK" --db-name "$DB_NAME" 2>&1) || BURST_RC=$?
metrics >"$TMP/m.after"
printf '%s\n' "$BURST_OUT" | grep -v '^BURST ' >&2
BURST_JSON=$(grep '^BURST ' <<<"$BURST_OUT" | sed 's/^BURST //' | tail -n 1)
[[ -n $BURST_JSON ]] || BURST_JSON='{}'
BURST_MDELTA=$(metric_delta "$TMP/m.before" "$TMP/m.after")
log "burst metrics: $BURST_MDELTA"
RSS_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$REGDESK_PID/status")
ERR_LINES=$(wc -l <"$TMP/regdesk.err")
ERR_SAMPLE=$(sort "$TMP/regdesk.err" | sed 's/request [0-9a-f]*:/request …:/' | uniq -c | sort -rn | head -n 5)

# ------------------------------------------------------------------ report
fmt_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
fmt_num() { awk -v a="$1" 'BEGIN { printf "%.0f", a }'; }
fmt_ms() { awk -v a="$1" 'BEGIN { printf "%.2f", a }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
mark() { if "$@"; then printf 'met'; else printf '**not met**'; fi; }

# Every (target, connections, client) key in the order measured.
KEYS=()
for k in "${CLIENTS[@]}"; do for c in "${CONNECTIONS[@]}"; do for t in ceiling signup soldout; do
	KEYS+=("$t-$c-$k")
done; done; done
TABLE="| Client | Connections | Target | Requests/s | p50 ms | p99 ms | Responses (non-2xx) | Ratio to ceiling | Status codes seen (from /metrics) |
|---|---:|---|---:|---:|---:|---:|---:|---|"
for k in "${CLIENTS[@]}"; do
	for c in "${CONNECTIONS[@]}"; do
		for t in ceiling signup soldout; do
			key=$t-$c-$k
			TABLE+=$'\n'"| $k | $c | $t | $(fmt_num "${RPS[$key]}") | $(fmt_ms "${P50[$key]}") | $(fmt_ms "${P99[$key]}") | ${REQS[$key]} (${NON2XX[$key]}) | $(fmt_ratio "${RPS[$key]}" "${RPS[ceiling-$c-$k]}") | ${MDELTA[$key]} |"
		done
	done
done

# The two stages' ceilings and their combined limit, per client kind and connection count.
combined() { awk -v h="$1" -v d="$2" 'BEGIN { if (h > 0 && d > 0) printf "%.0f", 1 / (1 / h + 1 / d); else print 0 }'; }
us_per() { awk -v t="$1" -v n="$2" -v hz="$HZ" 'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print "n/a" }'; }
LIMITS="| Client | Connections | HTTP ceiling/s | Database ceiling rows/s (batch) | Combined limit/s | regdesk sign-ups/s | regdesk / combined | MariaDB CPU µs per sign-up (regdesk) | per row (database alone) | per row, confirmations queued too |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for k in "${CLIENTS[@]}"; do
	for c in "${CONNECTIONS[@]}"; do
		key=signup-$c-$k
		limit=$(combined "${RPS[ceiling-$c-$k]}" "${DBC_RPS[$key]}")
		LIMITS+=$'\n'"| $k | $c | $(fmt_num "${RPS[ceiling-$c-$k]}") | $(fmt_num "${DBC_RPS[$key]}") (${DBC_BATCH[$key]}) | $limit | $(fmt_num "${RPS[$key]}") | $(fmt_ratio "${RPS[$key]}" "$limit") | $(us_per "${DB_TICKS[$key]}" "${REQS[$key]}") | ${DBC_US[$key]} | ${DBC_QUS[$key]} |"
	done
done

bj() { jq -r "$1 // \"n/a\"" <<<"$BURST_JSON" 2>/dev/null || echo n/a; }
BURST_FILL=$(bj .fill_seconds)
BURST_TOTAL=$(bj .total_seconds)
BURST_201=$(bj .created_201)
BURST_409=$(bj .sold_out_409)
BURST_OTHER=$(jq -c '.other // {}' <<<"$BURST_JSON" 2>/dev/null || echo '{}')
BURST_ERRORS=$(bj .client_errors)
BURST_DB=$(jq -c '.db // {}' <<<"$BURST_JSON" 2>/dev/null || echo '{}')
BURST_DB_OK=$(bj .db.ok)
BURST_CONNECT=$(bj .connect_seconds)
BURST_SPREAD=$(bj .send_spread_seconds)
RSS_MIB=$(awk -v k="$RSS_KB" 'BEGIN { printf "%.1f", k / 1024 }')
RSS_WRK_MIB=$(awk -v k="$RSS_WRK_KB" 'BEGIN { printf "%.1f", k / 1024 }')
CEILING_RSS_MIB=$(awk -v k="$CEILING_RSS_KB" 'BEGIN { printf "%.1f", k / 1024 }')
read -r cpu_t0 steal_t0 <<<"$CPU_STAT_START"
read -r cpu_t1 steal_t1 <<<"$CPU_STAT_END"
STEAL_PCT=$(awk -v a=$((steal_t1 - steal_t0)) -v b=$((cpu_t1 - cpu_t0)) 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b; else print "0" }')

GOALS=""
goal() { GOALS+="| $1 | $2 | $3 |"$'\n'; }
for k in "${CLIENTS[@]}"; do
	for c in "${CONNECTIONS[@]}"; do
		r=$(fmt_ratio "${RPS[signup-$c-$k]}" "$(combined "${RPS[ceiling-$c-$k]}" "${DBC_RPS[signup-$c-$k]}")")
		goal "sign-ups ≥ 0.8× combined limit, $c conn., $k" "$r×" "$(mark ge "$r" 0.8)"
	done
	for c in "${CONNECTIONS[@]}"; do
		r=$(fmt_ratio "${RPS[soldout-$c-$k]}" "${RPS[ceiling-$c-$k]}")
		goal "sold-out ≥ 0.9× ceiling, $c conn., $k" "$r×" "$(mark ge "$r" 0.9)"
	done
	for c in "${CONNECTIONS[@]}"; do
		case $c in 64) lim=20 ;; 256) lim=50 ;; *) continue ;; esac
		for t in signup soldout; do
			goal "p99 < $lim ms, $t, $c conn., $k" "$(fmt_ms "${P99[$t-$c-$k]}") ms" "$(mark lt "${P99[$t-$c-$k]}" "$lim")"
		done
	done
done
bad_signups="" bad_soldout="" signup_counts="" soldout_counts=""
for key in "${KEYS[@]}"; do
	case $key in
	signup-*) signup_counts+="${NON2XX[$key]} (${key#signup-}); "; [[ ${NON2XX[$key]} == 0 ]] || bad_signups=x ;;
	soldout-*) soldout_counts+="${NON2XX[$key]}/${REQS[$key]} (${key#soldout-}); "; [[ ${NON2XX[$key]} == "${REQS[$key]}" ]] || bad_soldout=x ;;
	esac
done
goal "sign-ups answered 201 (non-2xx = 0)" "$signup_counts" "$(mark test -z "$bad_signups")"
goal "sold-out answered 409 (non-2xx = all)" "$soldout_counts" "$(mark test -z "$bad_soldout")"
goal "peak RSS < 64 MiB" "$RSS_MIB MiB" "$(mark lt "$RSS_MIB" 64)"
goal "1,000 seats filled in < 1 s" "${BURST_FILL} s" "$(mark lt "${BURST_FILL/n\/a/999}" 1)"
goal "exactly 1,000 confirmed (HTTP and database)" "$BURST_201 × 201, database ok: $BURST_DB_OK" \
	"$(mark test "$BURST_RC" = 0)"

MISSED=$(grep -c 'not met' <<<"$GOALS" || true)
MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)

printf '\n%s\n\nBurst: %s clients, 1,000th 201 after %s s, all answered after %s s; %s × 201, %s × 409 sold_out, other %s, client errors %s; database %s\nPeak RSS regdesk %s MiB (after the wrk runs %s MiB), ceiling %s MiB\n\n' \
	"$TABLE" "$BURST_CLIENTS" "$BURST_FILL" "$BURST_TOTAL" "$BURST_201" "$BURST_409" "$BURST_OTHER" "$BURST_ERRORS" "$BURST_DB" "$RSS_MIB" "$RSS_WRK_MIB" "$CEILING_RSS_MIB"
printf '%s\n\n' "$LIMITS"
printf '%s' "$GOALS"

if [[ ${BENCH_NO_RESULTS:-0} != 1 ]]; then
	RESULTS=bench/RESULTS.md
	NOTES="_No notes yet: write them between the markers; bench/run.sh keeps them._"
	if [[ -f $RESULTS ]] && grep -q '<!-- notes -->' "$RESULTS"; then
		NOTES=$(sed -n '/<!-- notes -->/,/<!-- \/notes -->/p' "$RESULTS" | sed '1d;$d')
	fi
	{
		cat <<EOF
# regdesk benchmark results

Command: \`bench/run.sh\` (from the repository root; builds \`build-bench/\` in Release, needs
wrk, curl, jq, mariadb-server). Written by the script; only the notes section is hand-written.

- Date: $(date -u '+%Y-%m-%d %H:%M UTC')
- Machine: $(nproc) CPUs, ${MODEL:-unknown model}, $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo); everything (wrk, regdesk, MariaDB, ceiling) on this one machine
- Commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src 2>/dev/null || echo ' with uncommitted changes in src/')
- wrk: \`wrk -t2 -cC -d$DURATION -s bench/signup.lua URL -- SLUG TAG\`, after a $WARMUP warm-up run with the same settings; every request is a valid sign-up body with a unique address (the ceiling gets the same requests). Clients: **plain** is wrk's own HTTP/1.1 request, which Pistache 0.0.5 answers by closing the connection, so every request opens a new one (the setting in which the issue's goals were grounded: its prototype's ceiling was about 14k/s); **keep-alive** adds \`Connection: keep-alive\`, the only way to make Pistache 0.0.5 keep a connection open
- Database connection: $([[ ${BENCH_DB_SOCKET:-0} == 1 ]] && echo "Unix socket" || echo "TCP to 127.0.0.1"), MariaDB with \`innodb_flush_log_at_trx_commit=1\` (every commit durable)
- regdesk: \`config/regdesk.json\` with the mail worker off (2 HTTP threads, 4 blocking threads, pool of 8), \`REGDESK_RATE_LIMIT=0\`, \`REGDESK_NOW=$NOW\`
- Disturbance: see "other processes" in the CPU list below (CPU used by anything but the servers, MariaDB and wrk during each measured run); CPU steal during the wrk runs $STEAL_PCT %; compiler/test-runner processes present before/after each run: $(for key in "${KEYS[@]}"; do printf '%s %s, ' "$key" "${BUSY[$key]}"; done | sed 's/, $//'); 1-min load average before each run: $(for key in "${KEYS[@]}"; do printf '%s ' "${LOAD[$key]}"; done)

## Throughput and latency

$TABLE

p50/p99 are wrk's (\`latency:percentile()\` in \`done()\`); "Responses (non-2xx)" is wrk's count of
completed requests and of those with a status ≥ 400. The last column is the change in regdesk's
own counters over the measured run (responses by status, sign-up outcomes, admission batches and
sold-out answers from memory), read from \`/metrics\`.

CPU seconds used during each measured run (the machine has $(nproc) × $DURATION):

$(for key in "${KEYS[@]}"; do printf -- '- %s: %s\n' "$key" "${CPU[$key]}"; done)

Peak RSS (VmHWM) of regdesk: **$RSS_MIB MiB** at the end of the run ($RSS_WRK_MIB MiB after the
wrk runs, before the burst). The ceiling server: $CEILING_RSS_MIB MiB.

## The database's own ceiling, and the combined limit

After each signup run, \`bench/db_ceiling\` ran for $DURATION (after a $WARMUP warm-up): two writer
threads calling the store's \`SeatLedger::admit\` directly, so each batch is the very SQL of a
sign-up batch (the ledger row locked, one multi-row INSERT of registrations that owe their
confirmations, the ledger UPDATE, a durable COMMIT) on the same tables and indexes, at the mean
batch size regdesk reached in that run (its \`admission_requests\` / \`admission_batches\`). No
HTTP, no regdesk. The
combined limit is what the two stages can do sharing the machine, 1 / (1/HTTP ceiling +
1/database ceiling); MariaDB's CPU per sign-up is its CPU time over the run divided by the
sign-ups. The last column is a second \`db_ceiling\` run with \`--queue 1\`: a third thread queues
the owed confirmations every 250 ms as the mail worker does, so it is MariaDB's CPU for the whole
of a sign-up's durable work but the sending.

$LIMITS

## Burst: $BURST_CLIENTS clients, $BURST_SEATS seats

\`bench/burst.py\`: every client connects first ($BURST_CONNECT s for all of them), then all send one
sign-up with a unique address (all sent within $BURST_SPREAD s).

- Time from the first request sent to the 1,000th 201: **$BURST_FILL s**
- Time until every client had its answer: $BURST_TOTAL s
- Answers: $BURST_201 × 201, $BURST_409 × 409 sold_out, other: $BURST_OTHER, client errors: $BURST_ERRORS
- Database: \`$BURST_DB\`
- regdesk counters over the burst: $BURST_MDELTA

## Goals

| Goal | Measured | |
|---|---|---|
$GOALS
$MISSED goal(s) not met in this run. regdesk wrote $ERR_LINES line(s) to stderr during the run$( [[ $ERR_LINES -gt 0 ]] && printf '; the most frequent:\n\n```\n%s\n```' "$ERR_SAMPLE" || printf '.')

## Notes

<!-- notes -->
$NOTES
<!-- /notes -->
EOF
	} >"$RESULTS.tmp"
	mv -- "$RESULTS.tmp" "$RESULTS"
	log "wrote $RESULTS"
fi
exit 0
