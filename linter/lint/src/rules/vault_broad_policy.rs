use crate::eval::vault_policy::{MOUNT, VARIABLE, broad_write_path, path_rules, policy_text_with};
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::syntax::Expr;

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
/// wildcard or a variable in front, `auth/…`) count.
fn sudo_matters(path: &str) -> bool {
    let p = path.trim_start_matches('/');
    p.starts_with('*')
        || p.starts_with('+')
        || p.starts_with(VARIABLE)
        || p.starts_with(MOUNT)
        || p.starts_with("sys/")
        || p == "sys"
        || p.starts_with("auth/")
        || p.split('/').any(|seg| seg == "root" || seg.starts_with("root*"))
}

/// What is broad in one policy rule (`path` + `capabilities`).
fn judge(path: &str, caps: &[String]) -> Option<String> {
    if caps.iter().any(|c| c == "deny") {
        return None;
    }
    if caps.iter().any(|c| c == "sudo") && sudo_matters(path) {
        return Some(format!("`sudo` capability on path {path:?}"));
    }
    if path == "*" || path == "+/*" || path == "/*" {
        return Some(format!("rule on every path ({path:?})"));
    }
    let writes = caps.iter().find(|c| matches!(c.as_str(), "create" | "update" | "patch" | "delete"))?;
    let what = broad_write_path(path)?;
    Some(format!("`{writes}` on {:?}, {what}", path.replace(VARIABLE, "${…}").replace(MOUNT, "${mount}")))
}

/// ## What it does
/// Finds Vault policies (`vault_policy`, or `data "vault_policy_document"` rules) that grant
/// anything on `path "*"`, the `sudo` capability on a path where it unlocks something (`sys/`,
/// `auth/`, a PKI `root/` endpoint, or a wildcard or variable that may reach them; not on an
/// application path like `secret/data/app/*`), or `create`, `update`, `patch`
/// or `delete` on a wildcard that spans mounts or auth methods: `sys/*`, `auth/*`,
/// `auth/+/*`, any ACL policy (`sys/policies/acl/*`), every secrets engine or auth method
/// (`sys/mounts/*`, `sys/auth/*`: enable, tune, disable), orphan tokens
/// (`auth/token/create-orphan`), token roles (`auth/token/roles/*`), or a whole mount named by a variable
/// (`path "${each.key}/*"`, `"${var.mount}/*"`). Narrow application paths such as
/// `secret/data/app/*`, and paths under one dedicated mount the configuration defines
/// (`path "${vault_mount.app.path}/*"`, `${vault_auth_backend.x.path}`), are not findings.
///
/// ## Why is this bad?
/// `path "*"` reaches every secret engine and `sys/` — policies, auth methods, audit devices.
/// `sudo` unlocks root-protected endpoints. Writing to `sys/*`, `auth/*` or ACL policies lets
/// the token grant itself anything. A token with such a policy is effectively root.
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
            summary: "a Vault policy on path \"*\", with sudo, or writing to sys/, auth/ or a whole mount",
            source: include_str!("vault_broad_policy.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str = "grant only the capabilities needed on the specific paths, e.g. path \"secret/data/app/*\" { capabilities = [\"read\"] }";
        for p in cx.resources("vault_policy") {
            let mount = |e: &Expr| names_mount(cx, e);
            let Some(text) = p.attr("policy").and_then(|a| policy_text_with(&a.expr, p.env, &mount)) else { continue };
            if let Some(why) = path_rules(&text).iter().find_map(|(path, caps)| judge(path, caps)) {
                cx.report(&p, p.span("policy"), format!("policy grants {why}")).help(HELP);
            }
        }
        for d in cx.data("vault_policy_document") {
            for r in d.nested("rule") {
                let mount = |e: &Expr| names_mount(cx, e);
                let path = r.attr("path").and_then(|a| policy_text_with(&a.expr, r.env, &mount));
                let (Some(path), caps) = (path, r.strs("capabilities")) else { continue };
                if let Some(why) = judge(&path, &caps) {
                    cx.report(&d, r.span("path"), format!("policy grants {why}")).help(HELP);
                    break;
                }
            }
        }
    }
}
