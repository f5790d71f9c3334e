#!/usr/bin/env bash
# Boots a NET=direct VM image (TARGET=xen) under QEMU with user-mode networking and fetches every
# site file with a NEW TCP connection per request (one curl each), so handshakes, closes and the
# first flight of every response run through the from-scratch stack and QEMU's slirp again and
# again. Every body is compared byte for byte; each failure is logged with curl's exit code and
# its local port (the 4-tuple the guest sees is 10.0.2.2:<that port> -> :80), and QEMU captures
# the guest's frames (filter-dump) so the failing connection can be read in the pcap.
#   new-connection-per-request.sh IMAGE_DIR HTDOCS_DIR [SECONDS] [OUT_DIR]
# WORKERS (default 8) clients run in parallel; each request may take REQUEST_LIMIT s (default 30).
# Writes OUT_DIR/guest.pcap, OUT_DIR/failures, OUT_DIR/console.log (OUT_DIR defaults to a temporary
# directory that is kept only on failure). Exit status 1 if any request failed. Bounded: boot
# (300 s) + SECONDS + REQUEST_LIMIT + 90 s for the power-off. Needs qemu-system-x86_64, curl and
# socat; traffic goes only to the loopback port forward QEMU opens.
set -euo pipefail

image=$1 htdocs=$2 seconds=${3:-60}
out=${4:-}
workers=${WORKERS:-8} limit=${REQUEST_LIMIT:-30}
boot_limit=300
keep=
if [ -z "$out" ]; then out=$(mktemp -d); else mkdir -p "$out"; keep=1; fi
: >"$out/failures"
qemu_pid=
cleanup() {
    if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
        kill "$qemu_pid" 2>/dev/null || true
        wait "$qemu_pid" 2>/dev/null || true
    fi
    rm -f "$out"/body.* "$out"/monitor
    if [ -z "$keep" ] && [ ! -s "$out/failures" ]; then rm -rf "$out"; fi
}
trap cleanup EXIT

port=$((20000 + RANDOM % 30000))
while ss -ltn | grep -q ":$port "; do port=$((port + 1)); done

mapfile -t files < <(cd "$htdocs" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
[ ${#files[@]} -gt 0 ] || { echo "no files under $htdocs" >&2; exit 2; }
for f in "${files[@]}"; do
    case "$f" in *[!A-Za-z0-9._~/-]*) echo "file name needs encoding, not supported here: $f" >&2; exit 2 ;; esac
done

echo "new-connection-per-request: booting $image on 127.0.0.1:$port, capture in $out/guest.pcap"
start=$(date +%s)
HOST_PORT=$port "$image/run-qemu.sh" -monitor "unix:$out/monitor,server,nowait" \
    -object "filter-dump,id=dump0,netdev=net0,file=$out/guest.pcap" >"$out/console.log" 2>&1 </dev/null &
qemu_pid=$!
until [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")" = 200 ]; do
    kill -0 "$qemu_pid" 2>/dev/null || { echo "QEMU ended before the first response" >&2; tail -20 "$out/console.log" >&2; exit 1; }
    [ $(($(date +%s) - start)) -lt $boot_limit ] || { echo "no response within $boot_limit s" >&2; exit 1; }
    sleep 1
done
echo "new-connection-per-request: first 200 after $(($(date +%s) - start)) s"

# One client: every file in turn until the deadline, one curl (one connection) per request.
client() {
    local id=$1 deadline=$2 n=0 i=0 f meta rc
    while [ "$(date +%s)" -lt "$deadline" ]; do
        f=${files[$((i % ${#files[@]}))]}
        i=$((i + 1))
        rc=0
        meta=$(curl -s -m "$limit" -o "$out/body.$id" -w '%{http_code} %{local_port} %{size_download}' \
            "http://127.0.0.1:$port/$f") || rc=$?
        if [ "$rc" != 0 ] || [ "${meta%% *}" != 200 ] || ! cmp -s "$out/body.$id" "$htdocs/$f"; then
            echo "$(date -u +%T) client $id: /$f curl exit $rc, status/port/bytes: $meta" >>"$out/failures"
        fi
        n=$((n + 1))
    done
    echo "$n" >"$out/count.$id"
}
deadline=$(($(date +%s) + seconds))
pids=()
for ((w = 1; w <= workers; w++)); do
    client "$w" "$deadline" &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || true; done
requests=$(cat "$out"/count.* | awk '{n += $1} END {print n}')
failed=$(wc -l <"$out/failures")
echo "new-connection-per-request: $requests requests, $failed failed, $workers clients for $seconds s"
[ "$failed" = 0 ] || head -20 "$out/failures"

echo system_powerdown | socat - "UNIX-CONNECT:$out/monitor" >/dev/null || true
for _ in $(seq 1 90); do
    kill -0 "$qemu_pid" 2>/dev/null || break
    sleep 1
done
grep -a -E 'direct stack|internal error|tcp: ' "$out/console.log" | tail -20 || true
[ "$failed" = 0 ]
