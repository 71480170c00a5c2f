#!/usr/bin/env bash
# The edit loop (what `make run` leaves running): save → first response from the new code,
# under `stackgen dev --watch` with a warm debug build. Called by `scripts/bench.sh watch`.
#
# In its own git worktree of HEAD and target directory (the checkout is never edited): builds
# what `make run` builds (not timed), starts the emulator, deploys `local`, starts
# `stackgen dev --watch`, then BENCH_WATCH_RUNS times (default 5) makes a one-line change to the
# catalog handler — a response header whose value changes each time — and times from the file's
# write to the first GET /api/catalog that carries the new value. Prints each run and the
# median (target ≤ 10 s on a 2-core machine). Never fails because a machine is slow.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${BENCH_WATCH_RUNS:-5}
PYTHON=$ROOT/.venv/bin/python
[ -x "$PYTHON" ] || { echo "bench-watch: no .venv: run make tools" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stackgen-bench-watch.XXXXXX")
TREE=$WORK/tree
MOTO_PID=""
DEV_PID=""
# Keeps the script's own exit status: the processes it stops answer `wait` with their signal's
# status (143), which under `set -e` would end the trap there, skip the rest and become the exit
# status of a run that succeeded.
cleanup() {
  local status=$?
  set +e
  [[ -n $DEV_PID ]] && kill -INT "$DEV_PID" 2>/dev/null && wait "$DEV_PID" 2>/dev/null
  [[ -n $MOTO_PID ]] && kill "$MOTO_PID" 2>/dev/null && wait "$MOTO_PID" 2>/dev/null
  git -C "$ROOT" worktree remove --force "$TREE" >/dev/null 2>&1
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { # url, seconds, log
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  tail -n 40 "$3" >&2
  echo "bench-watch: nothing answered at $1 within $2 s (log $3)" >&2
  exit 1
}

git -C "$ROOT" worktree add --detach --quiet "$TREE" HEAD
export CARGO_TARGET_DIR=${BENCH_WATCH_TARGET:-$WORK/target}
echo "bench-watch: building what make run builds (not timed; minutes when the target is cold)" >&2
(cd "$TREE" && cargo build -q --workspace --bin stackgen --bin bootstrap) >&2
STACKGEN=$CARGO_TARGET_DIR/debug/stackgen

MOTO_PORT=$(free_port)
setsid "$PYTHON" "$TREE/scripts/emulator.py" 127.0.0.1 "$MOTO_PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
wait_for "http://127.0.0.1:$MOTO_PORT/moto-api/" 60 "$WORK/moto.log"
export AWS_ENDPOINT_URL=http://127.0.0.1:$MOTO_PORT
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN
cd "$TREE"
"$STACKGEN" package --env local --skip-build --out "$WORK/out" --lambda-dir "$WORK/lambda" >"$WORK/deploy.log" 2>&1
"$STACKGEN" deploy --env local --yes --skip-package --skip-smoke --out "$WORK/out" --lambda-dir "$WORK/lambda" \
  >>"$WORK/deploy.log" 2>&1 || { tail -30 "$WORK/deploy.log" >&2; exit 1; }
DEV_PORT=$(free_port)
"$STACKGEN" dev --env local --port "$DEV_PORT" --lambda-port 0 --workspace "$TREE" --bin-dir "$CARGO_TARGET_DIR/debug" \
  --watch >"$WORK/dev.log" 2>&1 &
DEV_PID=$!
URL=http://127.0.0.1:$DEV_PORT/api/catalog
wait_for "$URL" 120 "$WORK/dev.log"

# The one-line change: a header on the catalog's answers, its value the run's number.
# shellcheck source=lib/one-line-change.sh
source "$ROOT/scripts/lib/one-line-change.sh"
grep -q 'let mut res = http::serve(&CATALOG' functions/src/catalog.rs ||
  { echo "bench-watch: the catalog handler no longer has the line the change goes after" >&2; exit 1; }
times=()
for ((i = 1; i <= RUNS; i++)); do
  one_line_change "$TREE" "$i"
  start=$(date +%s%N)
  until curl -fsS -D - -o /dev/null "$URL" 2>/dev/null | grep -qi "^x-bench-edit: run-$i"; do
    if ((($(date +%s%N) - start) / 1000000000 > 300)); then
      tail -n 40 "$WORK/dev.log" >&2
      echo "bench-watch: run $i: the new code did not answer within 300 s" >&2
      exit 1
    fi
    sleep 0.05
  done
  end=$(date +%s%N)
  seconds=$(awk -v ns=$((end - start)) 'BEGIN { printf "%.2f", ns / 1e9 }')
  echo "run $i: ${seconds} s"
  times+=("$seconds")
done
printf '%s\n' "${times[@]}" | sort -g | awk '{ v[NR] = $1 } END {
  m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  printf "median: %.2f s from save to the first response of the new code (target ≤ 10 s)\n", m }'
grep -E 'rebuilt in' "$WORK/dev.log" | tail -n "$RUNS" | sed 's/^/  stackgen dev: /' || true
