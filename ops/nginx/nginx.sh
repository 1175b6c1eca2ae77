#!/usr/bin/env bash
# ops/nginx/nginx.sh — a private nginx on loopback in front of several `regdesk serve`, for the
# tests and benchmarks: the shipped site's locations and proxy settings (locations.conf,
# proxy.conf, linked into DIR/snippets/ as they are installed in /etc/nginx/snippets/), without
# TLS, everything (config, pid, logs, temp files) in DIR.
#
#   ops/nginx/nginx.sh start DIR PORT UPSTREAM_PORT...   listen on 127.0.0.1:PORT
#   ops/nginx/nginx.sh stop DIR
set -euo pipefail
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=../lib/stack.sh
source "$here/../lib/stack.sh"

die() {
	printf 'nginx.sh: %s\n' "$*" >&2
	exit 1
}

start() {
	local dir=${1:?usage: start DIR PORT UPSTREAM_PORT...} port=${2:?PORT}
	shift 2
	(($# > 0)) || die "no upstream port"
	local servers="" p
	for p in "$@"; do servers+="        server 127.0.0.1:$p;"$'\n'; done
	mkdir -p "$dir/nginx-temp" "$dir/snippets"
	ln -sf "$here/locations.conf" "$dir/snippets/regdesk-locations.conf"
	ln -sf "$here/proxy.conf" "$dir/snippets/regdesk-proxy.conf"
	chmod 1777 "$dir/nginx-temp"  # started as root, nginx's workers run as nobody
	cat >"$dir/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    client_body_temp_path $dir/nginx-temp/body;
    proxy_temp_path $dir/nginx-temp/proxy;
    fastcgi_temp_path $dir/nginx-temp/fastcgi;
    uwsgi_temp_path $dir/nginx-temp/uwsgi;
    scgi_temp_path $dir/nginx-temp/scgi;
    client_max_body_size 64k;
    upstream regdesk {
$servers        keepalive 64;
    }
    server {
        listen 127.0.0.1:$port;
        include snippets/regdesk-locations.conf;
    }
}
CONF
	nginx -t -q -e "$dir/nginx-error.log" -c "$dir/nginx.conf" 2>>"$dir/nginx-error.log" ||
		die "nginx refused $dir/nginx.conf (see $dir/nginx-error.log)"
	nginx -e "$dir/nginx-error.log" -c "$dir/nginx.conf" </dev/null >>"$dir/nginx.log" 2>&1 &
	local deadline=$((SECONDS + 10))
	until _stack_port_open "$port"; do
		((SECONDS < deadline)) || die "nginx did not listen on $port (see $dir/nginx-error.log)"
		sleep 0.1
	done
}

stop() {
	local dir=${1:?usage: stop DIR} pid
	pid=$(cat "$dir/nginx.pid" 2>/dev/null) || return 0
	kill -QUIT "$pid" 2>/dev/null || true  # graceful: finish what is in flight
	_stack_wait_gone "$pid" 10
	rm -f "$dir/nginx.pid"
}

case ${1:-} in
start | stop)
	cmd=$1
	shift
	"$cmd" "$@"
	;;
*) die "usage: nginx.sh start DIR PORT UPSTREAM_PORT... | stop DIR" ;;
esac
