use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// Snowflake's top administrator role: it owns the account, its billing, its network and
/// authentication policies, and inherits SECURITYADMIN and SYSADMIN.
fn account_admin(role: &str) -> bool {
    role.trim().trim_matches('"').eq_ignore_ascii_case("ACCOUNTADMIN")
}

const HELP: &str = "give Terraform a role made for what it manages (SYSADMIN for objects, SECURITYADMIN or USERADMIN for roles and users, a custom role below them) and keep ACCOUNTADMIN for people, behind MFA";

/// ## What it does
/// Finds Snowflake configurations that make a machine the account's top administrator: a
/// `snowflake` provider that signs in with `role = "ACCOUNTADMIN"`, and grants of the
/// ACCOUNTADMIN role to a user or to another role (`snowflake_grant_account_role`,
/// the legacy `snowflake_role_grants`). Granting another role *to* ACCOUNTADMIN
/// (`parent_role_name = "ACCOUNTADMIN"`) gives nothing away and is not reported.
///
/// ## Why is this bad?
/// ACCOUNTADMIN can do everything in the account: create and drop users and their keys, change
/// network and password policies, read billing, and grant itself any privilege. Snowflake
/// advises keeping it to a few people with MFA; a pipeline's credentials that act as it turn
/// any leak of them (a CI variable, a state file) into control of the whole account. The
/// objects Terraform manages need SYSADMIN (databases, warehouses) and SECURITYADMIN or
/// USERADMIN (roles, users).
///
/// ## Example
/// ```hcl
/// provider "snowflake" {
///   organization_name = "acme"
///   account_name      = "analytics"
///   user              = "TERRAFORM"
///   role              = "ACCOUNTADMIN"
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// provider "snowflake" {
///   organization_name = "acme"
///   account_name      = "analytics"
///   user              = "TERRAFORM"
///   role              = "SYSADMIN"
/// }
/// ```
#[derive(Debug)]
pub struct SnowflakeAccountAdmin;

impl Rule for SnowflakeAccountAdmin {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "snowflake-account-admin",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "a Snowflake provider or grant that makes a machine the account's ACCOUNTADMIN",
            source: include_str!("snowflake_account_admin.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for p in cx.blocks("provider", Some("snowflake")) {
            if p.str("role").is_some_and(|r| account_admin(&r)) {
                cx.report(&p, p.span("role"), "signs in as ACCOUNTADMIN: every apply can do anything in the account")
                    .help(HELP);
            }
        }
        for g in cx.resources("snowflake_grant_account_role") {
            if !g.str("role_name").is_some_and(|r| account_admin(&r)) {
                continue;
            }
            let to = ["user_name", "parent_role_name"].into_iter().find_map(|k| g.str(k).map(|v| (k, v)));
            if let Some((key, grantee)) = to {
                let whom = if key == "user_name" { "user" } else { "role" };
                cx.report(&g, g.span("role_name"), format!("grants ACCOUNTADMIN to the {whom} `{grantee}`")).help(HELP);
            }
        }
        for g in cx.resources("snowflake_role_grants") {
            if !g.str("role_name").is_some_and(|r| account_admin(&r)) {
                continue;
            }
            let users = g.strs("users");
            let roles = g.strs("roles");
            if let Some(first) = users.first().or(roles.first()) {
                cx.report(&g, g.span("role_name"), format!("grants ACCOUNTADMIN to `{first}`")).help(HELP);
            }
        }
    }
}
