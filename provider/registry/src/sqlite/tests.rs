//! SQLite-specific tests: the contract on file and in-memory stores, migrations, and two
//! processes writing one file.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::*;
use crate::contract;
use crate::{Actor, RegistryError, ServiceAccountFilter};

fn temp_store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open_file(&dir.path().join("registry.db")).expect("open file store");
    (dir, store)
}

crate::contract_tests!(contract_file, super::temp_store());
crate::contract_tests!(contract_memory, ((), SqliteStore::open_in_memory().expect("open memory store")));

#[test]
fn run_all_drives_the_suite_through_open() {
    let dir = tempfile::tempdir().unwrap();
    let counter = std::sync::atomic::AtomicUsize::new(0);
    contract::run_all(&|| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        crate::open(&format!("sqlite://{}", dir.path().join(format!("r{n}.db")).display())).unwrap()
    });
    assert_eq!(counter.into_inner(), contract::CASES.len());
}

fn sample_spec(name: &str) -> ServiceAccountSpec {
    ServiceAccountSpec {
        name: name.to_owned(),
        owner: "o@example.com".to_owned(),
        purpose: "p".to_owned(),
        expires_at: "2027-01-01T00:00:00Z".parse().unwrap(),
        scopes: vec![],
        environment: None,
        labels: Default::default(),
        disabled: false,
    }
}

fn migration_rows(path: &Path) -> Vec<(i64, String)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn.prepare("SELECT version, applied_at FROM schema_migrations ORDER BY version").unwrap();
    stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

#[test]
fn a_new_file_gets_the_latest_schema() {
    let (dir, store) = temp_store();
    assert_eq!(store.schema_version().unwrap(), LATEST_SCHEMA_VERSION);
    let rows = migration_rows(&dir.path().join("registry.db"));
    let versions: Vec<i64> = rows.iter().map(|(v, _)| *v).collect();
    assert_eq!(versions, (1..=LATEST_SCHEMA_VERSION).collect::<Vec<_>>());
    for (_, applied_at) in rows {
        applied_at.parse::<Timestamp>().unwrap_or_else(|e| panic!("applied_at {applied_at:?}: {e}"));
    }
    let memory = SqliteStore::open_in_memory().unwrap();
    assert_eq!(memory.schema_version().unwrap(), LATEST_SCHEMA_VERSION);
}

#[test]
fn reopening_is_idempotent_and_keeps_data() {
    let (dir, store) = temp_store();
    let path = dir.path().join("registry.db");
    let change = Change { actor: Actor::default(), at: "2026-01-01T00:00:00Z".parse().unwrap() };
    let spec = sample_spec("kept");
    let created = store.create_service_account(&spec, &change).unwrap();
    let before = migration_rows(&path);
    drop(store);
    for _ in 0..2 {
        let store = SqliteStore::open_file(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), LATEST_SCHEMA_VERSION);
        assert_eq!(store.get_service_account(&created.id).unwrap(), Some(created.clone()));
    }
    assert_eq!(migration_rows(&path), before, "reopening applies nothing again");
}

#[test]
fn a_newer_schema_is_refused() {
    let (dir, store) = temp_store();
    drop(store);
    let path = dir.path().join("registry.db");
    let future = LATEST_SCHEMA_VERSION + 7;
    Connection::open(&path)
        .unwrap()
        .execute("INSERT INTO schema_migrations (version, applied_at) VALUES (?1, '2030-01-01T00:00:00Z')", [future])
        .unwrap();
    match SqliteStore::open_file(&path) {
        Err(RegistryError::SchemaTooNew { location, found, supported }) => {
            assert_eq!(found, future);
            assert_eq!(supported, LATEST_SCHEMA_VERSION);
            assert!(location.ends_with("registry.db"), "{location}");
        }
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
    let err = crate::open(&format!("sqlite://{}", path.display())).unwrap_err().to_string();
    assert!(err.contains(&format!("schema version {future}, newer than this build")), "{err}");
    assert!(err.contains("upgrade nhi"), "{err}");
}

#[test]
fn connections_are_configured_for_concurrency() {
    let (_dir, store) = temp_store();
    let settings = store
        .with_conn(|conn| {
            let get = |pragma: &str| -> rusqlite::Result<String> {
                conn.query_row(&format!("PRAGMA {pragma}"), [], |row| row.get::<_, rusqlite::types::Value>(0)).map(
                    |v| match v {
                        rusqlite::types::Value::Integer(i) => i.to_string(),
                        rusqlite::types::Value::Text(t) => t,
                        other => format!("{other:?}"),
                    },
                )
            };
            Ok(["journal_mode", "busy_timeout", "synchronous", "foreign_keys"].map(|p| get(p).unwrap()))
        })
        .unwrap();
    // synchronous: 1 = NORMAL.
    assert_eq!(settings, ["wal", "30000", "1", "1"].map(String::from));
}

#[test]
fn open_creates_the_file_from_an_absolute_url() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a").join("b")).unwrap();
    let path = dir.path().join("a").join("b").join("r.db");
    let url = format!("sqlite://{}", path.display());
    assert!(url.starts_with("sqlite:///"));
    let store = crate::open(&url).unwrap();
    assert!(path.exists());
    assert!(format!("{store:?}").contains("r.db"));
    assert!(store.list_service_accounts(&ServiceAccountFilter::default()).unwrap().is_empty());
}

#[test]
fn open_reports_an_unusable_path() {
    let dir = tempfile::tempdir().unwrap();
    match SqliteStore::open_file(dir.path()) {
        Err(RegistryError::Open { location, reason }) => {
            assert_eq!(location, dir.path().display().to_string());
            assert!(!reason.is_empty());
        }
        other => panic!("expected Open error for a directory, got {other:?}"),
    }
}

#[test]
fn in_memory_stores_are_private() {
    let a = crate::open("sqlite::memory:").unwrap();
    let b = crate::open("sqlite::memory:").unwrap();
    let change = Change { actor: Actor::default(), at: "2026-01-01T00:00:00Z".parse().unwrap() };
    let spec = sample_spec("only-in-a");
    a.create_service_account(&spec, &change).unwrap();
    assert!(a.find_service_account_by_name("only-in-a").unwrap().is_some());
    assert!(b.find_service_account_by_name("only-in-a").unwrap().is_none());
}

// ---- two processes, one file ----------------------------------------------------------------

/// Set in the child process: the directory holding the shared registry and the handshake files.
const CHILD_ENV: &str = "NHI_REGISTRY_TEST_CHILD_DIR";
const WRITES_PER_PROCESS: usize = 150;

fn wait_for(path: &Path) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !path.exists() {
        assert!(Instant::now() < deadline, "timed out waiting for {}", path.display());
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Opens the shared file (both processes at once, so first-open migration races too) and
/// creates, then updates, `WRITES_PER_PROCESS` accounts named `{who}-NNN`. After its first
/// create it waits for the other process's first create, so both are certainly writing at once.
fn write_batch(dir: &Path, who: &str, other: &str) {
    let store = crate::open(&format!("sqlite://{}", dir.join("shared.db").display())).expect("open shared file");
    let change = Change {
        actor: Actor { client: format!("test-{who}"), terraform_version: None, operation: "apply".to_owned() },
        at: "2026-01-01T00:00:00Z".parse().unwrap(),
    };
    for i in 0..WRITES_PER_PROCESS {
        let mut spec = ServiceAccountSpec {
            name: format!("{who}-{i:03}"),
            owner: format!("{who}@example.com"),
            purpose: "concurrency test".to_owned(),
            expires_at: "2027-01-01T00:00:00Z".parse().unwrap(),
            scopes: vec!["a:read".to_owned()],
            environment: None,
            labels: Default::default(),
            disabled: false,
        };
        let created = store.create_service_account(&spec, &change).expect("create in shared file");
        if i == 0 {
            let deadline = Instant::now() + Duration::from_secs(120);
            while store.find_service_account_by_name(&format!("{other}-000")).unwrap().is_none() {
                assert!(Instant::now() < deadline, "{who} timed out waiting for {other} to write");
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        spec.labels.insert("updated".to_owned(), "yes".to_owned());
        store.update_service_account(&created.id, &spec, &change).expect("update in shared file");
    }
}

#[test]
fn two_processes_write_one_file() {
    if let Some(dir) = std::env::var_os(CHILD_ENV) {
        let dir = PathBuf::from(dir);
        std::fs::write(dir.join("child-ready"), b"").unwrap();
        wait_for(&dir.join("go"));
        write_batch(&dir, "child", "parent");
        return;
    }

    let dir = tempfile::tempdir().unwrap();
    let module = module_path!().split_once("::").map_or("", |(_, rest)| rest);
    let test_name = format!("{module}::two_processes_write_one_file");
    let child = Command::new(std::env::current_exe().unwrap())
        .args([test_name.as_str(), "--exact", "--test-threads=1", "--nocapture"])
        .env(CHILD_ENV, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the test binary as the child");
    wait_for(&dir.path().join("child-ready"));
    std::fs::write(dir.path().join("go"), b"").unwrap();
    write_batch(dir.path(), "parent", "child");
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "the child ran the test:\n{stdout}");

    let store = SqliteStore::open_file(&dir.path().join("shared.db")).unwrap();
    let all = store.list_service_accounts(&ServiceAccountFilter::default()).unwrap();
    assert_eq!(all.len(), 2 * WRITES_PER_PROCESS);
    for who in ["child", "parent"] {
        for i in 0..WRITES_PER_PROCESS {
            let account = store.find_service_account_by_name(&format!("{who}-{i:03}")).unwrap().expect("account");
            assert_eq!(account.spec.labels.get("updated").map(String::as_str), Some("yes"));
        }
    }
    let events = store.events(0, usize::MAX).unwrap();
    assert_eq!(events.len(), 4 * WRITES_PER_PROCESS);
    assert!(events.windows(2).all(|w| w[0].seq < w[1].seq));
    // The handshake guarantees at least two hand-overs of the write lock between the processes.
    let switches = events.windows(2).filter(|w| w[0].actor.client != w[1].actor.client).count();
    assert!(switches >= 2, "the two processes' writes interleave ({switches} switches)");
    for who in ["child", "parent"] {
        let client = format!("test-{who}");
        assert_eq!(events.iter().filter(|e| e.actor.client == client).count(), 2 * WRITES_PER_PROCESS);
    }
    assert_eq!(store.schema_version().unwrap(), LATEST_SCHEMA_VERSION);
}

#[test]
fn a_missing_directory_is_an_error_and_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo").join("registry.db");
    for url in [format!("sqlite://{}", path.display())] {
        for result in [crate::open(&url).map(|_| ()), crate::open_deferred(&url).map(|_| ())] {
            let err = result.expect_err("a missing directory is refused").to_string();
            assert!(err.contains("does not exist") && err.contains("typo"), "{err}");
        }
    }
    assert!(!dir.path().join("typo").exists(), "the directory was created");
}

#[test]
fn the_registry_and_its_wal_files_are_private_to_their_owner() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, store) = temp_store();
    let change = Change { actor: Actor::default(), at: "2026-01-01T00:00:00Z".parse().unwrap() };
    store.create_service_account(&sample_spec("private"), &change).unwrap();
    for name in ["registry.db", "registry.db-wal", "registry.db-shm"] {
        let mode =
            std::fs::metadata(dir.path().join(name)).unwrap_or_else(|e| panic!("{name}: {e}")).permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{name} has mode {:o}", mode & 0o777);
    }
}

#[test]
fn a_deferred_registry_reads_as_empty_and_appears_on_the_first_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.db");
    let store = crate::open_deferred(&format!("sqlite://{}", path.display())).unwrap();
    assert!(!store.exists().unwrap(), "a registry that was never written does not exist");
    assert!(store.find_service_account_by_name("x").unwrap().is_none());
    assert!(store.get_service_account("sa-x").unwrap().is_none());
    assert!(store.list_service_accounts(&ServiceAccountFilter::default()).unwrap().is_empty());
    assert!(store.events(0, 10).unwrap().is_empty());
    assert!(
        !store
            .delete_service_account(
                "sa-x",
                &Change { actor: Actor::default(), at: "2026-01-01T00:00:00Z".parse().unwrap() }
            )
            .unwrap()
    );
    assert!(!path.exists(), "a read created the registry");
    let change = Change { actor: Actor::default(), at: "2026-01-01T00:00:00Z".parse().unwrap() };
    let made = store.create_service_account(&sample_spec("first"), &change).unwrap();
    assert!(path.is_file());
    assert!(store.exists().unwrap());
    assert_eq!(store.get_service_account(&made.id).unwrap().unwrap().spec.name, "first");
    // Another handle opened before the file existed finds it once it does.
    let other = crate::open_deferred(&format!("sqlite://{}", dir.path().join("late.db").display())).unwrap();
    SqliteStore::open_file(&dir.path().join("late.db"))
        .unwrap()
        .create_service_account(&sample_spec("late"), &change)
        .unwrap();
    assert!(other.exists().unwrap(), "a registry created by another process is seen");
    assert!(other.find_service_account_by_name("late").unwrap().is_some());
    // Registries opened directly exist from the start.
    assert!(crate::open(&format!("sqlite://{}", dir.path().join("eager.db").display())).unwrap().exists().unwrap());
}
