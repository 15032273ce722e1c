//! AWS IAM policy documents, read from `aws_iam_policy_document` blocks or from JSON (literal,
//! heredoc or `jsonencode`) into one statement shape that the scope rules share.

use std::collections::BTreeMap;

use super::{Env, Value};
use crate::span::Span;
use crate::syntax::{Block, Body, Expr};

/// Stands for a condition operator or key that is not known statically.
pub const UNKNOWN_KEY: &str = "\u{e000}unknown";

#[derive(Debug, Clone)]
pub struct Statement {
    /// `Some(true)` for Allow (the default), `None` when the effect is not known.
    pub allow: Option<bool>,
    pub actions: Option<Vec<Value>>,
    pub not_actions: Option<Vec<Value>>,
    pub resources: Option<Vec<Value>>,
    pub not_resources: Option<Vec<Value>>,
    /// `(type, identifiers)`; `Principal: "*"` is `("*", ["*"])`; an unknown type is `"?"`.
    pub principals: Option<Vec<(String, Vec<Value>)>>,
    pub not_principals: Option<Vec<(String, Vec<Value>)>>,
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

    /// Whether a condition narrows which resources or callers the statement covers: not only
    /// keys about the request's region, transport or time (`aws:RequestedRegion`,
    /// `aws:SecureTransport`), which leave every resource there open, the service a role is
    /// passed to (`iam:PassedToService`: any role of the account may still be passed), or an
    /// opt-out tag (`StringNotLike` on `aws:ResourceTag/OptOut`: every resource not tagged
    /// stays open).
    pub fn has_narrowing_condition(&self) -> bool {
        const NOT_NARROWING: [&str; 5] =
            ["aws:requestedregion", "aws:securetransport", "aws:currenttime", "aws:epochtime", "iam:passedtoservice"];
        self.conditions.iter().any(|(op, key, _)| {
            let key = key.to_ascii_lowercase();
            let op = op.to_ascii_lowercase();
            let opt_out = op.contains("not") && key.contains(":resourcetag/");
            !NOT_NARROWING.contains(&key.as_str()) && !opt_out
        })
    }

    /// Whether an unconditional `Deny` among `all` (the statements of the same policy document)
    /// takes away everything this statement allows: its `Action` patterns cover every action the
    /// statement can grant and its `Resource` patterns every resource. `Deny` always wins, so
    /// such an Allow grants nothing. A conditional Deny, a `NotAction`/`NotResource`/
    /// `NotPrincipal` Deny, a Deny for named principals only, or one whose coverage is not
    /// known statically neutralises nothing.
    pub fn is_denied_by(&self, all: &[Statement]) -> bool {
        all.iter().any(|d| d.neutralises(self))
    }

    fn neutralises(&self, allow: &Statement) -> bool {
        if self.allow != Some(false)
            || self.has_condition()
            || self.not_actions.is_some()
            || self.not_resources.is_some()
            || self.not_principals.is_some()
        {
            return false;
        }
        // A Deny naming principals only denies them (a resource policy); `"*"` is everyone.
        let everyone = self.principals.as_ref().is_none_or(|ps| {
            ps.iter().any(|(ty, ids)| (ty == "*" || ty == "AWS") && ids.iter().any(|i| i.as_str() == Some("*")))
        });
        if !everyone {
            return false;
        }
        let deny_actions = self.action_strs();
        let deny_resources = self.resource_strs();
        covers_all(&deny_actions, allow.actions.as_deref(), allow.not_actions.is_some(), true)
            && covers_all(&deny_resources, allow.resources.as_deref(), allow.not_resources.is_some(), false)
    }
}

/// Whether the `deny` patterns cover every element the allow side can match: `Some(list)` of
/// which every element is known and covered, or anything at all when `deny` has `"*"`. A
/// `Not…` list, or a missing or unknown element, is covered only by `"*"`.
fn covers_all(deny: &[String], allow: Option<&[Value]>, negated: bool, ignore_case: bool) -> bool {
    if deny.iter().any(|d| d == "*") {
        return true;
    }
    if negated {
        return false;
    }
    let Some(items) = allow else { return false };
    !items.is_empty()
        && items.iter().all(|v| v.as_str().is_some_and(|a| deny.iter().any(|d| pattern_covers(d, a, ignore_case))))
}

/// Whether every name `inner` (a name or a `*`/`?` pattern) matches is matched by `outer`.
/// Judged soundly: a wildcard `inner` is covered only by an `outer` that is a literal prefix
/// followed by `*` (`s3:*` covers `s3:Get*`), or by the same pattern.
fn pattern_covers(outer: &str, inner: &str, ignore_case: bool) -> bool {
    let (outer, inner) = if ignore_case {
        (outer.to_ascii_lowercase(), inner.to_ascii_lowercase())
    } else {
        (outer.to_owned(), inner.to_owned())
    };
    if outer == inner {
        return true;
    }
    if !inner.contains(['*', '?']) {
        return glob_match(&outer, &inner);
    }
    outer.strip_suffix('*').is_some_and(|prefix| !prefix.contains(['*', '?']) && inner.starts_with(prefix))
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
    // Without an Effect IAM refuses the policy, but what it was written to grant is an Allow:
    // a reviewer reads it so, and adding the missing Effect would grant it.
    let allow = match get("Effect") {
        None => Some(true),
        Some(v) => v.as_str().map(|e| e.eq_ignore_ascii_case("allow")),
    };
    let principals_of = |p: &Value| match p {
        Value::Str(s) => vec![(s.clone(), vec![Value::Str(s.clone())])],
        Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), v.items())).collect(),
        _ => vec![("?".to_owned(), vec![Value::Unknown])],
    };
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
        not_resources: get("NotResource").map(Value::items),
        principals: get("Principal").map(principals_of),
        not_principals: get("NotPrincipal").map(principals_of),
        conditions,
        span: span.clone(),
        actions_span: span.clone(),
        resources_span: span.clone(),
        principals_span: span.clone(),
    })
}

/// Reads each block `name` of a body (and each element of a `dynamic "name"`, its iterator
/// bound) with `read`.
fn read_nested<T>(body: &Body, name: &str, env: &Env<'_>, mut read: impl FnMut(&Block, &Body) -> T) -> Vec<T> {
    env.expand_dynamic(body, name)
        .into_iter()
        .map(|(b, inner, it)| match it {
            Some((n, k, v)) => env.with_iterator(&n, k, v, || read(b, inner)),
            None => read(b, inner),
        })
        .collect()
}

/// The statements an `aws_iam_policy_document` block produces: those of its
/// `source_policy_documents`/`source_json`, its own `statement` blocks, then those of its
/// `override_policy_documents`/`override_json` (each spanned on the attribute that holds it).
/// The one reader of policy documents: the rules and `data.….json` both use it.
pub fn statements_from_block(block: &Block, env: &Env<'_>) -> Vec<Statement> {
    let included = |keys: [&str; 2]| -> Vec<Statement> {
        let mut out = Vec::new();
        for key in keys {
            if let Some(a) = block.body.attr(key) {
                for doc in env.eval(&a.expr).items() {
                    if let Some(d) = doc.as_document() {
                        out.extend(statements_from_document(&d, &a.expr.span));
                    }
                }
            }
        }
        out
    };
    let mut out = included(["source_policy_documents", "source_json"]);
    out.extend(read_nested(&block.body, "statement", env, |b, inner| {
        statement_from_body(inner, b.header.clone(), env)
    }));
    out.extend(included(["override_policy_documents", "override_json"]));
    out
}

fn principal_list(b: &Body, block_name: &str, env: &Env<'_>) -> Option<Vec<(String, Vec<Value>)>> {
    let principals = read_nested(b, block_name, env, |_, p| {
        // An unknown principal type is kept as "?": its identifiers can still be judged.
        let ty = p.attr("type").and_then(|a| env.eval(&a.expr).as_str().map(str::to_owned));
        let ids = p.attr("identifiers").map(|a| env.eval(&a.expr).items()).unwrap_or_default();
        (ty.unwrap_or_else(|| "?".to_owned()), ids)
    });
    (!principals.is_empty()).then_some(principals)
}

fn statement_from_body(b: &Body, header: Span, env: &Env<'_>) -> Statement {
    // `not_actions = statement.value.not_actions` of an input that leaves it out: null, which
    // Terraform treats as not set.
    let list = |k: &str| b.attr(k).map(|a| env.eval(&a.expr)).filter(|v| !v.is_null()).map(|v| v.items());
    let span_of = |k: &str| b.attr(k).map_or(header.clone(), |a| a.expr.span.clone());
    let allow = match b.attr("effect").map(|a| env.eval(&a.expr)) {
        None | Some(Value::Null) => Some(true),
        Some(v) => v.as_str().map(|e| e.eq_ignore_ascii_case("allow")),
    };
    let principals_span = b.blocks("principals").next().map_or(header.clone(), |p| p.span.clone());
    let conditions = read_nested(b, "condition", env, |_, c| {
        // An attribute that is present but not known becomes UNKNOWN_KEY, never "".
        let s = |k: &str| match c.attr(k) {
            None => String::new(),
            Some(a) => env.eval(&a.expr).as_str().map_or_else(|| UNKNOWN_KEY.to_owned(), str::to_owned),
        };
        // A key built on a value not known here keeps its known suffix
        // (`${module.eks.oidc_provider}:aud` is an audience, not the subject).
        let key = match c.attr("variable").map(|a| env.eval_lenient(&a.expr)) {
            None => String::new(),
            Some(Value::Str(k)) if !k.contains(super::HOLE) => k,
            Some(Value::Str(k)) if k.rsplit(super::HOLE).next().is_some_and(|t| t.starts_with(':') && t.len() > 1) => k,
            Some(_) => UNKNOWN_KEY.to_owned(),
        };
        // A token subject keeps its known parts (`repo:${var.org}/${var.repo}:*`): what its
        // wildcard admits is written there even when the repository is a variable.
        let eval = |e: &Expr| if key.ends_with(":sub") { env.eval_lenient(e) } else { env.eval(e) };
        let values = match c.attr("values") {
            None => vec![Value::Unknown],
            Some(a) => match eval(&a.expr).items() {
                // `[for repo in var.repositories : "repo:${repo}:*"]` over a default of `[]`:
                // the subjects every caller's repositories are made into.
                // So is one over a list not known here at all (no default).
                v if key.ends_with(":sub") && v.iter().all(|x| *x == Value::Unknown) => {
                    env.eval_shapes(&a.expr).items()
                }
                v => v,
            },
        };
        (s("test"), key, values)
    });
    Statement {
        allow,
        actions: list("actions"),
        not_actions: list("not_actions"),
        // Kept with holes, also through the locals it reads: an ARN's known parts say what it
        // covers (`…:parameter/*`, `"${local.secretsmanager_arn}:secret:*"`).
        resources: b
            .attr("resources")
            .map(|a| env.eval_lenient_deep(&a.expr))
            .filter(|v| !v.is_null())
            .map(|v| v.items()),
        not_resources: list("not_resources"),
        principals: principal_list(b, "principals", env),
        not_principals: principal_list(b, "not_principals", env),
        conditions,
        span: header.clone(),
        actions_span: span_of("actions"),
        resources_span: span_of("resources"),
        principals_span,
    }
}

impl Statement {
    /// The statement as a policy document's JSON structure.
    fn to_value(&self) -> Value {
        let mut o = BTreeMap::new();
        let effect = match self.allow {
            Some(true) => Value::Str("Allow".to_owned()),
            Some(false) => Value::Str("Deny".to_owned()),
            None => Value::Unknown,
        };
        o.insert("Effect".to_owned(), effect);
        for (key, list) in [
            ("Action", &self.actions),
            ("NotAction", &self.not_actions),
            ("Resource", &self.resources),
            ("NotResource", &self.not_resources),
        ] {
            if let Some(l) = list {
                o.insert(key.to_owned(), Value::List(l.clone()));
            }
        }
        for (key, ps) in [("Principal", &self.principals), ("NotPrincipal", &self.not_principals)] {
            if let Some(ps) = ps {
                let mut m: BTreeMap<String, Value> = BTreeMap::new();
                for (ty, ids) in ps {
                    if let Some(Value::List(l)) = m.get_mut(ty) {
                        l.extend(ids.iter().cloned());
                    } else {
                        m.insert(ty.clone(), Value::List(ids.clone()));
                    }
                }
                o.insert(key.to_owned(), Value::Object(m));
            }
        }
        if !self.conditions.is_empty() {
            let mut m: BTreeMap<String, Value> = BTreeMap::new();
            for (test, var, values) in &self.conditions {
                if let Value::Object(inner) = m.entry(test.clone()).or_insert_with(|| Value::Object(BTreeMap::new())) {
                    inner.insert(var.clone(), Value::List(values.clone()));
                }
            }
            o.insert("Condition".to_owned(), Value::Object(m));
        }
        Value::Object(o)
    }
}

/// The document an `aws_iam_policy_document` produces, for `data.….json` references: built
/// from the same statements the rules read.
pub fn policy_doc_value(block: &Block, env: &Env<'_>) -> Value {
    let statements = statements_from_block(block, env).iter().map(Statement::to_value).collect();
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

    fn doc(json: serde_json::Value) -> Vec<Statement> {
        statements_from_document(&Value::from_json(&json), &(0..1))
    }

    #[test]
    fn deny_neutralises_allow() {
        let deny_all = serde_json::json!({"Effect": "Deny", "Action": "*", "Resource": "*"});
        let allow = serde_json::json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*"});
        let s = doc(serde_json::json!({"Statement": [allow.clone(), deny_all]}));
        assert!(s[0].is_denied_by(&s));
        // A conditional Deny neutralises nothing.
        let s = doc(serde_json::json!({"Statement": [allow.clone(), {"Effect": "Deny", "Action": "*",
            "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]}));
        assert!(!s[0].is_denied_by(&s));
        // A Deny covering the Allow's actions and resources.
        let s = doc(serde_json::json!({"Statement": [
            {"Action": ["s3:Get*", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Deny", "Action": ["S3:*"], "Resource": ["arn:aws:s3:::b/*"]}]}));
        assert!(s[0].is_denied_by(&s));
        // Partial coverage: a narrower Deny, another resource, NotAction.
        let s = doc(serde_json::json!({"Statement": [
            {"Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"},
            {"Effect": "Deny", "Action": "*", "Resource": "arn:aws:s3:::b"},
            {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"},
            {"Effect": "Allow", "Action": "*", "Resource": "*"}]}));
        assert!(!s[0].is_denied_by(&s));
        // A NotAction Allow is covered only by a Deny of "*".
        let s = doc(serde_json::json!({"Statement": [
            {"NotAction": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}));
        assert!(!s[0].is_denied_by(&s));
        assert!(pattern_covers("s3:*", "s3:Get*", true));
        assert!(!pattern_covers("s3:Get?", "s3:Get*", true));
        assert!(!pattern_covers("s3:Get*", "s3:*", true));
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
