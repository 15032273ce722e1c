//! Finding literal secrets in any value: the scan that `hardcoded-token` and
//! `hardcoded-credential` share. Only literals are looked at — references, function results
//! and interpolations are never secrets in the code.

use std::sync::LazyLock;

use regex::Regex;

use crate::span::Span;
use crate::syntax::{Attr, Block, Body, Expr, ExprKind, ObjKey, SourceFile, TemplatePart, address_of};

/// Known token formats: (what it is, pattern).
const FORMATS: [(&str, &str); 18] = [
    ("AWS access key ID", r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b"),
    ("GitHub token", r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b"),
    ("GitHub fine-grained token", r"\bgithub_pat_[A-Za-z0-9_]{40,}"),
    ("GitLab token", r"\bgl(?:pat|dt|rt|ptt|ft|cbt|imt|oas)-[A-Za-z0-9_\-]{20,}"),
    ("Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    ("Slack webhook URL", r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{16,}"),
    ("Google API key", r"\bAIza[0-9A-Za-z_\-]{35}"),
    (
        "private key",
        r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----(?:\s|\\n)*[A-Za-z0-9+/=]{40,}",
    ),
    ("Stripe secret key", r"\b[sr]k_live_[0-9A-Za-z]{20,}"),
    ("SendGrid API key", r"\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}"),
    ("npm token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    ("Vault token", r"\bhv[sb]\.[A-Za-z0-9_\-]{24,}"),
    ("JSON web token", r"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}"),
    ("DigitalOcean token", r"\bdo[opr]_v1_[a-f0-9]{64}\b"),
    ("Azure storage account key", r"AccountKey=[A-Za-z0-9+/=]{60,}"),
    ("nhi API key", r"\bnhi_(?:key|sk)_[A-Za-z0-9_]{20,}"),
    ("Terraform Cloud token", r"\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_\-=]{60,}"),
    ("Twilio API key", r"\bSK[0-9a-f]{32}\b"),
];

static ANY: LazyLock<Regex> = LazyLock::new(|| {
    let joined: Vec<String> = FORMATS.iter().map(|(_, p)| format!("(?:{p})")).collect();
    Regex::new(&joined.join("|")).unwrap_or_else(|_| Regex::new("$^").unwrap_or_else(|_| unreachable!()))
});

static EACH: LazyLock<Vec<(&'static str, Regex)>> =
    LazyLock::new(|| FORMATS.iter().filter_map(|(n, p)| Regex::new(p).ok().map(|r| (*n, r))).collect());

/// The kind of known token in `s`, if any (placeholders such as `AKIAIOSFODNN7EXAMPLE` excluded).
pub fn known_token(s: &str) -> Option<&'static str> {
    if s.len() < 16 || !ANY.is_match(s) {
        return None;
    }
    for (name, re) in EACH.iter() {
        for m in re.find_iter(s) {
            let t = m.as_str();
            let l = t.to_ascii_lowercase();
            if l.contains("example") || l.contains("xxxx") || t.contains("0000000000") || l.contains("1234567890") {
                continue;
            }
            return Some(name);
        }
    }
    None
}

const CRED_WORDS: [&str; 10] =
    ["password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "credential", "credentials", "pat"];
const CRED_JOINED: [&str; 12] = [
    "api_key",
    "access_key",
    "secret_key",
    "private_key",
    "auth_key",
    "signing_key",
    "connection_string",
    "client_secret",
    "encryption_key",
    "master_key",
    "admin_key",
    "account_key",
];
const NOT_VALUE: [&str; 62] = [
    "name",
    "names",
    "id",
    "ids",
    "arn",
    "arns",
    "path",
    "paths",
    "file",
    "filename",
    "ttl",
    "length",
    "policy",
    "policies",
    "type",
    "types",
    "version",
    "enabled",
    "enable",
    "count",
    "url",
    "uri",
    "endpoint",
    "prefix",
    "suffix",
    "mode",
    "format",
    "field",
    "rotation",
    "period",
    "days",
    "expiration",
    "expires",
    "reset",
    "required",
    "min",
    "max",
    "bits",
    "algorithm",
    "location",
    "region",
    "header",
    "method",
    "role",
    "roles",
    "audience",
    "audiences",
    "issuer",
    "label",
    "labels",
    "tags",
    "description",
    "ref",
    "backend",
    "engine",
    "mount",
    "store",
    "source",
    "manager",
    "provider",
    "scope",
    "keepers",
];

/// Whether an attribute or object key names a credential (`db_password`, `api_key`), and is
/// not about one (`password_length`, `secret_name`, `token_ttl`).
pub fn is_credential_key(key: &str) -> bool {
    // Fast rejection without allocating: every credential word contains one of these.
    const HINTS: [&[u8]; 7] = [b"pass", b"pwd", b"secret", b"token", b"key", b"cred", b"pat"];
    let b = key.as_bytes();
    if !HINTS.iter().any(|h| b.windows(h.len()).any(|w| w.eq_ignore_ascii_case(h))) {
        return false;
    }
    let k = key.to_ascii_lowercase().replace(['-', '.', ' '], "_");
    let tokens: Vec<&str> = k.split('_').filter(|t| !t.is_empty()).collect();
    let Some(last) = tokens.last() else { return false };
    if NOT_VALUE.contains(last) || k.ends_with("key_id") || k.contains("wo_version") {
        return false;
    }
    tokens.iter().any(|t| CRED_WORDS.contains(t) || t.ends_with("password") || t.ends_with("secret"))
        || CRED_JOINED.iter().any(|j| k.contains(j))
}

/// Whether a literal looks like a real secret value rather than a name, path or placeholder.
pub fn looks_like_secret(s: &str) -> bool {
    let t = s.trim();
    if t.len() < 8 || t.len() > 4096 || t.contains(char::is_whitespace) || is_placeholder(t) {
        return false;
    }
    let l = t.to_ascii_lowercase();
    const PREFIXES: [&str; 16] = [
        "arn:",
        "/",
        "./",
        "../",
        "~",
        "http://",
        "https://",
        "projects/",
        "secret/",
        "kv/",
        "ssm:",
        "data.",
        "var.",
        "module.",
        "local.",
        "gs://",
    ];
    if PREFIXES.iter().any(|p| l.starts_with(p)) && !l.contains('@') {
        return false;
    }
    const EXTS: [&str; 10] = [".pem", ".json", ".key", ".txt", ".crt", ".p12", ".pfx", ".yaml", ".yml", ".tpl"];
    if EXTS.iter().any(|e| l.ends_with(e)) {
        return false;
    }
    let b = t.as_bytes();
    // lower-case words joined by separators ("prod-db-password", "app/db/creds"): a name.
    let identifier_like = b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"-_./:".contains(c))
        && b.iter().any(|c| b"-_./:".contains(c))
        && t.split(['-', '_', '.', '/', ':'])
            .all(|seg| seg.bytes().all(|c| c.is_ascii_alphabetic()) || seg.bytes().all(|c| c.is_ascii_digit()));
    let env_name = b.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_') && t.contains('_');
    if identifier_like || env_name {
        return false;
    }
    let has_digit_or_symbol = b.iter().any(|c| !c.is_ascii_alphabetic());
    let mixed_case = b.iter().any(u8::is_ascii_lowercase) && b.iter().any(u8::is_ascii_uppercase);
    (has_digit_or_symbol || mixed_case || t.len() >= 16) && entropy(t) >= 2.5
}

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

/// Calls `f(key, text, span, partial)` for every string literal in `e`, with the innermost key
/// it belongs to, until `f` returns `true`. Returns whether it stopped early.
fn visit_literals(e: &Expr, key: &str, f: &mut dyn FnMut(&str, &str, &Span, bool) -> bool) -> bool {
    match &e.kind {
        ExprKind::Str(s) => f(key, s, &e.span, false) || visit_json_text(s, &e.span, f),
        ExprKind::Template(parts) => {
            parts.iter().any(|p| matches!(p, TemplatePart::Lit(l) if f(key, l, &e.span, true)))
        }
        ExprKind::Array(items) => items.iter().any(|x| visit_literals(x, key, f)),
        ExprKind::Object(items) => {
            // `{ name = "DB_PASSWORD", value = "…" }` (container environments and the like).
            let field = |names: &[&str]| {
                items.iter().find_map(|(k, v)| match (k, &v.kind) {
                    (ObjKey::Ident(i), ExprKind::Str(s)) if names.contains(&i.as_str()) => Some((s.as_str(), &v.span)),
                    _ => None,
                })
            };
            if let (Some((name, _)), Some((value, span))) =
                (field(&["name", "Name", "key", "Key"]), field(&["value", "Value"]))
                && f(name, value, span, false)
            {
                return true;
            }
            items.iter().any(|(k, v)| {
                let name = match k {
                    ObjKey::Ident(i) => i.as_str(),
                    ObjKey::Expr(x) => match &x.kind {
                        ExprKind::Str(s) => s.as_str(),
                        ExprKind::Var(v) => v.as_str(),
                        _ => key,
                    },
                };
                visit_literals(v, name, f)
            })
        }
        ExprKind::Call { name, args, .. }
            if !(name.starts_with("file") || name == "templatefile" || name == "pathexpand") =>
        {
            args.iter().any(|x| visit_literals(x, key, f))
        }
        ExprKind::Cond(_, a, b) => visit_literals(a, key, f) || visit_literals(b, key, f),
        _ => false,
    }
}

/// A literal that is itself a JSON object (`secret_string = "{\"password\": \"…\"}"`): its
/// string leaves, under their keys. All share the literal's span.
fn visit_json_text(s: &str, span: &Span, f: &mut dyn FnMut(&str, &str, &Span, bool) -> bool) -> bool {
    let t = s.trim_start();
    if !t.starts_with('{') || t.len() > 65_536 {
        return false;
    }
    // Only documents that mention a credential-like key are worth decoding.
    const HINTS: [&[u8]; 5] = [b"pass", b"secret", b"token", b"key", b"cred"];
    let b = t.as_bytes();
    if !HINTS.iter().any(|h| b.windows(h.len()).any(|w| w.eq_ignore_ascii_case(h))) {
        return false;
    }
    let Ok(json) = serde_json::from_str::<serde_json::Value>(t) else { return false };
    fn leaves(v: &serde_json::Value, key: &str, out: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::String(s) => out.push((key.to_owned(), s.clone())),
            serde_json::Value::Array(a) => a.iter().for_each(|x| leaves(x, key, out)),
            serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| leaves(x, k, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    leaves(&json, "", &mut found);
    found.iter().any(|(k, v)| f(k, v, span, false))
}

fn visit_body(body: &Body, f: &mut dyn FnMut(&str, &str, &Span, bool) -> bool) -> bool {
    // Blocks such as `env { name = "API_TOKEN" value = "…" }`.
    let lit = |k: &str| body.attr(k).and_then(|a| a.expr.as_str().map(|s| (s, &a.expr.span)));
    let name = lit("name").or_else(|| lit("key")).or_else(|| lit("variable_name"));
    if let (Some((name, _)), Some((value, span))) = (name, lit("value"))
        && f(name, value, span, false)
    {
        return true;
    }
    body.attrs.iter().filter(|a| a.key != "description").any(|a| visit_literals(&a.expr, &a.key, f))
        || body.blocks.iter().any(|b| visit_body(&b.body, f))
}

/// A literal secret found in a file.
#[derive(Debug, Clone)]
pub struct SecretHit {
    /// Unprefixed address of the block (or local, or variable) holding it.
    pub key: String,
    pub span: Span,
    pub kind: SecretKind,
}

#[derive(Debug, Clone)]
pub enum SecretKind {
    /// A credential of a known format, named.
    Token(&'static str),
    /// A secret-looking literal under this credential-named key.
    Credential(String),
}

/// The first known token of one source, else its first credential-looking literal.
fn judge_source(
    visit: impl FnOnce(&mut dyn FnMut(&str, &str, &Span, bool) -> bool),
    sensitive: bool,
) -> Option<(Span, SecretKind)> {
    let mut token: Option<(Span, SecretKind)> = None;
    let mut cred: Option<(Span, SecretKind)> = None;
    visit(&mut |key, text, span, partial| {
        if let Some(kind) = known_token(text) {
            token = Some((span.clone(), SecretKind::Token(kind)));
            return true;
        }
        if cred.is_none() && !partial && (sensitive || is_credential_key(key)) && looks_like_secret(text) {
            cred = Some((span.clone(), SecretKind::Credential(key.to_owned())));
        }
        false
    });
    token.or(cred)
}

/// The attribute of a secret-store resource that holds the secret value itself.
fn secret_value_attr(b: &Block) -> Option<&Attr> {
    if b.ident != "resource" {
        return None;
    }
    let key = match b.labels.first()?.as_str() {
        "azurerm_key_vault_secret" => "value",
        "google_secret_manager_secret_version" => "secret_data",
        "aws_secretsmanager_secret_version" => "secret_string",
        "aws_ssm_parameter" if b.body.attr("type").and_then(|t| t.expr.as_str()) == Some("SecureString") => "value",
        _ => return None,
    };
    b.body.attr(key)
}

/// At most one hit per source (block, local value or variable) of a file.
pub(super) fn scan(file: &SourceFile) -> Vec<SecretHit> {
    {
        let mut out = Vec::new();
        let mut push = |key: String, found: Option<(Span, SecretKind)>| {
            if let Some((span, kind)) = found {
                out.push(SecretHit { key, span, kind });
            }
        };
        // Top-level attributes: the values of a .tfvars file.
        for a in &file.body.attrs {
            let found = judge_source(
                |f| {
                    visit_literals(&a.expr, &a.key, f);
                },
                false,
            );
            if found.is_some() {
                push(format!("var.{}", a.key), found);
            }
        }
        for b in &file.body.blocks {
            match b.ident.as_str() {
                "locals" => {
                    for a in &b.body.attrs {
                        let found = judge_source(
                            |f| {
                                visit_literals(&a.expr, &a.key, f);
                            },
                            false,
                        );
                        if found.is_some() {
                            push(format!("local.{}", a.key), found);
                        }
                    }
                }
                "variable" => {
                    let name = b.labels.first().map_or("", String::as_str);
                    let sensitive =
                        b.body.attr("sensitive").is_some_and(|a| matches!(a.expr.kind, ExprKind::Bool(true)));
                    if let Some(d) = b.body.attr("default") {
                        let found = judge_source(
                            |f| {
                                visit_literals(&d.expr, name, f);
                            },
                            sensitive,
                        );
                        if found.is_some() {
                            push(format!("var.{name}"), found);
                        }
                    }
                }
                "data" if b.labels.first().is_some_and(|t| t == "aws_iam_policy_document") => {}
                _ => {
                    // Attributes that hold a secret whatever they are called come first.
                    let forced = secret_value_attr(b).and_then(|a| {
                        judge_source(
                            |f| {
                                visit_literals(&a.expr, &a.key, f);
                            },
                            true,
                        )
                    });
                    let found = forced.or_else(|| {
                        judge_source(
                            |f| {
                                visit_body(&b.body, f);
                            },
                            false,
                        )
                    });
                    if found.is_some() {
                        push(address_of(b), found);
                    }
                }
            }
        }
        out
    }
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
    fn token_formats() {
        assert_eq!(known_token("key AKIAZ7QW3RT5YU8IOP2L here"), Some("AWS access key ID"));
        assert_eq!(known_token("AKIAIOSFODNN7EXAMPLE"), None);
        assert_eq!(known_token("ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5"), Some("GitHub token"));
        assert_eq!(known_token("glpat-Xy7Zq1Wv3Ut5Sr7Qp9On"), Some("GitLab token"));
        assert_eq!(known_token("just a normal sentence that is long"), None);
    }

    #[test]
    fn credential_keys_and_values() {
        for k in ["password", "db_password", "client_secret", "api_key", "token", "secret_string", "GITHUB_TOKEN"] {
            assert!(is_credential_key(k), "{k}");
        }
        assert!(is_credential_key("auth.rootPassword"));
        for k in ["password_length", "secret_name", "token_ttl", "kms_key_id", "secret_id", "token_policies"] {
            assert!(!is_credential_key(k), "{k}");
        }
        assert!(looks_like_secret("Sup3rS3cret!"));
        assert!(looks_like_secret("password123"));
        for v in ["changeme", "prod-db-password", "arn:aws:secretsmanager:x", "DB_PASSWORD", "${var.x}", "key.pem"] {
            assert!(!looks_like_secret(v), "{v}");
        }
    }
}
