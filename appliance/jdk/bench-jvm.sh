#!/usr/bin/env bash
# make bench-small-jvm: the www appliance (unix, NET=socket, FS=crunch, access log off) built twice,
# on the build JDK's VM (JVM=jdk) and on Morgana's small VM (JVM=small, built first if needed),
# both running at once and measured in turn with wrk on loopback, so both see the same machine.
# Prints requests/s, MB/s, latency p50/p99 and the server's CPU time per request per file, and
# each VM's libjvm.so and resident memory after the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
JDK_PORT=${JDK_PORT:-18090}
SMALL_PORT=${SMALL_PORT:-18091}
SMALL=${SMALL:-small}   # or small-c2

. "$root/scripts/bench-lib.sh"
bench_need bench-small-jvm wrk curl
bench_workdir morgana-bench-jvm

java=$JAVA_HOME/bin/java
cp="appliance/target/classes:$(cat appliance/target/classpath.txt)"
declare -A pid_of
for jvm in jdk "$SMALL"; do
    port=$JDK_PORT; [ "$jvm" = jdk ] || port=$SMALL_PORT
    out=build/bench-jvm/$jvm/www
    echo "==> building www with JVM=$jvm on port $port"
    "$java" -cp "$cp" dev.morgana.appliance.Cli configure --app www --out "$out" PORT=$port ACCESS_LOG=false \
        JVM=$jvm >/dev/null
    "$java" -cp "$cp" dev.morgana.appliance.Cli build --out "$out" | tail -1
    "$out/bin/www" >"$work/$jvm.log" 2>&1 & pids+=($!)
    pid_of[$jvm]=$!   # bin/www execs the JVM
done
for port in $JDK_PORT $SMALL_PORT; do
    for i in $(seq 1 240); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.5; done
done

echo
echo "| file | JVM | requests/s | MB/s | p50 | p99 | server CPU µs/request | small/jdk req/s |"
echo "|---|---|---|---|---|---|---|---|"
htdocs=$root/htdocs-example/target/htdocs
for path in /images/logo.svg /docs/architecture.html /downloads/sample-4MiB.bin; do
    bench_pair "$htdocs" "$path" "$SMALL" $SMALL_PORT "${pid_of[$SMALL]}" jdk $JDK_PORT "${pid_of[jdk]}"
done
echo
for jvm in jdk "$SMALL"; do
    rt=build/bench-jvm/$jvm/www/runtime
    echo "JVM=$jvm: $("$rt/bin/java" -version 2>&1 | tail -1); libjvm.so $(stat -c %s "$rt/lib/server/libjvm.so") bytes;" \
        "resident after the run $(awk '/VmRSS/ { print $2, $3 }' "/proc/${pid_of[$jvm]}/status")"
done
echo "(wrk -t$THREADS -c$CONNECTIONS -d$DURATION after a $WARMUP warm-up, on loopback; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
