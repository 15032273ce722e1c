#!/usr/bin/env bash
# Build the release artifacts of one version, offline-installable and byte-for-byte repeatable.
#
#   scripts/release.sh VERSION [--out DIR]        (DIR defaults to <repo>/dist)
#
# VERSION must be the workspace version in Cargo.toml (bump it there first). Writes, in DIR:
#
#   terraform-provider-nhi_VERSION_linux_amd64.zip     the provider, as terraform-provider-nhi_vVERSION
#   terraform-provider-nhi_VERSION_manifest.json       plugin protocol versions (registry manifest)
#   terraform-provider-nhi_VERSION_SHA256SUMS          sha256 of the two files above
#   nhi-lint_VERSION_linux_amd64.tar.gz                nhi-lint, README.md, LICENSE files if any
#   nhi-lint_VERSION_SHA256SUMS
#   nhi_VERSION_linux_amd64.tar.gz                     nhi (the registry admin CLI), README.md
#   nhi_VERSION_SHA256SUMS
#
# The names and layout are what a Terraform/OpenTofu provider registry and a network mirror
# serve, and the zip can be dropped as is into a filesystem mirror's packed layout:
#   MIRROR/registry.terraform.io/nhi/nhi/terraform-provider-nhi_VERSION_linux_amd64.zip
# Signing SHA256SUMS (the registry's .sig) needs the publisher's GPG key and is left to the
# publishing job.
#
# Repeatable: binaries are built with `--locked` and source paths remapped, and every archive
# entry gets the last commit's time, fixed modes and owners, in sorted order; running the
# script twice on one commit writes identical archives. The build uses its own target
# directory (target/dist) so it never waits on, or disturbs, development builds.
set -euo pipefail

die() {
    echo "release.sh: error: $*" >&2
    exit 1
}
usage() {
    echo "usage: scripts/release.sh VERSION [--out DIR]" >&2
    exit 2
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
version=""
out=""
while [[ $# -gt 0 ]]; do
    case "$1" in
    --out)
        [[ $# -ge 2 ]] || usage
        out="$2"
        shift 2
        ;;
    --out=*)
        out="${1#--out=}"
        shift
        ;;
    -h | --help) usage ;;
    -*) usage ;;
    *)
        [[ -z "$version" ]] || usage
        version="$1"
        shift
        ;;
    esac
done
[[ -n "$version" ]] || usage
version="${version#v}"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || die "VERSION $version is not a semantic version (1.2.3)"

case "$(uname -s)-$(uname -m)" in
Linux-x86_64) platform=linux_amd64 ;;
Linux-aarch64) platform=linux_arm64 ;;
*) die "unsupported platform $(uname -s) $(uname -m)" ;;
esac

cd "$root"
workspace_version="$(python3 -c '
import sys, tomllib
print(tomllib.load(open("Cargo.toml", "rb"))["workspace"]["package"]["version"])
')" || die "cannot read the workspace version from Cargo.toml"
[[ "$version" == "$workspace_version" ]] ||
    die "VERSION $version is not the workspace version $workspace_version: set [workspace.package] version in Cargo.toml first"

out="${out:-$root/dist}"
mkdir -p "$out"
out="$(cd "$out" && pwd -P)"

# The time of the last commit stamps every archive entry (SOURCE_DATE_EPOCH if given).
epoch="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 315532800)}"
export SOURCE_DATE_EPOCH="$epoch"

target_dir="$root/target/dist"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
export RUSTFLAGS="${RUSTFLAGS:-} --remap-path-prefix=$root=/nhi --remap-path-prefix=$cargo_home=/cargo"
echo "release.sh: cargo build --release --locked (target dir $target_dir)" >&2
if ! cargo build --release --locked --target-dir "$target_dir" -p terraform-provider-nhi -p nhi-lint-cli -p nhi-cli >&2; then
    # A release build of the workspace takes about 2 GB; a full disk is the usual cause.
    df -h "$root" 2>/dev/null | sed 's/^/release.sh: disk: /' >&2 || true
    die "cargo build failed"
fi

provider="terraform-provider-nhi"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT

# The provider: a zip holding one executable named as Terraform expects inside a package.
mkdir -p "$staging/provider"
cp "$target_dir/release/$provider" "$staging/provider/${provider}_v$version"
python3 - "$staging/provider" "$out/${provider}_${version}_$platform.zip" "$epoch" <<'PY'
import os, sys, time, zipfile
src, dest, epoch = sys.argv[1], sys.argv[2], int(sys.argv[3])
stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip cannot hold times before 1980
tmp = dest + ".tmp"
with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for name in sorted(os.listdir(src)):
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.external_attr = (0o100755 << 16)
        info.create_system = 3  # unix, so the mode is honoured
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(os.path.join(src, name), "rb") as f:
            z.writestr(info, f.read())
os.replace(tmp, dest)
PY
cp "$root/terraform-registry-manifest.json" "$out/${provider}_${version}_manifest.json"

# nhi-lint and nhi: each a tarball with one top-level directory.
pack() {
    local name="$1" dir="$staging/$1/$1_${version}_$platform"
    mkdir -p "$dir"
    install -m 0755 "$target_dir/release/$name" "$dir/$name"
    install -m 0644 "$root/README.md" "$dir/README.md"
    for f in "$root"/LICENSE*; do
        [[ -f "$f" ]] && install -m 0644 "$f" "$dir/"
    done
    tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=gnu \
        -C "$staging/$name" -cf - "${name}_${version}_$platform" | gzip -9 -n >"$out/${name}_${version}_$platform.tar.gz.tmp"
    mv -f "$out/${name}_${version}_$platform.tar.gz.tmp" "$out/${name}_${version}_$platform.tar.gz"
}
pack nhi-lint
pack nhi

# Checksums in `sha256sum` format, one file per product, as registries and mirrors read them.
(
    cd "$out"
    sha256sum "${provider}_${version}_$platform.zip" "${provider}_${version}_manifest.json" >"${provider}_${version}_SHA256SUMS"
    sha256sum "nhi-lint_${version}_$platform.tar.gz" >"nhi-lint_${version}_SHA256SUMS"
    sha256sum "nhi_${version}_$platform.tar.gz" >"nhi_${version}_SHA256SUMS"
)

echo "release.sh: wrote to $out:" >&2
(cd "$out" && ls -1 "${provider}_${version}"_* "nhi-lint_${version}"_* "nhi_${version}"_*) >&2
