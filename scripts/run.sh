#!/usr/bin/env bash
# make run: the whole store on this machine, one progress line per phase with its time.
#
#   1. tools     what is missing of what this script needs (scripts/tools.sh run: python3-venv and
#                a .venv with the emulator), in the background while the build runs — it is mostly
#                downloading. The test tools (browser, qemu, checkov, cargo-lambda) are left to
#                `make test`: on a new machine they would take the cores the build needs.
#   2. build     the stackgen CLI and the functions' binary in one cargo invocation (debug), so
#                cargo shares every dependency between them and keeps both cores busy
#   3. emulator  moto on 127.0.0.1:${MOTO_PORT:-5000} unless something already answers there
#                (recording the PID of what it started)
#   4. deploy    the local environment (`function_code: host`: the binary just built, zipped as
#                `bootstrap`, no cargo-lambda) to moto
#   5. dev       `stackgen dev --watch`: saving a function's code rebuilds and reloads it
#
# Ctrl-C stops `stackgen dev` and the moto this script started (by PID), nothing else.
# DEPLOY_ARGS adds flags to the deploy (e.g. DEPLOY_ARGS="--skip-site"); SKIP_TOOLS=1 skips 1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PORT=${MOTO_PORT:-5000}
DEV_PORT=${DEV_PORT:-3000}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
[[ $TARGET == /* ]] || TARGET=$ROOT/$TARGET
STACKGEN=$TARGET/debug/stackgen
LAMBDA_DIR=$ROOT/target/lambda-host
mkdir -p out
export AWS_ENDPOINT_URL=http://127.0.0.1:$PORT
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-testing}
export AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-testing}
export AWS_REGION=${AWS_REGION:-us-east-1}

MOTO_PID=""
DEV_PID=""
cleanup() {
  trap - INT TERM EXIT
  if [[ -n $DEV_PID ]] && kill -0 "$DEV_PID" 2>/dev/null; then
    kill -INT "$DEV_PID" 2>/dev/null || true
    wait "$DEV_PID" 2>/dev/null || true
  fi
  if [[ -n $MOTO_PID ]] && kill -0 "$MOTO_PID" 2>/dev/null; then
    echo "make run: stopping the emulator this run started (PID $MOTO_PID)"
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
    rm -f out/moto.pid
  fi
}
trap cleanup EXIT
# A Ctrl-C during any step (build, package, deploy) ends the script there; cleanup runs on EXIT.
trap 'exit 130' INT
trap 'exit 143' TERM

START=$(date +%s%N)
PHASE_START=$START
# "4m12s" or "3.2s" since $1 (date +%s%N).
since() {
  awk -v ns=$(($(date +%s%N) - $1)) 'BEGIN {
    s = ns / 1e9; if (s >= 60) printf "%dm%02ds", s / 60, s % 60; else printf "%.1fs", s }'
}
phase() {
  PHASE_START=$(date +%s%N)
  echo "make run: [$1/5] $2"
}
done_phase() { echo "make run:       $1 ($(since "$PHASE_START"))"; }

TOOLS_PID=""
if [[ ${SKIP_TOOLS:-0} != 1 ]]; then
  phase 1 "tools: installing the emulator if missing, in the background (log out/run-tools.log)"
  scripts/tools.sh run >out/run-tools.log 2>&1 &
  TOOLS_PID=$!
fi

phase 2 "build: the stackgen CLI and the functions (cargo build, debug; minutes on a fresh clone)"
cargo build --workspace --bin stackgen --bin bootstrap
done_phase "built"
if [[ -n $TOOLS_PID ]]; then
  if ! wait "$TOOLS_PID"; then
    tail -20 out/run-tools.log >&2
    echo "make run: installing the tools failed (out/run-tools.log above); run scripts/tools.sh run to see it alone" >&2
    exit 1
  fi
  echo "make run:       tools ready ($(since "$START") since the start)"
fi

phase 3 "emulator"
if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/moto-api/" 2>/dev/null; then
  echo "make run: emulator already running on 127.0.0.1:$PORT (left alone)"
else
  # Its own session: the terminal's Ctrl-C reaches `stackgen dev` first, which still needs the
  # emulator to restore the event source mappings; cleanup() stops moto afterwards.
  # The project's emulator (moto plus what it lacks, e.g. the Cognito user pool the stack
  # declares: README, "The local AWS emulator").
  setsid "$ROOT/.venv/bin/python" "$ROOT/scripts/emulator.py" 127.0.0.1 "$PORT" >out/moto.log 2>&1 &
  MOTO_PID=$!
  echo "$MOTO_PID" >out/moto.pid
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/moto-api/" 2>/dev/null && break
    kill -0 "$MOTO_PID" 2>/dev/null || { echo "make run: moto failed to start, see out/moto.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "make run: emulator started on 127.0.0.1:$PORT (PID $MOTO_PID, log out/moto.log)"
fi

phase 4 "deploy: the local environment to the emulator"
# The host binary just built (what `stackgen dev` runs), zipped for the emulator.
"$STACKGEN" package --env local --skip-build --lambda-dir "$LAMBDA_DIR"
# shellcheck disable=SC2086
"$STACKGEN" deploy --env local --yes --skip-package --lambda-dir "$LAMBDA_DIR" ${DEPLOY_ARGS:-}
done_phase "deployed"

phase 5 "dev: stackgen dev --watch (saving under functions/ or spec/ rebuilds and reloads)"
echo "make run: ready in $(since "$START"): the store is at http://127.0.0.1:$DEV_PORT/ (API http://127.0.0.1:$DEV_PORT/api/) — Ctrl-C stops"
"$STACKGEN" dev --env local --port "$DEV_PORT" --bin-dir "$TARGET/debug" --watch &
DEV_PID=$!
wait "$DEV_PID"
