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

/// What is broad in one policy rule (`path` + `capabilities`).
fn judge(path: &str, caps: &[String]) -> Option<String> {
    if caps.iter().any(|c| c == "deny") {
        return None;
    }
    if caps.iter().any(|c| c == "sudo") {
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
/// anything on `path "*"`, the `sudo` capability on any path, or `create`, `update`, `patch`
/// or `delete` on a wildcard that spans mounts or auth methods: `sys/*`, `auth/*`,
/// `auth/+/*`, any ACL policy (`sys/policies/acl/*`), orphan tokens
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
