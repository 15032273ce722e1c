//! Vault policy documents: the HCL text of a `vault_policy`, read into its path rules.

use super::{Env, Value};
use crate::syntax::{Expr, ExprKind, TemplatePart, parse_hcl};

/// Stands for an interpolation whose value is not known statically (`${each.key}`) inside a
/// policy path, so that a path such as `"${each.key}/*"` can still be judged.
pub const VARIABLE: &str = "\u{e000}var\u{e000}";

/// `(path, capabilities)` of each `path` block of a Vault policy text; known capabilities
/// only. A text that does not parse has no rules.
pub fn path_rules(text: &str) -> Vec<(String, Vec<String>)> {
    let Ok(body) = parse_hcl(&braces_on_header_lines(text)) else { return Vec::new() };
    let env = Env::new(Default::default(), Default::default(), Default::default());
    body.blocks("path")
        .filter_map(|b| {
            let path = b.labels.first()?.clone();
            let caps = b.body.attr("capabilities").map(|a| env.eval(&a.expr).items()).unwrap_or_default();
            Some((path, caps.iter().filter_map(|c| c.as_str().map(str::to_owned)).collect()))
        })
        .collect()
}

/// Vault reads policies with the lenient HCL 1 parser, which accepts a block's `{` on the line
/// after its header (`path "auth/*"` then `{`); HCL 2 does not. Joins such lines.
fn braces_on_header_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        let header = line.trim_start().starts_with("path ") && !line.trim_end().ends_with('{');
        if header && lines.peek().is_some_and(|next| next.trim() == "{") {
            lines.next();
            out.push_str(" {");
        }
        out.push('\n');
    }
    out
}

/// Stands for an interpolation that names one dedicated mount defined in the configuration
/// (`${vault_mount.kv.path}`): its value is not known statically, but it is not a choice among
/// mounts either.
pub const MOUNT: &str = "\u{e000}mount\u{e000}";

/// The text of a policy attribute: its known value, or for a template (heredoc) the text with
/// each interpolation that is not known replaced by [`VARIABLE`], and each template directive
/// (`%{for …}…%{endfor}`) left out.
pub fn policy_text(e: &Expr, env: &Env<'_>) -> Option<String> {
    policy_text_with(e, env, &|_| false)
}

/// [`policy_text`], where an interpolation for which `names_mount` holds (a reference to a
/// mount resource of the configuration) becomes [`MOUNT`] instead of [`VARIABLE`].
pub fn policy_text_with(e: &Expr, env: &Env<'_>, names_mount: &dyn Fn(&Expr) -> bool) -> Option<String> {
    if let ExprKind::Template(parts) = &e.kind {
        let mut out = String::new();
        for p in parts {
            match p {
                TemplatePart::Lit(l) => out.push_str(l),
                TemplatePart::Interp(x) => match env.eval(x) {
                    Value::Str(s) if !s.contains(super::HOLE) => out.push_str(&s),
                    Value::Number(n) => out.push_str(&super::format_number(n)),
                    _ if names_mount(x) => out.push_str(MOUNT),
                    _ => out.push_str(VARIABLE),
                },
                // A `%{for}` / `%{if}` block: what it writes is not known, but the rules
                // around it are whole and still read (the block's own rules are skipped).
                TemplatePart::Directive(_) => out.push('\n'),
            }
        }
        return Some(out);
    }
    env.eval(e).as_str().map(str::to_owned)
}

/// Mount names of the shared key/value store: `secret/` (Vault's default) and its common
/// spellings. A mount named for one application (`payments/`) is that application's own.
const SHARED_KV: [&str; 3] = ["secret", "secrets", "kv"];

/// Whether a path covers the values of every secret of the shared key/value mount
/// (`secret/*`, `kv/data/*`, `secret/data/+/*`): what `read` there reads is every
/// application's secrets, not one application's.
pub fn whole_shared_kv(path: &str) -> bool {
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segs.as_slice() {
        [first, "data", tail @ ..] if SHARED_KV.contains(first) => !tail.is_empty() && tail.iter().all(glob),
        [first, rest @ ..] if SHARED_KV.contains(first) => !rest.is_empty() && rest.iter().all(glob),
        _ => false,
    }
}

/// A path on which writing is broad (see [`broad_write_path`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BroadWrite {
    /// What the path reaches, for messages.
    pub what: &'static str,
    /// Whether `delete` alone is broad there too. Removing every policy or mount is; removing
    /// an auth role grants nothing, only creating or changing one does.
    pub by_delete: bool,
}

const fn any_write(what: &'static str) -> Option<BroadWrite> {
    Some(BroadWrite { what, by_delete: true })
}

/// A path segment that stands for any segment (`*`, `+`) or for nothing (a trailing `/`).
fn glob(s: &&str) -> bool {
    matches!(*s, "*" | "+" | "")
}

/// Whether the segments after `auth/` name an auth method's role definition: a mount of one
/// to three segments (or a glob over mounts), `role` or `roles`, a role name (or a glob), and
/// nothing after it but globs (`approle/role/ci`, `jwt/gitlab/role/*`; not `approle/role/ci/secret-id`).
fn auth_role_definition(segs: &[&str]) -> bool {
    (1..=3).any(|mount| {
        matches!(segs.get(mount), Some(&("role" | "roles")))
            && segs.len() > mount + 1
            && segs[mount + 2..].iter().all(glob)
    })
}

/// What makes a path broad when a rule on it may write (`create`, `update`, `patch`,
/// `delete`): a wildcard at the top of `sys/`, `auth/` or the token store (`auth/token/*`), any
/// ACL policy, orphan tokens, token roles, an auth method's role definition, a glob over a
/// whole mount named by a variable (`"${each.key}/*"`), or over all of the shared key/value
/// mount (`secret/*`, `secret/data/*`). A segment that names one dedicated mount
/// ([`MOUNT`]) is not a choice among mounts: a glob under it is not broad.
pub fn broad_write_path(path: &str) -> Option<BroadWrite> {
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segs.as_slice() {
        ["sys", rest @ ..] if !rest.is_empty() && rest.iter().all(glob) => any_write("every path of sys/"),
        ["auth", rest @ ..] if !rest.is_empty() && rest.iter().all(glob) => any_write("every auth method"),
        ["sys", "policy" | "policies", ..] if path.ends_with('*') => any_write("every ACL policy"),
        // Enabling, tuning and disabling (which deletes its data) any secrets engine or auth
        // method.
        ["sys", "mounts", rest @ ..] if !rest.is_empty() && rest.iter().all(glob) => {
            any_write("every secrets engine (disabling one deletes its data)")
        }
        ["sys", "auth", rest @ ..] if !rest.is_empty() && rest.iter().all(glob) => {
            any_write("every auth method (enabling one admits new identities)")
        }
        // Orphan tokens outlive the token that made them and escape its revocation; token
        // roles say which policies their tokens get.
        ["auth", "token", "create-orphan"] => any_write("tokens without a parent"),
        ["auth", "token", rest @ ..] if !rest.is_empty() && rest.iter().all(glob) => {
            any_write("the whole token store (token roles that choose tokens' policies, orphan tokens)")
        }
        ["auth", "token", "roles", ..] => any_write("the token roles that choose tokens' policies"),
        // An auth method's role (`auth/approle/role/ci`, `…/ci/*`, `…/role/*`) says which
        // policies its logins get: whoever may write it can grant itself more. Its
        // `secret-id`, `role-id` and `login` endpoints below it are not the role.
        // A mount may have a path of several segments (`auth/jwt/gitlab/role/*`).
        ["auth", rest @ ..] if auth_role_definition(rest) => Some(BroadWrite {
            what: "an auth role's definition, which chooses the policies its logins get",
            by_delete: false,
        }),
        // Vault's own templating (`{{identity.entity.aliases.<accessor>.metadata.job}}/*`) names
        // the caller's own path, not one chosen by a Terraform variable.
        [first, rest @ ..]
            if first.contains(VARIABLE) && !first.contains("{{") && !rest.is_empty() && rest.iter().all(glob) =>
        {
            any_write("a whole mount chosen by a variable")
        }
        // The shared key/value mount every application's secrets live in (Vault's dev server
        // and most guides mount it at `secret/`): overwriting or deleting all of it.
        [first, rest @ ..]
            if SHARED_KV.contains(first)
                && match rest {
                    ["data" | "metadata" | "delete" | "destroy", tail @ ..] => {
                        !tail.is_empty() && tail.iter().all(glob)
                    }
                    _ => !rest.is_empty() && rest.iter().all(glob),
                } =>
        {
            any_write("every secret of the shared key/value mount")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_on_the_next_line_are_read() {
        let text = "# comment\npath \"auth/*\"\n{\n  capabilities = [\"sudo\"]\n}\npath \"a\" {\n  capabilities = [\"read\"]\n}\n";
        assert_eq!(
            path_rules(text),
            vec![("auth/*".to_owned(), vec!["sudo".to_owned()]), ("a".to_owned(), vec!["read".to_owned()])]
        );
    }

    #[test]
    fn broad_paths() {
        for p in [
            "sys/*",
            "auth/*",
            "auth/+/*",
            "sys/policies/acl/*",
            "\u{e000}var\u{e000}/*",
            "auth/token/create-orphan",
            "auth/token/roles/ci",
            "auth/token/*",
            "sys/mounts/*",
            "sys/auth/*",
            "auth/approle/role/ci",
            "auth/approle/role/ci/*",
            "auth/kubernetes/role/*",
            "auth/jwt/role/+",
            "auth/jwt/gitlab/role/*",
            "auth/+/role/ci",
            "secret/*",
            "secret/data/*",
            "kv/*",
        ] {
            assert!(broad_write_path(p).is_some(), "{p}");
        }
        for p in [
            "sys/mounts",
            "auth/token/lookup-self",
            "secret/data/app/*",
            "payments/*",
            "secret/data",
            "kv/\u{e000}var\u{e000}/*",
            "\u{e000}mount\u{e000}/*",
            "\u{e000}mount\u{e000}/data/*",
            "auth/approle/role/ci/secret-id",
            "auth/approle/role/ci/role-id",
            "auth/approle/login",
            "auth/jwt/gitlab/role/ci/secret-id",
            "auth/jwt/gitlab/login",
        ] {
            assert!(broad_write_path(p).is_none(), "{p}");
        }
        // Deleting an auth role grants nothing; deleting every policy or mount is still broad.
        assert_eq!(broad_write_path("auth/approle/role/ci/*").map(|b| b.by_delete), Some(false));
        assert_eq!(broad_write_path("sys/policies/acl/*").map(|b| b.by_delete), Some(true));
    }
}
