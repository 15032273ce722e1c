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

/// Cluster-scoped permissions that lead to cluster-admin without any wildcard:
/// `(resource, verbs that escalate, what it gives)`.
/// (Admission webhook configurations are left out: operators patch their own CA bundle there.)
const ESCALATING: [(&str, &[&str], &str); 4] = [
    ("nodes/proxy", &["get", "create", "*"], "the kubelet API of every node: exec into any pod"),
    ("serviceaccounts/token", &["create", "*"], "tokens for any service account"),
    ("pods/exec", &["create", "get", "*"], "a shell in any pod of the cluster"),
    ("certificatesigningrequests/approval", &["update", "patch", "*"], "approving any client certificate"),
];

/// A cluster role's rule that escalates through one of [`ESCALATING`].
fn escalation(verbs: &[String], resources: &[String]) -> Option<String> {
    ESCALATING.iter().find_map(|(res, escalating, gives)| {
        let verb = verbs.iter().find(|v| escalating.contains(&v.as_str()))?;
        resources.iter().any(|r| r == res).then(|| format!("`{verb}` on `{res}` ({gives})"))
    })
}

/// [`judge`] for cluster-wide roles, which also escalate through cluster-scoped sub-resources.
pub(crate) fn judge_cluster(verbs: &[String], resources: &[String]) -> Option<String> {
    judge(verbs, resources).or_else(|| escalation(verbs, resources))
}

/// ## What it does
/// Finds Kubernetes roles and cluster roles (`kubernetes_role`, `kubernetes_cluster_role`,
/// their `_v1` forms, or `kubernetes_manifest`) with a rule that allows every verb (`"*"`) on
/// write-capable resources, a write verb on every resource, or the privilege-escalation verbs
/// `escalate`, `bind` and `impersonate`; and cluster roles granting cluster-scoped permissions
/// that lead to cluster-admin without a wildcard (`nodes/proxy`, `serviceaccounts/token`
/// create, `pods/exec`, CSR approval). Read-only wildcards such as
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
            let cluster = r.label(0).contains("cluster_role");
            for rule in r.nested("rule") {
                let (verbs, resources) = (rule.strs("verbs"), rule.strs("resources"));
                let why = if cluster { judge_cluster(&verbs, &resources) } else { judge(&verbs, &resources) };
                if let Some(why) = why {
                    cx.report(&r, rule.span("verbs"), format!("role allows {why}")).help(HELP);
                    break;
                }
            }
        }
        for m in cx.resources("kubernetes_manifest") {
            let Some(man) = m.value("manifest") else { continue };
            let kind = man.get("kind").and_then(Value::as_str);
            if !matches!(kind, Some("ClusterRole" | "Role")) {
                continue;
            }
            let judge = if kind == Some("ClusterRole") { judge_cluster } else { judge };
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
