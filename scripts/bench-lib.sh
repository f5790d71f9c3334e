# Shared by the benchmark scripts (sourced, not run): tool installation (bench.sh, bench-tls.sh,
# bench-direct.sh), the scratch folder with its clean-up, and the nginx configuration bench.sh and
# bench-tls.sh compare with.

# Installs the named Debian packages' commands when missing (as root), else stops with a hint.
bench_need() { # target tools...
    local target=$1 tool; shift
    for tool in "$@"; do
        if ! command -v "$tool" >/dev/null && ! [ -x "/usr/sbin/$tool" ]; then
            if [ "$(id -u)" -eq 0 ]; then
                apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$tool" >/dev/null
            else
                echo "error: $tool is not installed (as root, make $target installs it)" >&2; exit 1
            fi
        fi
    done
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
