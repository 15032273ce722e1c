//! The only place that reads the wall clock. Everything else receives a [`Clock`].

use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

/// A source of "now". Resources receive one through provider configuration so that tests can
/// move time deterministically.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> Timestamp;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that stands still until a test moves it.
#[derive(Debug)]
pub struct FixedClock(Mutex<Timestamp>);

impl FixedClock {
    pub fn new(at: Timestamp) -> Self {
        Self(Mutex::new(at))
    }

    pub fn set(&self, at: Timestamp) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }

    pub fn advance(&self, by: SignedDuration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now = now.saturating_add(by).unwrap_or(*now);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The wall clock moved by a fixed offset: what end-to-end tests run binaries with (see
/// [`clock_from_env`]) so that expiry warnings and rotations can be tested to the second.
#[derive(Debug, Clone, Copy)]
pub struct OffsetClock(SignedDuration);

impl Clock for OffsetClock {
    fn now(&self) -> Timestamp {
        Timestamp::now().saturating_add(self.0).unwrap_or_else(|_| Timestamp::now())
    }
}

/// The variable that moves the clock of a debug build: a duration such as `31d` or `-2h`.
pub const TEST_CLOCK_ENV: &str = "NHI_TEST_CLOCK_OFFSET";

/// The clock a binary (provider, admin CLI) runs on: the wall clock, unless this is a debug
/// build and [`TEST_CLOCK_ENV`] is set, which moves it. A release build refuses to start with
/// the variable set rather than ignore it, so nobody believes a production process runs on a
/// moved clock, and no production process can be made to.
pub fn clock_from_env() -> Result<std::sync::Arc<dyn Clock>, String> {
    let Some(raw) = std::env::var_os(TEST_CLOCK_ENV) else {
        return Ok(std::sync::Arc::new(SystemClock));
    };
    if !cfg!(debug_assertions) {
        return Err(format!(
            "{TEST_CLOCK_ENV} is set, but the test clock exists only in debug builds of nhi; unset it"
        ));
    }
    let text = raw.to_string_lossy();
    let (negative, magnitude) = match text.trim().strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.trim().trim_start_matches('+')),
    };
    let ttl = crate::Ttl::parse(magnitude).map_err(|e| format!("{TEST_CLOCK_ENV}: {e}"))?;
    let offset = ttl.as_signed_duration();
    Ok(std::sync::Arc::new(OffsetClock(if negative { -offset } else { offset })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let start: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let clock = FixedClock::new(start);
        assert_eq!(clock.now(), start);
        clock.advance(SignedDuration::from_hours(24));
        assert_eq!(clock.now().to_string(), "2026-01-02T00:00:00Z");
        clock.set(start);
        assert_eq!(clock.now(), start);
    }
}
