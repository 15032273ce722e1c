//! Ordered schema migrations for the SQLite backend.
//!
//! Each step runs once, in order, inside the same `BEGIN IMMEDIATE` transaction as the record of
//! it in `schema_migrations(version, applied_at)`. Two processes opening a new file at once are
//! serialised by that write lock: the second one finds the steps already applied.
//!
//! To change the schema, append a step with the next version; never edit an applied one.

use nhi_core::Timestamp;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::RegistryError;

pub(super) struct Migration {
    pub version: i64,
    pub sql: &'static str,
}

pub(super) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: "
        CREATE TABLE service_accounts (
            id          TEXT PRIMARY KEY NOT NULL,
            name        TEXT NOT NULL UNIQUE,
            owner       TEXT NOT NULL,
            purpose     TEXT NOT NULL,
            expires_at  TEXT NOT NULL,              -- RFC 3339, UTC, 9 fractional digits
            scopes      TEXT NOT NULL,              -- JSON array of strings, user order
            environment TEXT,
            labels      TEXT NOT NULL,              -- JSON object of strings
            disabled    INTEGER NOT NULL CHECK (disabled IN (0, 1)),
            created_at  TEXT NOT NULL,
            updated_at  TEXT NOT NULL
        ) STRICT;
        CREATE INDEX service_accounts_owner ON service_accounts (owner);
        CREATE INDEX service_accounts_expires_at ON service_accounts (expires_at);

        -- No foreign key to service_accounts: the trail outlives what it describes.
        CREATE TABLE audit_events (
            seq               INTEGER PRIMARY KEY AUTOINCREMENT,
            at                TEXT NOT NULL,
            client            TEXT NOT NULL,
            terraform_version TEXT,
            operation         TEXT NOT NULL,
            action            TEXT NOT NULL,
            subject_id        TEXT NOT NULL,
            subject_name      TEXT NOT NULL,
            details           TEXT NOT NULL         -- JSON object; never secrets
        ) STRICT;
        CREATE INDEX audit_events_subject ON audit_events (subject_id);
    ",
    },
    Migration {
        version: 2,
        // Optimistic concurrency: accounts written before this step start at version 1.
        sql: "ALTER TABLE service_accounts ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);",
    },
    Migration {
        version: 3,
        // The audit trail by account name (also after deletion) and by time.
        sql: "CREATE INDEX audit_events_subject_name ON audit_events (subject_name);
              CREATE INDEX audit_events_at ON audit_events (at);",
    },
    Migration {
        version: 4,
        // Credentials. Never a token or a key in plain text: tokens are kept by jti, keys by
        // the SHA-256 of their text. The file itself is readable by its owner only (0600),
        // which protects the signing keys and the key derivation secret.
        sql: "
        CREATE TABLE registry_info (
            name       TEXT PRIMARY KEY NOT NULL,   -- 'issuer': public facts about the registry
            value      BLOB NOT NULL,
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE registry_secrets (
            name       TEXT PRIMARY KEY NOT NULL,   -- 'api_key_derivation'
            value      BLOB NOT NULL,
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE signing_keys (
            kid          TEXT PRIMARY KEY NOT NULL,
            algorithm    TEXT NOT NULL,             -- 'EdDSA' (Ed25519)
            public_key   BLOB NOT NULL,             -- 32 bytes
            private_key  BLOB NOT NULL,             -- PKCS#8 v2 DER
            created_at   TEXT NOT NULL,
            retired_at   TEXT,                      -- signs no more from then on
            verify_until TEXT                       -- verifies no more from then on
        ) STRICT;
        CREATE TABLE issued_tokens (
            jti                TEXT PRIMARY KEY NOT NULL,
            service_account_id TEXT NOT NULL,       -- no foreign key: a record outlives its account
            kid                TEXT NOT NULL,
            audience           TEXT NOT NULL,
            scopes             TEXT NOT NULL,       -- JSON array
            issued_at          TEXT NOT NULL,
            expires_at         TEXT NOT NULL,
            operation          TEXT NOT NULL,
            revoked_at         TEXT
        ) STRICT;
        CREATE INDEX issued_tokens_account ON issued_tokens (service_account_id, expires_at);
        CREATE TABLE api_keys (
            id                 TEXT PRIMARY KEY NOT NULL,
            service_account_id TEXT NOT NULL REFERENCES service_accounts (id) ON DELETE CASCADE,
            handle             TEXT NOT NULL,       -- 'nhik_' + 8 characters: not secret
            secret_hash        BLOB NOT NULL UNIQUE,
            justification      TEXT NOT NULL,
            expires_at         TEXT NOT NULL,
            rotate_every       TEXT,                -- e.g. '30d'
            rotate_at          TEXT,                -- created_at + rotate_every
            created_at         TEXT NOT NULL,
            revoke_at          TEXT,                -- fails verification from then on
            revoke_reason      TEXT                 -- 'rotated' | 'destroyed' | 'revoked'
        ) STRICT;
        CREATE INDEX api_keys_account ON api_keys (service_account_id, expires_at);
    ",
    },
];

/// The schema version this build creates and understands.
pub const LATEST_SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].version;

/// Brings the database up to [`LATEST_SCHEMA_VERSION`], or refuses one that is newer.
pub(super) fn migrate(conn: &mut Connection, location: &str, now: Timestamp) -> Result<i64, RegistryError> {
    let storage = |e: rusqlite::Error| RegistryError::Open { location: location.to_owned(), reason: e.to_string() };
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(storage)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY NOT NULL,
            applied_at TEXT NOT NULL
        ) STRICT;",
    )
    .map_err(storage)?;
    let current: i64 = tx
        .query_row("SELECT max(version) FROM schema_migrations", [], |row| row.get::<_, Option<i64>>(0))
        .optional()
        .map_err(storage)?
        .flatten()
        .unwrap_or(0);
    if current > LATEST_SCHEMA_VERSION {
        return Err(RegistryError::SchemaTooNew {
            location: location.to_owned(),
            found: current,
            supported: LATEST_SCHEMA_VERSION,
        });
    }
    let applied_at = crate::format_timestamp(now);
    for step in MIGRATIONS.iter().filter(|m| m.version > current) {
        tx.execute_batch(step.sql).map_err(|e| RegistryError::Open {
            location: location.to_owned(),
            reason: format!("schema migration {} failed: {e}", step.version),
        })?;
        tx.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)", (step.version, &applied_at))
            .map_err(storage)?;
    }
    tx.commit().map_err(storage)?;
    Ok(LATEST_SCHEMA_VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_strictly_increasing_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "migration at index {i} has version {}", m.version);
        }
    }
}
