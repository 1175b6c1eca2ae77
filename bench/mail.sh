#!/usr/bin/env bash
# bench/mail.sh — the regdesk mail benchmark, in one run (about 3 minutes).
#
#   bench/mail.sh
#
# Builds the Release tree (build-bench/, as bench/run.sh does; only the regdesk target), starts a
# private MariaDB in a temp dir, migrates a fresh database and imports one event ("bench-mail",
# capacity BENCH_MAILS, starting months after the rehearsal instant, so at that instant only
# confirmation mails are due). `regdesk serve` with the worker off (worker.enabled=false, rate
# limit off, REGDESK_NOW inside the sign-up window) takes BENCH_MAILS sign-ups from
# bench/burst.py and is stopped; the script checks that exactly BENCH_MAILS confirmations are
# owed (by their registration rows, none yet in the outbox) and nothing else is due. The first
# measurement is one worker queuing and sending those confirmations right after the sign-ups,
# with the table statistics as InnoDB left them; then ANALYZE TABLE brings the statistics up to
# date, and for each sink (bench/smtp_sink.py: aiosmtpd that accepts
# and discards, and aiosmtpd's Mailbox handler into a temp maildir, as the tests use):
#   worker x1   `regdesk worker` (mail.poll_milliseconds 50, REGDESK_NOW one minute after serve's,
#               so every confirmation is due at once and nothing else is), timed from its start
#               until every confirmation row is 'sent' (the database polled every 100 ms)
#   worker x2   the same rows queued again, two `regdesk worker` processes at once
#   plain       bench/mail_ceiling.py: the same sink's ceiling, BENCH_MAILS messages of the same
#               size (one real message the worker sent, as the sink received it) over ONE SMTP
#               connection with Python's smtplib, sendmail() in a loop; run before and after the
#               workers (the sink's own cost drifts), the ceiling is the mean of the two
# and reports messages/s, the ratio to the plain client, the worker's CPU time (utime+stime from
# /proc/PID/stat) and peak RSS (VmHWM), MariaDB's statement and fsync counts per message, and
# checks the result: every row 'sent' once (attempts = 1), the sink accepted BENCH_MAILS
# messages with as many distinct Message-IDs (no duplicate), and BENCH_MAILS files in the maildir.
# Prints the tables and rewrites the mail block of bench/RESULTS.md (between the "mail" markers,
# inside the notes block that bench/run.sh keeps; the part between the "mail-analysis" markers
# is kept across runs).
#
# Environment: BENCH_MAILS (5000), BENCH_MAIL_SINKS ("discard maildir"), BENCH_MAIL_TIMEOUT
# (600 s per measurement), BENCH_KEEP=1 keeps the temp dir (logs, maildir, database) afterwards,
# BENCH_NO_RESULTS=1 leaves bench/RESULTS.md alone, BENCH_BUILD_DIR (build-bench),
# BENCH_QUIET_WAIT (60 s: how long to wait before each measurement for other people's compilers
# and test runners to finish).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
# shellcheck source=ops/lib/stack.sh
source ops/lib/stack.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

BUILD=${BENCH_BUILD_DIR:-build-bench}
MAILS=${BENCH_MAILS:-5000}
read -r -a SINKS <<<"${BENCH_MAIL_SINKS:-discard maildir}"
TIMEOUT=${BENCH_MAIL_TIMEOUT:-600}
PY=/usr/bin/python3
RUN_ID=$(date +%H%M%S)
NOW="2030-03-01T10:00:00+09:00"   # the rehearsal instant, inside the event's sign-up window
NOW_SQL="2030-03-01 01:00:00"      # the same in UTC, as stored in outbox.due_at
# The workers' rehearsal instant: one minute later. serve's rehearsal clock runs on from NOW, so
# the confirmations are due NOW + (seconds since serve started); a worker started at NOW itself
# would first sit idle until its own clock reached them (about 1.5 s in a trial run).
WORKER_NOW="2030-03-01T10:01:00+09:00"
WORKER_NOW_SQL="2030-03-01 01:01:00"
DB_NAME=regdesk_mail_bench
SLUG=bench-mail


for tool in mariadb cmake ninja jq; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done
"$PY" -c 'import aiosmtpd' 2>/dev/null || die "$PY has no aiosmtpd (apt-get install python3-aiosmtpd)"

# ------------------------------------------------------------------ build
log "building the Release tree in $BUILD"
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DREGDESK_BENCH=ON >/dev/null
cmake --build "$BUILD" -j2 --target regdesk
REGDESK=$ROOT/$BUILD/regdesk
[[ -x $REGDESK ]] || die "build did not produce $REGDESK"

# ------------------------------------------------------------------ cleanup
TMP=$(mktemp -d /tmp/regdesk-mailbench.XXXXXX)
SERVE_PID="" SINK_PID=""
WORKER_PIDS=()


cleanup() {
	local rc=$? pid
	trap - EXIT INT TERM
	for pid in ${WORKER_PIDS[@]+"${WORKER_PIDS[@]}"}; do stop_pid "$pid"; done
	stop_pid "$SERVE_PID"
	stop_pid "$SINK_PID"
	stack_cleanup
	if [[ ${BENCH_KEEP:-0} == 1 || $rc -ne 0 ]]; then
		log "kept $TMP (logs: serve.err, worker-*.err, sink-*.err, db/err.log; maildir-*)"
	else
		rm -rf -- "$TMP"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM


# CPU time of a process (all its threads) in clock ticks; of the whole machine (busy, total).
machine_ticks() { awk '/^cpu / { print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8+$9, $9 }' /proc/stat; }  # busy (no steal), total, steal
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
HZ=$(getconf CLK_TCK)
secs() { awk -v t="$1" -v hz="$HZ" 'BEGIN { if (t < 0) t = 0; printf "%.2f", t / hz }'; }
now_s() { printf '%s' "$EPOCHREALTIME"; }
sub_s() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

# ------------------------------------------------------------------ database and event
DB_PORT=$(free_port)
db_start "$TMP/db" "$DB_PORT" || die "could not start MariaDB"
DB_SOCK=$STACK_DB_SOCKET DB_PID=$STACK_DB_PID
mariadb --no-defaults --socket="$DB_SOCK" -uroot -e "CREATE DATABASE $DB_NAME"
sql() { mariadb --no-defaults --socket="$DB_SOCK" -uroot -N -B "$DB_NAME" -e "$1"; }

export REGDESK_DB_URL="mysql://regdesk:regdesk@127.0.0.1:$DB_PORT/$DB_NAME"
export REGDESK_RATE_LIMIT=0
export REGDESK_NOW=$NOW
export REGDESK_LISTEN=127.0.0.1:0
unset REGDESK_SMTP_URL REGDESK_SMTP_USER REGDESK_SMTP_PASSWORD REGDESK_MAIL_FROM REGDESK_PUBLIC_URL

# One configuration for serve and worker: `serve` reads worker.enabled (off: it sends nothing),
# `regdesk worker` ignores it. The SMTP URL is set per sink with REGDESK_SMTP_URL.
cat >"$TMP/regdesk.json" <<EOF
{
  "listen": "127.0.0.1:0",
  "public_url": "http://127.0.0.1:8080",
  "database": { "pool_size": 8, "connect_timeout_seconds": 2 },
  "smtp": { "url": "smtp://127.0.0.1:1", "require_tls": false, "messages_per_minute": 0 },
  "mail": { "from": "regdesk <no-reply@regdesk.invalid>", "poll_milliseconds": 50, "batch_size": 50 },
  "http": {
    "threads": 2,
    "blocking_threads": 4,
    "max_body_bytes": 16384,
    "trusted_proxies": ["127.0.0.1"],
    "signups_per_minute_per_client": 0
  },
  "worker": { "enabled": false }
}
EOF
CONFIG=(--config "$TMP/regdesk.json")

mkdir -p "$TMP/events"
write_event "$SLUG" "$MAILS" "メール送信"
"$REGDESK" "${CONFIG[@]}" migrate >"$TMP/migrate.out"
"$REGDESK" "${CONFIG[@]}" events import "$TMP/events/$SLUG.json" >"$TMP/import.out"
log "$(tr '\n' ' ' <"$TMP/import.out")"

# ------------------------------------------------------------------ the sign-ups (no mail sent)
ulimit -n "$(ulimit -Hn)"   # bench/burst.py opens one connection per sign-up
start_server serve "$REGDESK" "${CONFIG[@]}" serve || exit 1
SERVE_PID=$STARTED_PID SERVE_URL=$STARTED_URL
log "regdesk serve at $SERVE_URL (pid $SERVE_PID, worker off): $MAILS sign-ups"
SIGNUP_T0=$(now_s)
SIGNUP_RC=0
SIGNUP_OUT=$("$PY" bench/burst.py --url "$SERVE_URL" --slug "$SLUG" --clients "$MAILS" --seats "$MAILS" \
	--tag "mail$RUN_ID" --db-socket "$DB_SOCK" --db-name "$DB_NAME" 2>&1) || SIGNUP_RC=$?
SIGNUP_SECONDS=$(sub_s "$(now_s)" "$SIGNUP_T0")
printf '%s\n' "$SIGNUP_OUT" | grep -v '^BURST ' >&2
[[ $SIGNUP_RC == 0 ]] || die "the sign-ups did not all succeed (burst.py exit $SIGNUP_RC)"
stop_pid "$SERVE_PID"
SERVE_PID=""
SERVE_ERR_LINES=$(wc -l <"$TMP/serve.err")

OUTBOX_AFTER_SIGNUP=$(sql "SELECT kind, state, COUNT(*), MIN(due_at) FROM outbox GROUP BY kind, state ORDER BY kind, state" |
	awk -F'\t' '{ printf "%s%s %s: %s (due from %s)", sep, $1, $2, $3, $4; sep = "; " }')
log "outbox after the sign-ups: $OUTBOX_AFTER_SIGNUP"
# Each confirmation is owed by its registration row; the first worker queues them in the outbox.
OWED=$(sql "SELECT COUNT(*) FROM registrations WHERE confirmation_owed AND status = 'confirmed'")
[[ $OWED == "$MAILS" ]] || die "expected $MAILS owed confirmations, found $OWED"
QUEUED=$(sql "SELECT COUNT(*) FROM outbox WHERE kind = 'confirmation'")
[[ $QUEUED == 0 ]] || die "expected the confirmations owed, not queued; found $QUEUED queued"
# Nothing but the confirmations may fall due during a measurement (a day of margin).
OTHER_DUE=$(sql "SELECT COUNT(*) FROM outbox WHERE state IN ('queued', 'sending') AND kind <> 'confirmation'
	AND due_at <= '$NOW_SQL' + INTERVAL 1 DAY")
[[ $OTHER_DUE == 0 ]] || die "$OTHER_DUE other mails are due at the rehearsal instant"
LAST_DUE=$(sql "SELECT MAX(registered_at) FROM registrations")  # a confirmation is due from then
[[ $(sql "SELECT MAX(registered_at) < '$WORKER_NOW_SQL' FROM registrations") == 1 ]] ||
	die "the last confirmation is due at $LAST_DUE, after the workers' REGDESK_NOW $WORKER_NOW"

# ------------------------------------------------------------------ measurements
SINK_PORT="" CTL_PORT="" SINK_MODE="" MAILDIR=""
start_sink() {  # MODE
	SINK_MODE=$1
	SINK_PORT=$(free_port)
	CTL_PORT=$(free_port)
	MAILDIR=$TMP/maildir-$SINK_MODE
	local args=(--port "$SINK_PORT" --control-port "$CTL_PORT" --mode "$SINK_MODE" --sample "$TMP/sample-$SINK_MODE.eml")
	[[ $SINK_MODE == maildir ]] && args+=(--maildir "$MAILDIR")
	"$PY" bench/smtp_sink.py "${args[@]}" >"$TMP/sink-$SINK_MODE.out" 2>"$TMP/sink-$SINK_MODE.err" </dev/null &
	SINK_PID=$!
	local i
	for ((i = 0; i < 300; i++)); do
		grep -q '^smtp sink' "$TMP/sink-$SINK_MODE.out" 2>/dev/null && return 0
		kill -0 "$SINK_PID" 2>/dev/null || break
		sleep 0.05
	done
	log "the $SINK_MODE sink did not start:"
	cat "$TMP/sink-$SINK_MODE.out" "$TMP/sink-$SINK_MODE.err" >&2
	return 1
}
sink_cmd() {  # stats | reset: one JSON line from the sink's control port
	local line
	exec {ctl}<>"/dev/tcp/127.0.0.1/$CTL_PORT"
	printf '%s\n' "$1" >&"$ctl"
	IFS= read -r -t 10 line <&"$ctl" || line='{}'
	exec {ctl}>&-
	printf '%s' "$line"
}
maildir_count() { if [[ -d $MAILDIR/new ]]; then find "$MAILDIR/new" -type f | wc -l; else echo 0; fi; }

# The poll: due confirmations not yet sent, through the index the worker's claim uses (the
# meeting-link and reminder rows are not due before May), plus those still owed and not queued
# (registrations numbered from the event's mark: an empty range once they are). The poller
# connects as root; the workers as regdesk, whose work MariaDB counts separately (userstat,
# USER_STATISTICS).
REMAINING_SQL="SELECT (SELECT COUNT(*) FROM outbox WHERE state IN ('queued', 'sending') AND due_at <= '$WORKER_NOW_SQL')
	+ (SELECT COUNT(*) FROM events e LEFT JOIN confirmation_marks m ON m.event_id = e.id
	   JOIN registrations r ON r.event_id = e.id AND r.number >= COALESCE(m.queued_below, 1)
	   WHERE r.confirmation_owed AND r.status = 'confirmed')"
STATES_SQL="SELECT COALESCE(SUM(state = 'sent'), 0), COALESCE(SUM(state = 'queued'), 0),
	COALESCE(SUM(state = 'sending'), 0), COALESCE(SUM(state = 'failed'), 0)
	FROM outbox WHERE kind = 'confirmation'"
mariadb --no-defaults --socket="$DB_SOCK" -uroot -e "SET GLOBAL userstat = 1"
user_stats_reset() { mariadb --no-defaults --socket="$DB_SOCK" -uroot -e "FLUSH USER_STATISTICS"; }
# The regdesk user's counters since the reset, per message, plus two global InnoDB counters
# (nothing else writes meanwhile).
USER_COLS="SELECT_COMMANDS, UPDATE_COMMANDS, OTHER_COMMANDS, COMMIT_TRANSACTIONS, ROWS_READ, ROWS_UPDATED, BUSY_TIME, CPU_TIME"
innodb_writes() {
	mariadb --no-defaults --socket="$DB_SOCK" -uroot -N -B -e \
		"SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_log_writes', 'Innodb_data_fsyncs')" |
		awk '{ printf "%s ", $2 }'
}
user_stats_per_message() {  # INNODB_BEFORE INNODB_AFTER
	local row
	row=$(mariadb --no-defaults --socket="$DB_SOCK" -uroot -N -B -e \
		"SELECT $USER_COLS FROM information_schema.USER_STATISTICS WHERE USER = 'regdesk'")
	awk -v n="$MAILS" -v row="$row" -v a="$1" -v b="$2" 'BEGIN {
		split(row, r, "\t"); split(a, x, " "); split(b, y, " ")
		printf "statements: %.2f SELECT, %.2f UPDATE, %.2f other (prepare, close, SET, COMMIT); %.2f commits; ", r[1] / n, r[2] / n, r[3] / n, r[4] / n
		printf "rows read %.1f, rows updated %.2f; busy %.0f µs, CPU %.0f µs (MariaDB'"'"'s own count for the regdesk user); ", r[5] / n, r[6] / n, r[7] / n * 1e6, r[8] / n * 1e6
		printf "redo log writes %.2f, fsyncs %.2f", (y[1] - x[1]) / n, (y[2] - x[2]) / n }'
}
user_rows_read() {
	mariadb --no-defaults --socket="$DB_SOCK" -uroot -N -B -e \
		"SELECT ROWS_READ FROM information_schema.USER_STATISTICS WHERE USER = 'regdesk'"
}

# Waits (at most BENCH_QUIET_WAIT, 60 s) until MariaDB is quiet (InnoDB purge and page flushing
# after the sign-ups or a re-queue would otherwise run during the measurement) and no compiler
# or test runner of someone else's is running. Prints the seconds waited.
settle() {
	local t0 a b i hist
	t0=$(now_s)
	for ((i = 0; i < ${BENCH_QUIET_WAIT:-60} * 2; i++)); do
		a=$(proc_ticks "$DB_PID")
		sleep 0.5
		b=$(proc_ticks "$DB_PID")
		hist=$(mariadb --no-defaults --socket="$DB_SOCK" -uroot -N -B -e \
			"SHOW GLOBAL STATUS LIKE 'Innodb_history_list_length'" | cut -f2)
		((b - a <= 2 && ${hist:-0} < 100)) && [[ $(others_busy) == 0 ]] && break
	done
	sub_s "$(now_s)" "$t0"
}
# Compilers and other heavy processes that are not ours: a disturbance marker (as in run.sh).
others_busy() {
	local n
	n=$(ps -eo comm= | grep -cE '^(cc1plus|cc1|ld|ld\.gold|ld\.lld|mold|clang|clang\+\+|ctest|pytest|chromium|chrome|node)$' || true)
	printf '%s' "$n"
}

# The table statistics MariaDB plans with, and its plan for the claim's second step: the query
# that reads the 50 claimed rows with their registrations and events (a copy of kDetails in
# src/store/outbox_store.cpp). With statistics from the almost empty tables MariaDB may run the
# waitlist-position subquery on uq_registrations_number, walking the event's registrations by
# number for every claimed row, instead of on ix_registrations_status.
plan() {
	local ids stats details
	stats=$(sql "SELECT table_name, n_rows FROM mysql.innodb_table_stats WHERE database_name = '$DB_NAME'
		AND table_name IN ('outbox', 'registrations') ORDER BY table_name" | awk -F'\t' '{ printf "%s%s %s", sep, $1, $2; sep = ", " }')
	ids=$(sql "SELECT GROUP_CONCAT(id) FROM (SELECT id FROM outbox WHERE kind = 'confirmation' ORDER BY id LIMIT 50) x")
	details=$(sql "EXPLAIN SELECT o.id, o.kind, o.dedupe_key, o.attempts, o.created_at, r.public_id, r.number, r.status,
		r.email, r.name, r.organization, r.locale,
		(SELECT COUNT(*) FROM registrations w WHERE w.event_id = r.event_id
		  AND w.status = 'waitlisted' AND w.number <= r.number),
		e.document, a.subject_ja, a.subject_en, a.body_ja, a.body_en
		FROM outbox o JOIN registrations r ON r.public_id = o.registration_public_id
		JOIN events e ON e.id = o.event_id LEFT JOIN announcements a ON a.id = o.announcement_id
		WHERE o.id IN ($ids) ORDER BY o.id" |
		awk -F'\t' '{ printf "%s%s %s %s%s", sep, $3, $4, ($6 == "NULL" ? "" : $6 " "), "rows " $9; sep = ", " }')
	printf 'statistics n_rows: %s; plan of the claimed rows'"'"' details query (table, access, key, rows): %s' "$stats" "$details"
}

declare -A DBROWS PLAN SETTLE BUSY MPS SECONDS_ RATIO SINKMPS CPU_S CPU_US RSS DBCPU SINKCPU OTHER CHECK DBPERMSG
WORKER_RUNS=0

requeue() {
	sql "UPDATE outbox SET state = 'queued', attempts = 0, sent_at = NULL, lease_until = NULL, last_error = NULL
		WHERE kind = 'confirmation'"
	local q
	q=$(sql "SELECT COUNT(*) FROM outbox WHERE state = 'queued' AND kind = 'confirmation'")
	[[ $q == "$MAILS" ]] || die "re-queueing left $q queued confirmation rows"
}

run_workers() {  # N [LABEL]: N `regdesk worker` processes against the current sink
	local n=$1 key="$SINK_MODE/worker x$1${2:+, $2}" i tag="$SINK_MODE-$1${2:+-first}"
	((WORKER_RUNS > 0)) && requeue
	WORKER_RUNS=$((WORKER_RUNS + 1))
	SETTLE[$key]=$(settle)
	PLAN[$key]=$(plan)
	local busy0
	busy0=$(others_busy)
	sink_cmd reset >/dev/null
	local md0 d0 s0 m0 iw0
	md0=$(maildir_count)
	user_stats_reset
	iw0=$(innodb_writes)
	d0=$(proc_ticks "$DB_PID") s0=$(proc_ticks "$SINK_PID") m0=$(machine_ticks)
	local t0 tq done_at="" polls=0 remaining sent=0 queued=0 failed=0 sending=0
	WORKER_PIDS=()
	t0=$(now_s)
	for ((i = 1; i <= n; i++)); do
		REGDESK_SMTP_URL="smtp://127.0.0.1:$SINK_PORT" REGDESK_NOW=$WORKER_NOW "$REGDESK" "${CONFIG[@]}" worker \
			>"$TMP/worker-$tag-$i.out" 2>"$TMP/worker-$tag-$i.err" </dev/null &
		WORKER_PIDS+=($!)
	done
	while :; do
		sleep 0.1
		tq=$(now_s)
		remaining=$(sql "$REMAINING_SQL")
		polls=$((polls + 1))
		if ((remaining == 0)); then
			read -r sent queued sending failed <<<"$(sql "$STATES_SQL")"
			((sent == MAILS)) && done_at=$tq
			break  # all sent, or the rest failed or waits for a retry
		fi
		if awk -v a="$(sub_s "$tq" "$t0")" -v t="$TIMEOUT" 'BEGIN { exit !(a > t) }'; then break; fi
		local alive=0 pid
		for pid in "${WORKER_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
		((alive)) || break
	done
	# CPU and peak RSS of the workers, read before they are stopped.
	local wt=0 rss="" pid hwm
	for pid in "${WORKER_PIDS[@]}"; do
		wt=$((wt + $(proc_ticks "$pid")))
		hwm=$(hwm_kb "$pid")
		rss+="${rss:+ + }$(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }')"
	done
	local d1 s1 m1 iw1
	d1=$(proc_ticks "$DB_PID") s1=$(proc_ticks "$SINK_PID") m1=$(machine_ticks)
	iw1=$(innodb_writes)
	DBPERMSG[$key]=$(user_stats_per_message "$iw0" "$iw1")
	DBROWS[$key]=$(awk -v r="$(user_rows_read)" -v n="$MAILS" 'BEGIN { printf "%.1f", r / n }')
	local rcs=""
	for pid in "${WORKER_PIDS[@]}"; do
		stop_pid "$pid"
		rcs+=" $STOPPED_RC"
	done
	WORKER_PIDS=()
	local stats md1
	stats=$(sink_cmd stats)
	md1=$(maildir_count)
	printf '%s\n' "$stats" >"$TMP/sink-stats-$tag.json"
	# The plain client's template: the first message the first worker sent, as the sink received
	# it (the same bytes for either sink: the sink makes no difference to what the worker sends).
	[[ -s $TMP/template.eml ]] || cp -- "$TMP/sample-$SINK_MODE.eml" "$TMP/template.eml"
	[[ $n != 1 ]] || SAMPLE_BYTES[$SINK_MODE]=$(wc -c <"$TMP/sample-$SINK_MODE.eml")

	local busy total steal
	read -r busy total steal <<<"$(awk -v a="$m0" -v b="$m1" 'BEGIN { split(a, x, " "); split(b, y, " "); print y[1] - x[1], y[2] - x[2], y[3] - x[3] }')"
	DBCPU[$key]=$(secs $((d1 - d0)))
	SINKCPU[$key]=$(secs $((s1 - s0)))
	OTHER[$key]="$(secs $((busy - wt - (d1 - d0) - (s1 - s0)))) (idle $(secs $((total - busy - steal))), steal $(secs "$steal") of $(secs "$total"))"
	CPU_S[$key]=$(secs "$wt")
	CPU_US[$key]=$(awk -v t="$wt" -v hz="$HZ" -v n="$MAILS" 'BEGIN { printf "%.0f", t / hz / n * 1e6 }')
	RSS[$key]=$rss
	BUSY[$key]="$busy0/$(others_busy)"

	# Checks: the database, the sink, the maildir, the workers' own output.
	local rows attempts_gt1 msgs distinct dups
	rows=$(sql "SELECT state, COUNT(*) FROM outbox WHERE kind = 'confirmation' GROUP BY state" |
		awk -F'\t' '{ printf "%s%s %s", sep, $2, $1; sep = ", " }')
	attempts_gt1=$(sql "SELECT COUNT(*) FROM outbox WHERE kind = 'confirmation' AND attempts <> 1")
	msgs=$(jq -r '.messages // 0' <<<"$stats")
	distinct=$(jq -r '.distinct_message_ids // 0' <<<"$stats")
	dups=$(jq -r '.duplicate_message_ids // 0' <<<"$stats")
	local errl=0 f
	for f in "$TMP"/worker-"$tag"-*.err; do errl=$((errl + $(wc -l <"$f"))); done
	local ok=1 check
	check="outbox: $rows; rows with attempts ≠ 1: $attempts_gt1; sink: $msgs accepted over $(jq -r '.sessions // 0' <<<"$stats") SMTP connection(s), $distinct distinct Message-IDs, $dups duplicated"
	[[ $SINK_MODE == maildir ]] && check+="; maildir: $((md1 - md0)) new files"
	check+="; worker exit codes:$rcs; worker stderr lines: $errl; database polls: $polls"
	[[ -n $done_at && $msgs == "$MAILS" && $distinct == "$MAILS" && $dups == 0 && $attempts_gt1 == 0 && $errl == 0 ]] || ok=0
	[[ $SINK_MODE != maildir || $((md1 - md0)) == "$MAILS" ]] || ok=0
	[[ $rcs == *[1-9]* ]] && ok=0
	CHECK[$key]="$([[ $ok == 1 ]] && printf 'ok' || printf '**problem**'): $check"
	if [[ -n $done_at ]]; then
		SECONDS_[$key]=$(sub_s "$done_at" "$t0")
		MPS[$key]=$(awk -v n="$MAILS" -v s="${SECONDS_[$key]}" 'BEGIN { printf "%.0f", n / s }')
	else
		read -r sent queued sending failed <<<"$(sql "$STATES_SQL")"
		SECONDS_[$key]="not done (after $(sub_s "$(now_s)" "$t0") s: sent $sent, queued $queued, sending $sending, failed $failed)"
		MPS[$key]=0
	fi
	SINKMPS[$key]=$(jq -r --argjson n "$MAILS" 'if .first_to_last_seconds > 0 then ((.messages - 1) / .first_to_last_seconds | floor) else "n/a" end' <<<"$stats")
	log "$key: ${MPS[$key]} messages/s (${SECONDS_[$key]} s from start to all sent; sink first→last ${SINKMPS[$key]}/s); CPU ${CPU_S[$key]} s (${CPU_US[$key]} µs/message), peak RSS ${RSS[$key]} MiB; mariadbd ${DBCPU[$key]} s, sink ${SINKCPU[$key]} s, other ${OTHER[$key]}"
	log "$key: waited ${SETTLE[$key]} s for MariaDB to be quiet; compilers/test runners before/after: ${BUSY[$key]}; plan: ${PLAN[$key]}"
	log "$key: database per message: ${DBPERMSG[$key]}"
	log "$key: ${CHECK[$key]}"
	if ((errl > 0)); then
		log "$key: worker stderr (most frequent lines):"
		cat "$TMP"/worker-"$tag"-*.err | sort | uniq -c | sort -rn | head -n 5 >&2
	fi
}

declare -A SAMPLE_BYTES CEIL
TEMPLATE_BYTES=""
run_plain() {  # LABEL
	local key="$SINK_MODE/plain client, $1"
	local template=$TMP/template.eml
	[[ -s $template ]] || die "no template message (the first worker run should have made one)"
	TEMPLATE_BYTES=$(wc -c <"$template")
	SETTLE[$key]=$(settle)
	local busy0
	busy0=$(others_busy)
	sink_cmd reset >/dev/null
	local md0 d0 s0 m0 out rc=0
	md0=$(maildir_count)
	d0=$(proc_ticks "$DB_PID") s0=$(proc_ticks "$SINK_PID") m0=$(machine_ticks)
	out=$("$PY" bench/mail_ceiling.py --port "$SINK_PORT" --template "$template" --count "$MAILS" 2>&1) || rc=$?
	local d1 s1 m1 stats md1
	d1=$(proc_ticks "$DB_PID") s1=$(proc_ticks "$SINK_PID") m1=$(machine_ticks)
	stats=$(sink_cmd stats)
	md1=$(maildir_count)
	printf '%s\n' "$out" | grep -v '^CEILING ' >&2
	local json
	json=$(grep '^CEILING ' <<<"$out" | sed 's/^CEILING //' | tail -n 1)
	[[ -n $json ]] || json='{}'
	local busy total steal client_t
	read -r busy total steal <<<"$(awk -v a="$m0" -v b="$m1" 'BEGIN { split(a, x, " "); split(b, y, " "); print y[1] - x[1], y[2] - x[2], y[3] - x[3] }')"
	client_t=$(jq -r '.client_cpu_seconds // 0' <<<"$json")
	MPS[$key]=$(jq -r '.messages_per_second // 0 | floor' <<<"$json")
	SECONDS_[$key]=$(jq -r '.seconds // "n/a"' <<<"$json")
	SINKMPS[$key]=$(jq -r 'if .first_to_last_seconds > 0 then ((.messages - 1) / .first_to_last_seconds | floor) else "n/a" end' <<<"$stats")
	CPU_S[$key]=$(awk -v c="$client_t" 'BEGIN { printf "%.2f", c }')
	CPU_US[$key]=$(awk -v c="$client_t" -v n="$MAILS" 'BEGIN { printf "%.0f", c / n * 1e6 }')
	RSS[$key]=$(jq -r '(.client_peak_rss_kib // 0) / 1024 * 10 | floor / 10' <<<"$json")
	DBCPU[$key]=$(secs $((d1 - d0)))
	SINKCPU[$key]=$(secs $((s1 - s0)))
	OTHER[$key]="$(awk -v b="$busy" -v d=$((d1 - d0)) -v s=$((s1 - s0)) -v c="$client_t" -v hz="$HZ" 'BEGIN { x = (b - d - s) / hz - c; if (x < 0) x = 0; printf "%.2f", x }') (idle $(secs $((total - busy - steal))), steal $(secs "$steal") of $(secs "$total"))"
	DBPERMSG[$key]="–"
	DBROWS[$key]="–"
	BUSY[$key]="$busy0/$(others_busy)"
	local msgs distinct dups errors ok=1
	msgs=$(jq -r '.messages // 0' <<<"$stats")
	distinct=$(jq -r '.distinct_message_ids // 0' <<<"$stats")
	dups=$(jq -r '.duplicate_message_ids // 0' <<<"$stats")
	errors=$(jq -r '.errors // "n/a"' <<<"$json")
	local sessions check
	sessions=$(jq -r '.sessions // 0' <<<"$stats")
	check="sink: $msgs accepted over $sessions connection(s), $distinct distinct Message-IDs, $dups duplicated; client errors: $errors"
	[[ $SINK_MODE == maildir ]] && check+="; maildir: $((md1 - md0)) new files"
	[[ $rc == 0 && $msgs == "$MAILS" && $distinct == "$MAILS" && $dups == 0 ]] || ok=0
	[[ $SINK_MODE != maildir || $((md1 - md0)) == "$MAILS" ]] || ok=0
	CHECK[$key]="$([[ $ok == 1 ]] && printf 'ok' || printf '**problem**'): $check"
	log "$key: ${MPS[$key]} messages/s (${SECONDS_[$key]} s; sink first→last ${SINKMPS[$key]}/s); client CPU ${CPU_S[$key]} s, sink ${SINKCPU[$key]} s"
	log "$key: ${CHECK[$key]}"
}

KEYS=()
for mode in "${SINKS[@]}"; do
	case $mode in discard | maildir) ;; *) die "unknown sink $mode (discard or maildir)" ;; esac
	start_sink "$mode" || exit 1
	log "sink $mode: aiosmtpd on 127.0.0.1:$SINK_PORT (pid $SINK_PID)"
	LABELS=()
	if [[ ${#KEYS[@]} == 0 ]]; then
		# The very first run sends the rows the sign-ups queued, with the table statistics as
		# InnoDB left them after the sign-ups; then the statistics are brought up to date
		# (ANALYZE TABLE) for every later measurement, so those compare like with like.
		run_workers 1 "first run after the sign-ups"
		LABELS+=("worker x1, first run after the sign-ups")
		sql "ANALYZE TABLE outbox, registrations" >/dev/null
		log "ANALYZE TABLE outbox, registrations: $(plan)"
	fi
	# The plain client before and after the workers: the sink's own cost drifts (the maildir
	# sink's kernel time per message falls as its directory fills), so the ceiling is the mean
	# of the two, and both are shown.
	run_plain before
	run_workers 1
	run_workers 2
	run_plain after
	LABELS+=("plain client, before" "worker x1" "worker x2" "plain client, after")
	CEIL[$mode]=$(awk -v a="${MPS[$mode/plain client, before]}" -v b="${MPS[$mode/plain client, after]}" 'BEGIN { printf "%.0f", (a + b) / 2 }')
	for k in "${LABELS[@]}"; do
		KEYS+=("$mode/$k")
		RATIO[$mode/$k]=$(awk -v a="${MPS[$mode/$k]}" -v b="${CEIL[$mode]}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
	done
	SINK_ERR_LINES=$(wc -l <"$TMP/sink-$mode.err")
	((SINK_ERR_LINES == 0)) || { log "the $mode sink wrote to stderr:"; head -n 20 "$TMP/sink-$mode.err" >&2; }
	stop_pid "$SINK_PID"
	SINK_PID=""
done

# ------------------------------------------------------------------ report
TABLE="| Sink | Sender | Messages/s | Seconds (start → all sent) | Ratio to plain client (mean of before and after) | Sink's rate, first → last message | Sender CPU s (µs/message) | Sender peak RSS MiB | mariadbd CPU s | MariaDB rows read per message | Sink CPU s | Other CPU s |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
CHECKS=""
DBLINES=""
DISTURB=""
for k in "${KEYS[@]}"; do
	TABLE+=$'\n'"| ${k%%/*} | ${k#*/} | **${MPS[$k]}** | ${SECONDS_[$k]} | ${RATIO[$k]}× | ${SINKMPS[$k]}/s | ${CPU_S[$k]} (${CPU_US[$k]}) | ${RSS[$k]} | ${DBCPU[$k]} | ${DBROWS[$k]} | ${SINKCPU[$k]} | ${OTHER[$k]} |"
	CHECKS+="- ${k%%/*}, ${k#*/}: ${CHECK[$k]}"$'\n'
	DISTURB+="${DISTURB:+; }${k%%/*} ${k#*/}: waited ${SETTLE[$k]} s, ${BUSY[$k]}"
	[[ ${DBPERMSG[$k]} != "–" ]] && DBLINES+="- ${k%%/*}, ${k#*/}: ${DBPERMSG[$k]}; ${PLAN[$k]}"$'\n'
done
PROBLEMS=$(grep -c 'problem' <<<"$CHECKS" || true)
MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
FS=$(df -T "$TMP" | awk 'NR == 2 { print $2 }')

printf '\n%s\n\n%s\nDatabase per message:\n%s\n' "$TABLE" "$CHECKS" "$DBLINES"

if [[ ${BENCH_NO_RESULTS:-0} != 1 ]]; then
	RESULTS=bench/RESULTS.md
	ANALYSIS="_No analysis yet: write it between the mail-analysis markers; bench/mail.sh keeps it._"
	if [[ -f $RESULTS ]] && grep -qx '<!-- mail-analysis -->' "$RESULTS"; then
		ANALYSIS=$(sed -n '/^<!-- mail-analysis -->$/,/^<!-- \/mail-analysis -->$/p' "$RESULTS" | sed '1d;$d')
	fi
	cat >"$TMP/mail-block.md" <<EOF
<!-- mail -->
## Mail

Command: \`bench/mail.sh\` (from the repository root; builds \`build-bench/\` in Release like
\`bench/run.sh\`, needs mariadb-server, python3-aiosmtpd, jq). This block is written by
\`bench/mail.sh\` between the \`mail\` markers; it sits inside the notes block, which
\`bench/run.sh\` keeps as it is. Only the analysis at its end is hand-written.

- Date: $(date -u '+%Y-%m-%d %H:%M UTC')
- Machine: $(nproc) CPUs, ${MODEL:-unknown model}, $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo); worker, MariaDB (datadir on $FS, \`innodb_flush_log_at_trx_commit=1\`), sink and client all on this one machine
- Commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src 2>/dev/null || echo ' with uncommitted changes in src/')
- Mail: $MAILS confirmations queued by $MAILS sign-ups (\`bench/burst.py\` against \`regdesk serve\` with \`worker.enabled=false\`, $SIGNUP_SECONDS s; outbox afterwards: $OUTBOX_AFTER_SIGNUP; nothing else due at \`REGDESK_NOW=$NOW\`). Each message is about $TEMPLATE_BYTES bytes on the wire (ja text, one .ics attachment; the first message each sink received from a single worker: $(for m in "${!SAMPLE_BYTES[@]}"; do printf '%s %s bytes, ' "$m" "${SAMPLE_BYTES[$m]}"; done | sed 's/, $//'))
- Worker: \`regdesk worker\`, \`mail.poll_milliseconds\` 50, \`mail.batch_size\` 50, \`messages_per_minute\` 0, pool of 8, \`REGDESK_NOW=$WORKER_NOW\` (one minute after serve's, so all $MAILS confirmations, due up to $LAST_DUE UTC, are due when it starts; serve's rehearsal clock ran on during the sign-ups); timed from the start of the process(es) until the database (polled every 100 ms) shows all $MAILS rows \`sent\`. For "worker x2" and for the second sink the same rows are queued again (\`UPDATE outbox SET state = 'queued', attempts = 0, sent_at = NULL ...\`)
- The first measurement sends the rows exactly as the sign-ups left them, with the table statistics InnoDB had then; after it, \`ANALYZE TABLE outbox, registrations\` brings them up to date for all the others (see the plans below)
- Before each measurement the script waits until MariaDB is quiet (InnoDB purge and flushing after the sign-ups or the re-queue; ≤ 2 CPU ticks in 0.5 s and history list < 100) and no compiler or test runner is running (at most ${BENCH_QUIET_WAIT:-60} s). Waits, and compiler/test-runner processes present before/after each measurement: $DISTURB
- Sinks: \`bench/smtp_sink.py\`, aiosmtpd 1.4 on one asyncio loop; **discard** answers 250 and drops the message, **maildir** is aiosmtpd's \`Mailbox\` handler (as \`ops/lib/stack.sh\` runs it for the tests). Each sink is one process used for all three senders
- Plain client: \`bench/mail_ceiling.py\`, Python smtplib, one connection, \`sendmail()\` $MAILS times with the message the worker sent (as the sink received it; only the Message-ID made unique); run before and after the workers on each sink, its ceiling is the mean of the two (discard $(printf '%s' "${CEIL[discard]:-n/a}")/s, maildir $(printf '%s' "${CEIL[maildir]:-n/a}")/s). Its peak RSS includes the $MAILS messages it holds in memory

$TABLE

"Sink's rate" is the sink's own count over the time from the first to the last message it
accepted (no process start, no polling granularity). CPU seconds are utime+stime over the
measurement; the worker's are read from \`/proc/PID/stat\` the moment all rows were sent, its peak
RSS is VmHWM (for two workers: each). "Other" is everything else busy on the machine meanwhile
(the 100 ms database poller, this script, other people's work), with the idle time and the CPU
time the hypervisor took (steal) out of the machine's total.

MariaDB's work per message for the workers' user (\`userstat\`, \`information_schema.USER_STATISTICS\`; the poller connects as root and is not counted), the global redo-log writes and fsyncs, and the table statistics and the plan of the claimed rows' details query at the start of each measurement:

$DBLINES
Checks:

$CHECKS
$PROBLEMS measurement(s) with a problem. \`regdesk serve\` wrote $SERVE_ERR_LINES line(s) to stderr during the sign-ups.

<!-- mail-analysis -->
$ANALYSIS
<!-- /mail-analysis -->
<!-- /mail -->
EOF
	if [[ -f $RESULTS ]] && grep -qx '<!-- mail -->' "$RESULTS" && grep -qx '<!-- /mail -->' "$RESULTS"; then
		# Replace the old block in place.
		awk -v block="$TMP/mail-block.md" '
			$0 == "<!-- mail -->" { while ((getline line < block) > 0) print line; skip = 1; next }
			skip && $0 == "<!-- /mail -->" { skip = 0; next }
			!skip { print }' "$RESULTS" >"$RESULTS.tmp"
	elif [[ -f $RESULTS ]] && grep -qx '<!-- /notes -->' "$RESULTS"; then
		# First run: just before the end of the notes block (bench/run.sh rewrites everything
		# else in the file, and keeps the notes block verbatim).
		awk -v block="$TMP/mail-block.md" '
			$0 == "<!-- /notes -->" && !done { print ""; while ((getline line < block) > 0) print line; done = 1 }
			{ print }' "$RESULTS" >"$RESULTS.tmp"
	else
		{ [[ -f $RESULTS ]] && cat "$RESULTS" && echo; cat "$TMP/mail-block.md"; } >"$RESULTS.tmp"
	fi
	mv -- "$RESULTS.tmp" "$RESULTS"
	log "wrote the mail block of $RESULTS"
fi
((PROBLEMS == 0)) || log "$PROBLEMS measurement(s) had a problem: see the checks above"
exit 0
