#!/usr/bin/env bash
# Measures certificates of attendance. (1) The renderer alone: 1,000 and 10,000 certificates as
# one PDF by PdfWriter (one thread) to a sink that only counts bytes, showing peak RSS does not
# grow with the count. (2) The product: 1,000 attendees (rows by SQL, minutes from an imported
# Zoom report through the API), then GET /api/v1/admin/events/{slug}/certificates with curl:
# seconds, certificates/s, bytes, regdesk's peak RSS before and after; the PDF is read back with
# pdfinfo and pdftotext. Writes the "Certificates" section of bench/RESULTS.md.
#   bench/certificates.sh            (COUNTS="1000 10000", ATTENDEES=1000 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=ops/lib/stack.sh
source ops/lib/stack.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

BUILD=${BENCH_BUILD_DIR:-build-bench}
ATTENDEES=${ATTENDEES:-1000}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DREGDESK_BENCH=ON >/dev/null
cmake --build "$BUILD" --target certificate_bench regdesk -j2 >/dev/null
bench=$BUILD/bench/certificate_bench

renderer=""
for n in ${COUNTS:-1000 10000}; do
  echo "== the renderer, $n certificates"
  out=$("$bench" "$n")
  echo "$out"
  renderer+="$n certificates: $(grep '^certificates:' <<<"$out" | sed 's/^certificates: //'); $(grep '^peak RSS' <<<"$out")\n"
done

tmp=$(mktemp -d /tmp/regdesk-certificate-bench.XXXXXX)
serve_pid=
cleanup() {
  [[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  db_stop "$tmp/db" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

"$bench" 1000 "$tmp/certificates.pdf" >/dev/null
pages=$(pdfinfo "$tmp/certificates.pdf" | awk '/^Pages:/ {print $2}')
[[ $pages == 1000 ]] || { echo "the PDF has $pages pages, expected 1000" >&2; exit 1; }
pdftotext -f 1000 -l 1000 "$tmp/certificates.pdf" - | grep -q 'SYMPO2024-000999' ||
  { echo "page 1000 does not read back as certificate SYMPO2024-000999" >&2; exit 1; }
echo "checked: 1,000 pages, page 1000 reads back as SYMPO2024-000999 (pdfinfo, pdftotext)"

echo "== through the admin API, $ATTENDEES attendees"
port=$(free_port)
db_start "$tmp/db" "$port" >/dev/null
sql() { mariadb --no-defaults -h127.0.0.1 -P"$port" -uregdesk -pregdesk --batch --skip-column-names "$@"; }
sql -e "CREATE DATABASE bench CHARACTER SET utf8mb4"
export REGDESK_DB_URL="mysql://regdesk:regdesk@127.0.0.1:$port/bench"
export REGDESK_NOW=2024-02-28T18:00:00+09:00 REGDESK_ADMIN_TOKEN=bench-token REGDESK_RATE_LIMIT=0
"$BUILD/regdesk" migrate >/dev/null
/usr/bin/python3 - "$tmp/event.json" <<'PY'
import json, sys
e = json.load(open("config/events/midnet-symposium-2024.json", encoding="utf-8"))
e["certificate"] = {"min_minutes": 60, "issuer": {"ja": "独立行政法人 医薬品医療機器総合機構"}}
json.dump(e, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
"$BUILD/regdesk" events import "$tmp/event.json" >/dev/null
sql bench -e "
  UPDATE events SET capacity = $ATTENDEES, confirmed_count = $ATTENDEES, next_number = $ATTENDEES + 1;
  INSERT INTO registrations (public_id, event_id, number, status, email, email_key, name, name_kana,
    organization, department, category, locale, registered_at, confirmed_at)
  SELECT LPAD(HEX(seq), 32, '0'), 1, seq, 'confirmed', CONCAT('user', seq, '@example.jp'),
    CONCAT('user', seq, '@example.jp'), CONCAT('山田 太郎', seq), 'やまだ たろう',
    '株式会社テスト製薬 髙橋研究所', '安全管理部', 'industry', 'ja',
    TIMESTAMP('2024-01-15 01:00:00'), TIMESTAMP('2024-01-15 01:00:00')
  FROM seq_1_to_$ATTENDEES;"
/usr/bin/python3 - "$ATTENDEES" "$tmp/report.csv" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
rows = ["Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest"]
rows += [f"山田 太郎{i},user{i}@example.jp,02/28/2024 02:00:00 PM,02/28/2024 04:55:00 PM,175,No"
         for i in range(1, n + 1)]
open(path, "w", encoding="utf-8-sig", newline="").write("\r\n".join(rows) + "\r\n")
PY

http_port=$(free_port)
REGDESK_LISTEN=127.0.0.1:$http_port "$BUILD/regdesk" serve >"$tmp/serve.log" 2>&1 &
serve_pid=$!
deadline=$((SECONDS + 20))
until curl -sf "http://127.0.0.1:$http_port/healthz" >/dev/null; do
  ((SECONDS < deadline)) || { cat "$tmp/serve.log"; exit 1; }
  sleep 0.1
done
hwm() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$serve_pid/status"; }
api="http://127.0.0.1:$http_port/api/v1/admin/events/midnet-symposium-2024"
matched=$(curl -sf -H "Authorization: Bearer bench-token" -H "Content-Type: text/csv" \
  --data-binary @"$tmp/report.csv" "$api/attendance" | jq .registrations)
[[ $matched == "$ATTENDEES" ]] || { echo "the report matched $matched registrations" >&2; exit 1; }
base_rss=$(hwm)
start=$(date +%s.%N)
curl -sf -H "Authorization: Bearer bench-token" -D "$tmp/headers" -o "$tmp/all.pdf" "$api/certificates"
seconds=$(echo "$(date +%s.%N) - $start" | bc)
after_rss=$(hwm)
pages=$(pdfinfo "$tmp/all.pdf" | awk '/^Pages:/ {print $2}')
[[ $pages == "$ATTENDEES" ]] || { echo "the PDF has $pages pages, expected $ATTENDEES" >&2; exit 1; }
pdftotext -f "$pages" -l "$pages" "$tmp/all.pdf" - | grep -q "山田 太郎$ATTENDEES" ||
  { echo "the last page is not the last attendee's" >&2; exit 1; }
bytes=$(stat -c %s "$tmp/all.pdf")
rate=$(echo "$ATTENDEES / $seconds" | bc)
api_line="$ATTENDEES certificates in $(printf %.2f "$seconds") s = **$rate certificates/s**, $bytes bytes; regdesk's peak RSS $base_rss MiB before, **$after_rss MiB** after"
echo "$api_line"

section="<!-- certificates -->
## Certificates

Command: \`bench/certificates.sh\` ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, Release build).

The renderer alone (\`bench/certificates.cpp\`: PdfWriter, one thread, to a sink that counts bytes):

$(printf '%b' "$renderer" | sed 's/^/- /')

Through the product: $ATTENDEES confirmed registrations (by SQL) with 175 minutes each from a Zoom
report imported through \`POST …/attendance\`, then \`GET …/certificates\` with curl (one PDF,
written page by page to a temporary file and sent from disk; read back with pdfinfo, and the last
page with pdftotext):

- $api_line

Peak RSS is dominated by the Noto CJK fonts mapped by fontconfig (about 70 MiB, shared with other
processes) and pango's per-thread font caches; it does not grow with the number of certificates.
<!-- /certificates -->"
write_results_section certificates "$section"
