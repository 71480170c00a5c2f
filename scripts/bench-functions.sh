#!/usr/bin/env bash
# Size and cold start of the functions' zip (what `make bench` runs), for both profiles that
# ship: `release` (function_code: lambda, prod) and `lambda-quick` (function_code: lambda-quick,
# dev). Every function is an entry point of one binary, `bootstrap`, so there is one zip each.
#
#   1. cargo lambda build --profile <p> --arm64 --output-format zip --bin bootstrap → the zip
#      that deploys; its size is printed against the 5 MB target.
#   2. cargo build --profile <p> for the host, then functions/examples/runtime_api_bench.rs execs
#      the binary once per function (its `_HANDLER`) against a minimal Lambda runtime API on
#      loopback and prints the median time from exec to the first
#      GET /2018-06-01/runtime/invocation/next (target ≤ 15 ms).
#
# Prints medians; never fails because a machine is slow. Fails when a build fails.
# Environment: BENCH_RUNS (default 15), SKIP_ZIP=1 (host timing only), BENCH_PROFILES
# (default "release lambda-quick"), CARGO_TARGET_DIR.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$root/.venv/bin:$PATH"
export ZIG_GLOBAL_CACHE_DIR="${ZIG_GLOBAL_CACHE_DIR:-$root/.cache/zig}"
target="${CARGO_TARGET_DIR:-$root/target}"
runs="${BENCH_RUNS:-15}"
read -r -a profiles <<<"${BENCH_PROFILES:-release lambda-quick}"

if [[ "${SKIP_ZIP:-0}" != "1" ]] && ! command -v cargo-lambda >/dev/null; then
  echo "cargo-lambda not found: run 'make tools' (it installs cargo-lambda and zig from PyPI)" >&2
  exit 1
fi

for profile in "${profiles[@]}"; do
  echo "-- profile $profile"
  zip_dir=""
  if [[ "${SKIP_ZIP:-0}" != "1" ]]; then
    zip_dir="$target/lambda-bench-$profile"
    # The quick zip is built as `stackgen package` builds it for dev: without unwind tables
    # (QUICK_RUSTFLAGS in stackgen/src/deploy/package.rs, whose test holds this line to it), so
    # the bench measures what ships and shares that build instead of redoing it.
    config=()
    if [[ $profile == lambda-quick ]]; then
      config=(--config 'build.rustflags=["-C", "force-unwind-tables=no"]')
    fi
    echo "== cargo lambda build --profile $profile --arm64 --output-format zip --bin bootstrap ${config[*]}" >&2
    cargo lambda build --profile "$profile" --arm64 --output-format zip --bin bootstrap \
      "${config[@]}" -p retail-functions --lambda-dir "$zip_dir" >&2
  fi
  echo "== cargo build --profile $profile (host) for the cold-start measurement" >&2
  cargo build --profile "$profile" -p retail-functions --bins --example runtime_api_bench >&2
  "$target/$profile/examples/runtime_api_bench" "$target/$profile" ${zip_dir:+"$zip_dir"} --runs "$runs"
done
