//! `--format github`: workflow commands that GitHub Actions turns into annotations on the
//! pull request diff: `::error file=F,line=L,col=C,endLine=…,endColumn=…,title=T::MESSAGE`.

use nhi_lint::{Report, Severity};

/// Message text: `%`, CR and LF are escaped.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Property values: also `:` and `,`, which separate properties.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "notice",
    }
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let title = escape_property(&format!("{} {}", f.code, f.name));
        let mut props = Vec::new();
        let mut message = format!("{} [{}]{}", f.message, f.address, super::plan_context(f));
        match (f.start, f.end) {
            (Some(s), Some(e)) => {
                props.push(format!("file={}", escape_property(&f.path)));
                props.push(format!("line={}", s.line));
                props.push(format!("col={}", s.column));
                props.push(format!("endLine={}", e.line));
                if e.line == s.line {
                    props.push(format!("endColumn={}", e.column));
                }
            }
            _ => message.push_str(&format!(" ({}; plan {})", super::NO_LINE, f.path)),
        }
        props.push(format!("title={title}"));
        message.push_str(&format!("\nhelp: {}\ndocs: {}", f.help, f.url));
        out.push_str(&format!("::{} {}::{}\n", command(f.severity), props.join(","), escape_data(&message)));
    }
    for e in &report.errors {
        let mut props = vec![format!("file={}", escape_property(&e.path))];
        if let Some(p) = e.start {
            props.push(format!("line={}", p.line));
            props.push(format!("col={}", p.column));
        }
        props.push("title=nhi-lint parse error".to_owned());
        out.push_str(&format!("::error {}::{}\n", props.join(","), escape_data(&e.message)));
    }
    if let Some(b) = &report.baseline {
        for e in &b.expired {
            out.push_str(&format!(
                "::warning title=nhi-lint baseline::{}\n",
                escape_data(&format!(
                    "baseline entry for {} {} expired; its finding is reported again",
                    e.code, e.address
                ))
            ));
        }
        for e in &b.stale {
            out.push_str(&format!(
                "::notice title=nhi-lint baseline::{}\n",
                escape_data(&format!("baseline entry for {} {} matches no finding; remove it", e.code, e.address))
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_breaks_workflow_commands() {
        assert_eq!(escape_data("50%\r\nnext"), "50%25%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
