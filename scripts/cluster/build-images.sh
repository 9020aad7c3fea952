#!/usr/bin/env bash
# Build every container image the cluster preloads, without a registry:
# a minimal rootfs per image (static binary + what it needs), `docker import`
# with ENTRYPOINT/USER/ENV changes, then `docker save` to
# $CACHE/images/<name>-<key>.tar. Prints the archive paths, one per line.
source "$(dirname "$0")/lib.sh"
K8S_BIN="$("$CLUSTER_DIR/build-k8s.sh")/bin"
comp() { "$CLUSTER_DIR/build-components.sh" path "$1"; }
NET_PKGS=iptables,nftables,conntrack,ipset,iproute2,curl,bind9-dnsutils,netcat-openbsd,ca-certificates,libcap2-bin,bash,procps
NET_ROOTFS="$("$CLUSTER_DIR/build-rootfs.sh" net "$NET_PKGS")"
# agnhost: the tools the upstream Alpine image has that checks, readers and
# upstream's own e2e tests use. curl and nslookup/dig resolve as upstream's do
# (upstream curl uses c-ares, which walks the search list in glibc's order;
# BIND's tools use their own resolver); getent is musl's (build-musl-tools.sh).
# netcat is Debian's (glibc): upstream's e2e tests run `nc`, and Debian serves no
# sources to link it against musl; README.md says where that differs.
AGNHOST_PKGS=curl,bind9-dnsutils,iproute2,bash,ca-certificates,socat,iperf,procps,netcat-openbsd
AGNHOST_ROOTFS="$("$CLUSTER_DIR/build-rootfs.sh" agnhost "$AGNHOST_PKGS")"
MUSL_TOOLS="$("$CLUSTER_DIR/build-musl-tools.sh")"
K8S_SRC="$(cd /tmp && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | jq -r .Dir)"
PATHENV='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
mkdir -p "$CACHE/images"

static_base() { # DIR: a distroless-like tree
  local d="$1"
  mkdir -p "$d"/{etc/ssl/certs,tmp,usr/local/bin,var/run,root}
  chmod 1777 "$d/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$d/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' > "$d/etc/group"
  echo 'hosts: files dns' > "$d/etc/nsswitch.conf"
  cp /etc/ssl/certs/ca-certificates.crt "$d/etc/ssl/certs/"
}

# agnhost_extras DIR: what upstream's Dockerfile adds around the binary
agnhost_extras() {
  local d="$1"
  install -m 0755 "$MUSL_TOOLS/getent" "$d/usr/bin/getent"
  # upstream adds a CoreDNS release as /coredns (DNS e2e tests run it); here: the pinned CoreDNS
  install -m 0755 "$(comp coredns)" "$d/coredns"
  # and porter's test certificate, from the same Kubernetes source (e2e proxy tests serve TLS with it)
  install -m 0644 "$K8S_SRC/test/images/agnhost/porter/localhost.crt" "$K8S_SRC/test/images/agnhost/porter/localhost.key" "$d/"
  ln -sf agnhost "$d/agnhost-2"
  mkdir -p "$d/uploads"
  echo 'user-defined-in-image:x:1000:1000::/home/user-defined-in-image:/bin/sh' >> "$d/etc/passwd"
  echo 'group-defined-in-image:x:50000:user-defined-in-image' >> "$d/etc/group"
  printf 'agnhost %s built from k8s.io/kubernetes %s; getent linked against %s; other tools from Debian %s\n' \
    "$AGNHOST_VERSION" "$K8S_VERSION" "$(cat "$MUSL_TOOLS/VERSIONS")" "$DEBIAN_SUITE" > "$d/etc/agnhost-image"
}

# image NAME TAG BASE(static|net|agnhost) BIN DEST [--change ...]
image() {
  local name="$1" tag="$2" base="$3" bin="$4" dest="$5"; shift 5
  # SKIP_IMAGES="traefik ..." leaves images out (for iterating on the node image only)
  [[ " ${SKIP_IMAGES:-} " == *" $name "* ]] && return 0
  local k; k=$( { echo "$tag $base $dest $*"; sha256sum "$bin"; [[ $base == net ]] && echo "$NET_ROOTFS";
    [[ $base == agnhost ]] && { echo "$AGNHOST_ROOTFS"; sha256sum "$MUSL_TOOLS/getent" "$(comp coredns)"; }; cat "$0"; } | sha256sum | cut -c1-12)
  local out="$CACHE/images/$name-$k.tar"
  if [[ -f "$out" ]]; then echo "$out"; return; fi
  local s=$(date +%s) d="$CACHE/images/$name.rootfs"
  rm -rf "$d"; mkdir -p "$d"
  case $base in
    net) tar -C "$d" -xf "$NET_ROOTFS" ;;
    agnhost) tar -C "$d" -xf "$AGNHOST_ROOTFS"; agnhost_extras "$d" ;;
    *) static_base "$d" ;;
  esac
  install -D -m 0755 "$bin" "$d$dest"
  local prev; prev=$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)
  tar --numeric-owner -C "$d" -c . | docker import "$@" - "$tag" >/dev/null
  # the previous build of this tag is now untagged: drop it (fails harmlessly if still in use)
  if [[ -n "$prev" && "$prev" != "$(docker image inspect -f '{{.Id}}' "$tag")" ]]; then docker rmi "$prev" >/dev/null 2>&1 || true; fi
  docker save "$tag" -o "$out.part" && mv "$out.part" "$out"
  rm -rf "$d"
  for old in "$CACHE/images/$name-"????????????.tar; do if [[ "$old" != "$out" && -f "$old" ]]; then rm -f "$old"; fi; done
  log "image $tag: $(( $(date +%s) - s ))s, $(du -h "$out" | cut -f1)"
  echo "$out"
}

for c in kube-apiserver kube-controller-manager kube-scheduler; do
  image "$c" "registry.k8s.io/$c:$K8S_VERSION" static "$K8S_BIN/$c" "/usr/local/bin/$c" --change "$PATHENV"
done
image kube-proxy "registry.k8s.io/kube-proxy:$K8S_VERSION" net "$K8S_BIN/kube-proxy" /usr/local/bin/kube-proxy --change "$PATHENV"
image etcd "registry.k8s.io/etcd:$ETCD_IMAGE_TAG" static "$(comp etcd)" /usr/local/bin/etcd --change "$PATHENV"
image coredns "registry.k8s.io/coredns/coredns:$COREDNS_VERSION" static "$(comp coredns)" /coredns \
  --change "$PATHENV" --change 'ENTRYPOINT ["/coredns"]' --change 'EXPOSE 53 53/udp'
image pause "registry.k8s.io/pause:$PAUSE_VERSION" static "$(comp pause)" /pause \
  --change 'USER 65535:65535' --change 'ENTRYPOINT ["/pause"]'
image kindnet-lite "localhost/kindnet-lite:$K8S_VERSION" net "$(comp kindnet-lite)" /usr/local/bin/kindnet-lite \
  --change "$PATHENV" --change 'ENTRYPOINT ["/usr/local/bin/kindnet-lite"]'
image agnhost "registry.k8s.io/e2e-test-images/agnhost:$AGNHOST_VERSION" agnhost "$K8S_BIN/agnhost" /agnhost \
  --change "$PATHENV" --change 'ENTRYPOINT ["/agnhost"]' --change 'CMD ["pause"]'
image traefik "docker.io/library/traefik:$TRAEFIK_VERSION" static "$(comp traefik)" /traefik \
  --change "$PATHENV" --change 'ENTRYPOINT ["/traefik"]' --change 'EXPOSE 80'
# MetalLB, tagged as its config/manifests/metallb-native.yaml names them. Upstream's
# images are distroless/static with the binary at / (the speaker's also carries
# FRR helpers, which only the FRR modes use; this cluster runs L2 mode).
image metallb-controller "quay.io/metallb/controller:$METALLB_VERSION" static "$(comp metallb-controller)" /controller \
  --change "$PATHENV" --change 'ENTRYPOINT ["/controller"]'
image metallb-speaker "quay.io/metallb/speaker:$METALLB_VERSION" static "$(comp metallb-speaker)" /speaker \
  --change "$PATHENV" --change 'ENTRYPOINT ["/speaker"]'
