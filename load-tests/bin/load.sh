#!/usr/bin/env bash
# Drives the Gatling simulations of load-tests/ for the Makefile's load targets (see
# docs/load-tests.md). Run from the project root with JAVA_HOME set to a JDK 25:
#
#   load.sh run SIM URL             one simulation against a running appliance
#   load.sh smoke                   build the default appliance on a free port, a few seconds of visitors
#   load.sh soak                    the same appliance under mixed load for SOAK_SECONDS, RSS sampled
#   load.sh capacity                step search of the highest small-file rate with p99 < P99 ms
#
# LOAD_NET=direct (root) builds the appliances of smoke, soak and capacity with NET=direct instead:
# the from-scratch stack on a TAP device the script creates (host 10.215.0.1, appliance 10.215.0.2)
# and removes at the end.
#
# Parameters come from the environment: RATE, DURATION, USERS, BULK_USERS, THINK, PAGES, P99,
# HTDOCS, REPORTS (the folder reports land in, default build/load-reports).
set -euo pipefail

: "${JAVA_HOME:?set JAVA_HOME to a JDK 25 (scripts/find-jdk.sh finds one)}"
ROOT=$(pwd)
REPORTS=${REPORTS:-$ROOT/build/load-reports}
MVN=(mvn -B -q -Dstyle.color=never)
APPLIANCE_PID=
APPLIANCE_URL=
LOAD_NET=${LOAD_NET:-socket}
LOAD_TAP=

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'load: %s\n' "$*" >&2; exit 1; }

simulation_class() {
    case "$1" in
        visitor) echo dev.morgana.load.VisitorSimulation ;;
        small) echo dev.morgana.load.SmallFilesSimulation ;;
        bulk) echo dev.morgana.load.BulkDownloadSimulation ;;
        mixed) echo dev.morgana.load.MixedSimulation ;;
        https) echo dev.morgana.load.HttpsSimulation ;;
        *) die "unknown SIM '$1': expected visitor, small, bulk, mixed or https" ;;
    esac
}

# Runs simulation $1 against URL $2 with a time bound; its console output also goes to $3.
# Prints where the HTML report landed. Returns Gatling's status (non-zero on any failed check).
gatling() {
    local sim=$1 url=$2 out=$3 class before status=0 props=()
    class=$(simulation_class "$sim")
    mkdir -p "$REPORTS"
    before=$(date +%s)
    for pair in rate:RATE duration:DURATION users:USERS bulk.users:BULK_USERS think:THINK pages:PAGES warmup:WARMUP p99:P99 htdocs:HTDOCS; do
        local name=${pair#*:}
        local value=${!name:-}
        [ -n "$value" ] && props+=("-Dload.${pair%%:*}=$value")
    done
    local bound=$(( ${WARMUP:-0} + ${DURATION:-30} + 300 ))
    log "gatling: $sim ($class) against $url ${props[*]}"
    timeout --kill-after=20 "$bound" "${MVN[@]}" -pl load-tests test-compile gatling:test \
        -Dload.simulation="$class" -Dload.url="$url" -Dload.results="$REPORTS" "${props[@]}" 2>&1 \
        | grep --line-buffered -v -e '^WARNING: .*sun.misc.Unsafe' -e '^WARNING: Please consider reporting' \
              -e '^WARNING: sun.misc.Unsafe' -e 'terminally deprecated' \
        | tee "$out" || status=$?
    local report
    report=$(find "$REPORTS" -mindepth 2 -maxdepth 2 -name index.html -newermt "@$before" 2>/dev/null | sort | tail -1)
    if [ -n "$report" ]; then
        echo "report: ${report#"$ROOT"/}" | tee -a "$out"
    else
        echo "report: none written (see the output above)"
    fi
    return "$status"
}

free_port() {
    "$JAVA_HOME/bin/java" "$(dirname "$0")/FreePort.java"
}

# Configures and builds the default appliance (NET=socket, or NET=direct on a new TAP when
# LOAD_NET=direct) on a free port into build/$1, starts it and waits until it answers. Sets PORT,
# APPLIANCE_URL and APPLIANCE_PID.
start_appliance() {
    local out=build/$1 cp host=127.0.0.1 net_keys=()
    [ -f appliance/target/classpath.txt ] || die "modules not built: run 'make jars' first"
    cp="appliance/target/classes:$(cat appliance/target/classpath.txt)"
    PORT=$(free_port)
    trap stop_appliance EXIT
    case "$LOAD_NET" in
        socket) ;;
        direct)
            [ "$(id -u)" -eq 0 ] || die "LOAD_NET=direct needs root (it creates a TAP device)"
            LOAD_TAP=mgld$(printf '%06x' $((RANDOM * 32768 + RANDOM)))
            ip tuntap add dev "$LOAD_TAP" mode tap
            ip addr add 10.215.0.1/24 dev "$LOAD_TAP"
            ip link set "$LOAD_TAP" up
            host=10.215.0.2
            net_keys=(NET=direct "TAP=$LOAD_TAP" IP=$host NETMASK=255.255.255.0 GATEWAY=10.215.0.1)
            ;;
        *) die "LOAD_NET must be socket or direct, not '$LOAD_NET'" ;;
    esac
    log "building the default appliance (NET=$LOAD_NET) on port $PORT into $out"
    rm -rf "$out"
    timeout 300 "$JAVA_HOME/bin/java" -cp "$cp" dev.morgana.appliance.Cli configure --app www --out "$out" \
        "PORT=$PORT" "${net_keys[@]}" "${KEYS_EXTRA[@]}" >&2
    timeout 600 "$JAVA_HOME/bin/java" -cp "$cp" dev.morgana.appliance.Cli build --out "$out" >&2
    "$out/bin/www" >"$out/appliance.log" 2>&1 &
    APPLIANCE_PID=$!
    APPLIANCE_URL="http://$host:$PORT"
    for _ in $(seq 1 600); do
        if curl -s -o /dev/null --max-time 2 "$APPLIANCE_URL/"; then
            log "appliance pid $APPLIANCE_PID answers on $APPLIANCE_URL/"
            return 0
        fi
        kill -0 "$APPLIANCE_PID" 2>/dev/null || die "appliance exited: $(cat "$out/appliance.log")"
        sleep 0.1
    done
    die "appliance did not answer within 60 s"
}

stop_appliance() {
    if [ -n "$APPLIANCE_PID" ] && kill -0 "$APPLIANCE_PID" 2>/dev/null; then
        kill -TERM "$APPLIANCE_PID"
        for _ in $(seq 1 150); do kill -0 "$APPLIANCE_PID" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$APPLIANCE_PID" 2>/dev/null && kill -KILL "$APPLIANCE_PID"
        wait "$APPLIANCE_PID" 2>/dev/null || true
        log "appliance stopped"
    fi
    APPLIANCE_PID=
    if [ -n "$LOAD_TAP" ]; then
        ip link del "$LOAD_TAP" 2>/dev/null || true
        LOAD_TAP=
    fi
}

rss_kib() {
    awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

# From Gatling's console summary: "requests ko p99 rps"; p99 is the asserted one (the measured
# requests, without warm-up) when a p99 bound was set, else the global one.
summary() {
    awk -F'|' '
        /> request count/ {gsub(/[ ,]/, "", $2); gsub(/[ ,-]/, "", $4); total=$2; ko=($4 == "" ? 0 : $4)}
        /> response time 99th percentile/ {gsub(/[ ,]/, "", $2); p99=$2}
        /> mean throughput/ {gsub(/[ ,]/, "", $2); rps=$2}
        /99th percentile of response time.*actual :/ {v=$0; sub(/.*actual : /, "", v); sub(/\).*/, "", v); asserted=v}
        END {print total+0, ko+0, (asserted != "" ? int(asserted) : p99+0), rps+0}' "$1"
}

KEYS_EXTRA=()
case "${1:-}" in
    run)
        [ $# -eq 3 ] || die "usage: load.sh run SIM URL"
        gatling "$2" "$3" "$(mktemp)"
        ;;
    smoke)
        export DURATION=${DURATION:-5} USERS=${USERS:-3} THINK=${THINK:-1} PAGES=${PAGES:-3}
        start_appliance load-smoke
        out=build/load-smoke/gatling.out
        status=0
        gatling visitor "$APPLIANCE_URL" "$out" || status=$?
        stop_appliance
        read -r total ko p99 rps < <(summary "$out")
        if [ "$status" -ne 0 ] || [ "$ko" -ne 0 ] || [ "$total" -eq 0 ]; then
            die "smoke FAILED: status $status, $total requests, $ko failed"
        fi
        echo "smoke passed: $total requests, 0 failed, p99 ${p99} ms"
        ;;
    soak)
        export DURATION=${SOAK_SECONDS:-600} USERS=${USERS:-10} RATE=${RATE:-20} BULK_USERS=${BULK_USERS:-1}
        start_appliance load-soak
        out=build/load-soak/gatling.out
        samples=build/load-soak/rss.tsv
        printf 'elapsed_s\trss_kib\n' >"$samples"
        printf '0\t%s\n' "$(rss_kib "$APPLIANCE_PID")" >>"$samples"
        start=$(date +%s)
        gatling mixed "$APPLIANCE_URL" "$out" >/dev/null &
        load=$!
        while kill -0 "$load" 2>/dev/null; do
            sleep 30
            kill -0 "$APPLIANCE_PID" 2>/dev/null || die "appliance died during the soak"
            printf '%s\t%s\n' "$(( $(date +%s) - start ))" "$(rss_kib "$APPLIANCE_PID")" >>"$samples"
        done
        status=0
        wait "$load" || status=$?
        end_rss=$(rss_kib "$APPLIANCE_PID")
        printf '%s\t%s\n' "$(( $(date +%s) - start ))" "$end_rss" >>"$samples"
        stop_appliance
        read -r total ko p99 rps < <(summary "$out")
        grep '^report:' "$out" || true
        column -t "$samples" 2>/dev/null || cat "$samples"
        echo "soak: ${DURATION} s, $total requests, $ko failed, p99 $p99 ms, mean $rps req/s"
        echo "soak: RSS at start $(sed -n 2p "$samples" | cut -f2) KiB, at end $end_rss KiB"
        [ "$status" -eq 0 ] && [ "$ko" -eq 0 ] || die "soak FAILED: status $status, $ko failed requests"
        ;;
    capacity)
        # Doubles the rate from CAP_START until a step fails, then bisects CAP_BISECT times.
        export DURATION=${CAP_DURATION:-60} P99=${P99:-100} WARMUP=${CAP_WARMUP:-10}
        rate=${CAP_START:-100}
        url=${URL:-}
        if [ -z "$url" ]; then
            start_appliance load-capacity
            url=$APPLIANCE_URL
        fi
        table=build/load-capacity.tsv
        [ "$LOAD_NET" = direct ] && table=build/load-capacity-direct.tsv
        mkdir -p build
        printf 'rate_per_s\tduration_s\trequests\tfailed\tp99_ms\tmean_rps\tresult\n' >"$table"
        step() {
            local out status=0
            out=$(mktemp)
            RATE=$1 gatling small "$url" "$out" >/dev/null || status=$?
            read -r total ko p99 rps < <(summary "$out")
            if [ -n "$APPLIANCE_PID" ] && ! kill -0 "$APPLIANCE_PID" 2>/dev/null; then
                die "the appliance stopped during the step at $1/s (see build/load-capacity/appliance.log)"
            fi
            local result=held
            { [ "$status" -ne 0 ] || [ "$ko" -ne 0 ] || [ "$p99" -ge "$P99" ] || [ "$total" -eq 0 ]; } && result=missed
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$DURATION" "$total" "$ko" "$p99" "$rps" "$result" | tee -a "$table" >&2
            rm -f "$out"
            [ "$result" = held ]
        }
        best=0 worst=
        for _ in $(seq 1 ${CAP_MAX_STEPS:-8}); do
            if step "$rate"; then best=$rate; rate=$(( rate * 2 )); else worst=$rate; break; fi
        done
        if [ -n "$worst" ]; then
            for _ in $(seq 1 ${CAP_BISECT:-2}); do
                mid=$(( (best + worst) / 2 ))
                [ "$mid" -le "$best" ] && break
                if step "$mid"; then best=$mid; else worst=$mid; fi
            done
        fi
        stop_appliance
        column -t "$table" 2>/dev/null || cat "$table"
        echo "capacity (NET=$LOAD_NET): highest rate held for ${DURATION} s with p99 < ${P99} ms and no failed check: ${best}/s"
        ;;
    *)
        die "usage: load.sh run SIM URL | smoke | soak | capacity"
        ;;
esac
