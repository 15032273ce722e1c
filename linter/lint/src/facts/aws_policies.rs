//! Where AWS policy statements live, for the rules that judge them.

use crate::eval::iam_policy::{Statement, statements_from_block, statements_from_document};
use crate::query::{Item, ModuleView};
use crate::syntax::{Expr, ExprKind};

/// Identity-policy attributes: (resource type, attribute).
const IDENTITY: [(&str, &str); 7] = [
    ("vault_aws_secret_backend_role", "policy_document"),
    ("aws_iam_policy", "policy"),
    ("aws_iam_role_policy", "policy"),
    ("aws_iam_user_policy", "policy"),
    ("aws_iam_group_policy", "policy"),
    ("aws_ssoadmin_permission_set_inline_policy", "inline_policy"),
    ("aws_iam_role", "inline_policy"),
];

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
    matches!(&e.kind, ExprKind::Traversal(..))
        && e.traversal_path().is_some_and(|p| p.starts_with("data.aws_iam_policy_document."))
}

fn statements_of<'a>(item: &Item<'a>, key: &str) -> Option<Vec<Statement>> {
    let attr = item.attr(key)?;
    if is_doc_reference(&attr.expr) {
        return None;
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
}

/// One place that holds statements.
pub struct PolicySource<'a> {
    pub item: Item<'a>,
    pub statements: Vec<Statement>,
    pub kind: Kind,
}

/// Every statement holder of a module, in a fixed order.
pub(super) fn collect<'a>(view: &ModuleView<'a>) -> Vec<PolicySource<'a>> {
    {
        let mut out = Vec::new();
        for d in view.blocks("data", Some("aws_iam_policy_document")) {
            let statements = statements_from_block(d.block, d.env);
            out.push(PolicySource { item: d, statements, kind: Kind::Document });
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
                    out.push(PolicySource { item: r, statements, kind: Kind::Identity });
                }
            }
        }
        for r in view.blocks("resource", Some("aws_iam_role")) {
            if let Some(statements) = statements_of(&r, "assume_role_policy") {
                out.push(PolicySource { item: r, statements, kind: Kind::Trust });
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
