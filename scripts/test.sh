#!/usr/bin/env bash
# The one test command: everything CI checks, in the same order, from any directory.
#
#   scripts/test.sh
#
# 1. installs the Terraform binaries the end-to-end tests drive (scripts/get-terraform.sh,
#    fast and offline once done), 2. installs PostgreSQL from Debian's packages when its server
#    binaries are missing and starts a throwaway server for the run (scripts/postgres.sh),
# 3. cargo fmt --check, 4. clippy with warnings denied, 5. the whole workspace's tests.
# Exits non-zero at the first failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$root"

if [[ $# -gt 0 ]]; then
    echo "usage: scripts/test.sh (no arguments; for a subset run cargo test -p CRATE directly)" >&2
    exit 2
fi

step() { printf '\n==> %s\n' "$*" >&2; }

# Building and testing everything takes a few GB, and incremental caches about 2 GB more
# (CI turns those off); a full disk shows up as odd database errors, so say how much there is.
df -h "$root" /tmp 2>/dev/null | sed 's/^/disk: /' >&2 || true

step "scripts/get-terraform.sh"
scripts/get-terraform.sh
export NHI_TERRAFORM_1_15="$root/.tools/bin/terraform-1.15.5"
export NHI_TERRAFORM_1_0="$root/.tools/bin/terraform-1.0.3"

step "PostgreSQL server for the registry tests (scripts/postgres.sh)"
missing=()
if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    missing+=(postgresql)
fi
command -v openssl >/dev/null || missing+=(openssl) # the test server's TLS certificates
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "installing from Debian's packages: ${missing[*]}" >&2
    sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
eval "$(scripts/postgres.sh start)"
# On a failure, the server's last words explain errors the tests could only summarise.
on_exit() {
    local status=$?
    if [[ $status -ne 0 && -f "$NHI_TEST_POSTGRES_DIR/server.log" ]]; then
        echo "--- the last lines of the test PostgreSQL server's log:" >&2
        tail -n 30 "$NHI_TEST_POSTGRES_DIR/server.log" >&2
    fi
    scripts/postgres.sh stop "$NHI_TEST_POSTGRES_DIR"
}
trap on_exit EXIT
echo "PostgreSQL at ${NHI_TEST_POSTGRES_URL}" >&2

step "python3 jsonschema, pre-commit and PyJWT (SARIF validation, the hook test, and an independent JWT verifier for tokens)"
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
for pair in jsonschema:jsonschema pre_commit:pre-commit "jwt:pyjwt[crypto]" cryptography:cryptography; do
    module="${pair%%:*}" package="${pair#*:}"
    if ! python3 -c "import $module" 2>/dev/null; then
        python3 -m pip install --quiet "$package"
    fi
done

step "cargo fmt --all --check"
cargo fmt --all --check

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test --workspace"
cargo test --workspace

step "all checks passed"
