#!/bin/sh
# Builds Morgana's small JDK (JVM=small) from a Debian OpenJDK source package:
#   build-small-jdk.sh OUT_DIR VARIANT SOURCE_CACHE
# VARIANT picks HotSpot's features (see "variants" below). Writes OUT_DIR/jmods (the jmods
# RuntimeLinker links an appliance's runtime from), OUT_DIR/linker (a runtime holding the
# built jlink: a JDK's jlink links only its own version's java.base), OUT_DIR/configure-options,
# OUT_DIR/version and OUT_DIR/build-seconds, atomically: a failed or interrupted build leaves
# no OUT_DIR. BOOT_JDK (environment) names the JDK 25 that compiles it.
# The source tarball is fetched once into SOURCE_CACHE with a private apt configuration whose
# deb-src lines reuse the archive the machine's own Debian sources name; apt checks it against
# the signed .dsc. As root it installs the build tools it lacks from Debian.
# Takes 20 to 60 minutes on 2 cores (niced).
set -eu

out=$1
variant=$2
source_cache=$3

# The source: pinned, so every build of this script compiles the same code. openjdk-26 and
# not openjdk-25: the archive this was written against served no openjdk-25 source files
# (every .dsc and .orig.tar.xz answered 404). A 26 VM runs the appliance's release-25 classes.
package=openjdk-26
version=26.0.2.1+1-1
upstream=26.0.2.1+1
suite=sid
version_build=1
# the upstream tarball's SHA-256 as the signed .dsc lists it: checked again on every build,
# since the tarball is kept in SOURCE_CACHE between builds
orig_sha256=b9a893567232edf475e1511ce2de897a00bc3d775f2e46269f492164150f0d76
# Fixed stamps, so two builds from the same source and settings give the same jmods.
source_date=1767225600   # 2026-01-01T00:00:00Z
# The jmods an appliance links from: java.base (HotSpot, the core classes, their native
# libraries), what Bouncy Castle's TLS reaches (java.logging, java.naming, java.sql and the
# modules they require) and jdk.unsupported (sun.misc.Unsafe, which libraries an appliance
# bundles may reach); and those of jdk.jlink and what it requires, for the linker runtime.
modules="java.base java.logging java.naming java.security.sasl java.sql java.transaction.xa java.xml jdk.unsupported"
linker_modules="jdk.jlink jdk.jdeps jdk.compiler java.compiler jdk.internal.opt jdk.zipfs"

# The variants: HotSpot's features. Temurin's server VM has C2, five collectors, JFR, JVMCI,
# JVMTI, management and serviceability; an appliance runs the serial collector and needs
# only the class data sharing behind its AOT cache. G1 stays although no appliance runs it:
# HotSpot 26's CDS code does not compile without it (cds/aotMappedHeap*.cpp use G1's heap
# outside any INCLUDE_G1GC).
case "$variant" in
    minimal) features="cds compiler1 g1gc serialgc" ;;           # C1 only: the smallest VM
    c2)      features="cds compiler1 compiler2 g1gc serialgc" ;; # tiered C1+C2: more throughput
    *) echo "small jdk: unknown variant '$variant' (minimal or c2)" >&2; exit 2 ;;
esac
# Built as the "server" variant with every other feature HotSpot knows disabled, so the VM
# sits where a stock JDK's does (lib/server/libjvm.so) and whatever finds it there still does.
all_features="cds compiler1 compiler2 dtrace epsilongc g1gc jfr jni-check jvmci jvmti link-time-opt management
minimal opt-size parallelgc serialgc services shenandoahgc vm-structs zero zgc"
feature_options=""
for feature in $all_features; do
    case " $features " in
        *" $feature "*) feature_options="$feature_options,$feature" ;;
        *) feature_options="$feature_options,-$feature" ;;
    esac
done
feature_options=${feature_options#,}

say() { echo "small jdk: $*"; }
start=$(date +%s)

# --- build tools -----------------------------------------------------------------------------
tools="autoconf make gcc g++ zip unzip file tar xz dpkg-source sha256sum"
missing=""
for tool in $tools; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
for header in zlib.h freetype2/ft2build.h PCSC/winscard.h jpeglib.h gif_lib.h png.h lcms2.h harfbuzz/hb.h cups/cups.h alsa/asoundlib.h fontconfig/fontconfig.h X11/Xlib.h X11/extensions/XTest.h \
        X11/extensions/Xrender.h X11/extensions/Xrandr.h X11/Intrinsic.h; do
    [ -f "/usr/include/$header" ] || missing="$missing $header"
done
if [ -n "$missing" ]; then
    # configure checks these headers even for a headless JDK that never compiles against them;
    # the libraries the JDK bundles come from the system: Debian's tarball has the bundled
    # copies removed, and the interim image behind java.base's CDS classlist builds them all
    packages="autoconf make gcc g++ zip unzip file xz-utils dpkg-dev zlib1g-dev libfreetype-dev libpcsclite-dev \
libjpeg-dev libgif-dev libpng-dev liblcms2-dev libharfbuzz-dev libcups2-dev libasound2-dev \
libfontconfig-dev libx11-dev libxext-dev libxrender-dev libxrandr-dev libxtst-dev libxt-dev"
    if [ "$(id -u)" -ne 0 ]; then
        say "missing$missing; as root: apt-get install $packages" >&2
        exit 2
    fi
    say "installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $packages >/dev/null
fi

boot_jdk=${BOOT_JDK:-}
if [ -z "$boot_jdk" ] || [ ! -x "$boot_jdk/bin/javac" ]; then
    say "BOOT_JDK must name a JDK 24 or 25 (with javac)" >&2
    exit 2
fi

# --- source ----------------------------------------------------------------------------------
orig_name="${package}_${upstream}.orig.tar.xz"
orig="$source_cache/$orig_name"
if [ ! -f "$orig" ]; then
    say "fetching $package $version source"
    apt_dir="$source_cache/apt"
    mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/download"
    : >"$apt_dir/empty.list"
    # the archive the machine's own Debian sources name (deb822 or one-line format)
    archive=$( { sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null
                 sed -n 's/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]*\).*/\2/p' \
                     /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null; } \
               | tr ' ' '\n' | grep '/debian/\{0,1\}$' | head -1)
    if [ -z "$archive" ]; then
        say "no Debian archive (a URI ending in /debian) in /etc/apt/sources.list(.d)" >&2
        exit 1
    fi
    printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$archive" "$suite" >"$apt_dir/parts/$suite.sources"
    set -- -o Dir::Etc::SourceList="$apt_dir/empty.list" -o Dir::Etc::SourceParts="$apt_dir/parts" \
        -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache"
    apt-get "$@" -qq update
    # apt checks the .dsc's signature and every file's checksum against it
    (cd "$apt_dir/download" && apt-get "$@" -qq source --download-only "$package=$version")
    mv "$apt_dir/download/$orig_name" "$orig"
    rm -rf "$apt_dir"
fi

if ! echo "$orig_sha256  $orig" | sha256sum -c --status; then
    say "$orig does not have the SHA-256 the .dsc lists; delete it to fetch it again" >&2
    exit 1
fi

# --- configure -------------------------------------------------------------------------------
set -- --with-boot-jdk="$boot_jdk" \
    --with-debug-level=release \
    --enable-headless-only \
    --disable-warnings-as-errors \
    --with-native-debug-symbols=none \
    --with-jvm-variants=server \
    --with-jvm-features="$feature_options" \
    --with-version-build="$version_build" --with-version-pre= --with-version-opt=morgana \
    --with-vendor-name=Morgana \
    --with-source-date="$source_date" \
    --with-build-user=morgana \
    --with-zlib=system --with-freetype=system --with-libjpeg=system --with-giflib=system \
    --with-libpng=system --with-lcms=system --with-harfbuzz=system \
    --disable-ccache \
    --with-jobs="$(nproc)"
options=$(printf '%s\n' "$@" | grep -v '^--with-boot-jdk=\|^--with-jobs=')

# An interrupted build (an hour on a loaded machine) resumes where make stopped, if it was
# configured with the same options; anything else starts from a fresh tree.
work="$out.partial"
rm -rf "$out"
if [ -f "$work/configured" ] && [ "$(cat "$work/configure-options" 2>/dev/null)" = "$options" ]; then
    say "resuming the interrupted build in $work"
    cd "$work/src"
else
    rm -rf "$work"
    mkdir -p "$work/src"
    say "unpacking $orig_name"
    tar xJf "$orig" -C "$work/src" --strip-components=1
    cd "$work/src"
    # java.smartcardio's library (built for the interim image that generates java.base's CDS
    # classlist) includes the PC/SC headers from the folder Debian emptied: the system's instead
    muscle=src/java.smartcardio/unix/native/libj2pcsc/MUSCLE
    if [ ! -f "$muscle/winscard.h" ]; then
        mkdir -p "$muscle"
        cp /usr/include/PCSC/winscard.h /usr/include/PCSC/pcsclite.h /usr/include/PCSC/wintypes.h "$muscle/"
    fi
    printf '%s\n' "$options" >"$work/configure-options"
    say "configure (variant $variant: $features)"
    bash configure "$@" >"$work/configure.log" 2>&1 || { tail -40 "$work/configure.log" >&2; exit 1; }
    # configure may add a feature another one implies, or drop one the platform lacks: check
    got=$(sed -n 's/^JVM_FEATURES_server := *//p' build/*/spec.gmk)
    if [ "$got" != "$features" ]; then
        say "configure chose the features '$got', not '$features'" >&2
        exit 1
    fi
    : >"$work/configured"
fi

# --- build -----------------------------------------------------------------------------------
targets=""
for module in $modules $linker_modules; do targets="$targets $module-jmod"; done
# No nice here: the JDK's make already runs the build under nice (+10); another would stack.
say "compiling$targets ($(nproc) jobs, niced by the JDK's make; 20 to 60 minutes; log: $work/make.log)"
make $targets >>"$work/make.log" 2>&1 || { tail -60 "$work/make.log" >&2; exit 1; }

rm -rf "$work/out"
mkdir -p "$work/out/jmods"
for module in $modules; do
    cp build/*/images/jmods/"$module.jmod" "$work/out/jmods/"
done
say "linking the linker runtime (java.base, jdk.jlink)"
# the exploded JDK's jlink: its launcher if make built one, else its main class. Its
# generate-jli-classes plugin fails there (ClosedChannelException reading java.base's trace);
# the linker runtime's own jlink runs it without trouble.
jlink=$(ls build/*/jdk/bin/jlink 2>/dev/null || true)
[ -n "$jlink" ] || jlink="$(ls build/*/jdk/bin/java) -m jdk.jlink/jdk.tools.jlink.internal.Main"
$jlink --disable-plugin generate-jli-classes --module-path "$(ls -d build/*/images/jmods)" \
    --add-modules jdk.jlink --strip-debug \
    --no-header-files --no-man-pages --output "$work/out/linker" >>"$work/make.log" 2>&1 \
    || { tail -20 "$work/make.log" >&2; exit 1; }
"$work/out/linker/bin/java" -version >"$work/out/version" 2>&1
mv "$work/configure-options" "$work/out/"
echo $(( $(date +%s) - start )) >"$work/out/build-seconds"
mv "$work/out" "$out"
cd /
rm -rf "$work"
say "$package $upstream ($variant) built in $(cat "$out/build-seconds") s (this run): $out/jmods"
