use crate::facts::secrets::SecretKind;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds secret-looking literals under credential-named keys (`password`, `client_secret`,
/// `api_key`, `token`, `secret_string`, …) in resources, provider blocks, module inputs,
/// locals, variable defaults and `.tfvars` values, and secret-looking defaults of variables
/// marked `sensitive`.
/// References, interpolations, paths, names and placeholders (`"changeme"`, `"REPLACE_ME"`,
/// `"<token>"`, `"${var.x}"`) are not findings.
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
                if let SecretKind::Credential(key) = &hit.kind {
                    cx.report_at(fi, &hit.key, hit.span.clone(), format!("`{key}` is a hard-coded secret"))
                        .help("pass the secret at run time (sensitive variable, secret manager, or ephemeral value) and rotate it");
                }
            }
        }
    }
}
