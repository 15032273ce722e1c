//! A real PostgreSQL server for tests: `scripts/postgres.sh start` runs one on 127.0.0.1 (and
//! `scripts/test.sh` does that for the whole run) and exports `NHI_TEST_POSTGRES_URL`, the URL
//! of a superuser. Each test takes a database of its own from [`fresh_database`].
//!
//! A missing server is a test failure, never a skip.

use std::sync::atomic::{AtomicU32, Ordering};

/// The variable naming the test server's superuser URL.
pub const URL_VAR: &str = "NHI_TEST_POSTGRES_URL";

/// The superuser URL of the test server.
///
/// # Panics
/// If `NHI_TEST_POSTGRES_URL` is not set.
pub fn admin_url() -> String {
    match std::env::var(URL_VAR) {
        Ok(url) if !url.is_empty() => url,
        _ => panic!(
            "{URL_VAR} is not set: these tests need a real PostgreSQL server.\n\
             Run `scripts/test.sh` (it starts one), or start one yourself with\n\
             `eval \"$(scripts/postgres.sh start)\"` and run the tests in that shell."
        ),
    }
}

/// The PEM file of the CA that signed the test server's certificate (which names only
/// `localhost`).
///
/// # Panics
/// If `NHI_TEST_POSTGRES_CA` is not set.
pub fn ca_file() -> String {
    std::env::var("NHI_TEST_POSTGRES_CA")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| panic!("NHI_TEST_POSTGRES_CA is not set: start the server with scripts/postgres.sh"))
}

/// Creates a new, empty database on the test server and returns its URL. `label` (lowercase
/// letters, digits and `_`) goes into the name, to find it when debugging.
///
/// # Panics
/// If the server is not configured or cannot be reached.
pub fn fresh_database(label: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    assert!(
        label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
        "database label {label:?} must be lowercase letters, digits and _"
    );
    let admin = admin_url();
    let name = format!("t{}_{}_{label}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    let name: String = name.chars().take(63).collect();
    let mut client = postgres::Client::connect(&admin, postgres::NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to the test PostgreSQL server ({URL_VAR}): {}", explain(&e)));
    client
        .batch_execute(&format!("CREATE DATABASE \"{name}\""))
        .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {}", explain(&e)));
    database_url(&admin, &name)
}

/// What the server said, not only the driver's one-word summary ("db error"): the SQLSTATE,
/// message, detail and hint of a server error, or the chain of causes of any other error.
pub fn explain(error: &postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut text = format!("{} {}: {}", db.severity(), db.code().code(), db.message());
        for (label, extra) in [("detail", db.detail()), ("hint", db.hint())] {
            if let Some(extra) = extra {
                text.push_str(&format!("; {label}: {extra}"));
            }
        }
        return text;
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// `admin` with its database replaced by `database`.
pub fn database_url(admin: &str, database: &str) -> String {
    let (base, query) = admin.split_once('?').map_or((admin, None), |(b, q)| (b, Some(q)));
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{database}?{q}"),
        None => format!("{base}/{database}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_replaces_only_the_database() {
        assert_eq!(database_url("postgres://u@h:1/postgres", "x"), "postgres://u@h:1/x");
        assert_eq!(database_url("postgres://u@h:1", "x"), "postgres://u@h:1/x");
        assert_eq!(database_url("postgres://u@h/p?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
    }
}
