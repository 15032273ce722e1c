//! What a run produces: findings ready to print, file errors, and the summaries of a plan and
//! a baseline. Printers read this; it imports nothing above the rule layer.

use std::sync::Arc;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::rule::{Category, Severity};
use crate::span::{Position, Span};
use crate::syntax::SourceFile;

/// One finding, ready to print.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    /// The source file, or for a plan finding without HCL source the plan file.
    pub path: String,
    /// `None` when the finding could not be mapped to a source line (a plan linted without
    /// its configuration): then `address` is the only location.
    pub start: Option<Position>,
    pub end: Option<Position>,
    pub address: String,
    pub help: String,
    pub url: String,
    /// Plan findings: the planned instances (`x.y[0]`, `module.m["a"].x.y`) sharing this
    /// configuration block.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<String>,
    /// Plan findings: `create`, `update` or `replace`; several joined by `+` when the
    /// block's instances differ (`create+update`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Plan findings: whether every instance already had this finding in the prior state
    /// (an update that does not introduce it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preexisting: Option<bool>,
    /// Index into [`Report::files`]; `None` with `start`.
    #[serde(skip)]
    pub file: Option<usize>,
    #[serde(skip)]
    pub span: Span,
}

/// A file that could not be read or parsed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileError {
    pub path: String,
    pub message: String,
    pub start: Option<Position>,
    #[serde(skip)]
    pub file: Option<usize>,
    #[serde(skip)]
    pub offset: usize,
}

#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// Set when the input was a plan rather than HCL files.
    pub plan: Option<PlanSummary>,
    /// Set when a baseline was applied to `findings`.
    pub baseline: Option<BaselineOutcome>,
    pub errors: Vec<FileError>,
    /// Every file read, in the order `Finding::file` indexes.
    pub files: Vec<Arc<SourceFile>>,
    pub bytes: u64,
    /// Base URL of the rule pages (`Settings::docs_base`), for outputs that list every rule.
    pub docs_base: String,
}

/// What was read from the plan, for summaries.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlanSummary {
    pub path: String,
    pub format_version: String,
    pub terraform_version: String,
    /// Every entry of `resource_changes`.
    pub resource_changes: usize,
    /// Instances created, updated or replaced: the ones linted.
    pub linted: usize,
    /// Whether HCL was found under the configuration directory to map findings onto.
    pub mapped_to_source: bool,
}

/// One accepted finding in a baseline file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub code: String,
    pub address: String,
    pub path: String,
    pub message: String,
    pub reason: String,
    /// The last day this entry hides its finding; `None`: never expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
}

/// What applying a baseline did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BaselineOutcome {
    /// Findings hidden by a valid entry.
    pub baselined: usize,
    /// Entries past their expiry: their findings are reported again.
    pub expired: Vec<BaselineEntry>,
    /// Entries that match no current finding: fixed, or moved; remove them.
    pub stale: Vec<BaselineEntry>,
}
