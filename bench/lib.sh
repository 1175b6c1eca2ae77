# Shared by the benchmark scripts (bench/run.sh, bench/mail.sh): logging, starting and
# stopping the servers they measure, per-process CPU time. Sourced; expects $TMP to be set
# before start_server is called.

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

stop_pid() {  # PID: SIGTERM, wait up to 10 s, then SIGKILL
	local pid=$1 i
	[[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 200; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# Starts a server in the background; waits for "listening on http://HOST:PORT" on its stdout.
# Sets STARTED_PID and STARTED_URL.
start_server() {
	local name=$1
	shift
	: >"$TMP/$name.out"
	"$@" >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null &
	STARTED_PID=$!
	local i url=""
	for ((i = 0; i < 200; i++)); do
		url=$(sed -n 's/^listening on \(http:\/\/[^ ]*\).*/\1/p' "$TMP/$name.out" | head -n 1)
		[[ -n $url ]] && break
		kill -0 "$STARTED_PID" 2>/dev/null || break
		sleep 0.05
	done
	if [[ -z $url ]]; then
		log "$name did not start; its output:"
		cat "$TMP/$name.out" "$TMP/$name.err" >&2
		return 1
	fi
	STARTED_URL=$url
}

# CPU time of a process (all its threads) in clock ticks.
proc_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
