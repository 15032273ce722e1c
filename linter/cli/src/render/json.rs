//! `--format json`: the versioned document described in `docs/json-output.md`.
//!
//! Written straight from borrowed views of the report, with every object's keys in
//! alphabetical order (the order the document has always had), instead of through an
//! intermediate `serde_json::Value` tree: on a tree of a few dozen files, building and
//! dropping that tree cost as much as linting a file.

use std::collections::BTreeMap;

use nhi_lint::baseline::fingerprint;
use nhi_lint::span::Position;
use nhi_lint::{Category, Finding, Report, Severity};
use serde::Serialize;

/// Bumped on any change that removes or renames a field; new fields do not bump it.
pub const SCHEMA_VERSION: u32 = 1;

pub fn render(report: &Report) -> String {
    let mut by_severity: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &report.findings {
        *by_severity.entry(f.severity.as_str()).or_default() += 1;
    }
    let doc = Document {
        baseline: report.baseline.as_ref().map(|b| serde_json::to_value(b).unwrap_or_default()),
        errors: report
            .errors
            .iter()
            .map(|e| ErrorOut { message: &e.message, path: &e.path, start: e.start.map(Pos::from) })
            .collect(),
        findings: report.findings.iter().map(FindingOut::from).collect(),
        input: if report.plan.is_some() { "plan" } else { "hcl" },
        plan: report.plan.as_ref().map(|p| serde_json::to_value(p).unwrap_or_default()),
        summary: Summary {
            by_severity,
            bytes: report.bytes,
            errors: report.errors.len(),
            files: report.files.len(),
            findings: report.findings.len(),
        },
        version: SCHEMA_VERSION,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

// Field order below is alphabetical on purpose: it is the order of keys in the output.

#[derive(Serialize)]
struct Document<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<serde_json::Value>,
    errors: Vec<ErrorOut<'a>>,
    findings: Vec<FindingOut<'a>>,
    input: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<serde_json::Value>,
    summary: Summary<'a>,
    version: u32,
}

#[derive(Serialize)]
struct Summary<'a> {
    by_severity: BTreeMap<&'a str, usize>,
    bytes: u64,
    errors: usize,
    files: usize,
    findings: usize,
}

#[derive(Serialize)]
struct ErrorOut<'a> {
    message: &'a str,
    path: &'a str,
    start: Option<Pos>,
}

#[derive(Serialize)]
struct Pos {
    column: usize,
    line: usize,
}

impl From<Position> for Pos {
    fn from(p: Position) -> Self {
        Pos { column: p.column, line: p.line }
    }
}

#[derive(Serialize)]
struct FindingOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<&'a str>,
    address: &'a str,
    category: Category,
    code: &'a str,
    end: Option<Pos>,
    fingerprint: String,
    help: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    instances: &'a [String],
    located: bool,
    message: &'a str,
    name: &'a str,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    preexisting: Option<bool>,
    severity: Severity,
    start: Option<Pos>,
    url: &'a str,
}

impl<'a> From<&'a Finding> for FindingOut<'a> {
    fn from(f: &'a Finding) -> Self {
        FindingOut {
            action: f.action.as_deref(),
            address: &f.address,
            category: f.category,
            code: f.code,
            end: f.end.map(Pos::from),
            fingerprint: fingerprint(f),
            help: &f.help,
            instances: &f.instances,
            located: f.start.is_some(),
            message: &f.message,
            name: f.name,
            path: &f.path,
            preexisting: f.preexisting,
            severity: f.severity,
            start: f.start.map(Pos::from),
            url: &f.url,
        }
    }
}
