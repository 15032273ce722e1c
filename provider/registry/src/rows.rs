//! Rows as the backends store them (timestamps as RFC 3339 text, scopes and labels as JSON
//! text), and their one translation into domain types, shared by SQLite and PostgreSQL so that
//! both read exactly the same way.

use crate::{Actor, EventFilter, RegistryError, ServiceAccount, ServiceAccountFilter, ServiceAccountSpec, Timestamp};

/// A service account row before its text columns are parsed.
pub(crate) struct RawAccount {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub purpose: String,
    pub expires_at: String,
    pub scopes: String,
    pub environment: Option<String>,
    pub labels: String,
    pub disabled: bool,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// The account columns in the order [`RawAccount`] lists them; both backends select these.
pub(crate) const ACCOUNT_COLUMNS: &str =
    "id, name, owner, purpose, expires_at, scopes, environment, labels, disabled, created_at, updated_at, version";

/// The audit event columns in the order `AuditEvent` lists them.
pub(crate) const EVENT_COLUMNS: &str =
    "seq, at, client, terraform_version, operation, action, subject_id, subject_name, details";

impl RawAccount {
    pub fn parse(self) -> Result<ServiceAccount, RegistryError> {
        let id = &self.id;
        let bad = |column: &str, why: String| {
            RegistryError::Storage(format!("service account {id} has an unreadable {column} column: {why}"))
        };
        let ts = |column: &str, text: &str| text.parse::<Timestamp>().map_err(|e| bad(column, e.to_string()));
        let spec = ServiceAccountSpec {
            expires_at: ts("expires_at", &self.expires_at)?,
            scopes: serde_json::from_str(&self.scopes).map_err(|e| bad("scopes", e.to_string()))?,
            labels: serde_json::from_str(&self.labels).map_err(|e| bad("labels", e.to_string()))?,
            name: self.name,
            owner: self.owner,
            purpose: self.purpose,
            environment: self.environment,
            disabled: self.disabled,
        };
        Ok(ServiceAccount {
            created_at: ts("created_at", &self.created_at)?,
            updated_at: ts("updated_at", &self.updated_at)?,
            id: self.id,
            spec,
            version: self.version,
        })
    }
}

/// Scopes and labels as the JSON text both backends store.
pub(crate) fn encode_collections(spec: &ServiceAccountSpec) -> Result<(String, String), RegistryError> {
    let json_error = |e: serde_json::Error| RegistryError::Storage(format!("cannot encode JSON: {e}"));
    Ok((
        serde_json::to_string(&spec.scopes).map_err(json_error)?,
        serde_json::to_string(&spec.labels).map_err(json_error)?,
    ))
}

/// An audit event's `at` column.
pub(crate) fn parse_event_at(seq: i64, at: &str) -> Result<Timestamp, RegistryError> {
    at.parse::<Timestamp>()
        .map_err(|e| RegistryError::Storage(format!("audit event {seq} has an unreadable at column: {e}")))
}

/// The conflict error for `current` when `expected` was asked for, naming who wrote last.
pub(crate) fn conflict(current: &ServiceAccount, expected: i64, last_writer: Option<Actor>) -> RegistryError {
    let updated_by = match last_writer {
        Some(actor) => {
            let terraform = actor.terraform_version.map(|v| format!("Terraform {v}, ")).unwrap_or_default();
            format!("{} ({terraform}{})", actor.client, actor.operation)
        }
        None => "an unknown client".to_owned(),
    };
    RegistryError::Conflict {
        id: current.id.clone(),
        expected,
        found: current.version,
        updated_at: current.updated_at,
        updated_by,
    }
}

/// The SQL dialects the list query is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// The WHERE conditions (each starting with " AND ") and the text parameters of a list query,
/// ending in ORDER BY.
pub(crate) fn list_conditions(filter: &ServiceAccountFilter, dialect: Dialect) -> (String, Vec<String>) {
    let mut sql = String::new();
    let mut params = Vec::new();
    let bind = |value: String, params: &mut Vec<String>| {
        params.push(value);
        match dialect {
            Dialect::Sqlite => format!("?{}", params.len()),
            Dialect::Postgres => format!("${}", params.len()),
        }
    };
    if let Some(before) = filter.expiring_before {
        sql.push_str(&format!(" AND expires_at <= {}", bind(crate::format_timestamp(before), &mut params)));
    }
    if let Some(after) = filter.expiring_after {
        sql.push_str(&format!(" AND expires_at > {}", bind(crate::format_timestamp(after), &mut params)));
    }
    if let Some(owner) = &filter.owner {
        sql.push_str(&format!(" AND owner = {}", bind(owner.clone(), &mut params)));
    }
    if let Some(environment) = &filter.environment {
        sql.push_str(&format!(" AND environment = {}", bind(environment.clone(), &mut params)));
    }
    if !filter.labels.is_empty() {
        match dialect {
            // Containment, answered by the GIN index on labels.
            Dialect::Postgres => {
                let wanted = serde_json::to_string(&filter.labels).unwrap_or_else(|_| "{}".to_owned());
                sql.push_str(&format!(" AND labels @> {}::text::jsonb", bind(wanted, &mut params)));
            }
            Dialect::Sqlite => {
                for (key, value) in &filter.labels {
                    let (k, v) = (bind(key.clone(), &mut params), bind(value.clone(), &mut params));
                    sql.push_str(&format!(
                        " AND EXISTS (SELECT 1 FROM json_each(labels) WHERE json_each.key = {k} AND json_each.value = {v})"
                    ));
                }
            }
        }
    }
    if !filter.include_disabled {
        sql.push_str(" AND NOT disabled");
    }
    // A key is live at T when it is neither expired nor revoked at T; an overdue one also came
    // due for rotation by T.
    let live_key = |t: &str, extra: &str| {
        format!(
            " AND EXISTS (SELECT 1 FROM api_keys k WHERE k.service_account_id = service_accounts.id
               AND k.expires_at > {t} AND (k.revoke_at IS NULL OR k.revoke_at > {t}){extra})"
        )
    };
    if let Some(at) = filter.static_keys_live_at {
        let t = bind(crate::format_timestamp(at), &mut params);
        sql.push_str(&live_key(&t, ""));
    }
    if let Some(at) = filter.rotation_overdue_at {
        let t = bind(crate::format_timestamp(at), &mut params);
        sql.push_str(&live_key(&t, &format!(" AND k.rotate_at <= {t}")));
    }
    sql.push_str(" ORDER BY name");
    (sql, params)
}

/// The event query for `filter`: SQL whose parameter 1 is `after_seq` and 2 the limit (both
/// integers), followed by the returned text parameters.
pub(crate) fn event_query(filter: &EventFilter, dialect: Dialect) -> (String, Vec<String>) {
    let p = |n: usize| match dialect {
        Dialect::Sqlite => format!("?{n}"),
        Dialect::Postgres => format!("${n}"),
    };
    let mut sql = format!("SELECT {EVENT_COLUMNS} FROM audit_events WHERE seq > {}", p(1));
    let mut params = Vec::new();
    let mut condition = |column: &str, op: &str, value: String| {
        params.push(value);
        sql.push_str(&format!(" AND {column} {op} {}", p(params.len() + 2)));
    };
    if let Some(id) = &filter.subject_id {
        condition("subject_id", "=", id.clone());
    }
    if let Some(name) = &filter.subject_name {
        condition("subject_name", "=", name.clone());
    }
    if let Some(since) = filter.since {
        condition("at", ">=", crate::format_timestamp(since));
    }
    if let Some(until) = filter.until {
        condition("at", "<", crate::format_timestamp(until));
    }
    sql.push_str(&format!(" ORDER BY seq LIMIT {}", p(2)));
    (sql, params)
}
