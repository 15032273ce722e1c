use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// MongoDB built-in roles that reach every database of a deployment, or administer it:
/// granted to one application's user, they read and change the other applications' data too.
const ATLAS_ADMIN_ROLES: [&str; 6] =
    ["atlasAdmin", "readWriteAnyDatabase", "dbAdminAnyDatabase", "userAdminAnyDatabase", "clusterAdmin", "root"];

/// PostgreSQL role attributes that raise a login above its own objects: make roles (and so
/// grant itself any role), bypass every permission check or row policy, make databases.
const POSTGRES_ATTRIBUTES: [(&str, &str); 4] = [
    ("superuser", "a superuser, past every permission check"),
    ("create_role", "allowed to create roles, and so to grant itself any role's rights"),
    ("bypass_row_level_security", "allowed past every row-level security policy"),
    ("create_database", "allowed to create databases on the whole server"),
];

/// MySQL privileges that administer the server or its accounts rather than use one database.
const MYSQL_ADMIN: [&str; 7] = ["ALL", "ALL PRIVILEGES", "CREATE USER", "SUPER", "GRANT OPTION", "FILE", "SHUTDOWN"];

/// MySQL privileges that only read or replicate: on every database they are still narrow
/// enough for a reporting or replication account.
const MYSQL_READ: [&str; 5] = ["SELECT", "SHOW VIEW", "REPLICATION CLIENT", "REPLICATION SLAVE", "PROCESS"];

/// The privileges of a `mysql_grant`, one per entry, as the provider splits them (an entry may
/// list several, comma-separated), in upper case.
fn mysql_privileges(g: &Item<'_>) -> Vec<String> {
    g.strs("privileges")
        .iter()
        .flat_map(|p| p.split(',').map(|x| x.trim().to_ascii_uppercase()).collect::<Vec<_>>())
        .filter(|p| !p.is_empty())
        .collect()
}

/// What a `mysql_grant` gives too widely, if anything: an administrative privilege, the right
/// to pass its privileges on (`grant = true`), or write rights on every database (`"*"`).
fn mysql_breadth(g: &Item<'_>) -> Option<(&'static str, String)> {
    let privileges = mysql_privileges(g);
    if let Some(p) = privileges.iter().find(|p| MYSQL_ADMIN.contains(&p.as_str())) {
        return Some(("privileges", format!("grants `{p}`, which administers the server or its accounts")));
    }
    if g.is_set_to("grant", true) {
        return Some((
            "grant",
            "grants WITH GRANT OPTION: the user can hand its privileges to any other account".into(),
        ));
    }
    let every_database = g.strs("database").iter().any(|d| d == "*");
    if every_database && privileges.iter().any(|p| !MYSQL_READ.contains(&p.as_str())) {
        return Some(("database", "grants write rights on every database of the server (`*`)".into()));
    }
    None
}

/// ## What it does
/// Finds database accounts given more than one application's data: MongoDB Atlas users with a
/// role over every database or the deployment (`atlasAdmin`, `readWriteAnyDatabase`,
/// `dbAdminAnyDatabase`, `userAdminAnyDatabase`, `clusterAdmin`, `root`),
/// PostgreSQL roles made superuser or allowed to create roles or databases or to bypass
/// row-level security (`postgresql_role`), PostgreSQL role memberships granted with the admin
/// option (`postgresql_grant_role`), and MySQL grants of an administrative privilege (`ALL`,
/// `CREATE USER`, `SUPER`, `GRANT OPTION`, `FILE`, `SHUTDOWN`), with `grant = true`, or of write
/// rights on every database (`database = "*"`; read and replication rights there are left
/// alone).
///
/// ## Why is this bad?
/// An application's database user is a non-human identity like any other: its password sits
/// in the application's environment, its logs, its CI. With rights over every database, or the
/// power to create accounts and grant roles, one leaked password exposes every tenant's data
/// and lets the holder make itself a new account that outlives any rotation.
///
/// ## Example
/// ```hcl
/// resource "mongodbatlas_database_user" "app" {
///   username           = "app"
///   project_id         = var.project_id
///   auth_database_name = "admin"
///   roles {
///     role_name     = "readWriteAnyDatabase"
///     database_name = "admin"
///   }
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   roles {
///     role_name     = "readWrite"
///     database_name = "app"
///   }
/// ```
#[derive(Debug)]
pub struct DatabaseBroadGrant;

impl Rule for DatabaseBroadGrant {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "database-broad-grant",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "a database account given every database, the server's administration, or the power to grant",
            source: include_str!("database_broad_grant.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for u in cx.resources("mongodbatlas_database_user") {
            let broad = u.nested("roles").into_iter().find_map(|r| {
                let name = r.str("role_name")?;
                ATLAS_ADMIN_ROLES.iter().find(|a| a.eq_ignore_ascii_case(&name)).map(|a| (r.span("role_name"), *a))
            });
            if let Some((span, role)) = broad {
                cx.report(&u, span, format!("the database user has `{role}`, over every database of the project"))
                    .help(
                        "give the user readWrite (or read) on the one database its application uses, or a custom role",
                    );
            }
        }
        for r in cx.resources("postgresql_role") {
            if let Some((key, what)) = POSTGRES_ATTRIBUTES.iter().find(|(k, _)| r.is_set_to(k, true)) {
                cx.report(&r, r.span(key), format!("the role is {what}"))
                    .help("leave the role to its own objects: create databases and roles with an administrative account that no application holds");
            }
        }
        for g in cx.resources("postgresql_grant_role") {
            if g.is_set_to("with_admin_option", true) {
                cx.report(
                    &g,
                    g.span("with_admin_option"),
                    "the membership is granted with the admin option: its holder can grant the role to any other role",
                )
                .help("grant the membership without with_admin_option");
            }
        }
        for g in cx.resources("mysql_grant") {
            if let Some((key, what)) = mysql_breadth(&g) {
                cx.report(&g, g.span(key), what)
                    .help("grant the statements the application runs (SELECT, INSERT, UPDATE, DELETE) on its own database, without grant option");
            }
        }
    }
}
