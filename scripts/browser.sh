#!/usr/bin/env bash
# What the browser tests (tests/browser/) need beyond the Python packages: Debian's Chromium
# (with CJK fonts for the Chinese pages) and axe-core's axe.min.js from the npm registry,
# kept in .cache/axe/ (git-ignored). Idempotent and quick when both are there. Never fails:
# whatever is missing, the browser tests skip and say why.
set -uo pipefail
cd "$(dirname "$0")/.."

AXE_VERSION=4.14.1  # axe's rules change between releases: upgrade on purpose, here only
AXE_DIR=.cache/axe

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else return 1; fi; }

if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "browser tests: installing Chromium with apt-get"
    install_chromium() {
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
    }
    install_chromium || { as_root apt-get update -qq && install_chromium; } \
      || echo "browser tests: could not install Chromium with apt-get; they will be skipped" >&2
  else
    echo "browser tests: no /usr/bin/chromium and no apt-get; they will be skipped" >&2
  fi
fi

if [ "$(cat "$AXE_DIR/VERSION" 2>/dev/null)" != "$AXE_VERSION" ] || [ ! -s "$AXE_DIR/axe.min.js" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "browser tests: fetching axe-core $AXE_VERSION with npm"
    work=$(mktemp -d)
    if (cd "$work" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null) \
        && tar -xzf "$work/axe-core-$AXE_VERSION.tgz" -C "$work" package/axe.min.js package/LICENSE; then
      mkdir -p "$AXE_DIR"
      cp "$work/package/axe.min.js" "$work/package/LICENSE" "$AXE_DIR/"
      echo "$AXE_VERSION" > "$AXE_DIR/VERSION"
    else
      echo "browser tests: could not fetch axe-core; the accessibility checks will be skipped" >&2
    fi
    rm -rf "$work"
  else
    echo "browser tests: no npm to fetch axe-core; the accessibility checks will be skipped" >&2
  fi
fi
exit 0
