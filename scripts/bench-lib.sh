# Shared by the benchmark scripts (sourced, not run): tool installation (bench.sh, bench-tls.sh,
# bench-direct.sh, bench-jvm.sh), the scratch folder with its clean-up, one wrk run with the
# servers' CPU per request, and the nginx configuration bench.sh and bench-tls.sh compare with.

. "$(dirname "${BASH_SOURCE[0]}")/deps.sh" # deps_missing, deps_install

# Installs the named tools when missing (as root; each Debian package has its tool's name),
# else stops with a hint.
bench_need() { # target tools...
    local target=$1 tool pairs=() missing=(); shift
    for tool in "$@"; do pairs+=("$tool $tool"); done
    mapfile -t missing < <(deps_missing "${pairs[@]}")
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "error: ${missing[*]} not installed (as root, make $target installs it)" >&2; exit 1
        fi
        deps_install "${missing[@]}"
    fi
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
}

# A scratch folder in $work; the processes whose pids are appended to $pids, and nginx, are
# stopped and the folder removed when the script exits.
bench_workdir() { # name
    work=$(mktemp -d "/tmp/$1.XXXXXX")
    pids=()
    trap bench_cleanup EXIT
}
bench_cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
    rm -rf "$work"
}

# Starts nginx as both benchmarks configure it (static files, sendfile, tcp_nopush, open file
# cache, keep-alive, no access log) with the given server block.
bench_start_nginx() { # server-block
    cat > "$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
daemon on;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    open_file_cache max=1000 inactive=60s;
    open_file_cache_valid 60s;
    include /etc/nginx/mime.types;
    client_body_temp_path $work/body;
    proxy_temp_path $work/proxy;
    fastcgi_temp_path $work/fastcgi;
    uwsgi_temp_path $work/uwsgi;
    scgi_temp_path $work/scgi;
$1
}
CONF
    "$NGINX" -c "$work/nginx.conf"
}

# CPU clock ticks (user + system) the given processes have used so far.
bench_ticks() { # pids...
    local t=0 p
    for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done
    echo $t
}

# One wrk run (THREADS, CONNECTIONS, DURATION) against a loopback port, printed as
# "req/s MB/s p50 p99 cpu-us/request". The server CPU per request is printed beside requests/s:
# on a shared machine the servers get unequal CPU shares, which moves requests/s (and so a
# ratio) but not the CPU each request costs.
bench_wrk() { # port path server-pids...
    local port=$1 path=$2; shift 2
    local before; before=$(bench_ticks "$@")
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$port$path" > "$work/wrk.out"
    local used=$(( $(bench_ticks "$@") - before ))
    awk -v used="$used" -v hz="$(getconf CLK_TCK)" '
        /Requests\/sec/ { rps = $2 }
        /Transfer\/sec/ { v = $2; if (v ~ /GB/) { sub(/GB/, "", v); v *= 1024 } else if (v ~ /MB/) { sub(/MB/, "", v) } else if (v ~ /KB/) { sub(/KB/, "", v); v /= 1024 } else { v = v / 1048576 } mbs = v }
        $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
        / requests in / { n = $1 }
        END { printf "%s %.1f %s %s %.1f\n", rps, mbs, p50, p99, used * 1e6 / hz / n }' "$work/wrk.out"
}

# One file against two servers: both warmed up, then each measured with bench_wrk; prints a table
# row per server (first, then second) with the first's requests/s over the second's on its row.
bench_pair() { # site-dir path first-label first-port "first-pids" second-label second-port "second-pids"
    local path=$2 a=$3 a_port=$4 a_pids=$5 b=$6 b_port=$7 b_pids=$8
    local size; size=$(stat -c %s "$1$path")
    for port in "$a_port" "$b_port"; do
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "http://127.0.0.1:$port$path" >/dev/null
    done
    local a_rps a_mbs a_p50 a_p99 a_cpu b_rps b_mbs b_p50 b_p99 b_cpu
    # shellcheck disable=SC2086 # the pid lists are split on purpose
    read -r a_rps a_mbs a_p50 a_p99 a_cpu < <(bench_wrk "$a_port" "$path" $a_pids)
    # shellcheck disable=SC2086
    read -r b_rps b_mbs b_p50 b_p99 b_cpu < <(bench_wrk "$b_port" "$path" $b_pids)
    local ratio; ratio=$(awk -v a="$a_rps" -v b="$b_rps" 'BEGIN { printf "%.2f", a / b }')
    echo "| $path ($size B) | $a | $a_rps | $a_mbs | $a_p50 | $a_p99 | $a_cpu | $ratio |"
    echo "| $path ($size B) | $b | $b_rps | $b_mbs | $b_p50 | $b_p99 | $b_cpu | |"
}
