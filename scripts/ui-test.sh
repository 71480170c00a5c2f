#!/usr/bin/env bash
# make ui-test (part of make test): the browser test (tests/ui/store.spec.mjs, headless Debian
# chromium via playwright-core) against the real `stackgen dev` on the local emulator — the same
# steps as `make run`, on ports of its own, so it never touches a running `make run`:
#
#   1. builds stackgen; starts the project's emulator (scripts/emulator.py: moto's server with
#      DynamoDB requests applied one at a time, as in AWS) on a free 127.0.0.1 port
#   2. stackgen package --env local (host builds zipped as bootstrap: function_code: host)
#   3. stackgen deploy --env local --yes --skip-package (demo catalog loaded, ui/ published)
#   4. stackgen dev --env local on a free port
#   5. BASE_URL=http://127.0.0.1:PORT EMULATOR_URL=<the emulator> node tests/ui/store.spec.mjs:
#      browse and filter as a guest, a guest cart, checkout asks to sign in, sign up (the
#      confirmation code read from the emulator's outbox, a wrong one first), sign in with the
#      guest cart kept, order, confirmation, lookup and my orders, reload still signed in (a
#      rejected token refreshed), stock decreased, the back office refusing a customer, sign out,
#      staff sign-in to the back office, back-office stock, report download, sign out there, a
#      new staff member's first sign-in with a temporary password (a new one chosen), a staff
#      member setting up an authenticator app and then signing in with its code;
#      screenshots in out/screenshots/
#      and tests/ui/page-router.test.mjs: the CDN's 404 CloudFront Function as rendered for dev
#   6. stackgen smoke --env local --url <stackgen dev>: the standalone smoke test end to end,
#      and stackgen logs reading the orders function's lines stackgen dev kept
#   7. Ctrl-C (SIGINT) to stackgen dev, which must exit 0 with no panic in its log
#
# Everything it started is stopped by PID on exit (trap), whatever happened. Exit status: the
# test's. Logs: out/ui-test/{moto,package,deploy,dev}.log.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
[[ $TARGET == /* ]] || TARGET=$ROOT/$TARGET
STACKGEN=$TARGET/debug/stackgen
WORK=$ROOT/out/ui-test
LAMBDA_DIR=$ROOT/target/lambda-host
PYTHON=$ROOT/.venv/bin/python

say() { printf 'ui-test: %s\n' "$*"; }
die() { printf 'ui-test: %s\n' "$*" >&2; exit 1; }

for tool in node curl python3; do
  command -v "$tool" >/dev/null || die "$tool not found: run 'make tools'"
done
[[ -x $PYTHON ]] && "$PYTHON" -c 'import moto' 2>/dev/null || die "moto is not installed in $ROOT/.venv: run 'make tools'"
[[ -d $ROOT/node_modules/playwright-core ]] || die "node_modules/playwright-core missing: run 'make tools'"
[[ -x ${CHROMIUM:-/usr/bin/chromium} ]] || die "${CHROMIUM:-/usr/bin/chromium} not found: run 'make tools' (Debian package chromium)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

MOTO_PID=""
DEV_PID=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n $DEV_PID ]] && kill -0 "$DEV_PID" 2>/dev/null; then
    kill -INT "$DEV_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$DEV_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DEV_PID" 2>/dev/null || true
    wait "$DEV_PID" 2>/dev/null || true
  fi
  if [[ -n $MOTO_PID ]] && kill -0 "$MOTO_PID" 2>/dev/null; then
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_for() { # url, seconds, pid to watch, log
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { tail -n 40 "$4" >&2; die "the process behind $1 exited; see $4"; }
    sleep 0.1
  done
  tail -n 40 "$4" >&2
  die "nothing answered at $1 within $2 s; see $4"
}

# A fresh start, except the asset manifest: with it, unchanged functions are not zipped again.
find "$WORK" -mindepth 1 ! -path "$WORK/out" ! -path "$WORK/out/local" ! -path "$WORK/out/local/assets.json" -delete 2>/dev/null || true
mkdir -p "$WORK"
started=$(date +%s)

say "building stackgen"
# `make test` passes the build the tests already made (see the Makefile's CLI_BUILD).
${STACKGEN_BUILD:-cargo build --workspace --bin stackgen}

MOTO_PORT=$(free_port)
# Its own session: a Ctrl-C of `make test` reaches stackgen dev first, which still needs the
# emulator to give the event source mappings back; cleanup() stops moto afterwards.
setsid "$PYTHON" scripts/emulator.py 127.0.0.1 "$MOTO_PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
wait_for "http://127.0.0.1:$MOTO_PORT/moto-api/" 60 "$MOTO_PID" "$WORK/moto.log"
say "emulator on 127.0.0.1:$MOTO_PORT (PID $MOTO_PID)"

export AWS_ENDPOINT_URL=http://127.0.0.1:$MOTO_PORT
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN

say "stackgen package --env local (host builds; log $WORK/package.log)"
"$STACKGEN" package --env local --out "$WORK/out" --lambda-dir "$LAMBDA_DIR" >"$WORK/package.log" 2>&1 ||
  { cat "$WORK/package.log" >&2; die "packaging failed"; }
say "stackgen deploy --env local (log $WORK/deploy.log)"
"$STACKGEN" deploy --env local --yes --skip-package --lambda-dir "$LAMBDA_DIR" --out "$WORK/out" \
  >"$WORK/deploy.log" 2>&1 || { cat "$WORK/deploy.log" >&2; die "deploy failed"; }

DEV_PORT=$(free_port)
"$STACKGEN" dev --env local --port "$DEV_PORT" --lambda-port 0 --bin-dir "$TARGET/debug" --log-dir "$WORK/logs" >"$WORK/dev.log" 2>&1 &
DEV_PID=$!
wait_for "http://127.0.0.1:$DEV_PORT/config.js" 120 "$DEV_PID" "$WORK/dev.log"
say "stackgen dev at http://127.0.0.1:$DEV_PORT/ (PID $DEV_PID) after $(($(date +%s) - started)) s"

test_status=0
BASE_URL=http://127.0.0.1:$DEV_PORT EMULATOR_URL=http://127.0.0.1:$MOTO_PORT \
  node --test-reporter=spec tests/ui/store.spec.mjs || test_status=$?
# The standalone smoke test through the same gateway: a customer made for the run orders,
# cancels and is deleted; stock back where it was (stackgen smoke, exit 0 only if every step passed).
say "stackgen smoke --env local --url http://127.0.0.1:$DEV_PORT"
"$STACKGEN" smoke --env local --url "http://127.0.0.1:$DEV_PORT" | tee "$WORK/smoke.log" || test_status=$?
# stackgen logs reads what stackgen dev's functions wrote: the orders placed above, as requests.
say "stackgen logs --env local --function orders --filter 'POST /orders'"
"$STACKGEN" logs --env local --log-dir "$WORK/logs" --function orders --since 10m --filter "POST /orders" \
  >"$WORK/logs.out" || test_status=$?
if grep -q 'route="POST /orders"' "$WORK/logs.out" && grep -q 'status=201' "$WORK/logs.out"; then
  say "stackgen logs: $(grep -c 'status=201' "$WORK/logs.out") orders placed in the orders function's log"
else
  say "stackgen logs printed no placed order (output $WORK/logs.out)"; test_status=1
fi
# The CDN's page-router function as rendered for dev, run as CloudFront runs it.
STACKGEN=$STACKGEN node --test-reporter=spec tests/ui/page-router.test.mjs || test_status=$?

# Ctrl-C, as a developer stops `make run`: a clean exit, no panic from any worker.
kill -INT "$DEV_PID"
dev_status=0
for _ in $(seq 150); do kill -0 "$DEV_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$DEV_PID" 2>/dev/null; then
  say "stackgen dev did not stop within 15 s of SIGINT"
  dev_status=1
else
  wait "$DEV_PID" || dev_status=$?
fi
DEV_PID=""
if grep -n "panicked" "$WORK/dev.log" >&2; then
  say "a process panicked in stackgen dev (lines above; full log $WORK/dev.log)"
  dev_status=1
fi
[[ $dev_status -eq 0 ]] || say "stackgen dev did not shut down cleanly (status $dev_status; log $WORK/dev.log)"

say "done in $(($(date +%s) - started)) s; screenshots in out/screenshots/"
if [[ $test_status -ne 0 ]]; then
  say "the browser test failed (status $test_status); stackgen dev's log: $WORK/dev.log"
  exit "$test_status"
fi
exit "$dev_status"
