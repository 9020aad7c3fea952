#!/usr/bin/env bash
# Build the musl-linked tools of the agnhost image: today `getent`
# (images/getent.c), compiled with Debian $DEBIAN_SUITE's musl-gcc -static in a
# small build rootfs (chroot). The upstream agnhost image is Alpine, so its
# libc resolver is musl's; getent is how a reader sees that resolver at work.
# (Debian publishes no source packages to this machine, so curl, nc and bash
# cannot be rebuilt against musl here; NOTES.md says which tools behave how.)
# Output: $CACHE/bin/musl-tools-<key>/getent. Prints the dir.
source "$(dirname "$0")/lib.sh"
BUILD_PKGS=musl-tools,musl-dev,gcc,binutils
k=$(key musl-tools "$0" "$CLUSTER_DIR/lib.sh" "$CLUSTER_DIR/images/getent.c")
out="$CACHE/bin/musl-tools-$k"
if [[ -f "$out/.done" ]]; then echo "$out"; exit 0; fi
ROOTFS="$("$CLUSTER_DIR/build-rootfs.sh" muslbuild "$BUILD_PKGS")"
s=$(date +%s)
d="$CACHE/musl-tools.build"; rm -rf "$d"; mkdir -p "$d"
trap 'rm -rf "$d"' EXIT
tar -C "$d" -xf "$ROOTFS"
cp "$CLUSTER_DIR/images/getent.c" "$d/tmp/getent.c"
chroot "$d" /bin/sh -ec 'musl-gcc -static -O2 -Wall -Werror -o /tmp/getent /tmp/getent.c; strip /tmp/getent
  dpkg-query -W -f "musl \${Version}\n" musl > /tmp/VERSIONS'
# must be a static binary with musl inside, not glibc
readelf -d "$d/tmp/getent" | grep -q NEEDED && die "getent is dynamically linked"
grep -q 'GLIBC' "$d/tmp/getent" && die "getent contains glibc symbols"
mkdir -p "$out"; cp "$d/tmp/getent" "$d/tmp/VERSIONS" "$out/"
touch "$out/.done"
for old in "$CACHE/bin/musl-tools-"????????????; do if [[ "$old" != "$out" && -d "$old" ]]; then rm -rf "$old"; fi; done
log "musl tools built in $(( $(date +%s) - s ))s ($(cat "$out/VERSIONS"))"
echo "$out"
