use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds Vault PKI roles (`vault_pki_secret_backend_role`) that issue certificates for any
/// name: `allow_any_name = true`, or `allowed_domains` holding a bare `"*"` with
/// `allow_glob_domains = true`.
///
/// ## Why is this bad?
/// A certificate is an identity wherever the CA is trusted: mutual TLS between services,
/// client logins to databases and to Vault itself. A role that signs any common name lets
/// whoever may use it (a pipeline, a workload) present itself as any other service, or as an
/// administrator's client certificate, for as long as the certificate is valid.
///
/// ## Example
/// ```hcl
/// resource "vault_pki_secret_backend_role" "clients" {
///   backend        = vault_mount.pki.path
///   name           = "clients"
///   allow_any_name = true
///   client_flag    = true
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "vault_pki_secret_backend_role" "clients" {
///   backend          = vault_mount.pki.path
///   name             = "clients"
///   allowed_domains  = ["ci.internal.example.com"]
///   allow_subdomains = false
///   client_flag      = true
/// }
/// ```
#[derive(Debug)]
pub struct VaultPkiAnyName;

impl Rule for VaultPkiAnyName {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "vault-pki-any-name",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "a Vault PKI role that issues certificates for any name",
            source: include_str!("vault_pki_any_name.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for r in cx.resources("vault_pki_secret_backend_role") {
            let any_name = r.values("allow_any_name").iter().any(|v| v.as_bool() == Some(true));
            if any_name {
                cx.report(&r, r.span("allow_any_name"), "the role issues certificates for any name")
                    .help("list the names this role is for in allowed_domains and drop allow_any_name");
                continue;
            }
            let globs = r.values("allow_glob_domains").iter().any(|v| v.as_bool() == Some(true));
            if globs && r.strs("allowed_domains").iter().any(|d| d.trim() == "*") {
                cx.report(&r, r.span("allowed_domains"), "the role's domain pattern `*` matches any name")
                    .help("list the names this role is for in allowed_domains");
            }
        }
    }
}
