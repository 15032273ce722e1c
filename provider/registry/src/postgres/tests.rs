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

/// Whether the connection `url` opens is encrypted, as the server sees it.
fn encrypted(url: &str) -> Result<bool, String> {
    let connect = Connect::parse(url)?;
    let mut client = connect.open().map_err(|e| describe(&e))?;
    let row = client.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).unwrap();
    Ok(row.get(0))
}

/// Against the test server (TLS on, certificate for `localhost` only, from a CA of its own),
/// each sslmode does what libpq's does.
#[test]
fn sslmodes_against_a_real_tls_server() {
    let url = fresh_database("tls");
    let by_name = url.replace("127.0.0.1", "localhost");
    let ca = nhi_testkit::postgres::ca_file();
    let with = |base: &str, params: &str| format!("{base}?{params}");

    assert_eq!(encrypted(&with(&url, "sslmode=disable")), Ok(false));
    for mode in ["allow", "prefer", "require"] {
        // Encrypted, certificate not judged: the test CA is nowhere in the system's roots.
        assert_eq!(encrypted(&with(&url, &format!("sslmode={mode}"))), Ok(true), "{mode}");
    }
    assert_eq!(encrypted(&url), Ok(true), "prefer is the default");

    let rooted = |base: &str, mode: &str| with(base, &format!("sslmode={mode}&sslrootcert={ca}"));
    assert_eq!(encrypted(&rooted(&by_name, "verify-full")), Ok(true), "chain and name match");
    assert_eq!(encrypted(&rooted(&url, "verify-ca")), Ok(true), "verify-ca does not compare the name");
    let wrong_name = encrypted(&rooted(&url, "verify-full")).unwrap_err();
    assert!(wrong_name.contains("not valid for name \"127.0.0.1\""), "{wrong_name}");
    // require with a root certificate verifies the chain, as libpq does.
    assert_eq!(encrypted(&rooted(&url, "require")), Ok(true));

    // Without the test CA the chain cannot be verified.
    for mode in ["verify-ca", "verify-full"] {
        let e = encrypted(&with(&by_name, &format!("sslmode={mode}"))).unwrap_err();
        assert!(e.contains("UnknownIssuer") || e.contains("certificate"), "{mode}: {e}");
    }

    // The whole store works over verified TLS, and a bad sslrootcert is a clear open error.
    let store = crate::open(&rooted(&by_name, "verify-full")).unwrap();
    assert!(store.list_service_accounts(&Default::default()).unwrap().is_empty());
    let e = crate::open(&with(&url, "sslmode=verify-full&sslrootcert=/nonexistent/ca.pem")).unwrap_err().to_string();
    assert!(e.contains("cannot read sslrootcert /nonexistent/ca.pem"), "{e}");
    let e = crate::open(&with(&url, "sslrootcert=%2Fnonexistent%2Fca.pem")).unwrap_err().to_string();
    assert!(e.contains("/nonexistent/ca.pem"), "percent-decoded: {e}");
}

/// The roles and grants of docs/guides/shared-registry.md, applied as written: the provider's
/// role (no superuser) migrates and writes in its own schema; the reader role reads and cannot
/// write.
#[test]
fn least_privilege_roles_from_the_guide_work() {
    let admin = nhi_testkit::postgres::admin_url();
    let suffix = format!(
        "{}_{}",
        std::process::id(),
        std::time::SystemTime::UNIX_EPOCH.elapsed().unwrap().as_nanos() % 1_000_000
    );
    let (provider, reader, db) =
        (format!("nhi_provider_{suffix}"), format!("nhi_reader_{suffix}"), format!("nhi_{suffix}"));
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    // One statement at a time: CREATE DATABASE cannot run inside the implicit transaction of
    // a multi-statement batch.
    for sql in [
        format!("CREATE ROLE {provider} LOGIN"),
        format!("CREATE DATABASE {db} OWNER {provider}"),
        format!("REVOKE ALL ON DATABASE {db} FROM PUBLIC"),
        format!("GRANT CONNECT ON DATABASE {db} TO {provider}"),
        format!("CREATE ROLE {reader} LOGIN"),
        format!("GRANT CONNECT ON DATABASE {db} TO {reader}"),
    ] {
        client.batch_execute(&sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    let db_admin = nhi_testkit::postgres::database_url(&admin, &db);
    let mut in_db = postgres::Client::connect(&db_admin, postgres::NoTls).unwrap();
    in_db
        .batch_execute(&format!(
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC;
             CREATE SCHEMA nhi AUTHORIZATION {provider};
             ALTER ROLE {provider} IN DATABASE {db} SET search_path = nhi;
             GRANT USAGE ON SCHEMA nhi TO {reader};
             ALTER DEFAULT PRIVILEGES FOR ROLE {provider} IN SCHEMA nhi GRANT SELECT ON TABLES TO {reader};
             ALTER ROLE {reader} IN DATABASE {db} SET search_path = nhi;"
        ))
        .unwrap();
    let as_role = |role: &str| db_admin.replacen("nhi_test@", &format!("{role}@"), 1);
    assert_ne!(as_role(&provider), db_admin, "the admin URL names the nhi_test user");

    let store = PostgresStore::open(&as_role(&provider)).expect("the provider's role migrates its schema");
    let change = crate::Change { actor: Default::default(), at: "2026-01-01T00:00:00Z".parse().unwrap() };
    let spec = crate::contract::spec("least-privilege");
    store.create_service_account(&spec, &change).unwrap();
    let in_schema: i64 = in_db
        .query_one("SELECT count(*) FROM pg_tables WHERE schemaname = 'nhi' AND tablename = 'service_accounts'", &[])
        .unwrap()
        .get(0);
    assert_eq!(in_schema, 1, "the tables live in the nhi schema");

    // Credentials, issued by the provider's role; the guide keeps their secrets from readers.
    use crate::credentials::{Credentials, NewApiKey, TokenRequest};
    let sa = store.find_service_account_by_name("least-privilege").unwrap().unwrap();
    let now: crate::Timestamp = "2026-01-01T00:00:10Z".parse().unwrap();
    let key = store
        .create_api_key(
            &NewApiKey {
                service_account_id: &sa.id,
                justification: "j",
                expires_at: "2026-02-01T00:00:00Z".parse().unwrap(),
                rotate_every: None,
            },
            &change,
        )
        .unwrap();
    let secret = store.api_key_secret(&key.id).unwrap().unwrap();
    let ttl = nhi_core::Ttl::parse("10m").unwrap();
    let scopes: Vec<String> = Vec::new();
    let req = TokenRequest { service_account_id: &sa.id, audience: "a", scopes: &scopes, ttl, max_ttl: ttl };
    let token = store.issue_token(&req, &change).unwrap();
    let as_provider = postgres::Client::connect(&as_role(&provider), postgres::NoTls);
    as_provider
        .unwrap()
        .batch_execute(&format!(
            "REVOKE SELECT ON registry_secrets, signing_keys FROM {reader};
             GRANT SELECT (kid, algorithm, public_key, created_at, retired_at, verify_until) ON signing_keys TO {reader};"
        ))
        .unwrap();

    let read_only = PostgresStore::open(&as_role(&reader)).expect("the reader opens an up-to-date registry");
    assert_eq!(read_only.list_service_accounts(&Default::default()).unwrap().len(), 1);
    assert_eq!(read_only.events(0, 10).unwrap().len(), 4, "create, api key, signing key, token");
    assert_eq!(read_only.verify_api_key(secret.expose(), now).unwrap().id, key.id);
    assert!(read_only.verify_token(token.token.expose(), "a", now).is_ok());
    assert_eq!(read_only.jwks(&change).unwrap().keys.len(), 1);
    let mut reader_client = postgres::Client::connect(&as_role(&reader), postgres::NoTls).unwrap();
    for sql in ["SELECT value FROM registry_secrets", "SELECT private_key FROM signing_keys"] {
        let denied = reader_client.query(sql, &[]).unwrap_err();
        let denied = denied.as_db_error().map(|e| e.message().to_owned()).unwrap_or_default();
        assert!(denied.contains("permission denied"), "{sql}: {denied}");
    }
    let refused =
        read_only.create_service_account(&crate::ServiceAccountSpec { name: "nope".to_owned(), ..spec }, &change);
    let message = refused.unwrap_err().to_string();
    assert!(message.contains("permission denied"), "{message}");
}

/// Ends every connection of the database (as a server restart or failover would), except the
/// caller's own.
fn terminate_connections(url: &str) {
    let mut admin = postgres::Client::connect(&nhi_testkit::postgres::admin_url(), postgres::NoTls).unwrap();
    let database = url.rsplit('/').next().unwrap().split('?').next().unwrap();
    admin
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            &[&database],
        )
        .unwrap();
}

#[test]
fn pooled_connections_that_died_while_idle_are_replaced() {
    let (url, store) = fresh_store("dead_idle");
    let change = crate::Change { actor: Default::default(), at: "2026-01-01T00:00:00Z".parse().unwrap() };
    let spec = crate::contract::spec;
    store.create_service_account(&spec("before"), &change).unwrap();

    terminate_connections(&url);
    assert_eq!(store.list_service_accounts(&Default::default()).unwrap().len(), 1, "a read after the restart");
    terminate_connections(&url);
    store.create_service_account(&spec("after"), &change).expect("a write after the restart");
    assert_eq!(store.list_service_accounts(&Default::default()).unwrap().len(), 2);
    assert_eq!(store.events(0, 10).unwrap().len(), 2, "each write once");
}
