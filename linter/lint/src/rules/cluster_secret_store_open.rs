use crate::eval::Value;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds External Secrets Operator `ClusterSecretStore` objects, written in a
/// `kubernetes_manifest` or a `kubectl_manifest`, that set no `spec.conditions`: no
/// `namespaces`, `namespaceSelector` or `namespaceRegexes` limit which namespaces may use the
/// store.
///
/// ## Why is this bad?
/// A cluster store signs in to the secret backend (Secrets Manager, Key Vault, Vault, Secret
/// Manager) with one identity for the whole cluster. Without conditions, anyone who may
/// create an `ExternalSecret` in any namespace can have that identity read every secret it
/// can reach and copy it into a Kubernetes Secret of their own. The store's identity becomes
/// every namespace's identity.
///
/// ## Example
/// ```hcl
/// resource "kubectl_manifest" "store" {
///   yaml_body = <<-YAML
///     apiVersion: external-secrets.io/v1beta1
///     kind: ClusterSecretStore
///     metadata:
///       name: aws
///     spec:
///       provider:
///         aws:
///           service: SecretsManager
///           region: eu-west-1
///   YAML
/// }
/// ```
///
/// ## Use instead
/// Limit the store to the namespaces that need it, or use a namespaced `SecretStore` per
/// team with its own identity:
/// ```yaml
/// spec:
///   conditions:
///     - namespaceSelector:
///         matchLabels:
///           secrets.example.com/store-aws: "true"
/// ```
#[derive(Debug)]
pub struct ClusterSecretStoreOpen;

impl Rule for ClusterSecretStoreOpen {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "cluster-secret-store-open",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "an External Secrets ClusterSecretStore that every namespace may use",
            source: include_str!("cluster_secret_store_open.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let mut found = Vec::new();
        for m in cx.facts().kubernetes_manifests() {
            for doc in &m.docs {
                if doc.get("kind").and_then(Value::as_str) != Some("ClusterSecretStore") {
                    continue;
                }
                let spec = doc.get("spec");
                // A spec not known here (built from a variable) says nothing either way.
                if spec.is_none_or(|s| !matches!(s, Value::Object(_))) {
                    continue;
                }
                let limited = spec.and_then(|s| s.get("conditions")).is_some_and(|c| match c {
                    Value::List(items) => !items.is_empty(),
                    Value::Null => false,
                    _ => true,
                });
                if !limited {
                    let name = doc.get("metadata").and_then(|md| md.get("name")).and_then(Value::as_str);
                    found.push((m.item.clone(), m.key, name.map(str::to_owned)));
                }
            }
        }
        for (item, key, name) in found {
            let which = name.map_or_else(String::new, |n| format!(" `{n}`"));
            cx.report(
                &item,
                item.span(key),
                format!("ClusterSecretStore{which} sets no conditions: an ExternalSecret in any namespace can read whatever its identity reads"),
            )
            .help("add spec.conditions (namespaceSelector or namespaces) for the namespaces that need it, or use a namespaced SecretStore");
        }
    }
}
