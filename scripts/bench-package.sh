#!/usr/bin/env bash
# `stackgen package --env dev` (the arm64 release build of every function, what the first
# `stackgen deploy --env dev` waits for), cold and warm, split into compile, link and zip, for
# one or more revisions side by side (`scripts/bench-package.sh 844cfcb HEAD`). Called by
# `scripts/bench.sh package` for HEAD, or for BENCH_PACKAGE_REVS="<rev> <rev>…".
#
# Each revision is checked out into its own git worktree and packaged with its own empty target
# directory and zig cache (nothing shared with the checkout's target/ or between revisions):
#   cold   from nothing (dependencies included), once
#   warm   after a one-line change of code in one handler (a response header in
#          functions/src/catalog.rs), median of BENCH_PACKAGE_WARM_RUNS (default 3)
# The revision's own `stackgen` is built first (debug, not timed) and runs the package, so each
# revision is measured doing exactly what its `stackgen package` does.
#
# The phases come from the files the build leaves, so no revision needs to report them itself:
#   compile  start → the functions library (libretail_functions-*.rlib) is written: every
#            dependency and the handlers' code compiled
#   link     → the last function binary is written: each binary's LTO, code generation and link
#   zip      → the command ends: the zips written and hashed, the manifest recorded
# Cold builds take many minutes on a 2-core machine; run nothing else meanwhile.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
REVS=("$@")
[ ${#REVS[@]} -eq 0 ] && REVS=(HEAD)
WARM_RUNS=${BENCH_PACKAGE_WARM_RUNS:-3}
RUST_TARGET=aarch64-unknown-linux-gnu

if [ ! -x "$ROOT/.venv/bin/cargo-lambda" ] && ! command -v cargo-lambda >/dev/null; then
  echo "bench-package: cargo-lambda not found: run 'make tools' (it installs cargo-lambda and zig)" >&2
  exit 1
fi
export PATH="$ROOT/.venv/bin:$PATH"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stackgen-bench-package.XXXXXX")
cleanup() {
  for dir in "$WORK"/tree-*; do
    [ -d "$dir" ] && git -C "$ROOT" worktree remove --force "$dir" >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
mtime() { stat -c %.9Y "$1"; }
# The latest modification time among the files given (0 when none).
latest() {
  local best=0 f t
  for f in "$@"; do
    [ -e "$f" ] || continue
    t=$(mtime "$f")
    best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (b > a) ? b : a }')
  done
  echo "$best"
}
sub() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; printf "%.1f", (d < 0) ? 0 : d }'; }

# Packages once in worktree $1 with target dir $2; prints "total compile link zip" in seconds.
package_once() {
  local tree=$1 target=$2 start end rlib bins
  start=$(now)
  (cd "$tree" && "$CLI" package --env dev) >"$WORK/last.log" 2>&1 || {
    tail -30 "$WORK/last.log" >&2
    return 1
  }
  end=$(now)
  # The profile's directory (release, or lambda-quick where dev says function_code: lambda-quick):
  # the one holding the newest functions library.
  local profile_dir
  profile_dir=$(dirname "$(dirname "$(ls -t "$target/$RUST_TARGET"/*/deps/libretail_functions-*.rlib | head -1)")")
  rlib=$(latest "$profile_dir"/deps/libretail_functions-*.rlib)
  # The function binaries: the executables cargo leaves at the top of the profile directory.
  mapfile -t bins < <(find "$profile_dir" -maxdepth 1 -type f -perm -u+x)
  bins=$(latest "${bins[@]}")
  # A warm run whose binaries were not rebuilt has no compile or link in this run.
  awk -v s="$start" -v r="$rlib" 'BEGIN { exit !(r < s) }' && rlib=$start
  awk -v s="$start" -v b="$bins" 'BEGIN { exit !(b < s) }' && bins=$rlib
  printf '%s %s %s %s\n' "$(sub "$end" "$start")" "$(sub "$rlib" "$start")" \
    "$(sub "$bins" "$rlib")" "$(sub "$end" "$bins")"
}

# shellcheck source=lib/one-line-change.sh
source "$ROOT/scripts/lib/one-line-change.sh"

# Column-wise medians of lines "total compile link zip".
medians() {
  awk '{ for (i = 1; i <= NF; i++) v[i, NR] = $i } END {
    for (i = 1; i <= 4; i++) {
      n = 0; for (r = 1; r <= NR; r++) a[++n] = v[i, r]
      for (x = 1; x <= n; x++) for (y = x + 1; y <= n; y++) if (a[y] < a[x]) { t = a[x]; a[x] = a[y]; a[y] = t }
      m = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
      printf "%s%.1f", (i > 1 ? " " : ""), m
    }
    printf "\n"
  }'
}

# Bytes of distinct zips in the manifest, and how many there are.
zip_bytes() {
  python3 - "$1/out/dev/assets.json" <<'PY'
import json, sys
functions = json.load(open(sys.argv[1]))["functions"].values()
distinct = {f["sha256"]: f["size"] for f in functions}
print(sum(distinct.values()), len(distinct))
PY
}

printf '%-10s %-5s %9s %9s %9s %9s %12s\n' revision run "total s" "compile" "link" "zip" "zip bytes"
for rev in "${REVS[@]}"; do
  commit=$(git -C "$ROOT" rev-parse --short "$rev")
  tree=$WORK/tree-$commit
  git -C "$ROOT" worktree add --detach --quiet "$tree" "$rev"
  echo "bench-package: building $commit's stackgen (not timed)" >&2
  CARGO_TARGET_DIR=${BENCH_CLI_TARGET:-$WORK/cli-target} \
    cargo build -q -p stackgen --bin stackgen --manifest-path "$tree/Cargo.toml" >&2
  CLI=${BENCH_CLI_TARGET:-$WORK/cli-target}/debug/stackgen
  export CARGO_TARGET_DIR=$WORK/target-$commit
  export ZIG_GLOBAL_CACHE_DIR=$WORK/zig-$commit
  echo "bench-package: $commit cold package (minutes)" >&2
  read -r total compile link zip < <(package_once "$tree" "$CARGO_TARGET_DIR")
  read -r bytes count < <(zip_bytes "$tree")
  printf '%-10s %-5s %9s %9s %9s %9s %12s\n' "$commit" cold "$total" "$compile" "$link" "$zip" "$bytes ($count)"
  for ((i = 1; i <= WARM_RUNS; i++)); do
    one_line_change "$tree" "$i"
    package_once "$tree" "$CARGO_TARGET_DIR"
  done >"$WORK/warm-$commit"
  read -r total compile link zip < <(medians <"$WORK/warm-$commit")
  read -r bytes count < <(zip_bytes "$tree")
  printf '%-10s %-5s %9s %9s %9s %9s %12s\n' "$commit" warm "$total" "$compile" "$link" "$zip" "$bytes ($count)"
  rm -rf "$CARGO_TARGET_DIR" "$ZIG_GLOBAL_CACHE_DIR"
done
