use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::{first_longer, interval};
use crate::rules::vault_auth_role_ttl::machine_token_limit;

/// ## What it does
/// Finds Vault secrets-engine mounts (`vault_mount`) whose maximum or default lease is longer
/// than `policy.max_lifetime` (365 days by default): `max_lease_ttl_seconds = 315360000` on a
/// PKI mount lets any role without its own `max_ttl` issue ten-year certificates, and every
/// dynamic secret of the mount can be renewed that long. Also auth mounts (`vault_auth_backend`,
/// `vault_jwt_auth_backend`, …) whose `tune` block sets a default or maximum lease beyond
/// `policy.static_key_max_lifetime` (90 days by default): every token of a role without its own
/// `token_max_ttl` may live that long. A mount only machines log in to (AppRole, Kubernetes,
/// cloud, certificate or JWT methods; not OIDC, userpass, LDAP or GitHub) is held to a day, or
/// `policy.max_token_ttl` if that is longer: tuned to `768h`, every CI token lives a month.
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
        // A mount that only machines log in to is held to a day, like a machine token.
        let token_limit = cx.policy.static_key_max_lifetime;
        let machine_limit = machine_token_limit(cx);
        for m in cx.resources_where(|t| t.starts_with("vault_") && t.ends_with("auth_backend")) {
            let machines = machines_only(&m);
            let limit = if machines { machine_limit } else { token_limit.as_secs() };
            for tune in m.nested("tune") {
                if let Some((key, secs)) = first_longer(&tune, &["max_lease_ttl", "default_lease_ttl"], limit) {
                    let help = if machines {
                        format!(
                            "keep tune.{key} within a day (or policy.max_token_ttl if longer): only machines log in here, and a workload's token should last minutes to hours"
                        )
                    } else {
                        format!(
                            "keep tune.{key} within policy.static_key_max_lifetime ({token_limit}), and give roles a token_max_ttl"
                        )
                    };
                    cx.report(&m, tune.span(key), format!("tokens of this auth mount may last {}", interval(secs)))
                        .help(help);
                    break;
                }
            }
        }
    }
}

/// Whether only machines log in through an auth mount: AppRole, Kubernetes, cloud, certificate
/// and JWT (not OIDC) methods. People's methods (OIDC, userpass, LDAP, GitHub, Okta) are
/// held to the static-key limit: a person's session is renewed by logging in again.
fn machines_only(m: &crate::query::Item<'_>) -> bool {
    const MACHINE_TYPES: [&str; 11] =
        ["approle", "kubernetes", "aws", "gcp", "azure", "cert", "jwt", "alicloud", "oci", "cf", "tls"];
    match m.label(0) {
        "vault_auth_backend" => m.str("type").is_some_and(|t| MACHINE_TYPES.contains(&t.to_ascii_lowercase().as_str())),
        "vault_jwt_auth_backend" => {
            m.str("type").is_none_or(|t| t.eq_ignore_ascii_case("jwt")) && !m.has("oidc_client_id")
        }
        "vault_aws_auth_backend" | "vault_gcp_auth_backend" | "vault_azure_auth_backend" => true,
        _ => false,
    }
}
