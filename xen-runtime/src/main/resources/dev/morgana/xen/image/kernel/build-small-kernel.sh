#!/bin/sh
# Builds Morgana's small VM kernel (KERNEL=small) from Debian's kernel source package:
#   build-small-kernel.sh OUT_DIR FRAGMENT
# allnoconfig, then FRAGMENT (morgana.config) merged in, then olddefconfig; every option of the
# fragment must have survived (a dependency Kconfig refused would otherwise vanish silently).
# Writes OUT_DIR/vmlinuz (bzImage, XZ payload), OUT_DIR/config and OUT_DIR/release, atomically:
# a failed or interrupted build leaves no OUT_DIR. Takes 10 to 30 minutes on 2 cores.
# As root it installs what it lacks from Debian (linux-source-6.1 and the build tools).
set -eu

out=$1
fragment=$2
source_package=linux-source-6.1
tarball=/usr/src/$source_package.tar.xz
tools="make gcc bc bison flex perl xz cpio"

missing=""
[ -f "$tarball" ] || missing="$source_package"
for tool in $tools; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
[ -f /usr/include/libelf.h ] || missing="$missing libelf"
[ -f /usr/include/openssl/ssl.h ] || missing="$missing libssl"
if [ -n "$missing" ]; then
    packages="$source_package build-essential bc bison flex libelf-dev libssl-dev xz-utils cpio perl"
    if [ "$(id -u)" -ne 0 ]; then
        echo "small kernel: missing$missing; as root: apt-get install $packages" >&2
        exit 2
    fi
    echo "small kernel: installing $packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $packages >/dev/null
fi

work="$out.partial"
rm -rf "$work" "$out"
mkdir -p "$work/src"
echo "small kernel: unpacking $tarball"
tar xf "$tarball" -C "$work/src" --strip-components=1
cd "$work/src"

# Fixed build stamps, so two builds of the same source and fragment give the same kernel.
export KBUILD_BUILD_TIMESTAMP="1970-01-01 00:00:00 UTC" KBUILD_BUILD_USER=morgana KBUILD_BUILD_HOST=morgana \
    KBUILD_BUILD_VERSION=1 LOCALVERSION=-morgana

make -s allnoconfig >/dev/null
KCONFIG_CONFIG=.config scripts/kconfig/merge_config.sh -m .config "$fragment" >/dev/null
make -s olddefconfig >/dev/null
lost=""
while IFS= read -r line; do
    case "$line" in ''|'#'*) continue ;; esac
    grep -qx "$line" .config || lost="$lost $line"
done < "$fragment"
if [ -n "$lost" ]; then
    echo "small kernel: Kconfig refused:$lost" >&2
    exit 1
fi

echo "small kernel: compiling (nice, $(nproc) jobs); 10 to 30 minutes"
nice -n 10 make -s -j"$(nproc)" bzImage >"$work/make.log" 2>&1 || { tail -40 "$work/make.log" >&2; exit 1; }
mkdir -p "$work/out"
cp arch/x86/boot/bzImage "$work/out/vmlinuz"
cp .config "$work/out/config"
make -s kernelrelease >"$work/out/release"
mv "$work/out" "$out"
cd /
rm -rf "$work"
echo "small kernel: $(cat "$out/release"), $(wc -c <"$out/vmlinuz") bytes in $out"
