#!/usr/bin/env bash
# Debug build times of the workspace, cold and warm, for one or more revisions side by side
# (`scripts/bench-build.sh 2dfebca HEAD` compares a commit with the current one). Called by
# `scripts/bench.sh build` for HEAD, or for BENCH_BUILD_REVS="<rev> <rev>…".
#
# Each revision is checked out into its own git worktree and built with its own empty target
# directory, so nothing is shared with the checkout's target/ or between revisions:
#   cold        `cargo build --workspace` from nothing (dependencies included), once
#   warm leaf   after touching the CLI crate's root (stackgen/src/lib.rs): median of 3
#   warm model  after touching the typed model's value module (the crate most others depend
#               on; stackgen/src/model/value.rs before the model crate split): median of 3
# Cold builds take minutes on a 2-core machine; run nothing else meanwhile.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
REVS=("$@")
[ ${#REVS[@]} -eq 0 ] && REVS=(HEAD)
WARM_RUNS=${BENCH_WARM_RUNS:-3}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stackgen-bench-build.XXXXXX")
cleanup() {
  for dir in "$WORK"/tree-*; do
    [ -d "$dir" ] && git -C "$ROOT" worktree remove --force "$dir" >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

# Seconds (two decimals) a command takes; its output goes to $WORK/last.log.
seconds() {
  local start end
  start=$(date +%s%N)
  "$@" >"$WORK/last.log" 2>&1 || { tail -20 "$WORK/last.log" >&2; return 1; }
  end=$(date +%s%N)
  awk -v ns=$((end - start)) 'BEGIN { printf "%.2f", ns / 1e9 }'
}

median() {
  sort -g | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.2f", m
  }'
}

# The median of $WARM_RUNS rebuilds after touching $2, in the worktree $1.
warm() {
  local tree=$1 file=$2 i
  for ((i = 0; i < WARM_RUNS; i++)); do
    touch "$tree/$file"
    seconds cargo build --workspace --manifest-path "$tree/Cargo.toml"
    echo
  done | median
}

printf '%-12s %10s %12s %12s\n' revision "cold s" "warm leaf s" "warm model s"
for rev in "${REVS[@]}"; do
  commit=$(git -C "$ROOT" rev-parse --short "$rev")
  tree=$WORK/tree-$commit
  git -C "$ROOT" worktree add --detach --quiet "$tree" "$rev"
  export CARGO_TARGET_DIR=$WORK/target-$commit
  model_file=model/src/cfn/value.rs
  [ -f "$tree/$model_file" ] || model_file=stackgen/src/model/value.rs
  cold=$(seconds cargo build --workspace --manifest-path "$tree/Cargo.toml")
  leaf=$(warm "$tree" stackgen/src/lib.rs)
  model=$(warm "$tree" "$model_file")
  printf '%-12s %10s %12s %12s\n' "$commit" "$cold" "$leaf" "$model"
  rm -rf "$CARGO_TARGET_DIR"
done
