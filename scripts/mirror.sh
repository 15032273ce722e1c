#!/usr/bin/env bash
# Lay out the provider as a Terraform filesystem mirror so `terraform init` works offline.
#
#   scripts/mirror.sh [--binary PATH] [MIRROR_DIR]     (MIRROR_DIR defaults to <repo>/.tools/mirror)
#
# Builds `terraform-provider-nhi` in release mode (or takes the executable given with --binary),
# copies it to
#   MIRROR_DIR/registry.terraform.io/nhi/nhi/<version>/<os>_<arch>/terraform-provider-nhi_v<version>
# (version of the crate, from `cargo metadata`) and prints on stdout the CLI configuration block
# that makes Terraform install nhi/nhi from there and everything else from its registry.
# Put it in ~/.terraformrc or a file named by TF_CLI_CONFIG_FILE. Progress goes to stderr.
set -euo pipefail

readonly HOST=registry.terraform.io NAMESPACE=nhi TYPE=nhi CRATE=terraform-provider-nhi

die() {
    echo "mirror.sh: error: $*" >&2
    exit 1
}
usage() {
    echo "usage: scripts/mirror.sh [--binary PATH] [MIRROR_DIR]" >&2
    exit 2
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
binary=""
mirror=""
while [[ $# -gt 0 ]]; do
    case "$1" in
    --binary)
        [[ $# -ge 2 ]] || usage
        binary="$2"
        shift 2
        ;;
    --binary=*)
        binary="${1#--binary=}"
        shift
        ;;
    -h | --help) usage ;;
    -*) usage ;;
    *)
        [[ -z "$mirror" ]] || usage
        mirror="$1"
        shift
        ;;
    esac
done
# Paths given by the user are relative to where they ran the script.
if [[ -n "$binary" ]]; then
    [[ -f "$binary" && -x "$binary" ]] || die "--binary $binary is not an executable file"
    binary="$(cd "$(dirname "$binary")" && pwd -P)/$(basename "$binary")"
fi
mirror="${mirror:-$root/.tools/mirror}"
mkdir -p "$mirror"
mirror="$(cd "$mirror" && pwd -P)"

case "$(uname -s)" in
Linux) os=linux ;;
Darwin) os=darwin ;;
*) die "unsupported OS $(uname -s)" ;;
esac
case "$(uname -m)" in
x86_64 | amd64) arch=amd64 ;;
aarch64 | arm64) arch=arm64 ;;
*) die "unsupported architecture $(uname -m)" ;;
esac

cd "$root"
metadata="$(cargo metadata --no-deps --format-version 1 --offline)" || die "cargo metadata failed"
read -r version target_dir < <(python3 -c '
import json, sys
meta = json.load(sys.stdin)
pkg = [p for p in meta["packages"] if p["name"] == sys.argv[1]]
if not pkg:
    sys.exit("package " + sys.argv[1] + " is not in the workspace")
print(pkg[0]["version"], meta["target_directory"])
' "$CRATE" <<<"$metadata") || die "cannot read the version of $CRATE from cargo metadata"
[[ -n "${version:-}" ]] || die "cannot read the version of $CRATE from cargo metadata"

if [[ -z "$binary" ]]; then
    echo "mirror.sh: cargo build --release -p $CRATE" >&2
    cargo build --release -p "$CRATE" >&2 || die "cargo build failed"
    binary="$target_dir/release/$CRATE"
    [[ -x "$binary" ]] || die "cargo build did not produce $binary"
fi

dest_dir="$mirror/$HOST/$NAMESPACE/$TYPE/$version/${os}_$arch"
dest="$dest_dir/terraform-provider-${TYPE}_v$version"
mkdir -p "$dest_dir"
# Copy then rename, so a Terraform reading the mirror never sees a half-written file.
cp "$binary" "$dest.tmp.$$"
chmod 755 "$dest.tmp.$$"
mv -f "$dest.tmp.$$" "$dest"
echo "mirror.sh: installed $HOST/$NAMESPACE/$TYPE $version (${os}_$arch) at $dest" >&2
echo "mirror.sh: add this to your Terraform CLI configuration (~/.terraformrc or \$TF_CLI_CONFIG_FILE):" >&2

# HCL string: escape backslashes and quotes (mirror paths rarely have either).
hcl_path="${mirror//\\/\\\\}"
hcl_path="${hcl_path//\"/\\\"}"
cat <<HCL
provider_installation {
  filesystem_mirror {
    path    = "$hcl_path"
    include = ["$HOST/$NAMESPACE/*"]
  }
  direct {
    exclude = ["$HOST/$NAMESPACE/*"]
  }
}
HCL
