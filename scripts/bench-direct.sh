#!/usr/bin/env bash
# make bench-direct: the www appliance with NET=direct (our TCP/IP stack on a TAP device) against
# the same appliance with NET=socket (the kernel's stack) in a network namespace reached over a
# veth pair, measured in one run with wrk from the host (keep-alive, 64 connections). Prints
# requests/s for the small pages, MB/s and Gbit/s for the 4 MiB file, and the ratios direct/socket.
# Root only (TAP, namespace, veth); everything it creates is removed at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-5s}   # unmeasured run first, so the JIT has compiled the request path
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=8080
PATHS=${PATHS:-/images/logo.svg /docs/architecture.html /downloads/sample-4MiB.bin}
htdocs=$root/htdocs-example/target/htdocs

[ "$(id -u)" -eq 0 ] || { echo "error: make bench-direct needs root (TAP device, namespace, veth pair)" >&2; exit 1; }
[ -e /dev/net/tun ] || { echo "error: no /dev/net/tun: this system has no TUN/TAP driver" >&2; exit 1; }
. "$root/scripts/bench-lib.sh"
bench_need bench-direct wrk

suffix=$(printf '%06x' $((RANDOM * 32768 + RANDOM)))
tap=mgbd$suffix           # host side 10.213.0.1, the NET=direct appliance 10.213.0.2
ns=morgana-bench-$suffix  # the NET=socket appliance, 10.214.0.2 on the veth inside
veth_host=mgbh$suffix     # 10.214.0.1
veth_ns=mgbn$suffix
direct_ip=10.213.0.2
socket_ip=10.214.0.2

work=$(mktemp -d /tmp/morgana-bench-direct.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    ip link del "$tap" 2>/dev/null || true
    ip link del "$veth_host" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

java=$JAVA_HOME/bin/java
cp="appliance/target/classes:$(cat appliance/target/classpath.txt)"
echo "==> building the www appliance twice: NET=direct on $tap, NET=socket in namespace $ns"
"$java" -cp "$cp" dev.morgana.appliance.Cli configure --app www --out build/bench-direct/direct \
    NET=direct TAP=$tap IP=$direct_ip NETMASK=255.255.255.0 GATEWAY=10.213.0.1 PORT=$PORT ACCESS_LOG=false >/dev/null
"$java" -cp "$cp" dev.morgana.appliance.Cli build --out build/bench-direct/direct | tail -1
"$java" -cp "$cp" dev.morgana.appliance.Cli configure --app www --out build/bench-direct/socket NET=socket PORT=$PORT ACCESS_LOG=false >/dev/null
"$java" -cp "$cp" dev.morgana.appliance.Cli build --out build/bench-direct/socket | tail -1

ip tuntap add dev "$tap" mode tap
ip addr add 10.213.0.1/24 dev "$tap"
ip link set "$tap" up
build/bench-direct/direct/bin/www > "$work/direct.log" 2>&1 & pids+=($!)

ip netns add "$ns"
ip -n "$ns" link set lo up
ip link add "$veth_host" type veth peer name "$veth_ns"
ip link set "$veth_ns" netns "$ns"
ip addr add 10.214.0.1/24 dev "$veth_host"
ip link set "$veth_host" up
ip -n "$ns" addr add $socket_ip/24 dev "$veth_ns"
ip -n "$ns" link set "$veth_ns" up
ip netns exec "$ns" build/bench-direct/socket/bin/www > "$work/socket.log" 2>&1 & pids+=($!)

for ip in $direct_ip $socket_ip; do
    for i in $(seq 1 240); do curl -s -o /dev/null --max-time 2 "http://$ip:$PORT/" && break; sleep 0.5; done
    curl -s -o /dev/null --max-time 5 "http://$ip:$PORT/" || { echo "error: no answer from $ip:$PORT"; cat "$work"/*.log; exit 1; }
done
# Byte-exact check of the big file on both, before measuring anything.
for ip in $direct_ip $socket_ip; do
    cmp <(curl -s --max-time 60 "http://$ip:$PORT/downloads/sample-4MiB.bin") "$htdocs/downloads/sample-4MiB.bin" \
        || { echo "error: $ip served the 4 MiB file wrong"; exit 1; }
done

run() { # ip path -> "req/s MB/s p99"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 30s --latency "http://$1:$PORT$2" > "$work/wrk.out"
    awk '
        /Requests\/sec/ { rps = $2 }
        /Transfer\/sec/ { v = $2; if (v ~ /GB/) { sub(/GB/, "", v); v *= 1024 } else if (v ~ /MB/) { sub(/MB/, "", v) } else if (v ~ /KB/) { sub(/KB/, "", v); v /= 1024 } else { v = v / 1048576 } mbs = v }
        $1 == "99%" { p99 = $2 }
        END { printf "%s %.1f %s\n", rps, mbs, p99 }' "$work/wrk.out"
    grep -E "Socket errors|Non-2xx" "$work/wrk.out" >&2 || true
}

echo
echo "| file | NET=direct req/s | MB/s | Gbit/s | p99 | NET=socket req/s | MB/s | Gbit/s | p99 | direct/socket req/s |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for path in $PATHS; do
    size=$(stat -c %s "$htdocs$path")
    for ip in $direct_ip $socket_ip; do
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "http://$ip:$PORT$path" >/dev/null
    done
    read -r d_rps d_mbs d_p99 < <(run $direct_ip "$path")
    read -r s_rps s_mbs s_p99 < <(run $socket_ip "$path")
    gbit() { awk -v m="$1" 'BEGIN { printf "%.2f", m * 1048576 * 8 / 1e9 }'; }
    ratio=$(awk -v a="$d_rps" -v b="$s_rps" 'BEGIN { printf "%.2f", a / b }')
    echo "| $path ($size B) | $d_rps | $d_mbs | $(gbit "$d_mbs") | $d_p99 | $s_rps | $s_mbs | $(gbit "$s_mbs") | $s_p99 | $ratio |"
done
echo
echo "(wrk -t$THREADS -c$CONNECTIONS -d$DURATION after a $WARMUP warm-up; direct over TAP $tap, socket over veth into a namespace;"
echo " load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
if [ -n "${KEEP_LOGS:-}" ]; then cp "$work"/*.log "$KEEP_LOGS"/; fi
