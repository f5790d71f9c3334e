#!/usr/bin/env bash
# Prints the home of a JDK 25 or newer: $JAVA_HOME if it qualifies, else the newest under
# /usr/lib/jvm. Exits 1 with a message on stderr if there is none.
set -euo pipefail

feature_version() { # prints the feature release of the JDK at $1, or nothing
    local release="$1/release"
    [ -x "$1/bin/javac" ] && [ -f "$release" ] || return 0
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release"
}

want=25
if [ -n "${JAVA_HOME:-}" ]; then
    v=$(feature_version "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge "$want" ]; then echo "$JAVA_HOME"; exit 0; fi
fi
best= bestv=0
for home in /usr/lib/jvm/*; do
    v=$(feature_version "$home")
    if [ -n "$v" ] && [ "$v" -ge "$want" ] && [ "$v" -gt "$bestv" ]; then best=$home bestv=$v; fi
done
if [ -z "$best" ]; then
    echo "error: Morgana needs a JDK $want or newer (with javac and jlink)." >&2
    echo "       JAVA_HOME=${JAVA_HOME:-<unset>} is not one, and none was found under /usr/lib/jvm." >&2
    echo "       Install one (for example Temurin 25) and set JAVA_HOME to it." >&2
    exit 1
fi
echo "$best"
