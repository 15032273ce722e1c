//! Judging an expiry against the policy. Called by the provider's plan-time diagnostics and by
//! the linter; never used to compute planned values.

use jiff::{SignedDuration, Timestamp};

use crate::{Enforcement, Ttl};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not an RFC 3339 timestamp ({reason}); write it as e.g. \"2027-03-01T00:00:00Z\"")]
pub struct TimestampError {
    pub input: String,
    pub reason: String,
}

/// Parses an RFC 3339 timestamp with an explicit offset (`Z` or `+hh:mm`).
pub fn parse_timestamp(input: &str) -> Result<Timestamp, TimestampError> {
    input.parse::<Timestamp>().map_err(|e| TimestampError { input: input.to_owned(), reason: e.to_string() })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryLevel {
    Error,
    Warning,
}

/// One judgement about an expiry, phrased for a person: a one-line summary and a detail that
/// quotes the values and says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiryFinding {
    pub level: ExpiryLevel,
    pub summary: String,
    pub detail: String,
}

/// Judges `expires_at` of a `what` (e.g. "service account") at `now`.
///
/// At most one finding: an expiry in the past is always an error; beyond `max_lifetime` is an
/// error (a warning under [`Enforcement::Advise`]); within `warn_before` is a warning.
/// `max_setting` names the policy setting to quote, e.g. `policy.max_lifetime`.
pub fn check_expiry(
    what: &str,
    expires_at: Timestamp,
    now: Timestamp,
    max_lifetime: Ttl,
    max_setting: &str,
    warn_before: Option<Ttl>,
    enforcement: Enforcement,
) -> Option<ExpiryFinding> {
    let latest = now.saturating_add(max_lifetime.as_signed_duration()).unwrap_or(Timestamp::MAX);
    if expires_at <= now {
        return Some(ExpiryFinding {
            level: ExpiryLevel::Error,
            summary: format!("The {what} expiry is in the past"),
            detail: format!(
                "expires_at is {expires_at}, which is before now ({now}). Set it to a future date no later than {latest} ({max_setting} = {max_lifetime}).",
                now = trim_subsec(now),
                latest = trim_subsec(latest),
            ),
        });
    }
    let ahead = expires_at.duration_since(now);
    if ahead > max_lifetime.as_signed_duration() {
        let level = match enforcement {
            Enforcement::Enforce => ExpiryLevel::Error,
            Enforcement::Advise => ExpiryLevel::Warning,
        };
        return Some(ExpiryFinding {
            level,
            summary: format!("The {what} lifetime exceeds {max_setting}"),
            detail: format!(
                "expires_at is {expires_at}, {ahead} from now, but {max_setting} is {max_lifetime}: the latest allowed expiry is {latest}. Shorten expires_at, or raise {max_setting} if this lifetime is intended.",
                ahead = days_text(whole_days(ahead)),
                latest = trim_subsec(latest),
            ),
        });
    }
    let warn_before = warn_before?;
    if ahead <= warn_before.as_signed_duration() {
        let days = whole_days(ahead);
        let when = format!("in {}", days_text(days));
        return Some(ExpiryFinding {
            level: ExpiryLevel::Warning,
            summary: format!("The {what} expires {when}"),
            detail: format!(
                "expires_at is {date} ({expires_at}), {when}, inside policy.warn_before ({warn_before}). Extend expires_at if the {what} is still needed, or plan its retirement.",
                date = expires_at.strftime("%Y-%m-%d"),
            ),
        });
    }
    None
}

/// Where an expiry stands at a moment: the one definition behind the provider's
/// `expiry_status` function and `nhi audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryStatus {
    /// `expires_at` is later than `now + warn_before`.
    Ok,
    /// `now < expires_at <= now + warn_before`.
    Expiring,
    /// `expires_at <= now`.
    Expired,
}

impl ExpiryStatus {
    pub fn at(expires_at: Timestamp, now: Timestamp, warn_before: SignedDuration) -> Self {
        if expires_at <= now {
            Self::Expired
        } else if expires_at.duration_since(now) <= warn_before {
            Self::Expiring
        } else {
            Self::Ok
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Expiring => "expiring",
            Self::Expired => "expired",
        }
    }
}

/// Whole days from `now` until `expires_at`, rounded down: 0 for less than a day left, -1 for
/// less than a day past.
pub fn days_until(expires_at: Timestamp, now: Timestamp) -> i64 {
    expires_at.duration_since(now).as_secs().div_euclid(86_400)
}

/// `less than a day`, `1 day`, `30 days`.
fn days_text(days: i64) -> String {
    match days {
        ..=0 => "less than a day".to_owned(),
        1 => "1 day".to_owned(),
        n => format!("{n} days"),
    }
}

fn whole_days(d: SignedDuration) -> i64 {
    d.as_secs() / 86_400
}

fn trim_subsec(t: Timestamp) -> Timestamp {
    Timestamp::from_second(t.as_second()).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    #[test]
    fn status_and_days_at_their_edges() {
        let now = ts("2026-06-01T00:00:00Z");
        let week = SignedDuration::from_hours(7 * 24);
        let status = |e: &str| ExpiryStatus::at(ts(e), now, week).as_str();
        assert_eq!(status("2026-06-01T00:00:00Z"), "expired", "expiring at this instant is expired");
        assert_eq!(status("2026-06-01T00:00:01Z"), "expiring");
        assert_eq!(status("2026-06-08T00:00:00Z"), "expiring", "the window includes its end");
        assert_eq!(status("2026-06-08T00:00:01Z"), "ok");
        assert_eq!(status("2020-01-01T00:00:00Z"), "expired");
        assert_eq!(ExpiryStatus::at(ts("2026-06-01T00:00:01Z"), now, SignedDuration::ZERO), ExpiryStatus::Ok);
        assert_eq!(days_until(ts("2026-06-01T23:59:59Z"), now), 0);
        assert_eq!(days_until(ts("2026-06-02T00:00:00Z"), now), 1);
        assert_eq!(days_until(ts("2026-05-31T23:00:00Z"), now), -1);
        assert_eq!(days_until(ts("2026-05-31T00:00:00Z"), now), -1);
        assert_eq!(days_until(ts("2026-05-30T23:59:59Z"), now), -2);
        assert_eq!(days_until(now, now), 0);
    }

    fn ts(s: &str) -> Timestamp {
        parse_timestamp(s).unwrap()
    }

    fn check(expires: &str, enforcement: Enforcement) -> Option<ExpiryFinding> {
        let p = Policy::default();
        check_expiry(
            "service account",
            ts(expires),
            ts("2026-06-01T12:00:00Z"),
            p.max_lifetime,
            "policy.max_lifetime",
            Some(p.warn_before),
            enforcement,
        )
    }

    #[test]
    fn past_expiry_is_an_error_even_when_advising() {
        let f = check("2026-05-01T00:00:00Z", Enforcement::Advise).unwrap();
        assert_eq!(f.level, ExpiryLevel::Error);
        assert_eq!(f.summary, "The service account expiry is in the past");
        assert!(f.detail.contains("no later than 2027-06-01T12:00:00Z"), "{}", f.detail);
    }

    #[test]
    fn beyond_max_lifetime_depends_on_enforcement() {
        let f = check("2028-01-01T00:00:00Z", Enforcement::Enforce).unwrap();
        assert_eq!(f.level, ExpiryLevel::Error);
        assert!(f.detail.contains("578 days from now"), "{}", f.detail);
        assert!(f.detail.contains("policy.max_lifetime is 365d"), "{}", f.detail);
        assert_eq!(check("2028-01-01T00:00:00Z", Enforcement::Advise).unwrap().level, ExpiryLevel::Warning);
    }

    #[test]
    fn one_day_reads_in_the_singular() {
        let one_day = |expires: &str| {
            check_expiry(
                "key",
                ts(expires),
                ts("2026-06-01T12:00:00Z"),
                Ttl::from_days(1),
                "policy.max_lifetime",
                Some(Ttl::from_days(2)),
                Enforcement::Enforce,
            )
            .unwrap()
        };
        let f = one_day("2026-06-03T00:00:00Z");
        assert!(f.detail.contains(", 1 day from now,"), "{}", f.detail);
        let f = one_day("2026-06-02T13:00:00Z");
        assert_eq!(f.level, ExpiryLevel::Error);
        assert!(f.detail.contains(", 1 day from now,"), "{}", f.detail);
        assert_eq!(
            check("2026-06-02T13:00:00Z", Enforcement::Enforce).unwrap().summary,
            "The service account expires in 1 day"
        );
    }

    #[test]
    fn exactly_at_the_limit_is_allowed() {
        assert_eq!(check("2027-06-01T12:00:00Z", Enforcement::Enforce), None);
        assert!(check("2027-06-01T12:00:01Z", Enforcement::Enforce).is_some());
    }

    #[test]
    fn inside_warning_window_states_date_and_days_left() {
        let f = check("2026-06-11T00:00:00Z", Enforcement::Enforce).unwrap();
        assert_eq!(f.level, ExpiryLevel::Warning);
        assert_eq!(f.summary, "The service account expires in 9 days");
        assert!(f.detail.contains("2026-06-11"), "{}", f.detail);
        let f = check("2026-06-01T13:00:00Z", Enforcement::Enforce).unwrap();
        assert_eq!(f.summary, "The service account expires in less than a day");
        assert_eq!(check("2026-08-01T00:00:00Z", Enforcement::Enforce), None);
    }

    #[test]
    fn timestamps_need_an_offset() {
        assert!(parse_timestamp("2027-03-01T00:00:00Z").is_ok());
        assert!(parse_timestamp("2027-03-01T00:00:00+02:00").is_ok());
        let e = parse_timestamp("2027-03-01").unwrap_err();
        assert!(e.to_string().contains("2027-03-01T00:00:00Z"), "{e}");
        assert!(parse_timestamp("2027-13-01T00:00:00Z").is_err());
        assert!(parse_timestamp("tomorrow").is_err());
    }
}
