use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// What in a database role's creation statements grants more than one application's data:
/// a grant on every database, an administrator attribute or role, or the right to grant on.
fn broad_grant(statements: &str) -> Option<&'static str> {
    let s = statements.to_ascii_lowercase();
    let squeezed: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let words = |w: &str| squeezed.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).any(|t| t == w);
    if squeezed.contains(" on *.*") {
        return Some("privileges on every database (`ON *.*`)");
    }
    if squeezed.contains("with grant option") || squeezed.contains("with admin option") {
        return Some("the right to grant its privileges on (`WITH GRANT OPTION`)");
    }
    for attr in ["superuser", "createrole", "bypassrls", "replication"] {
        if words(attr)
            && (squeezed.contains("create role") || squeezed.contains("create user") || squeezed.contains("alter role"))
        {
            return Some(match attr {
                "superuser" => "a superuser (`SUPERUSER`)",
                "createrole" => "the right to create and alter roles (`CREATEROLE`)",
                "bypassrls" => "row-level security bypassed (`BYPASSRLS`)",
                _ => "replication access to every database (`REPLICATION`)",
            });
        }
    }
    // MongoDB roles that reach every database, and SQL Server's administrator role.
    for role in
        ["readanydatabase", "readwriteanydatabase", "dbadminanydatabase", "useradminanydatabase", "clusteradmin"]
    {
        if words(role) {
            return Some("a MongoDB role over every database");
        }
    }
    if squeezed.contains("\"role\":\"root\"") || squeezed.contains("\"role\": \"root\"") {
        return Some("MongoDB's root role");
    }
    if words("sysadmin") {
        return Some("SQL Server's sysadmin role");
    }
    None
}

/// ## What it does
/// Finds Vault database secrets-engine roles (`vault_database_secret_backend_role`) whose
/// `creation_statements` give every user they create more than one application's data: a
/// grant on every database (`GRANT SELECT ON *.*`), the right to pass privileges on
/// (`WITH GRANT OPTION`), PostgreSQL administrator attributes (`SUPERUSER`, `CREATEROLE`,
/// `BYPASSRLS`, `REPLICATION`), MongoDB roles over every database (`readWriteAnyDatabase`,
/// `root`, …) or SQL Server's `sysadmin`. Grants on one database or schema are not findings.
///
/// ## Why is this bad?
/// Dynamic credentials are short-lived, but each one carries what its role grants. A role that
/// reads every database hands the `mysql` system schema, other tenants' data and every
/// application's secrets stored in the database to whichever workload may read the role.
///
/// ## Example
/// ```hcl
/// resource "vault_database_secret_backend_role" "reporting" {
///   backend             = vault_mount.db.path
///   name                = "reporting"
///   db_name             = vault_database_secret_backend_connection.mysql.name
///   creation_statements = ["CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'; GRANT SELECT ON *.* TO '{{name}}'@'%';"]
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   creation_statements = ["CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'; GRANT SELECT ON reporting.* TO '{{name}}'@'%';"]
/// ```
#[derive(Debug)]
pub struct VaultDatabaseRoleBroadGrant;

impl Rule for VaultDatabaseRoleBroadGrant {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "vault-database-role-broad-grant",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "a Vault database role whose users get every database, administrator rights or the grant option",
            source: include_str!("vault_database_role_broad_grant.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for r in cx.resources("vault_database_secret_backend_role") {
            let statements = r.strs("creation_statements").join("\n");
            if let Some(what) = broad_grant(&statements) {
                cx.report(&r, r.span("creation_statements"), format!("every user this role creates gets {what}"))
                    .help("grant on the one database or schema the application uses, without administrator rights");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_are_told_apart() {
        assert!(broad_grant("GRANT SELECT ON *.* TO '{{name}}'@'%';").is_some());
        assert!(broad_grant("CREATE ROLE \"{{name}}\" WITH LOGIN SUPERUSER PASSWORD '{{password}}';").is_some());
        assert!(broad_grant("db.createUser({user: x, roles: [{\"role\": \"root\", \"db\": \"admin\"}]})").is_some());
        assert!(broad_grant("{ \"roles\": [{ \"role\": \"readWriteAnyDatabase\" }] }").is_some());
        assert!(broad_grant("GRANT ALL PRIVILEGES ON orders.* TO '{{name}}'@'%';").is_none());
        assert!(broad_grant("GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"{{name}}\";").is_none());
        assert!(
            broad_grant("CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';")
                .is_none()
        );
    }
}
