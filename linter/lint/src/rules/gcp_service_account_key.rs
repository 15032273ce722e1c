use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::{lifecycle, registry_module_switches};
use crate::syntax::ExprKind;

/// ## What it does
/// Finds `google_service_account_key` resources — downloadable keys for a service account —
/// and `google_storage_hmac_key` resources, HMAC keys that act as a service account. Keys
/// rotated by Terraform (`keepers` or `replace_triggered_by` fed by `time_rotating`) are not
/// reported: see "Severity follows the lifecycle" in the rules index. A key that is never
/// rotated is this one finding (the retired NHI305 used to repeat it as missing-ttl).
///
/// Also a call of the public `terraform-google-modules/service-accounts/google` module with
/// `generate_keys = true`, which creates a key per account, even when the module itself is
/// not on disk. And `google` / `google-beta` provider blocks (and the `gcs` backend) whose
/// `credentials` reads a key file the configuration names (`file("sa.json")`, or a path to
/// one): a downloaded key exists, kept with the code, and signs Terraform in. A path the caller
/// passes in (`file(var.credentials_path)`) or one under `~` is the operator's own credential
/// and is not reported.
///
/// ## Why is this bad?
/// A service-account key is valid for years by default, works from anywhere, and its private
/// key lands in Terraform state. Leaked keys are the most common way GCP projects are breached.
///
/// ## Example
/// ```hcl
/// resource "google_service_account_key" "app" {
///   service_account_id = google_service_account.app.name
/// }
/// ```
///
/// ## Use instead
/// Attach the service account to the workload (GKE Workload Identity, Cloud Run, VM) or use
/// Workload Identity Federation from outside Google Cloud:
/// ```hcl
/// resource "google_service_account_iam_member" "wif" {
///   service_account_id = google_service_account.app.name
///   role               = "roles/iam.workloadIdentityUser"
///   member             = "principal://iam.googleapis.com/${google_iam_workload_identity_pool.ci.name}/subject/repo:org/app:ref:refs/heads/main"
/// }
/// ```
#[derive(Debug)]
pub struct GcpServiceAccountKey;

impl Rule for GcpServiceAccountKey {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gcp-service-account-key",
            category: Category::StaticCredential,
            severity: Severity::High,
            summary: "a GCP service-account key: a long-lived static credential",
            source: include_str!("gcp_service_account_key.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for k in cx.resources("google_service_account_key") {
            if !lifecycle(&k, cx).is_static() {
                continue;
            }
            cx.report(&k, k.header(), "static GCP service-account key, never rotated").help(
                "attach the service account to the workload or use Workload Identity Federation; where a key is unavoidable, rotate it (keepers = { rotation = time_rotating.key.rotation_rfc3339 })",
            );
        }
        for (call, input) in
            registry_module_switches(cx, "terraform-google-modules/service-accounts/google", &["generate_keys"], false)
        {
            cx.report(&call, call.span(input), format!("static GCP service-account keys: the module creates one per account with `{input} = true`"))
                .help("set generate_keys = false and attach the service accounts to their workloads, or use Workload Identity Federation");
        }
        // A provider that signs in with a key file: a downloaded key exists and is used.
        let providers: Vec<_> =
            ["google", "google-beta"].iter().flat_map(|ty| cx.blocks("provider", Some(ty))).collect();
        // The gcs backend signs in the same way to read and write the state.
        let backends: Vec<_> = cx
            .blocks("terraform", None)
            .iter()
            .flat_map(|t| t.nested("backend"))
            .filter(|b| b.block.labels.first().is_some_and(|l| l == "gcs"))
            .collect();
        for p in providers.into_iter().chain(backends) {
            let Some(a) = p.attr("credentials") else { continue };
            let what = if p.block.ident == "backend" { "the gcs backend" } else { "provider" };
            // A key file named in the configuration sits with the code, or in a place the code
            // decides; a path the caller passes in (`file(var.credentials_path)`) or one in the
            // user's home is where the person running Terraform keeps their own credentials.
            let kept_with_code = |path: &crate::syntax::Expr| {
                let callers = path.traversal_path().is_some_and(|p| p.starts_with("var."));
                let home = p.eval(path).as_str().is_some_and(|t| t.starts_with('~'));
                !callers && !home
            };
            let key_file = match &a.expr.kind {
                ExprKind::Call { name, args, .. } => name == "file" && args.first().is_some_and(kept_with_code),
                ExprKind::Str(s) => s.trim().ends_with(".json") && !s.trim().starts_with('~'),
                _ => false,
            };
            if key_file {
                cx.report(&p, a.expr.span.clone(), format!("{what} signs in with a service-account key file"))
                    .help("use Application Default Credentials, impersonate_service_account or Workload Identity Federation instead of a downloaded key");
            }
        }
        for k in cx.resources("google_storage_hmac_key") {
            if !lifecycle(&k, cx).is_static() {
                continue;
            }
            cx.report(&k, k.header(), "static HMAC key for a GCP service account")
                .help("use the service account's own identity with the JSON API instead of HMAC interoperability keys");
        }
    }
}
