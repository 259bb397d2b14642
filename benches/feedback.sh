#!/usr/bin/env bash
# The learner's feedback loop, timed:
#
#   warm: after touching one exercise file, how long until
#         `cargo test -p exercises --test lesson01` reports?
#   cold: a build of everything, tests included, from an empty target
#         directory (`cargo test --workspace --no-run`).
#
# Usage: benches/feedback.sh [--quick]     (--quick: warm loop only)
#
# The exercise tests fail against the stubs (that is their point), so the
# exit status of `cargo test` is ignored here: we time how long it takes
# to *report*. The cold build uses a fresh temporary target directory, so
# your own target/ is never touched; it needs the dependencies' sources
# already downloaded (run `cargo fetch` once, online).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR=never
runs=5
exercise=exercises/src/lesson01.rs

# Seconds taken by a command, to the millisecond, its output discarded.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  echo "$start $end" | awk '{ printf "%.2f", $2 - $1 }'
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "feedback: $(uname -sm), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo "warm-up: cargo test -p exercises --test lesson01 (builds once)"
cargo test -p exercises --test lesson01 >/dev/null 2>&1 || true

times=()
for _ in $(seq "$runs"); do
  touch "$exercise"
  times+=("$(seconds cargo test -p exercises --test lesson01)")
done
warm=$(printf '%s\n' "${times[@]}" | median)
echo "warm, after touching $exercise: ${times[*]} s; median $warm s"

if [ "${1:-}" = "--quick" ]; then
  exit 0
fi

cold_dir=$(mktemp -d)
trap 'rm -rf "$cold_dir"' EXIT
echo "cold: cargo test --workspace --no-run into an empty target directory ..."
cold=$(CARGO_TARGET_DIR="$cold_dir" seconds cargo test --workspace --no-run --offline)
echo "cold build of everything, tests included: $cold s"
crates=$(find "$cold_dir/debug/deps" -name '*.rlib' | sed 's,.*/lib\([^-]*\)-.*,\1,' | sort -u | wc -l)
echo "crates compiled as libraries (ours and every dependency): $crates"
