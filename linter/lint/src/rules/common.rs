//! Small judgements several rules share: durations, member strings. (Placeholders and
//! entropy belong to the secrets facts.)

use crate::eval::{Env, Value};
use crate::syntax::{Expr, ExprKind, TemplatePart};

/// A duration as Vault and cloud providers write it: seconds, or `1h30m`/`768h`/`90d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dur {
    /// `0` or `"0"`: for Vault, "no limit".
    Zero,
    Secs(u64),
}

pub fn duration(v: &Value) -> Option<Dur> {
    match v {
        Value::Number(n) if *n <= 0.0 => Some(Dur::Zero),
        Value::Number(n) => Some(Dur::Secs(*n as u64)),
        Value::Str(s) => {
            let t = s.trim();
            if t.trim_start_matches('0').is_empty() || t == "0s" || t == "0h" || t == "0m" {
                return Some(Dur::Zero);
            }
            nhi_core::Ttl::parse(t).ok().map(|d| Dur::Secs(d.as_secs()))
        }
        _ => None,
    }
}

/// The known beginning of a string expression: the whole string when known, else the literal
/// text before the first unknown interpolation.
pub fn known_prefix(e: &Expr, env: &Env<'_>) -> Option<String> {
    if let Some(s) = env.eval(e).as_str() {
        return Some(s.to_owned());
    }
    let ExprKind::Template(parts) = &e.kind else { return None };
    let mut out = String::new();
    for p in parts {
        match p {
            TemplatePart::Lit(l) => out.push_str(l),
            TemplatePart::Interp(x) => match env.eval(x).as_str() {
                Some(s) => out.push_str(s),
                None => break,
            },
            TemplatePart::Directive => break,
        }
    }
    Some(out)
}

/// Whether an IAM member expression names a GCP service account.
pub fn is_service_account_member(e: &Expr, env: &Env<'_>) -> bool {
    if let Some(p) = known_prefix(e, env)
        && p.starts_with("serviceAccount:")
    {
        return true;
    }
    match e.traversal_path() {
        Some(p) => {
            (p.starts_with("google_service_account.") || p.starts_with("data.google_service_account."))
                && p.ends_with(".member")
        }
        None => false,
    }
}

/// Member expressions of a `member` attribute or the elements of a `members` list.
pub fn member_exprs(item: &crate::query::Item<'_>) -> Vec<Expr> {
    let mut out = Vec::new();
    if let Some(a) = item.attr("member") {
        out.push(a.expr.clone());
    }
    if let Some(a) = item.attr("members") {
        match &a.expr.kind {
            ExprKind::Array(items) => out.extend(items.iter().cloned()),
            _ => {
                // A list from a variable or local: keep its known strings as literals.
                for v in item.env.eval(&a.expr).items() {
                    if let Value::Str(s) = v {
                        out.push(Expr { kind: ExprKind::Str(s), span: a.expr.span.clone() });
                    }
                }
            }
        }
    }
    out
}

/// Case-insensitive membership.
pub fn in_list(s: &str, list: &[&str]) -> bool {
    list.iter().any(|x| x.eq_ignore_ascii_case(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration(&Value::Str("0".into())), Some(Dur::Zero));
        assert_eq!(duration(&Value::Str("768h".into())), Some(Dur::Secs(768 * 3600)));
        assert_eq!(duration(&Value::Number(3600.0)), Some(Dur::Secs(3600)));
        assert_eq!(duration(&Value::Unknown), None);
    }
}
