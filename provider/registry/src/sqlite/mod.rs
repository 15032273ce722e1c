//! The embedded SQLite backend.
//!
//! Concurrency: the file is in WAL mode, so readers never wait for writers. Every write is one
//! `BEGIN IMMEDIATE` transaction, which takes the database's single write lock up front; with a
//! 30 s busy timeout, concurrent writers, in this process or another, queue for that lock instead
//! of failing with "database is locked", and a transaction that reads a row and then writes it
//! cannot interleave with another writer (no lost updates). Connections are kept in a small pool;
//! a call takes one, or opens a new one when all are busy, and gives it back afterwards.

mod migrations;
#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use nhi_core::{Clock, SystemClock, Timestamp};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, Row, Transaction, TransactionBehavior};

pub use migrations::LATEST_SCHEMA_VERSION;

use crate::pool::{Pool, lock};
use crate::rows::{
    ACCOUNT_COLUMNS, Dialect, RawAccount, conflict, encode_collections, event_query, list_conditions, parse_event_at,
};
use crate::sql::{Access, Cell, Param, Sql, SqlRow, sqlite_placeholders};
use crate::{
    Actor, AuditEvent, Change, EventFilter, RegistryError, ServiceAccount, ServiceAccountFilter, ServiceAccountSpec,
    Store, actions, format_timestamp, new_service_account_id,
};

/// How long a call waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// Idle connections kept for reuse; more are opened on demand and closed after use.
const MAX_IDLE: usize = 8;

/// A registry in one SQLite file (or in memory, for tests).
pub struct SqliteStore {
    location: String,
    conns: Conns,
}

enum Conns {
    /// One private in-memory database lives and dies with its only connection.
    Memory(Mutex<Connection>),
    File {
        path: PathBuf,
        pool: Pool<Connection>,
    },
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore").field("location", &self.location).finish_non_exhaustive()
    }
}

fn storage(e: rusqlite::Error) -> RegistryError {
    RegistryError::Storage(e.to_string())
}

impl SqliteStore {
    /// Opens (creating if needed) the registry file at `path`, relative to the current directory
    /// unless absolute, and applies pending migrations. Its directory must exist: a mistyped
    /// path is an error, never a new directory tree. A new file is readable by its owner only
    /// (0600), and so are the WAL and shared-memory files SQLite derives from it.
    pub fn open_file(path: &Path) -> Result<Self, RegistryError> {
        let shown = path.display().to_string();
        let open_error = |reason: String| RegistryError::Open { location: shown.clone(), reason };
        // Later connections of the pool must find the same file even if the working directory changes.
        let path = std::path::absolute(path).map_err(|e| open_error(e.to_string()))?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            return Err(open_error(crate::missing_directory(parent)));
        }
        create_private(&path).map_err(|e| open_error(format!("cannot create the registry file: {e}")))?;
        let location = path.display().to_string();
        let mut conn = open_connection(&path).map_err(|e| open_error(e.to_string()))?;
        let mode = enable_wal(&conn).map_err(|e| open_error(format!("cannot switch to WAL mode: {e}")))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(open_error(format!("cannot switch to WAL mode (journal mode is {mode})")));
        }
        migrations::migrate(&mut conn, &location, SystemClock.now())?;
        Ok(Self { location, conns: Conns::File { path, pool: Pool::new(conn, MAX_IDLE) } })
    }

    /// Opens a new, private, in-memory registry (for tests).
    pub fn open_in_memory() -> Result<Self, RegistryError> {
        let location = "sqlite::memory:".to_owned();
        let open_error = |e: rusqlite::Error| RegistryError::Open { location: location.clone(), reason: e.to_string() };
        let mut conn = Connection::open_in_memory().map_err(open_error)?;
        configure(&conn).map_err(open_error)?;
        migrations::migrate(&mut conn, &location, SystemClock.now())?;
        Ok(Self { location, conns: Conns::Memory(Mutex::new(conn)) })
    }

    /// The absolute file path, or `sqlite::memory:`.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The schema version recorded in `schema_migrations`.
    pub fn schema_version(&self) -> Result<i64, RegistryError> {
        self.with_conn(|conn| {
            conn.query_row("SELECT coalesce(max(version), 0) FROM schema_migrations", [], |row| row.get(0))
                .map_err(storage)
        })
    }

    fn with_conn<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T, RegistryError>) -> Result<T, RegistryError> {
        match &self.conns {
            Conns::Memory(conn) => f(&mut lock(conn)),
            Conns::File { path, pool } => pool.with(|| open_connection(path).map_err(storage), |_| true, f),
        }
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction and commits it when `f` succeeds.
    fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T, RegistryError>) -> Result<T, RegistryError> {
        self.with_conn(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(storage)?;
            let out = f(&tx)?;
            tx.commit().map_err(storage)?;
            Ok(out)
        })
    }
}

/// Creates an empty file readable and writable by its owner only, unless one exists. SQLite
/// gives the `-wal` and `-shm` files the database file's permissions.
fn create_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

fn open_connection(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    configure(&conn)?;
    Ok(conn)
}

/// Switches the file to WAL mode (a no-op once it is). SQLite answers "database is locked" to
/// this pragma without consulting the busy handler while another process holds a lock, for
/// example while it migrates a new file, so wait and retry here, within the same time limit.
fn enable_wal(conn: &Connection) -> rusqlite::Result<String> {
    let deadline = Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0)) {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
                    && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            other => return other,
        }
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

fn raw_account(row: &Row<'_>) -> rusqlite::Result<RawAccount> {
    Ok(RawAccount {
        id: row.get(0)?,
        name: row.get(1)?,
        owner: row.get(2)?,
        purpose: row.get(3)?,
        expires_at: row.get(4)?,
        scopes: row.get(5)?,
        environment: row.get(6)?,
        labels: row.get(7)?,
        disabled: row.get(8)?,
        created_at: row.get(9)?,
        updated_at: row.get(10)?,
        version: row.get(11)?,
    })
}

fn account_where(conn: &Connection, column: &str, value: &str) -> Result<Option<ServiceAccount>, RegistryError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM service_accounts WHERE {column} = ?1");
    let raw = conn.prepare_cached(&sql).map_err(storage)?.query_row([value], raw_account).optional();
    raw.map_err(storage)?.map(RawAccount::parse).transpose()
}

fn id_of_name(conn: &Connection, name: &str) -> Result<Option<String>, RegistryError> {
    conn.prepare_cached("SELECT id FROM service_accounts WHERE name = ?1")
        .map_err(storage)?
        .query_row([name], |row| row.get(0))
        .optional()
        .map_err(storage)
}

/// Who wrote the last audit event about `id`.
fn last_writer(conn: &Connection, id: &str) -> Result<Option<Actor>, RegistryError> {
    conn.prepare_cached(
        "SELECT client, terraform_version, operation FROM audit_events WHERE subject_id = ?1 ORDER BY seq DESC LIMIT 1",
    )
    .map_err(storage)?
    .query_row([id], |row| Ok(Actor { client: row.get(0)?, terraform_version: row.get(1)?, operation: row.get(2)? }))
    .optional()
    .map_err(storage)
}

/// Runs an INSERT or UPDATE of a service account whose parameters are ?1 id, ?2..?9 the spec
/// fields in column order and ?10 the time of the change.
fn write_account(
    tx: &Transaction<'_>,
    sql: &str,
    id: &str,
    spec: &ServiceAccountSpec,
    at: Timestamp,
) -> Result<(), RegistryError> {
    let (scopes, labels) = encode_collections(spec)?;
    tx.prepare_cached(sql)
        .map_err(storage)?
        .execute(rusqlite::params![
            id,
            spec.name,
            spec.owner,
            spec.purpose,
            format_timestamp(spec.expires_at),
            scopes,
            spec.environment,
            labels,
            spec.disabled,
            format_timestamp(at),
        ])
        .map_err(storage)?;
    Ok(())
}

fn insert_event(
    tx: &Connection,
    change: &Change,
    action: &str,
    subject_id: &str,
    subject_name: &str,
    details: &serde_json::Value,
) -> Result<(), RegistryError> {
    tx.prepare_cached(
        "INSERT INTO audit_events (at, client, terraform_version, operation, action, subject_id, subject_name, details)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .map_err(storage)?
    .execute((
        format_timestamp(change.at),
        &change.actor.client,
        &change.actor.terraform_version,
        &change.actor.operation,
        action,
        subject_id,
        subject_name,
        details.to_string(),
    ))
    .map_err(storage)?;
    Ok(())
}

/// The credential code's view of a SQLite connection or transaction.
struct SqliteSql<'a>(&'a Connection);

fn sqlite_value(p: &Param<'_>) -> rusqlite::types::Value {
    use rusqlite::types::Value;
    match *p {
        Param::Text(s) => Value::Text(s.to_owned()),
        Param::OptText(Some(s)) => Value::Text(s.to_owned()),
        Param::OptText(None) => Value::Null,
        Param::Int(n) => Value::Integer(n),
        Param::Blob(b) => Value::Blob(b.to_vec()),
    }
}

impl Sql for SqliteSql<'_> {
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, RegistryError> {
        let mut stmt = self.0.prepare_cached(&sqlite_placeholders(sql)).map_err(storage)?;
        let n = stmt.execute(rusqlite::params_from_iter(params.iter().map(sqlite_value))).map_err(storage)?;
        Ok(n as u64)
    }

    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<SqlRow>, RegistryError> {
        use rusqlite::types::ValueRef;
        let mut stmt = self.0.prepare_cached(&sqlite_placeholders(sql)).map_err(storage)?;
        let columns = stmt.column_count();
        let rows = stmt
            .query_map(rusqlite::params_from_iter(params.iter().map(sqlite_value)), |row| {
                (0..columns)
                    .map(|i| {
                        Ok(match row.get_ref(i)? {
                            ValueRef::Null => Cell::Null,
                            ValueRef::Integer(n) => Cell::Int(n),
                            ValueRef::Real(f) => Cell::Int(f as i64),
                            ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
                            ValueRef::Blob(b) => Cell::Blob(b.to_vec()),
                        })
                    })
                    .collect::<rusqlite::Result<Vec<Cell>>>()
                    .map(SqlRow)
            })
            .map_err(storage)?;
        rows.map(|r| r.map_err(storage)).collect()
    }

    fn lock(&mut self, _key: i64) -> Result<(), RegistryError> {
        Ok(()) // a write transaction (BEGIN IMMEDIATE) holds the file's only write lock
    }

    fn event(
        &mut self,
        change: &Change,
        action: &str,
        subject_id: &str,
        subject_name: &str,
        details: &serde_json::Value,
    ) -> Result<(), RegistryError> {
        insert_event(self.0, change, action, subject_id, subject_name, details)
    }
}

impl Store for SqliteStore {
    fn with_sql(
        &self,
        access: Access,
        f: &mut dyn FnMut(&mut dyn Sql) -> Result<(), RegistryError>,
    ) -> Result<(), RegistryError> {
        match access {
            Access::Write => self.write(|tx| f(&mut SqliteSql(tx))),
            Access::Read => self.with_conn(|conn| f(&mut SqliteSql(conn))),
        }
    }

    fn create_service_account(
        &self,
        spec: &ServiceAccountSpec,
        change: &Change,
    ) -> Result<ServiceAccount, RegistryError> {
        self.write(|tx| {
            if let Some(id) = id_of_name(tx, &spec.name)? {
                return Err(RegistryError::NameTaken { name: spec.name.clone(), id });
            }
            let id = new_service_account_id();
            write_account(
                tx,
                &format!(
                    "INSERT INTO service_accounts ({ACCOUNT_COLUMNS})
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, 1)"
                ),
                &id,
                spec,
                change.at,
            )?;
            insert_event(tx, change, actions::SERVICE_ACCOUNT_CREATE, &id, &spec.name, &serde_json::json!({}))?;
            Ok(ServiceAccount { id, spec: spec.clone(), created_at: change.at, updated_at: change.at, version: 1 })
        })
    }

    fn get_service_account(&self, id: &str) -> Result<Option<ServiceAccount>, RegistryError> {
        self.with_conn(|conn| account_where(conn, "id", id))
    }

    fn find_service_account_by_name(&self, name: &str) -> Result<Option<ServiceAccount>, RegistryError> {
        self.with_conn(|conn| account_where(conn, "name", name))
    }

    fn update_service_account_at(
        &self,
        id: &str,
        expected_version: Option<i64>,
        spec: &ServiceAccountSpec,
        change: &Change,
    ) -> Result<ServiceAccount, RegistryError> {
        self.write(|tx| {
            let current = account_where(tx, "id", id)?.ok_or_else(|| RegistryError::NotFound { id: id.to_owned() })?;
            if let Some(expected) = expected_version.filter(|v| *v != current.version) {
                return Err(conflict(&current, expected, last_writer(tx, id)?));
            }
            if spec.name != current.spec.name
                && let Some(other) = id_of_name(tx, &spec.name)?
            {
                return Err(RegistryError::NameTaken { name: spec.name.clone(), id: other });
            }
            write_account(
                tx,
                "UPDATE service_accounts SET name = ?2, owner = ?3, purpose = ?4, expires_at = ?5, scopes = ?6,
                     environment = ?7, labels = ?8, disabled = ?9, updated_at = ?10, version = version + 1
                 WHERE id = ?1",
                id,
                spec,
                change.at,
            )?;
            let details = serde_json::json!({ "changed": current.spec.changed_fields(spec) });
            insert_event(tx, change, actions::SERVICE_ACCOUNT_UPDATE, id, &spec.name, &details)?;
            Ok(current.updated(spec, change.at))
        })
    }

    fn delete_service_account(&self, id: &str, change: &Change) -> Result<bool, RegistryError> {
        self.write(|tx| {
            let name: Option<String> = tx
                .prepare_cached("DELETE FROM service_accounts WHERE id = ?1 RETURNING name")
                .map_err(storage)?
                .query_row([id], |row| row.get(0))
                .optional()
                .map_err(storage)?;
            let Some(name) = name else { return Ok(false) };
            insert_event(tx, change, actions::SERVICE_ACCOUNT_DELETE, id, &name, &serde_json::json!({}))?;
            Ok(true)
        })
    }

    fn list_service_accounts(&self, filter: &ServiceAccountFilter) -> Result<Vec<ServiceAccount>, RegistryError> {
        let mut sql = format!("SELECT {ACCOUNT_COLUMNS} FROM service_accounts WHERE 1 = 1");
        let (conditions, params) = list_conditions(filter, Dialect::Sqlite);
        sql.push_str(&conditions);
        self.with_conn(|conn| {
            let mut stmt = conn.prepare_cached(&sql).map_err(storage)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(&params), raw_account).map_err(storage)?;
            rows.map(|raw| raw.map_err(storage)?.parse()).collect()
        })
    }

    fn events_matching(&self, filter: &EventFilter) -> Result<Vec<AuditEvent>, RegistryError> {
        let limit = i64::try_from(filter.limit).unwrap_or(i64::MAX);
        let (sql, texts) = event_query(filter, Dialect::Sqlite);
        let mut params: Vec<rusqlite::types::Value> = vec![filter.after_seq.into(), limit.into()];
        params.extend(texts.into_iter().map(rusqlite::types::Value::from));
        self.with_conn(|conn| {
            let mut stmt = conn.prepare_cached(&sql).map_err(storage)?;
            let rows = stmt
                .query_map(rusqlite::params_from_iter(params), |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, String>(1)?,
                        crate::Actor { client: row.get(2)?, terraform_version: row.get(3)?, operation: row.get(4)? },
                        row.get::<_, String>(5)?,
                        row.get::<_, String>(6)?,
                        row.get::<_, String>(7)?,
                        row.get::<_, String>(8)?,
                    ))
                })
                .map_err(storage)?;
            rows.map(|row| {
                let (seq, at, actor, action, subject_id, subject_name, details) = row.map_err(storage)?;
                let at = parse_event_at(seq, &at)?;
                Ok(AuditEvent { seq, at, actor, action, subject_id, subject_name, details })
            })
            .collect()
        })
    }
}
