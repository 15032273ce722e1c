use crate::rule::{Category, Ctx, Rule, RuleMeta, Severity};
use crate::rules::secrets::{is_credential_key, known_token, looks_like_secret, sources};

/// ## What it does
/// Finds secret-looking literals under credential-named keys (`password`, `client_secret`,
/// `api_key`, `token`, `secret_string`, …) in resources, provider blocks, module inputs,
/// locals and variable defaults, and secret-looking defaults of variables marked `sensitive`.
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
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        if !cx.is_standalone() {
            return;
        }
        for (fi, file) in cx.files() {
            for src in sources(&file.body.blocks, |b| file.address_of(b)) {
                // Known formats are hardcoded-token's; one finding per value is enough.
                if src.literals.iter().any(|l| known_token(l.text).is_some()) {
                    continue;
                }
                let hit = src
                    .literals
                    .iter()
                    .find(|l| !l.partial && (is_credential_key(&l.key) || src.sensitive) && looks_like_secret(l.text));
                if let Some(lit) = hit {
                    cx.report_at(fi, &src.key, lit.span.clone(), format!("`{}` is a hard-coded secret", lit.key))
                        .help("pass the secret at run time (sensitive variable, secret manager, or ephemeral value) and rotate it");
                }
            }
        }
    }
}
