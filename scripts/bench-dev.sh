#!/usr/bin/env bash
# Latency and throughput of `stackgen dev`: wrk against GET /api/catalog (targets: p50 < 2 ms,
# p99 < 10 ms; SAM local takes about a second a request).
#
#   1. cargo build --release: the functions (host) and examples/dev_local.rs + dev_echo.rs.
#   2. moto on a free 127.0.0.1 port; the rendered `local` stack deployed to it with
#      placeholder code (dev_local --deploy-placeholder); 40 products put through the API.
#   3. wrk --latency on GET /api/catalog through the gateway to the real catalog function,
#      which reads DynamoDB in moto on every request.
#   4. The same with the echo function on every route (no emulator in the request path): what
#      the gateway + runtime API + warm pool themselves cost.
#
# Prints p50, p99 and requests/s of each; never fails because a machine is slow. Everything it
# starts is stopped by PID on exit. Environment: BENCH_DURATION (s, default 10),
# BENCH_CONNECTIONS (default 2 = the pool size), BENCH_POOL (default 2), CARGO_TARGET_DIR.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
duration="${BENCH_DURATION:-10}"
connections="${BENCH_CONNECTIONS:-2}"
pool="${BENCH_POOL:-2}"
moto="$root/.venv/bin/python"

for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool not found: run 'make tools'" >&2; exit 1; }
done
[[ -x "$moto" ]] || { echo "$moto not found: run 'make tools'" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill -INT "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

wait_for() { # url, seconds
  for _ in $(seq $(( $2 * 10 ))); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "nothing answered at $1 within $2 s" >&2
  return 1
}

echo "== cargo build --release (functions for this machine, dev_local, dev_echo)" >&2
cargo build --release -p retail-functions --bins >&2
cargo build --release -p stackgen --example dev_local --example dev_echo >&2

moto_port="$(free_port)"
"$moto" "$root/scripts/emulator.py" 127.0.0.1 "$moto_port" >/dev/null 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$moto_port/moto-api/" 60
endpoint="http://127.0.0.1:$moto_port"

# run_dev <log> [extra dev_local args…]: starts stackgen dev, echoes its port.
run_dev() {
  local log="$1"; shift
  local port; port="$(free_port)"
  "$target/release/examples/dev_local" --endpoint "$endpoint" --port "$port" \
    --bin-dir "$target/release" --pool "$pool" --deploy-placeholder --quiet "$@" >"$log" 2>&1 &
  pids+=($!)
  DEV_PID=$!
  wait_for "http://127.0.0.1:$port/config.js" 120 || { cat "$log" >&2; exit 1; }
  DEV_PORT="$port"
}

stop_dev() {
  kill -INT "$DEV_PID" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$DEV_PID" 2>/dev/null || break; sleep 0.1; done
}

# bench <label> <url>: wrk, then p50 / p99 / requests per second on one line.
bench() {
  local label="$1" url="$2" out
  for _ in $(seq 20); do curl -fs -o /dev/null "$url"; done
  out="$(wrk -t1 -c"$connections" -d"${duration}s" --latency "$url")"
  local status; status="$(curl -s -o /dev/null -w '%{http_code}' "$url")"
  local p50 p99 rps errors
  p50="$(awk '$1=="50%"{print $2}' <<<"$out")"
  p99="$(awk '$1=="99%"{print $2}' <<<"$out")"
  rps="$(awk '/Requests\/sec/{print $2}' <<<"$out")"
  errors="$(awk '/Non-2xx/{print $NF}' <<<"$out")"
  printf '%-44s p50 %-9s p99 %-9s %10s req/s  (HTTP %s%s)\n' "$label" "$p50" "$p99" "$rps" "$status" \
    "${errors:+, non-2xx: $errors}"
}

tmp="$(mktemp -d)"

echo "== stackgen dev with the real functions (emulator at $endpoint)" >&2
run_dev "$tmp/dev.log"
items="$(python3 - <<'PY'
import json
cats = ["fruit", "vegetables", "bakery", "dairy"]
print(json.dumps({"items": [
    {"sku": f"BEN-{i:03d}", "name": f"Bench item {i}", "category": cats[i % 4],
     "priceCents": 100 + i, "unit": "each", "stock": 100, "lowStockThreshold": 5}
    for i in range(40)]}))
PY
)"
curl -fs -o /dev/null -X PUT -H 'content-type: application/json' --data "$items" \
  "http://127.0.0.1:$DEV_PORT/api/inventory"
echo
echo "stackgen dev: wrk -t1 -c$connections -d${duration}s, $pool warm environments per function"
bench "GET /api/catalog (catalog → DynamoDB in moto)" "http://127.0.0.1:$DEV_PORT/api/catalog?limit=20"
bench "GET /config.js (static, no function)" "http://127.0.0.1:$DEV_PORT/config.js"
stop_dev

echo "== stackgen dev with the echo function on every route" >&2
run_dev "$tmp/echo.log" --echo "$target/release/examples/dev_echo"
bench "GET /api/catalog/raw (echo, no emulator)" "http://127.0.0.1:$DEV_PORT/api/catalog/raw"
stop_dev
rm -rf "$tmp"
