//! Printers: miette's graphical report on a terminal, a plain narrow format when piped, JSON.

use std::collections::BTreeMap;
use std::time::Duration;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};
use nhi_lint::{Report, Severity};

pub fn json(report: &Report) -> String {
    let mut by_sev: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &report.findings {
        *by_sev.entry(f.severity.as_str()).or_default() += 1;
    }
    let doc = serde_json::json!({
        "version": 1,
        "findings": report.findings,
        "errors": report.errors,
        "summary": {
            "files": report.files.len(),
            "bytes": report.bytes,
            "findings": report.findings.len(),
            "by_severity": by_sev,
            "errors": report.errors.len(),
        }
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Low => miette::Severity::Advice,
        Severity::Medium => miette::Severity::Warning,
        Severity::High | Severity::Critical => miette::Severity::Error,
    }
}

pub fn human(report: &Report, fancy: bool) -> String {
    let mut out = String::new();
    if fancy {
        let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode()).with_links(true);
        for f in &report.findings {
            let file = &report.files[f.file];
            let diag = MietteDiagnostic::new(format!("{} [{}]", f.message, f.address))
                .with_code(format!("{} {}", f.code, f.name))
                .with_severity(miette_severity(f.severity))
                .with_help(f.help.clone())
                .with_url(f.url.clone())
                .with_label(LabeledSpan::at(f.span.clone(), f.severity.as_str()));
            let report = miette::Report::new(diag)
                .with_source_code(NamedSource::new(file.path.display().to_string(), file.text.clone()));
            let _ = handler.render_report(&mut out, report.as_ref());
            out.push('\n');
        }
        for e in &report.errors {
            let mut diag = MietteDiagnostic::new(e.message.clone()).with_code("parse-error");
            if let Some(id) = e.file {
                diag = diag.with_label(LabeledSpan::at(e.offset..e.offset, "here"));
                let file = &report.files[id];
                let report = miette::Report::new(diag)
                    .with_source_code(NamedSource::new(file.path.display().to_string(), file.text.clone()));
                let _ = handler.render_report(&mut out, report.as_ref());
            } else {
                let _ = handler.render_report(&mut out, &diag);
            }
            out.push('\n');
        }
    } else {
        plain(report, &mut out);
    }
    out
}

/// `path:line:col: severity CODE name: message [address]` and an indented help line.
pub fn plain(report: &Report, out: &mut String) {
    for f in &report.findings {
        out.push_str(&format!(
            "{}:{}:{}: {} {} {}: {} [{}]\n  help: {}\n  docs: {}\n",
            f.path,
            f.start.line,
            f.start.column,
            f.severity.as_str(),
            f.code,
            f.name,
            f.message,
            f.address,
            f.help,
            f.url
        ));
    }
    for e in &report.errors {
        match e.start {
            Some(p) => out.push_str(&format!("{}:{}:{}: error: {}\n", e.path, p.line, p.column, e.message)),
            None => out.push_str(&format!("{}: error: {}\n", e.path, e.message)),
        }
    }
}

pub fn summary(report: &Report, elapsed: Duration) -> String {
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    format!(
        "{} files checked, {} findings ({} critical, {} high, {} medium, {} low), {} errors in {:.2}s\n",
        report.files.len(),
        report.findings.len(),
        count(Severity::Critical),
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low),
        report.errors.len(),
        elapsed.as_secs_f64()
    )
}
