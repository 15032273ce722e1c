//! Ordered schema migrations for the PostgreSQL backend.
//!
//! All steps run in one transaction that first takes a transaction-level advisory lock, so two
//! processes opening a new registry at once never migrate it at the same time: the second one
//! waits, then finds the steps recorded in `schema_migrations(version, applied_at)`. PostgreSQL
//! runs DDL inside transactions, so a failed step leaves nothing half applied.
//!
//! Versions follow the SQLite backend's (same meaning at the same number), but the SQL is
//! PostgreSQL's own. To change the schema, append a step; never edit an applied one.

use postgres::Client;

use crate::RegistryError;

/// Key of the advisory lock held while migrating (an arbitrary constant: "nhi" + 1).
const MIGRATION_LOCK: i64 = 0x6e68_6901;

struct Migration {
    version: i64,
    sql: &'static str,
}

// Timestamps are RFC 3339 text with nine fractional digits (`format_timestamp`): exact to the
// nanosecond, unlike `timestamptz`, and ordered correctly as text under the "C" collation.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: r#"
        CREATE TABLE service_accounts (
            id          text PRIMARY KEY,
            name        text COLLATE "C" NOT NULL UNIQUE,
            owner       text COLLATE "C" NOT NULL,
            purpose     text NOT NULL,
            expires_at  text COLLATE "C" NOT NULL,
            scopes      text NOT NULL,              -- JSON array of strings, user order
            environment text COLLATE "C",
            labels      jsonb NOT NULL,             -- object of strings
            disabled    boolean NOT NULL,
            created_at  text COLLATE "C" NOT NULL,
            updated_at  text COLLATE "C" NOT NULL
        );
        CREATE INDEX service_accounts_owner ON service_accounts (owner);
        CREATE INDEX service_accounts_expires_at ON service_accounts (expires_at);

        -- No foreign key to service_accounts: the trail outlives what it describes.
        CREATE TABLE audit_events (
            seq               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at                text COLLATE "C" NOT NULL,
            client            text NOT NULL,
            terraform_version text,
            operation         text NOT NULL,
            action            text NOT NULL,
            subject_id        text NOT NULL,
            subject_name      text NOT NULL,
            details           text NOT NULL         -- JSON object; never secrets
        );
        CREATE INDEX audit_events_subject ON audit_events (subject_id);
        "#,
    },
    Migration {
        version: 2,
        sql: r#"
        ALTER TABLE service_accounts ADD COLUMN version bigint NOT NULL DEFAULT 1 CHECK (version >= 1);
        CREATE INDEX service_accounts_environment ON service_accounts (environment);
        CREATE INDEX service_accounts_labels ON service_accounts USING gin (labels jsonb_path_ops);
        "#,
    },
    Migration {
        version: 3,
        sql: r#"
        CREATE INDEX audit_events_subject_name ON audit_events (subject_name);
        CREATE INDEX audit_events_at ON audit_events (at);
        "#,
    },
    Migration {
        version: 4,
        // Credentials: see the SQLite step 4. `registry_secrets` and the private half of
        // `signing_keys` are the registry's crown jewels: grant them to the role that issues
        // credentials only (docs/guides/shared-registry.md).
        sql: r#"
        CREATE TABLE registry_info (
            name       text PRIMARY KEY,
            value      bytea NOT NULL,
            created_at text COLLATE "C" NOT NULL
        );
        CREATE TABLE registry_secrets (
            name       text PRIMARY KEY,
            value      bytea NOT NULL,
            created_at text COLLATE "C" NOT NULL
        );
        CREATE TABLE signing_keys (
            kid          text PRIMARY KEY,
            algorithm    text NOT NULL,
            public_key   bytea NOT NULL,
            private_key  bytea NOT NULL,
            created_at   text COLLATE "C" NOT NULL,
            retired_at   text COLLATE "C",
            verify_until text COLLATE "C"
        );
        CREATE TABLE issued_tokens (
            jti                text PRIMARY KEY,
            service_account_id text NOT NULL,
            kid                text NOT NULL,
            audience           text NOT NULL,
            scopes             text NOT NULL,
            issued_at          text COLLATE "C" NOT NULL,
            expires_at         text COLLATE "C" NOT NULL,
            operation          text NOT NULL,
            revoked_at         text COLLATE "C"
        );
        CREATE INDEX issued_tokens_account ON issued_tokens (service_account_id, expires_at);
        CREATE TABLE api_keys (
            id                 text PRIMARY KEY,
            service_account_id text NOT NULL REFERENCES service_accounts (id) ON DELETE CASCADE,
            handle             text NOT NULL,
            secret_hash        bytea NOT NULL UNIQUE,
            justification      text NOT NULL,
            expires_at         text COLLATE "C" NOT NULL,
            rotate_every       text,
            rotate_at          text COLLATE "C",
            created_at         text COLLATE "C" NOT NULL,
            revoke_at          text COLLATE "C",
            revoke_reason      text
        );
        CREATE INDEX api_keys_account ON api_keys (service_account_id, expires_at);
        "#,
    },
];

/// The schema version this build creates and understands (the same number as SQLite's).
pub(super) const LATEST: i64 = MIGRATIONS[MIGRATIONS.len() - 1].version;

/// Brings the database up to [`LATEST`], or refuses one that is newer. Returns the version.
pub(super) fn migrate(client: &mut Client, location: &str, applied_at: &str) -> Result<i64, RegistryError> {
    let open_error =
        |e: postgres::Error| RegistryError::Open { location: location.to_owned(), reason: super::describe(&e) };
    let mut tx = client.transaction().map_err(open_error)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).map_err(open_error)?;
    // Only DDL when something is missing: a role that may read but not create (an auditor's)
    // opens an up-to-date registry without needing CREATE on the schema.
    let exists: bool =
        tx.query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[]).map_err(open_error)?.get(0);
    if !exists {
        tx.batch_execute(
            "CREATE TABLE schema_migrations (
                version    bigint PRIMARY KEY,
                applied_at text NOT NULL
            )",
        )
        .map_err(open_error)?;
    }
    let current: i64 =
        tx.query_one("SELECT coalesce(max(version), 0) FROM schema_migrations", &[]).map_err(open_error)?.get(0);
    if current > LATEST {
        return Err(RegistryError::SchemaTooNew { location: location.to_owned(), found: current, supported: LATEST });
    }
    for step in MIGRATIONS.iter().filter(|m| m.version > current) {
        tx.batch_execute(step.sql).map_err(|e| RegistryError::Open {
            location: location.to_owned(),
            reason: format!("schema migration {} failed: {}", step.version, super::describe(&e)),
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
            &[&step.version, &applied_at],
        )
        .map_err(open_error)?;
    }
    tx.commit().map_err(open_error)?;
    Ok(LATEST)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_strictly_increasing_from_one_and_match_sqlite() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "migration at index {i} has version {}", m.version);
        }
        assert_eq!(LATEST, crate::LATEST_SCHEMA_VERSION, "both backends are at the same schema version");
    }
}
