//! [`Ttl`]: a bounded, non-zero duration written the way Terraform users write them.

use std::fmt;
use std::str::FromStr;

use jiff::SignedDuration;

/// A non-zero duration of whole seconds, at most [`Ttl::MAX_SECS`].
///
/// Accepted spellings: a sequence of `<integer><unit>` groups with units `w`, `d`, `h`, `m`, `s`
/// (`"15m"`, `"1h30m"`, `"90d"`, `"2w"`), or a bare integer number of seconds (`"3600"`), which is
/// how Vault and several providers spell TTLs. Each unit may appear once, largest first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ttl(u64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TtlError {
    #[error("duration is empty; write it as e.g. \"15m\", \"1h\" or \"90d\"")]
    Empty,
    #[error("duration {input:?} is not valid: {reason}; write it as e.g. \"15m\", \"1h30m\" or \"90d\"")]
    Invalid { input: String, reason: &'static str },
    #[error("duration {input:?} is zero; a lifetime must be positive")]
    Zero { input: String },
    #[error("duration {input:?} is longer than 100 years")]
    TooLong { input: String },
}

const UNITS: [(char, u64); 5] = [('w', 604_800), ('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];

impl Ttl {
    /// 100 years, a bound that keeps every arithmetic on timestamps in range.
    pub const MAX_SECS: u64 = 100 * 365 * 86_400;

    pub const fn from_secs_unchecked(secs: u64) -> Self {
        Self(secs)
    }

    pub fn from_secs(secs: u64) -> Option<Self> {
        (secs > 0 && secs <= Self::MAX_SECS).then_some(Self(secs))
    }

    pub const fn from_days(days: u64) -> Self {
        Self(days * 86_400)
    }

    pub const fn from_hours(hours: u64) -> Self {
        Self(hours * 3_600)
    }

    pub const fn as_secs(self) -> u64 {
        self.0
    }

    pub fn as_signed_duration(self) -> SignedDuration {
        // MAX_SECS fits comfortably in i64.
        SignedDuration::from_secs(self.0 as i64)
    }

    /// Parses a duration. See the type docs for the accepted forms.
    pub fn parse(input: &str) -> Result<Self, TtlError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(TtlError::Empty);
        }
        let invalid = |reason| TtlError::Invalid { input: input.to_owned(), reason };
        let too_long = || TtlError::TooLong { input: input.to_owned() };
        if s.bytes().all(|b| b.is_ascii_digit()) {
            let secs: u64 = s.parse().map_err(|_| too_long())?;
            return Self::checked(secs, input);
        }
        let mut total: u64 = 0;
        let mut next_unit = 0; // index into UNITS: units must come largest first, once each
        let mut rest = s;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(invalid("expected a number before each unit"));
            }
            let (num, tail) = rest.split_at(digits);
            let mut chars = tail.chars();
            let unit = chars.next().ok_or_else(|| invalid("the last number has no unit (w, d, h, m or s)"))?;
            let pos =
                UNITS.iter().position(|(u, _)| *u == unit).ok_or_else(|| invalid("units are w, d, h, m and s"))?;
            if pos < next_unit {
                return Err(invalid("units must appear once each, largest first"));
            }
            next_unit = pos + 1;
            let n: u64 = num.parse().map_err(|_| too_long())?;
            total = n.checked_mul(UNITS[pos].1).and_then(|v| total.checked_add(v)).ok_or_else(too_long)?;
            rest = chars.as_str();
        }
        Self::checked(total, input)
    }

    fn checked(secs: u64, input: &str) -> Result<Self, TtlError> {
        if secs == 0 {
            Err(TtlError::Zero { input: input.to_owned() })
        } else if secs > Self::MAX_SECS {
            Err(TtlError::TooLong { input: input.to_owned() })
        } else {
            Ok(Self(secs))
        }
    }
}

impl FromStr for Ttl {
    type Err = TtlError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Canonical spelling: days, hours, minutes and seconds, largest first (`"90d"`, `"1h30m"`).
/// Weeks are not used on output because "14d" reads better than "2w" next to policy values.
impl fmt::Display for Ttl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        for (unit, size) in &UNITS[1..] {
            if rest >= *size {
                write!(f, "{}{}", rest / size, unit)?;
                rest %= size;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Ttl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ttl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_spellings() {
        for (input, secs) in [
            ("15m", 900),
            ("1h", 3600),
            ("1h30m", 5400),
            ("90d", 90 * 86_400),
            ("2w", 14 * 86_400),
            ("3600", 3600),
            ("1d12h", 129_600),
            (" 30s ", 30),
            ("8760h", 365 * 86_400),
        ] {
            assert_eq!(Ttl::parse(input).unwrap().as_secs(), secs, "{input}");
        }
    }

    #[test]
    fn rejects_bad_spellings_with_reasons() {
        assert_eq!(Ttl::parse("").unwrap_err(), TtlError::Empty);
        assert!(matches!(Ttl::parse("0s"), Err(TtlError::Zero { .. })));
        assert!(matches!(Ttl::parse("0"), Err(TtlError::Zero { .. })));
        assert!(matches!(Ttl::parse("1y"), Err(TtlError::Invalid { .. })));
        assert!(matches!(Ttl::parse("h"), Err(TtlError::Invalid { .. })));
        assert_eq!(Ttl::parse("10").unwrap().as_secs(), 10);
        assert!(matches!(Ttl::parse("10m1h"), Err(TtlError::Invalid { .. })));
        assert!(matches!(Ttl::parse("1h1h"), Err(TtlError::Invalid { .. })));
        assert!(matches!(Ttl::parse("-5m"), Err(TtlError::Invalid { .. })));
        assert!(matches!(Ttl::parse("1.5h"), Err(TtlError::Invalid { .. })));
        assert!(matches!(Ttl::parse("36600d"), Err(TtlError::TooLong { .. })));
        assert!(matches!(Ttl::parse("99999999999999999999999d"), Err(TtlError::TooLong { .. })));
        let msg = Ttl::parse("5 minutes").unwrap_err().to_string();
        assert!(msg.contains("\"5 minutes\"") && msg.contains("15m"), "{msg}");
    }

    #[test]
    fn displays_canonically() {
        assert_eq!(Ttl::parse("90d").unwrap().to_string(), "90d");
        assert_eq!(Ttl::parse("5400").unwrap().to_string(), "1h30m");
        assert_eq!(Ttl::parse("2w").unwrap().to_string(), "14d");
        assert_eq!(Ttl::parse("1d1s").unwrap().to_string(), "1d1s");
    }

    #[test]
    fn never_panics_on_arbitrary_bytes() {
        for s in ["\u{0}", "9h9", "1dd", "d1", "１h", "1ｈ", "18446744073709551615s", "18446744073709551616"] {
            let _ = Ttl::parse(s);
        }
        assert!(Ttl::parse("18446744073709551615s").is_err());
    }
}
