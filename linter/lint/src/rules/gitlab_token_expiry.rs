use jiff::civil::Date;

use crate::rule::{Category, Ctx, Rule, RuleMeta, Severity};
use crate::rules::gitlab_access_token::TOKEN_TYPES;

/// ## What it does
/// Finds GitLab project, group and personal access tokens and deploy tokens without
/// `expires_at` (and without `rotation_configuration`), or expiring further ahead than the
/// policy's `static_key_max_lifetime` (default 90d).
///
/// ## Why is this bad?
/// A token without expiry stays valid until someone remembers to revoke it, long after the
/// project or the person who created it has moved on.
///
/// ## Example
/// ```hcl
/// resource "gitlab_group_access_token" "bot" {
///   group  = "42"
///   name   = "bot"
///   scopes = ["read_registry"]
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "gitlab_group_access_token" "bot" {
///   group  = "42"
///   name   = "bot"
///   scopes = ["read_registry"]
///   rotation_configuration = {
///     expiration_days    = 60
///     rotate_before_days = 14
///   }
/// }
/// ```
#[derive(Debug)]
pub struct GitlabTokenExpiry;

impl Rule for GitlabTokenExpiry {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gitlab-token-expiry",
            category: Category::MissingTtl,
            severity: Severity::Medium,
            summary: "a GitLab token without expiry, or expiring beyond policy",
            source: include_str!("gitlab_token_expiry.rs"),
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let max = cx.policy.static_key_max_lifetime;
        let help =
            format!("set expires_at at most {max} ahead (policy.static_key_max_lifetime), or a rotation_configuration");
        let mut tokens = cx.resources_of(&TOKEN_TYPES);
        tokens.extend(cx.resources("gitlab_deploy_token"));
        let today = jiff::tz::Offset::UTC.to_datetime(cx.now).date();
        let max_days = (max.as_secs() / 86_400) as i64;
        for t in tokens {
            if t.has("rotation_configuration") {
                continue;
            }
            if !t.has("expires_at") {
                cx.report(&t, t.header(), "token never expires: no expires_at").help(help.clone());
                continue;
            }
            let Some(text) = t.str("expires_at") else { continue };
            let date = text.get(..10).and_then(|d| d.parse::<Date>().ok());
            if let Some(d) = date
                && let Ok(span) = today.until(d)
                && span.get_days() as i64 > max_days
            {
                cx.report(
                    &t,
                    t.span("expires_at"),
                    format!("expires_at {d} is beyond the policy maximum {max} from now"),
                )
                .help(help.clone());
            }
        }
    }
}
