use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// Database plugins of `vault_database_secrets_mount`: one nested block per connection.
const PLUGINS: [&str; 17] = [
    "cassandra",
    "couchbase",
    "elasticsearch",
    "hana",
    "influxdb",
    "mongodb",
    "mongodbatlas",
    "mssql",
    "mysql",
    "mysql_aurora",
    "mysql_legacy",
    "mysql_rds",
    "oracle",
    "postgresql",
    "redis",
    "redshift",
    "snowflake",
];

/// ## What it does
/// Finds Vault database connections that every role of their mount may use:
/// `allowed_roles = ["*"]` on a `vault_database_secret_backend_connection`, or on a connection
/// block of a `vault_database_secrets_mount`.
///
/// ## Why is this bad?
/// A connection holds Vault's own privileged login to the database. Any role on the mount that
/// names it — including one added later by whoever may write roles on that mount — creates
/// users with whatever `creation_statements` it chooses: one connection becomes every
/// privilege its login has, for any consumer that can read some role's credentials.
///
/// ## Example
/// ```hcl
/// resource "vault_database_secret_backend_connection" "orders" {
///   backend       = vault_mount.db.path
///   name          = "orders"
///   allowed_roles = ["*"]
///   postgresql {
///     connection_url = "postgresql://{{username}}:{{password}}@db:5432/orders"
///   }
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   allowed_roles = ["orders-reader", "orders-migrator"]
/// ```
#[derive(Debug)]
pub struct VaultConnectionAnyRole;

fn any_role(item: &Item<'_>) -> bool {
    item.strs("allowed_roles").iter().any(|r| r == "*")
}

impl Rule for VaultConnectionAnyRole {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "vault-connection-any-role",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "a Vault database connection any role of its mount may use",
            source: include_str!("vault_connection_any_role.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str = "list the roles that use this connection in allowed_roles";
        for c in cx.resources("vault_database_secret_backend_connection") {
            if any_role(&c) {
                cx.report(&c, c.span("allowed_roles"), "any role of the mount may use this database connection")
                    .help(HELP);
            }
        }
        for m in cx.resources("vault_database_secrets_mount") {
            for conn in PLUGINS.iter().flat_map(|p| m.nested(p)) {
                if any_role(&conn) {
                    let name = conn.str("name").unwrap_or_default();
                    cx.report(
                        &m,
                        conn.span("allowed_roles"),
                        format!("any role of the mount may use the database connection `{name}`"),
                    )
                    .help(HELP);
                }
            }
        }
    }
}
