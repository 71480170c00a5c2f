#!/usr/bin/env bash
# Installs what `make test` and `make run` need, each step only when it is missing, so running
# it again costs a second. Called by `make tools`; each step can also be run alone:
#
#   scripts/tools.sh system     Debian packages: chromium, wrk, hyperfine, qemu-user and
#                               libc6-arm64-cross (+ python3-venv, node)
#   scripts/tools.sh venv       .venv with the pinned Python tools (moto, cfn-lint, checkov,
#                               cargo-lambda) from scripts/requirements-tools.txt
#   scripts/tools.sh rust       the aarch64 Rust target the Lambda functions are built for
#   scripts/tools.sh npm        node_modules for the browser test, when package.json exists
#   scripts/tools.sh all        all of the above, in that order
#   scripts/tools.sh run        only what `make run` needs: python3-venv and a .venv with the
#                               emulator (scripts/requirements-run.txt). No browser, no qemu, no
#                               checkov or cargo-lambda: on a new machine those cost minutes of
#                               the two cores the first build needs. `make test` adds the rest.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=$ROOT/.venv
REQUIREMENTS=scripts/requirements-tools.txt
RUN_REQUIREMENTS=scripts/requirements-run.txt
# What the venv was installed from: the requirement files' text, so a change to either reinstalls.
STAMP=$VENV/.tools-installed
RUN_STAMP=$VENV/.run-installed
RUST_TARGET=aarch64-unknown-linux-gnu

say() { printf 'tools: %s\n' "$*"; }

# Runs a command as root: directly when we are root, through sudo when it is available.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    say "need root to run: $*"
    say "run it as root (or install sudo), then run make again"
    return 1
  fi
}

step_system() {
  local missing=()
  local tool
  for tool in chromium wrk hyperfine; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  # The boot test runs the arm64 Lambda zip under qemu: the emulator and arm64's C library.
  command -v qemu-aarch64 >/dev/null 2>&1 || missing+=(qemu-user)
  [ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || missing+=(libc6-arm64-cross)
  if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    missing+=(python3-venv)
  fi
  if [ -f package.json ] && ! command -v npm >/dev/null 2>&1; then
    missing+=(nodejs npm)
  fi
  if [ ${#missing[@]} -eq 0 ]; then
    say "system packages present (chromium, wrk, hyperfine, qemu-user, libc6-arm64-cross)"
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    say "missing: ${missing[*]}; this is not a Debian/Ubuntu system, install them with your package manager"
    return 1
  fi
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The text a stamp holds for a requirements file: its own lines and those of the files it includes.
requirements_text() {
  cat "$1"
  local included
  # (grep finds no `-r` line in a file that includes none: not a failure.)
  { grep -E '^-r ' "$1" || true; } | while read -r _ included; do
    cat "$(dirname "$1")/$included"
  done
}

# Whether the stamp $1 says the venv was installed from requirements file $2 as it is now.
stamp_current() {
  [ -x "$VENV/bin/python" ] && [ -f "$1" ] && cmp -s <(requirements_text "$2") "$1"
}

# Installs requirements file $1 into the venv and records it in stamp $2.
install_requirements() {
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV"
    # The system interpreter, not one from an activated venv.
    PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vx "$VENV/bin" | paste -sd: -) \
      python3 -m venv "$VENV"
  fi
  say "installing $(requirements_text "$1" | grep -v '^#' | grep -v '^-r ' | tr '\n' ' ')into $VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$1"
  requirements_text "$1" >"$2"
}

step_venv() {
  if stamp_current "$STAMP" "$REQUIREMENTS"; then
    say "venv up to date ($VENV)"
    return 0
  fi
  install_requirements "$REQUIREMENTS" "$STAMP"
  # Everything `make run` needs is in there too.
  requirements_text "$RUN_REQUIREMENTS" >"$RUN_STAMP"
}

step_run_venv() {
  if stamp_current "$RUN_STAMP" "$RUN_REQUIREMENTS"; then
    say "venv has the emulator ($VENV)"
    return 0
  fi
  install_requirements "$RUN_REQUIREMENTS" "$RUN_STAMP"
}

# `make run` needs a Python venv and nothing else from the system.
step_run_system() {
  python3 -c 'import ensurepip' >/dev/null 2>&1 && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    say "missing: Python's venv module; install python3-venv with your package manager"
    return 1
  fi
  say "installing Debian packages: python3-venv"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
}

step_rust() {
  if ! command -v rustup >/dev/null 2>&1; then
    if rustc --print target-libdir --target "$RUST_TARGET" >/dev/null 2>&1; then
      say "Rust target $RUST_TARGET present"
      return 0
    fi
    say "rustup not found: install Rust with rustup (https://rustup.rs), then run make again"
    return 1
  fi
  if rustup target list --installed | grep -qx "$RUST_TARGET"; then
    say "Rust target $RUST_TARGET present"
  else
    say "adding Rust target $RUST_TARGET"
    rustup target add "$RUST_TARGET"
  fi
}

step_npm() {
  if [ ! -f package.json ]; then
    say "no package.json: nothing to install for the browser test"
    return 0
  fi
  # playwright-core and package.json need Node.js 20 or later; Debian 12's own nodejs is 18,
  # which npm would install over with only a warning and the browser test would then fail far
  # from the cause.
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "${major:-0}" -lt 20 ]; then
    say "Node.js 20 or later is needed for the browser test and the diagrams (found: $(node --version 2>/dev/null || echo none)); install it from https://nodejs.org or NodeSource's Debian packages, then run this again"
    return 1
  fi
  # npm writes node_modules/.package-lock.json on every install; newer than the inputs = done.
  local marker=node_modules/.package-lock.json
  local lock=package.json
  [ -f package-lock.json ] && lock=package-lock.json
  if [ -f "$marker" ] && [ "$marker" -nt "$lock" ] && [ "$marker" -nt package.json ]; then
    say "node_modules up to date"
    return 0
  fi
  if [ -f package-lock.json ]; then
    say "npm ci (browser test dependencies)"
    npm ci --no-audit --no-fund --loglevel=error
  else
    say "npm install (browser test dependencies)"
    npm install --no-audit --no-fund --loglevel=error
  fi
}

main() {
  local step=${1:-all}
  mkdir -p "$ROOT/.cache/zig"
  case "$step" in
    system) step_system ;;
    venv) step_venv ;;
    rust) step_rust ;;
    npm) step_npm ;;
    run)
      step_run_system
      step_run_venv
      ;;
    all)
      step_system
      step_venv
      step_rust
      step_npm
      ;;
    *)
      say "unknown step '$step'; use one of: system venv rust npm all run"
      return 2
      ;;
  esac
}

main "$@"
