#!/usr/bin/env bash
# ops/cluster/haproxy.sh — haproxy in front of the Galera cluster on loopback that
# ops/cluster/galera.sh started in DIR, from ops/cluster/haproxy.cfg.in.
#
#   ops/cluster/haproxy.sh start DIR PORT AGENT_PORT...   listen on 127.0.0.1:PORT; node I's
#                                      health agent (regdesk cluster-check) on AGENT_PORT I
#   ops/cluster/haproxy.sh stop DIR
set -euo pipefail
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=../lib/stack.sh
source "$here/../lib/stack.sh"

die() {
	printf 'haproxy.sh: %s\n' "$*" >&2
	exit 1
}

start() {
	local dir=${1:?usage: start DIR PORT AGENT_PORT...} port=${2:?PORT}
	shift 2
	local agents=("$@") servers="" i=0 mysql_port backup
	[[ -f $dir/nodes ]] || die "$dir/nodes not found: start the cluster first (galera.sh)"
	while read -r index mysql_port _; do
		[[ -n ${agents[i]:-} ]] || die "no health agent port for node $index"
		backup=$([[ $i -gt 0 ]] && echo " backup" || true)
		servers+="    server node$index 127.0.0.1:$mysql_port check port ${agents[i]}$backup"$'\n'
		i=$((i + 1))
	done <"$dir/nodes"
	# Bash's own substitution: the template holds nothing sed would have to escape.
	local template
	template=$(<"$here/haproxy.cfg.in")
	template=${template//@LISTEN@/127.0.0.1:$port}
	template=${template//@SOCKET@/$dir/haproxy.sock}
	printf '%s\n' "${template//@SERVERS@/$servers}" >"$dir/haproxy.cfg"
	haproxy -c -q -f "$dir/haproxy.cfg" || die "haproxy refused $dir/haproxy.cfg"
	haproxy -db -f "$dir/haproxy.cfg" </dev/null >>"$dir/haproxy.log" 2>&1 &
	echo $! >"$dir/haproxy.pid"
	local deadline=$((SECONDS + 10))
	until _stack_port_open "$port"; do
		((SECONDS < deadline)) || die "haproxy did not listen on $port (see $dir/haproxy.log)"
		sleep 0.1
	done
}

stop() {
	local dir=${1:?usage: stop DIR} pid
	pid=$(cat "$dir/haproxy.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
	_stack_wait_gone "$pid" 10
	rm -f "$dir/haproxy.pid"
}

case ${1:-} in
start | stop)
	cmd=$1
	shift
	"$cmd" "$@"
	;;
*) die "usage: haproxy.sh start DIR PORT AGENT_PORT... | stop DIR" ;;
esac
