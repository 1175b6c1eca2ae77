#!/usr/bin/env bash
# Measures certificate PDFs: 1,000 certificates written as one PDF by PdfWriter (one thread) to a
# sink that only counts bytes, then 10,000 to show peak RSS does not grow with the count (the
# writer streams page by page); then 1,000 written to a file and read back with pdfinfo and
# pdftotext (poppler-utils) to check the output is the PDF it claims to be. Prints the figures;
# writes nothing to bench/RESULTS.md.
#   bench/certificates.sh            (COUNTS="1000 10000" by default)
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BENCH_BUILD_DIR:-build-bench}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DREGDESK_BENCH=ON >/dev/null
cmake --build "$BUILD" --target certificate_bench -j2 >/dev/null
bench=$BUILD/bench/certificate_bench

for n in ${COUNTS:-1000 10000}; do
  echo "== $n certificates"
  "$bench" "$n"
done

tmp=$(mktemp -d /tmp/regdesk-certificate-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$bench" 1000 "$tmp/certificates.pdf" >/dev/null
pages=$(pdfinfo "$tmp/certificates.pdf" | awk '/^Pages:/ {print $2}')
[[ $pages == 1000 ]] || { echo "the PDF has $pages pages, expected 1000" >&2; exit 1; }
pdftotext -f 1000 -l 1000 "$tmp/certificates.pdf" - | grep -q 'SYMPO2024-000999' ||
  { echo "page 1000 does not read back as certificate SYMPO2024-000999" >&2; exit 1; }
echo "checked: 1,000 pages, page 1000 reads back as SYMPO2024-000999 (pdfinfo, pdftotext)"
