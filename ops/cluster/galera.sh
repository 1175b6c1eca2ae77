#!/usr/bin/env bash
# ops/cluster/galera.sh — a MariaDB Galera cluster on loopback, for tests and trials: N nodes
# (default 3), each a private mariadbd in DIR/nodeI with ports chosen free, rsync SST. The
# first node bootstraps the cluster and gets the regdesk user (replicated to the others); the
# joiners start empty and are filled by SST. Returns when every node is Synced.
#
#   ops/cluster/galera.sh start DIR [N]   start (or keep) the cluster; DIR/nodes lists
#                                          "index mysql_port galera_port pid_file" per node
#   ops/cluster/galera.sh stop DIR        stop every node of DIR
#   ops/cluster/galera.sh start-node DIR I    start node I again (it rejoins by IST or SST)
#
# Not the system MariaDB: --no-defaults, sockets and data under DIR. Needs galera-4 and rsync.
# REGDESK_GALERA_OPTIONS: more wsrep_provider_options for every node, e.g.
# "evs.keepalive_period=PT0.5S;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT4S" (bench/cluster.sh
# tries that; the keepalive must stay under a third of the suspect timeout).
set -euo pipefail
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
# shellcheck source-path=SCRIPTDIR source=../lib/stack.sh
source "$root/ops/lib/stack.sh"

provider=/usr/lib/galera/libgalera_smm.so
log() { printf 'galera: %s\n' "$*" >&2; }
die() {
	log "$*"
	exit 1
}

# node_field DIR I FIELD: from DIR/nodes (fields: 1 index, 2 mysql port, 3 galera port,
# 4 ist port, 5 sst port).
node_field() {
	awk -v i="$2" -v f="$3" '$1 == i { print $f }' "$1/nodes"
}

cluster_address() {
	local dir=$1
	awk '{ printf "%s127.0.0.1:%s", (NR > 1 ? "," : ""), $3 }' "$dir/nodes"
}

sql_root() {
	local dir=$1 i=$2
	shift 2
	mariadb --no-defaults --connect-timeout=5 --socket="$dir/node$i/s.sock" -uroot -N -B "$@"
}

wait_synced() {
	local dir=$1 i=$2 deadline=$((SECONDS + 120)) state
	while :; do
		state=$(sql_root "$dir" "$i" -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
			WHERE VARIABLE_NAME IN ('wsrep_local_state_comment', 'wsrep_ready') ORDER BY VARIABLE_NAME" \
			2>/dev/null | tr '\n' ' ' || true)
		[[ $state == "Synced ON " ]] && return 0
		if ((SECONDS >= deadline)); then
			tail -n 30 "$dir/node$i/err.log" >&2
			die "node $i not Synced after 120 s (state: ${state:-no answer})"
		fi
		sleep 0.2
	done
}

start_node() {
	local dir=$1 i=$2 bootstrap=${3:-} node pidfile pid
	node=$dir/node$i
	mkdir -p -- "$node"
	pidfile=$node/p.pid
	if pid=$(_stack_read "$pidfile") && _stack_alive "$pid"; then
		return 0
	fi
	# A tmpdir of its own, as in ops/lib/stack.sh: concurrent bootstraps in a
	# shared /tmp fail now and then.
	mkdir -p -- "$node/tmp"
	local extra=()
	if [[ -n $bootstrap ]]; then
		extra=(--wsrep-new-cluster)
		if [[ ! -d $node/data ]]; then
			mariadb-install-db --no-defaults --datadir="$node/data" --user=root \
				--auth-root-authentication-method=normal --skip-test-db --skip-name-resolve --force \
				--tmpdir="$node/tmp" >"$node/install.log" 2>&1 || {
				tail -n 20 "$node/install.log" >&2
				die "mariadb-install-db failed for node $i"
			}
		fi
	fi
	if [[ -z $bootstrap && -d $node/data/mysql ]]; then
		# A node that was killed does not know its position (grastate.dat says seqno -1),
		# and without one it would get a full SST. Recover it from InnoDB's own log, as the
		# galera_recovery of Debian's unit does, so the rejoin is an IST of what it missed.
		local position
		mariadbd --no-defaults --user=root --datadir="$node/data" --socket="$node/recover.sock" \
			--skip-networking --tmpdir="$node/tmp" --innodb-buffer-pool-size=64M \
			--binlog-format=ROW --wsrep-on=ON --wsrep-provider="$provider" --wsrep-recover \
			--wsrep-cluster-address="gcomm://$(cluster_address "$dir")" \
			--log-error="$node/recover.log" </dev/null >>"$node/recover.log" 2>&1 || true
		position=$(sed -n 's/.*WSREP: Recovered position: *//p' "$node/recover.log" | tail -n 1)
		[[ $position == *:* ]] && extra+=(--wsrep-start-position="$position")
	fi
	mkdir -p -- "$node/data"
	# As root the rsync SST daemon runs as nobody: it must be able to write there, also
	# over the files a node that crashed left behind.
	chmod 0777 "$dir" "$node"
	chmod -R a+rwX "$node/data"
	local port gport iport sport
	port=$(node_field "$dir" "$i" 2) gport=$(node_field "$dir" "$i" 3)
	iport=$(node_field "$dir" "$i" 4) sport=$(node_field "$dir" "$i" 5)
	mariadbd --no-defaults --user=root --datadir="$node/data" --socket="$node/s.sock" \
		--pid-file="$pidfile" --bind-address=127.0.0.1 --port="$port" \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
		--log-error="$node/err.log" --skip-name-resolve --tmpdir="$node/tmp" --max-connections=500 \
		--innodb-buffer-pool-size=128M --innodb-flush-log-at-trx-commit=1 \
		--binlog-format=ROW --innodb-autoinc-lock-mode=2 \
		--wsrep-on=ON --wsrep-provider="$provider" --wsrep-cluster-name=regdesk-test \
		--wsrep-cluster-address="gcomm://$(cluster_address "$dir")" \
		--wsrep-node-address="127.0.0.1:$gport" --wsrep-node-incoming-address="127.0.0.1:$port" \
		--wsrep-sst-method=rsync --wsrep-sst-receive-address="127.0.0.1:$sport" \
		--wsrep-provider-options="base_port=$gport;ist.recv_addr=127.0.0.1:$iport${REGDESK_GALERA_OPTIONS:+;$REGDESK_GALERA_OPTIONS}" \
		"${extra[@]}" </dev/null >>"$node/err.log" 2>&1 &
	wait_synced "$dir" "$i"
}

cmd_start() {
	local dir=${1:?usage: galera.sh start DIR [N]} n=${2:-3} i
	[[ -x $provider ]] || [[ -f $provider ]] || die "no Galera provider at $provider (galera-4)"
	command -v rsync >/dev/null || die "rsync is needed for SST"
	mkdir -p -- "$dir"
	dir=$(cd -- "$dir" && pwd -P)
	if [[ ! -s $dir/nodes ]]; then
		for ((i = 0; i < n; i++)); do
			printf '%d %s %s %s %s\n' "$i" "$(free_port)" "$(free_port)" "$(free_port)" "$(free_port)"
		done >"$dir/nodes"
	fi
	start_node "$dir" 0 bootstrap
	sql_root "$dir" 0 -e "
		CREATE USER IF NOT EXISTS 'regdesk'@'127.0.0.1' IDENTIFIED BY 'regdesk';
		GRANT ALL ON *.* TO 'regdesk'@'127.0.0.1' WITH GRANT OPTION;"
	for ((i = 1; i < $(wc -l <"$dir/nodes"); i++)); do
		start_node "$dir" "$i"
	done
	log "cluster of $(wc -l <"$dir/nodes") nodes Synced; MySQL ports: $(awk '{print $2}' "$dir/nodes" | tr '\n' ' ')"
}

cmd_stop() {
	local dir=${1:?usage: galera.sh stop DIR} i pid
	[[ -s $dir/nodes ]] || return 0
	for i in $(awk '{print $1}' "$dir/nodes" | sort -rn); do
		if pid=$(_stack_read "$dir/node$i/p.pid") && _stack_alive "$pid"; then
			kill -TERM "$pid" 2>/dev/null || true
			_stack_wait_gone "$pid" 60
		fi
	done
}

case ${1:-} in
start) shift && cmd_start "$@" ;;
stop) shift && cmd_stop "$@" ;;
start-node) shift && start_node "$(cd -- "$1" && pwd -P)" "$2" ;;
*) die "usage: galera.sh start DIR [N] | stop DIR | start-node DIR I" ;;
esac
