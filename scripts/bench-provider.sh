#!/usr/bin/env bash
# Benchmark the release build of terraform-provider-nhi against Terraform's built-in
# `terraform_data`, and time the plugin's launch (process start -> go-plugin handshake line).
#
#   scripts/bench-provider.sh              # N = 1, 100, 1000
#   scripts/bench-provider.sh 1 100        # or BENCH_COUNTS="1 100" scripts/bench-provider.sh
#
# For each N it writes two configurations in fresh temporary directories, N `nhi_service_account`
# resources (fresh SQLite registry per run) and N `terraform_data` resources, and times
# `terraform apply -auto-approve -parallelism=10` from an empty state several times, then a
# no-change `terraform plan` after each apply. Both sides use the same Terraform and the same CLI
# configuration (dev_overrides pointing at the release build), so the ratio isolates the cost of
# the provider. It is a benchmark, not a test: missed targets are reported, only errors fail it.
#
# Timings are wall-clock and noisy on small shared machines (other builds, 2 cores): compare
# ratios from the same run, and re-run when a figure looks off.
#
# Environment:
#   BENCH_COUNTS        resource counts (default "1 100 1000"; arguments take precedence)
#   BENCH_RUNS          runs per N and side (default 3 for N <= 100, 2 above; minimum 1)
#   BENCH_LAUNCH_RUNS   plugin launches to time (default 20; 0 skips the launch benchmark)
#   BENCH_TFD_INPUT     terraform_data payload: "object" (default; the same four values as the nhi
#                       resource, giving a state of similar size) or "string" (one short string:
#                       the cheapest baseline, so the highest ratio)
#   BENCH_PLAN          1 (default) to time a no-change plan after each apply, 0 to skip
#   BENCH_KEEP          1 to keep the temporary directories (printed at the end)
#   TERRAFORM           Terraform to drive (default .tools/bin/terraform-1.15.5)
#   CARGO_TARGET_DIR    where cargo builds (default: the workspace's target/)
#   PYTHON              python3 used for timing and statistics (default python3)
set -euo pipefail

die() {
    echo "bench-provider.sh: error: $*" >&2
    exit 1
}
log() { echo "bench-provider.sh: $*" >&2; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$root"

py="${PYTHON:-python3}"
command -v "$py" >/dev/null || die "python interpreter '$py' not found (set PYTHON or install python3)"
command -v openssl >/dev/null || die "openssl not found (needed for the plugin client certificate)"
command -v cargo >/dev/null || die "cargo not found"

if [[ $# -gt 0 ]]; then
    counts="$*"
else
    counts="${BENCH_COUNTS:-1 100 1000}"
fi
for n in $counts; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "resource count '$n' is not a positive integer"
done
launch_runs="${BENCH_LAUNCH_RUNS:-20}"
[[ "$launch_runs" =~ ^[0-9]+$ ]] || die "BENCH_LAUNCH_RUNS='$launch_runs' is not a number"
[[ -z "${BENCH_RUNS:-}" || "${BENCH_RUNS}" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS='${BENCH_RUNS}' is not a positive integer"
time_plan="${BENCH_PLAN:-1}"
tfd_input="${BENCH_TFD_INPUT:-object}"
[[ "$tfd_input" == object || "$tfd_input" == string ]] || die "BENCH_TFD_INPUT='$tfd_input' is not object or string"

# --- Build and tools -----------------------------------------------------------------------------
log "cargo build --release -p terraform-provider-nhi"
cargo build --release -p terraform-provider-nhi >&2 || die "cargo build failed"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
[[ "$target_dir" == /* ]] || target_dir="$root/$target_dir"
provider_dir="$target_dir/release"
provider="$provider_dir/terraform-provider-nhi"
[[ -x "$provider" ]] || die "release binary not found at $provider"

log "scripts/get-terraform.sh"
scripts/get-terraform.sh >&2 || die "scripts/get-terraform.sh failed"
tf="${TERRAFORM:-$root/.tools/bin/terraform-1.15.5}"
[[ -x "$tf" ]] || die "terraform not found at $tf"
tf_version="$(CHECKPOINT_DISABLE=1 "$tf" version 2>/dev/null)" || die "'$tf version' failed"
tf_version="${tf_version%%$'\n'*}"

work="$(mktemp -d "${TMPDIR:-/tmp}/nhi-bench.XXXXXX")"
if [[ "${BENCH_KEEP:-0}" == 1 ]]; then
    trap 'log "kept $work"' EXIT
else
    trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/home"

cat >"$work/terraform.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/nhi/nhi" = "$provider_dir"
  }
  direct {}
}
EOF

export HOME="$work/home" TF_CLI_CONFIG_FILE="$work/terraform.tfrc" CHECKPOINT_DISABLE=1 \
    TF_IN_AUTOMATION=1 TF_INPUT=0
unset TF_LOG TF_LOG_PATH TF_LOG_CORE TF_LOG_PROVIDER TF_DATA_DIR TF_CLI_ARGS TF_CLI_ARGS_apply TF_CLI_ARGS_plan

expires_at="$(date -u -d '+200 days' +%Y-%m-%dT%H:%M:%SZ)" || die "GNU date is required"

# now_s: wall clock in seconds with microseconds (bash 5's EPOCHREALTIME, no fork).
now_s() { echo "${EPOCHREALTIME/,/.}"; }
[[ -n "${EPOCHREALTIME:-}" ]] || die "bash 5 (EPOCHREALTIME) is required"

# stats KIND VALUES...: KIND=median prints the median; KIND=launch prints "median p90" in ms.
stats() {
    "$py" - "$@" <<'PY'
import statistics, sys
kind, xs = sys.argv[1], sorted(float(x) for x in sys.argv[2:])
if kind == "median":
    print(f"{statistics.median(xs):.3f}")
else:
    p90 = xs[min(len(xs) - 1, max(0, -(-9 * len(xs) // 10) - 1))]  # nearest-rank
    print(f"{statistics.median(xs) * 1000:.2f} {p90 * 1000:.2f}")
PY
}

# write_config DIR KIND N
write_config() {
    local dir="$1" kind="$2" n="$3"
    mkdir -p "$dir"
    if [[ "$kind" == nhi ]]; then
        cat >"$dir/main.tf" <<EOF
terraform {
  required_providers {
    nhi = {
      source = "nhi/nhi"
    }
  }
}

resource "nhi_service_account" "bench" {
  count      = $n
  name       = "sa-\${count.index}"
  owner      = "bench@example.com"
  purpose    = "Provider benchmark"
  expires_at = "$expires_at"
}
EOF
    elif [[ "$tfd_input" == string ]]; then
        cat >"$dir/main.tf" <<EOF
resource "terraform_data" "bench" {
  count = $n
  input = "sa-\${count.index}"
}
EOF
    else
        cat >"$dir/main.tf" <<EOF
resource "terraform_data" "bench" {
  count = $n
  input = {
    name       = "sa-\${count.index}"
    owner      = "bench@example.com"
    purpose    = "Provider benchmark"
    expires_at = "$expires_at"
  }
}
EOF
    fi
}

# run_tf DIR LOG ARGS...: runs terraform in DIR, dies with the log's tail on failure.
run_tf() {
    local dir="$1" out="$2"
    shift 2
    if ! (cd "$dir" && "$tf" "$@" >"$out" 2>&1); then
        tail -n 40 "$out" >&2
        die "'terraform $*' failed in $dir (log: $out; set BENCH_KEEP=1 to keep it)"
    fi
}

# one_run KIND N I: one apply from an empty state (and, unless BENCH_PLAN=0, a no-change plan)
# in $work/KIND-N; appends the seconds to the arrays named KIND_applies / KIND_plans. Runs in the
# main shell (not a subshell) so that `die` stops the whole benchmark.
one_run() {
    local kind="$1" n="$2" i="$3" dir="$work/$1-$2" t0 t1 secs code
    local -n applies="${kind}_applies" plans="${kind}_plans"
    [[ -f "$dir/main.tf" ]] || write_config "$dir" "$kind" "$n"
    rm -rf "$dir/terraform.tfstate" "$dir/terraform.tfstate.backup" "$dir/.terraform" "$dir"/registry.db*
    if [[ "$kind" == nhi ]]; then
        export NHI_REGISTRY="sqlite://$dir/registry.db"
    fi
    t0="$(now_s)"
    run_tf "$dir" "$dir/apply-$i.log" apply -auto-approve -parallelism=10
    t1="$(now_s)"
    secs="$("$py" -c "print($t1 - $t0)")"
    applies+=("$secs")
    log "  N=$n run $i: $kind apply $(printf '%.2f' "$secs") s"
    if [[ "$time_plan" == 1 ]]; then
        code=0
        t0="$(now_s)"
        (cd "$dir" && "$tf" plan -detailed-exitcode -parallelism=10 >"$dir/plan-$i.log" 2>&1) || code=$?
        t1="$(now_s)"
        if [[ "$code" != 0 ]]; then
            tail -n 40 "$dir/plan-$i.log" >&2
            die "no-change plan after apply exited $code in $dir (2 = changes planned)"
        fi
        secs="$("$py" -c "print($t1 - $t0)")"
        plans+=("$secs")
        log "  N=$n run $i: $kind plan  $(printf '%.2f' "$secs") s"
    fi
    unset NHI_REGISTRY
}

# target_for N: the apply ratio target, or "-" when none is set for N.
target_for() {
    case "$1" in
        100) echo 1.30 ;;
        1000) echo 1.15 ;;
        *) echo - ;;
    esac
}

ratio() { "$py" -c "print(f'{$1 / $2:.2f}')"; }

# verdict VALUE TARGET: "ok" when VALUE <= TARGET, "MISSED" otherwise, "" without a target.
verdict() {
    [[ "$2" == - ]] && return 0
    "$py" -c "print('ok' if $1 <= $2 else 'MISSED')"
}

# --- Apply / plan benchmark ------------------------------------------------------------------------
rows=()
for n in $counts; do
    if [[ -n "${BENCH_RUNS:-}" ]]; then
        runs="$BENCH_RUNS"
    elif ((n <= 100)); then
        runs=3
    else
        runs=2
    fi
    log "N=$n: $runs runs per side ($tf_version)"
    # Alternate the sides so that background load hits both alike.
    nhi_applies=() nhi_plans=() terraform_data_applies=() terraform_data_plans=()
    for ((i = 1; i <= runs; i++)); do
        one_run terraform_data "$n" "$i"
        one_run nhi "$n" "$i"
    done
    nhi_apply="$(stats median "${nhi_applies[@]}")"
    tfd_apply="$(stats median "${terraform_data_applies[@]}")"
    nhi_plan=- tfd_plan=-
    if [[ "$time_plan" == 1 ]]; then
        nhi_plan="$(stats median "${nhi_plans[@]}")"
        tfd_plan="$(stats median "${terraform_data_plans[@]}")"
    fi
    apply_ratio="$(ratio "$nhi_apply" "$tfd_apply")"
    plan_ratio=-
    [[ "$nhi_plan" == - ]] || plan_ratio="$(ratio "$nhi_plan" "$tfd_plan")"
    target="$(target_for "$n")"
    rows+=("$(printf '| %5s | %4s | %9s | %9s | %5s | %6s %-6s | %8s | %8s | %5s |' \
        "$n" "$runs" "$nhi_apply" "$tfd_apply" "$apply_ratio" \
        "$([[ $target == - ]] && echo - || echo "<=$target")" "$(verdict "$apply_ratio" "$target")" \
        "$nhi_plan" "$tfd_plan" "$plan_ratio")")
done

# --- Plugin launch: start -> handshake line ----------------------------------------------------
launch=""
if ((launch_runs > 0)); then
    log "timing $launch_runs plugin launches"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:secp521r1 -sha512 -nodes \
        -subj /CN=localhost -addext subjectAltName=DNS:localhost -addext basicConstraints=critical,CA:TRUE \
        -days 1 -keyout "$work/client.key" -out "$work/client.pem" >/dev/null 2>&1 ||
        die "openssl could not generate the P-521 client certificate"
    launch_times="$("$py" - "$provider" "$work/client.pem" "$launch_runs" <<'PY'
import os, signal, subprocess, sys, time
binary, cert_path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
env = dict(os.environ)
env.update(
    TF_PLUGIN_MAGIC_COOKIE="d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
    PLUGIN_PROTOCOL_VERSIONS="6",
    PLUGIN_CLIENT_CERT=open(cert_path).read(),
    PLUGIN_MIN_PORT="10000",
    PLUGIN_MAX_PORT="25000",
)
for _ in range(runs):
    t0 = time.perf_counter()
    p = subprocess.Popen([binary], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    line = p.stdout.readline()
    dt = time.perf_counter() - t0
    p.send_signal(signal.SIGKILL)
    p.wait()
    parts = line.decode(errors="replace").strip().split("|")
    if len(parts) != 6 or parts[:2] != ["1", "6"] or parts[4] != "grpc":
        sys.exit(f"unexpected handshake line: {line!r}")
    if parts[2] == "unix":
        try:
            os.unlink(parts[3])
        except FileNotFoundError:
            pass
    print(dt)
PY
)" || die "plugin launch benchmark failed"
    # shellcheck disable=SC2086 # one figure per line, split on purpose
    launch="$(stats launch $launch_times)"
fi

# --- Report ------------------------------------------------------------------------------------
echo
echo "terraform-provider-nhi benchmark: $tf_version, $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "apply = terraform apply -auto-approve -parallelism=10 from empty state (fresh registry);"
echo "tfd = terraform_data with $tfd_input input (BENCH_TFD_INPUT);"
echo "plan = no-change terraform plan after that apply; medians in seconds; wall-clock, noisy."
echo
echo "|     N | runs | nhi apply | tfd apply | ratio | target        | nhi plan | tfd plan | ratio |"
echo "|------:|-----:|----------:|----------:|------:|:--------------|---------:|---------:|------:|"
printf '%s\n' "${rows[@]}"
if [[ -n "$launch" ]]; then
    read -r launch_median launch_p90 <<<"$launch"
    echo
    printf 'plugin launch (start -> handshake line, %d runs): median %s ms, p90 %s ms  (target < 10 ms: %s)\n' \
        "$launch_runs" "$launch_median" "$launch_p90" \
        "$("$py" -c "print('ok' if $launch_median < 10 else 'MISSED')")"
fi
