use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::written_text;

/// Whether a name reads as a machine account's: a word such as `bot`, `ci`, `automation`,
/// `deploy`, `svc`, or one ending in `bot` or `builder` (`pushbot`, `renovatebot`,
/// `acmebuilder`).
fn machine_name(text: &str) -> bool {
    const WORDS: [&str; 12] = [
        "bot",
        "bots",
        "ci",
        "cd",
        "automation",
        "robot",
        "svc",
        "service",
        "deploy",
        "deployer",
        "machine",
        "terraform",
    ];
    text.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| WORDS.contains(&w) || (w.len() > 3 && w.ends_with("bot")) || (w.len() > 7 && w.ends_with("builder")))
}

/// ## What it does
/// Finds `github_membership` resources that make a machine account — one whose username, or
/// the resource's own name, reads as a bot, CI or automation account — an organization owner
/// (`role = "admin"`), and repository collaborators (`github_repository_collaborator`, the
/// `user` blocks of `github_repository_collaborators`) that make one a repository
/// administrator (`permission = "admin"`).
///
/// ## Why is this bad?
/// An organization owner can change every repository, secret, member and setting of the
/// organization. A bot's token is stored in CI secrets and scripts; if it leaks, the whole
/// organization goes with it. Bots need repository-level access or a GitHub App with the
/// permissions they use.
///
/// ## Example
/// ```hcl
/// resource "github_membership" "bot" {
///   username = "acme-push-bot"
///   role     = "admin"
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "github_membership" "bot" {
///   username = "acme-push-bot"
///   role     = "member"
/// }
/// ```
#[derive(Debug)]
pub struct GithubMachineAdmin;

impl Rule for GithubMachineAdmin {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "github-machine-org-admin",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "a bot or automation account made a GitHub organization owner or repository administrator",
            source: include_str!("github_machine_admin.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for m in cx.resources("github_membership") {
            if m.str("role").as_deref() != Some("admin") {
                continue;
            }
            // Each `count` / `for_each` instance's user (`element(local.admins, count.index)`).
            let mut usernames = m.strs("username");
            usernames.extend(m.attr("username").and_then(|a| written_text(&a.expr)));
            let machine = usernames.iter().any(|u| machine_name(u)) || machine_name(m.label(1));
            if machine {
                cx.report(&m, m.span("role"), "a machine account is made an organization owner")
                    .help("give the bot member role plus repository access, or use a GitHub App with only the permissions it needs");
            }
        }
        // Repository administrators: the collaborator resource, and the `user` blocks of
        // `github_repository_collaborators`.
        let admin_help = "give the bot the write (push) or maintain permission it needs, or use a GitHub App";
        for c in cx.resources("github_repository_collaborator") {
            let admin = c.str("permission").is_some_and(|p| p.eq_ignore_ascii_case("admin"));
            let username = c.attr("username").and_then(|a| c.str("username").or_else(|| written_text(&a.expr)));
            if admin && (username.as_deref().is_some_and(machine_name) || machine_name(c.label(1))) {
                cx.report(&c, c.span("permission"), "a machine account is made a repository administrator")
                    .help(admin_help);
            }
        }
        for c in cx.resources("github_repository_collaborators") {
            for u in c.nested("user") {
                let admin = u.str("permission").is_some_and(|p| p.eq_ignore_ascii_case("admin"));
                if admin && u.str("username").as_deref().is_some_and(machine_name) {
                    cx.report(&c, u.span("permission"), "a machine account is made a repository administrator")
                        .help(admin_help);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::machine_name;

    #[test]
    fn machine_names_are_told_from_people() {
        for m in ["bot", "acme-push-bot", "renovatebot", "ci-runner", "svc_terraform", "containersshbuilder"] {
            assert!(machine_name(m), "{m}");
        }
        for p in ["alice", "bob-smith", "robotics-lab-member", "abbott", "circe"] {
            assert!(!machine_name(p), "{p}");
        }
    }
}
