//! Placeholder; see the provider foundation issue.
