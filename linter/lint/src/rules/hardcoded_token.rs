use crate::facts::secrets::{Place, SecretKind};
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds string literals that contain a credential of a known format anywhere in the
/// configuration — provider blocks, resource attributes, variable defaults, locals, module
/// inputs, `.tfvars` values: AWS access key IDs (`AKIA…`), GitHub (`ghp_`, `gho_`, `ghs_`, `github_pat_`), GitLab
/// (`glpat-`), Slack (`xox?-`, webhooks), Google API keys (`AIza…`), PEM private keys, Vault
/// tokens (`hvs.`), JWTs, Stripe, SendGrid, npm, Artifactory (`AKCp…`), PuTTY private keys,
/// Azure storage account keys and shared access signatures (`sv=…&sig=…`), Entra ID client
/// secrets (`…8Q~…`), Discord and Microsoft Teams webhook URLs, Telegram bot tokens, OpenAI,
/// Anthropic, Hugging Face, Shopify, PyPI, Databricks, Grafana, New Relic, Sentry, Postman,
/// Pulumi, Doppler, Linear, Atlassian, Mailgun and Tailscale keys, GitLab runner registration
/// tokens, HTTP Basic credentials (`Basic ` and base64 of `user:password`), and `nhi` API keys (`nhik_…`, only with a valid
/// checksum: the format the nhi registry mints, defined once in `nhi-core`) — also in a
/// commented-out attribute inside a block, and in the text of a file that does not parse
/// (reported under the address `(unparsed)`, next to the syntax error): a broken heredoc must
/// not hide the key inside it. Values that only look like a format (`…EXAMPLE`,
/// `xxxx`) are not findings, except the AWS documentation's example key pair
/// (`AKIAIOSFODNN7EXAMPLE`, `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`), copied everywhere:
/// it is reported as a placeholder, since where it stands a real key will be written. A file
/// of the tree that a resource, data source or provider reads with `file()` or
/// `templatefile()` (a private key, a script) is searched too, and reported at the call.
///
/// ## Why is this bad?
/// A credential in the code is readable by everyone with access to the repository, its forks,
/// its CI logs and every clone, forever — git history keeps it after it is deleted.
///
/// ## Example
/// ```hcl
/// provider "github" {
///   token = "ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5"
/// }
/// ```
///
/// ## Use instead
/// Read credentials from the environment or a secret manager at run time, and revoke the
/// leaked one:
/// ```hcl
/// provider "github" {} # token from GITHUB_TOKEN, or a GitHub App
/// ```
#[derive(Debug)]
pub struct HardcodedToken;

impl Rule for HardcodedToken {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "hardcoded-token",
            category: Category::StaticCredential,
            severity: Severity::Critical,
            summary: "a credential of a known format written in the code",
            source: include_str!("hardcoded_token.rs"),
            on_plan: OnPlan::NeedsConstant,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for (fi, hits) in cx.facts().secrets() {
            for hit in hits {
                let where_ = match hit.place {
                    Place::Code => "in the code",
                    Place::Commented => "in commented-out code (still committed)",
                    Place::Unread => "in text of this file that does not parse (still committed)",
                };
                match hit.kind {
                    SecretKind::Token(kind) => {
                        cx.report_at(fi, &hit.key, hit.span.clone(), format!("{kind} written {where_}")).help(
                            "revoke this credential and read it at run time from the environment or a secret manager",
                        );
                    }
                    SecretKind::ExampleToken(kind) => {
                        let message = format!(
                            "{kind} written {where_}: the AWS documentation's example, a placeholder (if it stands for a real one, the real one will be written here too)"
                        );
                        cx.report_at(fi, &hit.key, hit.span.clone(), message)
                            .help("read the credential at run time from the environment or a secret manager");
                    }
                    SecretKind::Credential { .. } => {}
                }
            }
        }
        for hit in cx.facts().file_secrets() {
            if let SecretKind::Token(kind) = hit.kind {
                cx.report_at(
                    hit.file,
                    &hit.key,
                    hit.span.clone(),
                    format!("{kind} written in `{}`, read here", hit.name),
                )
                .help(
                    "revoke this credential, remove the file from the repository and read the credential at run time",
                );
            }
        }
    }
}
