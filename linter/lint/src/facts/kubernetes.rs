//! Kubernetes roles as the RBAC rules read them (NHI215, NHI221, NHI223 and others): the rules
//! of every role and cluster role of a module however it is written
//! (`kubernetes_role`/`kubernetes_cluster_role` blocks, their `_v1` forms, a
//! `kubernetes_manifest`, the kubectl provider's `kubectl_manifest` YAML, or the role Vault's
//! Kubernetes secrets engine generates for each
//! credential it issues), read once per module view.

use crate::eval::Value;
use crate::query::{Item, ModuleView};
use crate::span::Span;

pub const ROLES: [&str; 2] = ["kubernetes_role", "kubernetes_role_v1"];
pub const CLUSTER_ROLES: [&str; 2] = ["kubernetes_cluster_role", "kubernetes_cluster_role_v1"];
pub const CLUSTER_BINDINGS: [&str; 2] = ["kubernetes_cluster_role_binding", "kubernetes_cluster_role_binding_v1"];
pub const ROLE_BINDINGS: [&str; 2] = ["kubernetes_role_binding", "kubernetes_role_binding_v1"];

/// Resources that apply Kubernetes objects written as manifests: `kubernetes_manifest`
/// (`manifest`, an object, also `yamldecode(…)` of YAML) and the kubectl provider's
/// `kubectl_manifest` (`yaml_body`, YAML text).
const MANIFESTS: [&str; 2] = ["kubernetes_manifest", "kubectl_manifest"];

/// A manifest resource of the module and the objects it applies, read once per module view
/// (the YAML of a `kubectl_manifest` is parsed here only).
pub struct Manifest<'a> {
    pub item: Item<'a>,
    /// The attribute the objects are written in (`manifest`, `yaml_body`).
    pub key: &'static str,
    pub docs: Vec<Value>,
}

/// Every manifest resource of the module ([`MANIFESTS`]) with its objects.
pub(super) fn manifests<'a>(view: &ModuleView<'a>) -> Vec<Manifest<'a>> {
    MANIFESTS
        .iter()
        .flat_map(|t| view.blocks("resource", Some(t)))
        .map(|item| {
            if item.label(0) == "kubectl_manifest" {
                // Read with its unknown parts kept as holes (`projectID: ${var.project_id}`):
                // the objects' kinds and rules are written around them.
                let text = item.attr("yaml_body").map(|a| item.within(|| item.env.eval_lenient_deep(&a.expr)));
                let docs = match text {
                    Some(Value::Str(text)) => crate::eval::yaml::documents(&text),
                    _ => Vec::new(),
                };
                Manifest { item, key: "yaml_body", docs }
            } else {
                let docs = item.value("manifest").into_iter().collect();
                Manifest { item, key: "manifest", docs }
            }
        })
        .collect()
}

/// One rule of a role, as written in HCL or in a manifest.
pub struct RoleRule {
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    pub verbs: Vec<String>,
    pub resource_names: Vec<String>,
    /// Where a finding about the rule's verbs points (the manifest for a `kubernetes_manifest`).
    pub verbs_span: Span,
    /// Where a finding about the rule's resources points.
    pub resources_span: Span,
}

/// A role or cluster role of the module.
pub struct RoleDef<'a> {
    pub item: Item<'a>,
    /// Kind `ClusterRole` (else `Role`).
    pub cluster: bool,
    /// `metadata.name`, when known.
    pub name: Option<String>,
    pub rules: Vec<RoleRule>,
}

fn strs(v: Option<&Value>) -> Vec<String> {
    v.map(Value::items).unwrap_or_default().iter().filter_map(|x| x.as_str().map(str::to_owned)).collect()
}

/// A rule's `resource_names`; a name not known here (`kubernetes_secret.app.metadata[0].name`)
/// is `"?"`: the rule is limited to named objects all the same.
fn resource_names(rule: &Item<'_>) -> Vec<String> {
    let values = rule.values("resource_names");
    values.iter().flat_map(Value::items).map(|v| v.as_str().map_or_else(|| "?".to_owned(), str::to_owned)).collect()
}

/// Every role and cluster role of the module, in blocks then manifests.
pub(super) fn collect<'a>(view: &ModuleView<'a>, manifests: &[Manifest<'a>]) -> Vec<RoleDef<'a>> {
    let mut out = Vec::new();
    for r in
        [ROLES[0], ROLES[1], CLUSTER_ROLES[0], CLUSTER_ROLES[1]].iter().flat_map(|t| view.blocks("resource", Some(t)))
    {
        let rules = r
            .nested("rule")
            .iter()
            .map(|rule| RoleRule {
                api_groups: rule.strs("api_groups"),
                resources: rule.strs("resources"),
                verbs: rule.strs("verbs"),
                resource_names: resource_names(rule),
                verbs_span: rule.span("verbs"),
                resources_span: rule.span("resources"),
            })
            .collect();
        let name = r.nested("metadata").first().and_then(|m| m.str("name"));
        out.push(RoleDef { cluster: CLUSTER_ROLES.contains(&r.label(0)), name, rules, item: r });
    }
    for m in manifests {
        let span = m.item.span(m.key);
        for man in &m.docs {
            let cluster = match man.get("kind").and_then(Value::as_str) {
                Some("ClusterRole") => true,
                Some("Role") => false,
                _ => continue,
            };
            let rules = manifest_rules(man, &span);
            let name = man.get("metadata").and_then(|md| md.get("name")).and_then(Value::as_str).map(str::to_owned);
            out.push(RoleDef { cluster, name, rules, item: m.item.clone() });
        }
    }
    // Vault's Kubernetes secrets engine: each credential it issues is a service account bound
    // to a role it generates from `generated_role_rules` (JSON or YAML `{rules: […]}`), a
    // `Role` in the namespace asked for unless `kubernetes_role_type` says `ClusterRole`.
    for v in view.blocks("resource", Some("vault_kubernetes_secret_backend_role")) {
        let Some(text) = v.str("generated_role_rules") else { continue };
        let doc = match crate::eval::functions::call("jsondecode", vec![Value::Str(text.clone())]) {
            doc @ Value::Object(_) => doc,
            _ => crate::eval::yaml::documents(&text).into_iter().next().unwrap_or(Value::Unknown),
        };
        let span = v.span("generated_role_rules");
        let cluster = v.str("kubernetes_role_type").is_some_and(|t| t.eq_ignore_ascii_case("ClusterRole"));
        let rules = manifest_rules(&doc, &span);
        out.push(RoleDef { cluster, name: v.str("kubernetes_role_name"), rules, item: v });
    }
    out
}

/// The `rules` of a role written as a manifest (`apiGroups`, `resources`, `verbs`,
/// `resourceNames`), each pointing at `span`.
fn manifest_rules(doc: &Value, span: &Span) -> Vec<RoleRule> {
    doc.get("rules")
        .map(Value::items)
        .unwrap_or_default()
        .iter()
        .map(|rule| RoleRule {
            api_groups: strs(rule.get("apiGroups")),
            resources: strs(rule.get("resources")),
            verbs: strs(rule.get("verbs")),
            resource_names: strs(rule.get("resourceNames")),
            verbs_span: span.clone(),
            resources_span: span.clone(),
        })
        .collect()
}
