#!/bin/bash
# The real-Xen check of a TARGET=xen image (make test-xen, XenHypervisorTest): boots Debian's Xen
# 4.17 hypervisor under QEMU (software emulation), with a dom0 built here from Debian packages
# (xl toolstack, xenstored, xenconsoled, a bridge xenbr0 10.9.0.1/24), which runs `xl create` of
# the image's own xl config, fetches every listed site path from the guest over netfront
# (busybox wget, sha256 reported on the console), then `xl shutdown -w` and prints the guest's
# console. Packages are fetched once with apt-get download and kept in CACHE.
#
# usage: xen-test.sh IMAGE_DIR PATHS_FILE CACHE WORK TIMEOUT_SECONDS
#   IMAGE_DIR  the folder make build wrote (vmlinuz, initramfs.cpio.xz or root.squashfs, www.xl)
#   PATHS_FILE URL paths to fetch, one per line (already percent-encoded)
#   WORK       a scratch folder: dom0 tree, dom0 initramfs and console.log are written there
set -euo pipefail
IMAGE=$(cd "$1" && pwd); PATHS=$2; CACHE=$3; WORK=$4; LIMIT=$5
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$CACHE" "$WORK"
CACHE=$(cd "$CACHE" && pwd); WORK=$(cd "$WORK" && pwd)

# ---- Debian packages (cached)
release=$(apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: linux-image-\([0-9].*-amd64\)$/\1/p' | head -1)
[ -n "$release" ] || { echo "xen-test: apt-cache knows no linux-image-amd64 (apt-get update)"; exit 2; }
packages="xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common xenstore-utils bridge-utils libxenmisc4.17
  libxenstore4 libxentoolcore1 libxentoollog1 libxenevtchn1 libxengnttab1 libxenforeignmemory1 libxencall1
  libxendevicemodel1 libxenhypfs1 libyajl2 libext2fs2 linux-image-$release"
stamp=$CACHE/ready-$release
if [ ! -f "$stamp" ]; then
    rm -rf "$CACHE/debs" "$CACHE/root" && mkdir -p "$CACHE/debs" "$CACHE/root"
    (cd "$CACHE/debs" && apt-get download -q $packages >/dev/null)
    for deb in "$CACHE"/debs/*.deb; do dpkg-deb -x "$deb" "$CACHE/root"; done
    gunzip -c "$CACHE"/root/boot/xen-4.17-amd64.gz > "$CACHE/xen.elf"
    touch "$stamp"
fi
R=$CACHE/root
DOM0_MODULES=$R/lib/modules/$release/kernel

# ---- dom0 tree
D=$WORK/dom0
rm -rf "$D"
mkdir -p "$D"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,run,tmp,var/lib,var/log,etc/xen,guest,lib64}
mkdir -p "$D"/{lib,usr/lib}/x86_64-linux-gnu "$D/usr/lib/xen-4.17"
ln -s ../run "$D/var/run"
cp /bin/busybox "$D/bin/busybox"
for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -sf busybox "$D/bin/$applet"; done
# The vif-bridge hotplug script runs bash with iproute2's ip and flock.
cp /bin/bash "$D/bin/bash"; rm -f "$D/bin/ip"; cp /bin/ip "$D/bin/ip"; cp /usr/bin/flock "$D/usr/bin/flock"
cp "$R/sbin/brctl" "$D/usr/sbin/brctl"
cp -a "$R/usr/lib/xen-4.17/bin" "$D/usr/lib/xen-4.17/"
[ -d "$R/usr/lib/xen-4.17/lib" ] && cp -a "$R/usr/lib/xen-4.17/lib" "$D/usr/lib/xen-4.17/" && rm -rf "$D/usr/lib/xen-4.17/lib/python"
cp -a "$R"/usr/bin/xenstore* "$D/usr/bin/"
cp -a "$R/etc/xen/scripts" "$D/etc/xen/"
cp "$R/etc/xen/xl.conf" "$D/etc/xen/"
cp -a "$R"/usr/lib/x86_64-linux-gnu/. "$D/usr/lib/x86_64-linux-gnu/"
cp -a "$R"/lib/x86_64-linux-gnu/. "$D/lib/x86_64-linux-gnu/"
# Host libraries every dynamic ELF file needs (xl aborts without libgcc_s).
export LD_LIBRARY_PATH=$R/usr/lib/x86_64-linux-gnu:$R/lib/x86_64-linux-gnu:$R/usr/lib/xen-4.17/lib/x86_64-linux-gnu
find "$D" -type f \( -perm -u+x -o -name '*.so*' \) | while read -r f; do
    [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
    ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^\s*\/lib64/{print $1}' || true
done | sort -u | while read -r lib; do
    case $lib in "$CACHE"/*) continue;; esac
    mkdir -p "$D/$(dirname "$lib")"; cp -L "$lib" "$D/$lib"
done
cp -L /usr/lib/x86_64-linux-gnu/libgcc_s.so.1 "$D/usr/lib/x86_64-linux-gnu/"
cp -L /lib64/ld-linux-x86-64.so.2 "$D/lib64/"
modules="drivers/xen/xen-evtchn drivers/xen/xen-privcmd drivers/xen/xen-gntdev drivers/xen/xen-gntalloc
  drivers/xen/xenfs/xenfs drivers/net/xen-netback/xen-netback net/llc/llc net/802/stp net/bridge/bridge"
for m in $modules; do
    mkdir -p "$D/lib/modules/$(dirname "$m")"; cp "$DOM0_MODULES/$m.ko" "$D/lib/modules/$m.ko"
done
echo $modules > "$D/etc/dom0-modules"
# The ramdisk the xl config names: the cloud kernel's initramfs or the small kernel's squashfs root.
ramdisk=$(sed -n 's/^ramdisk = "\(.*\)"$/\1/p' "$IMAGE"/*.xl)
cp "$IMAGE"/vmlinuz "$IMAGE/$ramdisk" "$IMAGE"/*.xl "$D/guest/"
cp "$PATHS" "$D/etc/site-paths"
cp "$here/dom0-init" "$D/init"; chmod 755 "$D/init"
(cd "$D" && find . | /bin/busybox cpio -o -H newc 2>/dev/null | gzip -1) > "$WORK/dom0.cpio.gz"

# ---- boot: Xen with the generic kernel as dom0 (the cloud kernel cannot be dom0)
# qemu64,+npt: -cpu max crashes dom0 under TCG (SMAP); a comma inside a module's command line is ",,".
timeout "$LIMIT" qemu-system-x86_64 -accel tcg -m 1024 -smp 1 -cpu qemu64,+npt -nographic -no-reboot \
    -kernel "$CACHE/xen.elf" \
    -append "console=com1 com1=115200,8n1 dom0_mem=512M,max:512M dom0_max_vcpus=1" \
    -initrd "$R/boot/vmlinuz-$release console=hvc0 earlyprintk=xen panic=-1,$WORK/dom0.cpio.gz" \
    </dev/null > "$WORK/console.log" 2>&1 || echo "xen-test: qemu ended with status $?" >> "$WORK/console.log"
