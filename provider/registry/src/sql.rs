//! One small SQL interface over both backends, for the credential tables: the logic that
//! issues tokens, keeps signing keys and API keys is written once (in `credentials`) and runs
//! inside each backend's own transaction, with its own audit event insert.
//!
//! SQL is written with PostgreSQL's `$1` placeholders; the SQLite side rewrites them to `?1`.
//! Only portable SQL is used: `text`, `bigint`/`INTEGER` and `bytea`/`BLOB` columns, and
//! `INSERT … ON CONFLICT DO NOTHING`.

use crate::{Change, RegistryError};

/// A statement parameter.
#[derive(Clone, Copy)]
pub enum Param<'a> {
    Text(&'a str),
    OptText(Option<&'a str>),
    Int(i64),
    Blob(&'a [u8]),
}

/// A column value as read.
#[derive(Clone, PartialEq, Eq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

/// One result row.
pub struct SqlRow(pub Vec<Cell>);

impl SqlRow {
    fn cell(&self, i: usize) -> &Cell {
        self.0.get(i).unwrap_or(&Cell::Null)
    }

    fn wrong(i: usize, want: &str) -> RegistryError {
        RegistryError::Storage(format!("column {i} of a credential row is not {want}"))
    }

    pub fn text(&self, i: usize) -> Result<String, RegistryError> {
        match self.cell(i) {
            Cell::Text(s) => Ok(s.clone()),
            _ => Err(Self::wrong(i, "text")),
        }
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<String>, RegistryError> {
        match self.cell(i) {
            Cell::Null => Ok(None),
            Cell::Text(s) => Ok(Some(s.clone())),
            _ => Err(Self::wrong(i, "text or null")),
        }
    }

    pub fn int(&self, i: usize) -> Result<i64, RegistryError> {
        match self.cell(i) {
            Cell::Int(n) => Ok(*n),
            _ => Err(Self::wrong(i, "an integer")),
        }
    }

    pub fn blob(&self, i: usize) -> Result<Vec<u8>, RegistryError> {
        match self.cell(i) {
            Cell::Blob(b) => Ok(b.clone()),
            _ => Err(Self::wrong(i, "bytes")),
        }
    }
}

/// A transaction (or, for reads, a connection) of either backend.
pub trait Sql {
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, RegistryError>;
    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<SqlRow>, RegistryError>;
    /// Serialises writers of one kind until the transaction ends (PostgreSQL takes an advisory
    /// transaction lock; a SQLite write transaction holds the only write lock already).
    fn lock(&mut self, key: i64) -> Result<(), RegistryError>;
    /// Appends an audit event in this transaction.
    fn event(
        &mut self,
        change: &Change,
        action: &str,
        subject_id: &str,
        subject_name: &str,
        details: &serde_json::Value,
    ) -> Result<(), RegistryError>;
}

/// How the credential code asks a backend to run it: in one write transaction, or on a
/// connection for reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// The first row's first column, if any.
pub(crate) fn first<T>(
    rows: Vec<SqlRow>,
    get: impl Fn(&SqlRow) -> Result<T, RegistryError>,
) -> Result<Option<T>, RegistryError> {
    rows.first().map(get).transpose()
}

/// `$1`, `$2`, … as SQLite's `?1`, `?2`, … (the statements contain no `$` otherwise).
pub(crate) fn sqlite_placeholders(sql: &str) -> String {
    sql.replace('$', "?")
}
