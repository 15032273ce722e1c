//! A SQLite registry that does not exist yet: reads see an empty registry without creating
//! anything; the first write creates the file. So a plan, a refresh or a data source read
//! against a new path leaves no file behind.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use crate::sql::{Access, Sql};
use crate::{
    AuditEvent, Change, EventFilter, RegistryError, ServiceAccount, ServiceAccountFilter, ServiceAccountSpec,
    SqliteStore, Store,
};

#[derive(Debug)]
pub(crate) struct DeferredSqlite {
    path: PathBuf,
    store: Mutex<Option<Arc<SqliteStore>>>,
}

impl DeferredSqlite {
    pub(crate) fn new(path: PathBuf) -> Self {
        Self { path, store: Mutex::new(None) }
    }

    /// The store when the file exists (created by us or by another process), else `None`.
    fn existing(&self) -> Result<Option<Arc<SqliteStore>>, RegistryError> {
        let mut slot = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_none() && self.path.is_file() {
            *slot = Some(Arc::new(SqliteStore::open_file(&self.path)?));
        }
        Ok(slot.clone())
    }

    /// The store, creating the file.
    fn created(&self) -> Result<Arc<SqliteStore>, RegistryError> {
        let mut slot = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(s) = slot.as_ref() {
            return Ok(Arc::clone(s));
        }
        let s = Arc::new(SqliteStore::open_file(&self.path)?);
        *slot = Some(Arc::clone(&s));
        Ok(s)
    }
}

impl Store for DeferredSqlite {
    fn create_service_account(
        &self,
        spec: &ServiceAccountSpec,
        change: &Change,
    ) -> Result<ServiceAccount, RegistryError> {
        self.created()?.create_service_account(spec, change)
    }

    fn get_service_account(&self, id: &str) -> Result<Option<ServiceAccount>, RegistryError> {
        self.existing()?.map_or(Ok(None), |s| s.get_service_account(id))
    }

    fn find_service_account_by_name(&self, name: &str) -> Result<Option<ServiceAccount>, RegistryError> {
        self.existing()?.map_or(Ok(None), |s| s.find_service_account_by_name(name))
    }

    fn update_service_account_at(
        &self,
        id: &str,
        expected_version: Option<i64>,
        spec: &ServiceAccountSpec,
        change: &Change,
    ) -> Result<ServiceAccount, RegistryError> {
        match self.existing()? {
            Some(s) => s.update_service_account_at(id, expected_version, spec, change),
            None => Err(RegistryError::NotFound { id: id.to_owned() }),
        }
    }

    fn delete_service_account(&self, id: &str, change: &Change) -> Result<bool, RegistryError> {
        self.existing()?.map_or(Ok(false), |s| s.delete_service_account(id, change))
    }

    fn list_service_accounts(&self, filter: &ServiceAccountFilter) -> Result<Vec<ServiceAccount>, RegistryError> {
        self.existing()?.map_or(Ok(Vec::new()), |s| s.list_service_accounts(filter))
    }

    fn events_matching(&self, filter: &EventFilter) -> Result<Vec<AuditEvent>, RegistryError> {
        self.existing()?.map_or(Ok(Vec::new()), |s| s.events_matching(filter))
    }

    fn exists(&self) -> Result<bool, RegistryError> {
        Ok(self.existing()?.is_some())
    }

    fn with_sql(
        &self,
        access: Access,
        f: &mut dyn FnMut(&mut dyn Sql) -> Result<(), RegistryError>,
    ) -> Result<(), RegistryError> {
        match (access, self.existing()?) {
            (Access::Read, Some(s)) => s.with_sql(access, f),
            // Reading a registry that does not exist is reading an empty one.
            (Access::Read, None) => SqliteStore::open_in_memory()?.with_sql(access, f),
            (Access::Write, _) => self.created()?.with_sql(access, f),
        }
    }
}
