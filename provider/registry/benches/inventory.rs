//! Inventory queries on 100,000 accounts, on SQLite and PostgreSQL, with the registry's indexes
//! and, as the baseline in the same run, with its secondary indexes dropped (full scans).
//!
//!   eval "$(scripts/postgres.sh start)"            # or any server in NHI_TEST_POSTGRES_URL
//!   cargo bench -p nhi-registry --bench inventory  # BENCH_ACCOUNTS=N to change the size
//!
//! Each query goes through the `Store` API (rows parsed into accounts), is run 3 times to warm
//! up, then timed 15 times; the median is printed with the ratio indexed / full scan and the
//! target (under 100 ms with indexes). It is a benchmark: it fails only on errors.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use nhi_core::Timestamp;
use nhi_registry::{PostgresStore, ServiceAccountFilter, SqliteStore, Store, format_timestamp};

const TARGET: Duration = Duration::from_millis(100);

/// One seeded row: (id, name, owner, expires_at, environment, labels JSON, disabled).
type Row = (String, String, String, String, &'static str, String, bool);

fn rows(n: usize, now: Timestamp) -> Vec<Row> {
    (0..n)
        .map(|i| {
            // Expiries spread from 30 days ago to 700 days ahead, one account per ~10 minutes.
            let offset = (i as i64 * 7919) % (730 * 144) - 30 * 144;
            let expires = now.checked_add(jiff::SignedDuration::from_mins(offset * 10)).unwrap();
            (
                format!("sa-{:08x}-0000-4000-8000-{:012x}", i, i),
                format!("account-{i:06}"),
                format!("team-{}@example.com", i % 1000),
                format_timestamp(expires),
                ["prod", "stage", "dev"][i % 3],
                format!(r#"{{"team":"team-{}","tier":"{}"}}"#, i % 50, i % 4),
                i % 20 == 0,
            )
        })
        .collect()
}

fn seed_sqlite(path: &std::path::Path, rows: &[Row], at: &str) {
    let mut conn = rusqlite::Connection::open(path).unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut stmt = tx
            .prepare(
                "INSERT INTO service_accounts (id, name, owner, purpose, expires_at, scopes, environment, labels,
                     disabled, created_at, updated_at, version)
                 VALUES (?1, ?2, ?3, 'Benchmark account', ?4, '[\"invoices:read\"]', ?5, ?6, ?7, ?8, ?8, 1)",
            )
            .unwrap();
        for (id, name, owner, expires, env, labels, disabled) in rows {
            stmt.execute(rusqlite::params![id, name, owner, expires, env, labels, disabled, at]).unwrap();
        }
    }
    tx.commit().unwrap();
    conn.execute_batch("ANALYZE").unwrap();
}

fn seed_postgres(url: &str, rows: &[Row], at: &str) {
    use std::io::Write;
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let mut copy = client
        .copy_in(
            "COPY service_accounts (id, name, owner, purpose, expires_at, scopes, environment, labels, disabled,
                 created_at, updated_at, version) FROM STDIN",
        )
        .unwrap();
    for (id, name, owner, expires, env, labels, disabled) in rows {
        writeln!(copy, "{id}\t{name}\t{owner}\tBenchmark account\t{expires}\t[\"invoices:read\"]\t{env}\t{labels}\t{disabled}\t{at}\t{at}\t1")
            .unwrap();
    }
    copy.finish().unwrap();
    client.batch_execute("ANALYZE service_accounts").unwrap();
}

fn queries(now: Timestamp) -> Vec<(&'static str, ServiceAccountFilter)> {
    let in_days = |d: i64| now.checked_add(jiff::SignedDuration::from_hours(24 * d)).unwrap();
    vec![
        ("by owner", ServiceAccountFilter { owner: Some("team-7@example.com".to_owned()), ..Default::default() }),
        (
            "expiring within 7d",
            ServiceAccountFilter { expiring_after: Some(now), expiring_before: Some(in_days(7)), ..Default::default() },
        ),
        ("expired", ServiceAccountFilter { expiring_before: Some(now), ..Default::default() }),
        (
            "prod + label + 30d",
            ServiceAccountFilter {
                environment: Some("prod".to_owned()),
                labels: BTreeMap::from([("team".to_owned(), "team-7".to_owned())]),
                expiring_after: Some(now),
                expiring_before: Some(in_days(30)),
                ..Default::default()
            },
        ),
        (
            "by label",
            ServiceAccountFilter {
                labels: BTreeMap::from([("team".to_owned(), "team-7".to_owned())]),
                ..Default::default()
            },
        ),
    ]
}

fn median(store: &dyn Store, filter: &ServiceAccountFilter) -> (Duration, usize) {
    let mut found = 0;
    for _ in 0..3 {
        found = store.list_service_accounts(filter).unwrap().len();
    }
    let mut times: Vec<Duration> = (0..15)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(store.list_service_accounts(filter).unwrap());
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[times.len() / 2], found)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn report(backend: &str, store: &dyn Store, drop_indexes: &dyn Fn(), now: Timestamp) {
    let queries = queries(now);
    let indexed: Vec<(Duration, usize)> = queries.iter().map(|(_, f)| median(store, f)).collect();
    drop_indexes();
    let scanned: Vec<(Duration, usize)> = queries.iter().map(|(_, f)| median(store, f)).collect();
    for (((name, _), (with, rows)), (without, rows_scanned)) in queries.iter().zip(&indexed).zip(&scanned) {
        assert_eq!(rows, rows_scanned, "{backend} {name}: the same rows with and without indexes");
        println!(
            "| {backend} | {name} | {rows} | {} | {} | {:.2} | {} |",
            ms(*with),
            ms(*without),
            with.as_secs_f64() / without.as_secs_f64(),
            if *with < TARGET { "< 100 ms ok" } else { "MISSED" }
        );
    }
}

fn main() {
    // `cargo test --benches` runs bench targets with --bench absent: do nothing then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let n: usize = std::env::var("BENCH_ACCOUNTS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let now = Timestamp::now();
    let at = format_timestamp(now);
    let data = rows(n, now);
    println!("{n} accounts; median of 15 runs through Store::list_service_accounts\n");
    println!("| backend | query | rows | indexed | full scan (baseline) | ratio | target |");
    println!("|---|---|--:|--:|--:|--:|:--|");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    let sqlite = SqliteStore::open_file(&path).unwrap();
    seed_sqlite(&path, &data, &at);
    let drop_sqlite = || {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("DROP INDEX service_accounts_owner; DROP INDEX service_accounts_expires_at;").unwrap();
    };
    report("SQLite", &sqlite, &drop_sqlite, now);

    let url = nhi_testkit::postgres::fresh_database("bench_inventory");
    let pg = PostgresStore::open(&url).unwrap();
    seed_postgres(&url, &data, &at);
    let drop_pg = || {
        let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        client
            .batch_execute(
                "DROP INDEX service_accounts_owner, service_accounts_expires_at, service_accounts_environment,
                     service_accounts_labels",
            )
            .unwrap();
    };
    report("PostgreSQL", &pg, &drop_pg, now);
}
