#!/usr/bin/env bash
# bench/questions.sh — does an event with five questions (a textarea, a multi, a select, a text, a
# checkbox; approval none) keep the sign-up throughput of the plain form? One MariaDB, one
# `regdesk serve`, two events of unlimited capacity; wrk (bench/signup.lua, plain client, 64
# connections) alternates between them ROUNDS times (so drift of a shared machine hits both), and
# the medians are compared. Writes the "Questions" section of bench/RESULTS.md.
#   bench/questions.sh        (BENCH_DURATION 10s, ROUNDS 3, BENCH_CONNECTIONS 64)
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
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DREGDESK_BENCH=ON >/dev/null
cmake --build "$BUILD" -j2 --target regdesk >/dev/null
REGDESK=$ROOT/$BUILD/regdesk

TMP=$(mktemp -d /tmp/regdesk-questions-bench.XXXXXX)
REGDESK_PID=""
cleanup() {
	stop_pid "$REGDESK_PID"
	stack_cleanup
	rm -rf -- "$TMP"
}
trap cleanup EXIT

DB_PORT=$(free_port)
db_start "$TMP/db" "$DB_PORT" >/dev/null || die "could not start MariaDB"
mariadb --no-defaults --socket="$STACK_DB_SOCKET" -uroot -e "CREATE DATABASE bench"
export REGDESK_DB_URL="mysql://regdesk:regdesk@127.0.0.1:$DB_PORT/bench"
export REGDESK_RATE_LIMIT=0 REGDESK_NOW="2030-03-01T10:00:00+09:00" REGDESK_LISTEN=127.0.0.1:0
jq '.worker.enabled = false' config/regdesk.json >"$TMP/regdesk.json"
mkdir -p "$TMP/events"
write_event bench-plain 100000000 "plain form"
write_event bench-questions 100000000 "five questions"
jq '.questions = [
  {"id": "panel", "type": "textarea", "label": {"ja": "パネルへの質問", "en": "Question"}, "required": false, "max_length": 400},
  {"id": "sessions", "type": "multi", "label": {"ja": "参加するセッション", "en": "Sessions"}, "required": true,
   "options": [{"value": "keynote", "label": "基調講演"}, {"value": "panel", "label": "パネル"}, {"value": "qa", "label": "質疑応答"}]},
  {"id": "role", "type": "select", "label": {"ja": "ご担当", "en": "Role"}, "required": true,
   "options": [{"value": "pv", "label": "安全性"}, {"value": "epi", "label": "疫学"}]},
  {"id": "accommodation", "type": "text", "label": {"ja": "合理的配慮のご希望", "en": "Accommodation"}, "required": false},
  {"id": "recording", "type": "checkbox", "label": {"ja": "録画の公開に同意する", "en": "Recording"}, "required": true}]' \
	"$TMP/events/bench-questions.json" >"$TMP/q.json" && mv "$TMP/q.json" "$TMP/events/bench-questions.json"
"$REGDESK" --config "$TMP/regdesk.json" migrate >/dev/null
"$REGDESK" --config "$TMP/regdesk.json" events import "$TMP"/events/*.json >/dev/null
start_server regdesk "$REGDESK" --config "$TMP/regdesk.json" serve || exit 1
REGDESK_PID=$STARTED_PID URL=$STARTED_URL

run() {  # SLUG TAG ANSWERS -> rps
	BENCH_ANSWERS=$3 wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s bench/signup.lua "$URL" -- "$1" "$2" |
		sed -n 's/^BENCH .* rps=\([0-9.]*\).*non2xx=\([0-9]*\).*/\1 \2/p'
}
run bench-plain warm 0 >/dev/null
run bench-questions warm 1 >/dev/null
plain=() questions=()
for ((i = 1; i <= ROUNDS; i++)); do
	read -r rps bad <<<"$(run bench-plain "p$i" 0)"
	((bad == 0)) || die "plain form: $bad answers that were not 201"
	plain+=("$rps")
	read -r rps bad <<<"$(run bench-questions "q$i" 1)"
	((bad == 0)) || die "questions: $bad answers that were not 201"
	questions+=("$rps")
	log "round $i: plain ${plain[-1]}/s, five questions ${questions[-1]}/s"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mp=$(median "${plain[@]}") mq=$(median "${questions[@]}")
ratio=$(echo "scale=3; $mq / $mp" | bc)
stored=$(mariadb --no-defaults --socket="$STACK_DB_SOCKET" -uroot -N bench -e \
	"SELECT COUNT(*) FROM registrations r JOIN events e ON e.id = r.event_id WHERE e.slug = 'bench-questions' AND r.answers IS NOT NULL")
line="plain form **$(printf %.0f "$mp")/s**, five questions **$(printf %.0f "$mq")/s**: ratio **$ratio** (goal ≥ 0.90); rounds: plain ${plain[*]}, questions ${questions[*]}; $stored sign-ups with answers stored"
echo "$line"
section="<!-- questions -->
## Questions: five questions against the plain form

Command: \`bench/questions.sh\` ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, Release build, wrk plain client,
$CONNECTIONS connections, $DURATION per run, $ROUNDS alternating rounds, medians).

- $line
<!-- /questions -->"
write_results_section questions "$section"
