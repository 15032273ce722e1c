//! What a text field of an identity may hold: one documented pattern for names, no control
//! characters anywhere (a newline or a terminal escape in an owner corrupts every listing and
//! log line that prints it), and a maximum length per field.

use std::fmt;

/// The text fields of a service account, with their limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    /// `^[a-z0-9][a-z0-9._-]*$`, at most [`TextField::max_len`] characters.
    Name,
    Owner,
    Purpose,
    /// Same pattern as a name.
    Environment,
    Scope,
    LabelKey,
    LabelValue,
}

/// The most scopes one account may list.
pub const MAX_SCOPES: usize = 64;
/// The most labels one account may carry.
pub const MAX_LABELS: usize = 64;

impl TextField {
    /// Maximum length in characters.
    pub const fn max_len(self) -> usize {
        match self {
            TextField::Name | TextField::Environment | TextField::LabelKey => 63,
            TextField::Owner => 254,
            TextField::Purpose => 1024,
            TextField::Scope | TextField::LabelValue => 256,
        }
    }

    fn is_identifier(self) -> bool {
        matches!(self, TextField::Name | TextField::Environment)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    TooLong {
        max: usize,
        len: usize,
    },
    /// A control or bidirectional-formatting character, by position (1-based) and code point.
    Control {
        position: usize,
        code: u32,
    },
    /// Outside the name pattern.
    Pattern,
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextError::TooLong { max, len } => write!(f, "it is {len} characters long; the limit is {max}"),
            TextError::Control { position, code } => write!(
                f,
                "character {position} is U+{code:04X}, a control or formatting character (newlines, tabs, NUL and terminal escapes are refused)"
            ),
            TextError::Pattern => write!(
                f,
                "it must start with a lower-case letter or digit and hold only lower-case letters, digits, `.`, `_` and `-`"
            ),
        }
    }
}

/// Bidirectional overrides and isolates: text that displays in another order than it reads.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Checks one value of `field`.
pub fn check_text(field: TextField, s: &str) -> Result<(), TextError> {
    if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| c.is_control() || is_bidi_control(*c)) {
        return Err(TextError::Control { position: i + 1, code: c as u32 });
    }
    let len = s.chars().count();
    if len > field.max_len() {
        return Err(TextError::TooLong { max: field.max_len(), len });
    }
    if field.is_identifier() {
        let b = s.as_bytes();
        let ok = b.first().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"._-".contains(c));
        if !ok {
            return Err(TextError::Pattern);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_one_pattern() {
        for ok in ["billing-exporter", "a", "svc.v2_x", "0day"] {
            assert_eq!(check_text(TextField::Name, ok), Ok(()), "{ok}");
        }
        for bad in ["Billing", "-x", "a b", "é", "", "x/y"] {
            assert_eq!(check_text(TextField::Name, bad), Err(TextError::Pattern), "{bad}");
        }
        assert_eq!(check_text(TextField::Name, &"a".repeat(63)), Ok(()));
        assert_eq!(check_text(TextField::Name, &"a".repeat(64)), Err(TextError::TooLong { max: 63, len: 64 }));
    }

    #[test]
    fn control_and_formatting_characters_are_refused_everywhere() {
        for field in [TextField::Owner, TextField::Purpose, TextField::Scope, TextField::LabelValue, TextField::Name] {
            for (text, code) in
                [("ctl\nname", 0x0A), ("t\u{0}@x", 0), ("x\u{1b}[31m", 0x1B), ("a\tb", 9), ("ab\u{202E}c", 0x202E)]
            {
                match check_text(field, text) {
                    Err(TextError::Control { code: c, .. }) => assert_eq!(c, code, "{field:?} {text:?}"),
                    other => panic!("{field:?} {text:?}: {other:?}"),
                }
            }
        }
        assert_eq!(check_text(TextField::Owner, "payments-team@example.com"), Ok(()));
        assert_eq!(check_text(TextField::Purpose, "Exports invoices nightly — to the warehouse"), Ok(()));
        assert_eq!(check_text(TextField::Purpose, &"x".repeat(1025)), Err(TextError::TooLong { max: 1024, len: 1025 }));
    }
}
