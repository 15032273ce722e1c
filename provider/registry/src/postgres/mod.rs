//! The shared PostgreSQL backend.
//!
//! Concurrency: every write is one transaction at READ COMMITTED. An update locks its row
//! (`SELECT … FOR UPDATE`) before comparing versions and writing, so concurrent writers of one
//! account queue instead of overwriting each other; names are unique by constraint, and a
//! create that races another for a name gets [`RegistryError::NameTaken`], never a twin. Audit
//! events take a transaction-level advisory lock just before they are inserted, so their `seq`
//! values become visible in order: a reader paging with `events(after_seq, …)` never skips an
//! event committed late with a lower number. Connections are pooled like SQLite's.

mod migrations;
#[cfg(test)]
mod tests;
mod tls;

use std::fmt;
use std::time::Duration;

use nhi_core::{Clock, SystemClock};
use postgres::error::SqlState;
use postgres::{Client, GenericClient, Row, Transaction};

use crate::pool::Pool;
use crate::rows::{
    ACCOUNT_COLUMNS, Dialect, RawAccount, conflict, encode_collections, event_query, list_conditions, parse_event_at,
};
use crate::sql::{self, Access, Cell, Sql, SqlRow};
use crate::{
    Actor, AuditEvent, Change, EventFilter, RegistryError, ServiceAccount, ServiceAccountFilter, ServiceAccountSpec,
    Store, actions, format_timestamp, new_service_account_id,
};

pub(crate) use tls::SslMode;

const MAX_IDLE: usize = 8;
/// Used when the URL sets no `connect_timeout`.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a connection that just failed gets to answer an empty query before it counts as dead.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);
/// Key of the advisory lock that orders audit event inserts ("nhi" + 2).
const EVENTS_LOCK: i64 = 0x6e68_6902;

/// A registry in a PostgreSQL database.
pub struct PostgresStore {
    /// The URL with its password redacted.
    location: String,
    connect: Connect,
    pool: Pool<Client>,
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore").field("location", &self.location).finish_non_exhaustive()
    }
}

impl Drop for PostgresStore {
    /// The driver's blocking client closes its connection by running a runtime of its own, which
    /// panics on a thread that already drives one, such as the provider's while it shuts down.
    /// So the idle connections are closed on a thread of their own.
    fn drop(&mut self) {
        let pool = &self.pool;
        let closed = std::thread::scope(|s| std::thread::Builder::new().spawn_scoped(s, || pool.clear()).is_ok());
        if !closed {
            // No thread to close them on: leave the sockets to the operating system.
            std::mem::forget(pool.take());
        }
    }
}

/// How to open a connection: the driver's configuration (which holds the password, so this
/// type has no `Debug`) and the TLS client, if any.
struct Connect {
    config: postgres::Config,
    tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
}

impl Connect {
    fn parse(url: &str) -> Result<Self, String> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut mode = SslMode::Prefer;
        let mut root_cert = None;
        let mut passed = Vec::new();
        for param in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = param.split_once('=').unwrap_or((param, ""));
            match key {
                "sslmode" => mode = SslMode::parse(&percent_decode(value)?)?,
                "sslrootcert" => root_cert = Some(percent_decode(value)?),
                _ => passed.push(param),
            }
        }
        let driver_url = if passed.is_empty() { base.to_owned() } else { format!("{base}?{}", passed.join("&")) };
        // The driver's own parse errors never quote the password.
        let mut config: postgres::Config = driver_url.parse().map_err(|e: postgres::Error| describe(&e))?;
        config.ssl_mode(mode.wire());
        // As libpq does: a password kept out of the URL (and so out of Terraform files).
        if config.get_password().is_none()
            && let Some(password) = std::env::var_os("PGPASSWORD").filter(|p| !p.is_empty())
        {
            config.password(password.as_encoded_bytes());
        }
        if config.get_application_name().is_none() {
            config.application_name("nhi");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let tls = tls::client_config(mode, root_cert.as_deref())?.map(tokio_postgres_rustls::MakeRustlsConnect::new);
        Ok(Self { config, tls })
    }

    fn open(&self) -> Result<Client, postgres::Error> {
        match &self.tls {
            Some(tls) => self.config.connect(tls.clone()),
            None => self.config.connect(postgres::NoTls),
        }
    }
}

/// Decodes `%XX` escapes in a URL query value.
fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
            out.push(hex.ok_or_else(|| format!("bad percent escape in {text:?}"))?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("{text:?} is not UTF-8 once decoded"))
}

fn storage(e: postgres::Error) -> RegistryError {
    RegistryError::Storage(describe(&e))
}

/// The driver's error with its causes ("error connecting to server: Connection refused"); the
/// driver never puts the password in either.
fn describe(e: &postgres::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?…]`, with
    /// libpq's `sslmode` and `sslrootcert` honoured, and `PGPASSWORD` used when the URL has no
    /// password) and applies pending migrations.
    pub fn open(url: &str) -> Result<Self, RegistryError> {
        let location = crate::redact_url(url);
        let open_error = |reason: String| RegistryError::Open { location: location.clone(), reason };
        let connect = Connect::parse(url).map_err(open_error)?;
        let mut client = connect.open().map_err(|e| open_error(describe(&e)))?;
        migrations::migrate(&mut client, &location, &format_timestamp(SystemClock.now()))?;
        Ok(Self { location, connect, pool: Pool::new(client, MAX_IDLE) })
    }

    /// The URL, password redacted.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Runs a read on a pooled connection (see [`PostgresStore::run`]; reads are always safe
    /// to run again).
    fn with_client<T>(&self, f: impl FnMut(&mut Client) -> Result<T, RegistryError>) -> Result<T, RegistryError> {
        self.run(f, || true)
    }

    /// Runs `f` on a pooled connection. An idle pooled connection may have died (a server
    /// restart, a failover, an administrator ending it), which shows only when it is used: when
    /// `f` fails on a connection that is closed afterwards and `unsent()` says nothing can have
    /// been written, the idle connections are dropped and `f` runs once more on a new one.
    fn run<T>(
        &self,
        mut f: impl FnMut(&mut Client) -> Result<T, RegistryError>,
        unsent: impl Fn() -> bool,
    ) -> Result<T, RegistryError> {
        let open = || self.connect.open().map_err(storage);
        let mut closed = false;
        let failed = std::cell::Cell::new(false);
        let first = self.pool.with(
            open,
            |c| {
                // The server may end a connection (`FATAL: terminating connection`) before the
                // driver notices it is closed: after a failure, ask the connection itself.
                closed = c.is_closed() || (failed.get() && c.is_valid(PROBE_TIMEOUT).is_err());
                !closed
            },
            |c| {
                let out = f(c);
                failed.set(out.is_err());
                out
            },
        );
        match first {
            Err(_) if closed && unsent() => {
                self.pool.clear();
                self.pool.with(open, |c| !c.is_closed(), f)
            }
            other => other,
        }
    }

    /// Runs `f` in one transaction and commits it when `f` succeeds (dropping it rolls back).
    /// Retried on a new connection only when the connection was found closed at BEGIN.
    fn write<T>(
        &self,
        mut f: impl FnMut(&mut Transaction<'_>) -> Result<T, RegistryError>,
    ) -> Result<T, RegistryError> {
        let began = std::cell::Cell::new(false);
        self.run(
            |client| {
                let mut tx = client.transaction().map_err(storage)?;
                began.set(true);
                let out = f(&mut tx)?;
                tx.commit().map_err(storage)?;
                Ok(out)
            },
            || !began.get(),
        )
    }
}

fn raw_account(row: &Row) -> RawAccount {
    RawAccount {
        id: row.get(0),
        name: row.get(1),
        owner: row.get(2),
        purpose: row.get(3),
        expires_at: row.get(4),
        scopes: row.get(5),
        environment: row.get(6),
        labels: row.get(7),
        disabled: row.get(8),
        created_at: row.get(9),
        updated_at: row.get(10),
        version: row.get(11),
    }
}

/// The columns selected for an account; `labels` is jsonb and read back as its text.
fn select_accounts() -> String {
    format!("SELECT {} FROM service_accounts", ACCOUNT_COLUMNS.replace("labels", "labels::text"))
}

fn account_where(
    client: &mut impl GenericClient,
    column: &str,
    value: &str,
    lock: bool,
) -> Result<Option<ServiceAccount>, RegistryError> {
    let sql = format!("{} WHERE {column} = $1{}", select_accounts(), if lock { " FOR UPDATE" } else { "" });
    let row = client.query_opt(&sql, &[&value]).map_err(storage)?;
    row.map(|row| raw_account(&row).parse()).transpose()
}

fn id_of_name(client: &mut impl GenericClient, name: &str) -> Result<Option<String>, RegistryError> {
    let row = client.query_opt("SELECT id FROM service_accounts WHERE name = $1", &[&name]).map_err(storage)?;
    Ok(row.map(|r| r.get(0)))
}

fn last_writer(client: &mut impl GenericClient, id: &str) -> Result<Option<Actor>, RegistryError> {
    let row = client
        .query_opt(
            "SELECT client, terraform_version, operation FROM audit_events WHERE subject_id = $1
             ORDER BY seq DESC LIMIT 1",
            &[&id],
        )
        .map_err(storage)?;
    Ok(row.map(|r| Actor { client: r.get(0), terraform_version: r.get(1), operation: r.get(2) }))
}

/// A spec's columns that are stored in another form than the spec holds them.
struct Encoded {
    expires_at: String,
    scopes: String,
    labels: String,
}

impl Encoded {
    fn of(spec: &ServiceAccountSpec) -> Result<Self, RegistryError> {
        let (scopes, labels) = encode_collections(spec)?;
        Ok(Self { expires_at: format_timestamp(spec.expires_at), scopes, labels })
    }
}

type Param<'a> = &'a (dyn postgres::types::ToSql + Sync);

/// Parameters $1..$10 of an account INSERT or UPDATE: the id, the spec's fields in column
/// order, then the time of the change.
fn account_params<'a>(
    id: &'a &'a str,
    spec: &'a ServiceAccountSpec,
    columns: &'a Encoded,
    at: &'a String,
) -> [Param<'a>; 10] {
    [
        id,
        &spec.name,
        &spec.owner,
        &spec.purpose,
        &columns.expires_at,
        &columns.scopes,
        &spec.environment,
        &columns.labels,
        &spec.disabled,
        at,
    ]
}

fn insert_event(
    tx: &mut Transaction<'_>,
    change: &Change,
    action: &str,
    subject_id: &str,
    subject_name: &str,
    details: &serde_json::Value,
) -> Result<(), RegistryError> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&EVENTS_LOCK]).map_err(storage)?;
    tx.execute(
        "INSERT INTO audit_events (at, client, terraform_version, operation, action, subject_id, subject_name, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            &format_timestamp(change.at),
            &change.actor.client,
            &change.actor.terraform_version,
            &change.actor.operation,
            &action,
            &subject_id,
            &subject_name,
            &details.to_string(),
        ],
    )
    .map_err(storage)?;
    Ok(())
}

/// The credential code's view of a PostgreSQL transaction, or of a connection for reads.
enum PgSql<'a, 'b> {
    Tx(&'a mut Transaction<'b>),
    Client(&'a mut Client),
}

fn pg_refs<'a>(params: &'a [sql::Param<'a>]) -> Vec<&'a (dyn postgres::types::ToSql + Sync)> {
    params
        .iter()
        .map(|p| -> &'a (dyn postgres::types::ToSql + Sync) {
            match p {
                sql::Param::Text(s) => s,
                sql::Param::OptText(o) => o,
                sql::Param::Int(n) => n,
                sql::Param::Blob(b) => b,
            }
        })
        .collect()
}

fn pg_cell(row: &Row, i: usize) -> Result<Cell, RegistryError> {
    use postgres::types::Type;
    let bad = |e: postgres::Error| RegistryError::Storage(describe(&e));
    let ty = row.columns().get(i).map(|c| c.type_().clone()).unwrap_or(Type::TEXT);
    Ok(if ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(i).map_err(bad)?.map_or(Cell::Null, Cell::Int)
    } else if ty == Type::INT4 {
        row.try_get::<_, Option<i32>>(i).map_err(bad)?.map_or(Cell::Null, |n| Cell::Int(n.into()))
    } else if ty == Type::BOOL {
        row.try_get::<_, Option<bool>>(i).map_err(bad)?.map_or(Cell::Null, |b| Cell::Int(b.into()))
    } else if ty == Type::BYTEA {
        row.try_get::<_, Option<Vec<u8>>>(i).map_err(bad)?.map_or(Cell::Null, Cell::Blob)
    } else {
        row.try_get::<_, Option<String>>(i).map_err(bad)?.map_or(Cell::Null, Cell::Text)
    })
}

impl Sql for PgSql<'_, '_> {
    fn execute(&mut self, sql: &str, params: &[sql::Param<'_>]) -> Result<u64, RegistryError> {
        let refs = pg_refs(params);
        match self {
            PgSql::Tx(tx) => tx.execute(sql, &refs),
            PgSql::Client(c) => c.execute(sql, &refs),
        }
        .map_err(storage)
    }

    fn query(&mut self, sql: &str, params: &[sql::Param<'_>]) -> Result<Vec<SqlRow>, RegistryError> {
        let refs = pg_refs(params);
        let rows = match self {
            PgSql::Tx(tx) => tx.query(sql, &refs),
            PgSql::Client(c) => c.query(sql, &refs),
        }
        .map_err(storage)?;
        rows.iter()
            .map(|row| (0..row.len()).map(|i| pg_cell(row, i)).collect::<Result<Vec<_>, _>>().map(SqlRow))
            .collect()
    }

    fn lock(&mut self, key: i64) -> Result<(), RegistryError> {
        match self {
            PgSql::Tx(tx) => tx.execute("SELECT pg_advisory_xact_lock($1)", &[&key]).map(drop).map_err(storage),
            PgSql::Client(_) => Ok(()),
        }
    }

    fn event(
        &mut self,
        change: &Change,
        action: &str,
        subject_id: &str,
        subject_name: &str,
        details: &serde_json::Value,
    ) -> Result<(), RegistryError> {
        match self {
            PgSql::Tx(tx) => insert_event(tx, change, action, subject_id, subject_name, details),
            PgSql::Client(_) => {
                Err(RegistryError::Storage("an audit event can only be written in a transaction".into()))
            }
        }
    }
}

impl Store for PostgresStore {
    fn with_sql(
        &self,
        access: Access,
        f: &mut dyn FnMut(&mut dyn Sql) -> Result<(), RegistryError>,
    ) -> Result<(), RegistryError> {
        match access {
            Access::Write => self.write(|tx| f(&mut PgSql::Tx(tx))),
            Access::Read => self.with_client(|client| f(&mut PgSql::Client(client))),
        }
    }

    fn create_service_account(
        &self,
        spec: &ServiceAccountSpec,
        change: &Change,
    ) -> Result<ServiceAccount, RegistryError> {
        let columns = Encoded::of(spec)?;
        self.write(|tx| {
            let id = new_service_account_id();
            let at = format_timestamp(change.at);
            let inserted = tx
                .execute(
                    &format!(
                        "INSERT INTO service_accounts ({ACCOUNT_COLUMNS})
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9, $10, $10, 1)
                         ON CONFLICT (name) DO NOTHING"
                    ),
                    &account_params(&id.as_str(), spec, &columns, &at),
                )
                .map_err(storage)?;
            if inserted == 0 {
                let id = id_of_name(tx, &spec.name)?.unwrap_or_else(|| "unknown: deleted meanwhile".to_owned());
                return Err(RegistryError::NameTaken { name: spec.name.clone(), id });
            }
            insert_event(tx, change, actions::SERVICE_ACCOUNT_CREATE, &id, &spec.name, &serde_json::json!({}))?;
            Ok(ServiceAccount { id, spec: spec.clone(), created_at: change.at, updated_at: change.at, version: 1 })
        })
    }

    fn get_service_account(&self, id: &str) -> Result<Option<ServiceAccount>, RegistryError> {
        self.with_client(|client| account_where(client, "id", id, false))
    }

    fn find_service_account_by_name(&self, name: &str) -> Result<Option<ServiceAccount>, RegistryError> {
        self.with_client(|client| account_where(client, "name", name, false))
    }

    fn update_service_account_at(
        &self,
        id: &str,
        expected_version: Option<i64>,
        spec: &ServiceAccountSpec,
        change: &Change,
    ) -> Result<ServiceAccount, RegistryError> {
        let columns = Encoded::of(spec)?;
        self.write(|tx| {
            let current =
                account_where(tx, "id", id, true)?.ok_or_else(|| RegistryError::NotFound { id: id.to_owned() })?;
            if let Some(expected) = expected_version.filter(|v| *v != current.version) {
                return Err(conflict(&current, expected, last_writer(tx, id)?));
            }
            if spec.name != current.spec.name
                && let Some(other) = id_of_name(tx, &spec.name)?
            {
                return Err(RegistryError::NameTaken { name: spec.name.clone(), id: other });
            }
            let updated = tx.execute(
                "UPDATE service_accounts SET name = $2, owner = $3, purpose = $4, expires_at = $5, scopes = $6,
                     environment = $7, labels = $8::text::jsonb, disabled = $9, updated_at = $10,
                     version = version + 1
                 WHERE id = $1",
                &account_params(&id, spec, &columns, &format_timestamp(change.at)),
            );
            match updated {
                Ok(_) => {}
                // A rename raced a create of the same name and lost.
                Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                    return Err(RegistryError::NameTaken {
                        name: spec.name.clone(),
                        id: "unknown: taken meanwhile".to_owned(),
                    });
                }
                Err(e) => return Err(storage(e)),
            }
            let details = serde_json::json!({ "changed": current.spec.changed_fields(spec) });
            insert_event(tx, change, actions::SERVICE_ACCOUNT_UPDATE, id, &spec.name, &details)?;
            Ok(current.updated(spec, change.at))
        })
    }

    fn delete_service_account(&self, id: &str, change: &Change) -> Result<bool, RegistryError> {
        self.write(|tx| {
            let row =
                tx.query_opt("DELETE FROM service_accounts WHERE id = $1 RETURNING name", &[&id]).map_err(storage)?;
            let Some(row) = row else { return Ok(false) };
            let name: String = row.get(0);
            insert_event(tx, change, actions::SERVICE_ACCOUNT_DELETE, id, &name, &serde_json::json!({}))?;
            Ok(true)
        })
    }

    fn list_service_accounts(&self, filter: &ServiceAccountFilter) -> Result<Vec<ServiceAccount>, RegistryError> {
        let mut sql = format!("{} WHERE true", select_accounts());
        let (conditions, params) = list_conditions(filter, Dialect::Postgres);
        sql.push_str(&conditions);
        let refs: Vec<Param<'_>> = params.iter().map(|p| p as Param<'_>).collect();
        self.with_client(|client| {
            let rows = client.query(&sql, &refs).map_err(storage)?;
            rows.iter().map(|row| raw_account(row).parse()).collect()
        })
    }

    fn events_matching(&self, filter: &EventFilter) -> Result<Vec<AuditEvent>, RegistryError> {
        let limit = i64::try_from(filter.limit).unwrap_or(i64::MAX);
        let (sql, texts) = event_query(filter, Dialect::Postgres);
        let mut params: Vec<Param<'_>> = vec![&filter.after_seq, &limit];
        params.extend(texts.iter().map(|t| t as Param<'_>));
        self.with_client(|client| {
            let rows = client.query(&sql, &params).map_err(storage)?;
            rows.iter()
                .map(|row| {
                    let seq: i64 = row.get(0);
                    Ok(AuditEvent {
                        seq,
                        at: parse_event_at(seq, row.get(1))?,
                        actor: Actor { client: row.get(2), terraform_version: row.get(3), operation: row.get(4) },
                        action: row.get(5),
                        subject_id: row.get(6),
                        subject_name: row.get(7),
                        details: row.get(8),
                    })
                })
                .collect()
        })
    }
}
