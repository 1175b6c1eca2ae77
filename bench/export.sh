#!/usr/bin/env bash
# Measures a 100,000-row attendee export (CSV UTF-8, CSV CP932, xlsx, JSON) through the admin
# API: time, size, and regdesk's peak RSS before and after, to show the export streams (memory
# must not grow with the row count). Writes the "Export" section of bench/RESULTS.md.
#   bench/export.sh            (ROWS=100000 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=ops/lib/stack.sh
source ops/lib/stack.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

ROWS=${ROWS:-100000}
BUILD=${BENCH_BUILD_DIR:-build-bench}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DREGDESK_BENCH=ON >/dev/null
cmake --build "$BUILD" --target regdesk -j2 >/dev/null

tmp=$(mktemp -d /tmp/regdesk-export-bench.XXXXXX)
serve_pid=
cleanup() {
  [[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  db_stop "$tmp/db" || true
  rm -rf "$tmp"
}
trap cleanup EXIT

port=$(free_port)
db_start "$tmp/db" "$port" >/dev/null
sql() { mariadb --no-defaults -h127.0.0.1 -P"$port" -uregdesk -pregdesk --batch --skip-column-names "$@"; }
sql -e "CREATE DATABASE bench CHARACTER SET utf8mb4"
export REGDESK_DB_URL="mysql://regdesk:regdesk@127.0.0.1:$port/bench"
export REGDESK_NOW=2024-01-15T10:00:00+09:00 REGDESK_ADMIN_TOKEN=bench-token REGDESK_RATE_LIMIT=0
"$BUILD/regdesk" migrate >/dev/null
"$BUILD/regdesk" events import config/events/midnet-symposium-2024.json >/dev/null

# The rows, written straight into the database (the sign-up path is measured by run.sh).
sql bench -e "
  UPDATE events SET capacity = $ROWS, confirmed_count = $ROWS, next_number = $ROWS + 1;
  INSERT INTO registrations (public_id, event_id, number, status, email, email_key, name, name_kana,
    organization, department, category, phone, question, locale, registered_at, confirmed_at)
  SELECT LPAD(HEX(seq), 32, '0'), 1, seq, 'confirmed', CONCAT('user', seq, '@example.jp'),
    CONCAT('user', seq, '@example.jp'), CONCAT('山田 太郎', seq), 'やまだ たろう',
    '株式会社テスト製薬 髙橋①研究所', '安全管理部 医薬品情報課', 'industry', '03-1234-5678',
    IF(seq % 10 = 0, 'パネルディスカッションの資料は配布されますか？\n二行目', NULL), 'ja',
    TIMESTAMP('2024-01-15 01:00:00') + INTERVAL seq SECOND, TIMESTAMP('2024-01-15 01:00:00') + INTERVAL seq SECOND
  FROM seq_1_to_$ROWS;"

http_port=$(free_port)
REGDESK_LISTEN=127.0.0.1:$http_port "$BUILD/regdesk" serve >"$tmp/serve.log" 2>&1 &
serve_pid=$!
deadline=$((SECONDS + 20))
until curl -sf "http://127.0.0.1:$http_port/healthz" >/dev/null; do
  ((SECONDS < deadline)) || { cat "$tmp/serve.log"; exit 1; }
  sleep 0.1
done
hwm() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$serve_pid/status"; }

base_rss=$(hwm)
table="| Export | Rows | Bytes | Seconds | regdesk peak RSS after (MiB) |\n|---|---:|---:|---:|---:|\n"
for spec in "csv utf-8" "csv cp932" "xlsx utf-8" "json utf-8"; do
  read -r format encoding <<<"$spec"
  url="http://127.0.0.1:$http_port/api/v1/admin/events/midnet-symposium-2024/registrations?format=$format&encoding=$encoding"
  start=$(date +%s.%N)
  curl -sf -H "Authorization: Bearer bench-token" -o "$tmp/out.$format" "$url"
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  bytes=$(stat -c %s "$tmp/out.$format")
  case $format in
    csv) rows=$(/usr/bin/python3 -c "import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], encoding='utf-8-sig' if sys.argv[2]=='utf-8' else 'cp932', newline='')))-1)" "$tmp/out.csv" "$encoding") ;;
    xlsx) rows=$(/usr/bin/python3 -c "import openpyxl,sys; print(openpyxl.load_workbook(sys.argv[1], read_only=True).active.max_row-1)" "$tmp/out.xlsx") ;;
    json) rows=$(/usr/bin/python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['registrations']))" "$tmp/out.json") ;;
  esac
  [[ $rows == "$ROWS" ]] || { echo "export $spec has $rows rows, expected $ROWS" >&2; exit 1; }
  table+="| $format ($encoding) | $rows | $bytes | $(printf %.2f "$seconds") | $(hwm) |\n"
done

section="<!-- export -->
## Export: $ROWS rows

Command: \`bench/export.sh\` ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs). $ROWS registrations
inserted by SQL into the seed symposium, then each export downloaded through the admin API with
curl and read back (Python csv in UTF-8 / CP932, openpyxl, json) to check the row count.
regdesk's peak RSS (VmHWM) before the first export: **$base_rss MiB**; the column shows it after
each export. Exports are written row by row (pages of 2,000 rows from the database) to a
temporary file and sent from disk, so memory does not grow with the number of rows.

$(printf '%b' "$table")
<!-- /export -->"
write_results_section export "$section"
printf '%b' "$table"
echo "peak RSS before: $base_rss MiB"
