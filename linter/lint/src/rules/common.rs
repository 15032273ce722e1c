//! Small judgements several rules share: placeholders, entropy, durations, member strings.

use crate::eval::{Env, Value};
use crate::model::{Expr, ExprKind, TemplatePart};

/// Values that stand in for a secret rather than being one.
pub fn is_placeholder(s: &str) -> bool {
    let t = s.trim();
    let l = t.to_ascii_lowercase();
    if t.len() < 6 || t.starts_with('<') || t.starts_with('{') || t.starts_with("${") || t.contains("${") {
        return true;
    }
    const WORDS: [&str; 24] = [
        "changeme",
        "change_me",
        "change-me",
        "replace",
        "placeholder",
        "example",
        "dummy",
        "sample",
        "your_",
        "your-",
        "yourpassword",
        "redacted",
        "notasecret",
        "not-a-secret",
        "todo",
        "fixme",
        "xxxx",
        "****",
        "....",
        "fake",
        "insert",
        "secret_here",
        "password_here",
        "must_be_set",
    ];
    if WORDS.iter().any(|w| l.contains(w)) {
        return true;
    }
    // One repeated character ("aaaaaaaa", "00000000").
    let first = t.chars().next().unwrap_or(' ');
    t.chars().all(|c| c == first)
}

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f64 {
    let mut counts = [0usize; 256];
    let mut n = 0usize;
    for b in s.bytes() {
        counts[b as usize] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n as f64;
            -p * p.log2()
        })
        .sum()
}

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
pub fn member_exprs(item: &crate::rule::Item<'_>) -> Vec<Expr> {
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
    fn placeholders_and_entropy() {
        for p in ["changeme", "REPLACE_ME", "${var.x}", "<secret>", "xxxxxxxxxx", "your-token-here", "abc"] {
            assert!(is_placeholder(p), "{p}");
        }
        assert!(!is_placeholder("N0t-a-Plac3holder!"));
        assert!(entropy("aaaa") < 0.1);
        assert!(entropy("aB3$kL9#qW") > 3.0);
    }

    #[test]
    fn durations() {
        assert_eq!(duration(&Value::Str("0".into())), Some(Dur::Zero));
        assert_eq!(duration(&Value::Str("768h".into())), Some(Dur::Secs(768 * 3600)));
        assert_eq!(duration(&Value::Number(3600.0)), Some(Dur::Secs(3600)));
        assert_eq!(duration(&Value::Unknown), None);
    }
}
