//! Scopes granted to identities and tokens, and the one definition of "broad".

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error("scope is empty")]
    Empty,
    #[error("scope {0:?} contains characters other than letters, digits and : . _ / - *")]
    Characters(String),
}

/// A permission string such as `invoices:read`, `warehouse:*` or `*`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scope(String);

/// Words that grant everything within their resource when they stand as the action.
const ADMIN_WORDS: [&str; 6] = ["admin", "owner", "root", "sudo", "all", "full"];

impl Scope {
    pub fn parse(input: &str) -> Result<Self, ScopeError> {
        if input.is_empty() {
            return Err(ScopeError::Empty);
        }
        if !input.chars().all(|c| c.is_ascii_alphanumeric() || ":._/-*".contains(c)) {
            return Err(ScopeError::Characters(input.to_owned()));
        }
        Ok(Self(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A scope is broad when it grants more than one named action: a wildcard anywhere
    /// (`*`, `invoices:*`, `*:read`) or an administrative action (`admin`, `invoices:admin`).
    pub fn is_broad(&self) -> bool {
        is_broad_str(&self.0)
    }

    /// Whether this scope grants everything `other` grants (`invoices:*` covers `invoices:read`).
    pub fn covers(&self, other: &Scope) -> bool {
        if self.0 == other.0 || self.0 == "*" {
            return true;
        }
        let mine: Vec<&str> = self.0.split(':').collect();
        let theirs: Vec<&str> = other.0.split(':').collect();
        if mine.len() > theirs.len() && mine.last() != Some(&"*") {
            return false;
        }
        for (i, seg) in mine.iter().enumerate() {
            let last = i == mine.len() - 1;
            match theirs.get(i) {
                _ if *seg == "*" && last => return true,
                Some(t) if seg == t || *seg == "*" => {}
                _ => return false,
            }
        }
        mine.len() == theirs.len()
    }
}

/// [`Scope::is_broad`] on a plain string, for callers (the linter) that hold unvalidated text.
pub fn is_broad_str(scope: &str) -> bool {
    if scope.contains('*') {
        return true;
    }
    let action = scope.rsplit(':').next().unwrap_or(scope).to_ascii_lowercase();
    ADMIN_WORDS.contains(&action.as_str())
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scope({:?})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Scope {
        Scope::parse(x).unwrap()
    }

    #[test]
    fn broad_scopes() {
        for broad in ["*", "invoices:*", "*:read", "admin", "invoices:admin", "repo:Owner"] {
            assert!(s(broad).is_broad(), "{broad}");
        }
        for narrow in ["invoices:read", "warehouse:write", "administrators:read", "owner-lookup:read"] {
            assert!(!s(narrow).is_broad(), "{narrow}");
        }
    }

    #[test]
    fn coverage() {
        assert!(s("invoices:*").covers(&s("invoices:read")));
        assert!(s("*").covers(&s("anything:at:all")));
        assert!(s("invoices:read").covers(&s("invoices:read")));
        assert!(!s("invoices:read").covers(&s("invoices:write")));
        assert!(!s("invoices:read").covers(&s("invoices:*")));
        assert!(!s("invoices").covers(&s("invoices:read")));
        assert!(s("a:*").covers(&s("a:b:c")));
        assert!(!s("a:b:c").covers(&s("a:b")));
        assert!(!s("*:read").covers(&s("x:write")));
        assert!(s("*:read").covers(&s("x:read")));
    }

    #[test]
    fn validation() {
        assert_eq!(Scope::parse(""), Err(ScopeError::Empty));
        assert!(matches!(Scope::parse("a b"), Err(ScopeError::Characters(_))));
    }
}
