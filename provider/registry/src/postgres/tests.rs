//! PostgreSQL-specific tests, against the real server `scripts/postgres.sh` starts (see
//! `nhi_testkit::postgres`): the contract, migrations under concurrency, URLs and TLS modes.

use super::*;
use crate::{LATEST_SCHEMA_VERSION, Timestamp};
use nhi_testkit::postgres::fresh_database;

fn fresh_store(label: &str) -> (String, PostgresStore) {
    let url = fresh_database(label);
    let store = PostgresStore::open(&url).unwrap_or_else(|e| panic!("open {url}: {e}"));
    (url, store)
}

crate::contract_tests!(contract, ((), super::fresh_store("contract").1));

#[test]
fn run_all_drives_the_suite_through_open() {
    let opened = std::sync::atomic::AtomicUsize::new(0);
    crate::contract::run_all(&|| {
        opened.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        crate::open(&fresh_database("run_all")).unwrap()
    });
    assert_eq!(opened.into_inner(), crate::contract::CASES.len());
}

fn migration_versions(url: &str) -> Vec<(i64, String)> {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let rows = client.query("SELECT version, applied_at FROM schema_migrations ORDER BY version", &[]).unwrap();
    rows.iter().map(|r| (r.get(0), r.get(1))).collect()
}

#[test]
fn concurrent_opens_of_a_new_database_migrate_once() {
    let url = fresh_database("migrate_race");
    let barrier = std::sync::Barrier::new(6);
    std::thread::scope(|s| {
        for _ in 0..6 {
            s.spawn(|| {
                barrier.wait();
                PostgresStore::open(&url).expect("every concurrent open succeeds");
            });
        }
    });
    let rows = migration_versions(&url);
    assert_eq!(rows.iter().map(|(v, _)| *v).collect::<Vec<_>>(), (1..=LATEST_SCHEMA_VERSION).collect::<Vec<_>>());
    for (_, applied_at) in rows {
        applied_at.parse::<Timestamp>().unwrap();
    }
}

#[test]
fn a_newer_schema_is_refused() {
    let (url, store) = fresh_store("too_new");
    drop(store);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client.execute("INSERT INTO schema_migrations VALUES (99, '2030-01-01T00:00:00Z')", &[]).unwrap();
    match PostgresStore::open(&url) {
        Err(RegistryError::SchemaTooNew { found: 99, supported, .. }) => assert_eq!(supported, LATEST_SCHEMA_VERSION),
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
}

#[test]
fn errors_never_show_the_password() {
    let admin = nhi_testkit::postgres::admin_url();
    // A wrong password against a server that does not listen there: the error names the
    // place, never the secret.
    let url = "postgres://nhi:s3cr3t-pa55@127.0.0.1:1/nhi?connect_timeout=2";
    let e = crate::open(url).unwrap_err().to_string();
    assert!(!e.contains("s3cr3t-pa55"), "{e}");
    assert!(e.contains("postgres://nhi:***@127.0.0.1:1/nhi"), "{e}");
    let store = crate::open(&admin).unwrap();
    assert!(!format!("{store:?}").contains("s3cr3t"));
    let e = crate::open("postgres://u:s3cr3t-pa55@127.0.0.1:1/x?sslmode=verify-sometimes").unwrap_err().to_string();
    assert!(e.contains(r#"sslmode="verify-sometimes""#) && !e.contains("s3cr3t-pa55"), "{e}");
}

#[test]
fn sslmode_values_map_to_libpq_meanings() {
    assert_eq!(SslMode::parse("verify-full").unwrap(), SslMode::VerifyFull);
    assert_eq!(SslMode::parse("verify-ca").unwrap().wire(), postgres::config::SslMode::Require);
    assert_eq!(SslMode::parse("allow").unwrap().wire(), postgres::config::SslMode::Prefer);
    assert_eq!(SslMode::parse("disable").unwrap().wire(), postgres::config::SslMode::Disable);
    assert!(SslMode::parse("Require").is_err(), "values are case-sensitive, as in libpq");
    assert_eq!(percent_decode("%2Ftmp%2Fca.pem").unwrap(), "/tmp/ca.pem");
    assert!(percent_decode("%zz").is_err());
}

#[test]
fn a_test_server_without_tls_serves_disable_and_prefer_but_not_require() {
    let url = fresh_database("no_tls");
    for mode in ["disable", "prefer", "allow"] {
        let store = PostgresStore::open(&format!("{url}?sslmode={mode}")).unwrap_or_else(|e| panic!("{mode}: {e}"));
        assert!(store.list_service_accounts(&Default::default()).unwrap().is_empty());
    }
    for mode in ["require", "verify-ca", "verify-full"] {
        let e = PostgresStore::open(&format!("{url}?sslmode={mode}")).unwrap_err().to_string();
        assert!(e.contains("cannot open registry"), "{mode}: {e}");
    }
}
