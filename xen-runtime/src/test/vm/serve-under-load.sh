#!/usr/bin/env bash
# Boots a VM image (TARGET=xen) under QEMU with little RAM and serves the site under load:
#   serve-under-load.sh IMAGE_DIR HTDOCS_DIR [SECONDS]
# MEMORY (MB) is the guest's RAM (default: the image's own, run-qemu.sh's default). WORKERS
# (default 8) clients each fetch every site file in turn, one keep-alive connection per pass, for
# SECONDS (default 60) and compare every body byte for byte with HTDOCS_DIR.
# Fails on a wrong or missing body, an out-of-memory report on the console, or a VM that dies;
# ends with the ACPI power button and checks the appliance stopped cleanly. Bounded: at most
# about 11 minutes plus SECONDS. Needs qemu-system-x86_64, curl and socat; sends traffic only to
# the loopback port forward QEMU opens. CONSOLE_LOG, if set, is where the guest's console is kept.
set -euo pipefail

image=$1 htdocs=$2 seconds=${3:-60}
memory=${MEMORY:-$(sed -n 's/.*-m "\${MEMORY:-\([0-9]*\)}".*/\1/p' "$1/run-qemu.sh")} workers=${WORKERS:-8}
boot_limit=300

work=$(mktemp -d)
qemu_pid=
cleanup() {
    [ -z "${CONSOLE_LOG:-}" ] || cp "$work/console.log" "$CONSOLE_LOG" 2>/dev/null || true
    if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
        kill "$qemu_pid" 2>/dev/null || true
        wait "$qemu_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "serve-under-load: FAIL: $*" >&2
    echo "---- console: the appliance's memory lines ----" >&2
    grep -a 'memory at uptime\|since Main' "$work/console.log" | tr -d '\r' >&2 || true
    echo "---- console (last 40 lines) ----" >&2
    tail -40 "$work/console.log" >&2 || true
    exit 1
}

# A free loopback port: the first of a random run that nothing listens on.
port=$((20000 + RANDOM % 30000))
while ss -ltn | grep -q ":$port "; do port=$((port + 1)); done

# Site paths to URLs: every byte outside [A-Za-z0-9._~/-] percent-encoded.
url_path() {
    local path=$1 out= i c
    for ((i = 0; i < ${#path}; i++)); do
        c=${path:i:1}
        case "$c" in
            [A-Za-z0-9._~/-]) out+=$c ;;
            *) out+=$(printf '%s' "$c" | od -An -tx1 -v | tr -d ' \n' | sed 's/\(..\)/%\1/g') ;;
        esac
    done
    printf '%s' "$out"
}
mapfile -t files < <(cd "$htdocs" && find . -type f | sed 's|^\./||' | sort)
[ ${#files[@]} -gt 0 ] || fail "no files under $htdocs"

echo "serve-under-load: booting $image with $memory MB on 127.0.0.1:$port"
start=$(date +%s)
MEMORY=$memory HOST_PORT=$port "$image/run-qemu.sh" -monitor "unix:$work/monitor,server,nowait" \
    >"$work/console.log" 2>&1 </dev/null &
qemu_pid=$!
until [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")" = 200 ]; do
    kill -0 "$qemu_pid" 2>/dev/null || fail "QEMU ended before the first response"
    [ $(($(date +%s) - start)) -lt $boot_limit ] || fail "no response within $boot_limit s"
    sleep 1
done
echo "serve-under-load: first 200 after $(($(date +%s) - start)) s; $(grep -a -o 'MemTotal: .*' "$work/console.log" | head -1)"

# One client: every file in turn until the deadline, one keep-alive connection per pass (one
# curl for all files, as a browser would), each body compared with the site's file. A failure
# says what curl saw: status, bytes, curl's exit code and message, the transfer's time, and when
# its pass started (seconds into the load).
client() {
    local id=$1 deadline=$2 n=0 bytes=0 slowest=0 took i lines fields pass_start args=()
    for i in "${!files[@]}"; do
        args+=(-o "$work/body.$id.$i" "http://127.0.0.1:$port/$(url_path "${files[$i]}")")
    done
    while [ "$(date +%s)" -lt "$deadline" ]; do
        rm -f "$work/body.$id".*
        pass_start=$(($(date +%s) - load_start))
        lines=$(curl -s -m 300 -w '%{http_code} %{size_download} %{exitcode} %{time_total} %{errormsg}\n' "${args[@]}") || true
        mapfile -t lines <<<"$lines"
        for i in "${!files[@]}"; do
            read -r -a fields <<<"${lines[$i]:-none 0 none 0}"
            if [ "${fields[0]}" != 200 ] || ! cmp -s "$work/body.$id.$i" "$htdocs/${files[$i]}"; then
                echo "client $id: /${files[$i]} gave ${fields[0]}, $(stat -c %s "$work/body.$id.$i" 2>/dev/null || echo 0) bytes;" \
                    "curl exit ${fields[2]} after ${fields[3]} s (${fields[*]:4}); pass started $pass_start s into the load," \
                    "failed by $(($(date +%s) - load_start)) s" >>"$work/failures"
                return 1
            fi
            n=$((n + 1)) bytes=$((bytes + $(stat -c %s "$htdocs/${files[$i]}")))
        done
        took=$(($(date +%s) - load_start - pass_start))
        [ "$took" -le "$slowest" ] || slowest=$took
    done
    echo "$n $bytes $slowest" >"$work/count.$id"
}
load_start=$(date +%s)
deadline=$((load_start + seconds))
pids=()
for ((i = 1; i <= workers; i++)); do
    client "$i" "$deadline" &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || true; done
[ ! -s "$work/failures" ] || fail "$(head -8 "$work/failures")"
kill -0 "$qemu_pid" 2>/dev/null || fail "the VM died under load"
if grep -a -q -E 'Out of memory|oom-killer|OutOfMemoryError|Kernel panic' "$work/console.log"; then
    fail "memory ran out: $(grep -a -E 'Out of memory|oom-killer|OutOfMemoryError|Kernel panic' "$work/console.log" | head -3)"
fi
read -r requests bytes slowest < <(cat "$work"/count.* | awk '{n += $1; b += $2; if ($3 > s) s = $3} END {print n, b, s + 0}')
[ "$requests" -ge ${#files[@]} ] || fail "only $requests responses in $seconds s"
echo "serve-under-load: $requests responses, $bytes bytes, every body byte-exact, $workers clients for $seconds s with $memory MB;" \
    "the load ended after $(($(date +%s) - load_start)) s, the slowest pass took $slowest s (curl's limit: 300 s)"

echo system_powerdown | socat - "UNIX-CONNECT:$work/monitor" >/dev/null
for _ in $(seq 1 90); do
    kill -0 "$qemu_pid" 2>/dev/null || break
    sleep 1
done
kill -0 "$qemu_pid" 2>/dev/null && fail "the VM did not power off within 90 s of the power button"
grep -a -q 'stopped cleanly (status 0)' "$work/console.log" || fail "the appliance did not stop cleanly"
echo "serve-under-load: powered off cleanly; $(grep -a -o 'since Main: .*' "$work/console.log" | tr -d '\r' | head -1)"
