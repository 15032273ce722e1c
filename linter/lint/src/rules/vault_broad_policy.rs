use crate::eval::Value;
use crate::eval::vault_policy::path_rules;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

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
    None
}

/// ## What it does
/// Finds Vault policies (`vault_policy`, or `data "vault_policy_document"` rules) that grant
/// anything on `path "*"`, or the `sudo` capability on any path.
///
/// ## Why is this bad?
/// `path "*"` reaches every secret engine and `sys/` — policies, auth methods, audit devices.
/// `sudo` unlocks root-protected endpoints. A token with such a policy is effectively root.
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
            summary: "a Vault policy on path \"*\" or with sudo",
            source: include_str!("vault_broad_policy.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str = "grant only the capabilities needed on the specific paths, e.g. path \"secret/data/app/*\" { capabilities = [\"read\"] }";
        for p in cx.resources("vault_policy") {
            let Some(Value::Str(text)) = p.value("policy") else { continue };
            if let Some(why) = path_rules(&text).iter().find_map(|(path, caps)| judge(path, caps)) {
                cx.report(&p, p.span("policy"), format!("policy grants {why}")).help(HELP);
            }
        }
        for d in cx.data("vault_policy_document") {
            for r in d.nested("rule") {
                let (Some(path), caps) = (r.str("path"), r.strs("capabilities")) else { continue };
                if let Some(why) = judge(&path, &caps) {
                    cx.report(&d, r.span("path"), format!("policy grants {why}")).help(HELP);
                    break;
                }
            }
        }
    }
}
