use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// Operations on topics and consumer groups that read, write or change them; `Describe` and
/// `DescribeConfigs` only list them.
const DATA_OPERATIONS: [&str; 6] = ["read", "write", "create", "delete", "alter", "alterconfigs"];

/// Operations on the cluster resource that administer it: create any topic, rewrite the
/// cluster's configuration and ACLs, act as a broker.
const CLUSTER_OPERATIONS: [&str; 4] = ["create", "alter", "alterconfigs", "clusteraction"];

/// One Kafka ACL's fields, under the names of the Kafka provider (`kafka_acl`) or of the
/// Confluent provider (`confluent_kafka_acl`), lower-case.
struct Acl {
    operation: String,
    operation_key: &'static str,
    resource_type: String,
    resource_name: Option<String>,
    literal: bool,
}

fn read_acl(a: &Item<'_>) -> Option<Acl> {
    let confluent = a.label(0) == "confluent_kafka_acl";
    let (operation_key, permission_key, pattern_key) = if confluent {
        ("operation", "permission", "pattern_type")
    } else {
        ("acl_operation", "acl_permission_type", "resource_pattern_type_filter")
    };
    let lower = |k: &str| a.str(k).map(|v| v.to_ascii_lowercase());
    if lower(permission_key).is_some_and(|p| p != "allow") {
        return None;
    }
    Some(Acl {
        operation: lower(operation_key)?,
        operation_key,
        resource_type: lower("resource_type")?,
        resource_name: a.str("resource_name"),
        // Unset, the pattern is a literal name.
        literal: lower(pattern_key).is_none_or(|p| p == "literal"),
    })
}

/// What an ACL allows too widely: every operation, the cluster's administration, or reading or
/// changing every topic or consumer group (a literal `*` name).
fn breadth(acl: &Acl) -> Option<String> {
    let every_name = acl.literal && acl.resource_name.as_deref() == Some("*");
    let kind = acl.resource_type.as_str();
    if acl.operation == "all" {
        let on = if every_name { format!("every {kind}") } else { format!("the {kind}") };
        return Some(format!("allows every operation (`All`) on {on}"));
    }
    if kind == "cluster" && CLUSTER_OPERATIONS.contains(&acl.operation.as_str()) {
        return Some(format!("allows `{}` on the cluster: it administers the whole cluster", acl.operation));
    }
    if every_name && matches!(kind, "topic" | "group") && DATA_OPERATIONS.contains(&acl.operation.as_str()) {
        return Some(format!("allows `{}` on every {kind} (`*`)", acl.operation));
    }
    None
}

/// ## What it does
/// Finds Kafka ACLs (`kafka_acl` of the Kafka provider, `confluent_kafka_acl`) that allow a
/// principal every operation (`All`), an administrative operation on the cluster resource
/// (`Create`, `Alter`, `AlterConfigs`, `ClusterAction`), or reading, writing, creating,
/// deleting or altering every topic or consumer group (the literal name `*`). `Describe` on
/// every topic, as monitoring needs, is left alone.
///
/// ## Why is this bad?
/// A Kafka client's credential (its certificate, its API key) is a non-human identity that
/// lives in an application's configuration. With `All` or a `*` topic, one leaked key reads
/// and rewrites every stream of the cluster; with `Alter` on the cluster, it rewrites the ACLs
/// themselves.
///
/// ## Example
/// ```hcl
/// resource "kafka_acl" "app" {
///   resource_name       = "*"
///   resource_type       = "Topic"
///   acl_principal       = "User:CN=app"
///   acl_host            = "*"
///   acl_operation       = "All"
///   acl_permission_type = "Allow"
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "kafka_acl" "app" {
///   resource_name                = "orders."
///   resource_pattern_type_filter = "Prefixed"
///   resource_type                = "Topic"
///   acl_principal                = "User:CN=app"
///   acl_host                     = "*"
///   acl_operation                = "Read"
///   acl_permission_type          = "Allow"
/// }
/// ```
#[derive(Debug)]
pub struct KafkaAclBroad;

impl Rule for KafkaAclBroad {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "kafka-acl-broad",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "a Kafka ACL allowing every operation, the cluster's administration, or every topic or group",
            source: include_str!("kafka_acl_broad.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for a in cx.resources_of(&["kafka_acl", "confluent_kafka_acl"]) {
            let Some(acl) = read_acl(&a) else { continue };
            if let Some(what) = breadth(&acl) {
                cx.report(&a, a.span(acl.operation_key), what)
                    .help("allow the operations the client runs (Read, Write, Describe) on its own topics and groups, by name or prefix");
            }
        }
    }
}
