#!/usr/bin/env bash
# The main job on the embedded default registry, end to end:
#   1. build the provider (release) and fetch Terraform 1.15.5 into .tools/ if needed;
#   2. apply examples/quickstart against a SQLite registry file;
#   3. re-plan: no changes;
#   4. plan an expiry beyond policy.max_lifetime: refused at plan time, nothing written.
# Everything happens in .tools/demo/ (git-ignored); run it again any time.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$root"
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Building terraform-provider-nhi (release)"
cargo build --release -p terraform-provider-nhi
scripts/get-terraform.sh >/dev/null
tf="$root/.tools/bin/terraform-1.15.5"
target="${CARGO_TARGET_DIR:-$root/target}/release"

demo="$root/.tools/demo"
rm -rf "$demo"
mkdir -p "$demo"
cp examples/quickstart/main.tf "$demo/"
cat >"$demo/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "registry.terraform.io/nhi/nhi" = "$target"
  }
  direct {}
}
CFG
export TF_CLI_CONFIG_FILE="$demo/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
unset NHI_REGISTRY
cd "$demo"

ok_date="$(date -u -d '+180 days' +%Y-%m-%dT00:00:00Z)"
far_date="$(date -u -d '+3 years' +%Y-%m-%dT00:00:00Z)"

step "terraform apply (expires_at = $ok_date, registry = $demo/nhi-registry.db)"
"$tf" apply -auto-approve -input=false -var "expires_at=$ok_date"

step "terraform plan again: nothing to change"
"$tf" plan -input=false -detailed-exitcode -var "expires_at=$ok_date"

step "terraform plan with expires_at = $far_date: refused by policy.max_lifetime"
if "$tf" plan -input=false -var "expires_at=$far_date"; then
    echo "demo: expected the plan to be refused" >&2
    exit 1
fi

step "Done. The registry is $demo/nhi-registry.db; state is in $demo/terraform.tfstate."
