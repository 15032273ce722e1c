//! Kubernetes RBAC knowledge the role rules share (NHI215, NHI221, NHI223): the rules of a
//! role however it is written (`kubernetes_role`/`kubernetes_cluster_role` blocks, their `_v1`
//! forms, or a `kubernetes_manifest`), what makes a rule a wildcard or an escalation, and
//! whether a cluster role is used cluster-wide.

use crate::eval::Value;
use crate::rule::Ctx;
use crate::rules::common::refers_to;

pub use crate::facts::kubernetes::{CLUSTER_BINDINGS, CLUSTER_ROLES, ROLE_BINDINGS, ROLES, RoleDef, RoleRule};

/// Every role and cluster role of the module, in blocks then manifests (read once per module).
pub fn roles<'a>(cx: &Ctx<'a>) -> &'a [RoleDef<'a>] {
    cx.facts().kubernetes_roles()
}

/// How a cluster role is bound in the module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Bound by a `ClusterRoleBinding` (or one whose role is not known), or by no binding the
    /// module has: its permissions hold (or may hold) in every namespace.
    ClusterWide,
    /// Bound only by namespaced `RoleBinding`s: it grants its rules in those namespaces only,
    /// and nothing on cluster-scoped resources.
    NamespacedOnly,
}

/// Whether a `roleRef` (`kind`, `name` value, and the expression it is written with) names
/// `role`; `None` when the name is not known.
pub fn names_role(
    kind: Option<&str>,
    name: Option<&str>,
    written: Option<&crate::syntax::Expr>,
    role: &RoleDef<'_>,
) -> Option<bool> {
    if kind.is_some_and(|k| k != "ClusterRole") {
        return Some(false);
    }
    if let Some(e) = written {
        if refers_to(e, &role.item) {
            return Some(true);
        }
        // The name of another role of the module.
        if e.mentions("kubernetes_") {
            return Some(false);
        }
    }
    let name = name?;
    Some(role.name.as_deref() == Some(name))
}

/// How the module binds a cluster role: see [`Use`].
pub fn cluster_role_use(cx: &Ctx<'_>, role: &RoleDef<'_>) -> Use {
    let (mut cluster, mut namespaced) = (false, false);
    for b in cx.resources_of(&[CLUSTER_BINDINGS[0], CLUSTER_BINDINGS[1], ROLE_BINDINGS[0], ROLE_BINDINGS[1]]) {
        let is_cluster = CLUSTER_BINDINGS.contains(&b.label(0));
        for rr in b.nested("role_ref") {
            let named = names_role(
                rr.str("kind").as_deref(),
                rr.str("name").as_deref(),
                rr.attr("name").map(|a| &a.expr),
                role,
            );
            match (named, is_cluster) {
                (Some(true), true) | (None, true) => cluster = true,
                (Some(true), false) => namespaced = true,
                _ => {}
            }
        }
    }
    for m in cx.facts().kubernetes_manifests() {
        for man in &m.docs {
            let is_cluster = match man.get("kind").and_then(Value::as_str) {
                Some("ClusterRoleBinding") => true,
                Some("RoleBinding") => false,
                _ => continue,
            };
            let rr = man.get("roleRef");
            let kind = rr.and_then(|r| r.get("kind")).and_then(Value::as_str);
            let name = rr.and_then(|r| r.get("name")).and_then(Value::as_str);
            match (names_role(kind, name, m.item.attr(m.key).map(|a| &a.expr), role), is_cluster) {
                (Some(true), true) | (None, true) => cluster = true,
                (Some(true), false) => namespaced = true,
                _ => {}
            }
        }
    }
    if namespaced && !cluster { Use::NamespacedOnly } else { Use::ClusterWide }
}

/// Whether a role's permissions hold cluster-wide: a cluster role not bound only by
/// namespaced role bindings.
pub fn is_cluster_wide(cx: &Ctx<'_>, role: &RoleDef<'_>) -> bool {
    role.cluster && cluster_role_use(cx, role) == Use::ClusterWide
}

pub const WRITE_VERBS: [&str; 9] =
    ["*", "create", "update", "patch", "delete", "deletecollection", "escalate", "bind", "impersonate"];
/// Sub-resources that can only be read.
const READ_ONLY_RESOURCES: [&str; 5] = ["pods/log", "nodes/metrics", "nodes/stats", "componentstatuses", "events"];

/// Whether a role rule grants every verb on every resource: what `cluster-admin` grants.
pub fn grants_everything(verbs: &[String], resources: &[String]) -> bool {
    verbs.iter().any(|v| v == "*") && resources.iter().any(|r| r == "*")
}

/// A wildcard in a rule: every verb on write-capable resources, or a write verb on every
/// resource (NHI215).
pub fn wildcard(verbs: &[String], resources: &[String]) -> Option<String> {
    let any_write_capable =
        resources.is_empty() || resources.iter().any(|r| !READ_ONLY_RESOURCES.contains(&r.as_str()));
    if verbs.iter().any(|v| v == "*") && any_write_capable {
        let on = if resources.iter().any(|r| r == "*") {
            "every resource".to_owned()
        } else if resources.is_empty() {
            // Not known here, or non-resource URLs only.
            "the resources it names".to_owned()
        } else {
            resources.join(", ")
        };
        return Some(format!("every verb (\"*\") on {on}"));
    }
    if resources.iter().any(|r| r == "*")
        && let Some(v) = verbs.iter().find(|v| WRITE_VERBS.contains(&v.as_str()))
    {
        return Some(format!("`{v}` on every resource (\"*\")"));
    }
    None
}

/// The privilege-escalation verbs in a rule (any resource). `bind` and `escalate` limited by
/// `resource_names` are the documented way to let a holder bind only the roles named.
pub fn escalation_verb(rule: &RoleRule) -> Option<String> {
    let v = rule.verbs.iter().find(|v| match v.as_str() {
        "impersonate" => true,
        "bind" | "escalate" => rule.resource_names.is_empty(),
        _ => false,
    })?;
    Some(format!("the privilege-escalation verb `{v}`"))
}

/// What a namespaced role (or a cluster role used only in namespaces) must not have: a
/// wildcard or an escalation verb (NHI215).
pub fn namespaced_judge(rule: &RoleRule) -> Option<String> {
    wildcard(&rule.verbs, &rule.resources).or_else(|| escalation_verb(rule))
}

const WEBHOOK_WRITE: &[&str] = &["create", "update", "patch", "*"];

/// Permissions that lead to cluster-admin without any wildcard when granted cluster-wide:
/// `(resource, verbs that escalate, limited by resource_names, what it gives)`.
const ESCALATING: [(&str, &[&str], bool, &str); 15] = [
    ("nodes/proxy", &["get", "create", "*"], false, "the kubelet API of every node: exec into any pod"),
    ("serviceaccounts/token", &["create", "*"], true, "tokens for any service account"),
    ("pods/exec", &["create", "get", "*"], false, "a shell in any pod of the cluster"),
    ("pods/attach", &["create", "get", "*"], false, "attaching to any running container of the cluster"),
    ("certificatesigningrequests/approval", &["update", "patch", "*"], false, "approving any client certificate"),
    // An operator that patches its own webhook's CA bundle names it in `resource_names`.
    (
        "mutatingwebhookconfigurations",
        WEBHOOK_WRITE,
        true,
        "an admission webhook that sees and rewrites every object, Secrets and pod specs included",
    ),
    (
        "validatingwebhookconfigurations",
        WEBHOOK_WRITE,
        true,
        "an admission webhook that sees every object written, Secrets included",
    ),
    (
        "pods",
        &["create", "*"],
        false,
        "pods in every namespace, run as any service account there with its token mounted",
    ),
    // A workload controller's pod template names the service account its pods run as.
    ("deployments", CONTROLLER_WRITE, false, CONTROLLER_GIVES),
    ("daemonsets", CONTROLLER_WRITE, false, CONTROLLER_GIVES),
    ("statefulsets", CONTROLLER_WRITE, false, CONTROLLER_GIVES),
    ("replicasets", CONTROLLER_WRITE, false, CONTROLLER_GIVES),
    ("replicationcontrollers", CONTROLLER_WRITE, false, CONTROLLER_GIVES),
    ("jobs", CONTROLLER_WRITE, false, CONTROLLER_GIVES),
    ("cronjobs", CONTROLLER_WRITE, false, CONTROLLER_GIVES),
];

const CONTROLLER_WRITE: &[&str] = &["create", "update", "patch", "*"];
const CONTROLLER_GIVES: &str =
    "workloads in every namespace whose pods run as any service account there, kube-system's included";

/// A cluster-wide rule that escalates to cluster-admin without a wildcard (NHI223).
pub fn escalation(rule: &RoleRule) -> Option<String> {
    if let Some(v) = escalation_verb(rule) {
        return Some(v);
    }
    ESCALATING.iter().find_map(|(res, escalating, named_ok, gives)| {
        if *named_ok && !rule.resource_names.is_empty() {
            return None;
        }
        let verb = rule.verbs.iter().find(|v| escalating.contains(&v.as_str()))?;
        rule.resources.iter().any(|r| r == res).then(|| format!("`{verb}` on `{res}` ({gives})"))
    })
}

/// Whether NHI215 or NHI223 reports the role: other role rules (NHI221) stay quiet on it.
pub fn reported_as_wildcard_or_escalation(cx: &Ctx<'_>, role: &RoleDef<'_>) -> bool {
    let wide = is_cluster_wide(cx, role);
    role.rules.iter().any(|r| {
        if wide {
            wildcard(&r.verbs, &r.resources).is_some() || escalation(r).is_some()
        } else {
            namespaced_judge(r).is_some()
        }
    })
}
