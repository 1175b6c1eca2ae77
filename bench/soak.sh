#!/usr/bin/env bash
# bench/soak.sh — does regdesk stay flat for an hour of mixed traffic? One private MariaDB, one
# aiosmtpd catcher, one `regdesk serve` with its mail worker; bench/soak.py sends sign-ups (most
# to a large event, some to a small one soon sold out), pages, the public API, stats and xlsx
# exports, restarts the database half way, then checks every confirmation arrived once and that
# RSS, descriptors, threads and database connections did not grow. Writes the "Soak" section of
# bench/RESULTS.md.
#   bench/soak.sh            (SOAK_MINUTES 60; 30 is enough alongside the other benchmarks)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
# shellcheck source=ops/lib/stack.sh
source ops/lib/stack.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

BUILD=${BENCH_BUILD_DIR:-build-bench}
MINUTES=${SOAK_MINUTES:-60}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DREGDESK_BENCH=ON >/dev/null
cmake --build "$BUILD" -j2 --target regdesk >/dev/null
REGDESK=$ROOT/$BUILD/regdesk

TMP=$(mktemp -d /tmp/regdesk-soak.XXXXXX)
REGDESK_PID=""
cleanup() {
	stop_pid "$REGDESK_PID"
	stack_cleanup
	rm -rf -- "$TMP"
}
trap cleanup EXIT

DB_PORT=$(free_port) SMTP_PORT=$(free_port)
db_start "$TMP/db" "$DB_PORT" >/dev/null || die "could not start MariaDB"
DB_SOCKET=$STACK_DB_SOCKET
mariadb --no-defaults --socket="$DB_SOCKET" -uroot -e "CREATE DATABASE bench"
smtp_start "$TMP/mail" "$SMTP_PORT" "$TMP/smtp.log" >/dev/null || die "could not start aiosmtpd"
export REGDESK_DB_URL="mysql://regdesk:regdesk@127.0.0.1:$DB_PORT/bench"
export REGDESK_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT"
export REGDESK_ADMIN_TOKEN=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
export REGDESK_RATE_LIMIT=0 REGDESK_NOW="2030-03-01T10:00:00+09:00" REGDESK_LISTEN=127.0.0.1:0
export REGDESK_PUBLIC_URL=http://regdesk.test REGDESK_WEB_ROOT=$ROOT/web
cp config/regdesk.json "$TMP/regdesk.json"
mkdir -p "$TMP/events"
write_event soak-large 100000000 "soak, large"
write_event soak-small 100 "soak, sold out"
"$REGDESK" --config "$TMP/regdesk.json" migrate >/dev/null
"$REGDESK" --config "$TMP/regdesk.json" events import "$TMP"/events/*.json >/dev/null
start_server regdesk "$REGDESK" --config "$TMP/regdesk.json" serve || exit 1
REGDESK_PID=$STARTED_PID URL=$STARTED_URL

log "soak for $MINUTES minutes against $URL (regdesk pid $REGDESK_PID)"
set +e
/usr/bin/python3 bench/soak.py --url "$URL" --pid "$REGDESK_PID" --db-socket "$DB_SOCKET" \
	--maildir "$TMP/mail" --minutes "$MINUTES" \
	--restart bash -c "source ops/lib/stack.sh && db_stop '$TMP/db' && db_start '$TMP/db' $DB_PORT >/dev/null" \
	>"$TMP/soak.out"
rc=$?
set -e
result=$(sed -n 's/^SOAK //p' "$TMP/soak.out")
[[ -n $result ]] || die "soak.py gave no result (exit $rc)"
log "result: $result"
ok=$(jq '[.counts | to_entries[] | select(.key | test(" (201|200|409)$")) | .value] | add' <<<"$result")
others=$(jq -c '[.counts | to_entries[] | select(.key | test(" (201|200|409)$") | not)] | from_entries' <<<"$result")
fig() { jq -r "\"RSS \\(.$1.rss_kib / 1024 | floor) MiB, \\(.$1.fds) descriptors, \\(.$1.threads) threads, \\(.$1.db_connections) database connections\"" <<<"$result"; }
verdict=$( ((rc == 0)) && echo "flat: no check failed" || jq -r '"FAILED: " + (.problems | join("; "))' <<<"$result")
section="<!-- soak -->
## Soak: $MINUTES minutes of mixed traffic, the database restarted half way

Command: \`SOAK_MINUTES=$MINUTES bench/soak.sh\` ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, Release build;
sign-ups ~20/s to a large event and ~20/s to a 100-seat one, pages and the public API ~5/s
each, stats every 2 s, an xlsx export every 30 s; regdesk's mail worker sending to aiosmtpd).

- **$verdict.**
- Start: $(fig start). After five minutes: $(fig after_5_min). End: $(fig end).
  Highest RSS: $(jq -r '.max_rss_kib / 1024 | floor' <<<"$result") MiB.
- Answers: $ok were 200, 201 or 409; others: \`$others\` ($(jq -r .restart_503 <<<"$result") of
  them 503 during the restart).
- Mail: $(jq -r .confirmed <<<"$result") confirmed, $(jq -r .confirmations <<<"$result")
  confirmations in the maildir, $(jq -r .twice <<<"$result") addresses with two,
  $(jq -r .failed_mail <<<"$result") failed.
<!-- /soak -->"
echo "$section"
write_results_section soak "$section"
exit "$rc"
