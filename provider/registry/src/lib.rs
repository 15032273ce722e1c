//! The nhi registry: the store of record for service accounts and the audit trail of every
//! change made to them.
//!
//! Everything goes through the [`Store`] trait. [`open`] picks a backend from a registry URL:
//! an embedded SQLite file (`sqlite://PATH`) or a shared PostgreSQL database (`postgres://…`).
//! Both pass the same backend-independent suite in `contract` (enabled by the
//! `contract-tests` feature).

use std::collections::BTreeMap;
use std::sync::Arc;

pub use nhi_core::Timestamp;

#[cfg(any(test, feature = "contract-tests"))]
#[doc(hidden)]
pub mod contract;
pub mod credentials;
mod lazy;
mod pool;
mod postgres;
mod rows;
#[doc(hidden)]
pub mod sql;
mod sqlite;
mod url;

pub use credentials::{
    ApiKey, Credentials, IssuedToken, Jwks, MintedToken, NewApiKey, Rejection, SigningKeyInfo, TokenRefusal,
    TokenRequest, VerifiedApiKey, VerifiedToken,
};
pub use postgres::PostgresStore;
pub use sqlite::{LATEST_SCHEMA_VERSION, SqliteStore};
pub use url::{RegistryUrl, parse_url, redact as redact_url};

/// Who made a change; stored in every audit event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Actor {
    /// e.g. "terraform-provider-nhi/0.1.0" or "nhi-cli/0.1.0"
    pub client: String,
    /// Terraform version from the provider's ConfigureProvider request, when known.
    pub terraform_version: Option<String>,
    /// The operation, e.g. "apply" / "import" / "read".
    pub operation: String,
}

/// When and by whom; passed to every write.
#[derive(Debug, Clone)]
pub struct Change {
    pub actor: Actor,
    pub at: Timestamp,
}

/// Mutable fields of a service account (everything the user declares).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccountSpec {
    pub name: String,
    pub owner: String,
    pub purpose: String,
    pub expires_at: Timestamp,
    /// Order as given by the user (Terraform list); stored and returned unchanged.
    pub scopes: Vec<String>,
    pub environment: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub disabled: bool,
}

impl ServiceAccountSpec {
    /// Names of the fields that differ between `self` and `other`, in declaration order.
    /// These are the names recorded in an update event's `{"changed":[...]}`.
    pub fn changed_fields(&self, other: &ServiceAccountSpec) -> Vec<&'static str> {
        [
            ("name", self.name != other.name),
            ("owner", self.owner != other.owner),
            ("purpose", self.purpose != other.purpose),
            ("expires_at", self.expires_at != other.expires_at),
            ("scopes", self.scopes != other.scopes),
            ("environment", self.environment != other.environment),
            ("labels", self.labels != other.labels),
            ("disabled", self.disabled != other.disabled),
        ]
        .into_iter()
        .filter_map(|(field, differs)| differs.then_some(field))
        .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccount {
    /// "sa-" + uuid v4 (lowercase, hyphenated); immutable.
    pub id: String,
    pub spec: ServiceAccountSpec,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// 1 when created, +1 with every update: what optimistic concurrency compares, so that a
    /// write based on an older read is refused instead of silently overwriting a newer one.
    pub version: i64,
}

impl ServiceAccount {
    /// This account as an update to `spec` at `at` leaves it: same id and creation time, the
    /// next version.
    pub(crate) fn updated(self, spec: &ServiceAccountSpec, at: Timestamp) -> ServiceAccount {
        ServiceAccount { spec: spec.clone(), updated_at: at, version: self.version + 1, ..self }
    }
}

/// The action names written to [`AuditEvent::action`].
pub mod actions {
    pub const SERVICE_ACCOUNT_CREATE: &str = "service_account.create";
    pub const SERVICE_ACCOUNT_UPDATE: &str = "service_account.update";
    pub const SERVICE_ACCOUNT_DELETE: &str = "service_account.delete";
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// Monotonically increasing.
    pub seq: i64,
    pub at: Timestamp,
    pub actor: Actor,
    /// "service_account.create" | ".update" | ".delete" (see [`actions`]).
    pub action: String,
    pub subject_id: String,
    pub subject_name: String,
    /// JSON object text describing the change, e.g. {"changed":["owner","labels"]}; never secrets.
    pub details: String,
}

/// Which accounts [`Store::list_service_accounts`] returns: those matching every field set.
#[derive(Debug, Default, Clone)]
pub struct ServiceAccountFilter {
    /// expires_at <= this
    pub expiring_before: Option<Timestamp>,
    /// expires_at > this
    pub expiring_after: Option<Timestamp>,
    pub owner: Option<String>,
    pub environment: Option<String>,
    /// Every one of these labels, with exactly this value.
    pub labels: BTreeMap<String, String>,
    /// false: skip disabled accounts
    pub include_disabled: bool,
    /// Only accounts holding an API key that verifies at this time (not revoked, not expired).
    pub static_keys_live_at: Option<Timestamp>,
    /// Only accounts holding a live API key whose rotation came due at or before this time.
    pub rotation_overdue_at: Option<Timestamp>,
}

/// Which audit events [`Store::events_matching`] returns: those matching every field set.
/// Page through a long trail by passing the last `seq` seen as `after_seq`.
#[derive(Debug, Clone)]
pub struct EventFilter {
    /// seq > this
    pub after_seq: i64,
    pub subject_id: Option<String>,
    /// The account's name at the time of the event (found even after the account is gone).
    pub subject_name: Option<String>,
    /// at >= this
    pub since: Option<Timestamp>,
    /// at < this
    pub until: Option<Timestamp>,
    pub limit: usize,
}

impl Default for EventFilter {
    fn default() -> Self {
        Self { after_seq: 0, subject_id: None, subject_name: None, since: None, until: None, limit: 1000 }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("a service account named {name:?} already exists (id {id})")]
    NameTaken { name: String, id: String },
    #[error("service account {id} does not exist")]
    NotFound { id: String },
    /// The account changed since the caller read it (optimistic concurrency).
    #[error(
        "service account {id} was changed by someone else since it was read: expected version {expected}, the registry holds version {found} (last updated {updated_at} by {updated_by})"
    )]
    Conflict { id: String, expected: i64, found: i64, updated_at: Timestamp, updated_by: String },
    #[error("registry URL {url:?} is not supported: {reason}")]
    Url { url: String, reason: String },
    #[error("cannot open registry {location}: {reason}")]
    Open { location: String, reason: String },
    #[error(
        "registry {location} has schema version {found}, newer than this build understands ({supported}); upgrade nhi"
    )]
    SchemaTooNew { location: String, found: i64, supported: i64 },
    /// Never includes values of secrets.
    #[error("registry storage error: {0}")]
    Storage(String),
}

/// The store of record. Sync on purpose: the provider calls it from `spawn_blocking`; a
/// PostgreSQL backend can use the blocking `postgres` crate or its own runtime.
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Creates an account, assigning id/created_at/updated_at = change.at; writes an audit event
    /// in the same transaction. Err(NameTaken) when the name exists.
    fn create_service_account(
        &self,
        spec: &ServiceAccountSpec,
        change: &Change,
    ) -> Result<ServiceAccount, RegistryError>;
    fn get_service_account(&self, id: &str) -> Result<Option<ServiceAccount>, RegistryError>;
    fn find_service_account_by_name(&self, name: &str) -> Result<Option<ServiceAccount>, RegistryError>;
    /// Replaces all spec fields (name may change too: NameTaken if taken by another id);
    /// updated_at = change.at; audit event lists changed field names. Err(NotFound).
    ///
    /// An update that changes nothing still bumps `updated_at` and records an event with
    /// `{"changed":[]}`, so the audit trail shows every apply.
    fn update_service_account(
        &self,
        id: &str,
        spec: &ServiceAccountSpec,
        change: &Change,
    ) -> Result<ServiceAccount, RegistryError> {
        self.update_service_account_at(id, None, spec, change)
    }
    /// [`Store::update_service_account`], refused with [`RegistryError::Conflict`] (nothing
    /// written) unless the stored version equals `expected_version` when one is given. The
    /// comparison and the write happen in one transaction. Every successful update adds 1 to
    /// the version.
    fn update_service_account_at(
        &self,
        id: &str,
        expected_version: Option<i64>,
        spec: &ServiceAccountSpec,
        change: &Change,
    ) -> Result<ServiceAccount, RegistryError>;
    /// Returns false when it did not exist (no event then).
    fn delete_service_account(&self, id: &str, change: &Change) -> Result<bool, RegistryError>;
    /// Sorted by name.
    fn list_service_accounts(&self, filter: &ServiceAccountFilter) -> Result<Vec<ServiceAccount>, RegistryError>;
    /// Events with seq > after_seq, oldest first, at most `limit`.
    fn events(&self, after_seq: i64, limit: usize) -> Result<Vec<AuditEvent>, RegistryError> {
        self.events_matching(&EventFilter { after_seq, limit, ..EventFilter::default() })
    }
    /// Events matching `filter`, oldest first (by seq), at most `filter.limit`.
    fn events_matching(&self, filter: &EventFilter) -> Result<Vec<AuditEvent>, RegistryError>;
    /// Whether the registry exists. Only a registry opened with [`open_deferred`] may not
    /// exist yet (its file appears with the first write; reads see it empty), so callers can
    /// tell "no such account" from "no registry at this location".
    fn exists(&self) -> Result<bool, RegistryError> {
        Ok(true)
    }
    /// Runs `f` in one write transaction (committed when `f` succeeds) or, for reads, on a
    /// connection: how [`Credentials`] reaches every backend with one implementation.
    #[doc(hidden)]
    fn with_sql(
        &self,
        access: sql::Access,
        f: &mut dyn FnMut(&mut dyn sql::Sql) -> Result<(), RegistryError>,
    ) -> Result<(), RegistryError>;
}

/// Opens a registry from a URL: "sqlite://PATH" (relative to the current dir), "sqlite:///abs/path",
/// "sqlite::memory:" for tests; "postgres://..." / "postgresql://..." for a shared PostgreSQL
/// database. Creates the SQLite file (mode 0600) when needed, never its directory; runs
/// migrations (on PostgreSQL under an advisory lock).
pub fn open(url: &str) -> Result<Arc<dyn Store>, RegistryError> {
    match parse_url(url)? {
        RegistryUrl::SqliteFile(path) => Ok(Arc::new(SqliteStore::open_file(&path)?)),
        RegistryUrl::SqliteMemory => Ok(Arc::new(SqliteStore::open_in_memory()?)),
        RegistryUrl::Postgres => Ok(Arc::new(PostgresStore::open(url)?)),
    }
}

/// Like [`open`], but a SQLite file that does not exist yet is not created until the first
/// write: reads see an empty registry. Its directory must exist. What the provider uses, so
/// that a plan or a data source read never leaves a registry behind.
pub fn open_deferred(url: &str) -> Result<Arc<dyn Store>, RegistryError> {
    match parse_url(url)? {
        RegistryUrl::SqliteFile(path) if !path.exists() => {
            let absolute = std::path::absolute(&path)
                .map_err(|e| RegistryError::Open { location: path.display().to_string(), reason: e.to_string() })?;
            if let Some(parent) = absolute.parent().filter(|p| !p.is_dir()) {
                return Err(RegistryError::Open {
                    location: path.display().to_string(),
                    reason: missing_directory(parent),
                });
            }
            Ok(Arc::new(lazy::DeferredSqlite::new(absolute)))
        }
        _ => open(url),
    }
}

/// Why a registry path is refused when its directory is missing.
pub(crate) fn missing_directory(dir: &std::path::Path) -> String {
    format!(
        "directory {} does not exist (the registry never creates directories; create it, or fix the path)",
        dir.display()
    )
}

/// A new service account id: "sa-" + a random (v4) UUID, lowercase and hyphenated.
pub fn new_service_account_id() -> String {
    format!("sa-{}", uuid::Uuid::new_v4().hyphenated())
}

/// Formats a timestamp the way the registry stores it: RFC 3339 in UTC with exactly nine
/// fractional digits, so that stored values compare correctly as text (and in SQL).
pub fn format_timestamp(ts: Timestamp) -> String {
    format!("{ts:.9}")
}
