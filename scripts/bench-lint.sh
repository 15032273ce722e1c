#!/usr/bin/env bash
# Benchmarks nhi-lint on generated corpora and, when checkov is available, compares the two
# on the same trees in the same run.
#
#   scripts/bench-lint.sh [FILES] [SMALL_DIR]
#
# 1. A large generated corpus (FILES, default 5000 files): files/s and MB/s of a full lint, the
#    time of parsing alone and the lint/parse ratio (linter/lint/examples/bench.rs).
# 2. A small tree (SMALL_DIR, default a generated 47-file tree, the size of terragoat):
#    `nhi-lint check` mean wall time over many runs (hyperfine when installed, else a loop)
#    and, with checkov, checkov's time on the same tree and the ratio.
# 3. Start-up: `nhi-lint check` on an empty directory against `/bin/true` (the cost of
#    starting any process here).
#
# checkov is taken from PATH, or from $CHECKOV; install it with `pip install checkov`. Without
# it the comparisons are skipped and say so. On the large corpus checkov runs only with
# BENCH_CHECKOV_LARGE=1 (it takes very long there).
set -euo pipefail

files="${1:-5000}"
small="${2:-}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target-lint}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build -q --release -p nhi-lint --example bench
cargo build -q --release -p nhi-lint-cli
bench="$CARGO_TARGET_DIR/release/examples/bench"
lint="$CARGO_TARGET_DIR/release/nhi-lint"
checkov="${CHECKOV:-$(command -v checkov || true)}"

now() { date +%s.%N; }
# Mean wall time in seconds of a command over N runs.
mean() {
    local runs="$1"
    shift
    if command -v hyperfine > /dev/null; then
        hyperfine -N -i --warmup 5 -r "$runs" --export-json "$work/h.json" "$*" > /dev/null 2>&1
        python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["mean"])' "$work/h.json"
    else
        local start
        start=$(now)
        for _ in $(seq "$runs"); do "$@" > /dev/null 2>&1 || true; done
        awk -v a="$start" -v b="$(now)" -v n="$runs" 'BEGIN { print (b - a) / n }'
    fi
}
checkov_time() {
    local start
    start=$(now)
    # Offline and without module downloads, so that only scanning is timed.
    BC_SKIP_MAPPING=TRUE "$checkov" -d "$1" --framework terraform --quiet --compact --skip-download -o json \
        > /dev/null 2>&1 || true
    awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }'
}

echo "== large corpus"
"$bench" --files "$files" --dir "$work/corpus" --keep
t=$(mean 5 "$lint" check --format json "$work/corpus")
printf 'nhi-lint check (binary, %s files): %.3fs\n' "$files" "$t"
# checkov takes minutes to hours on thousands of files: only on request.
if [[ -n "$checkov" && "${BENCH_CHECKOV_LARGE:-0}" == 1 ]]; then
    ck=$(checkov_time "$work/corpus")
    printf 'checkov -d (same corpus): %.3fs, ratio checkov/nhi-lint: %.0fx\n' "$ck" "$(awk -v c="$ck" -v l="$t" 'BEGIN { print c / l }')"
elif [[ -z "$checkov" ]]; then
    echo "checkov not found (pip install checkov, or set CHECKOV=/path/to/checkov): comparisons skipped"
fi

echo "== small tree"
if [[ -z "$small" ]]; then
    "$bench" --files 47 --dir "$work/small" --keep > /dev/null
    small="$work/small"
fi
kb=$(du -sk --apparent-size "$small" | cut -f1)
n=$(find "$small" -name '*.tf' | wc -l)
t=$(mean 200 "$lint" check --format json "$small")
printf 'nhi-lint check (%s files, %s KB): %.1f ms\n' "$n" "$kb" "$(awk -v t="$t" 'BEGIN { print t * 1000 }')"
if [[ -n "$checkov" ]]; then
    ck=$(checkov_time "$small")
    printf 'checkov -d (same tree): %.2fs, ratio checkov/nhi-lint: %.0fx\n' "$ck" "$(awk -v c="$ck" -v l="$t" 'BEGIN { print c / l }')"
fi

echo "== start-up"
mkdir -p "$work/empty"
e=$(mean 500 "$lint" check "$work/empty")
b=$(mean 500 /bin/true)
printf 'nhi-lint check (empty directory): %.2f ms; /bin/true: %.2f ms; difference %.2f ms\n' \
    "$(awk -v t="$e" 'BEGIN { print t * 1000 }')" "$(awk -v t="$b" 'BEGIN { print t * 1000 }')" \
    "$(awk -v t="$e" -v u="$b" 'BEGIN { print (t - u) * 1000 }')"
