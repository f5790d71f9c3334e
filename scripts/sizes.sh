#!/usr/bin/env bash
# Prints the specialisation table (like the Mirage tutorial's standard vs dead-code-eliminated
# build) for a built appliance: a full JDK plus the jars, the jlinked unix artefact, the OCI image.
# Usage: scripts/sizes.sh build/www   (after `make configure TARGET=docker && make build`)
set -euo pipefail
dir=${1:-build/www}
name=$(basename "$dir")
jdk=${JAVA_HOME:?set JAVA_HOME to the build JDK}

mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
bytes_of() { du -sb "$@" | awk '{ s += $1 } END { print s }'; }
gz_of() { tar -C "$(dirname "$1")" -cf - "$(basename "$1")" | gzip -6 | wc -c; }

lib=$(bytes_of "$dir/lib")
jdk_full=$(bytes_of "$jdk")
jdk_gz=$(gz_of "$jdk")
lib_gz=$(gz_of "$dir/lib")
data=0; [ -d "$dir/data" ] && data=$(bytes_of "$dir/data")
runtime=$(bytes_of "$dir/runtime")
unpacked=$((runtime + lib + data + $(bytes_of "$dir/bin")))
tarball="$dir.tar.gz"

echo "| $name appliance | on disk (MiB) | compressed (MiB) |"
echo "|---|---|---|"
echo "| standard: full JDK ($(basename "$jdk")) + the appliance's jars | $(mib $((jdk_full + lib + data))) | $(mib $((jdk_gz + lib_gz))) |"
echo "| specialised: jlinked runtime ($(ls "$dir/runtime/lib/modules" >/dev/null && cat "$dir/runtime/release" | sed -n 's/^MODULES="\(.*\)"/\1/p' | tr ' ' ',')) + jars | $(mib "$unpacked") | $(mib "$(stat -c %s "$tarball")") (.tar.gz) |"
if [ -f "${dir}-oci.tar" ]; then
    echo "| OCI image (layers gzip-compressed, the default) | - | $(mib "$(stat -c %s "${dir}-oci.tar")") |"
    if command -v zstd >/dev/null; then
        # The same image with MORGANA_LAYERS=zstd: each layer's tar through the same zstd command
        # the build runs; the archive's other members do not change size but for the media type.
        ztmp=$(mktemp -d)
        tar -C "$ztmp" -xf "${dir}-oci.tar"
        zsize=$(stat -c %s "${dir}-oci.tar")
        for blob in "$ztmp"/blobs/sha256/*; do
            if gzip -t "$blob" 2>/dev/null; then
                gz=$(stat -c %s "$blob")
                gzip -dc "$blob" >"$ztmp/layer.tar"
                zs=$(zstd --ultra -22 --single-thread --stream-size="$(stat -c %s "$ztmp/layer.tar")" -q -c - \
                    <"$ztmp/layer.tar" | wc -c)
                zsize=$((zsize - (gz + 511) / 512 * 512 + (zs + 511) / 512 * 512))
            fi
        done
        rm -rf "$ztmp"
        echo "| OCI image (layers zstd-compressed: MORGANA_LAYERS=zstd) | - | $(mib "$zsize") |"
    fi
else
    echo "| OCI image | (build with TARGET=docker) | |"
fi
echo
echo "of which: runtime $(mib "$runtime") MiB, jars $(mib "$lib") MiB, site data in jars/data $(mib "$data") MiB + crunch store in the app jar"
# Which VM the runtime holds (JVM=small or MORGANA_JVM=small: Morgana's small HotSpot) and its two largest files.
libjvm="$dir/runtime/lib/server/libjvm.so"
if [ -f "$libjvm" ]; then
    echo "VM: $("$dir/runtime/bin/java" -version 2>&1 | tail -1); libjvm.so $(stat -c %s "$libjvm") bytes" \
        "($(gzip -9c "$libjvm" | wc -c) gzip -9), lib/modules $(stat -c %s "$dir/runtime/lib/modules") bytes" \
        "($(gzip -9c "$dir/runtime/lib/modules" | wc -c) gzip -9)"
fi
if [ -f "${dir}-oci.tar" ]; then
    # Where the image's compressed bytes go: every file of every layer, gzip -9 (and zstd -19) on its own.
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    tar -C "$tmp" -xf "${dir}-oci.tar"
    mkdir "$tmp/fs"
    for blob in "$tmp"/blobs/sha256/*; do
        gzip -t "$blob" 2>/dev/null && tar -C "$tmp/fs" -xzf "$blob"
    done
    echo
    echo "| largest files in the OCI image | bytes | gzip -9 bytes | zstd -19 bytes |"
    echo "|---|---|---|---|"
    (cd "$tmp/fs" && find . -type f -printf '%s %P\n' | sort -rn | head -40 | while read -r size path; do
        z=-; command -v zstd >/dev/null && z=$(zstd -19 --single-thread -q -c "$path" | wc -c)
        echo "$(gzip -9c "$path" | wc -c) $size $path $z"
    done) | sort -rn | head -12 | awk '{ printf "| /%s | %d | %d | %s |\n", $3, $2, $1, $4 }'
    total=$(cd "$tmp/fs" && find . -type f -exec cat {} + | wc -c)
    echo "| all $(find "$tmp/fs" -type f | wc -l) files | $total | | |"
fi
