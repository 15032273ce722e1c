use crate::eval::Value;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::kubernetes_wildcard_role::judge_cluster as judge;

const READ_VERBS: [&str; 4] = ["*", "get", "list", "watch"];

/// What a cluster-role rule lets its holder read cluster-wide, when that includes Secrets.
fn reads_secrets(api_groups: &[String], resources: &[String], verbs: &[String], named: bool) -> Option<String> {
    let core = api_groups.iter().any(|g| g.is_empty() || g == "*");
    let verb = verbs.iter().find(|v| READ_VERBS.contains(&v.as_str()))?;
    if !core || named {
        return None;
    }
    if resources.iter().any(|r| r == "*") {
        Some(format!("`{verb}` on every core resource (\"*\" in api group \"\"), Secrets included, in every namespace"))
    } else if resources.iter().any(|r| r == "secrets") {
        Some(format!("`{verb}` on every Secret in every namespace"))
    } else {
        None
    }
}

/// ## What it does
/// Finds Kubernetes cluster roles (`kubernetes_cluster_role`, its `_v1` form, or a
/// `kubernetes_manifest` of kind `ClusterRole`) that can read Secrets across the cluster:
/// `get`, `list`, `watch` or `*` on `secrets`, or on every resource (`"*"`) of the core API
/// group (`""`), without `resource_names`. Roles that `kubernetes-wildcard-role` (NHI215)
/// already reports, namespaced roles and read access to other API groups are not findings.
///
/// ## Why is this bad?
/// Read-only is not harmless when the resource is a Secret: whoever holds the role reads every
/// service-account token, registry credential and TLS key in every namespace — and with them
/// acts as every other workload of the cluster.
///
/// ## Example
/// ```hcl
/// resource "kubernetes_cluster_role_v1" "inventory" {
///   metadata { name = "inventory" }
///   rule {
///     api_groups = [""]
///     resources  = ["*"]
///     verbs      = ["get", "list", "watch"]
///   }
/// }
/// ```
///
/// ## Use instead
/// List the resources the workload reads, and read Secrets only in its own namespace with a
/// `Role`, ideally by name:
/// ```hcl
///   rule {
///     api_groups = [""]
///     resources  = ["pods", "services", "configmaps"]
///     verbs      = ["get", "list", "watch"]
///   }
/// ```
#[derive(Debug)]
pub struct KubernetesSecretRead;

impl Rule for KubernetesSecretRead {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "kubernetes-secret-read",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "a Kubernetes cluster role that can read every Secret in the cluster",
            source: include_str!("kubernetes_secret_read.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str = "list only the resources the workload reads (e.g. resources = [\"pods\", \"configmaps\"]) and read Secrets with a namespaced Role and resource_names";
        for r in cx.resources_of(&["kubernetes_cluster_role", "kubernetes_cluster_role_v1"]) {
            let rules = r.nested("rule");
            if rules.iter().any(|rule| judge(&rule.strs("verbs"), &rule.strs("resources")).is_some()) {
                continue; // NHI215's finding
            }
            for rule in rules {
                let named = !rule.strs("resource_names").is_empty();
                if let Some(why) =
                    reads_secrets(&rule.strs("api_groups"), &rule.strs("resources"), &rule.strs("verbs"), named)
                {
                    cx.report(&r, rule.span("resources"), format!("cluster role allows {why}")).help(HELP);
                    break;
                }
            }
        }
        for m in cx.resources("kubernetes_manifest") {
            let Some(man) = m.value("manifest") else { continue };
            if man.get("kind").and_then(Value::as_str) != Some("ClusterRole") {
                continue;
            }
            let strs = |v: Option<&Value>| -> Vec<String> {
                v.map(Value::items).unwrap_or_default().iter().filter_map(|x| x.as_str().map(str::to_owned)).collect()
            };
            let rules = man.get("rules").map(Value::items).unwrap_or_default();
            if rules.iter().any(|rule| judge(&strs(rule.get("verbs")), &strs(rule.get("resources"))).is_some()) {
                continue;
            }
            let why = rules.iter().find_map(|rule| {
                let named = !strs(rule.get("resourceNames")).is_empty();
                reads_secrets(
                    &strs(rule.get("apiGroups")),
                    &strs(rule.get("resources")),
                    &strs(rule.get("verbs")),
                    named,
                )
            });
            if let Some(why) = why {
                cx.report(&m, m.span("manifest"), format!("cluster role allows {why}")).help(HELP);
            }
        }
    }
}
