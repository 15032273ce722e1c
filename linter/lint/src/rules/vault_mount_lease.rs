use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::{first_longer, interval};

/// ## What it does
/// Finds Vault secrets-engine mounts (`vault_mount`) whose maximum or default lease is longer
/// than `policy.max_lifetime` (365 days by default): `max_lease_ttl_seconds = 315360000` on a
/// PKI mount lets any role without its own `max_ttl` issue ten-year certificates, and every
/// dynamic secret of the mount can be renewed that long. Also auth mounts (`vault_auth_backend`,
/// `vault_jwt_auth_backend`, …) whose `tune` block sets a default or maximum lease beyond
/// `policy.static_key_max_lifetime` (90 days by default): every token of a role without its own
/// `token_max_ttl` may live that long.
///
/// ## Why is this bad?
/// The mount's maximum is the ceiling of everything issued under it. A role that forgets its
/// own limit — or a token that requests the maximum — gets credentials that outlive every
/// review. A root CA that needs a long life of its own can keep it with a long `ttl` on the
/// root certificate while the mount's maximum stays short for what it issues, or live in a
/// mount of its own that issues nothing else.
///
/// ## Example
/// ```hcl
/// resource "vault_mount" "pki" {
///   path                  = "pki"
///   type                  = "pki"
///   max_lease_ttl_seconds = 315360000
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "vault_mount" "pki_int" {
///   path                  = "pki_int"
///   type                  = "pki"
///   max_lease_ttl_seconds = 2592000
/// }
/// ```
#[derive(Debug)]
pub struct VaultMountLease;

impl Rule for VaultMountLease {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "vault-mount-lease",
            category: Category::MissingTtl,
            severity: Severity::Low,
            summary: "a Vault secrets-engine mount whose leases may outlive policy.max_lifetime, or an auth mount whose tokens may outlive a static key",
            source: include_str!("vault_mount_lease.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let limit = cx.policy.max_lifetime;
        let max = limit.as_secs();
        for m in cx.resources("vault_mount") {
            if let Some((key, secs)) = first_longer(&m, &["max_lease_ttl_seconds", "default_lease_ttl_seconds"], max) {
                cx.report(
                    &m,
                    m.span(key),
                    format!("leases and certificates of this mount may last {}", interval(secs)),
                )
                .help(format!(
                    "keep {key} within policy.max_lifetime ({limit}) and give a root CA's certificate its own ttl"
                ));
            }
        }
        // Auth mounts: their tune sets the lifetime of every token a role does not limit itself.
        let token_limit = cx.policy.static_key_max_lifetime;
        for m in cx.resources_where(|t| t.starts_with("vault_") && t.ends_with("auth_backend")) {
            for tune in m.nested("tune") {
                if let Some((key, secs)) =
                    first_longer(&tune, &["max_lease_ttl", "default_lease_ttl"], token_limit.as_secs())
                {
                    cx.report(&m, tune.span(key), format!("tokens of this auth mount may last {}", interval(secs)))
                        .help(format!(
                            "keep tune.{key} within policy.static_key_max_lifetime ({token_limit}), and give roles a token_max_ttl"
                        ));
                    break;
                }
            }
        }
    }
}
