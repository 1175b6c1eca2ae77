# shellcheck shell=bash
# STACK_* variables are this library's output, read by the scripts that source it.
# shellcheck disable=SC2034
# ops/lib/stack.sh — start and stop the private services regdesk needs
# (a MariaDB server and an aiosmtpd mail catcher). Source it; do not run it.
#
#   free_port                        print a free TCP port on 127.0.0.1
#   db_start DIR PORT                private MariaDB in DIR (data/, err.log, p.pid)
#   db_stop DIR                      stop it (quietly does nothing if stopped)
#   db_socket DIR / db_pid DIR       where its socket is / its pid (if running)
#   smtp_start MAILDIR PORT [LOG]    aiosmtpd storing every message in MAILDIR
#   smtp_stop [MAILDIR]              stop it (default: the last one started here)
#   stack_cleanup                    stop everything started by this shell
#   pgrp_alive PGID / pgrp_stop PGID  is a process group alive / end it
#
# After a start, STACK_DB_DIR/STACK_DB_PORT/STACK_DB_SOCKET/STACK_DB_PID and
# STACK_SMTP_MAILDIR/STACK_SMTP_PORT/STACK_SMTP_PID describe the last server
# started; STACK_DB_DIRS/STACK_SMTP_MAILDIRS list everything stack_cleanup
# will stop. Every function is idempotent and safe to call from a trap.
# Functions return non-zero on failure instead of exiting, so callers decide.

# Debian's tools, never the pyenv python3 first on PATH (it lacks aiosmtpd).
STACK_PYTHON=${STACK_PYTHON:-/usr/bin/python3}

STACK_DB_DIRS=(${STACK_DB_DIRS[@]+"${STACK_DB_DIRS[@]}"})
STACK_SMTP_MAILDIRS=(${STACK_SMTP_MAILDIRS[@]+"${STACK_SMTP_MAILDIRS[@]}"})

_stack_log() { printf 'stack: %s\n' "$*" >&2; }

# Absolute path of DIR (created if missing), so pid/socket records stay valid
# whatever the caller's working directory is later.
_stack_abs() {
	mkdir -p -- "$1" && (cd -- "$1" && pwd -P)
}

# Prints the first line of FILE; fails quietly if it is missing or empty.
# (Not $(<FILE): under set -e a file vanishing meanwhile, e.g. a pid file at
# shutdown, would end the calling shell.)
_stack_read() {
	local line=
	{ read -r line <"$1" || [[ -n $line ]]; } 2>/dev/null || return 1
	[[ -n $line ]] && printf '%s\n' "$line"
}

# True while PID is alive and is not a zombie.
_stack_alive() {
	local pid=$1 state
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	state=$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || return 0
	[[ $state != Z ]]
}

# Wait until PID has exited; SIGKILL it after DEADLINE seconds.
_stack_wait_gone() {
	local pid=$1 deadline=$((SECONDS + $2))
	while _stack_alive "$pid"; do
		if ((SECONDS >= deadline)); then
			_stack_log "pid $pid did not exit in $2 s, sending SIGKILL"
			kill -KILL "$pid" 2>/dev/null || true
			deadline=$((SECONDS + 5))
			while _stack_alive "$pid" && ((SECONDS < deadline)); do sleep 0.05; done
			break
		fi
		sleep 0.05
	done
	# Reap it if it is our own child (no-op otherwise).
	wait "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------- free_port

# Prints a free TCP port on 127.0.0.1. It is chosen below the kernel's
# ephemeral range (outgoing connections never take it while a server is down,
# e.g. during an outage test), checked by binding it, and reserved in a small
# per-user registry under flock, so two concurrent runs never get the same
# port: a reservation holds while the calling shell ($$) lives, and at least
# two minutes (the window between choosing a port and the server binding it).
free_port() {
	"$STACK_PYTHON" - "$$" "${TMPDIR:-/tmp}/regdesk-ports-$(id -u)" <<'PY'
import fcntl, os, random, socket, sys, time

owner, regdir = int(sys.argv[1]), sys.argv[2]
try:
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        eph_low = int(f.read().split()[0])
except (OSError, ValueError, IndexError):
    eph_low = 32768
low, high = 20000, min(eph_low, 32768) - 1

def bindable(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", port))  # no SO_REUSEADDR: stricter than the servers
        return True
    except OSError:
        return False
    finally:
        s.close()

def reserved(port):
    path = os.path.join(regdir, str(port))
    try:
        age = time.time() - os.stat(path).st_mtime
        with open(path) as f:
            pid = int(f.read().strip() or 0)
    except (OSError, ValueError):
        return False
    if age < 120:
        return True
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True

def pick():
    if high - low < 100:  # unusual ephemeral range: let the kernel choose
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        return port
    for _ in range(2000):
        port = random.randint(low, high)
        if not reserved(port) and bindable(port):
            return port
    sys.exit("free_port: no free port found")

try:
    os.makedirs(regdir, mode=0o700, exist_ok=True)
    lock = open(os.path.join(regdir, ".lock"), "a")
    fcntl.flock(lock, fcntl.LOCK_EX)
except OSError:
    lock = None  # no registry: the bind check alone still applies
port = pick()
if lock is not None:
    with open(os.path.join(regdir, str(port)), "w") as f:
        f.write(f"{owner}\n")
print(port)
PY
}

# ---------------------------------------------------------------- MariaDB

# The socket path for DIR. sun_path holds 107 bytes: when DIR/s.sock is too
# long the socket lives in a short mktemp dir, recorded in DIR/sock.path so
# db_stop (maybe from another shell) finds it. With "create" the record is made.
db_socket() {
	local dir=${1:?usage: db_socket DIR [create]} sock
	if sock=$(_stack_read "$dir/sock.path"); then
		if [[ ${2:-} != create || -d ${sock%/*} ]]; then
			printf '%s\n' "$sock"
			return 0
		fi
	fi
	sock=$dir/s.sock
	if [[ ${2:-} == create ]]; then
		if ((${#sock} > 100)); then
			sock=$(mktemp -d /tmp/rdsock.XXXXXX)/s.sock || return 1
		fi
		printf '%s\n' "$sock" >"$dir/sock.path"
	fi
	printf '%s\n' "$sock"
}

# The pid of the server running in DIR, from its pid file; fails if none runs.
db_pid() {
	local dir=${1:?usage: db_pid DIR} pid
	pid=$(_stack_read "$dir/p.pid") || return 1
	_stack_alive "$pid" || return 1
	# A stale pid file may name a recycled pid: only trust a mariadbd.
	[[ $(_stack_read "/proc/$pid/comm" || true) == mariadbd ]] || return 1
	printf '%s\n' "$pid"
}

_db_ping() {
	mariadb-admin --no-defaults --connect-timeout=2 --socket="$1" -uroot ping >/dev/null 2>&1
}

_db_root() {
	local sock=$1
	shift
	mariadb --no-defaults --connect-timeout=5 --socket="$sock" -uroot "$@"
}

db_start() {
	local dir=${1:?usage: db_start DIR PORT} port=${2:?usage: db_start DIR PORT}
	local sock pid running_port deadline
	dir=$(_stack_abs "$dir") || return 1
	sock=$(db_socket "$dir" create) || return 1

	# Already running here? Keep it if it serves the wanted port.
	if pid=$(db_pid "$dir") && _db_ping "$sock"; then
		running_port=$(_db_root "$sock" -N -B -e 'SELECT @@port' 2>/dev/null || true)
		if [[ $running_port == "$port" ]]; then
			_db_track "$dir" "$port" "$sock" "$pid"
			return 0
		fi
		_stack_log "MariaDB in $dir listens on ${running_port:-?}, restarting on $port"
		db_stop "$dir"
		sock=$(db_socket "$dir" create) || return 1
	fi

	# First use: initialise into a scratch dir and rename it, so an interrupted
	# init never leaves a half-made datadir that later starts would trip over.
	# --force: the script looks the hostname up (resolveip) even with
	# --skip-name-resolve, and fails where it does not resolve (a minimal root,
	# a container); --force skips that look-up, and the grants use IP addresses.
	# Every server gets a tmpdir of its own: MariaDB names its temporary
	# tables by pid and thread in a shared /tmp, and concurrent bootstraps
	# there fail now and then ("Unknown table 'mysql.tmp_user_sys'").
	mkdir -p -- "$dir/tmp" || return 1
	if [[ ! -d $dir/data ]]; then
		rm -rf -- "$dir/data.init"
		if ! mariadb-install-db --no-defaults --datadir="$dir/data.init" --user=root \
			--auth-root-authentication-method=normal --skip-test-db --skip-name-resolve --force \
			--tmpdir="$dir/tmp" >"$dir/install.log" 2>&1; then
			# The cause is in the server's lines, above the script's long advice.
			_stack_log "mariadb-install-db failed; its errors in $dir/install.log:"
			grep -E 'ERROR|\[Warning\]' "$dir/install.log" | head -n 20 >&2
			return 1
		fi
		mv -- "$dir/data.init" "$dir/data" || return 1
	fi

	# --no-defaults first so /etc/mysql never applies (it would make the server
	# latin1 and point it at the system datadir). Output goes to the log, never
	# to the caller's stdout/stderr: a captured pipe would otherwise stay open.
	: >>"$dir/err.log"
	local errlog_start
	errlog_start=$(($(wc -l <"$dir/err.log") + 1))
	mariadbd --no-defaults --user=root --datadir="$dir/data" --socket="$sock" \
		--pid-file="$dir/p.pid" --bind-address=127.0.0.1 --port="$port" \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
		--log-error="$dir/err.log" --skip-name-resolve --tmpdir="$dir/tmp" \
		--innodb-buffer-pool-size=256M --max-connections=500 \
		--innodb-flush-log-at-trx-commit=1 \
		</dev/null >>"$dir/err.log" 2>&1 &
	pid=$!

	deadline=$((SECONDS + 30))
	until _db_ping "$sock"; do
		if ! _stack_alive "$pid" || ((SECONDS >= deadline)); then
			if _stack_alive "$pid"; then
				_stack_log "MariaDB in $dir not up after 30 s"
				kill -TERM "$pid" 2>/dev/null || true
				_stack_wait_gone "$pid" 10
			else
				wait "$pid" 2>/dev/null || true
				_stack_log "MariaDB in $dir exited during startup"
			fi
			_stack_log "last lines of $dir/err.log:"
			tail -n "+$errlog_start" "$dir/err.log" | tail -n 30 >&2
			return 1
		fi
		sleep 0.05
	done

	# The application user, over TCP (127.0.0.1: --skip-name-resolve means no
	# "localhost" for TCP) and over the socket (localhost). Idempotent, so it
	# is simply run on every start: a start interrupted after init still ends
	# up with the user.
	if ! _db_root "$sock" -e "
		CREATE USER IF NOT EXISTS 'regdesk'@'127.0.0.1' IDENTIFIED BY 'regdesk';
		GRANT ALL ON *.* TO 'regdesk'@'127.0.0.1' WITH GRANT OPTION;
		CREATE USER IF NOT EXISTS 'regdesk'@'localhost' IDENTIFIED BY 'regdesk';
		GRANT ALL ON *.* TO 'regdesk'@'localhost' WITH GRANT OPTION;"; then
		_stack_log "could not create the regdesk user in $dir"
		return 1
	fi
	_db_track "$dir" "$port" "$sock" "$pid"
}

_db_track() {
	STACK_DB_DIR=$1 STACK_DB_PORT=$2 STACK_DB_SOCKET=$3 STACK_DB_PID=$4
	local d
	for d in ${STACK_DB_DIRS[@]+"${STACK_DB_DIRS[@]}"}; do
		[[ $d == "$1" ]] && return 0
	done
	STACK_DB_DIRS+=("$1")
}

db_stop() {
	local dir=${1:?usage: db_stop DIR} sock pid
	[[ -d $dir ]] || return 0
	dir=$(cd -- "$dir" && pwd -P) || return 0
	sock=$(db_socket "$dir")
	if pid=$(db_pid "$dir"); then
		# A clean shutdown through the socket; a signal if that fails.
		if ! mariadb-admin --no-defaults --connect-timeout=5 --socket="$sock" -uroot \
			shutdown >/dev/null 2>&1; then
			kill -TERM "$pid" 2>/dev/null || true
		fi
		_stack_wait_gone "$pid" 60
	fi
	# Forget a short socket dir (db_start makes a new one if needed).
	if [[ $sock != "$dir/s.sock" ]]; then
		rm -f -- "$sock"
		rmdir -- "${sock%/*}" 2>/dev/null || true
		rm -f -- "$dir/sock.path"
	fi
	if [[ ${STACK_DB_DIR:-} == "$dir" ]]; then
		STACK_DB_PID=
	fi
	return 0
}

# ---------------------------------------------------------------- aiosmtpd

# Port accepts connections? (bash's /dev/tcp, no extra tools.)
_stack_port_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

smtp_start() {
	local maildir=${1:?usage: smtp_start MAILDIR PORT [LOGFILE]}
	local port=${2:?usage: smtp_start MAILDIR PORT [LOGFILE]} log=${3:-} pid deadline
	maildir=$(_stack_abs "$maildir") || return 1
	log=${log:-$maildir/.smtpd.log}
	# The Mailbox handler wants a complete maildir.
	mkdir -p -- "$maildir/cur" "$maildir/new" "$maildir/tmp" || return 1

	if pid=$(_stack_read "$maildir/.smtpd.pid"); then
		if _stack_alive "$pid" && [[ $(_stack_read "$maildir/.smtpd.port" || true) == "$port" ]] &&
			_stack_port_open "$port"; then
			_smtp_track "$maildir" "$port" "$pid"
			return 0
		fi
		smtp_stop "$maildir"
	fi

	# -n: as root aiosmtpd would otherwise switch to "nobody" and fail to write.
	"$STACK_PYTHON" -m aiosmtpd -n -l "127.0.0.1:$port" \
		-c aiosmtpd.handlers.Mailbox "$maildir" </dev/null >>"$log" 2>&1 &
	pid=$!
	printf '%s\n' "$pid" >"$maildir/.smtpd.pid"
	printf '%s\n' "$port" >"$maildir/.smtpd.port"

	deadline=$((SECONDS + 15))
	until _stack_port_open "$port"; do
		if ! _stack_alive "$pid" || ((SECONDS >= deadline)); then
			_stack_log "aiosmtpd on port $port did not come up; last lines of $log:"
			tail -n 20 "$log" >&2
			smtp_stop "$maildir"
			return 1
		fi
		sleep 0.05
	done
	# The port may have been someone else's: make sure ours is still alive.
	if ! _stack_alive "$pid"; then
		_stack_log "aiosmtpd exited; port $port is taken by another process"
		rm -f -- "$maildir/.smtpd.pid" "$maildir/.smtpd.port"
		return 1
	fi
	_smtp_track "$maildir" "$port" "$pid"
}

_smtp_track() {
	STACK_SMTP_MAILDIR=$1 STACK_SMTP_PORT=$2 STACK_SMTP_PID=$3
	local d
	for d in ${STACK_SMTP_MAILDIRS[@]+"${STACK_SMTP_MAILDIRS[@]}"}; do
		[[ $d == "$1" ]] && return 0
	done
	STACK_SMTP_MAILDIRS+=("$1")
}

smtp_stop() {
	local maildir=${1:-${STACK_SMTP_MAILDIR:-}} pid
	[[ -n $maildir && -d $maildir ]] || return 0
	if pid=$(_stack_read "$maildir/.smtpd.pid"); then
		if _stack_alive "$pid" && grep -qa aiosmtpd "/proc/$pid/cmdline" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null || true
			_stack_wait_gone "$pid" 10
		fi
	fi
	rm -f -- "$maildir/.smtpd.pid" "$maildir/.smtpd.port"
	if [[ ${STACK_SMTP_MAILDIR:-} == "$maildir" ]]; then
		STACK_SMTP_PID=
	fi
	return 0
}

# ---------------------------------------------------------------- cleanup

# True while process group PGID has a member that is not a zombie (a zombie
# would count for "kill -0 -PGID" until its parent reaps it). Reads /proc
# directly: no dependency on procps.
pgrp_alive() {
	local pgid=$1 f s state pgrp
	for f in /proc/[0-9]*/stat; do
		# (read, not $(<f): under set -e a vanished file would end the shell)
		{ read -r s <"$f"; } 2>/dev/null || continue
		s=${s##*) } # after "pid (comm) ", comm may contain anything
		read -r state _ pgrp _ <<<"$s"
		if [[ $pgrp == "$pgid" && $state != Z ]]; then
			return 0
		fi
	done
	return 1
}

# Ends process group PGID: SIGINT (lets e.g. pytest run its teardowns), then
# SIGTERM, then SIGKILL, waiting up to STEP seconds (default 10) after each.
pgrp_stop() {
	local pgid=$1 step=${2:-10} sig deadline
	[[ $pgid =~ ^[0-9]+$ ]] || return 0
	for sig in INT TERM KILL; do
		pgrp_alive "$pgid" || return 0
		kill "-$sig" -- "-$pgid" 2>/dev/null || true
		deadline=$((SECONDS + step))
		while pgrp_alive "$pgid" && ((SECONDS < deadline)); do
			sleep 0.1
		done
	done
	return 0
}

# Stops every server started from this shell (mail first, then databases).
stack_cleanup() {
	local d
	for d in ${STACK_SMTP_MAILDIRS[@]+"${STACK_SMTP_MAILDIRS[@]}"}; do
		smtp_stop "$d"
	done
	for d in ${STACK_DB_DIRS[@]+"${STACK_DB_DIRS[@]}"}; do
		db_stop "$d"
	done
	return 0
}
