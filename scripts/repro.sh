#!/usr/bin/env bash
# make repro: builds the appliance twice from clean checkouts of HEAD in two directories, the
# second under another clock (faketime, two years ahead), time zone and umask, then compares
# every artefact by sha256: module jars, crunch store, FAT image, unix tarball, OCI image and the
# VM image's files (kernel, initramfs, xl config, QEMU script).
# Exits 1 on any difference, showing where (diffoscope if installed).
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
if [ -n "$(git status --porcelain)" ]; then
    echo "note: uncommitted changes are not compared: both builds are clean checkouts of HEAD ($(git rev-parse --short HEAD))"
fi
work=$(mktemp -d /tmp/morgana-repro.XXXXXX)
trap 'rm -rf "$work"' EXIT
rev=$(git rev-parse HEAD)
for side in a b; do
    git clone -q "$root" "$work/$side/src" && git -C "$work/$side/src" checkout -q "$rev"
done

build_side() { # side, then the command prefix that changes the clock
    local side=$1; shift
    local src="$work/$side/src" out="$work/$side/out"
    mkdir -p "$out"
    echo "==> build $side in $src ${*:+(under: $*)}"
    (
        cd "$src"
        export MORGANA_AOT=off
        "$@" make -s configure TARGET=docker FS=crunch >/dev/null
        "$@" make -s build >/dev/null
        cp build/www/work/htdocs.crunch build/www.tar.gz build/www-oci.tar "$out/"
        "$@" make -s configure TARGET=unix FS=fat >/dev/null
        "$@" make -s build >/dev/null
        cp build/www/data/htdocs.img "$out/"
        cp build/www.tar.gz "$out/www-fat.tar.gz"
        "$@" make -s configure TARGET=xen FS=crunch >/dev/null
        "$@" make -s build >/dev/null
        for f in build/www-xen/*; do cp "$f" "$out/xen-$(basename "$f")"; done
        for jar in */target/*-[0-9]*.jar; do cp "$jar" "$out/"; done
    )
}

build_side a env TZ=UTC
if command -v faketime >/dev/null; then
    build_side b env TZ=Pacific/Chatham FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f +730d sh -c 'umask 077; exec "$@"' sh
else
    echo "note: faketime is not installed (make deps installs it); the second build changes time zone and umask only"
    build_side b env TZ=Pacific/Chatham sh -c 'umask 077; exec "$@"' sh
fi

# Without diffoscope: for tar archives (an OCI image's layers too), the members that differ.
listing() { # archive -> "mode owner size name sha256" per member, layers of an OCI archive expanded
    local dir; dir=$(mktemp -d "$work/list.XXXXXX")
    case "$1" in
        *.tar.gz|*.tgz) tar -C "$dir" -xzf "$1" ;;
        *.tar) tar -C "$dir" -xf "$1" ;;
        *) return 1 ;;
    esac
    if [ -f "$dir/manifest.json" ]; then # an image: unpack its layers, named by their order
        local n=0
        for digest in $(sed 's/.*"Layers":\[\([^]]*\)\].*/\1/' "$dir/manifest.json" | grep -o '[0-9a-f]\{64\}'); do
            n=$((n + 1))
            mkdir -p "$dir/layer-$n"
            tar -C "$dir/layer-$n" -xzf "$dir/blobs/sha256/$digest"
        done
        local config; config=$(grep -o '"Config":"blobs/sha256/[0-9a-f]*' "$dir/manifest.json" | grep -o '[0-9a-f]\{64\}')
        cp "$dir/blobs/sha256/$config" "$dir/config.json"
        rm -rf "$dir/blobs"
    fi
    (cd "$dir" && find . -type f -printf '%m %s %p\n' | sort -k3 | while read -r mode size path; do
        echo "$mode $size $path $(sha256sum "$path" | cut -c1-16)"
    done)
}
show_difference() {
    if listing "$1" > "$work/list-a" 2>/dev/null && listing "$2" > "$work/list-b" 2>/dev/null; then
        echo "    members that differ (mode size path sha256; < first build, > second):"
        diff "$work/list-a" "$work/list-b" | grep '^[<>]' | head -40 | sed 's/^/    /' || true
    fi
}

status=0
printf '%-48s %-8s %s\n' "artefact" "result" "sha256"
for file in $(cd "$work/a/out" && ls | sort); do
    a=$(sha256sum "$work/a/out/$file" | cut -c1-64)
    b=$(sha256sum "$work/b/out/$file" 2>/dev/null | cut -c1-64 || echo missing)
    if [ "$a" = "$b" ]; then
        printf '%-48s %-8s %s\n' "$file" "same" "$a"
    else
        printf '%-48s %-8s %s / %s\n' "$file" "DIFFERS" "$a" "$b"
        status=1
        if command -v diffoscope >/dev/null; then
            diffoscope --max-report-size 200000 "$work/a/out/$file" "$work/b/out/$file" | head -100 || true
        else
            show_difference "$work/a/out/$file" "$work/b/out/$file"
        fi
    fi
done
[ $status -eq 0 ] && echo "all artefacts are byte-identical" || echo "some artefacts differ: the build is not reproducible"
exit $status
