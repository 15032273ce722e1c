//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning reads it. Typed structs for the
//! part of the format we emit (`serde-sarif` generates its types at build time from the whole
//! schema, which costs more to build than these few structs).

use std::collections::BTreeMap;

use nhi_lint::baseline::fingerprint;
use nhi_lint::{Finding, Report, Severity, codes};
use serde::Serialize;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text,
    help_uri: String,
    help: Text,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct RuleProperties {
    tags: Vec<&'static str>,
    /// GitHub's 0–10 scale, shown as critical/high/medium/low in code scanning.
    security_severity: &'static str,
    precision: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    severity: &'static str,
    category: &'static str,
    address: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    instances: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    preexisting: Option<bool>,
    located: bool,
}

pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

/// A relative path as a URI reference: forward slashes, reserved bytes percent-encoded.
pub fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn result<'a>(f: &'a Finding, index: &BTreeMap<&str, usize>) -> SarifResult<'a> {
    let region = f.start.zip(f.end).map(|(s, e)| Region {
        start_line: s.line,
        start_column: s.column,
        end_line: e.line,
        end_column: e.column.max(if e.line == s.line { s.column + 1 } else { 1 }),
    });
    let mut text = format!("{} [{}]{}", f.message, f.address, super::plan_context(f));
    if f.start.is_none() {
        text.push_str(&format!(" ({})", super::NO_LINE));
    }
    text.push_str(&format!(". Help: {}", f.help));
    SarifResult {
        rule_id: f.code,
        rule_index: index.get(f.code).copied().unwrap_or(0),
        level: level(f.severity),
        message: Text { text },
        locations: vec![Location {
            physical_location: Some(PhysicalLocation {
                artifact_location: ArtifactLocation { uri: uri(&f.path) },
                region,
            }),
            logical_locations: vec![LogicalLocation { fully_qualified_name: f.address.clone(), kind: "resource" }],
        }],
        partial_fingerprints: BTreeMap::from([("nhiLint/v1", fingerprint(f))]),
        properties: ResultProperties {
            severity: f.severity.as_str(),
            category: f.category.as_str(),
            address: &f.address,
            instances: &f.instances,
            action: f.action.as_deref(),
            preexisting: f.preexisting,
            located: f.start.is_some(),
        },
    }
}

pub fn render(report: &Report) -> String {
    let rules: Vec<Rule<'_>> = codes::RULES
        .iter()
        .map(|e| {
            let m = e.rule.meta();
            let url = codes::docs_url(&report.docs_base, e.code);
            Rule {
                id: e.code,
                name: m.name,
                short_description: Text { text: m.summary.to_owned() },
                help: Text { text: format!("{}. See {url}", m.summary) },
                help_uri: url,
                default_configuration: Configuration { level: level(m.severity) },
                properties: RuleProperties {
                    tags: vec!["security", m.category.as_str()],
                    security_severity: security_severity(m.severity),
                    precision: "high",
                },
            }
        })
        .collect();
    let index: BTreeMap<&str, usize> = codes::RULES.iter().enumerate().map(|(i, e)| (e.code, i)).collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "nhi-lint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            results: report.findings.iter().map(|f| result(f, &index)).collect(),
            column_kind: "unicodeCodePoints",
        }],
    };
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}
