use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::{first_longer, interval};
use crate::rules::vault_mounts::{has_own_lifetime, role_mount, short_lease};

/// Mounts of secrets engines whose lease defaults a role falls back on: `(type, default path)`.
const MOUNTS: [(&str, Option<&str>); 8] = [
    ("vault_mount", None),
    ("vault_database_secrets_mount", None),
    ("vault_aws_secret_backend", Some("aws")),
    ("vault_gcp_secret_backend", Some("gcp")),
    ("vault_azure_secret_backend", Some("azure")),
    ("vault_kubernetes_secret_backend", None),
    ("vault_consul_secret_backend", Some("consul")),
    ("vault_rabbitmq_secret_backend", Some("rabbitmq")),
];

/// Roles that mint credentials with a lease: `(type, default mount, the role's own lifetime
/// attributes, what it issues)`.
const ROLES: [(&str, &str, &[&str], &str); 7] = [
    ("vault_database_secret_backend_role", "", &["default_ttl", "max_ttl"], "database users"),
    ("vault_azure_secret_backend_role", "azure", &["ttl", "max_ttl"], "Azure service principals and secrets"),
    (
        "vault_kubernetes_secret_backend_role",
        "kubernetes",
        &["token_default_ttl", "token_max_ttl"],
        "Kubernetes service-account tokens",
    ),
    ("vault_consul_secret_backend_role", "consul", &["ttl", "max_ttl"], "Consul ACL tokens"),
    ("vault_rabbitmq_secret_backend_role", "rabbitmq", &[], "RabbitMQ users"),
    ("vault_aws_secret_backend_role", "aws", &[], "IAM users with access keys"),
    ("vault_ssh_secret_backend_role", "ssh", &["ttl", "max_ttl"], "SSH certificates"),
];

/// Whether a mount's own lease defaults are shorter than Vault's 32 days.
fn mount_short(m: &Item<'_>) -> bool {
    short_lease(m, &["default_lease_ttl_seconds", "max_lease_ttl_seconds"])
}

/// ## What it does
/// Finds Vault secrets-engine roles that mint credentials — database users, Azure service
/// principals, Kubernetes service-account tokens, Consul tokens, RabbitMQ users, and IAM users
/// with access keys (`vault_aws_secret_backend_role` with `credential_type = "iam_user"`), SSH
/// certificates for users (`vault_ssh_secret_backend_role` of a CA with
/// `allow_user_certificates`) —
/// without a lifetime of their own (`default_ttl`/`max_ttl`, `ttl`, `token_default_ttl`…) on a
/// mount whose lease defaults are not shorter either. Such credentials live for Vault's default
/// lease of 32 days, renewable, however briefly the workload needs them. Roles whose mount is
/// defined in the module with `default_lease_ttl_seconds` / `max_lease_ttl_seconds` under 32
/// days are not findings. A role whose own lifetime is longer than
/// `policy.static_key_max_lifetime` (90d) is reported too: its credentials are static keys in
/// all but name. Also PKI roles and issued certificates
/// (`vault_pki_secret_backend_role` `max_ttl`/`ttl`, `vault_pki_secret_backend_cert` `ttl`)
/// whose leaf certificates are valid longer than `policy.max_lifetime`, and PKI roles without
/// `max_ttl` on a `vault_mount` of the module whose `max_lease_ttl_seconds` is beyond it (a root
/// CA's mount is tuned to years; its roles may then issue leaves for as long).
///
/// ## Why is this bad?
/// Dynamic secrets are only as short-lived as their lease. A database user or an IAM user key
/// that outlives the job that asked for it by a month is a static credential with extra steps.
///
/// ## Example
/// ```hcl
/// resource "vault_database_secret_backend_role" "app" {
///   backend             = vault_database_secrets_mount.db.path
///   name                = "app"
///   db_name             = "orders"
///   creation_statements = ["CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"]
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "vault_database_secret_backend_role" "app" {
///   backend             = vault_database_secrets_mount.db.path
///   name                = "app"
///   db_name             = "orders"
///   default_ttl         = 3600
///   max_ttl             = 86400
///   creation_statements = ["CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"]
/// }
/// ```
#[derive(Debug)]
pub struct VaultSecretRoleTtl;

impl Rule for VaultSecretRoleTtl {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "vault-secret-role-ttl",
            category: Category::MissingTtl,
            severity: Severity::Medium,
            summary: "a Vault secrets-engine role whose credentials get no lifetime of their own (the 32-day default lease), or PKI leaf certificates valid beyond policy",
            source: include_str!("vault_secret_role_ttl.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let any_short = MOUNTS.iter().flat_map(|(t, _)| cx.resources(t)).any(|m| mount_short(&m));
        for (ty, default_mount, own, what) in ROLES {
            for r in cx.resources(ty) {
                // AWS roles that assume a role or get a federation token are STS sessions of
                // an hour by default; only IAM users carry long-lived keys.
                if ty == "vault_aws_secret_backend_role" && r.str("credential_type").as_deref() != Some("iam_user") {
                    continue;
                }
                // SSH: one-time passwords and host certificates are not credentials of a client.
                if ty == "vault_ssh_secret_backend_role"
                    && (r.str("key_type").as_deref() != Some("ca")
                        || r.value("allow_user_certificates").and_then(|v| v.as_bool()) != Some(true))
                {
                    continue;
                }
                // A lifetime of its own, but longer than a static key may live: no longer dynamic.
                let limit = cx.policy.static_key_max_lifetime;
                if let Some((key, secs)) = first_longer(&r, own, limit.as_secs()) {
                    cx.report(&r, r.span(key), format!("role issues {what} that may live {}", interval(secs))).help(
                        format!("keep {key} within policy.static_key_max_lifetime ({limit}); dynamic credentials should last hours"),
                    );
                    continue;
                }
                if has_own_lifetime(&r, own) {
                    continue;
                }
                let covered = match role_mount(cx, &r, &MOUNTS, (!default_mount.is_empty()).then_some(default_mount)) {
                    Some(Some(m)) => mount_short(&m),
                    Some(None) => false,
                    None => any_short,
                };
                if covered {
                    continue;
                }
                cx.report(&r, r.header(), format!("role issues {what} with no lifetime of their own: they live for the mount's default lease (32 days)"))
                    .help(if own.is_empty() {
                        "set default_lease_ttl_seconds and max_lease_ttl_seconds on the mount (e.g. 3600 / 86400), or issue STS credentials (assumed_role) instead"
                    } else {
                        "set the role's default and maximum TTL (e.g. 3600 / 86400), or the mount's default_lease_ttl_seconds / max_lease_ttl_seconds"
                    });
            }
        }
        // PKI: leaf certificates (roles, and certificates Terraform issues) valid longer than
        // policy.max_lifetime. Root and intermediate CA certificates are other types.
        let limit = cx.policy.max_lifetime;
        for (ty, keys) in [
            ("vault_pki_secret_backend_role", &["max_ttl", "ttl"][..]),
            ("vault_pki_secret_backend_cert", &["ttl"][..]),
        ] {
            for r in cx.resources(ty) {
                if let Some((key, secs)) = first_longer(&r, keys, limit.as_secs()) {
                    cx.report(&r, r.span(key), format!("leaf certificates valid for {}", interval(secs))).help(
                        format!(
                            "keep {key} within policy.max_lifetime ({limit}); renew certificates automatically instead"
                        ),
                    );
                    continue;
                }
                // A role without `max_ttl` issues up to its mount's maximum: a root CA's mount is
                // tuned to years so that the CA certificate can last, and its roles inherit that.
                if ty == "vault_pki_secret_backend_role"
                    && !has_own_lifetime(&r, &["max_ttl"])
                    && let Some(Some(m)) = role_mount(cx, &r, &MOUNTS[..1], None)
                    && let Some((_, secs)) = first_longer(&m, &["max_lease_ttl_seconds"], limit.as_secs())
                {
                    cx.report(&r, r.header(), format!("role sets no max_ttl: leaf certificates may be requested for up to {}, its mount's maximum", interval(secs)))
                        .help(format!("set max_ttl (and ttl) on the role, within policy.max_lifetime ({limit})"));
                }
            }
        }
    }
}
