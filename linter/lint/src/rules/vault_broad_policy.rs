use crate::eval::vault_policy::{MOUNT, VARIABLE, broad_write_path, path_rules, policy_text_with, whole_shared_kv};
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::vault_mounts::mount_path;
use crate::syntax::Expr;
use std::collections::HashMap;

/// Resources that each create one mount (secrets engine or auth method).
const MOUNTS: [&str; 6] = [
    "vault_mount",
    "vault_auth_backend",
    "vault_jwt_auth_backend",
    "vault_kv_secret_backend_v2",
    "vault_aws_auth_backend",
    "vault_gcp_auth_backend",
];

/// Whether an interpolation is `${TYPE.NAME.path}` (or `.id`) of a mount resource defined in
/// the module: one dedicated mount, not a choice among mounts.
fn names_mount(cx: &Ctx<'_>, e: &Expr) -> bool {
    let Some(p) = e.traversal_path() else { return false };
    let parts: Vec<&str> = p.split('.').collect();
    let [ty, name, rest @ ..] = parts.as_slice() else { return false };
    let name = name.split('[').next().unwrap_or(name);
    matches!(rest, ["path" | "id"] | ["mount"])
        && MOUNTS.contains(ty)
        && cx.resources(ty).iter().any(|r| r.label(1) == name)
}

/// Whether `sudo` on a path can unlock anything: Vault's root-protected endpoints live under
/// `sys/`, the token store (`auth/token/…`) and a PKI mount's `root/…` endpoints, so `sudo` on
/// an application path (`secret/data/app/*`) does nothing. Paths that may reach those (a
/// wildcard or a variable in front, `auth/…`) count; one dedicated mount of the configuration
/// (`${vault_mount.kv.path}/*`) counts only at its `root/` endpoints.
fn sudo_matters(path: &str) -> bool {
    let p = path.trim_start_matches('/');
    p.starts_with('*')
        || p.starts_with('+')
        || p.starts_with(VARIABLE)
        || p.starts_with("sys/")
        || p == "sys"
        || p.starts_with("auth/")
        || p.split('/').any(|seg| seg == "root" || seg.starts_with("root*"))
}

/// Secrets engines that mint credentials: their mount type (also their default path), the
/// resource that mounts one, and what they are called in messages.
const CREDENTIAL_ENGINES: [(&str, &str, &str); 10] = [
    ("aws", "vault_aws_secret_backend", "AWS"),
    ("gcp", "vault_gcp_secret_backend", "Google Cloud"),
    ("azure", "vault_azure_secret_backend", "Azure"),
    ("database", "vault_database_secrets_mount", "database"),
    ("consul", "vault_consul_secret_backend", "Consul"),
    ("nomad", "vault_nomad_secret_backend", "Nomad"),
    ("kubernetes", "vault_kubernetes_secret_backend", "Kubernetes"),
    ("rabbitmq", "vault_rabbitmq_secret_backend", "RabbitMQ"),
    ("terraform", "vault_terraform_cloud_secret_backend", "Terraform Cloud"),
    ("ldap", "vault_ldap_secret_backend", "LDAP"),
];

/// The endpoints under which such an engine hands out a role's credentials
/// (`aws/creds/ROLE`, `gcp/roleset/ROLE/token`, `database/static-creds/ROLE`, and the Google
/// Cloud engine's older `gcp/key/ROLESET` and `gcp/token/ROLESET`).
const CREDENTIAL_ENDPOINTS: [&str; 9] = [
    "creds",
    "sts",
    "static-creds",
    "static-cred",
    "roleset",
    "static-account",
    "impersonated-account",
    "key",
    "token",
];

/// A credential engine a policy path may name: what it is called, and whether the
/// configuration mounts it (so its roles are the ones defined here).
#[derive(Clone, Copy)]
struct Engine {
    name: &'static str,
    mounted_here: bool,
}

/// Credential engines by mount path: at their default paths (a policy is often written where
/// the engine is not mounted), and where the configuration mounts them.
fn credential_engines(cx: &Ctx<'_>) -> HashMap<String, Engine> {
    let mut out: HashMap<String, Engine> =
        CREDENTIAL_ENGINES.iter().map(|(t, _, n)| ((*t).to_owned(), Engine { name: n, mounted_here: false })).collect();
    for (ty, resource, name) in CREDENTIAL_ENGINES {
        let mounts = cx.resources(resource).into_iter().map(|m| (m, Some(ty)));
        let generic = cx.resources("vault_mount").into_iter().filter(|m| m.str("type").as_deref() == Some(ty));
        for (m, default) in mounts.chain(generic.map(|m| (m, None))) {
            if let Some(p) = mount_path(&m, default) {
                out.insert(p, Engine { name, mounted_here: true });
            }
        }
    }
    out
}

/// What a rule on a credential engine's paths opens: the credentials of every role (a wildcard
/// where the role is named: `aws/creds/*`, `database/static-creds/+`), or with a write
/// capability on the whole engine (`aws/*`) everything it has, its root credentials
/// (`aws/config/root`) included.
fn engine_wide(path: &str, caps: &[String], engines: &HashMap<String, Engine>) -> Option<String> {
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (mount, rest) = segs.split_first()?;
    let Engine { name: engine, mounted_here } = *engines.get(*mount)?;
    let glob = |s: &&str| matches!(*s, "*" | "+" | "");
    let writes = caps.iter().find(|c| matches!(c.as_str(), "create" | "update" | "patch" | "delete"));
    let mints = caps.iter().any(|c| matches!(c.as_str(), "read" | "create" | "update"));
    if !rest.is_empty() && rest.iter().all(glob) {
        if let Some(w) = writes {
            return Some(format!(
                "`{w}` on {path:?}: all of the {engine} secrets engine at `{mount}/`, its root configuration included"
            ));
        }
        // `read` on the whole engine reads `aws/creds/<any role>`: the credentials of every
        // role, also of roles other configurations add to a shared engine. An engine mounted
        // here has the roles defined here: reading it is what its consumers are for.
        return (mints && !mounted_here).then(|| {
            format!("`read` on {path:?}: the credentials of every role of the {engine} secrets engine at `{mount}/`")
        });
    }
    match rest {
        [endpoint, role, ..] if CREDENTIAL_ENDPOINTS.contains(endpoint) && glob(role) && mints => {
            Some(format!("credentials of every role of the {engine} secrets engine ({path:?})"))
        }
        _ => None,
    }
}

/// What is broad in one policy rule (`path` + `capabilities`).
fn judge(path: &str, caps: &[String], engines: &HashMap<String, Engine>) -> Option<String> {
    if caps.iter().any(|c| c == "deny") {
        return None;
    }
    if caps.iter().any(|c| c == "sudo") && sudo_matters(path) {
        return Some(format!("`sudo` capability on path {:?}", shown(path)));
    }
    if path == "*" || path == "+/*" || path == "/*" {
        return Some(format!("rule on every path ({path:?})"));
    }
    if let Some(why) = engine_wide(path, caps, engines) {
        return Some(why);
    }
    let written = broad_write_path(path).and_then(|broad| {
        let writes = caps
            .iter()
            .find(|c| matches!(c.as_str(), "create" | "update" | "patch") || (broad.by_delete && *c == "delete"))?;
        Some(format!("`{writes}` on {:?}, {}", shown(path), broad.what))
    });
    written.or_else(|| {
        (caps.iter().any(|c| c == "read") && whole_shared_kv(path))
            .then(|| format!("`read` on {:?}: every secret of the shared key/value mount", shown(path)))
    })
}

/// Policy names that say administrator: a role granting one that is written elsewhere hands
/// out whatever the Vault's administrators hold.
fn admin_name(name: &str) -> bool {
    const NAMES: [&str; 8] = [
        "admin",
        "admins",
        "administrator",
        "administrators",
        "superuser",
        "vault-admin",
        "vault_admin",
        "vault-admins",
    ];
    NAMES.iter().any(|n| n.eq_ignore_ascii_case(name.trim()))
}

/// Whether the configuration defines a Vault policy of that name (its content is judged).
fn defined_policy(cx: &Ctx<'_>, name: &str) -> bool {
    cx.resources("vault_policy").iter().any(|p| p.str("name").is_some_and(|n| n == name) || p.label(1) == name)
}

/// A policy path as a message shows it: an unknown part as `${…}`, a dedicated mount as
/// `${mount}`.
fn shown(path: &str) -> String {
    path.replace(VARIABLE, "${…}").replace(MOUNT, "${mount}")
}

/// ## What it does
/// Finds Vault policies (`vault_policy`, or `data "vault_policy_document"` rules) that grant
/// anything on `path "*"`, the `sudo` capability on a path where it unlocks something (`sys/`,
/// `auth/`, a PKI `root/` endpoint, or a wildcard or variable that may reach them; not on an
/// application path like `secret/data/app/*`), or `create`, `update`, `patch`
/// or `delete` on a wildcard that spans mounts or auth methods: `sys/*`, `auth/*`,
/// `auth/+/*`, any ACL policy (`sys/policies/acl/*`), every secrets engine or auth method
/// (`sys/mounts/*`, `sys/auth/*`: enable, tune, disable), orphan tokens
/// (`auth/token/create-orphan`), token roles (`auth/token/roles/*`) or the whole token store
/// (`auth/token/*`), an auth method's role (`create`/`update`/`patch` on
/// `auth/approle/role/ci`, `…/ci/*` or `…/role/*`: its holder can choose the policies the
/// role's logins get, its own included), a whole mount named by a variable
/// (`path "${each.key}/*"`, `"${var.mount}/*"`), or all of the shared key/value mount
/// (`secret/*`, `secret/data/*`, `kv/*`: every application's secrets), or `read` on all of it
/// (the values of every application's secrets); and on a secrets engine that mints
/// credentials (AWS, Google Cloud, Azure, database, Consul, Nomad, Kubernetes, RabbitMQ,
/// Terraform Cloud, LDAP; at its default path or where the configuration mounts it), the
/// credentials of every role (`aws/creds/*`, `database/static-creds/+`, or `read` on the whole
/// engine, `aws/*`, when the configuration does not mount it itself: a shared engine whose roles
/// others add) or a write on the whole engine (`aws/*`, which reaches its root credentials at
/// `aws/config/root`). Narrow application paths such as
/// `secret/data/app/*`, and paths under one dedicated mount the configuration defines
/// (`path "${vault_mount.app.path}/*"`, `${vault_auth_backend.x.path}`), are not findings.
/// Also auth roles that hand a machine a policy the configuration does not define whose name is
/// an administrator's (`token_policies = ["admin"]`, `superuser`); a person's OIDC login bound
/// to a group or subject, or a userpass user (`auth/userpass/users/NAME`), is left out. A
/// machine's role that lists a broad policy defined here is reported as a grant of it.
///
/// ## Why is this bad?
/// `path "*"` reaches every secret engine and `sys/` — policies, auth methods, audit devices.
/// `sudo` unlocks root-protected endpoints. Writing to `sys/*`, `auth/*` or ACL policies lets
/// the token grant itself anything. A token with such a policy is effectively root. A token
/// that can mint the credentials of every role of a secrets engine holds the rights of its
/// most powerful role (often an administrator's), whatever it was meant to deploy.
///
/// ## Example
/// ```hcl
/// resource "vault_policy" "ci" {
///   name   = "ci"
///   policy = <<-EOT
///     path "*" {
///       capabilities = ["create", "read", "update", "delete", "list"]
///     }
///   EOT
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   policy = <<-EOT
///     path "secret/data/ci/*" {
///       capabilities = ["read"]
///     }
///   EOT
/// ```
#[derive(Debug)]
pub struct VaultBroadPolicy;

impl Rule for VaultBroadPolicy {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "vault-broad-policy",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "a Vault policy on path \"*\", with sudo, writing to sys/, auth/ or a whole mount, or minting every role's credentials",
            source: include_str!("vault_broad_policy.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let help = |why: &str| {
            if why.contains("secrets engine") {
                "name the role whose credentials the token needs, e.g. path \"aws/creds/deploy\" { capabilities = [\"read\"] }"
            } else {
                "grant only the capabilities needed on the specific paths, e.g. path \"secret/data/app/*\" { capabilities = [\"read\"] }"
            }
        };
        let engines = credential_engines(cx);
        for p in cx.resources("vault_policy") {
            let mount = |e: &Expr| names_mount(cx, e);
            let Some(attr) = p.attr("policy") else { continue };
            // Each instance's own policy (`for_each` over policy files, `policy = each.value`).
            let texts = p.per_instance(|| policy_text_with(&attr.expr, p.env, &mount));
            let found = texts
                .iter()
                .flatten()
                .find_map(|text| path_rules(text).iter().find_map(|(path, caps)| judge(path, caps, &engines)));
            if let Some(why) = found {
                cx.report(&p, p.span("policy"), format!("policy grants {why}")).help(help(&why));
            }
        }
        // An auth role handing out a policy written elsewhere whose name is an administrator's.
        for b in cx.resources_where(|t| t.starts_with("vault_") && t.ends_with("_auth_backend_role")) {
            if crate::rules::common::vault_person_login(&b) {
                continue;
            }
            let Some(key) = ["token_policies", "policies", "allowed_policies"].into_iter().find(|k| b.has(k)) else {
                continue;
            };
            let Some(name) = b.strs(key).into_iter().find(|n| admin_name(n) && !defined_policy(cx, n)) else {
                continue;
            };
            cx.report(&b, b.span(key), format!("grants the `{name}` policy, which this configuration does not define and whose name is an administrator's"))
                .help("grant a policy that names only the paths and capabilities the workload needs");
        }
        for d in cx.data("vault_policy_document") {
            // The rules of each `for_each` instance (`dynamic "rule" { for_each = each.value }`
            // over a map of policies), or of the one document.
            let instances = d.env.for_each_instances(d.block);
            let broad_rule = || {
                d.nested("rule").into_iter().find_map(|r| {
                    let mount = |e: &Expr| names_mount(cx, e);
                    let path = r.within(|| r.attr("path").and_then(|a| policy_text_with(&a.expr, r.env, &mount)))?;
                    judge(&path, &r.strs("capabilities"), &engines).map(|why| (r.span("path"), why))
                })
            };
            let found = if instances.is_empty() {
                broad_rule()
            } else {
                instances.into_iter().find_map(|(k, v)| d.env.with_each(k, v, broad_rule))
            };
            if let Some((span, why)) = found {
                cx.report(&d, span, format!("policy grants {why}")).help(help(&why));
            }
        }
    }
}
