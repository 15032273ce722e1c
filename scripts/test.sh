#!/usr/bin/env bash
# The one test command: everything CI checks, in the same order, from any directory.
#
#   scripts/test.sh
#
# 1. installs the Terraform binaries the end-to-end tests drive (scripts/get-terraform.sh,
#    fast and offline once done), 2. cargo fmt --check, 3. clippy with warnings denied,
# 4. the whole workspace's tests. Exits non-zero at the first failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$root"

if [[ $# -gt 0 ]]; then
    echo "usage: scripts/test.sh (no arguments; for a subset run cargo test -p CRATE directly)" >&2
    exit 2
fi

step() { printf '\n==> %s\n' "$*" >&2; }

step "scripts/get-terraform.sh"
scripts/get-terraform.sh
export NHI_TERRAFORM_1_15="$root/.tools/bin/terraform-1.15.5"
export NHI_TERRAFORM_1_0="$root/.tools/bin/terraform-1.0.3"

step "python3 jsonschema and pre-commit (the SARIF test validates with the one, the hook test runs the other)"
for module in jsonschema pre_commit; do
    if ! python3 -c "import $module" 2>/dev/null; then
        python3 -m pip install --quiet "${module//_/-}"
    fi
done

step "cargo fmt --all --check"
cargo fmt --all --check

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test --workspace"
cargo test --workspace

step "all checks passed"
