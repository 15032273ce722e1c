//! `ephemeral "nhi_token"`: a short-lived, audience-bound JWT minted by the registry for a
//! service account, signed with the registry's Ed25519 key.
//!
//! Terraform opens it in each phase that needs it (plan and apply each get their own token)
//! and closes it when the phase ends; closing revokes the token's `jti` in the registry, so a
//! token copied out of a run stops verifying against the registry when the run ends (its
//! signature stays valid until `exp` for verifiers that check only the JWKS). Tokens are not
//! renewed: Terraform is given no `renew_at`, and a phase that outlives the token gets no new
//! one; choose a `ttl` that covers the run.

use std::sync::Arc;

use nhi_core::{Scope, TextField, Ttl, check_text};
use nhi_registry::{Credentials, TokenRefusal, TokenRequest};
use tfplugin::{
    Attribute, AttributePath, Block, Diagnostic, Diagnostics, EphemeralResource, OpenRequest, OpenResponse,
    RenewResponse, Schema, Type, Value,
};

use crate::fields::{self, Field};
use crate::{Shared, registry_error};

pub const TYPE_NAME: &str = "nhi_token";
/// The lifetime of a token when `ttl` is not given (capped by `policy.max_token_ttl`).
pub const DEFAULT_TTL: Ttl = Ttl::from_secs_unchecked(15 * 60);

pub struct TokenEphemeral {
    shared: Arc<Shared>,
}

impl TokenEphemeral {
    pub fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

pub fn schema() -> Schema {
    Schema::new(
        Block::new(vec![
            Attribute::required("service_account", Type::String)
                .describe("Id (`sa-…`) of the service account the token is for, e.g. `nhi_service_account.exporter.id`. It must exist, be enabled and not be expired."),
            Attribute::required("audience", Type::String)
                .describe("The service the token is meant for (the `aud` claim), e.g. `warehouse`. Verifiers refuse tokens meant for others."),
            Attribute::optional("scopes", Type::list(Type::String))
                .describe("Scopes the token carries (the space-separated `scope` claim): a subset of the account's scopes. Default: none."),
            Attribute::optional("ttl", Type::String).describe(
                "Lifetime, e.g. `15m` (default, or `policy.max_token_ttl` when that is shorter). At most `policy.max_token_ttl`, and the token may not outlive its account.",
            ),
            Attribute::computed("token", Type::String)
                .sensitive()
                .describe("The signed JWT (EdDSA). Claims: `iss` (the registry), `sub` (the account id), `aud`, `scope`, `iat`, `nbf`, `exp`, `jti`; header `kid`. Verify it against `data.nhi_jwks`."),
            Attribute::computed("jti", Type::String).describe("The token's unique id, as recorded in the registry."),
            Attribute::computed("expires_at", Type::String).describe("When the token expires (RFC 3339)."),
        ])
        .describe("A short-lived, audience-bound token for a service account, issued at run time and never stored in state or plan files. Every issuance is recorded in the registry; the token is revoked when Terraform closes it at the end of the run. It is never renewed: a run that outlives `ttl` gets no fresh token (Terraform is given no renewal time), so choose a `ttl` that covers the run."),
    )
}

/// The request as far as it is known.
struct Declared {
    service_account: Field<String>,
    audience: Field<String>,
    scopes: Field<Vec<String>>,
    ttl: Field<Ttl>,
}

impl Declared {
    fn read(config: &Value, d: &mut Diagnostics) -> Self {
        let ttl = match fields::string(config, "ttl", d) {
            Field::Known(s) => match Ttl::parse(&s) {
                Ok(t) => Field::Known(t),
                Err(e) => {
                    d.error("Invalid `ttl`", e.to_string(), AttributePath::attr("ttl"));
                    Field::Null
                }
            },
            Field::Null => Field::Null,
            Field::Unknown => Field::Unknown,
        };
        let declared = Self {
            service_account: fields::string(config, "service_account", d),
            audience: fields::string(config, "audience", d),
            scopes: fields::string_list(config, "scopes", d),
            ttl,
        };
        if let Field::Known(a) = &declared.audience {
            if a.trim().is_empty() {
                d.error(
                    "`audience` is blank",
                    "Name the service the token is meant for, e.g. `warehouse`.",
                    AttributePath::attr("audience"),
                );
            } else if let Err(e) = check_text(TextField::Scope, a) {
                d.error("Invalid `audience`", format!("`audience` is refused: {e}."), AttributePath::attr("audience"));
            }
        }
        if let Field::Known(scopes) = &declared.scopes {
            for (i, s) in scopes.iter().enumerate() {
                if let Err(e) = Scope::parse(s) {
                    d.error("Invalid scope", e.to_string(), AttributePath::attr("scopes").join_index(i));
                }
            }
        }
        declared
    }
}

impl EphemeralResource for TokenEphemeral {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        Declared::read(config, &mut d);
        d
    }

    fn open(&self, req: OpenRequest) -> OpenResponse {
        let mut resp = OpenResponse::default();
        let Some((cfg, change)) = self.shared.configured_change("open", &mut resp.diagnostics) else {
            return resp;
        };
        let d = &mut resp.diagnostics;
        let declared = Declared::read(&req.config, d);
        if d.has_errors() {
            return resp;
        }
        let (Field::Known(account), Field::Known(audience)) = (&declared.service_account, &declared.audience) else {
            d.push(Diagnostic::error(
                "Token request still unknown",
                "`service_account` and `audience` must be known when the token is opened.",
            ));
            return resp;
        };
        let scopes = match declared.scopes {
            Field::Known(s) => s,
            _ => Vec::new(),
        };
        let ttl = match declared.ttl {
            Field::Known(t) => t,
            _ => DEFAULT_TTL.min(cfg.policy.max_token_ttl),
        };
        let request = TokenRequest {
            service_account_id: account,
            audience,
            scopes: &scopes,
            ttl,
            max_ttl: cfg.policy.max_token_ttl,
        };
        match cfg.store.issue_token(&request, &change) {
            Ok(minted) => {
                tracing::info!(jti = %minted.record.jti, account = %account, audience = %audience, "token issued");
                resp.result = Value::object([
                    ("service_account", Value::from(account.as_str())),
                    ("audience", Value::from(audience.as_str())),
                    ("scopes", req.config.attr("scopes").clone()),
                    ("ttl", req.config.attr("ttl").clone()),
                    ("token", Value::from(minted.token.expose())),
                    ("jti", Value::from(minted.record.jti.as_str())),
                    ("expires_at", fields::timestamp_value(minted.record.expires_at)),
                ]);
                resp.private = Some(minted.record.jti.into_bytes());
            }
            Err(TokenRefusal::Registry(e)) => d.extend(registry_error("Cannot issue the token", &e)),
            Err(refusal) => {
                let path = match refusal.field() {
                    Some("scopes") => match refusal.scope_index(&scopes) {
                        Some(i) => AttributePath::attr("scopes").join_index(i),
                        None => AttributePath::attr("scopes"),
                    },
                    Some(field) => AttributePath::attr(field),
                    None => AttributePath::root(),
                };
                d.push(Diagnostic::error("Token refused", format!("{refusal}.")).at(path));
            }
        }
        resp
    }

    /// Nothing to extend: a token's `exp` is signed into it. Terraform is never given a
    /// `renew_at`, so it has no reason to call this; if it does, it learns the same.
    fn renew(&self, private: Option<Vec<u8>>) -> RenewResponse {
        RenewResponse { private, renew_at: None, diagnostics: Diagnostics::new() }
    }

    /// Revokes the token: it was for this run only.
    fn close(&self, private: Option<Vec<u8>>) -> Diagnostics {
        let Some(jti) = private.and_then(|p| String::from_utf8(p).ok()) else { return Diagnostics::new() };
        let mut diagnostics = Diagnostics::new();
        let Some((cfg, change)) = self.shared.configured_change("close", &mut diagnostics) else {
            return diagnostics;
        };
        match cfg.store.revoke_token(&jti, &change) {
            Ok(_) => {
                tracing::info!(jti = %jti, "token revoked at close");
                Diagnostics::new()
            }
            Err(e) => {
                let mut d = registry_error("Cannot revoke the token", &e);
                d.push(Diagnostic::warning(
                    "The token stays valid until it expires",
                    format!("Token {jti} could not be revoked when Terraform closed it; it verifies until its `exp`."),
                ));
                d
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use nhi_core::{FixedClock, Timestamp};
    use nhi_registry::{Actor, Change, ServiceAccountSpec};
    use tfplugin::{ClientCapabilities, ConfigureRequest, OpenRequest, Provider, Value};

    use crate::NhiProvider;

    /// Open issues a token without a `renew_at`, so Terraform never calls Renew; if it does,
    /// Renew extends nothing and asks for no further call. Close revokes.
    #[test]
    fn tokens_are_not_renewed_and_close_revokes() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("r.db").display());
        let store = nhi_registry::open(&url).unwrap();
        let now: Timestamp = "2026-06-01T00:00:00Z".parse().unwrap();
        let change = Change { actor: Actor::default(), at: now };
        let spec = ServiceAccountSpec {
            name: "exporter".into(),
            owner: "o@example.com".into(),
            purpose: "p".into(),
            expires_at: "2026-09-01T00:00:00Z".parse().unwrap(),
            scopes: vec!["warehouse:write".into()],
            environment: None,
            labels: Default::default(),
            disabled: false,
        };
        let sa = store.create_service_account(&spec, &change).unwrap();
        let provider = NhiProvider::with_clock(Arc::new(FixedClock::new(now)));
        let config = Value::object([("registry", Value::from(url.as_str())), ("policy", Value::Null)]);
        let client = ClientCapabilities::default();
        let d = provider.configure(ConfigureRequest { terraform_version: "1.15.5".into(), config, client });
        assert!(d.is_empty(), "{d:?}");
        let token = provider.ephemeral_resources().into_iter().find(|e| e.type_name() == super::TYPE_NAME).unwrap();
        let opened = token.open(OpenRequest {
            config: Value::object([
                ("service_account", Value::from(sa.id.as_str())),
                ("audience", Value::from("warehouse")),
                ("scopes", Value::Null),
                ("ttl", Value::Null),
            ]),
            client,
        });
        assert!(opened.diagnostics.is_empty(), "{:?}", opened.diagnostics);
        assert_eq!(opened.renew_at, None, "no renewal requested");
        assert_eq!(opened.result.attr("expires_at").as_str(), Some("2026-06-01T00:15:00Z"), "the default ttl is 15m");
        let renewed = token.renew(opened.private.clone());
        assert!(renewed.diagnostics.is_empty() && renewed.renew_at.is_none());
        assert_eq!(renewed.private, opened.private);
        let jti = String::from_utf8(opened.private.clone().unwrap()).unwrap();
        assert!(token.close(opened.private).is_empty());
        assert!(nhi_registry::Credentials::get_token(store.as_ref(), &jti).unwrap().unwrap().revoked_at.is_some());
    }
}
