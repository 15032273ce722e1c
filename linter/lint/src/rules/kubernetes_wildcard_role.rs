use crate::eval::Value;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

const WRITE_VERBS: [&str; 9] =
    ["*", "create", "update", "patch", "delete", "deletecollection", "escalate", "bind", "impersonate"];
/// Sub-resources that can only be read.
const READ_ONLY_RESOURCES: [&str; 5] = ["pods/log", "nodes/metrics", "nodes/stats", "componentstatuses", "events"];

pub(crate) fn judge(verbs: &[String], resources: &[String]) -> Option<String> {
    let any_write_capable =
        resources.is_empty() || resources.iter().any(|r| !READ_ONLY_RESOURCES.contains(&r.as_str()));
    if verbs.iter().any(|v| v == "*") && any_write_capable {
        let on = if resources.iter().any(|r| r == "*") { "every resource".to_owned() } else { resources.join(", ") };
        return Some(format!("every verb (\"*\") on {on}"));
    }
    if let Some(v) = verbs.iter().find(|v| matches!(v.as_str(), "escalate" | "bind" | "impersonate")) {
        return Some(format!("the privilege-escalation verb `{v}`"));
    }
    if resources.iter().any(|r| r == "*")
        && let Some(v) = verbs.iter().find(|v| WRITE_VERBS.contains(&v.as_str()))
    {
        return Some(format!("`{v}` on every resource (\"*\")"));
    }
    None
}

/// ## What it does
/// Finds Kubernetes roles and cluster roles (`kubernetes_role`, `kubernetes_cluster_role`,
/// their `_v1` forms, or `kubernetes_manifest`) with a rule that allows every verb (`"*"`) on
/// write-capable resources, a write verb on every resource, or the privilege-escalation verbs
/// `escalate`, `bind` and `impersonate`. Read-only wildcards such as
/// `verbs = ["get", "list", "watch"]` on `resources = ["*"]` are not findings.
///
/// ## Why is this bad?
/// Wildcards grant verbs such as `escalate`, `bind` and `impersonate` and every resource type
/// added later — including secrets. Whoever holds the role can usually make themselves admin.
///
/// ## Example
/// ```hcl
/// resource "kubernetes_cluster_role_v1" "ci" {
///   metadata { name = "ci" }
///   rule {
///     api_groups = ["*"]
///     resources  = ["*"]
///     verbs      = ["*"]
///   }
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   rule {
///     api_groups = ["apps"]
///     resources  = ["deployments"]
///     verbs      = ["get", "list", "patch"]
///   }
/// ```
#[derive(Debug)]
pub struct KubernetesWildcardRole;

impl Rule for KubernetesWildcardRole {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "kubernetes-wildcard-role",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "a Kubernetes role with wildcard verbs or write access to every resource",
            source: include_str!("kubernetes_wildcard_role.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str = "list the resources and verbs the workload needs, e.g. verbs = [\"get\", \"list\", \"patch\"] on resources = [\"deployments\"]";
        let roles = cx.resources_of(&[
            "kubernetes_role",
            "kubernetes_role_v1",
            "kubernetes_cluster_role",
            "kubernetes_cluster_role_v1",
        ]);
        for r in roles {
            for rule in r.nested("rule") {
                if let Some(why) = judge(&rule.strs("verbs"), &rule.strs("resources")) {
                    cx.report(&r, rule.span("verbs"), format!("role allows {why}")).help(HELP);
                    break;
                }
            }
        }
        for m in cx.resources("kubernetes_manifest") {
            let Some(man) = m.value("manifest") else { continue };
            if !matches!(man.get("kind").and_then(Value::as_str), Some("ClusterRole" | "Role")) {
                continue;
            }
            let strs = |v: Option<&Value>| -> Vec<String> {
                v.map(Value::items).unwrap_or_default().iter().filter_map(|x| x.as_str().map(str::to_owned)).collect()
            };
            let rules = man.get("rules").map(Value::items).unwrap_or_default();
            if let Some(why) =
                rules.iter().find_map(|rule| judge(&strs(rule.get("verbs")), &strs(rule.get("resources"))))
            {
                cx.report(&m, m.span("manifest"), format!("role allows {why}")).help(HELP);
            }
        }
    }
}
