#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: npm dependencies, the Temporal CLI built from its
# Go module into .tools/bin, and the TypeScript build. Safe to run twice: each step is
# skipped when its output is already there and current.
set -euo pipefail
cd "$(dirname "$0")/.."
# --test: also the system packages only the tests use (Chromium for the Web UI test, promtool for
# the alert rules), from Debian's package manager when missing. A failure is reported, not fatal:
# the test that needs the package then fails with that reason.
FOR_TESTS=false
[ "${1:-}" = "--test" ] && FOR_TESTS=true

TEMPORAL_CLI_VERSION=v1.5.1
TOOLS_BIN="$PWD/.tools/bin"
log() { printf '[setup] %s\n' "$*" >&2; }

# 1. npm dependencies (only when package-lock.json changed since the last install).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
else
  log "npm dependencies up to date"
fi

# 2. The Temporal CLI (dev server with SQLite + Web UI), built from its Go module.
#    v1.5.1 is the newest tag without `replace` directives, which `go install mod@version` refuses.
if [ -x "$TOOLS_BIN/temporal" ] && [ "$(cat "$TOOLS_BIN/.temporal-version" 2>/dev/null)" = "$TEMPORAL_CLI_VERSION" ]; then
  log "temporal CLI $TEMPORAL_CLI_VERSION present at .tools/bin/temporal"
else
  command -v go >/dev/null || { log "Go is required to build the Temporal CLI (Go >= 1.25)"; exit 1; }
  go_version=$(go env GOVERSION 2>/dev/null || true) # go1.26.8, go1.25rc1, devel go1.26-...
  if [[ "$go_version" =~ go([0-9]+)\.([0-9]+) ]]; then
    if (( BASH_REMATCH[1] < 1 || (BASH_REMATCH[1] == 1 && BASH_REMATCH[2] < 25) )); then
      log "Go >= 1.25 is required to build the Temporal CLI, but 'go' is $go_version ($(command -v go)): install a newer Go"
      exit 1
    fi
  else
    log "cannot tell the Go version ('$go_version'); trying anyway (Go >= 1.25 is required)"
  fi
  log "building the Temporal CLI $TEMPORAL_CLI_VERSION with 'go install' ($go_version; minutes on a cold cache)..."
  mkdir -p "$TOOLS_BIN"
  start=$(date +%s)
  # Package lines (the -v output: a bare import path) only advance a counter. Every other line
  # (compiler errors "file.go:12:3: ..." under their "# package" header, "go: ..." and
  # "note: ..." messages, anything with "error") is printed in full. A bare path is matched
  # rather than error words: import paths like github.com/pkg/errors contain "error" too.
  GOBIN="$TOOLS_BIN" GOFLAGS=-buildvcs=false go install -v "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" 2>&1 |
    awk '!/^[[:alnum:]._~\/+-]+$/ { print "[setup]   " $0 > "/dev/stderr"; fflush(); next }
         { n++; if (n % 100 == 0) { printf "[setup]   ... %d packages compiled\n", n > "/dev/stderr"; fflush() } }' ||
    { log "go install failed (see the errors above)"; exit 1; }
  [ -x "$TOOLS_BIN/temporal" ] || { log "go install finished without producing $TOOLS_BIN/temporal"; exit 1; }
  echo "$TEMPORAL_CLI_VERSION" > "$TOOLS_BIN/.temporal-version"
  log "temporal CLI built in $(( $(date +%s) - start ))s"
fi

# 3. Test-only system packages (Debian): chromium and promtool (package prometheus).
if $FOR_TESTS; then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v promtool >/dev/null || missing+=(prometheus)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} with apt-get (for the browser test and the alert-rules check)"
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
      log "cannot install ${missing[*]}: not root or no apt-get; install them, or the tests that need them fail"
    else
      { [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ] || apt-get update -qq; } &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
        log "apt-get install ${missing[*]} failed (see above); the tests that need them will fail"
    fi
  fi
fi

# 4. TypeScript build (a clean build: tsc is fast; skipped when dist is newer than every source).
newest_src=$(find workflows activities ops worker client emulator common test bench scripts tsconfig.json package-lock.json -newer dist/.build-stamp 2>/dev/null | head -n1 || true)
if [ ! -f dist/.build-stamp ] || [ -n "$newest_src" ]; then
  log "compiling TypeScript"
  # From scratch: output of deleted sources (a stale dist/test/*.test.js) must not linger.
  rm -rf dist
  npx tsc -p tsconfig.json
  touch dist/.build-stamp
else
  log "build up to date"
fi
