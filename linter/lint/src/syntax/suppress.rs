//! Inline suppressions: `# nhi-lint:ignore NHI101 reason="…" until=2026-12-31` on the line of
//! the finding or the line before it; `# nhi-lint:ignore-file …` before the first block applies
//! to the whole file. Every suppression is debt with a due date, so missing reasons, missing or
//! past expiry dates, unknown codes and unused suppressions are findings themselves.

use jiff::civil::Date;

#[derive(Debug, Clone)]
pub struct Suppression {
    /// One-based line of the comment.
    pub line: usize,
    /// Byte range of the directive text, for findings about the suppression itself.
    pub span: std::ops::Range<usize>,
    pub file_level: bool,
    /// Codes or rule names as written.
    pub codes: Vec<String>,
    pub reason: Option<String>,
    /// `Err` holds the text of an unparsable date.
    pub until: Option<Result<Date, String>>,
    /// Whether a code-line comment stands alone on its line (then it covers the next line).
    pub own_line: bool,
}

const MARKER: &str = "nhi-lint:";

/// Finds suppression directives in comments. `first_block` is the offset of the first block;
/// file-level directives after it are ignored as misplaced (and reported unused).
pub fn parse(text: &str) -> Vec<Suppression> {
    let mut out = Vec::new();
    if !text.contains(MARKER) {
        return out;
    }
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let Some(pos) = line.find(MARKER) else { continue };
        let before = &line[..pos];
        let Some(comment_at) = ["#", "//", "/*"].iter().filter_map(|c| before.find(c)).min() else { continue };
        let own_line = before[..comment_at].trim().is_empty();
        let rest = line[pos + MARKER.len()..].trim_start();
        let (file_level, rest) = if let Some(r) = rest.strip_prefix("ignore-file") {
            (true, r)
        } else if let Some(r) = rest.strip_prefix("ignore") {
            (false, r)
        } else {
            continue;
        };
        let rest = rest.trim_end().trim_end_matches("*/");
        let mut s = Suppression {
            line: i + 1,
            span: start + pos..start + line.trim_end().len(),
            file_level,
            codes: Vec::new(),
            reason: None,
            until: None,
            own_line,
        };
        parse_args(rest, &mut s);
        out.push(s);
    }
    out
}

fn parse_args(mut rest: &str, s: &mut Suppression) {
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == ':' || c == '[' || c == ']');
        if rest.is_empty() {
            return;
        }
        if let Some(r) = rest.strip_prefix("reason=") {
            let (v, r) = value(r);
            s.reason = Some(v).filter(|v| !v.trim().is_empty());
            rest = r;
        } else if let Some(r) = rest.strip_prefix("until=") {
            let (v, r) = value(r);
            s.until = Some(v.parse::<Date>().map_err(|_| v.clone()));
            rest = r;
        } else {
            let end = rest.find(|c: char| c.is_whitespace() || c == ',' || c == ']').unwrap_or(rest.len());
            s.codes.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
}

/// A quoted (`"…"`) or bare value, and the text after it.
fn value(r: &str) -> (String, &str) {
    if let Some(q) = r.strip_prefix('"') {
        match q.find('"') {
            Some(end) => (q[..end].to_owned(), &q[end + 1..]),
            None => (q.to_owned(), ""),
        }
    } else {
        let end = r.find(char::is_whitespace).unwrap_or(r.len());
        (r[..end].to_owned(), &r[end..])
    }
}

impl Suppression {
    /// Whether this directive covers a finding starting on `line`.
    pub fn covers_line(&self, line: usize) -> bool {
        self.file_level || line == self.line || (self.own_line && line == self.line + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_codes_reason_and_expiry() {
        let s = parse("x = 1 # nhi-lint:ignore NHI101,NHI202 reason=\"vendor (T-1)\" until=2027-01-31\n");
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].codes, vec!["NHI101", "NHI202"]);
        assert_eq!(s[0].reason.as_deref(), Some("vendor (T-1)"));
        assert_eq!(s[0].until, Some(Ok(Date::constant(2027, 1, 31))));
        assert!(!s[0].own_line);
        assert!(s[0].covers_line(1) && !s[0].covers_line(2));
    }

    #[test]
    fn own_line_covers_the_next_line_and_bad_dates_are_kept() {
        let s = parse("  // nhi-lint:ignore NHI101 until=soon\nresource \"x\" \"y\" {}\n");
        assert!(s[0].own_line && s[0].covers_line(2));
        assert_eq!(s[0].until, Some(Err("soon".to_owned())));
        assert_eq!(s[0].reason, None);
        assert!(parse("description = \"see nhi-lint:ignore docs\"").is_empty());
    }
}
