use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::kubernetes_rbac::{CLUSTER_BINDINGS, is_cluster_wide, reported_as_wildcard_or_escalation, roles};

const READ_VERBS: [&str; 4] = ["*", "get", "list", "watch"];

/// What a cluster-role rule lets its holder read cluster-wide, when that includes Secrets.
pub(crate) fn reads_secrets(
    api_groups: &[String],
    resources: &[String],
    verbs: &[String],
    named: bool,
) -> Option<String> {
    let core = api_groups.iter().any(|g| g.is_empty() || g == "*");
    let verb = verbs.iter().find(|v| READ_VERBS.contains(&v.as_str()))?;
    if !core || named {
        return None;
    }
    if resources.iter().any(|r| r == "*") {
        Some(format!("`{verb}` on every core resource (\"*\" in api group \"\"), Secrets included,"))
    } else if resources.iter().any(|r| r == "secrets") {
        Some(format!("`{verb}` on every Secret"))
    } else {
        None
    }
}

/// ## What it does
/// Finds Kubernetes cluster roles (`kubernetes_cluster_role`, its `_v1` form, or a
/// `kubernetes_manifest` or `kubectl_manifest` of kind `ClusterRole`) that can read Secrets across the cluster:
/// `get`, `list`, `watch` or `*` on `secrets`, or on every resource (`"*"`) of the core API
/// group (`""`), without `resource_names`; and namespaced roles (`kubernetes_role`, `_v1`, a
/// `Role` manifest, the role Vault's Kubernetes secrets engine generates for each credential
/// from a `vault_kubernetes_secret_backend_role`'s `generated_role_rules`) that read every
/// Secret of their namespace the same way (a role limited to
/// the Secrets it names in `resource_names` is not a finding). Roles that
/// `kubernetes-wildcard-role` (NHI215) or `kubernetes-privilege-escalation` (NHI223) already
/// report, cluster roles the module binds only through namespaced `RoleBinding`s (they are
/// reviewed as the shared definitions they are) and read access to other API groups are not
/// findings. A cluster role with
/// no binding in the module is judged as cluster-wide: its use is not known. Also cluster role
/// bindings of the built-in `admin` or `edit` role to a service account (other than
/// `default`, which is NHI225's): those roles read and write Secrets, here in every namespace.
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
/// List the resources the workload reads, and read Secrets only by name, in a namespaced `Role`
/// (`resource_names = ["app-db"]`):
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
            summary: "a Kubernetes role that can read every Secret of the cluster, or of its namespace",
            source: include_str!("kubernetes_secret_read.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str = "list only the resources the workload reads (e.g. resources = [\"pods\", \"configmaps\"]) and read Secrets with a namespaced Role and resource_names";
        for role in roles(cx) {
            if reported_as_wildcard_or_escalation(cx, role) {
                continue;
            }
            let found = role.rules.iter().find_map(|r| {
                reads_secrets(&r.api_groups, &r.resources, &r.verbs, !r.resource_names.is_empty())
                    .map(|why| (r.resources_span.clone(), why))
            });
            let Some((span, why)) = found else { continue };
            if is_cluster_wide(cx, role) {
                cx.report(&role.item, span, format!("cluster role allows {why} in every namespace")).help(HELP);
            } else if !role.cluster {
                // A namespaced Role that reads every Secret of its namespace: the tokens and keys of
                // every other workload there, wanted or not (three scanners' fixtures and two
                // blind readers call it a finding; a Role that names its Secrets is the fix).
                cx.report(&role.item, span, format!("role allows {why} of its namespace")).help(HELP);
            }
        }
        // The built-in `admin` and `edit` roles read and write Secrets; bound cluster-wide to a
        // service account, they do so in every namespace. (Bound to everyone: NHI225.)
        for b in cx.resources_of(&CLUSTER_BINDINGS) {
            let Some(rr) = b.nested("role_ref").into_iter().next() else { continue };
            let Some(role) = rr.str("name").filter(|n| n == "admin" || n == "edit") else { continue };
            // A name known only from a reference (`kubernetes_service_account.ci.metadata[0].name`)
            // is a dedicated account, not `default`.
            let sa = b.nested("subject").into_iter().find(|s| {
                s.str("kind").as_deref() == Some("ServiceAccount") && s.str("name").as_deref() != Some("default")
            });
            if let Some(sa) = sa {
                let name =
                    sa.str("name").map_or_else(|| "a service account".to_owned(), |n| format!("service account `{n}`"));
                cx.report(&b, rr.span("name"), format!("the built-in `{role}` role bound cluster-wide to {name}: it reads and writes Secrets in every namespace"))
                    .help("bind it with a RoleBinding in the namespaces the workload deploys to");
            }
        }
    }
}
