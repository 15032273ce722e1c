use crate::facts::secrets::SecretKind;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds literals in attributes whose job is to carry a secret: credential-named arguments of
/// provider, backend and resource blocks and module calls (`password`, `client_secret`,
/// `api_key`, `token`, `access_key`, …, and the provider arguments whose names do not say so:
/// Grafana's `auth`, Nomad's `secret_id`), values written into secret stores (`secret_string`,
/// `secret_binary`, `secret_data`, `value`, `data_json`, masked CI variables; a stored
/// `jsonencode({ … })` document whose keys name no credential counts value by value, except
/// descriptive keys such as `username` or `host` and prose; a Key Vault secret's `value` in the
/// body of an azapi resource), a chosen API Gateway key, the shared
/// `token` or `secret` of a webhook however name-like (`"secret-token"`), the `secret`,
/// `secret_id` or `secretbytes` of another tool's credential entry (`jenkins_credential_*`)
/// whatever its id says, the values of other
/// providers' secret stores (Scaleway, Akeyless, Doppler, Infisical, HCP Vault Secrets, Alibaba
/// Cloud, Huawei Cloud, Tencent Cloud, IBM), every value of settings named secret as a whole
/// (`secret_environment_variables`, `secret_env`), environment
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
/// (`curl -H "Authorization: Bearer …"`, `PRIVATE-TOKEN: …`, `X-API-Key: …`, also written as
/// an object a hook or check sends: `{ key = "Authorization", value = "…" }`).
///
/// Scripts, templates and documents that a resource, data source or provider reads with
/// `file()` or `templatefile()` (a `user_data` template exporting `AWS_SECRET_ACCESS_KEY=…`)
/// are read the same way, rendered with the values the call gives, and reported at the call.
///
/// A variable holding such a secret (its default or a `.tfvars` value) is reported where the
/// literal is written, once: that is where the change is made, not at each argument that
/// reads the variable.
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
                    let message = if hit.place == crate::facts::secrets::Place::Commented {
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
    }
}
