#!/usr/bin/env bash
# make run: the whole store on this machine. Starts moto on 127.0.0.1:${MOTO_PORT:-5000} unless
# something already answers there (recording the PID of what it started), packages the local
# environment's functions (`function_code: host`: this machine's debug builds zipped as
# `bootstrap`, no cargo-lambda), deploys it to moto, then runs `stackgen dev`. Ctrl-C stops
# `stackgen dev` and the moto this script started (by PID), nothing else.
#
# DEPLOY_ARGS adds flags to the deploy (e.g. DEPLOY_ARGS="--skip-site").
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

# Host builds of the functions (what `stackgen dev` runs), zipped for the emulator.
"$STACKGEN" package --env local --lambda-dir "$LAMBDA_DIR"
# shellcheck disable=SC2086
"$STACKGEN" deploy --env local --yes --skip-package --lambda-dir "$LAMBDA_DIR" ${DEPLOY_ARGS:-}

echo "make run: the store is at http://127.0.0.1:$DEV_PORT/ (API http://127.0.0.1:$DEV_PORT/api/) — Ctrl-C stops"
"$STACKGEN" dev --env local --port "$DEV_PORT" --bin-dir "$TARGET/debug" &
DEV_PID=$!
wait "$DEV_PID"
