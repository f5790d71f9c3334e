#!/usr/bin/env bash
# make bench: the default appliance (unix, NET=socket, FS=crunch) against nginx serving the same
# htdocs, measured in one run on loopback with wrk (64 connections, keep-alive, access logs off
# in both). Prints requests/s, MB/s, latency p50/p99 and the ratio Morgana/nginx per file.
# Needs wrk and nginx (installed from Debian when missing and root).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-5s}   # unmeasured run first, so the JIT has compiled the request path
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
MORGANA_PORT=${MORGANA_PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
htdocs=$root/htdocs-example/target/htdocs

. "$root/scripts/bench-lib.sh"
bench_need bench wrk nginx
bench_workdir morgana-bench

echo "==> building the default appliance on port $MORGANA_PORT"
java=$JAVA_HOME/bin/java
cp="appliance/target/classes:$(cat appliance/target/classpath.txt)"
# Access logs off in both, as nginx below (the server logs by default: one console write per request).
"$java" -cp "$cp" dev.morgana.appliance.Cli configure --app www --out build/bench-http/www PORT=$MORGANA_PORT \
    ACCESS_LOG=false >/dev/null
"$java" -cp "$cp" dev.morgana.appliance.Cli build --out build/bench-http/www | tail -1
build/bench-http/www/bin/www > "$work/morgana.log" 2>&1 & pids+=($!)
morgana_pid=$!  # bin/www execs the JVM, so this is the server itself

bench_start_nginx "$(cat <<SERVER
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $htdocs;
        etag on;
    }
SERVER
)"

for port in $MORGANA_PORT $NGINX_PORT; do
    for i in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.5; done
done

echo
nginx_pids=("$(cat "$work/nginx.pid")" $(pgrep -P "$(cat "$work/nginx.pid")"))
echo "| file | server | requests/s | MB/s | p50 | p99 | server CPU µs/request | Morgana/nginx req/s |"
echo "|---|---|---|---|---|---|---|---|"
for path in /images/logo.svg /docs/architecture.html /downloads/sample-4MiB.bin; do
    bench_pair "$htdocs" "$path" Morgana $MORGANA_PORT "$morgana_pid" nginx $NGINX_PORT "${nginx_pids[*]}"
done
echo
echo "(wrk -t$THREADS -c$CONNECTIONS -d$DURATION after a $WARMUP warm-up, on loopback; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
"$root/scripts/bench-tls.sh"
