#!/usr/bin/env bash
# The arm64 package that `make boot-test` boots (`stackgen package --env dev`: cargo-lambda's
# cross build, the longest build of `make test`), started early and collected late.
#
#   scripts/boot-package.sh start    start it in the background at the lowest CPU priority
#                                    (nice 19) and return at once
#   scripts/boot-package.sh finish   wait for the one `start` began and print its log; without
#                                    one, run it now in the foreground. Exit status: the package's
#
# `make test` calls `start` as soon as the tests are compiled. The build then uses the CPU that
# the tests, the template linters and the browser test leave idle: much of that work is one
# Python or Node process on one core. Its low priority keeps it from slowing them. `boot-test`
# calls `finish` at the end.
#
# The background build runs in a session of its own. A watchdog stops it if the make that
# started it exits first, for example when a test fails or on Ctrl-C, so no build is left
# running after `make test` ends. State lives in out/boot-package/ (owner, watchdog, pid, status, log).
set -euo pipefail
cd "$(dirname "$0")/.."
STACKGEN=${STACKGEN:-target/debug/stackgen}
DIR=out/boot-package
PACKAGE=("$STACKGEN" package --env "${STACKGEN_BOOT_ENV:-dev}")

say() { printf 'boot-package: %s\n' "$*"; }

start() {
  rm -rf "$DIR"
  mkdir -p "$DIR"
  [[ -x $STACKGEN ]] || { say "$STACKGEN is not built (make cli)" >&2; exit 1; }
  # The watchdog follows the nearest make above this script (the recipe's shell may have exec'd
  # it, or not), else the script's parent.
  local owner=$PPID pid=$PPID
  while [[ $pid -gt 1 ]]; do
    if [[ $(ps -o comm= -p "$pid") == *make ]]; then owner=$pid; break; fi
    pid=$(ps -o ppid= -p "$pid" | tr -d ' ')
  done
  # setsid gives the build a process group of its own, so the watchdog can stop all of it. On
  # Linux with autogroup scheduling, a new session is also a new scheduling group. Between
  # groups, CPU is shared equally whatever their nice values. So the group itself is made nice 19
  # (/proc/self/autogroup; see sched(7)). Without that, the build took half the CPU from the tests.
  echo "$owner" >"$DIR/owner"
  # --wait keeps setsid alive until the build and its watchdog end: `finish` watches that PID.
  setsid --wait bash -c '
    dir=$1 owner=$2; shift 2
    echo 19 >/proc/self/autogroup 2>/dev/null || true
    nice -n 19 "$@" >"$dir/log" 2>&1 &
    build=$!
    echo "$build" >"$dir/pid"
    while kill -0 "$build" 2>/dev/null; do
      if ! kill -0 "$owner" 2>/dev/null; then
        echo "stopped: make (PID $owner) exited before the package finished" >>"$dir/log"
        kill -TERM -- "-$$" 2>/dev/null
        exit 1
      fi
      sleep 1
    done
    status=0
    wait "$build" || status=$?
    echo "$status" >"$dir/status.tmp" && mv "$dir/status.tmp" "$dir/status"
  ' boot-package "$DIR" "$owner" "${PACKAGE[@]}" </dev/null >/dev/null 2>&1 &
  echo "$!" >"$DIR/watchdog"
  say "${PACKAGE[*]} started in the background (nice 19; log $DIR/log)"
}

finish() {
  # Only a package begun by a make that is still running is collected. A directory left by an
  # earlier, interrupted `make test` may hold a zip of older code, so it is discarded.
  if [[ ! -f $DIR/owner ]] || ! kill -0 "$(cat "$DIR/owner")" 2>/dev/null; then
    rm -rf "$DIR"
    "${PACKAGE[@]}"
    return
  fi
  local waited=$SECONDS
  while [[ ! -f $DIR/status ]]; do
    local watchdog
    watchdog=$(cat "$DIR/watchdog" 2>/dev/null || true)
    if [[ -z $watchdog ]] || ! kill -0 "$watchdog" 2>/dev/null; then
      [[ -f $DIR/status ]] && break
      cat "$DIR/log" >&2 2>/dev/null || true
      rm -rf "$DIR"
      say "the background package stopped without a status; packaging now" >&2
      "${PACKAGE[@]}"
      return
    fi
    sleep 1
  done
  local status
  status=$(cat "$DIR/status")
  cat "$DIR/log"
  say "collected after waiting $((SECONDS - waited)) s (exit status $status)"
  rm -rf "$DIR"
  return "$status"
}

case ${1:-} in
  start) start ;;
  finish) finish ;;
  *) echo "usage: scripts/boot-package.sh start|finish" >&2; exit 2 ;;
esac
