#!/usr/bin/env bash
# Installs the Debian packages the tests drive (real peers, validators, tools). Idempotent:
# installs only what is missing. Without root it only says what is missing; tests that need a
# missing tool then skip and print why. Sourced (as bench-lib.sh does), it only defines
# deps_missing and deps_install, the one "what is missing -> apt-get install" of the scripts.

# The package of each "command package" pair whose command is missing, one per line. A command
# in /usr/sbin counts as present: Debian leaves that folder off a user's PATH.
deps_missing() { # "command package"...
    local pair cmd
    for pair in "$@"; do
        cmd=${pair%% *}
        command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || echo "${pair#* }"
    done
}

# Installs Debian packages quietly, without recommends (as root).
deps_install() { # packages...
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

[ "${BASH_SOURCE[0]}" != "$0" ] && return 0 # sourced: the functions only
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

mapfile -t missing < <(deps_missing "${needs[@]}")
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "note: not root, so not installing: ${missing[*]} (tests that need them will skip)" >&2
    exit 0
fi
echo "==> installing test dependencies: ${missing[*]}"
deps_install "${missing[@]}"
