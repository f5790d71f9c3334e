#!/usr/bin/env bash
# make bench-tls (also the last step of make bench): the www appliance with TLS=on against nginx
# serving the same htdocs over TLS with the same certificate and key, in one run on loopback:
#   - full handshakes per second: HANDSHAKE_CLIENTS parallel `openssl s_time -new` (a new TCP
#     connection and a full handshake each time, never a resumed session; nginx's session cache
#     and tickets are off too). Not wrk with "Connection: close", whose figures here were
#     implausible for both servers (docs/benchmarks.md says why);
#   - bulk MB/s over HTTPS: the 4 MiB file on keep-alive connections.
# Prints the figures and the ratios Morgana/nginx. Needs wrk and nginx (installed when root).
#
# `scripts/bench-tls.sh handshake-cpu [handshakes-per-round [rounds [threads]]]` (make
# bench-tls-handshake) instead runs HandshakeProbe from the tls module's tests: the server's CPU
# time per full handshake, in process against an in-memory client, so other processes' load
# barely moves it. Needs no nginx, wrk nor appliance build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ "${1:-}" = handshake-cpu ]; then
    shift
    JAVA_HOME=${JAVA_HOME:-$(scripts/find-jdk.sh)}
    export JAVA_HOME
    echo "==> compiling the tls module and its tests"
    (umask 022 && mvn -B -q -Dstyle.color=never -pl tls -am test-compile dependency:build-classpath \
        -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt)
    exec "$JAVA_HOME/bin/java" -cp "tls/target/test-classes:tls/target/classes:$(cat tls/target/test-classpath.txt)" \
        dev.morgana.tls.HandshakeProbe "${1:-1000}" "${2:-6}" "${3:-1}"
fi
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-5s}                   # unmeasured run first, so the JIT has compiled the TLS path
HANDSHAKE_CLIENTS=${HANDSHAKE_CLIENTS:-8}
BULK_CONNECTIONS=${BULK_CONNECTIONS:-16}
THREADS=${THREADS:-2}
TLS_BENCH_HTTP_PORT=${TLS_BENCH_HTTP_PORT:-18082}    # plain HTTP, unused by the measurements
MORGANA_TLS_PORT=${MORGANA_TLS_PORT:-18443}
NGINX_TLS_PORT=${NGINX_TLS_PORT:-18444}
SMALL=${SMALL:-/images/logo.svg}
BULK=${BULK:-/downloads/sample-4MiB.bin}
htdocs=$root/htdocs-example/target/htdocs

. "$root/scripts/bench-lib.sh"
bench_need bench-tls wrk nginx
bench_workdir morgana-bench-tls

echo "==> building the www appliance with TLS=on (HTTPS on port $MORGANA_TLS_PORT)"
java=$JAVA_HOME/bin/java
cp="appliance/target/classes:$(cat appliance/target/classpath.txt)"
# Empty TLS_CERT/TLS_KEY: the development certificate (ECDSA P-256) in build/dev-tls, made once.
"$java" -cp "$cp" dev.morgana.appliance.Cli configure --app www --out build/bench-tls/www \
    PORT=$TLS_BENCH_HTTP_PORT TLS=on TLS_PORT=$MORGANA_TLS_PORT ACCESS_LOG=false >/dev/null
"$java" -cp "$cp" dev.morgana.appliance.Cli build --out build/bench-tls/www | tail -1
cert=$root/build/dev-tls/cert.pem
key=$root/build/dev-tls/key.pem
# Access logs off in both, as in bench.sh.
build/bench-tls/www/bin/www > "$work/morgana.log" 2>&1 & pids+=($!)

bench_start_nginx "$(cat <<SERVER
    server {
        listen 127.0.0.1:$NGINX_TLS_PORT ssl;
        ssl_certificate $cert;
        ssl_certificate_key $key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache off;
        ssl_session_tickets off;
        # the suite the appliance picks, so both encrypt the same way (OpenSSL would honour the
        # client's first choice, TLS_AES_256_GCM_SHA384, which costs more per byte)
        ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256;
        root $htdocs;
        etag on;
    }
SERVER
)"

for port in $MORGANA_TLS_PORT $NGINX_TLS_PORT; do
    for i in $(seq 1 120); do curl -s -o /dev/null --cacert "$cert" "https://localhost:$port/" && break; sleep 0.5; done
    curl -sS -o /dev/null --cacert "$cert" "https://localhost:$port/" \
        || { echo "error: nothing serves https://localhost:$port/" >&2; cat "$work/morgana.log" >&2; exit 1; }
done
negotiated() { # port -> "TLSv1.3 TLS_AES_256_GCM_SHA384"
    openssl s_client -connect "127.0.0.1:$1" -servername localhost -CAfile "$cert" </dev/null 2>/dev/null \
        | awk '/^New, / { print $2, $NF; exit }' | tr -d ,
}

run() { # extra-wrk-args... -> "req/s MB/s p50 p99 errors"
    wrk --latency "$@" > "$work/wrk.out"
    awk '
        /Requests\/sec/ { rps = $2 }
        /Transfer\/sec/ { v = $2; if (v ~ /GB/) { sub(/GB/, "", v); v *= 1024 } else if (v ~ /MB/) { sub(/MB/, "", v) } else if (v ~ /KB/) { sub(/KB/, "", v); v /= 1024 } else { v = v / 1048576 } mbs = v }
        $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
        /Socket errors/ { errors = $0; sub(/.*Socket errors: /, "", errors); gsub(/ /, "", errors) }
        /Non-2xx/ { errors = errors "non2xx:" $NF }
        END { printf "%s %.1f %s %s %s\n", rps, mbs, p50, p99, (errors == "" ? "none" : errors) }' "$work/wrk.out"
}

passive_opens() { awk '$1 == "Tcp:" && $2 ~ /^[0-9]+$/ { print $7 }' /proc/net/snmp; }

seconds() { echo "${1%s}"; }

handshakes() { # port seconds -> full handshakes per second, summed over the parallel clients
    local i clients=()
    for i in $(seq 1 "$HANDSHAKE_CLIENTS"); do
        timeout $(( $2 + 60 )) openssl s_time -new -connect "127.0.0.1:$1" -time "$2" > "$work/s_time.$i" 2>&1 &
        clients+=($!)
    done
    wait "${clients[@]}" || true
    # "N connections in T real seconds": each client's rate, summed.
    cat "$work"/s_time.* | awk '/connections in .* real seconds/ { sum += $1 / $4; n++ }
        END { if (n == 0) { print "error" } else { printf "%.1f\n", sum } }'
    rm -f "$work"/s_time.*
}

echo
echo "| measure | server | per second | MB/s | p50 | p99 | errors | Morgana/nginx |"
echo "|---|---|---|---|---|---|---|---|"
label="full handshakes (openssl s_time -new, $HANDSHAKE_CLIENTS clients, $(seconds "$DURATION") s)"
handshakes $MORGANA_TLS_PORT "$(seconds "$WARMUP")" >/dev/null
handshakes $NGINX_TLS_PORT "$(seconds "$WARMUP")" >/dev/null
o0=$(passive_opens)
m_hs=$(handshakes $MORGANA_TLS_PORT "$(seconds "$DURATION")")
o1=$(passive_opens)
n_hs=$(handshakes $NGINX_TLS_PORT "$(seconds "$DURATION")")
o2=$(passive_opens)
ratio=$(awk -v a="$m_hs" -v b="$n_hs" 'BEGIN { printf "%.2f (handshakes/s)", a / b }')
echo "| $label | Morgana | $m_hs | | | | | $ratio |"
echo "| $label | nginx | $n_hs | | | | | |"
notes=" handshakes: Morgana $((o1 - o0)), nginx $((o2 - o1));"

path=$BULK
opts=(-t"$THREADS" -c"$BULK_CONNECTIONS")
label="bulk $path, keep-alive, $BULK_CONNECTIONS conns"
for port in $MORGANA_TLS_PORT $NGINX_TLS_PORT; do
    wrk "${opts[@]}" -d"$WARMUP" "https://localhost:$port$path" >/dev/null
done
read -r m_rps m_mbs m_p50 m_p99 m_err < <(run "${opts[@]}" -d"$DURATION" "https://localhost:$MORGANA_TLS_PORT$path")
read -r n_rps n_mbs n_p50 n_p99 n_err < <(run "${opts[@]}" -d"$DURATION" "https://localhost:$NGINX_TLS_PORT$path")
ratio=$(awk -v a="$m_mbs" -v b="$n_mbs" 'BEGIN { printf "%.2f (MB/s)", a / b }')
echo "| $label | Morgana | $m_rps | $m_mbs | $m_p50 | $m_p99 | $m_err | $ratio |"
echo "| $label | nginx | $n_rps | $n_mbs | $n_p50 | $n_p99 | $n_err | |"
echo
echo "(bulk: wrk -t$THREADS; ${DURATION} per run after a $WARMUP warm-up, on loopback, certificate $(openssl x509 -in "$cert" -noout -text | awk '/Public Key Algorithm/ { print $NF; exit }') from build/dev-tls;"
m_suite=$(negotiated $MORGANA_TLS_PORT) n_suite=$(negotiated $NGINX_TLS_PORT)
echo " negotiated: Morgana $m_suite, nginx $n_suite; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg);"
echo " TCP connections the machine accepted during the handshake runs (other programs' too):$notes)"
[ "$m_suite" = "$n_suite" ] || echo "warning: the servers negotiated different suites; the ratios compare unlike work" >&2
