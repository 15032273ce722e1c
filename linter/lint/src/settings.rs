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

    pub fn enabled(&self, e: &Entry) -> bool {
        let selected = self.select.is_empty() || self.select.iter().any(|s| codes::selector_matches(s, e));
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
