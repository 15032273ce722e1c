//! AWS IAM policy documents, read from `aws_iam_policy_document` blocks or from JSON (literal,
//! heredoc or `jsonencode`) into one statement shape that the scope rules share.

use std::collections::BTreeMap;

use crate::eval::{Env, Value};
use crate::model::{Block, Body, Span};

/// Stands for a condition operator or key that is not known statically.
pub const UNKNOWN_KEY: &str = "\u{e000}unknown";

#[derive(Debug, Clone)]
pub struct Statement {
    /// `Some(true)` for Allow (the default), `None` when the effect is not known.
    pub allow: Option<bool>,
    pub actions: Option<Vec<Value>>,
    pub not_actions: Option<Vec<Value>>,
    pub resources: Option<Vec<Value>>,
    /// `(type, identifiers)`; `Principal: "*"` is `("*", ["*"])`.
    pub principals: Option<Vec<(String, Vec<Value>)>>,
    /// `(operator, key, values)`.
    pub conditions: Vec<(String, String, Vec<Value>)>,
    pub span: Span,
    pub actions_span: Span,
    pub resources_span: Span,
    pub principals_span: Span,
}

impl Statement {
    pub fn is_allow(&self) -> bool {
        self.allow == Some(true)
    }

    /// Known action strings (unknown elements are skipped).
    pub fn action_strs(&self) -> Vec<String> {
        known_strs(self.actions.as_deref())
    }

    pub fn resource_strs(&self) -> Vec<String> {
        known_strs(self.resources.as_deref())
    }

    pub fn has_condition(&self) -> bool {
        !self.conditions.is_empty()
    }
}

fn known_strs(v: Option<&[Value]>) -> Vec<String> {
    v.unwrap_or_default().iter().filter_map(|x| x.as_str().map(str::to_owned)).collect()
}

/// Statements of a policy document value (`{"Statement": ...}`); all spans are `span`.
pub fn statements_from_document(doc: &Value, span: &Span) -> Vec<Statement> {
    let stmts = match doc.get("Statement") {
        Some(Value::List(l)) => l.clone(),
        Some(v @ Value::Object(_)) => vec![v.clone()],
        _ => return Vec::new(),
    };
    stmts.iter().filter_map(|s| statement_from_value(s, span)).collect()
}

fn statement_from_value(s: &Value, span: &Span) -> Option<Statement> {
    let Value::Object(o) = s else { return None };
    let get = |k: &str| o.iter().find(|(key, _)| key.eq_ignore_ascii_case(k)).map(|(_, v)| v);
    let allow = match get("Effect") {
        None => Some(true),
        Some(v) => v.as_str().map(|e| e.eq_ignore_ascii_case("allow")),
    };
    let principals = get("Principal").map(|p| match p {
        Value::Str(s) => vec![(s.clone(), vec![Value::Str(s.clone())])],
        Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), v.items())).collect(),
        _ => vec![("?".to_owned(), vec![Value::Unknown])],
    });
    let mut conditions = Vec::new();
    if let Some(c) = get("Condition") {
        match c {
            Value::Object(ops) => {
                for (op, keys) in ops {
                    match keys {
                        Value::Object(k) => {
                            for (key, vals) in k {
                                conditions.push((op.clone(), key.clone(), vals.items()));
                            }
                        }
                        _ => conditions.push((op.clone(), String::new(), vec![Value::Unknown])),
                    }
                }
            }
            _ => conditions.push((String::new(), String::new(), vec![Value::Unknown])),
        }
    }
    Some(Statement {
        allow,
        actions: get("Action").map(Value::items),
        not_actions: get("NotAction").map(Value::items),
        resources: get("Resource").map(Value::items),
        principals,
        conditions,
        span: span.clone(),
        actions_span: span.clone(),
        resources_span: span.clone(),
        principals_span: span.clone(),
    })
}

/// `statement` blocks (and `dynamic "statement"` contents) of an `aws_iam_policy_document`.
pub fn statement_bodies(body: &Body) -> Vec<(&Body, Span)> {
    let mut out: Vec<(&Body, Span)> = body.blocks("statement").map(|b| (&b.body, b.header.clone())).collect();
    for d in body.blocks("dynamic") {
        if d.labels.first().map(String::as_str) == Some("statement") {
            for c in d.body.blocks("content") {
                out.push((&c.body, d.header.clone()));
            }
        }
    }
    out
}

fn nested_bodies<'a>(body: &'a Body, name: &str) -> Vec<&'a Body> {
    let mut out: Vec<&Body> = body.blocks(name).map(|b| &b.body).collect();
    for d in body.blocks("dynamic") {
        if d.labels.first().map(String::as_str) == Some(name) {
            out.extend(d.body.blocks("content").map(|c| &c.body));
        }
    }
    out
}

/// Statements of an `aws_iam_policy_document` block, with spans on each attribute.
pub fn statements_from_block(block: &Block, env: &Env<'_>) -> Vec<Statement> {
    statement_bodies(&block.body).into_iter().map(|(b, header)| statement_from_body(b, header, env)).collect()
}

fn statement_from_body(b: &Body, header: Span, env: &Env<'_>) -> Statement {
    let list = |k: &str| b.attr(k).map(|a| env.eval(&a.expr).items());
    let span_of = |k: &str| b.attr(k).map_or(header.clone(), |a| a.expr.span.clone());
    let allow = match b.attr("effect") {
        None => Some(true),
        Some(a) => env.eval(&a.expr).as_str().map(|e| e.eq_ignore_ascii_case("allow")),
    };
    let principal_blocks = nested_bodies(b, "principals");
    let principals = (!principal_blocks.is_empty()).then(|| {
        principal_blocks
            .iter()
            .map(|p| {
                let ty = p.attr("type").and_then(|a| env.eval(&a.expr).as_str().map(str::to_owned));
                let ids = p.attr("identifiers").map(|a| env.eval(&a.expr).items()).unwrap_or_default();
                (ty.unwrap_or_else(|| "?".to_owned()), ids)
            })
            .collect()
    });
    let principals_span = b.blocks("principals").next().map_or(header.clone(), |p| p.span.clone());
    let conditions = nested_bodies(b, "condition")
        .iter()
        .map(|c| {
            // An attribute that is present but not known becomes UNKNOWN_KEY, never "".
            let s = |k: &str| match c.attr(k) {
                None => String::new(),
                Some(a) => env.eval(&a.expr).as_str().map_or_else(|| UNKNOWN_KEY.to_owned(), str::to_owned),
            };
            let values = c.attr("values").map(|a| env.eval(&a.expr).items()).unwrap_or_else(|| vec![Value::Unknown]);
            (s("test"), s("variable"), values)
        })
        .collect();
    Statement {
        allow,
        actions: list("actions"),
        not_actions: list("not_actions"),
        resources: list("resources"),
        principals,
        conditions,
        span: header.clone(),
        actions_span: span_of("actions"),
        resources_span: span_of("resources"),
        principals_span,
    }
}

/// The document an `aws_iam_policy_document` produces, for `data.….json` references.
pub fn policy_doc_value(block: &Block, env: &Env<'_>) -> Value {
    let mut statements = Vec::new();
    for key in ["source_policy_documents", "source_json"] {
        if let Some(a) = block.body.attr(key) {
            for doc in env.eval(&a.expr).items() {
                if let Some(Value::List(l)) = doc.as_document().and_then(|d| d.get("Statement").cloned()) {
                    statements.extend(l);
                }
            }
        }
    }
    for (b, _) in statement_bodies(&block.body) {
        let mut o = BTreeMap::new();
        let mut put = |k: &str, attr: &str| {
            if let Some(a) = b.attr(attr) {
                o.insert(k.to_owned(), env.eval(&a.expr));
            }
        };
        put("Sid", "sid");
        put("Effect", "effect");
        put("Action", "actions");
        put("NotAction", "not_actions");
        put("Resource", "resources");
        put("NotResource", "not_resources");
        for (key, block_name) in [("Principal", "principals"), ("NotPrincipal", "not_principals")] {
            let ps = nested_bodies(b, block_name);
            if ps.is_empty() {
                continue;
            }
            let mut m = BTreeMap::new();
            for p in ps {
                let ty = p.attr("type").map_or(Value::Unknown, |a| env.eval(&a.expr));
                let ids = p.attr("identifiers").map_or(Value::Unknown, |a| env.eval(&a.expr));
                match ty.as_str() {
                    Some(t) => {
                        m.insert(t.to_owned(), ids);
                    }
                    None => return Value::Unknown,
                }
            }
            o.insert(key.to_owned(), Value::Object(m));
        }
        let conds = nested_bodies(b, "condition");
        if !conds.is_empty() {
            let mut m: BTreeMap<String, Value> = BTreeMap::new();
            for c in conds {
                let test = c.attr("test").and_then(|a| env.eval(&a.expr).as_str().map(str::to_owned));
                let var = c.attr("variable").and_then(|a| env.eval(&a.expr).as_str().map(str::to_owned));
                let values = c.attr("values").map_or(Value::Unknown, |a| env.eval(&a.expr));
                let (Some(test), Some(var)) = (test, var) else { return Value::Unknown };
                if let Value::Object(inner) = m.entry(test).or_insert_with(|| Value::Object(BTreeMap::new())) {
                    inner.insert(var, values);
                }
            }
            o.insert("Condition".to_owned(), Value::Object(m));
        }
        statements.push(Value::Object(o));
    }
    let mut doc = BTreeMap::new();
    doc.insert("Version".to_owned(), Value::Str("2012-10-17".to_owned()));
    doc.insert("Statement".to_owned(), Value::List(statements));
    Value::Encoded(Box::new(Value::Object(doc)))
}

/// Whether an action pattern (`s3:Get*`, `*`, `iam:PassRole`) matches an action name.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    glob_match(&pattern.to_ascii_lowercase(), &action.to_ascii_lowercase())
}

fn glob_match(p: &str, s: &str) -> bool {
    let (p, s) = (p.as_bytes(), s.as_bytes());
    let (mut pi, mut si, mut star, mut mark) = (0, 0, None, 0);
    while si < s.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = si;
            pi += 1;
        } else if let Some(st) = star {
            pi = st + 1;
            mark += 1;
            si = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globbing() {
        assert!(action_matches("s3:Get*", "s3:GetObject"));
        assert!(action_matches("*", "iam:PassRole"));
        assert!(!action_matches("s3:Get*", "s3:PutObject"));
        assert!(action_matches("iam:*Role*", "iam:PassRole"));
    }

    #[test]
    fn document_statements() {
        let doc = Value::from_json(&serde_json::json!({
            "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Principal": {"AWS": "*"}}
        }));
        let s = statements_from_document(&doc, &(0..1));
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].action_strs(), vec!["*"]);
        assert_eq!(s[0].principals.as_ref().unwrap()[0].0, "AWS");
    }
}
