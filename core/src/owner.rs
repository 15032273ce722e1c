//! Owners and other required free-text fields.

use std::fmt;

use regex::Regex;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OwnerError {
    #[error("owner is blank; name the team or person accountable for this identity")]
    Blank,
    #[error("owner {owner:?} does not match policy.owner_pattern {pattern:?}")]
    Pattern { owner: String, pattern: String },
}

/// A validated, non-blank owner (a team or person accountable for an identity).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Owner(String);

impl Owner {
    /// Validates an owner. `pattern` should come from [`crate::Policy::compile_owner_pattern`].
    pub fn parse(input: &str, pattern: Option<&Regex>) -> Result<Self, OwnerError> {
        if !non_blank(input) {
            return Err(OwnerError::Blank);
        }
        if let Some(re) = pattern
            && !re.is_match(input)
        {
            // The compiled pattern is wrapped as ^(?:…)$; quote what the user wrote.
            let shown = re.as_str().strip_prefix("^(?:").and_then(|s| s.strip_suffix(")$")).unwrap_or(re.as_str());
            return Err(OwnerError::Pattern { owner: input.to_owned(), pattern: shown.to_owned() });
        }
        Ok(Self(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Owner({:?})", self.0)
    }
}

/// True when `s` has at least one character that is not white space.
pub fn non_blank(s: &str) -> bool {
    !s.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    #[test]
    fn blank_owners_are_rejected() {
        assert_eq!(Owner::parse("", None), Err(OwnerError::Blank));
        assert_eq!(Owner::parse(" \t\n", None), Err(OwnerError::Blank));
        assert_eq!(Owner::parse("team@example.com", None).unwrap().as_str(), "team@example.com");
    }

    #[test]
    fn pattern_errors_quote_the_users_pattern() {
        let re = Policy::compile_owner_pattern("[a-z-]+@example\\.com").unwrap();
        assert!(Owner::parse("payments@example.com", Some(&re)).is_ok());
        let err = Owner::parse("Bob", Some(&re)).unwrap_err();
        assert_eq!(err.to_string(), "owner \"Bob\" does not match policy.owner_pattern \"[a-z-]+@example\\\\.com\"");
    }
}
