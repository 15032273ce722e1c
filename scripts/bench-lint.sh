#!/usr/bin/env bash
# Benchmarks nhi-lint on a generated corpus and, when checkov is available, compares the two
# on the same tree.
#
#   scripts/bench-lint.sh [FILES]          # default 5000 files
#
# Prints: files/s and MB/s of a full lint, the time of parsing alone and the lint/parse
# ratio (linter/lint/examples/bench.rs), then `nhi-lint check` wall time against `checkov -d`
# on the same corpus. checkov is taken from PATH, or from $CHECKOV; install it with
# `pip install checkov`. Without it the comparison is skipped.
set -euo pipefail

files="${1:-5000}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target-lint}"
corpus="$(mktemp -d)/corpus"
trap 'rm -rf "$(dirname "$corpus")"' EXIT

cargo build -q --release -p nhi-lint --example bench -p nhi-lint-cli
"$CARGO_TARGET_DIR/release/examples/bench" --files "$files" --dir "$corpus" --keep

now() { date +%s.%N; }
start=$(now)
"$CARGO_TARGET_DIR/release/nhi-lint" check --format json "$corpus" > /dev/null || true
lint=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
printf 'nhi-lint check (binary, %s files): %.3fs\n' "$files" "$lint"

checkov="${CHECKOV:-$(command -v checkov || true)}"
if [[ -z "$checkov" ]]; then
    echo "checkov not found (pip install checkov, or set CHECKOV=/path/to/checkov): comparison skipped"
    exit 0
fi
start=$(now)
# Offline and without module downloads, so that only scanning is timed.
BC_SKIP_MAPPING=TRUE "$checkov" -d "$corpus" --framework terraform --quiet --compact --skip-download -o json \
    > /dev/null 2>&1 || true
ck=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
printf 'checkov -d (same corpus): %.3fs\n' "$ck"
awk -v c="$ck" -v l="$lint" 'BEGIN { printf "ratio checkov/nhi-lint: %.0fx\n", c / l }'
