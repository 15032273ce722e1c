use std::collections::BTreeSet;

use crate::facts::secrets::{SecretKind, is_credential_key};
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::syntax::{Body, Expr, ExprKind, ObjKey};

/// ## What it does
/// Finds literals in attributes whose job is to carry a secret: credential-named arguments of
/// provider, backend and resource blocks and module calls (`password`, `client_secret`,
/// `api_key`, `token`, `access_key`, …), values written into secret stores
/// (`secret_string`, `secret_data`, `value`, `data_json`, masked CI variables), environment
/// entries named like a credential (`DB_PASSWORD`, `AWS_SECRET_ACCESS_KEY`) in maps, container
/// definitions, scripts, cloud-init and manifests held in strings, locals, variable defaults
/// (any default of a `sensitive` variable) and `.tfvars` values. Inside any string it also
/// reads the password of a URL (`postgres://app:…@db/app`), the credential fields of a
/// connection string (`Password=…;`, `AccountKey=…`) or URL query, and credential flags of a
/// command line (`--db-password …`, `TOKEN=… ./run`).
///
/// A variable holding such a secret (its default or a `.tfvars` value) is reported where it
/// is, and again where a resource, data source or provider uses it as a credential
/// (`password = var.db_password`, `DB_PASSWORD = var.db_password` in a map), since the secret
/// reaches that resource. A module call that passes it on is not a use; the module's own
/// resources are.
///
/// The role decides, not the look: `"root"`, `"123"` and the AWS documentation example key
/// are findings in such an attribute. A value that looks like a placeholder (`"changeme"`,
/// `"<token>"`) is still reported, and the message says so. Empty strings, references,
/// interpolations, file paths, URLs without credentials, environment variable names and
/// pointers to a secret store (`arn:…`, Key Vault references) are not findings.
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
                    cx.report_at(fi, &hit.key, hit.span.clone(), message)
                        .help("pass the secret at run time (sensitive variable, secret manager, or ephemeral value) and rotate it");
                }
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
    if !is_credential_key(key) {
        return;
    }
    let mut found = None;
    expr.walk(&mut |e| {
        if found.is_none()
            && let Some(path) = e.traversal_path()
            && let Some(var) = path.strip_prefix("var.").map(|r| r.split(['.', '[']).next().unwrap_or(r))
            && vars.contains(var)
        {
            found = Some(var.to_owned());
        }
    });
    if let Some(var) = found {
        out.push((key.to_owned(), var, expr.span.clone()));
    }
}
