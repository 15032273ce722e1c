use std::collections::BTreeSet;

use crate::facts::secrets::{SecretKind, is_credential_key};
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::syntax::{Body, Expr, ExprKind, ObjKey, TemplatePart};

/// ## What it does
/// Finds literals in attributes whose job is to carry a secret: credential-named arguments of
/// provider, backend and resource blocks and module calls (`password`, `client_secret`,
/// `api_key`, `token`, `access_key`, …, and the provider arguments whose names do not say so:
/// Grafana's `auth`, Nomad's `secret_id`), values written into secret stores (`secret_string`,
/// `secret_binary`, `secret_data`, `value`, `data_json`, masked CI variables; a stored
/// `jsonencode({ … })` document whose keys name no credential counts value by value, except
/// descriptive keys such as `username` or `host` and prose; a Key Vault secret's `value` in the
/// body of an azapi resource), a chosen API Gateway key, the shared
/// `token` or `secret` of a webhook however name-like (`"secret-token"`), environment
/// entries named like a credential (`DB_PASSWORD`, `AWS_SECRET_ACCESS_KEY`) in maps, container
/// definitions, scripts, cloud-init and manifests held in strings, locals, variable defaults
/// (any default of a `sensitive` variable) and `.tfvars` values. Inside any string it also
/// reads the password of a URL (`postgres://app:…@db/app`), the credential fields of a
/// connection string (`Password=…;`, `AccountKey=…`) or URL query, the base64 `user:password`
/// of a Docker config's `auth`, credential flags of a command line (`--db-password …`,
/// `TOKEN=… ./run`), the passwords that common commands take as short flags or arguments
/// (`mysql -p…`, `docker login -p …`, `sqlcmd -P …`, `curl -u user:…`, `useradd -p …`,
/// `htpasswd -b file user …`, `net user NAME … /add`, and what `echo` pipes into `chpasswd` or
/// `--password-stdin`), and credentials in HTTP headers
/// (`curl -H "Authorization: Bearer …"`, `PRIVATE-TOKEN: …`, `X-API-Key: …`).
///
/// Scripts, templates and documents that a resource, data source or provider reads with
/// `file()` or `templatefile()` (a `user_data` template exporting `AWS_SECRET_ACCESS_KEY=…`)
/// are read the same way, rendered with the values the call gives, and reported at the call.
///
/// A variable holding such a secret (its default or a `.tfvars` value) is reported where it
/// is, and again where a resource, data source or provider uses it as a credential
/// (`password = var.db_password`, `DB_PASSWORD = var.db_password` in a map,
/// `DB_PASSWORD=${var.db_password}` or `--db-password ${var.db_password}` in a script), since the secret
/// reaches that resource. A module call that passes it on is not a use; the module's own
/// resources are.
///
/// The role decides, not the look: `"root"`, `"123"` and the AWS documentation example key
/// are findings in such an attribute. A value that looks like a placeholder (`"changeme"`,
/// `"<token>"`) is still reported, and the message says so. Empty strings, references,
/// interpolations, file paths, URLs without credentials, environment variable names and
/// pointers to a secret store (`arn:…`, Key Vault references) are not findings, and neither
/// is an `access_key` beside a `secret_key`: it is the key pair's ID, and the secret half is
/// judged on its own. A
/// commented-out attribute inside a block (`# password = "…"`) is judged the same way: the
/// secret is committed all the same.
///
/// ## Why is this bad?
/// The value is in version control and in every clone, and it cannot be rotated without a
/// commit. A `sensitive` variable with a literal default is a secret with extra steps.
///
/// ## Example
/// ```hcl
/// resource "aws_db_instance" "main" {
///   username = "admin"
///   password = "Sup3rS3cret!"
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "aws_db_instance" "main" {
///   username                    = "admin"
///   manage_master_user_password = true # kept in Secrets Manager, rotated
/// }
/// ```
#[derive(Debug)]
pub struct HardcodedCredential;

impl Rule for HardcodedCredential {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "hardcoded-credential",
            category: Category::StaticCredential,
            severity: Severity::High,
            summary: "a secret-looking literal in a credential-named attribute or variable",
            source: include_str!("hardcoded_credential.rs"),
            on_plan: OnPlan::NeedsConstant,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for (fi, hits) in cx.facts().secrets() {
            for hit in hits {
                if let SecretKind::Credential { key, placeholder, in_url } = &hit.kind {
                    let message = if *in_url {
                        format!(
                            "`{key}` holds a URL with a hard-coded password{}",
                            if *placeholder {
                                " (it looks like a placeholder; if it is one, the real value will end up here too)"
                            } else {
                                ""
                            }
                        )
                    } else if *placeholder {
                        format!(
                            "`{key}` is a hard-coded secret (its value looks like a placeholder; if it is one, the real value will end up here too)"
                        )
                    } else {
                        format!("`{key}` is a hard-coded secret")
                    };
                    let message = if hit.commented {
                        format!("{message}, in commented-out code (still committed)")
                    } else {
                        message
                    };
                    cx.report_at(fi, &hit.key, hit.span.clone(), message)
                        .help("pass the secret at run time (sensitive variable, secret manager, or ephemeral value) and rotate it");
                }
            }
        }
        for hit in cx.facts().file_secrets() {
            if let SecretKind::Credential { key, placeholder, .. } = &hit.kind {
                let looks = if *placeholder { " (its value looks like a placeholder)" } else { "" };
                cx.report_at(hit.file, &hit.key, hit.span.clone(), format!("`{key}` is a hard-coded secret in `{}`, read here{looks}", hit.name))
                    .help("remove the secret from the file and pass it at run time (sensitive variable, secret manager, or ephemeral value); rotate it");
            }
        }
        report_consumers(cx);
    }
}

/// Where a variable holding a hard-coded secret (its default, or a `.tfvars` value) is used as
/// a credential: `password = var.db_password` in a resource, data source or provider, or a
/// credential-named entry (`DB_PASSWORD = var.db_password`) in a map. The secret reaches that
/// resource, so the finding is repeated there, where reviewers of the resource look.
fn report_consumers(cx: &mut Ctx<'_>) {
    let secret_vars: BTreeSet<String> = cx
        .facts()
        .secrets()
        .iter()
        .flat_map(|(_, hits)| hits.iter())
        .filter(|h| matches!(&h.kind, SecretKind::Credential { placeholder: false, .. } | SecretKind::Token(_)))
        .filter_map(|h| h.key.strip_prefix("var.").map(str::to_owned))
        .collect();
    if secret_vars.is_empty() {
        return;
    }
    for item in cx.all_blocks() {
        // Module calls only pass the value on: the use is inside the module.
        if !matches!(item.block.ident.as_str(), "resource" | "data" | "provider") {
            continue;
        }
        let mut uses = Vec::new();
        consumers_in(item.body, &secret_vars, &mut uses);
        for (key, var, span) in uses {
            cx.report(&item, span, format!("`{key}` is set from var.{var}, which holds a hard-coded secret")).help(
                format!(
                    "remove the literal from var.{var} (its default or .tfvars value) and pass the secret at run time"
                ),
            );
        }
    }
}

/// (argument or map key, variable, where) for each credential-named use of a secret variable.
fn consumers_in(body: &Body, vars: &BTreeSet<String>, out: &mut Vec<(String, String, crate::span::Span)>) {
    for a in &body.attrs {
        uses_in(&a.key, &a.expr, vars, out);
    }
    for b in &body.blocks {
        consumers_in(&b.body, vars, out);
    }
}

fn uses_in(key: &str, expr: &Expr, vars: &BTreeSet<String>, out: &mut Vec<(String, String, crate::span::Span)>) {
    // Inside scripts and config files held in strings: `DB_PASSWORD=${var.db_password}`,
    // `--db-password ${var.db_password}`, `define('DB_PASSWORD', '${var.db_password}')`.
    expr.walk(&mut |e| {
        let ExprKind::Template(parts) = &e.kind else { return };
        let mut before = "";
        for part in parts {
            match part {
                TemplatePart::Lit(text) => before = text,
                TemplatePart::Interp(x) => {
                    if let Some(var) = secret_var(x, vars)
                        && let Some(name) = key_before(before)
                    {
                        out.push((name, var, x.span.clone()));
                    }
                    before = "";
                }
                TemplatePart::Directive(_) => before = "",
            }
        }
    });
    if let ExprKind::Object(entries) = &expr.kind {
        for (k, v) in entries {
            let name = match k {
                ObjKey::Ident(s) => Some(s.clone()),
                ObjKey::Expr(e) => e.as_str().map(str::to_owned),
            };
            if let Some(name) = name {
                uses_in(&name, v, vars, out);
            }
        }
        return;
    }
    if !is_credential_key(key) || matches!(expr.kind, ExprKind::Template(_)) && !is_plain_reference(expr) {
        return;
    }
    let mut found = None;
    expr.walk(&mut |e| {
        if found.is_none() {
            found = secret_var(e, vars);
        }
    });
    if let Some(var) = found {
        out.push((key.to_owned(), var, expr.span.clone()));
    }
}

/// `"${var.x}"`: a template that is only one interpolation.
fn is_plain_reference(expr: &Expr) -> bool {
    matches!(&expr.kind, ExprKind::Template(parts) if matches!(parts.as_slice(), [TemplatePart::Interp(_)]))
}

/// The secret variable `e` refers to (`var.NAME`, `var.NAME.field`), if any.
fn secret_var(e: &Expr, vars: &BTreeSet<String>) -> Option<String> {
    let path = e.traversal_path()?;
    let var = path.strip_prefix("var.")?;
    let var = var.split(['.', '[']).next().unwrap_or(var);
    vars.contains(var).then(|| var.to_owned())
}

/// The credential-named key that text ends by assigning (`DB_PASSWORD=`, `password: "`,
/// `--db-password `, `define('DB_PASSWORD', '`), if any.
fn key_before(text: &str) -> Option<String> {
    let tail = text.trim_end_matches(|c: char| c.is_whitespace() || "=:,'\"(".contains(c));
    let start = tail
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || "_-.".contains(*c)))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let name = tail[start..].trim_start_matches('-');
    // Only right after the key: `password = "${var.x}"` yes, `password is ${var.x}` no.
    let between = &text[tail.len()..];
    let assigns = between.contains(['=', ':', ','])
        || tail.ends_with(|c: char| c.is_alphanumeric()) && tail[start..].starts_with("--");
    (assigns && !name.is_empty() && is_credential_key(name)).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::key_before;

    #[test]
    fn the_key_a_string_assigns_before_an_interpolation() {
        let key = |t: &str| key_before(t);
        assert_eq!(key("export DB_PASSWORD="), Some("DB_PASSWORD".to_owned()));
        assert_eq!(key("define('DB_PASSWORD', '"), Some("DB_PASSWORD".to_owned()));
        assert_eq!(key("  password: \""), Some("password".to_owned()));
        assert_eq!(key("{\"client_secret\": \""), Some("client_secret".to_owned()));
        assert_eq!(key("configure --db-password "), Some("db-password".to_owned()));
        assert_eq!(key("Server=db;Password="), Some("Password".to_owned()));
        assert_eq!(key("the password is "), None, "not an assignment");
        assert_eq!(key("DB_HOST="), None, "not a credential name");
        assert_eq!(key("postgres://app:"), None, "a URL's user is not the key");
        assert_eq!(key(""), None);
    }
}
