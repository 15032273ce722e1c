//! Credentials minted and checked by the registry: short-lived tokens (JWTs signed with the
//! registry's Ed25519 keys) and governed static API keys.
//!
//! Nothing here stores a credential's text. A token is recorded by its `jti`; an API key by
//! the SHA-256 of its text. An API key's text is derived again on demand from the registry's
//! derivation secret and the key's id (HMAC-SHA-512), which is how Terraform can receive it in
//! every run as an ephemeral value while neither state nor the registry ever holds it.
//!
//! Written once for both backends over [`crate::sql::Sql`]; every write is one transaction
//! with its audit event. [`Credentials`] is implemented for every [`Store`].

mod crypto;

use std::fmt;

use nhi_core::{Secret, Timestamp, Ttl, check_api_key};

use crate::sql::{Access, Param, Sql, SqlRow, first};
use crate::{Change, RegistryError, ServiceAccount, Store, format_timestamp};

/// Action names of credential audit events.
pub mod actions {
    pub const TOKEN_ISSUE: &str = "token.issue";
    pub const TOKEN_REVOKE: &str = "token.revoke";
    pub const SIGNING_KEY_CREATE: &str = "signing_key.create";
    pub const SIGNING_KEY_ROTATE: &str = "signing_key.rotate";
    pub const API_KEY_CREATE: &str = "api_key.create";
    pub const API_KEY_REVOKE: &str = "api_key.revoke";
}

/// Lock key serialising signing key creation and rotation ("nhi" + 3).
const SIGNING_LOCK: i64 = 0x6e68_6903;
/// Lock key serialising the creation of registry secrets ("nhi" + 4).
const SECRETS_LOCK: i64 = 0x6e68_6904;
const ISSUER: &str = "issuer";
const DERIVATION: &str = "api_key_derivation";

/// A signing key's public half and lifetime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyInfo {
    pub kid: String,
    pub algorithm: String,
    /// 32 bytes (Ed25519).
    pub public_key: Vec<u8>,
    pub created_at: Timestamp,
    /// Signs no more from then on (rotated).
    pub retired_at: Option<Timestamp>,
    /// Verifies no more from then on (the end of the rotation overlap).
    pub verify_until: Option<Timestamp>,
}

impl SigningKeyInfo {
    pub fn verifies_at(&self, now: Timestamp) -> bool {
        self.verify_until.is_none_or(|until| now < until)
    }
}

/// What services need to verify tokens: the issuer and the keys that verify now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jwks {
    pub issuer: String,
    pub keys: Vec<SigningKeyInfo>,
}

impl Jwks {
    /// The JSON Web Key Set document (RFC 7517), what `jwks_uri` endpoints serve.
    pub fn document(&self) -> serde_json::Value {
        let keys: Vec<serde_json::Value> = self
            .keys
            .iter()
            .map(|k| {
                serde_json::json!({
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "x": crypto::base64url(&k.public_key),
                    "kid": k.kid,
                    "use": "sig",
                    "alg": "EdDSA",
                })
            })
            .collect();
        serde_json::json!({ "keys": keys })
    }
}

/// A token issuance as recorded (never the token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub jti: String,
    pub service_account_id: String,
    pub kid: String,
    pub audience: String,
    pub scopes: Vec<String>,
    pub issued_at: Timestamp,
    pub expires_at: Timestamp,
    pub operation: String,
    pub revoked_at: Option<Timestamp>,
}

/// A token just issued. `Debug` never shows the token.
#[derive(Debug, Clone)]
pub struct MintedToken {
    pub token: Secret,
    pub record: IssuedToken,
}

/// What a token is asked for.
#[derive(Debug, Clone)]
pub struct TokenRequest<'a> {
    pub service_account_id: &'a str,
    pub audience: &'a str,
    pub scopes: &'a [String],
    pub ttl: Ttl,
    /// The policy's `max_token_ttl`.
    pub max_ttl: Ttl,
}

/// Why a token was not issued. Each names the request field at fault ([`TokenRefusal::field`]).
#[derive(Debug, thiserror::Error)]
pub enum TokenRefusal {
    #[error("service account {id} does not exist in the registry")]
    AccountNotFound { id: String },
    #[error("service account {name:?} is disabled; a disabled account gets no tokens")]
    AccountDisabled { name: String },
    #[error("service account {name:?} expired at {expired_at}; an expired account gets no tokens")]
    AccountExpired { name: String, expired_at: Timestamp },
    #[error(
        "scope {scope:?} is not granted to service account {name:?} (it has {granted}); a token carries a subset of its account's scopes"
    )]
    ScopeNotGranted { scope: String, name: String, granted: String },
    #[error("ttl {ttl} is longer than policy.max_token_ttl ({max})")]
    TtlOverPolicy { ttl: Ttl, max: Ttl },
    #[error(
        "a token living {ttl} would expire at {expires_at}, after its service account {name:?} (expires {account_expires_at}); shorten ttl or extend the account"
    )]
    OutlivesAccount { ttl: Ttl, expires_at: Timestamp, name: String, account_expires_at: Timestamp },
    #[error("audience is blank; name the service the token is meant for")]
    BlankAudience,
    #[error(transparent)]
    Registry(#[from] RegistryError),
}

impl TokenRefusal {
    /// The request field at fault, if one is.
    pub fn field(&self) -> Option<&'static str> {
        Some(match self {
            Self::AccountNotFound { .. } | Self::AccountDisabled { .. } | Self::AccountExpired { .. } => {
                "service_account"
            }
            Self::ScopeNotGranted { .. } => "scopes",
            Self::TtlOverPolicy { .. } | Self::OutlivesAccount { .. } => "ttl",
            Self::BlankAudience => "audience",
            Self::Registry(_) => return None,
        })
    }

    /// The index in `scopes` of the scope at fault.
    pub fn scope_index(&self, scopes: &[String]) -> Option<usize> {
        match self {
            Self::ScopeNotGranted { scope, .. } => scopes.iter().position(|s| s == scope),
            _ => None,
        }
    }
}

/// A governed static API key as recorded (never its text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// `key-` + a random UUID.
    pub id: String,
    pub service_account_id: String,
    /// `nhik_` and the first characters of the key: a non-secret name for it.
    pub handle: String,
    pub justification: String,
    pub expires_at: Timestamp,
    pub rotate_every: Option<Ttl>,
    pub created_at: Timestamp,
    /// Fails verification from then on.
    pub revoke_at: Option<Timestamp>,
    /// `rotated`, `destroyed` or `revoked`.
    pub revoke_reason: Option<String>,
}

impl ApiKey {
    /// When the key is due for rotation, if it rotates.
    pub fn rotation_due_at(&self) -> Option<Timestamp> {
        let every = self.rotate_every?;
        self.created_at.checked_add(every.as_signed_duration()).ok()
    }

    pub fn is_revoked_at(&self, now: Timestamp) -> bool {
        self.revoke_at.is_some_and(|at| at <= now)
    }
}

/// What an API key is created with.
#[derive(Debug, Clone)]
pub struct NewApiKey<'a> {
    pub service_account_id: &'a str,
    pub justification: &'a str,
    pub expires_at: Timestamp,
    pub rotate_every: Option<Ttl>,
}

/// A key that passed verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedApiKey {
    pub id: String,
    pub handle: String,
    pub service_account_id: String,
    pub service_account_name: String,
    pub scopes: Vec<String>,
    pub expires_at: Timestamp,
    /// Set while the key is inside a rotation overlap: it stops verifying then.
    pub revoke_at: Option<Timestamp>,
}

/// A token that passed verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedToken {
    pub jti: String,
    pub service_account_id: String,
    pub service_account_name: String,
    pub audience: String,
    pub scopes: Vec<String>,
    pub expires_at: Timestamp,
}

/// Why a presented credential is not accepted. Never quotes the credential.
#[derive(Debug, thiserror::Error)]
pub enum Rejection {
    #[error("malformed: {0}")]
    Malformed(String),
    #[error("unknown: no such key in this registry")]
    UnknownKey,
    #[error("unknown: signed by a key this registry does not have, or one retired past its overlap")]
    UnknownSigningKey,
    /// Signature, issuer, audience or claims do not check out.
    #[error("{0}")]
    Invalid(String),
    #[error("unknown: this registry has no record of issuing it")]
    NotIssued,
    #[error("expired at {0}")]
    Expired(Timestamp),
    #[error("not valid before {0}")]
    NotYetValid(Timestamp),
    #[error("revoked at {0}")]
    Revoked(Timestamp),
    #[error("rotated out at {0} (the rotation overlap ended)")]
    RotatedOut(Timestamp),
    #[error("its service account no longer exists")]
    AccountGone,
    #[error("its service account {0:?} is disabled")]
    AccountDisabled(String),
    #[error("its service account {name:?} expired at {at}")]
    AccountExpired { name: String, at: Timestamp },
    /// The registry could not answer: not a judgement on the credential.
    #[error(transparent)]
    Registry(#[from] RegistryError),
}

fn ts(text: &str, what: &str) -> Result<Timestamp, RegistryError> {
    text.parse().map_err(|e| RegistryError::Storage(format!("unreadable {what}: {e}")))
}

fn opt_ts(text: Option<String>, what: &str) -> Result<Option<Timestamp>, RegistryError> {
    text.map(|t| ts(&t, what)).transpose()
}

fn json_list(text: &str) -> Result<Vec<String>, RegistryError> {
    serde_json::from_str(text).map_err(|e| RegistryError::Storage(format!("unreadable scopes: {e}")))
}

const SIGNING_COLUMNS: &str = "kid, algorithm, public_key, created_at, retired_at, verify_until";

fn signing_key(row: &SqlRow) -> Result<SigningKeyInfo, RegistryError> {
    Ok(SigningKeyInfo {
        kid: row.text(0)?,
        algorithm: row.text(1)?,
        public_key: row.blob(2)?,
        created_at: ts(&row.text(3)?, "signing key created_at")?,
        retired_at: opt_ts(row.opt_text(4)?, "signing key retired_at")?,
        verify_until: opt_ts(row.opt_text(5)?, "signing key verify_until")?,
    })
}

const TOKEN_COLUMNS: &str =
    "jti, service_account_id, kid, audience, scopes, issued_at, expires_at, operation, revoked_at";

fn issued_token(row: &SqlRow) -> Result<IssuedToken, RegistryError> {
    Ok(IssuedToken {
        jti: row.text(0)?,
        service_account_id: row.text(1)?,
        kid: row.text(2)?,
        audience: row.text(3)?,
        scopes: json_list(&row.text(4)?)?,
        issued_at: ts(&row.text(5)?, "token issued_at")?,
        expires_at: ts(&row.text(6)?, "token expires_at")?,
        operation: row.text(7)?,
        revoked_at: opt_ts(row.opt_text(8)?, "token revoked_at")?,
    })
}

const KEY_COLUMNS: &str =
    "id, service_account_id, handle, justification, expires_at, rotate_every, created_at, revoke_at, revoke_reason";

fn api_key(row: &SqlRow) -> Result<ApiKey, RegistryError> {
    Ok(ApiKey {
        id: row.text(0)?,
        service_account_id: row.text(1)?,
        handle: row.text(2)?,
        justification: row.text(3)?,
        expires_at: ts(&row.text(4)?, "key expires_at")?,
        rotate_every: row
            .opt_text(5)?
            .map(|t| Ttl::parse(&t).map_err(|e| RegistryError::Storage(format!("unreadable rotate_every: {e}"))))
            .transpose()?,
        created_at: ts(&row.text(6)?, "key created_at")?,
        revoke_at: opt_ts(row.opt_text(7)?, "key revoke_at")?,
        revoke_reason: row.opt_text(8)?,
    })
}

/// Where a registry value lives: public facts, or secrets only the issuing role may read.
#[derive(Clone, Copy)]
enum Table {
    Info,
    Secrets,
}

impl Table {
    fn select(self) -> &'static str {
        match self {
            Table::Info => "SELECT value FROM registry_info WHERE name = $1",
            Table::Secrets => "SELECT value FROM registry_secrets WHERE name = $1",
        }
    }

    fn insert(self) -> &'static str {
        match self {
            Table::Info => {
                "INSERT INTO registry_info (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING"
            }
            Table::Secrets => {
                "INSERT INTO registry_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING"
            }
        }
    }
}

/// A registry value, created (with `make`) on first use.
fn ensure_value(
    sql: &mut dyn Sql,
    table: Table,
    name: &str,
    now: Timestamp,
    make: impl FnOnce() -> Result<Vec<u8>, RegistryError>,
) -> Result<Vec<u8>, RegistryError> {
    let read = |sql: &mut dyn Sql| first(sql.query(table.select(), &[Param::Text(name)])?, |r| r.blob(0));
    if let Some(v) = read(sql)? {
        return Ok(v);
    }
    sql.lock(SECRETS_LOCK)?;
    let value = make()?;
    sql.execute(table.insert(), &[Param::Text(name), Param::Blob(&value), Param::Text(&format_timestamp(now))])?;
    read(sql)?.ok_or_else(|| RegistryError::Storage(format!("registry value {name} vanished")))
}

fn new_issuer() -> Result<Vec<u8>, RegistryError> {
    Ok(format!("urn:nhi:registry:{}", uuid::Uuid::new_v4().hyphenated()).into_bytes())
}

fn utf8_issuer(bytes: Vec<u8>) -> Result<String, RegistryError> {
    String::from_utf8(bytes).map_err(|_| RegistryError::Storage("the issuer is not UTF-8".into()))
}

fn ensure_issuer(sql: &mut dyn Sql, now: Timestamp) -> Result<String, RegistryError> {
    utf8_issuer(ensure_value(sql, Table::Info, ISSUER, now, new_issuer)?)
}

fn read_issuer(sql: &mut dyn Sql) -> Result<Option<String>, RegistryError> {
    first(sql.query(Table::Info.select(), &[Param::Text(ISSUER)])?, |r| r.blob(0))?.map(utf8_issuer).transpose()
}

/// The signing key in use: (kid, PKCS#8), created on first use.
fn active_signing_key(sql: &mut dyn Sql, change: &Change) -> Result<(String, Vec<u8>), RegistryError> {
    let select =
        "SELECT kid, private_key FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid LIMIT 1";
    let read = |sql: &mut dyn Sql| first(sql.query(select, &[])?, |r| Ok((r.text(0)?, r.blob(1)?)));
    if let Some(found) = read(sql)? {
        return Ok(found);
    }
    sql.lock(SIGNING_LOCK)?;
    if let Some(found) = read(sql)? {
        return Ok(found);
    }
    insert_signing_key(sql, change, actions::SIGNING_KEY_CREATE, &serde_json::json!({}))
}

fn insert_signing_key(
    sql: &mut dyn Sql,
    change: &Change,
    action: &str,
    details: &serde_json::Value,
) -> Result<(String, Vec<u8>), RegistryError> {
    let (pkcs8, public) = crypto::new_signing_key()?;
    let kid = crypto::key_id(&public);
    sql.execute(
        "INSERT INTO signing_keys (kid, algorithm, public_key, private_key, created_at) VALUES ($1, 'EdDSA', $2, $3, $4)",
        &[Param::Text(&kid), Param::Blob(&public), Param::Blob(&pkcs8), Param::Text(&format_timestamp(change.at))],
    )?;
    sql.event(change, action, &kid, "signing key", details)?;
    Ok((kid, pkcs8))
}

fn account_name(sql: &mut dyn Sql, id: &str) -> Result<String, RegistryError> {
    Ok(first(sql.query("SELECT name FROM service_accounts WHERE id = $1", &[Param::Text(id)])?, |r| r.text(0))?
        .unwrap_or_else(|| id.to_owned()))
}

/// Runs `f` in a transaction (or on a connection, for reads) of `store` and returns its result.
fn run<S: Store + ?Sized, T>(
    store: &S,
    access: Access,
    mut f: impl FnMut(&mut dyn Sql) -> Result<T, RegistryError>,
) -> Result<T, RegistryError> {
    let mut out = None;
    store.with_sql(access, &mut |sql| {
        out = Some(f(sql)?);
        Ok(())
    })?;
    out.ok_or_else(|| RegistryError::Storage("the backend did not run the statement".into()))
}

/// The judgement of a token request against its account, shared by issuance and the provider's
/// plan-time checks.
pub fn judge_token_request(
    account: &ServiceAccount,
    req: &TokenRequest<'_>,
    now: Timestamp,
) -> Result<Timestamp, TokenRefusal> {
    let name = &account.spec.name;
    if req.audience.trim().is_empty() {
        return Err(TokenRefusal::BlankAudience);
    }
    if account.spec.disabled {
        return Err(TokenRefusal::AccountDisabled { name: name.clone() });
    }
    if account.spec.expires_at <= now {
        return Err(TokenRefusal::AccountExpired { name: name.clone(), expired_at: account.spec.expires_at });
    }
    if let Some(scope) = req.scopes.iter().find(|s| !account.spec.scopes.contains(s)) {
        let granted = if account.spec.scopes.is_empty() {
            "no scopes".to_owned()
        } else {
            account.spec.scopes.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ")
        };
        return Err(TokenRefusal::ScopeNotGranted { scope: scope.clone(), name: name.clone(), granted });
    }
    if req.ttl > req.max_ttl {
        return Err(TokenRefusal::TtlOverPolicy { ttl: req.ttl, max: req.max_ttl });
    }
    let whole = Timestamp::from_second(now.as_second()).unwrap_or(now);
    let expires_at =
        whole.checked_add(req.ttl.as_signed_duration()).map_err(|e| RegistryError::Storage(e.to_string()))?;
    if expires_at > account.spec.expires_at {
        return Err(TokenRefusal::OutlivesAccount {
            ttl: req.ttl,
            expires_at,
            name: name.clone(),
            account_expires_at: account.spec.expires_at,
        });
    }
    Ok(expires_at)
}

/// Token and API key operations on any [`Store`].
pub trait Credentials {
    /// Issues a token after judging the request (see [`TokenRefusal`]); records the issuance
    /// and its audit event in one transaction, creating the registry's issuer and signing key
    /// on first use. `change.at` is the issue time; `change.actor.operation` is recorded.
    fn issue_token(&self, req: &TokenRequest<'_>, change: &Change) -> Result<MintedToken, TokenRefusal>;
    /// Marks a token revoked (verification fails from then on). False when unknown or revoked already.
    fn revoke_token(&self, jti: &str, change: &Change) -> Result<bool, RegistryError>;
    fn get_token(&self, jti: &str) -> Result<Option<IssuedToken>, RegistryError>;
    /// Tokens issued to an account, newest first.
    fn tokens_of(&self, service_account_id: &str) -> Result<Vec<IssuedToken>, RegistryError>;
    /// Tokens neither revoked nor expired at `now`, oldest first.
    fn live_tokens(&self, now: Timestamp) -> Result<Vec<IssuedToken>, RegistryError>;
    /// The issuer and the keys that verify at `now`, creating the issuer and a first signing key
    /// when the registry has none.
    fn jwks(&self, change: &Change) -> Result<Jwks, RegistryError>;
    /// Every signing key ever made, newest first.
    fn signing_keys(&self) -> Result<Vec<SigningKeyInfo>, RegistryError>;
    /// Makes a new signing key the active one; the previous one stops signing now and stops
    /// verifying after `overlap`. Returns the new key.
    fn rotate_signing_key(&self, overlap: Ttl, change: &Change) -> Result<SigningKeyInfo, RegistryError>;
    /// Creates an API key for an existing account (Err(NotFound) otherwise).
    fn create_api_key(&self, new: &NewApiKey<'_>, change: &Change) -> Result<ApiKey, RegistryError>;
    fn get_api_key(&self, id: &str) -> Result<Option<ApiKey>, RegistryError>;
    /// Keys of one account (or all), oldest first.
    fn list_api_keys(&self, service_account_id: Option<&str>) -> Result<Vec<ApiKey>, RegistryError>;
    /// The text of a key, derived again; None when the key does not exist.
    fn api_key_secret(&self, id: &str) -> Result<Option<Secret>, RegistryError>;
    /// Sets when a key stops verifying (never later than an earlier setting) and why. False
    /// when the key does not exist.
    fn revoke_api_key(&self, id: &str, at: Timestamp, reason: &str, change: &Change) -> Result<bool, RegistryError>;
    /// Checks a presented key at `now`.
    fn verify_api_key(&self, presented: &str, now: Timestamp) -> Result<VerifiedApiKey, Rejection>;
    /// Checks a presented token for `audience` at `now`: signature, issuer, audience, times,
    /// the registry's record of it, and its account.
    fn verify_token(&self, token: &str, audience: &str, now: Timestamp) -> Result<VerifiedToken, Rejection>;
}

impl<S: Store + ?Sized> Credentials for S {
    fn issue_token(&self, req: &TokenRequest<'_>, change: &Change) -> Result<MintedToken, TokenRefusal> {
        let account = self
            .get_service_account(req.service_account_id)?
            .ok_or_else(|| TokenRefusal::AccountNotFound { id: req.service_account_id.to_owned() })?;
        let expires_at = judge_token_request(&account, req, change.at)?;
        let issued_at = Timestamp::from_second(change.at.as_second()).unwrap_or(change.at);
        let jti = uuid::Uuid::new_v4().simple().to_string();
        let scopes = serde_json::to_string(req.scopes).map_err(|e| RegistryError::Storage(e.to_string()))?;
        let minted = run(self, Access::Write, |sql| {
            let issuer = ensure_issuer(sql, change.at)?;
            let (kid, pkcs8) = active_signing_key(sql, change)?;
            let claims = crypto::Claims {
                iss: issuer,
                sub: account.id.clone(),
                aud: req.audience.to_owned(),
                scope: req.scopes.join(" "),
                iat: issued_at.as_second(),
                nbf: issued_at.as_second(),
                exp: expires_at.as_second(),
                jti: jti.clone(),
            };
            let token = crypto::sign(&claims, &kid, &pkcs8)?;
            sql.execute(
                &format!("INSERT INTO issued_tokens ({TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)"),
                &[
                    Param::Text(&jti),
                    Param::Text(&account.id),
                    Param::Text(&kid),
                    Param::Text(req.audience),
                    Param::Text(&scopes),
                    Param::Text(&format_timestamp(issued_at)),
                    Param::Text(&format_timestamp(expires_at)),
                    Param::Text(&change.actor.operation),
                ],
            )?;
            let details = serde_json::json!({
                "jti": jti, "audience": req.audience, "scopes": req.scopes,
                "expires_at": expires_at.to_string(), "kid": kid,
            });
            sql.event(change, actions::TOKEN_ISSUE, &account.id, &account.spec.name, &details)?;
            Ok(MintedToken {
                token,
                record: IssuedToken {
                    jti: jti.clone(),
                    service_account_id: account.id.clone(),
                    kid,
                    audience: req.audience.to_owned(),
                    scopes: req.scopes.to_vec(),
                    issued_at,
                    expires_at,
                    operation: change.actor.operation.clone(),
                    revoked_at: None,
                },
            })
        })?;
        Ok(minted)
    }

    fn revoke_token(&self, jti: &str, change: &Change) -> Result<bool, RegistryError> {
        run(self, Access::Write, |sql| {
            let account = first(
                sql.query(
                    "SELECT service_account_id FROM issued_tokens WHERE jti = $1 AND revoked_at IS NULL",
                    &[Param::Text(jti)],
                )?,
                |r| r.text(0),
            )?;
            let Some(account) = account else { return Ok(false) };
            sql.execute(
                "UPDATE issued_tokens SET revoked_at = $2 WHERE jti = $1",
                &[Param::Text(jti), Param::Text(&format_timestamp(change.at))],
            )?;
            let name = account_name(sql, &account)?;
            sql.event(change, actions::TOKEN_REVOKE, &account, &name, &serde_json::json!({ "jti": jti }))?;
            Ok(true)
        })
    }

    fn get_token(&self, jti: &str) -> Result<Option<IssuedToken>, RegistryError> {
        run(self, Access::Read, |sql| {
            first(
                sql.query(&format!("SELECT {TOKEN_COLUMNS} FROM issued_tokens WHERE jti = $1"), &[Param::Text(jti)])?,
                issued_token,
            )
        })
    }

    fn tokens_of(&self, service_account_id: &str) -> Result<Vec<IssuedToken>, RegistryError> {
        run(self, Access::Read, |sql| {
            sql.query(
                &format!(
                    "SELECT {TOKEN_COLUMNS} FROM issued_tokens WHERE service_account_id = $1 ORDER BY issued_at DESC, jti"
                ),
                &[Param::Text(service_account_id)],
            )?
            .iter()
            .map(issued_token)
            .collect()
        })
    }

    fn live_tokens(&self, now: Timestamp) -> Result<Vec<IssuedToken>, RegistryError> {
        let now = format_timestamp(now);
        run(self, Access::Read, |sql| {
            sql.query(
                &format!(
                    "SELECT {TOKEN_COLUMNS} FROM issued_tokens WHERE expires_at > $1 AND revoked_at IS NULL
                     ORDER BY issued_at, jti"
                ),
                &[Param::Text(&now)],
            )?
            .iter()
            .map(issued_token)
            .collect()
        })
    }

    fn jwks(&self, change: &Change) -> Result<Jwks, RegistryError> {
        // Public columns only, so a read-only role can serve the JWKS; a write only when the
        // registry has no issuer or no signing key yet.
        let read = |sql: &mut dyn Sql| -> Result<(Option<String>, Vec<SigningKeyInfo>), RegistryError> {
            let rows =
                sql.query(&format!("SELECT {SIGNING_COLUMNS} FROM signing_keys ORDER BY created_at DESC, kid"), &[])?;
            Ok((read_issuer(sql)?, rows.iter().map(signing_key).collect::<Result<Vec<_>, _>>()?))
        };
        let (mut issuer, mut keys) = run(self, Access::Read, read)?;
        if issuer.is_none() || keys.iter().all(|k| k.retired_at.is_some()) {
            (issuer, keys) = run(self, Access::Write, |sql| {
                ensure_issuer(sql, change.at)?;
                active_signing_key(sql, change)?;
                read(sql)
            })?;
        }
        let issuer = issuer.ok_or_else(|| RegistryError::Storage("the registry has no issuer".into()))?;
        Ok(Jwks { issuer, keys: keys.into_iter().filter(|k| k.verifies_at(change.at)).collect() })
    }

    fn signing_keys(&self) -> Result<Vec<SigningKeyInfo>, RegistryError> {
        run(self, Access::Read, |sql| {
            sql.query(&format!("SELECT {SIGNING_COLUMNS} FROM signing_keys ORDER BY created_at DESC, kid"), &[])?
                .iter()
                .map(signing_key)
                .collect()
        })
    }

    fn rotate_signing_key(&self, overlap: Ttl, change: &Change) -> Result<SigningKeyInfo, RegistryError> {
        let until =
            change.at.checked_add(overlap.as_signed_duration()).map_err(|e| RegistryError::Storage(e.to_string()))?;
        let kid = run(self, Access::Write, |sql| {
            sql.lock(SIGNING_LOCK)?;
            ensure_issuer(sql, change.at)?;
            let retired = sql.query("SELECT kid FROM signing_keys WHERE retired_at IS NULL", &[])?;
            let retired: Vec<String> = retired.iter().map(|r| r.text(0)).collect::<Result<_, _>>()?;
            sql.execute(
                "UPDATE signing_keys SET retired_at = $1, verify_until = $2 WHERE retired_at IS NULL",
                &[Param::Text(&format_timestamp(change.at)), Param::Text(&format_timestamp(until))],
            )?;
            let details = serde_json::json!({ "retired": retired, "verify_until": until.to_string() });
            Ok(insert_signing_key(sql, change, actions::SIGNING_KEY_ROTATE, &details)?.0)
        })?;
        self.signing_keys()?
            .into_iter()
            .find(|k| k.kid == kid)
            .ok_or_else(|| RegistryError::Storage("the new signing key vanished".into()))
    }

    fn create_api_key(&self, new: &NewApiKey<'_>, change: &Change) -> Result<ApiKey, RegistryError> {
        let id = format!("key-{}", uuid::Uuid::new_v4().hyphenated());
        run(self, Access::Write, |sql| {
            let name = first(
                sql.query("SELECT name FROM service_accounts WHERE id = $1", &[Param::Text(new.service_account_id)])?,
                |r| r.text(0),
            )?
            .ok_or_else(|| RegistryError::NotFound { id: new.service_account_id.to_owned() })?;
            let secret = ensure_value(sql, Table::Secrets, DERIVATION, change.at, || crypto::random_bytes(32))?;
            let text = crypto::derive_api_key(&secret, &id)?;
            let handle = nhi_core::api_key_handle(text.expose())
                .ok_or_else(|| RegistryError::Storage("a derived key is malformed".into()))?
                .to_owned();
            let hash = crypto::key_hash(text.expose());
            let rotate_every = new.rotate_every.map(|t| t.to_string());
            let rotate_at = new
                .rotate_every
                .and_then(|every| change.at.checked_add(every.as_signed_duration()).ok())
                .map(format_timestamp);
            sql.execute(
                &format!(
                    "INSERT INTO api_keys ({KEY_COLUMNS}, secret_hash, rotate_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, $8, $9)"
                ),
                &[
                    Param::Text(&id),
                    Param::Text(new.service_account_id),
                    Param::Text(&handle),
                    Param::Text(new.justification),
                    Param::Text(&format_timestamp(new.expires_at)),
                    Param::OptText(rotate_every.as_deref()),
                    Param::Text(&format_timestamp(change.at)),
                    Param::Blob(&hash),
                    Param::OptText(rotate_at.as_deref()),
                ],
            )?;
            let details = serde_json::json!({
                "key_id": id, "handle": handle, "expires_at": new.expires_at.to_string(),
                "rotate_every": rotate_every,
            });
            sql.event(change, actions::API_KEY_CREATE, new.service_account_id, &name, &details)?;
            Ok(ApiKey {
                id: id.clone(),
                service_account_id: new.service_account_id.to_owned(),
                handle,
                justification: new.justification.to_owned(),
                expires_at: new.expires_at,
                rotate_every: new.rotate_every,
                created_at: change.at,
                revoke_at: None,
                revoke_reason: None,
            })
        })
    }

    fn get_api_key(&self, id: &str) -> Result<Option<ApiKey>, RegistryError> {
        run(self, Access::Read, |sql| {
            first(sql.query(&format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE id = $1"), &[Param::Text(id)])?, api_key)
        })
    }

    fn list_api_keys(&self, service_account_id: Option<&str>) -> Result<Vec<ApiKey>, RegistryError> {
        run(self, Access::Read, |sql| {
            let rows = match service_account_id {
                Some(account) => sql.query(
                    &format!(
                        "SELECT {KEY_COLUMNS} FROM api_keys WHERE service_account_id = $1 ORDER BY created_at, id"
                    ),
                    &[Param::Text(account)],
                )?,
                None => sql.query(&format!("SELECT {KEY_COLUMNS} FROM api_keys ORDER BY created_at, id"), &[])?,
            };
            rows.iter().map(api_key).collect()
        })
    }

    fn api_key_secret(&self, id: &str) -> Result<Option<Secret>, RegistryError> {
        run(self, Access::Read, |sql| {
            let exists = !sql.query("SELECT 1 FROM api_keys WHERE id = $1", &[Param::Text(id)])?.is_empty();
            if !exists {
                return Ok(None);
            }
            let secret = first(
                sql.query("SELECT value FROM registry_secrets WHERE name = $1", &[Param::Text(DERIVATION)])?,
                |r| r.blob(0),
            )?
            .ok_or_else(|| RegistryError::Storage("the key derivation secret is missing".into()))?;
            crypto::derive_api_key(&secret, id).map(Some)
        })
    }

    fn revoke_api_key(&self, id: &str, at: Timestamp, reason: &str, change: &Change) -> Result<bool, RegistryError> {
        run(self, Access::Write, |sql| {
            let Some(key) = first(
                sql.query(&format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE id = $1"), &[Param::Text(id)])?,
                api_key,
            )?
            else {
                return Ok(false);
            };
            if key.revoke_at.is_some_and(|earlier| earlier <= at) {
                return Ok(true);
            }
            sql.execute(
                "UPDATE api_keys SET revoke_at = $2, revoke_reason = $3 WHERE id = $1",
                &[Param::Text(id), Param::Text(&format_timestamp(at)), Param::Text(reason)],
            )?;
            let name = account_name(sql, &key.service_account_id)?;
            let details = serde_json::json!({
                "key_id": id, "handle": key.handle, "revoke_at": at.to_string(), "reason": reason,
            });
            sql.event(change, actions::API_KEY_REVOKE, &key.service_account_id, &name, &details)?;
            Ok(true)
        })
    }

    fn verify_api_key(&self, presented: &str, now: Timestamp) -> Result<VerifiedApiKey, Rejection> {
        let presented = presented.trim();
        check_api_key(presented).map_err(|e| Rejection::Malformed(format!("not an nhi API key: {e}")))?;
        let hash = crypto::key_hash(presented);
        // Two point lookups rather than a join: SQLite plans a join again for every new binding
        // of the hash (measured 4x slower), while each lookup here stays a cached plan.
        let row = run(self, Access::Read, |sql| {
            let key = first(
                sql.query(
                    "SELECT id, handle, service_account_id, expires_at, revoke_at, revoke_reason
                     FROM api_keys WHERE secret_hash = $1",
                    &[Param::Blob(&hash)],
                )?,
                |r| {
                    Ok((
                        r.text(0)?,
                        r.text(1)?,
                        r.text(2)?,
                        ts(&r.text(3)?, "key expires_at")?,
                        opt_ts(r.opt_text(4)?, "key revoke_at")?,
                        r.opt_text(5)?,
                    ))
                },
            )?;
            let Some((id, handle, account_id, expires_at, revoke_at, reason)) = key else { return Ok(None) };
            let account = first(
                sql.query(
                    "SELECT name, disabled, expires_at, scopes FROM service_accounts WHERE id = $1",
                    &[Param::Text(&account_id)],
                )?,
                |r| Ok((r.text(0)?, r.int(1)? != 0, ts(&r.text(2)?, "account expires_at")?, json_list(&r.text(3)?)?)),
            )?;
            Ok(account.map(|(name, disabled, account_expires, scopes)| {
                (id, handle, account_id, expires_at, revoke_at, reason, name, disabled, account_expires, scopes)
            }))
        })?;
        let Some((id, handle, account_id, expires_at, revoke_at, reason, name, disabled, account_expires, scopes)) =
            row
        else {
            return Err(Rejection::UnknownKey);
        };
        if let Some(at) = revoke_at.filter(|at| *at <= now) {
            return Err(if reason.as_deref() == Some("rotated") {
                Rejection::RotatedOut(at)
            } else {
                Rejection::Revoked(at)
            });
        }
        if expires_at <= now {
            return Err(Rejection::Expired(expires_at));
        }
        if disabled {
            return Err(Rejection::AccountDisabled(name));
        }
        if account_expires <= now {
            return Err(Rejection::AccountExpired { name, at: account_expires });
        }
        Ok(VerifiedApiKey {
            id,
            handle,
            service_account_id: account_id,
            service_account_name: name,
            scopes,
            expires_at,
            revoke_at,
        })
    }

    fn verify_token(&self, token: &str, audience: &str, now: Timestamp) -> Result<VerifiedToken, Rejection> {
        let token = token.trim();
        let kid = crypto::token_kid(token).map_err(Rejection::Malformed)?;
        let (issuer, key) = run(self, Access::Read, |sql| {
            let issuer = read_issuer(sql)?;
            let key = first(
                sql.query(&format!("SELECT {SIGNING_COLUMNS} FROM signing_keys WHERE kid = $1"), &[Param::Text(&kid)])?,
                signing_key,
            )?;
            Ok((issuer, key))
        })?;
        let (Some(issuer), Some(key)) = (issuer, key.filter(|k| k.verifies_at(now))) else {
            return Err(Rejection::UnknownSigningKey);
        };
        let claims = crypto::verify(token, &key.public_key, &issuer, audience).map_err(Rejection::Invalid)?;
        let at = |secs: i64| {
            Timestamp::from_second(secs).map_err(|_| Rejection::Invalid("a time claim is out of range".into()))
        };
        let (nbf, exp) = (at(claims.nbf)?, at(claims.exp)?);
        if now >= exp {
            return Err(Rejection::Expired(exp));
        }
        if now < nbf {
            return Err(Rejection::NotYetValid(nbf));
        }
        let record = self.get_token(&claims.jti)?.ok_or(Rejection::NotIssued)?;
        if record.service_account_id != claims.sub {
            return Err(Rejection::NotIssued);
        }
        if let Some(revoked) = record.revoked_at.filter(|t| *t <= now) {
            return Err(Rejection::Revoked(revoked));
        }
        let account = self.get_service_account(&claims.sub)?.ok_or(Rejection::AccountGone)?;
        if account.spec.disabled {
            return Err(Rejection::AccountDisabled(account.spec.name));
        }
        if account.spec.expires_at <= now {
            return Err(Rejection::AccountExpired { name: account.spec.name, at: account.spec.expires_at });
        }
        Ok(VerifiedToken {
            jti: claims.jti,
            service_account_id: account.id,
            service_account_name: account.spec.name,
            audience: claims.aud,
            scopes: record.scopes,
            expires_at: exp,
        })
    }
}

impl fmt::Display for SigningKeyInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}, created {})", self.kid, self.algorithm, self.created_at)
    }
}
