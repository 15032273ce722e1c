//! A small connection pool shared by the backends: a call takes an idle connection, or opens a
//! new one when all are busy, and gives it back afterwards, keeping at most `max_idle`.

use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::RegistryError;

pub(crate) struct Pool<C> {
    idle: Mutex<Vec<C>>,
    max_idle: usize,
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves no half-done transaction behind (dropping a
    // transaction rolls it back), so what the mutex guards is still good to use.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<C> Pool<C> {
    pub fn new(first: C, max_idle: usize) -> Self {
        Self { idle: Mutex::new(vec![first]), max_idle }
    }

    /// Drops every idle connection (after one was found dead: the others likely are too).
    pub fn clear(&self) {
        lock(&self.idle).clear();
    }

    /// Takes every idle connection out of the pool.
    pub fn take(&self) -> Vec<C> {
        std::mem::take(&mut *lock(&self.idle))
    }

    /// Runs `f` on a pooled connection (opened by `open` when none is idle). The connection
    /// goes back to the pool only if `reusable` says it still is (a broken network connection
    /// is dropped instead).
    pub fn with<T>(
        &self,
        open: impl FnOnce() -> Result<C, RegistryError>,
        reusable: impl FnOnce(&mut C) -> bool,
        f: impl FnOnce(&mut C) -> Result<T, RegistryError>,
    ) -> Result<T, RegistryError> {
        let pooled = lock(&self.idle).pop();
        let mut conn = match pooled {
            Some(conn) => conn,
            None => open()?,
        };
        let out = f(&mut conn);
        if reusable(&mut conn) {
            let mut idle = lock(&self.idle);
            if idle.len() < self.max_idle {
                idle.push(conn);
            }
        }
        out
    }
}
