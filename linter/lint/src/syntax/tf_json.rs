//! The JSON syntax front-end (`.tf.json`): the same tree, from our position-keeping JSON reader.

use super::hcl::template_expr;
use super::json::{Json, Spanned};
use super::tree::*;
use crate::span::Span;

pub fn parse_tf_json(src: &str) -> Result<Body, SyntaxError> {
    let value = super::json::parse(src)?;
    let Json::Object(top) = &value.value else {
        return Err(SyntaxError { message: "a .tf.json file must hold an object".into(), offset: value.span.start });
    };
    let mut body = Body::default();
    for (key, key_span, v) in top {
        let labels_depth = match key.as_str() {
            "resource" | "data" | "ephemeral" => 2,
            "module" | "provider" | "variable" | "output" => 1,
            "locals" | "terraform" => 0,
            _ => continue,
        };
        collect_json_blocks(key, key_span.clone(), v, labels_depth, Vec::new(), &mut body.blocks);
    }
    Ok(body)
}

/// A `.tfvars.json` file: one object whose members set variables, as a `.tfvars` file's
/// attributes do.
pub fn parse_tfvars_json(src: &str) -> Result<Body, SyntaxError> {
    let value = super::json::parse(src)?;
    let Json::Object(top) = &value.value else {
        return Err(SyntaxError {
            message: "a .tfvars.json file must hold an object".into(),
            offset: value.span.start,
        });
    };
    let mut body = Body::default();
    for (key, key_span, v) in top {
        body.attrs.push(Attr { key: key.clone(), expr: json_expr(v), span: key_span.start..v.span.end });
    }
    Ok(body)
}

fn collect_json_blocks(
    ident: &str,
    header: Span,
    v: &Spanned,
    depth: usize,
    labels: Vec<String>,
    out: &mut Vec<Block>,
) {
    match &v.value {
        Json::Array(items) => {
            for it in items {
                collect_json_blocks(ident, header.clone(), it, depth, labels.clone(), out);
            }
        }
        Json::Object(fields) if depth > 0 => {
            for (k, kspan, inner) in fields {
                let mut l = labels.clone();
                l.push(k.clone());
                collect_json_blocks(ident, kspan.clone(), inner, depth - 1, l, out);
            }
        }
        Json::Object(_) => {
            out.push(Block { ident: ident.to_owned(), labels, body: json_body(v), span: v.span.clone(), header });
        }
        _ => {}
    }
}

fn json_body(v: &Spanned) -> Body {
    let mut body = Body::default();
    let Json::Object(fields) = &v.value else { return body };
    for (k, kspan, inner) in fields {
        if k == "//" {
            continue;
        }
        let span = kspan.start..inner.span.end;
        body.attrs.push(Attr { key: k.clone(), expr: json_expr(inner), span: span.clone() });
        let nested: Vec<&Spanned> = match &inner.value {
            Json::Object(_) => vec![inner],
            Json::Array(items) if !items.is_empty() && items.iter().all(|i| matches!(i.value, Json::Object(_))) => {
                items.iter().collect()
            }
            _ => Vec::new(),
        };
        for n in nested {
            if k == "dynamic" {
                continue;
            }
            body.blocks.push(Block {
                ident: k.clone(),
                labels: Vec::new(),
                body: json_body(n),
                span: n.span.clone(),
                header: kspan.clone(),
            });
        }
    }
    body
}

fn json_expr(v: &Spanned) -> Expr {
    let span = v.span.clone();
    let kind = match &v.value {
        Json::Null => ExprKind::Null,
        Json::Bool(b) => ExprKind::Bool(*b),
        Json::Number(n) => ExprKind::Number(*n),
        Json::String(s) => {
            if s.contains("${") || s.contains("%{") {
                return match hcl_edit::parser::parse_template(s) {
                    Ok(t) => {
                        let mut e = template_expr(t.into_iter(), span.clone());
                        respan(&mut e, &span);
                        e
                    }
                    Err(_) => Expr::new(ExprKind::Str(s.clone()), span),
                };
            }
            ExprKind::Str(s.clone())
        }
        Json::Array(items) => ExprKind::Array(items.iter().map(json_expr).collect()),
        Json::Object(fields) => {
            ExprKind::Object(fields.iter().map(|(k, _, v)| (ObjKey::Ident(k.clone()), json_expr(v))).collect())
        }
    };
    Expr::new(kind, span)
}

/// Template sub-expressions parsed out of a JSON string get the string's span.
fn respan(e: &mut Expr, span: &Span) {
    e.walk_mut(&mut |x| x.span = span.clone());
}
