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

mod reads;
mod tokens;
mod values;

pub use reads::{
    CLIENTS_WITH_SECRET, ModuleOutputs, credential_read, credential_read_where, credential_returned, kept_credential,
    of_configuration, plainly_not_secret, whole_resources,
};
pub use tokens::known_token;
pub use values::{
    Literal, ends_descriptive, entropy, is_credential_key, is_descriptive_name, is_placeholder, literal_secret,
    names_kubeconfig, names_no_secret, names_public_key, secret_in_role, url_password,
    url_password_before_interpolation,
};

use crate::span::Span;
use crate::syntax::{Attr, Block, Body, Expr, ExprKind, ObjKey, SourceFile, TemplatePart, address_of};
use values::{identifier_like, names_a_secret};

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
        ExprKind::Str(s) => visit_text(s, key, &e.span, direct, f) || visit_base64(s, key, &e.span, f),
        ExprKind::Number(n) => {
            let text = if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", *n as i64) } else { n.to_string() };
            f(Lit { key, text: &text, span: &e.span, partial: false, direct })
        }
        ExprKind::Template(parts) => {
            // Only a value whose role is a secret is judged whole (a cheap test first: most
            // templates are names and paths).
            ((direct || is_credential_key(key)) && literal_runs_with_holes(parts, key, &e.span, direct, f))
                || parts.iter().enumerate().any(|(i, p)| match p {
                    TemplatePart::Lit(l) => {
                        // A literal run straight into an interpolation (`-password pass:${…}`): its last
                        // word continues with a value unknown here, so it is not read as a value.
                        // A URL's user information before its host (`postgres://u:pw@${host}/db`)
                        // is whole, though.
                        let continued = parts.get(i + 1).is_some_and(|n| !matches!(n, TemplatePart::Lit(_)))
                            && !l.ends_with(char::is_whitespace)
                            && url_password_before_interpolation(l).is_none();
                        let l: &str =
                            if continued { &l[..l.rfind(char::is_whitespace).map_or(0, |w| w + 1)] } else { l };
                        f(Lit { key, text: l, span: &e.span, partial: true, direct })
                            || visit_embedded_text(l, &e.span, f)
                            || (!l.contains('\n') && visit_inline_pairs(l, &e.span, f))
                    }
                    _ => false,
                })
                || visit_spliced_commands(parts, &e.span, f)
        }
        ExprKind::Array(items) => items.iter().any(|x| visit_literals(x, key, direct, f)),
        ExprKind::Object(items) => {
            // `{ name = "DB_PASSWORD", value = "…" }` (container environments and the like);
            // `{ key = "Authorization", value = "…" }`, a header a hook or check sends, is judged
            // as the header's credential.
            if let (Some((name, _)), Some((value, span))) =
                (str_field(items, &["name", "Name", "key", "Key"]), str_field(items, VALUE))
                && !str_field(items, &["type"]).is_some_and(|(t, _)| names_a_store(t))
                && f(Lit {
                    key: auth_header_key(name).unwrap_or(name),
                    text: value,
                    span,
                    partial: false,
                    direct: false,
                })
            {
                return true;
            }
            // An External Secrets mapping (`{ secretKey = "private_key", remoteRef = { … } }`):
            // `secretKey` names the key the synced secret gets, it is not one.
            let mapping = items.iter().any(|(k, _)| matches!(k.name(), Some("remoteRef" | "remote_ref")));
            // A record (`{ name = "WEBHOOK_SECRET", valueFrom = … }`) is not such a map.
            let record = items.iter().any(|(k, _)| k.name().is_some_and(|n| n.to_ascii_lowercase().ends_with("name")));
            let held = held_secret(key).filter(|_| !record);
            let names_only = |name: &str| mapping && matches!(name, "secretKey" | "secret_key");
            // A webhook written as an object (`{ url = "https://…", secret = "…" }`): its bare
            // `secret` is the shared value the receiver checks, not the name of a secret, whatever
            // it looks like (`"test-secret"`); it is reported as `webhook.secret`.
            let webhook = items.iter().any(|(k, v)| {
                k.name().is_some_and(|n| matches!(n, "url" | "payload_url" | "endpoint"))
                    && literal_str(v).is_some_and(|u| u.starts_with("https://") || u.starts_with("http://"))
            });
            items.iter().any(|(k, v)| {
                let name = match k {
                    ObjKey::Ident(i) => i.as_str(),
                    ObjKey::Expr(x) => match &x.kind {
                        ExprKind::Str(s) => s.as_str(),
                        ExprKind::Var(v) => v.as_str(),
                        _ => key,
                    },
                };
                if names_only(name) {
                    return false;
                }
                if webhook
                    && matches!(name, "secret" | "token")
                    && let Some(text) = literal_str(v)
                    && f(Lit { key: "webhook.secret", text, span: &v.span, partial: false, direct: false })
                {
                    return true;
                }
                // `API_KEY = { value = "…", masked = true }` (CI variables, app settings and
                // GitHub secrets keyed by name): the value is named by its key.
                if let ExprKind::Object(fields) = &v.kind
                    && let Some((value, span)) = str_field(fields, KEYED_VALUE)
                    && f(Lit { key: name, text: value, span, partial: false, direct: false })
                {
                    return true;
                }
                // A map named for what it holds (`secrets = { api = "…" }`, `db_passwords`):
                // each entry is one, whatever its own key says, except descriptive ones.
                if let Some(held) = held
                    && !is_credential_key(name)
                    && !is_descriptive_name(name)
                    && let Some(text) = literal_str(v)
                    && f(Lit { key: held, text, span: &v.span, partial: false, direct: false })
                {
                    return true;
                }
                visit_literals(v, name, false, f)
            })
        }
        // `join("", ["postgresql://", var.user, ":", var.password, "@db"])`: the literals are
        // fragments of a value assembled with others, as a template's runs are.
        ExprKind::Call { name, args, .. } if matches!(name.as_str(), "join" | "format" | "formatlist" | "concat") => {
            let mut fragment = |lit: Lit<'_>| f(Lit { partial: true, ..lit });
            args.iter().any(|x| visit_literals(x, key, false, &mut fragment))
        }
        ExprKind::Call { name, args, .. }
            if !(name.starts_with("file") || name == "templatefile" || name == "pathexpand") =>
        {
            // `jsonencode(…)`, `base64encode("…")`, `sensitive("…")`: the literals inside.
            let keeps_role = matches!(name.as_str(), "sensitive" | "nonsensitive" | "base64encode" | "trimspace");
            // A number given to any other function is a parameter (`substr(…, 0, 31)`), not
            // the value; so are a key looked up (`lookup(each.value, "secret_string", null)`),
            // a separator, a pattern or the affix trimmed.
            let parameter = |i: usize| match name.as_str() {
                "lookup" | "trimprefix" | "trimsuffix" | "trim" | "replace" | "contains" | "index" => i == 1,
                "split" | "regex" | "regexall" => i == 0,
                _ => false,
            };
            args.iter()
                .enumerate()
                .filter(|(i, x)| keeps_role || !(matches!(x.kind, ExprKind::Number(_)) || parameter(*i)))
                .any(|(_, x)| visit_literals(x, key, direct && keeps_role, f))
        }
        ExprKind::Cond(_, a, b) => visit_literals(a, key, direct, f) || visit_literals(b, key, direct, f),
        _ => false,
    }
}

/// Command lines of a script template whose password sits beside a value spliced in
/// (`echo '${local.user}:hunter2' | chpasswd`, `htpasswd -b f ${var.user} hunter2`): each line
/// that holds a spliced value, read whole with the value written `${…}` (never read as a
/// password itself). Lines without one were read with their literal part.
fn visit_spliced_commands(parts: &[TemplatePart], span: &Span, f: &mut Visit<'_>) -> bool {
    // A command line has spaces between its words (most templates are names and paths).
    if parts.len() < 2 || !parts.iter().any(|p| matches!(p, TemplatePart::Lit(l) if l.contains(' '))) {
        return false;
    }
    let mut check = |line: &str| !line.trim_start().starts_with('#') && visit_command_password(line, span, f);
    let (mut line, mut spliced) = (String::new(), false);
    for p in parts {
        let TemplatePart::Lit(l) = p else {
            line.push_str("${…}");
            spliced = true;
            continue;
        };
        let mut rest = l.as_str();
        while let Some(i) = rest.find('\n') {
            if spliced {
                line.push_str(&rest[..i]);
                if check(&line) {
                    return true;
                }
            }
            line.clear();
            spliced = false;
            rest = &rest[i + 1..];
        }
        line.push_str(rest);
    }
    spliced && check(&line)
}

/// A value written mostly in code with a generated or variable part spliced in
/// (`"Pr0d-DB-P4ssw0rd-${random_string.x.result}"`): its literal text, as one value, when it is a
/// single token (no spaces, quotes, separators of a document or command) of at least 8
/// characters besides dashes, underscores and dots.
fn literal_runs_with_holes(parts: &[TemplatePart], key: &str, span: &Span, direct: bool, f: &mut Visit<'_>) -> bool {
    let mut text = String::new();
    for p in parts {
        if let TemplatePart::Lit(l) = p {
            if l.contains(|c: char| c.is_whitespace() || "\"'{}[]()<>=;:,@/\\$%".contains(c)) {
                return false;
            }
            text.push_str(l);
        }
    }
    let core = text.trim_matches(|c| matches!(c, '-' | '_' | '.'));
    // An upper-case name completed by a value (`AWS_ACCESS_KEY_ID_${upper(var.env)}`) builds
    // the name of an environment variable or CI secret, not a secret.
    if core.chars().filter(|c| !matches!(c, '-' | '_' | '.')).count() < 8 || values::env_var_name(core) {
        return false;
    }
    f(Lit { key, text: core, span, partial: false, direct })
}

/// A literal that is itself a JSON document (`secret_string = "{\"password\": \"…\"}"`, a
/// container definition list): its string leaves, under their keys, and `{"name": …,
/// "value": …}` pairs. All share the literal's span.
fn visit_json_text(s: &str, span: &Span, f: &mut Visit<'_>) -> bool {
    let t = s.trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) || t.len() > 262_144 {
        return false;
    }
    // Only documents that mention a credential-like key are worth decoding (`auth_data`,
    // `auth_config`: the well-known registry-login settings; `"auths"`: a Docker config).
    const HINTS: [&[u8]; 9] =
        [b"pass", b"secret", b"token", b"key", b"cred", b"pwd", b"auth_data", b"auth_config", b"\"auths\""];
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
                // An External Secrets mapping: `secretKey` names a key of the synced secret.
                let mapping = o.contains_key("remoteRef");
                o.iter().filter(|(k, _)| !(mapping && k.as_str() == "secretKey")).for_each(|(k, x)| leaves(x, k, out));
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    leaves(&json, "", &mut found);
    // A registry login in a Docker config (`{"auths": {"reg": {"auth": "<base64 user:password>"}}}`).
    if let Some(pw) = found.iter().filter(|(k, _)| k == "auth").find_map(|(_, v)| tokens::basic_auth_password(v)) {
        found.insert(0, ("registry password".to_owned(), pw));
    }
    found.iter().any(|(k, v)| f(Lit { key: k, text: v, span, partial: false, direct: false }))
}

/// A multi-line text (a `user_data` script, cloud-init, a YAML manifest or template held in a
/// heredoc): `KEY=value`, `export KEY="value"`, `key: value` lines. All share the text's span.
fn visit_embedded_text(s: &str, span: &Span, f: &mut Visit<'_>) -> bool {
    if !s.contains('\n') || s.len() > 262_144 {
        return false;
    }
    // External Secrets mappings in YAML: `secretKey:` names a key of the synced secret.
    let external_secrets = s.contains("remoteRef:");
    for line in s.lines() {
        let found = visit_auth_header(line, span, f)
            || match assignment(line) {
                Some(("secretKey", _)) if external_secrets => false,
                Some((key, value)) => f(Lit { key, text: value, span, partial: false, direct: false }),
                None => visit_inline_pairs(line, span, f),
            }
            // A command in a comment shows how to run it, with example values.
            || (!line.trim_start().starts_with('#') && visit_command_password(line, span, f));
        if found {
            return true;
        }
    }
    false
}

/// A base64 literal (`user_data_base64`, `custom_data`, a Secret's `data`): the text it encodes
/// is read like any other. A private key's PEM header is a private key, however short the body
/// written after it.
fn visit_base64(s: &str, key: &str, span: &Span, f: &mut Visit<'_>) -> bool {
    use base64::Engine as _;
    let t = s.trim();
    if t.len() < 24 || t.len() > 262_144 || !t.bytes().all(|c| c.is_ascii_alphanumeric() || b"+/=\r\n".contains(&c)) {
        return false;
    }
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(t.replace(['\r', '\n'], "")) else {
        return false;
    };
    let Ok(text) = String::from_utf8(bytes) else { return false };
    if text.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return false;
    }
    if text.contains("-----BEGIN") && text.contains("PRIVATE KEY") {
        return f(Lit { key: "private_key", text: &text, span, partial: false, direct: false });
    }
    visit_text(&text, key, span, false, f)
}

/// A string value, whole and as the text it may hold: a JSON document, lines of a script,
/// `key=value` pairs.
fn visit_text(s: &str, key: &str, span: &Span, direct: bool, f: &mut Visit<'_>) -> bool {
    if sample_document(s) {
        return false;
    }
    f(Lit { key, text: s, span, partial: false, direct })
        || visit_json_text(s, span, f)
        || visit_embedded_text(s, span, f)
        || (!s.contains('\n')
            && (visit_auth_header(s, span, f) || visit_inline_pairs(s, span, f) || visit_command_password(s, span, f)))
}

/// Commands that take a password as a short flag (or, for `mysql`, glued to `-p`), with that
/// flag: only for these commands does `-p` mean a password (`mkdir -p`, `ssh -p 22` and
/// `docker run -p 80:80` do not). Long flags (`--password …`) are read for every command.
const PASSWORD_FLAGS: [(&str, &str); 16] = [
    ("mysql", "-p"),
    ("mysqldump", "-p"),
    ("mysqladmin", "-p"),
    ("mariadb", "-p"),
    ("sqlcmd", "-P"),
    ("bcp", "-P"),
    ("osql", "-P"),
    ("redis-cli", "-a"),
    ("mongo", "-p"),
    ("mongosh", "-p"),
    ("mongodump", "-p"),
    ("mongorestore", "-p"),
    ("sshpass", "-p"),
    // Meant for a crypt(3) hash (`$6$…`, which is not read as a literal), often given the
    // password itself.
    ("useradd", "-p"),
    ("usermod", "-p"),
    // `docker login -p`, `podman login -p`, `az login -p`, `helm registry login -p`: see below.
    ("login", "-p"),
];

/// A password given to a command on its command line, in a line of a script: a short
/// password flag of the commands in [`PASSWORD_FLAGS`], `curl -u user:password`,
/// `htpasswd -b file user password`, `echo 'user:password' | chpasswd`,
/// `echo password | docker login --password-stdin`, `aws configure set aws_secret_access_key …`,
/// `net user NAME PASSWORD /add`.
/// A shell or template variable (`$PW`, `${…}`, `{{ … }}`) is not a literal.
fn visit_command_password(line: &str, span: &Span, f: &mut Visit<'_>) -> bool {
    // A flag (`-p`, `-P`, `-a `, `-u `, `--user `) or a password tool (`htpasswd`, `chpasswd`,
    // `aws configure set`, `net user … /add`): looked for in one pass over the dashes and
    // slashes, then by name.
    if line.len() > 16_384 || !line.contains(' ') {
        return false;
    }
    let flag = memchr::memchr2_iter(b'-', b'/', line.as_bytes()).any(|i| {
        let rest = &line.as_bytes()[i + 1..];
        match line.as_bytes()[i] {
            b'-' => matches!(rest, [b'p' | b'P', ..] | [b'a' | b'u', b' ', ..]) || rest.starts_with(b"-user "),
            _ => rest.starts_with(b"add"),
        }
    });
    let tool = || ["passwd", "configure set"].iter().any(|h| line.contains(h));
    if !(flag || tool()) {
        return false;
    }
    let literal = |v: &str| -> Option<String> {
        let v = v.trim_matches(['"', '\'', ';', ')', '(']);
        (!v.is_empty() && !v.contains(['$', '{', '}', '<', '>', '%', '`'])).then(|| v.to_owned())
    };
    let mut report =
        |key: &str, v: &str| literal(v).is_some_and(|v| f(Lit { key, text: &v, span, partial: false, direct: false }));
    // Commands of the line, split at pipes and separators.
    let words: Vec<&str> = line.split_whitespace().map(|w| w.trim_matches(['"', '\''])).collect();
    let commands: Vec<&[&str]> = words.split(|w| matches!(*w, "|" | "||" | "&&" | ";")).collect();
    for (n, cmd) in commands.iter().enumerate() {
        let name = |w: &str| w.rsplit('/').next().unwrap_or(w).to_owned();
        for (i, w) in cmd.iter().enumerate() {
            let word = name(w);
            if let Some((_, flag)) = PASSWORD_FLAGS.iter().find(|(c, _)| *c == word) {
                // `login` counts after a registry client or `az` only, and is named by it.
                let key = if word == "login" {
                    let clients = ["docker", "podman", "nerdctl", "buildah", "skopeo", "helm", "oras", "az"];
                    match cmd[..i].iter().map(|c| name(c)).find(|c| clients.contains(&c.as_str())) {
                        Some(client) => format!("{client} login password"),
                        None => continue,
                    }
                } else {
                    format!("{word} password")
                };
                // `mysql -p db` asks for the password and opens `db`: only `-pPASSWORD` holds one.
                let glued_only = word.starts_with("mysql") || word == "mariadb";
                let glued = glued_only || matches!(word.as_str(), "sshpass" | "sqlcmd" | "bcp" | "osql");
                for (j, a) in cmd.iter().enumerate().skip(i + 1) {
                    let value = if *a == *flag && !glued_only {
                        cmd.get(j + 1).copied()
                    } else if glued {
                        a.strip_prefix(flag).filter(|v| !v.is_empty())
                    } else {
                        None
                    };
                    if value.is_some_and(|v| report(&key, v)) {
                        return true;
                    }
                }
            }
            if word == "curl" {
                let pair = cmd[i + 1..].windows(2).find(|p| matches!(p[0], "-u" | "--user")).map(|p| p[1]);
                if pair.and_then(|p| p.split_once(':')).is_some_and(|(_, pw)| report("curl password", pw)) {
                    return true;
                }
            }
            if word == "htpasswd" {
                // `htpasswd -b[c] FILE USER PASSWORD`, `htpasswd -nb USER PASSWORD`.
                let flags: String = cmd[i + 1..].iter().filter(|a| a.starts_with('-')).map(|a| &a[1..]).collect();
                let args: Vec<&str> = cmd[i + 1..].iter().filter(|a| !a.starts_with('-')).copied().collect();
                let at = if flags.contains('n') { 1 } else { 2 };
                if flags.contains('b') && args.get(at).is_some_and(|pw| report("htpasswd password", pw)) {
                    return true;
                }
            }
            if word == "net"
                && cmd.get(i + 1).is_some_and(|u| u.eq_ignore_ascii_case("user"))
                && cmd[i + 2..].iter().any(|a| a.eq_ignore_ascii_case("/add"))
                && cmd.get(i + 3).is_some_and(|pw| !pw.starts_with('/') && report("net user password", pw))
            {
                return true;
            }
            if word == "configure"
                && cmd.get(i + 1) == Some(&"set")
                && let (Some(key), Some(v)) = (cmd.get(i + 2), cmd.get(i + 3))
                && is_credential_key(key)
                && report(key, v)
            {
                return true;
            }
        }
        // What `echo`/`printf` pipes into `chpasswd` (`user:password`) or a `--password-stdin` login.
        let Some(next) = commands.get(n + 1) else { continue };
        let into_chpasswd = next.first().is_some_and(|c| name(c) == "chpasswd");
        let into_stdin_login = next.contains(&"--password-stdin");
        if (into_chpasswd || into_stdin_login) && cmd.first().is_some_and(|c| matches!(*c, "echo" | "printf")) {
            let Some(text) = cmd.iter().skip(1).find(|a| !a.starts_with('-')) else { continue };
            let (key, pw) = if into_chpasswd {
                ("chpasswd password".to_owned(), text.split_once(':').map(|(_, pw)| pw))
            } else {
                let client = next.iter().map(|c| name(c)).find(|c| c != "sudo").map_or_else(String::new, |c| c + " ");
                (format!("{client}login password"), Some(*text))
            };
            if pw.is_some_and(|pw| report(&key, pw)) {
                return true;
            }
        }
    }
    false
}

/// HTTP headers that carry a credential, by lower-case name, and the key their value is judged
/// under.
const AUTH_HEADERS: [(&str, &str); 6] = [
    ("authorization:", "Authorization token"),
    ("proxy-authorization:", "Authorization token"),
    ("private-token:", "PRIVATE-TOKEN"),
    ("x-api-key:", "X-API-Key"),
    ("x-auth-token:", "X-Auth-Token"),
    ("x-vault-token:", "X-Vault-Token"),
];

/// The key an HTTP header's value is judged under when the header's name (`Authorization`,
/// `X-API-Key`, any case, without the colon) is one that carries a credential.
fn auth_header_key(name: &str) -> Option<&'static str> {
    AUTH_HEADERS
        .iter()
        .find(|(h, _)| h.strip_suffix(':').is_some_and(|h| h.eq_ignore_ascii_case(name)))
        .map(|(_, key)| *key)
}

/// A credential in an HTTP header written in a line of text (`curl -H "Authorization: Bearer
/// …"`, `PRIVATE-TOKEN: …`): the value after the scheme word. A shell or template variable
/// (`$TOKEN`, `${…}`) is not a literal.
fn visit_auth_header(line: &str, span: &Span, f: &mut Visit<'_>) -> bool {
    if line.len() > 16_384 || !line.contains(':') {
        return false;
    }
    let bytes = line.as_bytes();
    for (name, key) in AUTH_HEADERS {
        // The first place the header's name ends at a colon, in any case (found from the
        // colons, which are few, rather than by lower-casing the line).
        let n = name.len();
        let Some(at) = memchr::memchr_iter(b':', bytes)
            .filter_map(|colon| (colon + 1).checked_sub(n))
            .find(|&at| bytes[at..at + n].eq_ignore_ascii_case(name.as_bytes()))
        else {
            continue;
        };
        // A header name starts a word: `x-authorization:` is not `authorization:`.
        if bytes[..at].last().is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'-') {
            continue;
        }
        let mut words = line[at + name.len()..].split_whitespace();
        let mut value = words.next().unwrap_or("");
        let scheme = value.to_ascii_lowercase();
        if matches!(scheme.as_str(), "bearer" | "token" | "basic" | "bot" | "apikey" | "sso-key") {
            value = words.next().unwrap_or("");
        }
        let value = value.trim_matches(['"', '\'', '`', ',', ';', ')']);
        if value.len() < 8 || value.contains(['$', '{', '}', '<', '%']) {
            continue;
        }
        if f(Lit { key, text: value, span, partial: false, direct: false }) {
            return true;
        }
    }
    false
}

/// The names a value field goes by in `{ name = …, value = … }` objects.
const VALUE: &[&str] = &["value", "Value", "plaintext", "plaintext_value"];

/// The names the value of an object keyed by its name goes by (`API_KEY = { value = … }`,
/// `TOKEN = { plaintext_value = … }`).
const KEYED_VALUE: &[&str] = &["value", "Value", "plaintext", "plaintext_value"];

/// The string literal of an object's first field named one of `names`, with its span.
fn str_field<'e>(items: &'e [(ObjKey, Expr)], names: &[&str]) -> Option<(&'e str, &'e Span)> {
    // `name = …` or `"name" = …`: the same key.
    items
        .iter()
        .find_map(|(k, v)| k.name().filter(|n| names.contains(n)).and_then(|_| literal_str(v)).map(|s| (s, &v.span)))
}

/// A string literal, also marked `sensitive("…")`: the marking changes nothing in the code.
fn literal_str(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Str(s) => Some(s),
        ExprKind::Call { name, args, .. } if matches!(name.as_str(), "sensitive" | "nonsensitive") => {
            match args.as_slice() {
                [arg] => arg.as_str(),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The kind of secret a map is named for holding (`secrets`, `github_secrets`, `db_passwords`,
/// `api_tokens`), as the key its entries are judged under.
fn held_secret(key: &str) -> Option<&'static str> {
    let k = key.to_ascii_lowercase();
    // Settings named secret as a whole (`secret_environment_variables` of a Scaleway container,
    // `secret_env`): every value is one.
    const SETTINGS: [&str; 8] =
        ["environment_variables", "environment", "env", "env_vars", "envs", "variables", "vars", "values"];
    // Its write-only twin too (`secret_environment_variables_wo`).
    let settings = k.strip_suffix("_wo").unwrap_or(&k);
    if settings.strip_prefix("secret_").is_some_and(|rest| SETTINGS.contains(&rest)) {
        return Some("secret");
    }
    let held = [("secrets", "secret"), ("passwords", "password"), ("tokens", "token")]
        .into_iter()
        .find_map(|(plural, one)| k.ends_with(plural).then_some(one))?;
    // `encrypted_secrets`, `public_tokens`: what is held is not the secret itself.
    (!["encrypted", "hashed", "public"].iter().any(|w| k.contains(w))).then_some(held)
}

/// `key=value` pairs inside one line of text: the fields of a connection string
/// (`Server=…;Password=…`, `AccountKey=…`), the query of a URL (`?user=app&password=…`), and
/// the words of a command (`mysql --password=… `, `--token …`, `env DB_PASSWORD=…`). Only the
/// pair's key decides whether its value is a secret, as for any other attribute.
fn visit_inline_pairs(s: &str, span: &Span, f: &mut Visit<'_>) -> bool {
    if s.len() > 16_384 {
        return false;
    }
    if visit_quoted_colon_pairs(s, span, f) {
        return true;
    }
    if !(s.contains('=') || s.contains(" -")) {
        return false;
    }
    // Connection strings and URL queries: fields split by `;`, `&` or `?`.
    if s.contains(';') || s.contains('&') || s.contains('?') {
        for field in s.split([';', '&', '?']) {
            let Some((k, v)) = field.split_once('=') else { continue };
            let (k, v) = (k.trim(), v.trim());
            // A statement of embedded code (`const accessToken = await client.token();`)
            // assigns a literal only when the value is quoted.
            let statement = ["const ", "let ", "var ", "val "].iter().any(|d| k.starts_with(d));
            if statement && !v.starts_with(['"', '\'']) {
                continue;
            }
            if !k.is_empty() && k.bytes().all(|c| c.is_ascii_alphanumeric() || b" _-.".contains(&c)) {
                let v = v.trim_matches(['"', '\'']);
                if !v.is_empty() && f(Lit { key: k, text: v, span, partial: false, direct: false }) {
                    return true;
                }
            }
        }
    }
    // Words of a command line.
    let words: Vec<&str> = s.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        let w = w.trim_matches(['"', '\'', '`', ';', '(', ')']);
        let flag = w.starts_with('-');
        let w = w.trim_start_matches('-');
        let (k, v) = match w.split_once('=') {
            Some((k, v)) => (k, v.trim_matches(['"', '\''])),
            // `--password secret`: a flag followed by its value.
            None if flag && w.len() > 1 => match words.get(i + 1) {
                Some(next) if !next.starts_with('-') => (w, next.trim_matches(['"', '\'', ';'])),
                _ => continue,
            },
            None => continue,
        };
        if k.is_empty()
            || !k.as_bytes()[0].is_ascii_alphabetic()
            || !k.bytes().all(|c| c.is_ascii_alphanumeric() || b"_-.".contains(&c))
        {
            continue;
        }
        // OpenSSL's pass phrase arguments (`-passout pass:…`, `-passin pass:…`): the text after
        // `pass:` is the password (`env:` and `file:` name where it is instead).
        let (k, v) = match v.strip_prefix("pass:") {
            Some(pw) if flag => ("password", pw),
            _ => (k, v),
        };
        if !v.is_empty() && f(Lit { key: k, text: v, span, partial: false, direct: false }) {
            return true;
        }
    }
    false
}

/// Object fields written inline with a quoted value, in a script's embedded JavaScript or a
/// flow mapping (`db.createUser({ user: "app", pwd: "s3cret" })`, `{password: 'x'}`).
fn visit_quoted_colon_pairs(s: &str, span: &Span, f: &mut Visit<'_>) -> bool {
    for (at, _) in s.match_indices(':') {
        // The value: a quoted string right after the colon (and spaces).
        let rest = s[at + 1..].trim_start();
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else { continue };
        // A secret is short: the closing quote is looked for in the next 512 bytes only, so a
        // long line of colons stays linear.
        let mut window = rest[1..].char_indices().take_while(|(i, _)| *i < 512);
        let Some((end, _)) = window.find(|(_, c)| *c == quote) else { continue };
        let value = &rest[1..1 + end];
        // The key: the word right before the colon, optionally quoted.
        let head = s[..at].trim_end().trim_end_matches(['"', '\'']);
        let start = head
            .char_indices()
            .rfind(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let key = &head[start..];
        if key.is_empty() || !key.as_bytes()[0].is_ascii_alphabetic() || value.is_empty() {
            continue;
        }
        // Inside a field list or a call: `{ k: "v" }`, `(k: "v")`, `, k: "v"`.
        let before = s[..start].trim_end().trim_end_matches(['"', '\'']).trim_end();
        if !matches!(before.as_bytes().last(), Some(b'{' | b',' | b'(')) && start != 0 {
            continue;
        }
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
        // An unquoted dotted path in a script is a reference to where the value is kept
        // (`clientSecret: event.secrets.clientSecret,` in an Auth0 Action, `process.env.TOKEN`).
        _ => v.split([' ', '\t', ';', '#']).next().filter(|w| !code_path(w))?,
    };
    (!v.is_empty()).then_some((key, v))
}

/// Whether an unquoted word is a dotted path of short identifiers (`event.secrets.clientSecret`,
/// `process.env.API_KEY`, `config.db.password`): code reading a value, not the value. A token's
/// segments (a JWT's) are longer than any name.
fn code_path(w: &str) -> bool {
    let segments: Vec<&str> = w.split('.').collect();
    // Vault's tokens are `s.…`, `hvs.…`, `hvb.…`.
    segments.len() >= 2
        && segments[0].len() >= 2
        && !["hvs", "hvb", "hvr"].contains(&segments[0])
        // A JWT's header segment, however short.
        && !segments[0].starts_with("eyJ")
        && segments.iter().all(|s| {
            !s.is_empty()
                && s.len() <= 32
                && !s.as_bytes()[0].is_ascii_digit()
                && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$')
        })
}

/// A variable type saying the value names where the secret is kept, not the secret: a CodeBuild
/// variable of type `SECRETS_MANAGER` (`value = "prod/db:password"`) or `PARAMETER_STORE`.
pub(crate) fn names_a_store(variable_type: &str) -> bool {
    variable_type.eq_ignore_ascii_case("SECRETS_MANAGER") || variable_type.eq_ignore_ascii_case("PARAMETER_STORE")
}

fn visit_body(body: &Body, f: &mut Visit<'_>) -> bool {
    // Blocks such as `env { name = "API_TOKEN" value = "…" }`.
    let lit = |k: &str| body.attr(k).and_then(|a| a.expr.as_str().map(|s| (s, &a.expr.span)));
    let name = lit("name").or_else(|| lit("key")).or_else(|| lit("variable_name"));
    let in_a_store = lit("type").is_some_and(|(t, _)| names_a_store(t));
    if let Some((value, span)) = lit("value").filter(|_| !in_a_store) {
        if let Some((name, _)) = name
            && f(Lit { key: name, text: value, span, partial: false, direct: false })
        {
            return true;
        }
        // `variable { name = "key1" value = "…" is_secret = true }` (Azure DevOps variable
        // groups), `sensitive = true` (Terraform Cloud variables): the block says its value is
        // a secret.
        // One named for what describes a secret (`GITHUB_APP_ID`, `DB_HOST`) is private, not a
        // credential, however it is marked.
        let marked_secret = ["is_secret", "sensitive", "secret"]
            .iter()
            .any(|k| body.attr(k).is_some_and(|a| matches!(a.expr.kind, ExprKind::Bool(true))))
            && !name.is_some_and(|(n, _)| values::is_descriptive_name(n));
        if marked_secret && f(Lit { key: "secret_value", text: value, span, partial: false, direct: false }) {
            return true;
        }
    }
    // An External Secrets mapping read from a plan (objects become blocks there).
    let mapping = body.attr("remoteRef").is_some() || body.blocks("remoteRef").next().is_some();
    // `access_key = "AKIA…"` beside `secret_key`: the key's ID; the secret half is judged on
    // its own.
    let id_beside_secret = |k: &str| {
        matches!(k, "access_key" | "access_key_id")
            && ["secret_key", "secret_access_key"].iter().any(|s| body.attr(s).is_some())
    };
    body.attrs
        .iter()
        .filter(|a| a.key != "description" && !(mapping && a.key == "secretKey") && !id_beside_secret(&a.key))
        .any(|a| visit_literals(&a.expr, &a.key, true, f))
        || body.blocks.iter().any(|b| visit_body(&b.body, f))
}

/// A literal secret found in a file.
#[derive(Debug, Clone)]
pub struct SecretHit {
    /// Unprefixed address of the block (or local, or variable) holding it.
    pub key: String,
    pub span: Span,
    pub kind: SecretKind,
    /// Where in the file it was found.
    pub place: Place,
}

/// Where in a file a secret was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// In the configuration's code.
    Code,
    /// In a commented-out line of the block (`# password = "…"`).
    Commented,
    /// In text the parser could not read (a file with a syntax error): committed all the same.
    Unread,
}

#[derive(Debug, Clone)]
pub enum SecretKind {
    /// A credential of a known format, named.
    Token(&'static str),
    /// A documentation example of a known format (the AWS example key pair) where no
    /// credential-named attribute holds it.
    ExampleToken(&'static str),
    /// A literal in an attribute whose role is to carry a secret (`in_url`: the password of a
    /// URL held in any attribute).
    Credential { key: String, placeholder: bool, in_url: bool },
}

/// The first known token of one source, else its first literal in a secret-carrying role.
/// `forced`: the source's own value is a secret whatever its key says (a secret store's value,
/// a `sensitive` variable's default).
fn judge_source(visit: impl FnOnce(&mut Visit<'_>), forced: bool) -> Option<(Span, SecretKind)> {
    let mut token: Option<(Span, SecretKind)> = None;
    let mut cred: Option<(Span, SecretKind)> = None;
    let mut example: Option<(Span, SecretKind)> = None;
    visit(&mut |lit: Lit<'_>| {
        if let Some(kind) = known_token(lit.text) {
            token = Some((lit.span.clone(), SecretKind::Token(kind)));
            return true;
        }
        if example.is_none()
            && let Some(kind) = tokens::documented_example(lit.text)
        {
            example = Some((lit.span.clone(), SecretKind::ExampleToken(kind)));
        }
        let by_role = forced && lit.direct;
        // Judged by its key only while no credential is found yet (the key test is the dear part).
        let by_key = || is_credential_key(lit.key) && !(names_a_secret(lit.key) && identifier_like(lit.text));
        if cred.is_none()
            && !lit.partial
            && (by_role || by_key())
            && let Some(how) = secret_in_role(lit.text)
        {
            let kind = SecretKind::Credential {
                key: lit.key.to_owned(),
                placeholder: how == Literal::Placeholder,
                in_url: false,
            };
            cred = Some((lit.span.clone(), kind));
        }
        // A URL with a password in it (`postgres://app:…@db/app`), whatever the attribute.
        if cred.is_none()
            && let Some(pw) = url_password(lit.text)
                .or_else(|| lit.partial.then(|| url_password_before_interpolation(lit.text)).flatten())
            && let Some(how) = literal_secret(pw)
        {
            let kind = SecretKind::Credential {
                key: lit.key.to_owned(),
                placeholder: how == Literal::Placeholder,
                in_url: true,
            };
            cred = Some((lit.span.clone(), kind));
        }
        false
    });
    token.or(cred).or(example)
}

/// The argument of a provider that holds its credential under a name that does not say so
/// (Grafana's `auth` is `user:password` or an API key, Nomad's `secret_id` its ACL token).
pub fn provider_credential_arg(provider: &str) -> Option<&'static str> {
    match provider {
        "grafana" => Some("auth"),
        "nomad" => Some("secret_id"),
        "rancher2" => Some("token_key"),
        "cloudflare" => Some("api_user_service_key"),
        _ => None,
    }
}

/// The attribute of a secret-store, CI-secret or webhook resource (or of a provider) that holds
/// the secret value itself.
pub fn secret_value_attr(b: &Block) -> Option<&Attr> {
    if b.ident == "provider" {
        return b.body.attr(provider_credential_arg(b.labels.first()?)?);
    }
    if b.ident != "resource" {
        return None;
    }
    let lit = |k: &str| b.body.attr(k).and_then(|t| t.expr.as_str());
    let key = match b.labels.first()?.as_str() {
        "azurerm_key_vault_secret" => "value",
        "google_secret_manager_secret_version" => "secret_data",
        // Other providers' secret stores: the value each keeps.
        "scaleway_secret_version" => "data",
        "akeyless_static_secret" => "value",
        "doppler_secret" => "value",
        "infisical_secret" => "value",
        "hcp_vault_secrets_secret" => "secret_value",
        "alicloud_kms_secret" => "secret_data",
        "huaweicloud_csms_secret" => "secret_text",
        "tencentcloud_ssm_secret_version" => "secret_string",
        "ibm_sm_arbitrary_secret" => "payload",
        // The secret written as text, or as base64 bytes.
        "aws_secretsmanager_secret_version"
            if b.body.attr("secret_string").is_none() && b.body.attr("secret_string_wo").is_none() =>
        {
            "secret_binary"
        }
        "aws_secretsmanager_secret_version" => "secret_string",
        // A plain `String` parameter too when its name says it holds a password or secret
        // (`/app/PASSWORD_DATABASE`, `/var/supersecret`): the type only says it is not encrypted.
        "aws_ssm_parameter" if lit("type") == Some("SecureString") || parameter_names_secret(b) => "value",
        // An API key chosen in code instead of generated by API Gateway.
        "aws_api_gateway_api_key" => "value",
        "vault_generic_secret" if writes_engine_settings(b) => return None,
        "vault_kv_secret" | "vault_kv_secret_v2" | "vault_generic_secret" => "data_json",
        "gitlab_project_variable" | "gitlab_group_variable" | "gitlab_instance_variable"
            if b.body.attr("masked").is_some_and(|m| matches!(m.expr.kind, ExprKind::Bool(true)))
                || lit("key").is_some_and(is_credential_key) =>
        {
            "value"
        }
        // A webhook's shared token is the secret, however name-like it looks ("secret-token").
        t if t.ends_with("_hook") || t.ends_with("_webhook") => {
            return b.body.attr("token").or_else(|| b.body.attr("secret"));
        }
        // Another tool's credential store entry (`jenkins_credential_secret_text`, a CI
        // system's `…_credential_vault_approle`): its `secret`, `secret_id` or `secretbytes` is
        // the value kept, however name-like it looks ("super-secret"), not a secret's name.
        t if tool_credential_type(t) => {
            return ["secret", "secret_id", "secretbytes"].iter().find_map(|k| b.body.attr(k));
        }
        _ => return None,
    };
    // Its write-only twin (`value_wo`, `secret_string_wo`, Terraform 1.11+) keeps the value out
    // of state, not out of the code.
    b.body.attr(key).or_else(|| b.body.attr(&format!("{key}_wo")))
}

/// Whether a resource type is another tool's credential store entry (`jenkins_credential_ssh`),
/// named by an id rather than by what it holds.
fn tool_credential_type(t: &str) -> bool {
    // Every resource type has a provider prefix, so the word starts after an underscore.
    t.contains("_credential")
}

/// Whether an SSM parameter's name (the last segment of its `name`, else its label) has a word
/// for a password or a secret in it, wherever it stands (`PASSWORD_DATABASE`, `KEYSECRET`).
fn parameter_names_secret(b: &Block) -> bool {
    let name = b.body.attr("name").and_then(|a| a.expr.as_str()).map(str::to_owned);
    let name = name.as_deref().or(b.labels.get(1).map(String::as_str)).unwrap_or_default();
    let last = name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase();
    last.split(['_', '-', '.']).any(|w| w.contains("password") || w.contains("secret") || matches!(w, "passwd" | "pwd"))
}

/// Whether a `vault_generic_secret` writes an engine's settings rather than a stored secret:
/// a path whose second segment is a role or configuration endpoint (`artifactory/roles/viewer`,
/// `"${vault_mount.db.path}/config/pg"`), or one under Vault's auth methods, system backend or
/// identity store (`auth/token/roles/ci`, `auth/github/config`, `sys/policy/x`), which never
/// keep secrets as such. Its values are settings; a credential among them is still found by its
/// key (`password`, `bindpass`).
fn writes_engine_settings(b: &Block) -> bool {
    let Some(path) = b.body.attr("path") else { return false };
    let text: String = match &path.expr.kind {
        ExprKind::Str(s) => s.clone(),
        ExprKind::Template(parts) => parts
            .iter()
            .map(|p| match p {
                TemplatePart::Lit(l) => l.as_str(),
                _ => "mount",
            })
            .collect(),
        _ => return false,
    };
    let mut segments = text.trim_start_matches('/').split('/');
    let first = segments.next().unwrap_or_default();
    let second = segments.next().unwrap_or_default();
    matches!(first, "auth" | "sys" | "identity") || matches!(second, "roles" | "role" | "static-roles" | "config")
}

/// Whether an azapi `type` (`Microsoft.KeyVault/vaults/secrets@2023-02-01`) is the ARM resource
/// type `arm`, whatever its API version and case.
pub fn is_arm_type(type_attr: &str, arm: &str) -> bool {
    type_attr.split('@').next().is_some_and(|t| t.eq_ignore_ascii_case(arm))
}

/// The secret value an azapi resource writes into a Key Vault secret: `value` of the `body`
/// (data plane) or of `body.properties` (ARM), the body written as an object or `jsonencode`d.
fn azapi_secret_value(b: &Block) -> Option<&Expr> {
    let ty = b.labels.first()?;
    if b.ident != "resource" || !ty.starts_with("azapi_") {
        return None;
    }
    let arm = b.body.attr("type")?.expr.as_str()?;
    if !is_arm_type(arm, "Microsoft.KeyVault/vaults/secrets") {
        return None;
    }
    let mut body = &b.body.attr("body")?.expr;
    if let ExprKind::Call { name, args, .. } = &body.kind
        && name == "jsonencode"
        && let [arg] = args.as_slice()
    {
        body = arg;
    }
    body.field("value").or_else(|| body.field("properties")?.field("value"))
}

/// Calls `f` for the literals of the defaults that a type gives its objects' optional attributes
/// (`object({ root_password = optional(string, "admin") })`), each under its attribute's name,
/// at any depth. The type's own words (`string`, or a quoted `"string"` of Terraform 0.11) are
/// not values.
fn visit_type_defaults(e: &Expr, f: &mut Visit<'_>) -> bool {
    e.any_optional_attr(&mut |key, args| args.get(1).is_some_and(|d| visit_literals(d, key, true, f)))
}

/// Visits one attribute's value as a source of its own.
fn attr_source<'a>(a: &'a Attr, key: &str) -> impl FnOnce(&mut Visit<'_>) + 'a {
    let key = key.to_owned();
    move |f: &mut Visit<'_>| {
        visit_literals(&a.expr, &key, true, f);
    }
}

/// A secret store's value written as a document (`data_json = jsonencode({ zip = "zap" })`)
/// whose keys name no credential: every value in it is what the store keeps secret, whatever it
/// is called. Descriptive keys (`username`, `host`) and prose are not.
fn stored_document_source<'a>(a: &'a Attr) -> Option<impl FnOnce(&mut Visit<'_>) + 'a> {
    let ExprKind::Call { name, args, .. } = &a.expr.kind else { return None };
    let [arg] = args.as_slice() else { return None };
    let ExprKind::Object(items) = &arg.kind else { return None };
    if name != "jsonencode" {
        return None;
    }
    if items.iter().any(|(k, _)| k.name().is_none_or(is_credential_key)) {
        return None;
    }
    Some(move |f: &mut Visit<'_>| {
        for (k, v) in items {
            let key = k.name().unwrap_or_default();
            if is_descriptive_name(key) {
                continue;
            }
            if v.as_str().is_some_and(|t| sample_pair(key, t)) {
                continue;
            }
            // Prose (`"just leave this empty"`) is a note, not a stored secret.
            if let ExprKind::Str(text) = &v.kind
                && !text.contains(char::is_whitespace)
                && f(Lit { key, text, span: &v.span, partial: false, direct: true })
            {
                return;
            }
        }
    })
}

/// `foo = "bar"`: the names examples use for anything, not a secret.
fn sample_pair(key: &str, value: &str) -> bool {
    const METASYNTACTIC: [&str; 7] = ["foo", "bar", "baz", "qux", "quux", "hello", "world"];
    METASYNTACTIC.contains(&key) && METASYNTACTIC.contains(&value)
}

/// A JSON object made of sample pairs only (`{"foo":"bar"}`, as a plan shows a stored
/// document).
fn sample_document(s: &str) -> bool {
    let t = s.trim();
    if !t.starts_with('{') || t.len() > 256 {
        return false;
    }
    match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t) {
        Ok(map) => !map.is_empty() && map.iter().all(|(k, v)| v.as_str().is_some_and(|v| sample_pair(k, v))),
        Err(_) => false,
    }
}

/// A secret in a file a block reads with `file()` or `templatefile()`.
#[derive(Debug, Clone)]
pub struct FileSecret {
    /// The file and unprefixed address of the block that reads it.
    pub file: usize,
    pub key: String,
    /// The attribute's value (the call).
    pub span: Span,
    pub kind: SecretKind,
    /// The file's name, as the call gives it.
    pub name: String,
}

/// Secrets in the scripts and documents resources, data sources and providers read into an
/// attribute (`user_data = templatefile("${path.module}/init.tpl", {})`): the text is judged as
/// any script or document written in the code, at most once per block. A credential argument
/// or a secret store's value read from a file (`private_key = file(…)`) is not: that is how
/// secrets are kept out of the code.
pub fn in_read_files(items: &[crate::query::Item<'_>]) -> Vec<FileSecret> {
    let mut out = Vec::new();
    for item in items {
        if !matches!(item.block.ident.as_str(), "resource" | "data" | "provider") {
            continue;
        }
        // A credential or a secret store's value read from a file is how secrets are kept out
        // of the code (the file is often ignored by git): only scripts and documents count.
        let store = secret_value_attr(item.top).map(|a| a.key.as_str());
        let mut attrs = Vec::new();
        item.body.each_attr(&mut |a| attrs.push(a));
        for a in attrs.into_iter().filter(|a| !is_credential_key(&a.key) && Some(a.key.as_str()) != store) {
            let mut name = None;
            a.expr.walk(&mut |e| {
                if let ExprKind::Call { name: f, args, .. } = &e.kind
                    && matches!(f.as_str(), "file" | "templatefile")
                    && name.is_none()
                    && let Some(path) = args.first().map(|p| item.eval(p))
                {
                    name = path.as_str().map(|p| p.rsplit('/').next().unwrap_or(p).to_owned());
                }
            });
            let Some(name) = name else { continue };
            // The text read, or each text of a list of them (`values = [file("values.yaml")]`
            // of a Helm release). A template whose variables are not all known here (a `for`
            // over an input, a generated password) is read with holes for them; only tokens of
            // a known format count there (a private key written into the template), since
            // what its other lines hold may be the variables' own values, judged where set.
            let (value, holed) = match item.eval(&a.expr) {
                v @ (crate::eval::Value::Str(_) | crate::eval::Value::List(_)) => (v, false),
                _ => (item.within(|| item.env.eval_lenient(&a.expr)), true),
            };
            let texts: Vec<String> = match value {
                crate::eval::Value::Str(text) => vec![text],
                crate::eval::Value::List(items) => items
                    .into_iter()
                    .filter_map(|v| if let crate::eval::Value::Str(t) = v { Some(t) } else { None })
                    .collect(),
                _ => continue,
            };
            let span = &a.expr.span;
            let found = judge_source(
                |f| {
                    let _ = texts
                        .iter()
                        .any(|text| visit_text(text, &a.key, span, false, f) || visit_base64(text, &a.key, span, f));
                },
                false,
            );
            if let Some((span, kind)) = found.filter(|(_, k)| !holed || matches!(k, SecretKind::Token(_))) {
                out.push(FileSecret { file: item.file, key: address_of(item.top), span, kind, name });
                break;
            }
        }
    }
    out
}

/// At most one hit per source (block, local value or variable) of a file.
pub(super) fn scan(file: &SourceFile) -> Vec<SecretHit> {
    let mut out = Vec::new();
    // The key is only written out for a hit: most blocks have none.
    let mut push = |key: &dyn Fn() -> String, found: Option<(Span, SecretKind)>| {
        if let Some((span, kind)) = found {
            out.push(SecretHit { key: key(), span, kind, place: Place::Code });
        }
    };
    // Top-level attributes: the values of a .tfvars file.
    for a in &file.body.attrs {
        push(&|| format!("var.{}", a.key), judge_source(attr_source(a, &a.key), false));
    }
    for b in &file.body.blocks {
        match b.ident.as_str() {
            "locals" => {
                for a in &b.body.attrs {
                    push(&|| format!("local.{}", a.key), judge_source(attr_source(a, &a.key), false));
                }
            }
            "variable" => {
                let name = b.labels.first().map_or("", String::as_str);
                // A sensitive variable named for what describes a secret (`email`, `db_host`)
                // is private, not a credential; a key's id (`aws_access_key_id`) is kept.
                let sensitive = b.body.attr("sensitive").is_some_and(|a| matches!(a.expr.kind, ExprKind::Bool(true)))
                    && (!is_descriptive_name(name) || name.to_ascii_lowercase().ends_with("id"));
                // The defaults of an object type's optional attributes are defaults too
                // (`type = object({ root_password = optional(string, "admin") })`).
                let found =
                    b.body.attr("default").and_then(|d| judge_source(attr_source(d, name), sensitive)).or_else(|| {
                        let t = b.body.attr("type")?;
                        judge_source(|f| _ = visit_type_defaults(&t.expr, f), sensitive)
                    });
                push(&|| format!("var.{name}"), found);
            }
            "data" if b.labels.first().is_some_and(|t| t == "aws_iam_policy_document") => {}
            _ => {
                // Attributes that hold a secret whatever they are called come first, unless
                // the entry is named for what describes one (`langfuse_s3_user`, `db-host`).
                // Another tool's credential entry is named by an id ("deploy-username" for a
                // secret text), not by what it holds.
                let described = || {
                    b.ident == "resource"
                        && !b.labels.first().is_some_and(|t| tool_credential_type(t))
                        && (b.labels.get(1).is_some_and(|n| names_no_secret(n))
                            || b.body
                                .attr("name")
                                .and_then(|a| a.expr.written_text())
                                .is_some_and(|n| names_no_secret(&n)))
                };
                let forced = secret_value_attr(b)
                    .filter(|_| !described())
                    .and_then(|a| {
                        // An SSM parameter is named for what it holds (`/staging/db/password`).
                        let ssm_name = (b.labels.first().is_some_and(|t| t == "aws_ssm_parameter"))
                            .then(|| b.body.attr("name").and_then(|n| n.expr.as_str()))
                            .flatten();
                        judge_source(attr_source(a, ssm_name.unwrap_or(&a.key)), true)
                            .or_else(|| stored_document_source(a).and_then(|doc| judge_source(doc, true)))
                    })
                    .or_else(|| {
                        let value = azapi_secret_value(b)?;
                        judge_source(|f| _ = visit_literals(value, "value", true, f), true)
                    });
                // A data source's own `secret = "…"` (or `credentials`) names the secret it
                // reads (`data "google_secret_manager_secret_version" { secret = "db-pass" }`).
                let lookup = b.ident == "data";
                let found = forced.or_else(|| {
                    judge_source(
                        |f| {
                            visit_body(&b.body, &mut |lit: Lit<'_>| {
                                !(lookup && lit.direct && names_a_secret(lit.key)) && f(lit)
                            });
                        },
                        false,
                    )
                });
                push(&|| address_of(b), found);
            }
        }
    }
    commented_out(file, &mut out);
    unread(file, &mut out);
    out
}

/// Credentials of a known format in the text a syntax error kept the parser from reading (a
/// private key in a `.tfvars` file with a broken heredoc): the file is committed all the same,
/// and the error alone would hide them. Reported under the file's unread part, `(unparsed)`.
fn unread(file: &SourceFile, out: &mut Vec<SecretHit>) {
    for range in &file.unread {
        for (kind, found) in tokens::known_tokens(&file.text[range.clone()]) {
            out.push(SecretHit {
                key: UNREAD_KEY.to_owned(),
                span: range.start + found.start..range.start + found.end,
                kind: SecretKind::Token(kind),
                place: Place::Unread,
            });
        }
    }
}

/// The address findings in unread text are reported under.
pub const UNREAD_KEY: &str = "(unparsed)";

/// Commented-out attributes inside a block (`# client_key = base64decode("LS0t…")`): the
/// secret is committed all the same. Judged like the block's own attributes, for blocks that
/// have no other hit.
fn commented_out(file: &SourceFile, out: &mut Vec<SecretHit>) {
    if file.body.blocks.is_empty() {
        return;
    }
    let text = file.text.as_str();
    let bytes = text.as_bytes();
    // Only lines whose first non-blank character starts a comment: found from the comment
    // characters rather than by walking every line, which is most of a file's lines.
    let mut done = 0;
    for at in memchr::memchr2_iter(b'#', b'/', bytes) {
        if at < done {
            continue;
        }
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1);
        done = end;
        if !text[start..at].chars().all(char::is_whitespace) {
            continue;
        }
        let line = &text[start..end];
        let t = line.trim_start();
        let Some(code) = t.strip_prefix('#').or_else(|| t.strip_prefix("//")) else { continue };
        if !code.contains('=') || !code.contains('"') || code.len() > 65_536 {
            continue;
        }
        let Some(block) = file.body.blocks.iter().find(|b| b.span.start <= start && start < b.span.end) else {
            continue;
        };
        if block.ident == "locals" || block.ident == "variable" {
            continue;
        }
        let key = address_of(block);
        if out.iter().any(|h| h.key == key) {
            continue;
        }
        let Ok(body) = crate::syntax::parse_hcl(code.trim()) else { continue };
        let span = start + (line.len() - t.len())..start + line.trim_end().len();
        for a in &body.attrs {
            if let Some((_, kind)) = judge_source(attr_source(a, &a.key), false) {
                out.push(SecretHit { key: key.clone(), span: span.clone(), kind, place: Place::Commented });
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Lit, assignment, held_secret, visit_auth_header};
    use crate::span::Span;

    #[test]
    fn a_statement_of_embedded_code_assigns_a_literal_only_when_quoted() {
        let found = |line: &str| {
            let mut out = Vec::new();
            super::visit_inline_pairs(line, &Span::default(), &mut |l: Lit<'_>| {
                out.push(l.text.to_owned());
                false
            });
            out
        };
        assert!(found("    const accessToken = await management.getAccessToken();").is_empty());
        assert!(found(r#"const apiToken = "9f8e7d6c5b4a3928"; run();"#).contains(&"9f8e7d6c5b4a3928".to_owned()));
        assert!(found("Server=db;Password=Hunter2-prod;").contains(&"Hunter2-prod".to_owned()));
    }

    #[test]
    fn a_dotted_path_in_a_script_is_code_not_a_value() {
        assert_eq!(assignment("  clientSecret: event.secrets.clientSecret,"), None);
        assert_eq!(assignment("API_KEY=process.env.API_KEY"), None);
        assert_eq!(assignment("password: hunter2"), Some(("password", "hunter2")));
        assert_eq!(
            assignment("VAULT_TOKEN: s.Abc1234567890defGHIjklmn"),
            Some(("VAULT_TOKEN", "s.Abc1234567890defGHIjklmn"))
        );
        assert_eq!(assignment("token: hvs.CAESIJ1234abcd"), Some(("token", "hvs.CAESIJ1234abcd")));
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl";
        assert_eq!(assignment(&format!("token: {jwt}")), Some(("token", jwt)));
        let short = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";
        assert_eq!(assignment(&format!("token: {short}")), Some(("token", short)));
        assert_eq!(
            assignment(r#"clientSecret: "event.secrets.clientSecret""#),
            Some(("clientSecret", "event.secrets.clientSecret"))
        );
    }

    /// The `(key, value)` pairs `visit_auth_header` finds in a line.
    fn headers(line: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        visit_auth_header(line, &Span::default(), &mut |l: Lit<'_>| {
            out.push((l.key.to_owned(), l.text.to_owned()));
            false
        });
        out
    }

    #[test]
    fn auth_headers_in_any_case_at_a_word_start() {
        let bearer = ("Authorization token".to_owned(), "9f8e7d6c5b4a3928".to_owned());
        assert_eq!(
            headers(r#"curl -H "Authorization: Bearer 9f8e7d6c5b4a3928" https://x"#),
            std::slice::from_ref(&bearer)
        );
        assert_eq!(headers("AUTHORIZATION: bearer 9f8e7d6c5b4a3928"), [bearer]);
        assert_eq!(headers("x-vault-token: s.abcdefghijkl")[0].0, "X-Vault-Token");
        // Not a word start, a variable, too short, an ARN's colons.
        assert!(headers("x-authorization: Bearer 9f8e7d6c5b4a3928").is_empty());
        assert!(headers("Authorization: Bearer $TOKEN").is_empty());
        assert!(headers("authorization: short").is_empty());
        assert!(headers("arn:aws:iam::123456789012:role/x").is_empty());
    }

    #[test]
    fn maps_named_for_the_secrets_they_hold() {
        assert_eq!(held_secret("secrets"), Some("secret"));
        assert_eq!(held_secret("github_secrets"), Some("secret"));
        assert_eq!(held_secret("dbPasswords"), Some("password"));
        assert_eq!(held_secret("api_tokens"), Some("token"));
        assert_eq!(held_secret("encrypted_secrets"), None, "what is held is not the secret");
        assert_eq!(held_secret("secrets_encrypted"), None);
        assert_eq!(held_secret("secret_names"), None);
        assert_eq!(held_secret("tags"), None);
        assert_eq!(held_secret("secret_environment_variables"), Some("secret"));
        assert_eq!(held_secret("secret_env"), Some("secret"));
        assert_eq!(held_secret("secret_name"), None, "one name, not a map of secrets");
        assert_eq!(held_secret("environment_variables"), None);
    }
}
