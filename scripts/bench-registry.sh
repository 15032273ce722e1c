#!/usr/bin/env bash
# `terraform apply` of N service accounts (default 1000) against a PostgreSQL registry, with the
# same apply against a SQLite registry as the baseline in the same run; then the inventory
# queries on 100,000 accounts (cargo bench -p nhi-registry --bench inventory).
#
#   scripts/bench-registry.sh            # N = 1000, 3 runs each
#   BENCH_COUNT=200 BENCH_RUNS=5 scripts/bench-registry.sh
#
# Uses the release build of the provider, Terraform 1.15.5 from scripts/get-terraform.sh,
# hyperfine (Debian package `hyperfine`), and the PostgreSQL server in NHI_TEST_POSTGRES_URL or a
# throwaway one from scripts/postgres.sh. Each timed run starts from an empty state and an empty
# registry (hyperfine --prepare). Prints both medians and the ratio PostgreSQL / SQLite against
# the target (at most 1.2). A benchmark: it fails only on errors.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$root"
count="${BENCH_COUNT:-1000}"
runs="${BENCH_RUNS:-3}"
command -v hyperfine >/dev/null || { echo "bench-registry.sh: install hyperfine (apt-get install hyperfine)" >&2; exit 1; }

scripts/get-terraform.sh >/dev/null
terraform="$root/.tools/bin/terraform-1.15.5"
cargo build --release -q -p terraform-provider-nhi
target="${CARGO_TARGET_DIR:-$root/target}/release"

if [[ -z "${NHI_TEST_POSTGRES_URL:-}" ]]; then
    eval "$(scripts/postgres.sh start)"
    trap 'scripts/postgres.sh stop "$NHI_TEST_POSTGRES_DIR"' EXIT
fi
admin="$NHI_TEST_POSTGRES_URL"
pg_url="${admin%/*}/nhi_bench_apply"

work=$(mktemp -d /tmp/nhi-bench-registry.XXXXXX)
cat >"$work/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "registry.terraform.io/nhi/nhi" = "$target"
  }
  direct {}
}
CFG
for side in sqlite postgres; do
    mkdir -p "$work/$side"
    cat >"$work/$side/main.tf" <<TF
terraform {
  required_providers {
    nhi = { source = "nhi/nhi" }
  }
}
resource "nhi_service_account" "bench" {
  count      = $count
  name       = "bench-\${count.index}"
  owner      = "platform@example.com"
  purpose    = "Registry benchmark account \${count.index}"
  expires_at = "$(date -u -d '+90 days' +%Y-%m-%dT00:00:00Z)"
  labels     = { bench = "registry" }
}
TF
done

export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
apply="$terraform apply -auto-approve -input=false -parallelism=10 -no-color"
reset_sqlite="rm -f $work/sqlite/terraform.tfstate* $work/sqlite/registry.db*"
reset_pg="rm -f $work/postgres/terraform.tfstate* && psql -q '$admin' -c 'DROP DATABASE IF EXISTS nhi_bench_apply' -c 'CREATE DATABASE nhi_bench_apply'"

hyperfine --runs "$runs" --export-json "$work/apply.json" --style basic \
    --prepare "$reset_sqlite" -n "sqlite ($count accounts)" \
    "cd $work/sqlite && NHI_REGISTRY=sqlite://registry.db $apply >/dev/null" \
    --prepare "$reset_pg" -n "postgres ($count accounts)" \
    "cd $work/postgres && NHI_REGISTRY='$pg_url' $apply >/dev/null"

python3 - "$work/apply.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
sqlite, pg = (r["median"] for r in results)
ratio = pg / sqlite
print(f"\napply medians: SQLite {sqlite:.2f} s, PostgreSQL {pg:.2f} s; ratio PostgreSQL/SQLite {ratio:.2f} "
      f"(target <= 1.20: {'ok' if ratio <= 1.2 else 'MISSED'})")
PY
rm -rf "$work"

echo
cargo bench -q -p nhi-registry --bench inventory 2>/dev/null
