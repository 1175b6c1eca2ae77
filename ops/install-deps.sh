#!/usr/bin/env bash
# ops/install-deps.sh — install the Debian (bookworm) packages regdesk needs to
# build, test and run. Does nothing at all when everything is installed, so
# ops/test and ops/run can call it every time at no cost.
set -euo pipefail

# One list for everything, derived from a minimal bookworm root (debootstrap
# --variant=minbase), where ops/test-fresh-root proves it is complete; add new
# dependencies here and run that script.
PACKAGES=(
	# toolchain
	build-essential cmake ninja-build pkg-config
	# libraries (the library notes in the project's shared docs, LIBRARIES.md);
	# libxlsxwriter links zlib, whose -dev package it does not pull in
	libpistache-dev libmysqlcppconn-dev libcurl4-openssl-dev nlohmann-json3-dev
	libssl-dev libkainjow-mustache-dev libxlsxwriter-dev zlib1g-dev libargon2-dev libicu-dev libcli11-dev
	libhowardhinnant-date-dev libexpected-dev tzdata
	# the service's allocator: tcmalloc (libtcmalloc_minimal, src/CMakeLists.txt)
	libgoogle-perftools-dev
	# certificates (src/certificate): PDF through cairo, Japanese shaped by pango (fonts-noto-cjk,
	# below); poppler-utils for the tests reading the PDFs back (pdftotext, pdfinfo)
	libcairo2-dev libpango1.0-dev poppler-utils
	# database server and client (a private instance is started by ops/lib/stack.sh);
	# Galera, rsync (its state transfer) and haproxy for the cluster on loopback (ops/cluster)
	mariadb-server mariadb-client galera-4 rsync haproxy
	# nginx in front of several `regdesk serve` (ops/nginx; the cluster tests and bench/cluster.sh
	# start a private one on loopback)
	nginx
	# tests: the SMTP server, pytest, the xlsx reader; openssl makes the STARTTLS
	# test's self-signed certificate
	libgtest-dev libgmock-dev googletest
	# fuzzing (ops/fuzz, tests/fuzz): clang 14 with its compiler-rt, which holds libFuzzer and
	# the AddressSanitizer/UndefinedBehaviorSanitizer runtimes for -fsanitize=fuzzer,address,undefined
	clang libclang-rt-14-dev
	python3-aiosmtpd python3-pytest python3-openpyxl openssl
	# benchmarks (bench/*.sh): load generator, HTTP client, JSON, arithmetic, ps
	wrk curl jq bc procps
	# browser tests (tests/browser): Debian's chromium driven by npm's playwright-core;
	# CJK fonts, or Chromium draws Japanese as empty boxes (the certificates' fonts too)
	chromium fonts-noto-cjk nodejs
	# npm fetches over HTTPS and checks the registry's certificate
	ca-certificates
)
# Debian's nodejs needs its npm package; NodeSource's nodejs ships npm itself and conflicts
# with that package, so ask for it only when there is no npm at all.
if ! command -v npm >/dev/null 2>&1; then
	PACKAGES+=(npm)
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
	# ${Status} is dpkg-query's field, not a shell expansion.
	# shellcheck disable=SC2016
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	if [[ $status != "install ok installed" ]]; then
		missing+=("$pkg")
	fi
done

if ((${#missing[@]} == 0)); then
	exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2

sudo=()
if ((EUID != 0)); then
	sudo=(sudo)
fi

# Packages such as mariadb-server start their service from postinst; the
# project never uses the system server (tests and ops/run start a private
# one), so forbid service starts during the install with a policy-rc.d —
# only if there is none already, and remove only the one we created.
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
	printf '#!/bin/sh\n# temporary, from regdesk ops/install-deps.sh\nexit 101\n' |
		"${sudo[@]}" tee "$policy" >/dev/null
	"${sudo[@]}" chmod 755 "$policy"
	trap '"${sudo[@]}" rm -f "$policy"' EXIT
fi

# Wait for a concurrent apt/dpkg (e.g. another checkout's run) instead of failing.
apt_opts=(-q -o DPkg::Lock::Timeout=600)
"${sudo[@]}" apt-get "${apt_opts[@]}" update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}"
