//! Finding literal secrets in any value: the scan that `hardcoded-token` and
//! `hardcoded-credential` share.
//!
//! A literal is judged by the **role** of the attribute that holds it first, and by its look
//! second. In an attribute whose job is to carry a secret (a credential-named argument of a
//! provider, backend, resource or module; a secret store's value; an environment entry named
//! like a credential; a `sensitive` variable) any literal is a finding, however short or
//! low-entropy: `"root"`, `"123"` and the AWS documentation keys leak as well as real ones.
//! Only empty strings, references, paths and pointers to a secret store are not. A value that
//! looks like a placeholder stays a finding and says so. Elsewhere only known token formats
//! count. Embedded documents — scripts, cloud-init, YAML and JSON held in strings — are read
//! line by line for `KEY=value` / `key: value` pairs.

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

/// A literal every pattern of [`FORMATS`] starts with (or contains): a string with none of them
/// holds no known token, and the regexes are not even compiled for it.
const MARKERS: [&str; 32] = [
    "AKIA",
    "ASIA",
    "ABIA",
    "ACCA",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "gldt-",
    "glrt-",
    "glptt-",
    "glft-",
    "glcbt-",
    "glimt-",
    "gloas-",
    "xox",
    "hooks.slack.com",
    "AIza",
    "PRIVATE KEY",
    "k_live_",
    "SG.",
    "npm_",
    "hvs.",
    "hvb.",
    "eyJ",
    "_v1_",
    "AccountKey=",
    "nhi_",
    ".atlasv1.",
];

fn may_hold_token(s: &str) -> bool {
    MARKERS.iter().any(|m| s.contains(m)) || twilio_like(s)
}

/// `SK` and 32 lower-case hex digits (the Twilio pattern), without a regex.
fn twilio_like(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(34)
        .any(|w| w.starts_with(b"SK") && w[2..].iter().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c)))
}

static ANY: LazyLock<Regex> = LazyLock::new(|| {
    let joined: Vec<String> = FORMATS.iter().map(|(_, p)| format!("(?:{p})")).collect();
    Regex::new(&joined.join("|")).unwrap_or_else(|_| Regex::new("$^").unwrap_or_else(|_| unreachable!()))
});

static EACH: LazyLock<Vec<(&'static str, Regex)>> =
    LazyLock::new(|| FORMATS.iter().filter_map(|(n, p)| Regex::new(p).ok().map(|r| (*n, r))).collect());

/// The kind of known token in `s`, if any (placeholders such as `AKIAIOSFODNN7EXAMPLE` excluded).
pub fn known_token(s: &str) -> Option<&'static str> {
    if s.len() < 16 || !may_hold_token(s) || !ANY.is_match(s) {
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

const CRED_WORDS: [&str; 11] =
    ["password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "credential", "credentials", "pat", "jwt"];
const CRED_JOINED: [&str; 19] = [
    "app_key",
    "application_key",
    "shared_key",
    "primary_key",
    "secondary_key",
    "access_secret",
    "consumer_secret",
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
const NOT_VALUE: [&str; 73] = [
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
    "files",
    "strategy",
    "update",
    "config",
    "configuration",
    "setting",
    "settings",
    "reference",
    "location",
    "reader",
    "usage",
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
    let k = snake_case(key);
    let tokens: Vec<&str> = k.split('_').filter(|t| !t.is_empty()).collect();
    let Some(last) = tokens.last() else { return false };
    if NOT_VALUE.contains(last) || k.ends_with("key_id") || k.contains("wo_version") {
        return false;
    }
    if CRED_JOINED.iter().any(|j| k.contains(j)) {
        return true;
    }
    // The credential word must be the head noun: only words naming a form of the value may
    // follow it (`client_secret`, `secret_string`, `password_wo`), not `secret_id_num_uses`.
    const VALUE_FORMS: [&str; 9] = ["value", "string", "data", "text", "plaintext", "b64", "base64", "pem", "wo"];
    let is_cred = |t: &&str| CRED_WORDS.contains(t) || t.ends_with("password") || t.ends_with("secret");
    match tokens.iter().rposition(is_cred) {
        Some(i) => tokens[i + 1..].iter().all(|t| VALUE_FORMS.contains(t)),
        None => false,
    }
}

/// Whether a credential-named key is a bare noun that also names *which* secret to use
/// (`secret = "api-key"` in a secret reference), so an identifier-like value is a name.
fn names_a_secret(key: &str) -> bool {
    matches!(snake_case(key).as_str(), "secret" | "secrets" | "credential" | "credentials" | "token" | "secret_name")
}

/// Lower-case words joined by separators (`prod-api-key`, `app/db/creds`): a name.
fn identifier_like(t: &str) -> bool {
    let b = t.as_bytes();
    b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"-_./:".contains(c))
        && b.iter().any(|c| b"-_./:".contains(c))
        && t.split(['-', '_', '.', '/', ':'])
            .all(|seg| seg.bytes().all(|c| c.is_ascii_alphabetic()) || seg.bytes().all(|c| c.is_ascii_digit()))
}

/// `dbPassword` → `db_password`; `-`, `.` and spaces become `_` too.
fn snake_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    let mut prev_lower = false;
    for c in key.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(match c {
            '-' | '.' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        });
    }
    out
}

/// What a literal in a secret-carrying attribute is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Literal {
    /// A value written in the code: a secret.
    Secret,
    /// A secret that looks like a placeholder (`changeme`, `<token>`, `EXAMPLE` keys): still in
    /// the code, and often the real value in the end.
    Placeholder,
}

/// How a literal in an attribute whose role is to carry a secret reads: `None` when it is not
/// a secret at all (empty, a path, a URL without credentials, a pointer to a secret store, an
/// environment variable's name, a template marker).
pub fn literal_secret(s: &str) -> Option<Literal> {
    let t = s.trim();
    if t.is_empty() || t.len() > 16_384 {
        return None;
    }
    let l = t.to_ascii_lowercase();
    if matches!(l.as_str(), "true" | "false" | "null" | "none" | "disabled" | "enabled") {
        return None;
    }
    const POINTERS: [&str; 17] = [
        "arn:",
        "/",
        "./",
        "../",
        "~/",
        "file://",
        "projects/",
        "secret/",
        "kv/",
        "ssm:",
        "vault:",
        "@microsoft.keyvault",
        "{{resolve:",
        "data.",
        "var.",
        "module.",
        "local.",
    ];
    if POINTERS.iter().any(|p| l.starts_with(p)) {
        return None;
    }
    // Template markers of other tools, and shell/YAML references: `$VAR`, `{{ .Values.x }}`, `!Ref`.
    if t.starts_with('$') || t.starts_with("{{") || t.starts_with('!') || t.starts_with("%{") || t.contains("${") {
        return None;
    }
    if (l.starts_with("http://") || l.starts_with("https://")) && !url_has_password(t) {
        return None;
    }
    const EXTS: [&str; 11] = [".pem", ".json", ".key", ".txt", ".crt", ".p12", ".pfx", ".yaml", ".yml", ".tpl", ".jks"];
    if EXTS.iter().any(|e| l.ends_with(e)) && !t.contains(char::is_whitespace) && t.len() < 256 {
        return None;
    }
    // `is_placeholder` calls every short value a placeholder; here short values are real.
    let looks_fake = l.contains("example") || if t.len() < 6 { t.starts_with('<') } else { is_placeholder(t) };
    if looks_fake {
        return Some(Literal::Placeholder);
    }
    // An environment variable's name (`DB_PASSWORD`): where a secret comes from, not the secret.
    let b = t.as_bytes();
    if b.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
        && t.contains('_')
        && b[0].is_ascii_uppercase()
    {
        return None;
    }
    Some(Literal::Secret)
}

fn url_has_password(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority
        .split_once('@')
        .is_some_and(|(userinfo, _)| userinfo.split_once(':').is_some_and(|(_, pw)| !pw.is_empty()))
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

/// One literal met while walking a value.
struct Lit<'v> {
    /// The innermost attribute or object key it sits under.
    key: &'v str,
    text: &'v str,
    span: &'v Span,
    /// Part of a string with interpolations: only known token formats count.
    partial: bool,
    /// The attribute's own value (not a field of an object or document inside it).
    direct: bool,
}

type Visit<'f> = dyn FnMut(Lit<'_>) -> bool + 'f;

/// Calls `f` for every literal in `e` until it returns `true`. Returns whether it stopped.
fn visit_literals(e: &Expr, key: &str, direct: bool, f: &mut Visit<'_>) -> bool {
    match &e.kind {
        ExprKind::Str(s) => {
            f(Lit { key, text: s, span: &e.span, partial: false, direct })
                || visit_json_text(s, &e.span, f)
                || visit_embedded_text(s, &e.span, f)
        }
        ExprKind::Number(n) => {
            let text = if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", *n as i64) } else { n.to_string() };
            f(Lit { key, text: &text, span: &e.span, partial: false, direct })
        }
        ExprKind::Template(parts) => parts.iter().any(|p| match p {
            TemplatePart::Lit(l) => {
                f(Lit { key, text: l, span: &e.span, partial: true, direct }) || visit_embedded_text(l, &e.span, f)
            }
            _ => false,
        }),
        ExprKind::Array(items) => items.iter().any(|x| visit_literals(x, key, direct, f)),
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
                && f(Lit { key: name, text: value, span, partial: false, direct: false })
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
                visit_literals(v, name, false, f)
            })
        }
        ExprKind::Call { name, args, .. }
            if !(name.starts_with("file") || name == "templatefile" || name == "pathexpand") =>
        {
            // `jsonencode(…)`, `base64encode("…")`, `sensitive("…")`: the literals inside.
            let keeps_role = matches!(name.as_str(), "sensitive" | "nonsensitive" | "base64encode" | "trimspace");
            args.iter().any(|x| visit_literals(x, key, direct && keeps_role, f))
        }
        ExprKind::Cond(_, a, b) => visit_literals(a, key, direct, f) || visit_literals(b, key, direct, f),
        _ => false,
    }
}

/// A literal that is itself a JSON document (`secret_string = "{\"password\": \"…\"}"`, a
/// container definition list): its string leaves, under their keys, and `{"name": …,
/// "value": …}` pairs. All share the literal's span.
fn visit_json_text(s: &str, span: &Span, f: &mut Visit<'_>) -> bool {
    let t = s.trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) || t.len() > 262_144 {
        return false;
    }
    // Only documents that mention a credential-like key are worth decoding.
    const HINTS: [&[u8]; 6] = [b"pass", b"secret", b"token", b"key", b"cred", b"pwd"];
    let b = t.as_bytes();
    if !HINTS.iter().any(|h| b.windows(h.len()).any(|w| w.eq_ignore_ascii_case(h))) {
        return false;
    }
    let Ok(json) = serde_json::from_str::<serde_json::Value>(t) else { return false };
    fn leaves(v: &serde_json::Value, key: &str, out: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::String(s) => out.push((key.to_owned(), s.clone())),
            serde_json::Value::Number(n) => out.push((key.to_owned(), n.to_string())),
            serde_json::Value::Array(a) => a.iter().for_each(|x| leaves(x, key, out)),
            serde_json::Value::Object(o) => {
                let field = |names: &[&str]| names.iter().find_map(|n| o.get(*n).and_then(|v| v.as_str()));
                if let (Some(name), Some(value)) = (field(&["name", "Name"]), field(&["value", "Value"])) {
                    out.push((name.to_owned(), value.to_owned()));
                }
                o.iter().for_each(|(k, x)| leaves(x, k, out));
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    leaves(&json, "", &mut found);
    found.iter().any(|(k, v)| f(Lit { key: k, text: v, span, partial: false, direct: false }))
}

/// A multi-line text (a `user_data` script, cloud-init, a YAML manifest or template held in a
/// heredoc): `KEY=value`, `export KEY="value"`, `key: value` lines. All share the text's span.
fn visit_embedded_text(s: &str, span: &Span, f: &mut Visit<'_>) -> bool {
    if !s.contains('\n') || s.len() > 262_144 {
        return false;
    }
    for line in s.lines() {
        let Some((key, value)) = assignment(line) else { continue };
        if f(Lit { key, text: value, span, partial: false, direct: false }) {
            return true;
        }
    }
    false
}

/// `KEY=value`, `export KEY="value"`, `key: value`, `"key": "value",` → `(key, value)`.
fn assignment(line: &str) -> Option<(&str, &str)> {
    let t = line.trim_start();
    let t = t.strip_prefix("export ").or_else(|| t.strip_prefix("- ")).unwrap_or(t).trim_start();
    let t = t.strip_prefix('"').unwrap_or(t);
    let end = t.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))?;
    let (key, rest) = t.split_at(end);
    if key.is_empty() || !key.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let rest = rest.strip_prefix('"').unwrap_or(rest);
    let rest = rest.trim_start();
    let rest = rest.strip_prefix('=').or_else(|| rest.strip_prefix(": ")).or_else(|| rest.strip_prefix(":\t"))?;
    let v = rest.trim();
    let v = v.strip_suffix(',').unwrap_or(v).trim();
    let v = match v.as_bytes().first() {
        Some(b'"') => v[1..].split('"').next()?,
        Some(b'\'') => v[1..].split('\'').next()?,
        _ => v.split([' ', '\t', ';', '#']).next()?,
    };
    (!v.is_empty()).then_some((key, v))
}

fn visit_body(body: &Body, f: &mut Visit<'_>) -> bool {
    // Blocks such as `env { name = "API_TOKEN" value = "…" }`.
    let lit = |k: &str| body.attr(k).and_then(|a| a.expr.as_str().map(|s| (s, &a.expr.span)));
    let name = lit("name").or_else(|| lit("key")).or_else(|| lit("variable_name"));
    if let (Some((name, _)), Some((value, span))) = (name, lit("value"))
        && f(Lit { key: name, text: value, span, partial: false, direct: false })
    {
        return true;
    }
    body.attrs.iter().filter(|a| a.key != "description").any(|a| visit_literals(&a.expr, &a.key, true, f))
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
    /// A literal in an attribute whose role is to carry a secret.
    Credential { key: String, placeholder: bool },
}

/// The first known token of one source, else its first literal in a secret-carrying role.
/// `forced`: the source's own value is a secret whatever its key says (a secret store's value,
/// a `sensitive` variable's default).
fn judge_source(visit: impl FnOnce(&mut Visit<'_>), forced: bool) -> Option<(Span, SecretKind)> {
    let mut token: Option<(Span, SecretKind)> = None;
    let mut cred: Option<(Span, SecretKind)> = None;
    visit(&mut |lit: Lit<'_>| {
        if let Some(kind) = known_token(lit.text) {
            token = Some((lit.span.clone(), SecretKind::Token(kind)));
            return true;
        }
        let by_role = forced && lit.direct;
        let by_key = !by_role && is_credential_key(lit.key) && !(names_a_secret(lit.key) && identifier_like(lit.text));
        if cred.is_none()
            && !lit.partial
            && (by_role || by_key)
            && let Some(how) = literal_secret(lit.text)
        {
            let kind = SecretKind::Credential { key: lit.key.to_owned(), placeholder: how == Literal::Placeholder };
            cred = Some((lit.span.clone(), kind));
        }
        false
    });
    token.or(cred)
}

/// The attribute of a secret-store or CI-secret resource that holds the secret value itself.
pub fn secret_value_attr(b: &Block) -> Option<&Attr> {
    if b.ident != "resource" {
        return None;
    }
    let lit = |k: &str| b.body.attr(k).and_then(|t| t.expr.as_str());
    let key = match b.labels.first()?.as_str() {
        "azurerm_key_vault_secret" => "value",
        "google_secret_manager_secret_version" => "secret_data",
        "aws_secretsmanager_secret_version" => "secret_string",
        "aws_ssm_parameter" if lit("type") == Some("SecureString") => "value",
        "vault_kv_secret" | "vault_kv_secret_v2" | "vault_generic_secret" => "data_json",
        "gitlab_project_variable" | "gitlab_group_variable" | "gitlab_instance_variable"
            if b.body.attr("masked").is_some_and(|m| matches!(m.expr.kind, ExprKind::Bool(true)))
                || lit("key").is_some_and(is_credential_key) =>
        {
            "value"
        }
        _ => return None,
    };
    b.body.attr(key)
}

/// Visits one attribute's value as a source of its own.
fn attr_source<'a>(a: &'a Attr, key: &str) -> impl FnOnce(&mut Visit<'_>) + 'a {
    let key = key.to_owned();
    move |f: &mut Visit<'_>| {
        visit_literals(&a.expr, &key, true, f);
    }
}

/// At most one hit per source (block, local value or variable) of a file.
pub(super) fn scan(file: &SourceFile) -> Vec<SecretHit> {
    let mut out = Vec::new();
    let mut push = |key: String, found: Option<(Span, SecretKind)>| {
        if let Some((span, kind)) = found {
            out.push(SecretHit { key, span, kind });
        }
    };
    // Top-level attributes: the values of a .tfvars file.
    for a in &file.body.attrs {
        push(format!("var.{}", a.key), judge_source(attr_source(a, &a.key), false));
    }
    for b in &file.body.blocks {
        match b.ident.as_str() {
            "locals" => {
                for a in &b.body.attrs {
                    push(format!("local.{}", a.key), judge_source(attr_source(a, &a.key), false));
                }
            }
            "variable" => {
                let name = b.labels.first().map_or("", String::as_str);
                let sensitive = b.body.attr("sensitive").is_some_and(|a| matches!(a.expr.kind, ExprKind::Bool(true)));
                if let Some(d) = b.body.attr("default") {
                    push(format!("var.{name}"), judge_source(attr_source(d, name), sensitive));
                }
            }
            "data" if b.labels.first().is_some_and(|t| t == "aws_iam_policy_document") => {}
            _ => {
                // Attributes that hold a secret whatever they are called come first.
                let forced = secret_value_attr(b).and_then(|a| judge_source(attr_source(a, &a.key), true));
                let found = forced.or_else(|| {
                    judge_source(
                        |f| {
                            visit_body(&b.body, f);
                        },
                        false,
                    )
                });
                push(address_of(b), found);
            }
        }
    }
    out
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
    fn every_token_format_has_a_marker() {
        let samples = [
            "AKIAZ7QW3RT5YU8IOP2L",
            "ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP",
            "glpat-Xy7Zq1Wv3Ut5Sr7Qp9On",
            "xoxb-2048163264-zyxwvutsrq",
            "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnop1234",
            "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx1y2z3a4b5c6d7e8f9g0h1i2j3k4l5m6n7o8p9q0r1s2t3u4",
            "sk_live_a1B2c3D4e5F6g7H8i9J0k1L2",
            "SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ",
            "npm_abcdefghijklmnopqrstuvwxyz0123456789",
            "hvs.CAESIJ1a2b3c4d5e6f7g8h9i0j1k2l3m4n",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "DefaultEndpointsProtocol=https;AccountKey=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ01234567==",
            "nhi_key_abcdefghijklmnopqrstuvwxyz",
            "abcdefghijklmn.atlasv1.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
            "SK0123456789abcdef0123456789abcdef",
        ];
        for t in samples {
            assert!(known_token(t).is_some(), "{t}");
            assert!(may_hold_token(t), "{t}");
        }
        assert!(!may_hold_token("arn:aws:iam::123456789012:role/deployer"));
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
        assert!(is_credential_key("dbPassword") && is_credential_key("apiToken") && is_credential_key("adminPassword"));
        assert!(!is_credential_key("auth_token_update_strategy") && !is_credential_key("shared_credentials_files"));
        assert!(!is_credential_key("secret_id_num_uses") && is_credential_key("secret_string"));
        assert!(is_credential_key("password_wo") && is_credential_key("token_reviewer_jwt"));
    }

    #[test]
    fn any_literal_in_a_secret_role_is_a_secret() {
        for v in ["Sup3rS3cret!", "password123", "root", "123", "foo", "prod-db-password"] {
            assert_eq!(literal_secret(v), Some(Literal::Secret), "{v}");
        }
        for v in ["changeme", "AKIAIOSFODNN7EXAMPLE", "<token>", "yourpassword", "example-value"] {
            assert_eq!(literal_secret(v), Some(Literal::Placeholder), "{v}");
        }
        for v in [
            "",
            "  ",
            "arn:aws:secretsmanager:x",
            "DB_PASSWORD",
            "${var.x}",
            "key.pem",
            "~/.aws/credentials",
            "$TOKEN",
            "{{ .Values.pw }}",
            "https://vault.example.com",
            "true",
        ] {
            assert_eq!(literal_secret(v), None, "{v}");
        }
        assert_eq!(literal_secret("postgres://app:hunter2@db:5432/app"), Some(Literal::Secret));
    }
}
