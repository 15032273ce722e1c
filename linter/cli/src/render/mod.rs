//! Printers. `human`: miette's graphical report on a terminal, a plain narrow format when
//! piped. Machine formats live in their own modules; every one of them says explicitly when
//! a finding has no source line (a plan linted without its HCL): the address is then the only
//! location.

pub mod github;
pub mod gitlab;
pub mod json;
pub mod junit;
pub mod sarif;

use std::time::Duration;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};
use nhi_lint::{Finding, Report, Severity};

/// Said wherever a line would be, for findings that have none.
pub const NO_LINE: &str = "no source line: the resource's HCL was not found under --config-dir";

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Low => miette::Severity::Advice,
        Severity::Medium => miette::Severity::Warning,
        Severity::High | Severity::Critical => miette::Severity::Error,
    }
}

/// The headline of a finding: its message, address and, for plans, the planned instances,
/// on one line: a line break or tab that came from the configuration (a label, a quoted
/// value) becomes `?`, as other control characters do, so that a `\r` cannot overwrite what a
/// terminal shows before it.
fn headline(f: &Finding) -> String {
    one_line(&format!("{} [{}]{}", f.message, f.address, plan_context(f)))
}

/// [`printable`], with line breaks and tabs marked too: for text shown on one line.
fn one_line(s: &str) -> String {
    printable(s).chars().map(|c| if matches!(c, '\n' | '\r' | '\t') { '?' } else { c }).collect()
}

/// Text from the configuration made safe for a terminal: control characters (an escape
/// sequence in a label, a file name or the source itself) become `?`, byte for byte, so that
/// spans into the text stay valid. Line breaks and tabs stay.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    let control = |c: char| c.is_control() && !matches!(c, '\n' | '\t' | '\r');
    if !s.chars().any(control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if control(c) {
            // C1 controls take two bytes in UTF-8: two marks keep the length.
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// For plan findings: ` (planned: a[0], a[1]; already in the prior state)`, the instances
/// when they differ from the address, and whether the change leaves an applied finding as it
/// was rather than introducing it. Empty for HCL findings.
pub fn plan_context(f: &Finding) -> String {
    let mut parts = Vec::new();
    match f.instances.as_slice() {
        [] => {}
        [one] if *one == f.address => {}
        many => parts.push(format!("planned: {}", many.join(", "))),
    }
    if f.preexisting == Some(true) {
        parts.push("already in the prior state".to_owned());
    }
    if parts.is_empty() { String::new() } else { format!(" ({})", parts.join("; ")) }
}

pub fn human(report: &Report, fancy: bool) -> String {
    let mut out = String::new();
    if fancy {
        let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode()).with_links(true);
        for f in &report.findings {
            let mut diag = MietteDiagnostic::new(printable(&headline(f)))
                .with_code(format!("{} {}", f.code, f.name))
                .with_severity(miette_severity(f.severity))
                .with_help(printable(&f.help))
                .with_url(f.url.clone());
            match f.file {
                Some(id) => {
                    let file = &report.files[id];
                    diag = diag.with_label(LabeledSpan::at(f.span.clone(), f.severity.as_str()));
                    let report = miette::Report::new(diag).with_source_code(source(file));
                    let _ = handler.render_report(&mut out, report.as_ref());
                }
                None => {
                    diag.message = format!("{}: {} ({NO_LINE})", printable(&f.path), diag.message);
                    let _ = handler.render_report(&mut out, &diag);
                }
            }
            out.push('\n');
        }
        for e in &report.errors {
            let mut diag = MietteDiagnostic::new(printable(&e.message)).with_code("parse-error");
            if let Some(id) = e.file {
                diag = diag.with_label(LabeledSpan::at(e.offset..e.offset, "here"));
                let file = &report.files[id];
                let report = miette::Report::new(diag).with_source_code(source(file));
                let _ = handler.render_report(&mut out, report.as_ref());
            } else {
                let _ = handler.render_report(&mut out, &diag);
            }
            out.push('\n');
        }
    } else {
        plain(report, &mut out);
    }
    if !fancy {
        // Plain text carries no escape sequences of its own: all of it is made printable.
        out = printable(&out).into_owned();
    }
    let mut notes = String::new();
    baseline_notes(report, &mut notes);
    out.push_str(&printable(&notes));
    out
}

/// A file's text for miette, made printable (same length, so the spans still fit).
fn source(file: &nhi_lint::syntax::SourceFile) -> NamedSource<String> {
    NamedSource::new(printable(&file.path.display().to_string()), printable(&file.text).into_owned())
}

/// `path:line:col: severity CODE name: message [address]` and indented help and docs lines;
/// `path: severity …` (and a note) when there is no line.
pub fn plain(report: &Report, out: &mut String) {
    for f in &report.findings {
        let place = match f.start {
            Some(p) => format!("{}:{}:{}", f.path, p.line, p.column),
            None => f.path.clone(),
        };
        out.push_str(&format!("{place}: {} {} {}: {}\n", f.severity.as_str(), f.code, f.name, headline(f)));
        if f.start.is_none() {
            out.push_str(&format!("  note: {NO_LINE}\n"));
        }
        out.push_str(&format!("  help: {}\n  docs: {}\n", f.help, f.url));
    }
    for e in &report.errors {
        match e.start {
            Some(p) => out.push_str(&format!("{}:{}:{}: error: {}\n", e.path, p.line, p.column, e.message)),
            None => out.push_str(&format!("{}: error: {}\n", e.path, e.message)),
        }
    }
}

fn baseline_notes(report: &Report, out: &mut String) {
    let Some(b) = &report.baseline else { return };
    for e in &b.expired {
        let until = e.expires.map(|d| d.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "baseline: entry {} ({} {}) expired on {until}: its finding is reported again\n",
            e.fingerprint, e.code, e.address
        ));
    }
    for e in &b.stale {
        out.push_str(&format!(
            "baseline: entry {} ({} {}) matches no finding any more: remove it\n",
            e.fingerprint, e.code, e.address
        ));
    }
}

/// `1 finding`, `2 findings`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn summary(report: &Report, elapsed: Duration) -> String {
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let what = match &report.plan {
        Some(p) => {
            format!("{} of {} linted", p.linted, plural(p.resource_changes, "resource change", "resource changes"))
        }
        None => format!("{} checked", plural(report.files.len(), "file", "files")),
    };
    let baselined = match &report.baseline {
        Some(b) => format!(", {} baselined", b.baselined),
        None => String::new(),
    };
    format!(
        "{what}, {} ({} critical, {} high, {} medium, {} low){baselined}, {} in {:.2}s\n",
        plural(report.findings.len(), "finding", "findings"),
        count(Severity::Critical),
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low),
        plural(report.errors.len(), "error", "errors"),
        elapsed.as_secs_f64()
    )
}

#[cfg(test)]
mod printable_tests {
    use super::printable;

    #[test]
    fn control_characters_become_marks_of_the_same_length() {
        assert_eq!(printable("plain `text`\n\tok"), "plain `text`\n\tok");
        let hostile = "a\u{1b}[2Jb\u{9b}X\u{7}";
        let shown = printable(hostile);
        assert_eq!(shown, "a?[2Jb??X?");
        assert_eq!(shown.len(), hostile.len(), "spans into the text stay valid");
        assert!(!shown.chars().any(|c| c.is_control()));
    }

    #[test]
    fn a_headline_stays_on_its_line() {
        assert_eq!(super::one_line("role `a\rb`\tc\n\u{1b}"), "role `a?b`?c??");
    }
}
