use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ElastiCache and MemoryDB users, in both AWS providers.
const USERS: [&str; 4] = ["aws_elasticache_user", "aws_memorydb_user", "awscc_elasticache_user", "awscc_memorydb_user"];

/// Whether a Redis ACL rule string lets its user run every command on every key: `+@all` (or
/// `allcommands`) not taken back by a later `-@all`, `-@dangerous` or `-@admin`, with `~*` (or
/// `allkeys`), on an enabled user.
fn all_commands_on_all_keys(access: &str) -> bool {
    let (mut on, mut all_commands, mut all_keys) = (false, false, false);
    for rule in access.split_whitespace() {
        match rule.to_ascii_lowercase().as_str() {
            "on" => on = true,
            "off" => on = false,
            "+@all" | "allcommands" => all_commands = true,
            "-@all" | "nocommands" | "-@dangerous" | "-@admin" => all_commands = false,
            "~*" | "allkeys" => all_keys = true,
            "resetkeys" => all_keys = false,
            _ => {}
        }
    }
    on && all_commands && all_keys
}

/// ## What it does
/// Finds ElastiCache and MemoryDB users (`aws_elasticache_user`, `aws_memorydb_user` and their
/// `awscc_` forms) whose `access_string` lets them run every command (`+@all`) on every key
/// (`~*`), unless a later rule takes the dangerous or administrative commands back.
///
/// ## Why is this bad?
/// `+@all` includes `FLUSHALL`, `CONFIG`, `ACL SETUSER` and `DEBUG`: whoever holds the user's
/// password or IAM token can wipe the cache, read every tenant's keys or create themselves
/// another user. An application needs a few command categories on its own key prefix.
///
/// ## Example
/// ```hcl
/// resource "aws_memorydb_user" "app" {
///   user_name     = "app"
///   access_string = "on ~* &* +@all"
///   authentication_mode {
///     type = "iam"
///   }
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   access_string = "on ~app:* -@all +@read +@write"
/// ```
#[derive(Debug)]
pub struct RedisAclAllCommands;

impl Rule for RedisAclAllCommands {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "redis-acl-all-commands",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "an ElastiCache or MemoryDB user allowed every command on every key",
            source: include_str!("redis_acl_all_commands.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for u in cx.resources_of(&USERS) {
            if u.strs("access_string").iter().any(|a| all_commands_on_all_keys(a)) {
                cx.report(&u, u.span("access_string"), "the user may run every command, administrative ones included, on every key")
                    .help("allow the command categories the application uses on its own key prefix, e.g. \"on ~app:* -@all +@read +@write\"");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::all_commands_on_all_keys;

    #[test]
    fn acl_rules_are_read_in_order() {
        assert!(all_commands_on_all_keys("on ~* +@all"));
        assert!(all_commands_on_all_keys("on ~* &* +@all"));
        assert!(all_commands_on_all_keys("on allkeys allcommands"));
        assert!(!all_commands_on_all_keys("on ~app::* -@all +@read"));
        assert!(!all_commands_on_all_keys("on ~* +@all -@dangerous"));
        assert!(!all_commands_on_all_keys("off ~* +@all"));
        assert!(!all_commands_on_all_keys("on ~cache:* +@all"));
    }
}
