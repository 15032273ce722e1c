//! `--format junit`: one test case per finding (failed) for CI systems that show JUnit XML
//! (GitLab, Jenkins, Azure Pipelines); a clean run is one passing case.

use nhi_lint::Report;

pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

pub fn render(report: &Report) -> String {
    let failures = report.findings.len() + report.errors.len();
    let tests = failures.max(1);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<testsuites name=\"nhi-lint\" tests=\"{tests}\" failures=\"{failures}\">\n"));
    out.push_str(&format!("  <testsuite name=\"nhi-lint\" tests=\"{tests}\" failures=\"{failures}\">\n"));
    for f in &report.findings {
        let place = match f.start {
            Some(p) => format!("{}:{}:{}", f.path, p.line, p.column),
            None => format!("{} ({})", f.path, super::NO_LINE),
        };
        let mut body = format!("{place}\n{}\naddress: {}{}\n", f.message, f.address, super::plan_context(f));
        body.push_str(&format!("help: {}\ndocs: {}\n", f.help, f.url));
        out.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{} {} {}\" file=\"{}\">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
            escape_xml(&f.path),
            f.code,
            f.name,
            escape_xml(&f.address),
            escape_xml(&f.path),
            f.severity.as_str(),
            escape_xml(&f.message),
            escape_xml(&body)
        ));
    }
    for e in &report.errors {
        out.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"parse\">\n      <error message=\"{}\"/>\n    </testcase>\n",
            escape_xml(&e.path),
            escape_xml(&e.message)
        ));
    }
    if failures == 0 {
        out.push_str("    <testcase classname=\"nhi-lint\" name=\"no findings\"/>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
