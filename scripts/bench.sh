#!/usr/bin/env bash
# Benchmarks, printed as medians of repeated runs (never asserted in tests: timings vary by
# machine). Called by `make bench`; `scripts/bench.sh synth` runs one section.
#
#   synth      whole-process time of `stackgen synth --env dev` (target ≤ 5 ms), beside `cdk
#              synth` of the same stacks (bench/cdk/app.mjs) when node is present
#   functions  the functions' arm64 zip size and each handler's cold-start median, for the
#              release and lambda-quick profiles (scripts/bench-functions.sh)
#   package    `stackgen package --env dev` cold and warm (one-line change), split into compile,
#              link and zip (scripts/bench-package.sh); BENCH_PACKAGE_REVS="<rev> HEAD" compares
#   watch      save → first response from the new code under `stackgen dev --watch`, one-line
#              handler change, warm debug build (scripts/bench-watch.sh; target ≤ 10 s)
#   dev        wrk on GET /api/catalog through `stackgen dev` on moto: p50, p99, requests/s
#              (scripts/bench-dev.sh; targets p50 < 2 ms, p99 < 10 ms)
#   deploy     the no-op `stackgen deploy --env local` on the emulator: API calls (target ≤ 3)
#              and median wall time (scripts/bench-deploy.sh)
#   images     the image function's render of a 12-megapixel JPEG: median time and peak memory
#              (scripts/bench-images.sh)
#   build      cold and warm debug build times of the workspace (scripts/bench-build.sh);
#              BENCH_BUILD_REVS="<rev> HEAD" compares a revision with the current one
#
# Each section is a function `bench_<name>` listed in SECTIONS; add later ones (function zip
# sizes, cold-start init times, no-op deploy on the emulator, wrk against `stackgen dev`) the
# same way: print a heading, measure, and print "median: X ms (target …)".
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${BENCH_RUNS:-20}
SECTIONS=(synth functions package watch dev deploy images build)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stackgen-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

STACKGEN=$ROOT/target/release/stackgen

heading() { printf '\n== %s\n' "$*"; }

# The median, in milliseconds with two decimals, of the numbers (seconds) on stdin.
median_ms() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "n/a"; exit }
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.2f", m * 1000
  }'
}

# Times a command $RUNS times (after 3 warm-ups) and prints its median wall time in ms.
# hyperfine when present (no shell in between), else a date +%s%N loop.
time_median_ms() {
  if command -v hyperfine >/dev/null 2>&1; then
    if ! hyperfine --shell=none --warmup 3 --runs "$RUNS" --style none \
      --export-json "$WORK/hyperfine.json" -- "$*" >/dev/null 2>"$WORK/hyperfine.err"; then
      cat "$WORK/hyperfine.err" >&2
      return 1
    fi
    # hyperfine's JSON lists every run's wall time in seconds under results[0].times.
    tr -d ' \n' <"$WORK/hyperfine.json" |
      sed -e 's/.*"times":\[\([^]]*\)\].*/\1/' | tr ',' '\n' | median_ms
  else
    local i start end
    for i in 1 2 3; do "$@" >/dev/null; done
    for ((i = 0; i < RUNS; i++)); do
      start=$(date +%s%N)
      "$@" >/dev/null
      end=$(date +%s%N)
      echo "$(((end - start) / 1000))e-6"
    done | median_ms
  fi
}

build_release() {
  heading "building the release stackgen (once)"
  cargo build --release -p stackgen --bin stackgen
}

bench_synth() {
  heading "stackgen synth --env dev: whole process, $RUNS runs"
  local out=$WORK/synth-out
  "$STACKGEN" synth --env dev --out "$out" >/dev/null
  local size
  size=$(find "$out" -name '*.template.json' -exec stat -c %s {} + | head -n 1)
  echo "template: ${size:-?} bytes"
  local median
  median=$(time_median_ms "$STACKGEN" synth --env dev --out "$out")
  echo "median: $median ms (target ≤ 5 ms)"
  cdk_synth "$out" "$median"
}

# `cdk synth` of the same stacks (bench/cdk/app.mjs: stackgen's templates as L1 constructs), the
# pinned aws-cdk-lib and CLI installed into .cache/cdk-bench; the ratio to stackgen's median from
# this run. Skipped with a note when node is missing or the npm registry cannot be reached.
cdk_synth() {
  local out=$1 ours=$2 cache=$ROOT/.cache/cdk-bench runs=${BENCH_CDK_RUNS:-5}
  if ! command -v node >/dev/null 2>&1; then
    echo "cdk synth: skipped (node is not installed)"
    return 0
  fi
  mkdir -p "$cache"
  cp "$ROOT/bench/cdk/package.json" "$ROOT/bench/cdk/app.mjs" "$cache/"
  if [ ! -x "$cache/node_modules/.bin/cdk" ] || [ "$cache/package.json" -nt "$cache/node_modules/.package-lock.json" ]; then
    if ! npm install --prefix "$cache" --no-audit --no-fund --loglevel=error >"$WORK/npm.log" 2>&1; then
      echo "cdk synth: skipped (npm could not install aws-cdk-lib from the registry; $WORK/npm.log)"
      return 0
    fi
  fi
  local templates
  templates=$(find "$out" -name '*.template.json' | sort | paste -sd: -)
  local cdk=("$cache/node_modules/.bin/cdk" synth --app "node $cache/app.mjs" --output "$WORK/cdk.out"
    --quiet --no-notices --no-version-reporting)
  export STACKGEN_TEMPLATES=$templates CDK_DISABLE_CLI_TELEMETRY=true
  "${cdk[@]}" >/dev/null 2>"$WORK/cdk.err" || {
    echo "cdk synth: failed ($WORK/cdk.err; run it by hand: ${cdk[*]})"
    return 0
  }
  local i start end
  local median
  median=$(for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    "${cdk[@]}" >/dev/null 2>&1
    end=$(date +%s%N)
    echo "$(((end - start) / 1000))e-6"
  done | median_ms)
  echo "cdk synth (aws-cdk-lib $(node -p "require('$cache/node_modules/aws-cdk-lib/package.json').version"), same resources as L1 constructs: median $median ms over $runs runs"
  awk -v c="$median" -v s="$ours" 'BEGIN { if (s > 0) printf "stackgen synth is %.0f× faster than cdk synth (same run)\n", c / s }'
}

bench_images() {
  heading "images: one 12-megapixel photo through the image function's render (scripts/bench-images.sh)"
  scripts/bench-images.sh
}

bench_functions() {
  heading "functions: zip sizes and cold-start medians (scripts/bench-functions.sh)"
  BENCH_RUNS=$RUNS "$ROOT/scripts/bench-functions.sh"
}

bench_package() {
  heading "package: stackgen package --env dev, cold and warm, in compile, link and zip (scripts/bench-package.sh; targets cold ≤ 600 s, warm ≤ 90 s)"
  local revs
  read -r -a revs <<<"${BENCH_PACKAGE_REVS:-HEAD}"
  "$ROOT/scripts/bench-package.sh" "${revs[@]}"
}

bench_watch() {
  heading "watch: save → first response of the new code under stackgen dev --watch (scripts/bench-watch.sh; target ≤ 10 s)"
  "$ROOT/scripts/bench-watch.sh"
}

bench_dev() {
  heading "stackgen dev: wrk on GET /api/catalog (scripts/bench-dev.sh; targets p50 < 2 ms, p99 < 10 ms)"
  "$ROOT/scripts/bench-dev.sh"
}

bench_deploy() {
  heading "no-op stackgen deploy --env local on the emulator (scripts/bench-deploy.sh; target ≤ 3 API calls)"
  BENCH_RUNS=$RUNS STACKGEN=$STACKGEN "$ROOT/scripts/bench-deploy.sh"
}

bench_build() {
  heading "debug build of the workspace: cold, and warm after a one-file change (scripts/bench-build.sh)"
  # shellcheck disable=SC2086 # a list of revisions
  "$ROOT/scripts/bench-build.sh" ${BENCH_BUILD_REVS:-HEAD}
}

main() {
  local sections=("$@")
  [ ${#sections[@]} -eq 0 ] && sections=("${SECTIONS[@]}")
  for s in "${sections[@]}"; do
    if ! declare -F "bench_$s" >/dev/null; then
      echo "bench: unknown section '$s'; sections: ${SECTIONS[*]}" >&2
      exit 2
    fi
  done
  build_release
  for s in "${sections[@]}"; do
    "bench_$s"
  done
}

main "$@"
