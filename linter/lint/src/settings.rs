//! What a run needs besides the files: the policy, "now", rule selection and severities, and
//! root variable values.

use std::collections::BTreeMap;
use std::path::PathBuf;

use nhi_core::{Policy, Timestamp};

use crate::codes::{self, Entry};
use crate::eval::Value;
use crate::rule::Severity;

/// What a run needs besides the files.
#[derive(Debug, Clone)]
pub struct Settings {
    pub policy: Policy,
    /// "Now", injected: expiry and suppression due dates are judged against it.
    pub now: Timestamp,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub non_ignorable: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    /// Root variable values from `-var` and `--var-file`.
    pub vars: BTreeMap<String, Value>,
    /// Base URL of the rule pages that findings link to.
    pub docs_base: String,
    /// The text of one file given in place of its content on disk (`check -` reads it from
    /// standard input): `(path, text)`.
    pub overlay: Option<(PathBuf, String)>,
}

impl Settings {
    pub fn new(now: Timestamp) -> Self {
        Self {
            policy: Policy::default(),
            now,
            select: Vec::new(),
            ignore: Vec::new(),
            non_ignorable: Vec::new(),
            severity: BTreeMap::new(),
            vars: BTreeMap::new(),
            docs_base: codes::DOCS_BASE.to_owned(),
            overlay: None,
        }
    }

    /// Whether rule `e` runs: with no selection, every rule but the opt-in ones; with one,
    /// the rules it names (opt-in ones included).
    pub fn enabled(&self, e: &Entry) -> bool {
        let selected = if self.select.is_empty() {
            !codes::is_opt_in(e)
        } else {
            self.select.iter().any(|s| codes::selector_matches(s, e))
        };
        selected && !self.ignore.iter().any(|s| codes::selector_matches(s, e))
    }

    pub(crate) fn severity_of(&self, e: &Entry) -> Severity {
        self.severity
            .get(e.code)
            .or_else(|| self.severity.get(e.rule.meta().name))
            .copied()
            .unwrap_or(e.rule.meta().severity)
    }

    pub(crate) fn ignorable(&self, e: &Entry) -> bool {
        !self.non_ignorable.iter().any(|s| codes::selector_matches(s, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(select: &[&str], code: &str) -> bool {
        let mut s = Settings::new(nhi_core::parse_timestamp("2026-06-01T00:00:00Z").unwrap());
        s.select = select.iter().map(|x| x.to_string()).collect();
        s.enabled(codes::find(code).unwrap())
    }

    #[test]
    fn opt_in_rules_run_only_when_a_selector_names_them() {
        assert!(!on(&[], "NHI401"));
        assert!(on(&[], "NHI101") && on(&[], "NHI402"));
        for sel in ["NHI401", "NHI4", "all", "identity-without-owner"] {
            assert!(on(&[sel], "NHI401"), "{sel}");
        }
        assert!(!on(&["NHI1"], "NHI401"));
        assert!(!on(&[], "NHI306") && on(&[], "NHI307"));
        assert!(on(&["aws-session-duration"], "NHI306") && on(&["NHI3"], "NHI306"));
    }
}
