#!/usr/bin/env bash
# The no-op deploy on the emulator (what `make bench` runs): `stackgen deploy --env local` when
# nothing changed — its API call count (the CLI counts its own SDK requests; target ≤ 3) and the
# median wall time of the whole process.
#
# Starts its own emulator (scripts/emulator.py) on a free 127.0.0.1 port and stops it by PID;
# deploys once with the smallest valid zip for every function (moto stores code, never runs it),
# then times repeated no-op deploys. Prints medians; never fails because a machine is slow.
# Environment: BENCH_RUNS (default 15), STACKGEN (default target/release/stackgen).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${BENCH_RUNS:-15}"
stackgen="${STACKGEN:-$root/target/release/stackgen}"
[[ -x $stackgen ]] || { echo "bench-deploy: $stackgen is not built (cargo build --release -p stackgen)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/stackgen-bench-deploy.XXXXXX")
emulator_pid=""
# Keeps the script's own exit status (the stopped emulator answers `wait` with 143, which under
# `set -e` would end the trap before the cleanup and become the exit status).
cleanup() {
  local status=$?
  set +e
  [[ -n $emulator_pid ]] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$root/.venv/bin/python" scripts/emulator.py 127.0.0.1 "$port" >"$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/moto-api/" 2>/dev/null && break
  sleep 0.2
done

export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing NO_COLOR=1
unset AWS_PROFILE

# One empty zip (end-of-central-directory record only) per function binary.
for src in functions/src/bin/*.rs; do
  dir="$work/lambda/$(basename "$src" .rs)"
  mkdir -p "$dir"
  printf 'PK\005\006\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000' >"$dir/bootstrap.zip"
done
deploy=("$stackgen" deploy --env local --yes --skip-package --lambda-dir "$work/lambda" --out "$work/out" --skip-smoke)

"${deploy[@]}" >/dev/null 2>"$work/first.log" || { cat "$work/first.log" >&2; exit 1; }
calls=$("${deploy[@]}" --format json 2>/dev/null | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["apiCalls"], "changed" if d["changed"] else "unchanged")')
echo "no-op deploy: ${calls% *} API calls (target ≤ 3; stack ${calls#* })"

if command -v hyperfine >/dev/null 2>&1; then
  hyperfine --shell=none --warmup 2 --runs "$runs" --style none --export-json "$work/h.json" -- "${deploy[*]}" >/dev/null
  median=$(python3 -c 'import json, statistics, sys; t = json.load(open(sys.argv[1]))["results"][0]["times"]; print(f"{statistics.median(t) * 1000:.1f}")' "$work/h.json")
else
  median=$(for _ in $(seq 1 "$runs"); do
    s=$(date +%s%N); "${deploy[@]}" >/dev/null 2>&1; e=$(date +%s%N); echo $(((e - s) / 1000))
  done | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", ((NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) / 1000 }')
fi
echo "no-op deploy median: $median ms over $runs runs (whole process, emulator on loopback)"
