//! `--format json`: the versioned document described in `docs/json-output.md`.

use std::collections::BTreeMap;

use nhi_lint::Report;
use nhi_lint::baseline::fingerprint;

/// Bumped on any change that removes or renames a field; new fields do not bump it.
pub const SCHEMA_VERSION: u32 = 1;

pub fn render(report: &Report) -> String {
    let mut by_sev: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &report.findings {
        *by_sev.entry(f.severity.as_str()).or_default() += 1;
    }
    let findings: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut v = serde_json::to_value(f).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.insert("fingerprint".into(), fingerprint(f).into());
                o.insert("located".into(), f.start.is_some().into());
            }
            v
        })
        .collect();
    let mut doc = serde_json::json!({
        "version": SCHEMA_VERSION,
        "input": if report.plan.is_some() { "plan" } else { "hcl" },
        "findings": findings,
        "errors": report.errors,
        "summary": {
            "files": report.files.len(),
            "bytes": report.bytes,
            "findings": report.findings.len(),
            "by_severity": by_sev,
            "errors": report.errors.len(),
        }
    });
    if let Some(p) = &report.plan {
        doc["plan"] = serde_json::to_value(p).unwrap_or_default();
    }
    if let Some(b) = &report.baseline {
        doc["baseline"] = serde_json::to_value(b).unwrap_or_default();
    }
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
