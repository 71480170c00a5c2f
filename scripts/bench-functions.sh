#!/usr/bin/env bash
# Size and cold start of every Lambda function (what `make bench` runs).
#
#   1. cargo lambda build --release --arm64 --output-format zip  → each function's zip (what
#      deploys); its size is printed against the 5 MB target.
#   2. cargo build --release for the host, then functions/examples/runtime_api_bench.rs execs
#      each binary against a minimal Lambda runtime API on loopback and prints the median time
#      from exec to the first GET /2018-06-01/runtime/invocation/next (target ≤ 15 ms).
#
# Prints medians; never fails because a machine is slow. Fails when a build fails.
# Environment: BENCH_RUNS (default 15), SKIP_ZIP=1 (host timing only), CARGO_TARGET_DIR.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$root/.venv/bin:$PATH"
export ZIG_GLOBAL_CACHE_DIR="${ZIG_GLOBAL_CACHE_DIR:-$root/.cache/zig}"
target="${CARGO_TARGET_DIR:-$root/target}"
runs="${BENCH_RUNS:-15}"

zip_dir=""
if [[ "${SKIP_ZIP:-0}" != "1" ]]; then
  if ! command -v cargo-lambda >/dev/null; then
    echo "cargo-lambda not found: run 'make tools' (it installs cargo-lambda and zig from PyPI)" >&2
    exit 1
  fi
  echo "== cargo lambda build --release --arm64 --output-format zip (retail-functions)" >&2
  cargo lambda build --release --arm64 --output-format zip -p retail-functions >&2
  zip_dir="$target/lambda"
fi

echo "== cargo build --release (host) for the cold-start measurement" >&2
cargo build --release -p retail-functions --bins --example runtime_api_bench >&2

"$target/release/examples/runtime_api_bench" "$target/release" ${zip_dir:+"$zip_dir"} --runs "$runs"
