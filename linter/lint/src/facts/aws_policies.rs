//! Where AWS policy statements live, for the rules that judge them.

use crate::eval::Value;
use crate::eval::iam_policy::{Statement, statements_from_block, statements_from_document};
use crate::query::{Item, ModuleView};
use std::collections::{BTreeMap, HashSet};

use crate::syntax::{Expr, ExprKind};

/// Identity-policy attributes: (resource type, attribute).
const IDENTITY: [(&str, &str); 16] = [
    ("vault_aws_secret_backend_role", "policy_document"),
    // Not an argument the provider has (it takes `policy_arn`), but scanners' fixtures write
    // an attachment's document inline this way, and it says what the author means to grant.
    ("aws_iam_policy_attachment", "policy"),
    ("aws_iam_policy", "policy"),
    ("aws_iam_role_policy", "policy"),
    ("aws_iam_user_policy", "policy"),
    ("aws_iam_group_policy", "policy"),
    ("aws_ssoadmin_permission_set_inline_policy", "inline_policy"),
    ("aws_iam_role", "inline_policy"),
    // The Cloud Control provider writes the same documents under other names.
    ("awscc_iam_policy", "policy_document"),
    ("awscc_iam_managed_policy", "policy_document"),
    ("awscc_iam_role_policy", "policy_document"),
    ("awscc_iam_user_policy", "policy_document"),
    ("awscc_iam_group_policy", "policy_document"),
    // An AWS IoT policy: what every device holding a certificate it is attached to may do
    // (connect as which client, publish and subscribe to which topics).
    ("aws_iot_policy", "policy"),
    // Alibaba Cloud RAM writes AWS's grammar (`Effect`, `Action`, `Resource`, `Condition`):
    // `ecs:*` on `*` is every Elastic Compute Service action there.
    ("alicloud_ram_policy", "policy_document"),
    ("alicloud_ram_policy", "document"),
];

/// Cloud Control identities with inline policies as an attribute:
/// `policies = [{ policy_name = "…", policy_document = jsonencode({…}) }]`.
const CC_INLINE: [&str; 3] = ["awscc_iam_role", "awscc_iam_user", "awscc_iam_group"];

/// Resource-policy attributes: (resource type, attribute).
const RESOURCE_POLICIES: [(&str, &str); 16] = [
    ("aws_kms_key", "policy"),
    ("aws_kms_key_policy", "policy"),
    ("aws_s3_bucket", "policy"),
    ("aws_s3_bucket_policy", "policy"),
    ("aws_sqs_queue", "policy"),
    ("aws_sqs_queue_policy", "policy"),
    ("aws_sns_topic", "policy"),
    ("aws_sns_topic_policy", "policy"),
    ("aws_elasticsearch_domain", "access_policies"),
    ("aws_elasticsearch_domain_policy", "access_policies"),
    ("aws_opensearch_domain", "access_policies"),
    ("aws_opensearch_domain_policy", "access_policies"),
    ("aws_ecr_repository_policy", "policy"),
    ("aws_secretsmanager_secret", "policy"),
    ("aws_secretsmanager_secret_policy", "policy"),
    ("aws_glacier_vault", "access_policy"),
];

/// Whether an attribute just points at a policy document data source, which is checked itself.
fn is_doc_reference(e: &Expr) -> bool {
    // Also as Terraform 0.11 writes it, `"${data.template_file.policy.rendered}"`.
    let e = e.plain_reference().unwrap_or(e);
    matches!(&e.kind, ExprKind::Traversal(..)) && e.traversal_path().is_some_and(|p| is_policy_document(&p))
}

/// Whether an address (or a path into one) names a data source that writes a policy document
/// judged on its own: `data.aws_iam_policy_document.x`, or a `data.template_file.x` that renders
/// one.
pub fn is_policy_document(path: &str) -> bool {
    path.starts_with("data.aws_iam_policy_document.") || path.starts_with("data.template_file.")
}

fn statements_of<'a>(item: &Item<'a>, key: &str) -> Option<Vec<Statement>> {
    let attr = item.attr(key)?;
    if is_doc_reference(&attr.expr) {
        return None;
    }
    // `policy = each.value`: the document of every instance.
    let per_instance = attr.expr.mentions("each.") || attr.expr.mentions("count.");
    if per_instance && item.block.body.attr("for_each").or_else(|| item.block.body.attr("count")).is_some() {
        let docs: Vec<Value> = item.per_instance(|| item.env.eval_document(&attr.expr)).into_iter().flatten().collect();
        if docs.is_empty() {
            return None;
        }
        return Some(docs.iter().flat_map(|d| statements_from_document(d, &attr.expr.span)).collect());
    }
    let doc = item.env.eval_document(&attr.expr)?;
    Some(statements_from_document(&doc, &attr.expr.span))
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An `aws_iam_policy_document`: identity, trust or resource policy.
    Document,
    Identity,
    Trust,
    /// A resource policy (`aws_s3_bucket_policy`, `aws_kms_key`, …).
    Resource,
    /// A policy used only as a permissions boundary: it caps what roles and users may do and
    /// grants nothing.
    Boundary,
}

/// The traversals (`aws_iam_policy.x`, `data.aws_iam_policy_document.y`) an expression names,
/// as `TYPE.NAME` prefixes.
fn named_blocks(e: &Expr, out: &mut Vec<String>) {
    e.walk(&mut |x| {
        if let Some(p) = x.traversal_path() {
            let parts: Vec<&str> = p.splitn(4, '.').collect();
            let key = match parts.as_slice() {
                ["data", ty, name, ..] => format!("data.{ty}.{}", name.split('[').next().unwrap_or(name)),
                [ty, name, ..] => format!("{ty}.{}", name.split('[').next().unwrap_or(name)),
                _ => return,
            };
            out.push(key);
        }
    });
}

/// Policies and policy documents that only ever serve as a permissions boundary
/// (`permissions_boundary = aws_iam_policy.x.arn`, and the document that policy is built from):
/// `aws_iam_policy.NAME` and `data.aws_iam_policy_document.NAME`.
fn boundary_only(view: &ModuleView<'_>) -> HashSet<String> {
    // Most modules never mention a boundary: skip the walk over every expression. (A plan's
    // blocks are not in the text the findings point at: their attributes are looked at.)
    let blocks = view.all_blocks();
    let mentioned = view.files().iter().any(|(_, f)| f.text.contains("boundary"))
        || blocks
            .iter()
            .any(|b| b.label(0).contains("boundary") || b.body.attrs.iter().any(|a| a.key.contains("boundary")));
    if !mentioned {
        return HashSet::new();
    }
    // Who refers to what, split by whether the referring attribute sets a boundary.
    let mut as_boundary: Vec<String> = Vec::new();
    let mut other: Vec<(String, String)> = Vec::new(); // (referrer, referenced)
    let mut any_boundary = false;
    for b in &blocks {
        let me = format!("{}.{}", b.label(0), b.label(1));
        // `output "boundary" { value = aws_iam_policy.boundary.arn }`: handed out as a boundary.
        let boundary_output = b.block.ident == "output" && b.label(0).contains("boundary");
        b.body.each_attr(&mut |a| {
            let e = &a.expr;
            if a.key.contains("boundary") || boundary_output {
                any_boundary = true;
                named_blocks(e, &mut as_boundary);
                return;
            }
            // `{ permission_boundary = aws_iam_policy.x.arn }` inside a value (a template's
            // variables, a module input): a boundary use as well.
            let mut inner = Vec::new();
            e.walk(&mut |x| {
                if let ExprKind::Object(items) = &x.kind {
                    for (k, v) in items {
                        if k.name().is_some_and(|k| k.contains("boundary")) {
                            named_blocks(v, &mut inner);
                        }
                    }
                }
            });
            any_boundary |= !inner.is_empty();
            let mut names = Vec::new();
            named_blocks(e, &mut names);
            for n in &inner {
                if let Some(i) = names.iter().position(|m| m == n) {
                    names.swap_remove(i);
                }
            }
            as_boundary.extend(inner);
            other.extend(names.into_iter().map(|n| (me.clone(), n)));
        });
    }
    if !any_boundary {
        return HashSet::new();
    }
    let mut only: HashSet<String> = as_boundary
        .into_iter()
        .filter(|n| n.starts_with("aws_iam_policy."))
        .filter(|n| !other.iter().any(|(_, r)| r == n))
        .collect();
    // The documents those policies are written from, when nothing else uses them.
    let docs: HashSet<String> = other
        .iter()
        .filter(|(from, to)| only.contains(from) && to.starts_with("data.aws_iam_policy_document."))
        .map(|(_, to)| to.clone())
        .collect();
    for d in docs {
        if other.iter().all(|(from, to)| to != &d || only.contains(from)) {
            only.insert(d);
        }
    }
    // In a plan the reference is resolved: the document whose rendered `json` is a boundary's
    // policy text.
    let texts: Vec<String> = blocks
        .iter()
        .filter(|b| b.block.ident == "resource" && only.contains(&format!("{}.{}", b.label(0), b.label(1))))
        .filter_map(|b| b.str("policy"))
        .collect();
    if !texts.is_empty() {
        for d in blocks.iter().filter(|b| b.block.ident == "data" && b.label(0) == "aws_iam_policy_document") {
            let name = format!("data.aws_iam_policy_document.{}", d.label(1));
            let used_elsewhere = other.iter().any(|(from, to)| to == &name && !only.contains(from));
            if !used_elsewhere && d.str("json").is_some_and(|j| texts.contains(&j)) {
                only.insert(name);
            }
        }
    }
    only
}

/// One place that holds statements.
pub struct PolicySource<'a> {
    pub item: Item<'a>,
    pub statements: Vec<Statement>,
    pub kind: Kind,
}

/// Whether a module input is named for one policy document (`policy`, `policy_json`,
/// `inline_policy`, `role_policy_document`), not for a list of them, a trust policy or
/// policy ARNs.
fn is_policy_input(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    let named = k == "policy" || k.ends_with("_policy") || k.ends_with("policy_json") || k.ends_with("policy_document");
    named
        && ![
            "assume",
            "trust",
            "boundary",
            "bucket",
            "key_",
            "kms",
            "queue",
            "topic",
            "repository",
            "lifecycle",
            "backup",
            "scaling",
        ]
        .iter()
        .any(|w| k.contains(w))
}

/// Whether a module input is named for one trust policy document (`assume_role_policy`,
/// `trust_policy`, `assume_role_policy_document`, `trust_policy_json`), not for its parts
/// (`trusted_role_arns`, `trust_policy_conditions`).
fn is_trust_input(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    (k.contains("assume_role_policy") || k.contains("trust_policy"))
        && !["condition", "arns", "principal", "statements", "services"].iter().any(|w| k.contains(w))
}

/// Whether a module input is named for statements of the policy the module writes for the
/// identity it creates (`policy_statements` of terraform-aws-modules' lambda and
/// step-functions, `tasks_iam_role_statements` of ecs), not for its trust.
fn is_statements_input(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.ends_with("statements")
        && !["assume", "trust", "boundary", "bucket", "key_", "kms", "queue", "topic"].iter().any(|w| k.contains(w))
}

/// The statements a module input gives as objects in the modules' own shape
/// (`{ effect, actions, not_actions, resources, not_resources, condition }`, a map keyed by
/// statement id or a list), as a policy document. Statements naming principals belong to a
/// resource policy and are left out.
fn statements_input_document(v: &Value) -> Option<Value> {
    let entries = match v {
        Value::Object(m) if m.values().all(|x| matches!(x, Value::Object(_))) => m.values().cloned().collect(),
        Value::List(l) => l.clone(),
        _ => return None,
    };
    let mut statements = Vec::new();
    for e in entries {
        let Value::Object(fields) = e else { continue };
        if fields.contains_key("principals") || fields.contains_key("not_principals") {
            continue;
        }
        let mut stmt = BTreeMap::new();
        for (from, to) in [
            ("effect", "Effect"),
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ] {
            if let Some(x) = fields.get(from).filter(|x| !x.is_null()) {
                stmt.insert(to.to_owned(), x.clone());
            }
        }
        // `condition = [{ test, variable, values }]` (or `conditions`).
        let mut condition: BTreeMap<String, Value> = BTreeMap::new();
        for c in fields.get("condition").or_else(|| fields.get("conditions")).map(Value::items).unwrap_or_default() {
            let (Some(test), Some(variable)) =
                (c.get("test").and_then(Value::as_str), c.get("variable").and_then(Value::as_str))
            else {
                continue;
            };
            let values = c.get("values").cloned().unwrap_or(Value::Unknown);
            if let Value::Object(keys) =
                condition.entry(test.to_owned()).or_insert_with(|| Value::Object(BTreeMap::new()))
            {
                keys.insert(variable.to_owned(), values);
            }
        }
        if !condition.is_empty() {
            stmt.insert("Condition".to_owned(), Value::Object(condition));
        }
        if stmt.contains_key("Action") || stmt.contains_key("NotAction") {
            statements.push(Value::Object(stmt));
        }
    }
    (!statements.is_empty())
        .then(|| Value::Object([("Statement".to_owned(), Value::List(statements))].into_iter().collect()))
}

/// Every statement holder of a module, in a fixed order.
pub(super) fn collect<'a>(view: &ModuleView<'a>) -> Vec<PolicySource<'a>> {
    {
        let mut out = Vec::new();
        let boundaries = boundary_only(view);
        let kind_of = |item: &Item<'_>, kind: Kind| {
            let name =
                format!("{}{}.{}", if item.block.ident == "data" { "data." } else { "" }, item.label(0), item.label(1));
            if boundaries.contains(&name) { Kind::Boundary } else { kind }
        };
        for d in view.blocks("data", Some("aws_iam_policy_document")) {
            let statements = statements_from_block(d.block, d.env);
            let kind = kind_of(&d, Kind::Document);
            out.push(PolicySource { item: d, statements, kind });
        }
        // A policy written as a template (`data "template_file"`, as Terraform 0.11 code
        // does), rendered into the policies that read it: judged where it is written.
        for d in view.blocks("data", Some("template_file")) {
            let Some(statements) = statements_of(&d, "template").filter(|s| !s.is_empty()) else { continue };
            let kind = kind_of(&d, Kind::Document);
            out.push(PolicySource { item: d, statements, kind });
        }
        for (ty, key) in IDENTITY {
            for r in view.blocks("resource", Some(ty)) {
                if ty == "aws_iam_role" {
                    for ip in r.nested(key) {
                        if let Some(statements) = statements_of(&ip, "policy") {
                            out.push(PolicySource { item: r.clone(), statements, kind: Kind::Identity });
                        }
                    }
                } else if let Some(statements) = statements_of(&r, key) {
                    let kind = kind_of(&r, Kind::Identity);
                    out.push(PolicySource { item: r, statements, kind });
                }
            }
        }
        for ty in CC_INLINE {
            for r in view.blocks("resource", Some(ty)) {
                let Some(attr) = r.attr("policies") else { continue };
                for p in r.env.eval_lenient(&attr.expr).items() {
                    if let Some(doc) = p.get("policy_document").and_then(|d| d.as_document()) {
                        let statements = statements_from_document(&doc, &attr.expr.span);
                        out.push(PolicySource { item: r.clone(), statements, kind: Kind::Identity });
                    }
                }
            }
        }
        // A registry or git module given a policy document to create or attach
        // (`policy = jsonencode({…})` of terraform-aws-modules' iam-policy): an identity
        // policy when none of its statements names a principal (a bucket or key policy does).
        for call in view.blocks("module", None) {
            if !view.call_code_absent(&call) {
                continue;
            }
            for attr in call.body.attrs.iter().filter(|a| is_policy_input(&a.key)) {
                let Some(statements) = statements_of(&call, &attr.key) else { continue };
                if !statements.is_empty()
                    && statements.iter().all(|s| s.principals.is_none() && s.not_principals.is_none())
                {
                    out.push(PolicySource { item: call.clone(), statements, kind: Kind::Identity });
                }
            }
            // Statements given as objects (`policy_statements = { bedrock = { actions = […],
            // resources = ["*"] } }`), unless the module's switch for them is off
            // (`attach_policy_statements`, which terraform-aws-modules' lambda leaves off).
            for attr in call.body.attrs.iter().filter(|a| is_statements_input(&a.key)) {
                let switch = format!("attach_{}", attr.key);
                if call.body.attrs.iter().any(|a| a.key.starts_with("attach_"))
                    && call.value(&switch).and_then(|v| v.as_bool()) != Some(true)
                {
                    continue;
                }
                let Some(doc) = statements_input_document(&call.env.eval_lenient(&attr.expr)) else { continue };
                let statements = statements_from_document(&doc, &attr.expr.span);
                if !statements.is_empty() {
                    out.push(PolicySource { item: call.clone(), statements, kind: Kind::Identity });
                }
            }
            // A trust policy document handed to a role module (`assume_role_policy =
            // templatefile(…)`, `trust_policy = data.aws_iam_policy_document.x.json`).
            for attr in call.body.attrs.iter().filter(|a| is_trust_input(&a.key)) {
                if let Some(statements) = statements_of(&call, &attr.key).filter(|s| !s.is_empty()) {
                    out.push(PolicySource { item: call.clone(), statements, kind: Kind::Trust });
                }
            }
        }
        for (ty, key) in [("aws_iam_role", "assume_role_policy"), ("awscc_iam_role", "assume_role_policy_document")] {
            for r in view.blocks("resource", Some(ty)) {
                if let Some(statements) = statements_of(&r, key) {
                    out.push(PolicySource { item: r, statements, kind: Kind::Trust });
                }
            }
        }
        for (ty, key) in RESOURCE_POLICIES {
            for r in view.blocks("resource", Some(ty)) {
                if let Some(statements) = statements_of(&r, key) {
                    out.push(PolicySource { item: r, statements, kind: Kind::Resource });
                }
            }
        }
        out
    }
}

/// Statements of identity policies and of every `aws_iam_policy_document`.
pub fn identity_statements<'f, 'a>(all: &'f [PolicySource<'a>]) -> Vec<&'f PolicySource<'a>> {
    all.iter().filter(|p| matches!(p.kind, Kind::Identity | Kind::Document)).collect()
}

/// Trust policies: `assume_role_policy` of roles, and every `aws_iam_policy_document`.
pub fn trust_statements<'f, 'a>(all: &'f [PolicySource<'a>]) -> Vec<&'f PolicySource<'a>> {
    all.iter().filter(|p| matches!(p.kind, Kind::Trust | Kind::Document)).collect()
}

/// Resource policies and every `aws_iam_policy_document`.
pub fn resource_statements<'f, 'a>(all: &'f [PolicySource<'a>]) -> Vec<&'f PolicySource<'a>> {
    all.iter().filter(|p| matches!(p.kind, Kind::Resource | Kind::Document)).collect()
}

/// Whether a statement grants role assumption.
pub fn is_assume_role(s: &Statement) -> bool {
    s.action_strs().iter().any(|a| {
        let l = a.to_ascii_lowercase();
        l == "*" || l == "sts:*" || l.starts_with("sts:assumerole")
    })
}
