#!/usr/bin/env bash
# build-rootfs.sh NAME PKG[,PKG...] [SUITE] : debootstrap --variant=minbase a
# Debian rootfs (SUITE, default $DEBIAN_SUITE) with the given packages, trim
# docs/apt lists, and save it as $CACHE/rootfs/NAME-<key>.tar. Prints the tarball path.
source "$(dirname "$0")/lib.sh"
name="$1"; pkgs="$2"; suite="${3:-$DEBIAN_SUITE}"
k=$(echo "$pkgs $suite" | cat - "$0" | sha256sum | cut -c1-8)$(key "rootfs-$name")
out="$CACHE/rootfs/$name-${k:0:12}.tar"
if [[ -f "$out" ]]; then echo "$out"; exit 0; fi
mkdir -p "$CACHE/rootfs"
dir="$CACHE/rootfs/$name.tmp"; rm -rf "$dir"
log "debootstrap $suite $name: $pkgs"
$NICE debootstrap --variant=minbase --include="$pkgs" "$suite" "$dir" http://deb.debian.org/debian \
  > "$CACHE/logs/debootstrap-$name.log" 2>&1 || { tail -20 "$CACHE/logs/debootstrap-$name.log" >&2; die "debootstrap $name failed"; }
rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb \
  "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/locale/* "$dir"/var/log/*.log
tar --numeric-owner --xattrs -C "$dir" -cf "$out.part" . && mv "$out.part" "$out"
rm -rf "$dir"
echo "$out"
