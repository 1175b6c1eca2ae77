#!/usr/bin/env bash
# bench/growth.sh — what costs grow as an event's registrations do. One private MariaDB and one
# `regdesk serve` (mail worker off); one event is filled to each level in turn (GROWTH_LEVELS,
# default "10000 100000 1000000" registrations, written by bench/db_ceiling through the store's
# own SeatLedger::admit, their confirmations owed by the rows), and at each level:
#   - the xlsx and the UTF-8 CSV export: time, size, and regdesk's peak RSS during it (VmHWM,
#     reset before through /proc/PID/clear_refs);
#   - stats, and the dashboard's list: the first page, the last page, a status filter, and a
#     search that matches no one (the whole event read): median of 5 requests each;
#   - then sign-ups/s and p99 into that event (wrk, 64 plain connections, GROWTH_DURATION,
#     10 s): their rows count towards the next level.
# Writes the "Growth" section of bench/RESULTS.md.
#   bench/growth.sh            (about 10 minutes on 2 cores)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
# shellcheck source=ops/lib/stack.sh
source ops/lib/stack.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

BUILD=${BENCH_BUILD_DIR:-build-bench}
read -r -a LEVELS <<<"${GROWTH_LEVELS:-10000 100000 1000000}"
DURATION=${GROWTH_DURATION:-10s}
for tool in wrk curl jq mariadb; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DREGDESK_BENCH=ON >/dev/null
cmake --build "$BUILD" -j2 --target regdesk db_ceiling >/dev/null
REGDESK=$ROOT/$BUILD/regdesk
DB_CEILING=$ROOT/$BUILD/bench/db_ceiling

TMP=$(mktemp -d /tmp/regdesk-growth.XXXXXX)
REGDESK_PID=""
cleanup() {
	stop_pid "$REGDESK_PID"
	stack_cleanup
	rm -rf -- "$TMP"
}
trap cleanup EXIT

DB_PORT=$(free_port)
db_start "$TMP/db" "$DB_PORT" >/dev/null || die "could not start MariaDB"
DB_PID=$STACK_DB_PID
mariadb --no-defaults --socket="$STACK_DB_SOCKET" -uroot -e "CREATE DATABASE growth"
export REGDESK_DB_URL="mysql://regdesk:regdesk@127.0.0.1:$DB_PORT/growth"
export REGDESK_ADMIN_TOKEN=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
export REGDESK_RATE_LIMIT=0 REGDESK_NOW="2030-03-01T10:00:00+09:00" REGDESK_LISTEN=127.0.0.1:0
jq '.worker.enabled = false' config/regdesk.json >"$TMP/regdesk.json"
mkdir -p "$TMP/events"
write_event growth 100000000 "growth"
"$REGDESK" --config "$TMP/regdesk.json" migrate >/dev/null
"$REGDESK" --config "$TMP/regdesk.json" events import "$TMP"/events/*.json >/dev/null
start_server regdesk "$REGDESK" --config "$TMP/regdesk.json" serve || exit 1
REGDESK_PID=$STARTED_PID URL=$STARTED_URL
AUTH=(-H "Authorization: Bearer $REGDESK_ADMIN_TOKEN")
API=$URL/api/v1/admin/events/growth

rows() { mariadb --no-defaults --socket="$STACK_DB_SOCKET" -uroot -N growth -e "SELECT COUNT(*) FROM registrations"; }
# Median of 5 requests' total time, in ms.
median_ms() {
	local i
	for i in 1 2 3 4 5; do
		curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "${AUTH[@]}" "$1"
	done | awk '$1 != 200 { bad = 1 } { print $2 * 1000 } END { if (bad) exit 1 }' | sort -n | sed -n 3p
}
# URL FILE: one export; "seconds size_MiB peak_RSS_MiB".
export_cost() {
	echo 5 >"/proc/$REGDESK_PID/clear_refs"  # VmHWM := the RSS now
	local t
	t=$(curl -s -o "$2" -w '%{time_total}' "${AUTH[@]}" "$1")
	awk -v t="$t" -v s="$(stat -c %s "$2")" -v h="$(awk '/^VmHWM:/ {print $2}' "/proc/$REGDESK_PID/status")" \
		'BEGIN { printf "%.1f %.1f %.1f", t, s / 1048576, h / 1024 }'
	rm -f -- "$2"
}

TABLE="| Registrations | Fill rows/s (MariaDB CPU per row) | Sign-ups/s | p99 ms | xlsx s (MiB) | peak RSS MiB | CSV s (MiB) | peak RSS MiB | stats ms | list: first page ms | last page ms | status filter ms | search, no match ms |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for level in "${LEVELS[@]}"; do
	have=$(rows)
	fill_rps=—
	if ((level > have)); then
		log "filling to $level registrations"
		out=$("$DB_CEILING" --db-url "$REGDESK_DB_URL" --slug growth --batch 500 --rows $((level - have)) \
			--db-pid "$DB_PID" --tag "g$level")
		fill_rps="$(sed -n 's/.* rows_per_s=\([0-9]*\).*/\1/p' <<<"$out") ($(sed -n 's/.* db_cpu_us_per_row=\([0-9.]*\).*/\1/p' <<<"$out") µs)"
	fi
	n=$(rows)
	log "$n registrations: exports"
	read -r xs xm xr <<<"$(export_cost "$API/registrations?format=xlsx" "$TMP/x.xlsx")"
	read -r cs cm cr <<<"$(export_cost "$API/registrations?format=csv" "$TMP/x.csv")"
	log "$n registrations: stats and lists"
	stats=$(median_ms "$API/stats")
	first=$(median_ms "$API/registrations?format=json&limit=100")
	last_after=$(mariadb --no-defaults --socket="$STACK_DB_SOCKET" -uroot -N growth -e "SELECT MAX(number) - 100 FROM registrations")
	last=$(median_ms "$API/registrations?format=json&limit=100&after=$last_after")
	filtered=$(median_ms "$API/registrations?format=json&limit=100&status=cancelled")
	search=$(median_ms "$API/registrations?format=json&limit=100&q=nobody-at-all")
	log "$n registrations: sign-ups"
	wrk_out=$(BENCH_KEEP_ALIVE=0 wrk -t2 -c64 -d"$DURATION" -s bench/signup.lua "$URL" -- growth "w$level" 2>&1)
	line=$(grep '^BENCH ' <<<"$wrk_out")
	rps=$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' <<<" $line")
	p99=$(sed -n 's/.* p99_ms=\([0-9.]*\).*/\1/p' <<<" $line")
	non2xx=$(sed -n 's/.* non2xx=\([0-9]*\).*/\1/p' <<<" $line")
	[[ $non2xx == 0 ]] || die "sign-ups at $n: $non2xx answers were not 201"
	TABLE+=$'\n'"| $n | $fill_rps | $(printf '%.0f' "$rps") | $p99 | $xs ($xm) | $xr | $cs ($cm) | $cr | $stats | $first | $last | $filtered | $search |"
	log "$(tail -n 1 <<<"$TABLE")"
done

section="<!-- growth -->
## Growth: one event at $(IFS=/; echo "${LEVELS[*]}") registrations

Command: \`bench/growth.sh\` ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, Release build, commit
$(git rev-parse --short HEAD 2>/dev/null || echo unknown)). The event is filled by \`bench/db_ceiling --rows\` (the store's
own admission, batches of 500, their confirmations owed by the rows); sign-ups: wrk, 64 plain connections,
$DURATION, into the same event; exports and lists: one request each (exports) or the median of 5,
with the admin token; peak RSS is regdesk's VmHWM during that export alone.

$TABLE
<!-- /growth -->"
echo "$section"
write_results_section growth "$section"
