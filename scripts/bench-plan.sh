#!/usr/bin/env bash
# Benchmarks `nhi-lint plan` on a generated plan with N resource changes (default 10000) and,
# when checkov is available, runs checkov on the same plan file for a ratio.
#
#   scripts/bench-plan.sh [CHANGES]
#
# The plan mixes AWS, GCP, Azure, Vault, Kubernetes, GitHub, GitLab and nhi resources, count
# instances, module calls, values known only after apply, sensitive values and deletions, in
# `terraform show -json` format 1.2. Prints wall time and peak RSS (GNU time -v) of a release
# build, median of 5 runs, then checkov's (`checkov -f plan.json --framework terraform_plan`).
# checkov is taken from PATH or $CHECKOV (`pip install checkov`); without it that part is skipped.
set -euo pipefail

changes="${1:-10000}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
py="${PYTHON:-python3}"
[[ -x /usr/bin/time ]] || { echo "bench-plan: /usr/bin/time (GNU time) is needed for peak memory" >&2; exit 2; }

cargo build -q --release -p nhi-lint-cli
bin="$CARGO_TARGET_DIR/release/nhi-lint"

"$py" - "$changes" "$work/plan.json" <<'EOF'
import json, sys
n, out = int(sys.argv[1]), sys.argv[2]
policy = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::data/*"},
    {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]})
shapes = [
    ("aws_iam_access_key", {"user": "ci", "status": "Active"}, {"id": True, "secret": True}, {"secret": True}),
    ("aws_iam_policy", {"name": "p", "policy": policy, "tags": {"owner": "team"}}, {"id": True, "arn": True}, {}),
    ("aws_iam_role", {"name": "r", "assume_role_policy": json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}), "max_session_duration": 3600}, {"id": True}, {}),
    ("google_service_account_key", {"service_account_id": "sa@p.iam.gserviceaccount.com", "keepers": None}, {"private_key": True}, {"private_key": True}),
    ("google_project_iam_member", {"project": "p", "role": "roles/editor", "member": "serviceAccount:sa@p.iam.gserviceaccount.com"}, {"etag": True}, {}),
    ("azuread_application_password", {"application_id": "/applications/1", "end_date": None}, {"value": True}, {"value": True}),
    ("vault_token", {"policies": ["app"], "ttl": None}, {"client_token": True}, {"client_token": True}),
    ("kubernetes_secret_v1", {"metadata": [{"name": "t", "annotations": {"kubernetes.io/service-account.name": "ci"}}], "type": "kubernetes.io/service-account-token"}, {"id": True}, {}),
    ("github_repository_deploy_key", {"repository": "app", "title": "d", "key": "ssh-ed25519 AAAA", "read_only": False}, {"id": True}, {}),
    ("gitlab_project_access_token", {"project": "1", "name": "ci", "scopes": ["api"], "expires_at": None}, {"token": True}, {"token": True}),
    ("nhi_service_account", {"name": "x", "owner": "t@example.com", "purpose": "p", "expires_at": "2026-09-01T00:00:00Z", "scopes": ["invoices:*"]}, {"id": True, "created_at": True}, {}),
    ("aws_s3_bucket", {"bucket": "data", "tags": {"env": "prod"}}, {"id": True, "arn": True}, {}),
]
changes = []
root, children = [], {}
for i in range(n):
    ty, after, unknown, sensitive = shapes[i % len(shapes)]
    group, idx = divmod(i, 50)
    module = f"module.m{group % 20}[{group // 20}]" if group % 3 == 0 else None
    name = f"r{group}"
    addr = f"{ty}.{name}[{idx}]"
    if module:
        addr = f"{module}.{addr}"
    actions = ["delete"] if i % 97 == 0 else (["update"] if i % 5 == 0 else ["create"])
    rc = {"address": addr, "mode": "managed", "type": ty, "name": name, "index": idx,
          "provider_name": "registry.terraform.io/hashicorp/x",
          "change": {"actions": actions, "before": None if actions == ["create"] else dict(after),
                     "after": None if actions == ["delete"] else dict(after), "after_unknown": unknown,
                     "before_sensitive": False, "after_sensitive": sensitive}}
    if module:
        rc["module_address"] = module
    changes.append(rc)
    if actions != ["delete"]:
        # planned_values as Terraform writes it (checkov reads resources from there).
        values = {k: v for k, v in after.items()}
        pv = {"address": addr, "mode": "managed", "type": ty, "name": name, "index": idx,
              "provider_name": rc["provider_name"], "schema_version": 0, "values": values,
              "sensitive_values": {k: True for k in sensitive}}
        (children.setdefault(module, []) if module else root).append(pv)
planned = {"resources": root,
           "child_modules": [{"address": m, "resources": r} for m, r in sorted(children.items())]}
plan = {"format_version": "1.2", "terraform_version": "1.15.5", "planned_values": {"root_module": planned},
        "resource_changes": changes, "configuration": {"root_module": {}}}
with open(out, "w") as f:
    json.dump(plan, f)
EOF
size=$(du -h "$work/plan.json" | cut -f1)
echo "plan: $changes resource changes, $size, $(nproc) CPUs"

runs=()
for _ in 1 2 3 4 5; do
    /usr/bin/time -v "$bin" plan "$work/plan.json" --config-dir "$work" --format json=/dev/null \
        2> "$work/time.txt" > /dev/null || true
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { split($2, t, ":"); print t[1] * 60 + t[2] }' "$work/time.txt")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
    runs+=("$wall $rss")
done
read -r lint rss < <(printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p)
findings=$("$bin" plan "$work/plan.json" --config-dir "$work" --format json | "$py" -c 'import json,sys; print(json.load(sys.stdin)["summary"]["findings"])' || true)
printf 'nhi-lint plan: %.3fs (median of 5), peak RSS %.1f MiB, %s findings\n' "$lint" "$(echo "$rss / 1024" | bc -l)" "$findings"

checkov="${CHECKOV:-$(command -v checkov || true)}"
if [[ -z "$checkov" ]]; then
    echo "checkov not found (pip install checkov, or set CHECKOV=/path/to/checkov): comparison skipped"
    exit 0
fi
# --skip-download: no network look-ups of guidelines (they would time out offline).
/usr/bin/time -v "$checkov" -f "$work/plan.json" --framework terraform_plan --skip-download --compact -o json \
    2> "$work/time.txt" > "$work/checkov.json" || true
ck=$(awk -F': ' '/Elapsed \(wall clock\)/ { split($2, t, ":"); print t[1] * 60 + t[2] }' "$work/time.txt")
ckrss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
ckres=$("$py" -c 'import json,sys
d = json.load(open(sys.argv[1])); d = d[0] if isinstance(d, list) else d
s = d.get("summary", d); print(s.get("resource_count"), "resources,", s.get("failed"), "failed checks")' "$work/checkov.json" || echo "unreadable output")
printf 'checkov -f (same plan): %.3fs, peak RSS %.1f MiB, %s\n' "$ck" "$(echo "$ckrss / 1024" | bc -l)" "$ckres"
awk -v c="$ck" -v l="$lint" 'BEGIN { printf "ratio checkov/nhi-lint: %.0fx\n", c / l }'
