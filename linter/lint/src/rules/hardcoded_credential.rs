use crate::facts::secrets::SecretKind;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

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
    }
}
