#!/usr/bin/env bash
# The image function's work on a 12-megapixel phone photo (what `make bench` runs): median
# wall time and the peak resident memory of one render (functions/examples/resize_bench.rs,
# one process per run), in release as the function ships. The function's `memory_mb` and
# timeout in retail_spec::IMAGES_FN, and the cost model's time per photo, come from these.
#
# Prints medians; never fails because a machine is slow. Fails when the build fails.
# Environment: BENCH_RUNS (default 7), CARGO_TARGET_DIR.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
runs="${BENCH_RUNS:-7}"
work=$(mktemp -d "${TMPDIR:-/tmp}/stackgen-images.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== cargo build --release --example resize_bench" >&2
cargo build --release -p retail-functions --example resize_bench >&2
bench="$target/release/examples/resize_bench"
"$bench" make "$work/photo.jpg" | sed 's/^/12-megapixel JPEG (4032 × 3024, quality 90): /'
for ((i = 0; i < runs; i++)); do "$bench" run "$work/photo.jpg"; done >"$work/runs.txt"
median() { sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m }'; }
seconds=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$work/runs.txt" | median)
peak=$(sed -n 's/.*peak_kib=\([0-9]*\).*/\1/p' "$work/runs.txt" | median)
awk -v s="$seconds" -v p="$peak" -v n="$runs" 'BEGIN {
  printf "render (check, decode, orient, thumbnail and detail JPEGs), %d runs: median %.0f ms, peak memory %.0f MiB\n", n, s * 1000, p / 1024
}'
