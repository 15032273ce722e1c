//! `--format gitlab`: GitLab's code-quality report (a JSON array of issues with description,
//! check_name, fingerprint, severity and location.path/lines.begin), shown in merge requests.

use nhi_lint::baseline::fingerprint;
use nhi_lint::{Report, Severity};

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "blocker",
        Severity::High => "critical",
        Severity::Medium => "major",
        Severity::Low => "minor",
    }
}

pub fn render(report: &Report) -> String {
    let issues: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut description =
                format!("{} {}: {} [{}]{}", f.code, f.name, f.message, f.address, super::plan_context(f));
            // GitLab requires a line; without one the issue sits on line 1 of the plan file
            // and says so.
            let line = match f.start {
                Some(p) => p.line,
                None => {
                    description.push_str(&format!(" ({})", super::NO_LINE));
                    1
                }
            };
            serde_json::json!({
                "description": description,
                "check_name": f.code,
                "fingerprint": fingerprint(f),
                "severity": severity(f.severity),
                "location": { "path": f.path, "lines": { "begin": line } },
            })
        })
        .collect();
    serde_json::to_string_pretty(&issues).unwrap_or_default() + "\n"
}
