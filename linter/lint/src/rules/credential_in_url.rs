use crate::facts::secrets::is_credential_key;
use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::written_text;

/// The credential a URL carries, as written: a query parameter named like a credential
/// (`?private_token=…`, `&api_key=…`) with a value, or a password in its user part
/// (`https://bot:…@host`). Interpolations count: a reference in a URL is still sent in it.
fn credential_in(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if let Some((user, _)) = authority.rsplit_once('@')
        && let Some((_, password)) = user.split_once(':')
        && !password.is_empty()
    {
        return Some("a password in its user part".to_owned());
    }
    let query = rest.split_once('?')?.1.split('#').next().unwrap_or("");
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        (!value.is_empty() && is_credential_key(name)).then(|| format!("`{name}` in its query string"))
    })
}

/// ## What it does
/// Finds webhooks (`github_repository_webhook`, `github_organization_webhook`, GitLab project,
/// group and system hooks, any `…_webhook` / `…_hook` resource) whose `url` carries a
/// credential: a query parameter named like one (`?private_token=${…}`, `&api_key=…`) or a
/// password in the URL's user part — a literal or a reference alike.
///
/// ## Why is this bad?
/// A URL is not treated as a secret: it is shown to repository admins in the webhook settings,
/// written to delivery logs and proxy logs, and copied into every request. A long-lived token
/// placed there is readable by everyone who can see any of those. Webhooks have a `secret` (or
/// `token`) argument made to authenticate deliveries.
///
/// ## Example
/// ```hcl
/// resource "github_repository_webhook" "mirror" {
///   repository = "app"
///   events     = ["push"]
///   configuration {
///     url = "https://gitlab.example.com/api/v4/projects/1/mirror/pull?private_token=${var.gitlab_token}"
///   }
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "github_repository_webhook" "mirror" {
///   repository = "app"
///   events     = ["push"]
///   configuration {
///     url    = "https://hooks.example.com/mirror"
///     secret = var.webhook_secret
///   }
/// }
/// ```
#[derive(Debug)]
pub struct CredentialInUrl;

impl Rule for CredentialInUrl {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "credential-in-url",
            category: Category::StaticCredential,
            severity: Severity::High,
            summary: "a webhook whose URL carries a token or password",
            source: include_str!("credential_in_url.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for hook in cx.resources_where(|t| t.ends_with("_webhook") || t.ends_with("_hook")) {
            let bodies: Vec<Item<'_>> = std::iter::once(hook.clone()).chain(hook.nested("configuration")).collect();
            let found = bodies.iter().find_map(|b| {
                let a = b.attr("url")?;
                let text = b.str("url").or_else(|| written_text(&a.expr))?;
                credential_in(&text).map(|what| (a.expr.span.clone(), what))
            });
            if let Some((span, what)) = found {
                cx.report(&hook, span, format!("the webhook URL carries a credential: {what}")).help(
                    "authenticate deliveries with the webhook's secret/token argument, never with a token in the URL",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::credential_in;

    #[test]
    fn tokens_and_passwords_in_urls_are_found() {
        assert!(credential_in("https://gitlab.com/api/v4/projects/1/mirror/pull?private_token=${…}").is_some());
        assert!(credential_in("https://hooks.example.com/x?foo=1&api_key=abc").is_some());
        assert!(credential_in("https://bot:hunter2@ci.example.com/hook").is_some());
        assert!(credential_in("https://hooks.example.com/x?token_type=bearer").is_none());
        assert!(credential_in("https://hooks.example.com/x?token=").is_none());
        assert!(credential_in("https://user@hooks.example.com/x").is_none());
        assert!(credential_in("https://hooks.example.com/x").is_none());
    }
}
