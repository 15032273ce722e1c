//! Where AWS policy statements live, for the rules that judge them.

use crate::model::ExprKind;
use crate::policy::{Statement, statements_from_block, statements_from_document};
use crate::rule::{Ctx, Item};

/// Identity-policy attributes: (resource type, attribute).
const IDENTITY: [(&str, &str); 6] = [
    ("aws_iam_policy", "policy"),
    ("aws_iam_role_policy", "policy"),
    ("aws_iam_user_policy", "policy"),
    ("aws_iam_group_policy", "policy"),
    ("aws_ssoadmin_permission_set_inline_policy", "inline_policy"),
    ("aws_iam_role", "inline_policy"),
];

/// Whether an attribute just points at a policy document data source, which is checked itself.
fn is_doc_reference(e: &crate::model::Expr) -> bool {
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

/// Statements of identity policies and of every `aws_iam_policy_document`.
pub fn identity_statements<'a>(cx: &Ctx<'a>) -> Vec<(Item<'a>, Vec<Statement>)> {
    let mut out = Vec::new();
    for d in cx.data("aws_iam_policy_document") {
        let s = statements_from_block(d.block, d.env);
        out.push((d, s));
    }
    for (ty, key) in IDENTITY {
        for r in cx.resources(ty) {
            if ty == "aws_iam_role" {
                for ip in r.nested(key) {
                    if let Some(s) = statements_of(&ip, "policy") {
                        out.push((r.clone(), s));
                    }
                }
            } else if let Some(s) = statements_of(&r, key) {
                out.push((r, s));
            }
        }
    }
    out
}

/// Trust policies: `assume_role_policy` of roles, and policy documents that grant `sts:Assume*`.
pub fn trust_statements<'a>(cx: &Ctx<'a>) -> Vec<(Item<'a>, Vec<Statement>)> {
    let mut out = Vec::new();
    for d in cx.data("aws_iam_policy_document") {
        let s = statements_from_block(d.block, d.env);
        out.push((d, s));
    }
    for r in cx.resources("aws_iam_role") {
        if let Some(s) = statements_of(&r, "assume_role_policy") {
            out.push((r, s));
        }
    }
    out
}

/// Whether a statement grants role assumption.
pub fn is_assume_role(s: &Statement) -> bool {
    s.action_strs().iter().any(|a| {
        let l = a.to_ascii_lowercase();
        l == "*" || l == "sts:*" || l.starts_with("sts:assumerole")
    })
}
