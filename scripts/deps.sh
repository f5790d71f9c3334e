#!/usr/bin/env bash
# Installs the Debian packages the tests drive (real peers, validators, tools). Idempotent:
# installs only what is missing. Without root it only says what is missing; tests that need a
# missing tool then skip and print why.
set -euo pipefail

# command-on-PATH package
needs=(
    "curl curl"
    "tidy tidy"
    "fsck.fat dosfstools"
    "mdir mtools"
    "podman podman"
    "runc runc"
    "skopeo skopeo"
    "umoci umoci"
    "openssl openssl"
    "ip iproute2"
    "ping iputils-ping"
    "dnsmasq dnsmasq-base"
    "socat socat"
    "tshark tshark"
    "faketime faketime"
    "qemu-system-x86_64 qemu-system-x86"
    "depmod kmod"
    "chromium chromium"
    "certutil libnss3-tools"
    "strip binutils"
    "busybox busybox-static"
    "zstd zstd"
    "slirp4netns slirp4netns"
    "mksquashfs squashfs-tools"
)

missing=()
for pair in "${needs[@]}"; do
    cmd=${pair%% *} pkg=${pair#* }
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "note: not root, so not installing: ${missing[*]} (tests that need them will skip)" >&2
    exit 0
fi
echo "==> installing test dependencies: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
