//! `nhi_api_key`: a governed static API key, the exception to short-lived tokens. It has a
//! justification and an expiry within `policy.static_key_max_lifetime`, may rotate on a
//! schedule with an overlap, and its text never reaches state: state keeps the id and the
//! non-secret prefix; the text is handed out by `ephemeral "nhi_api_key_secret"` only.
//!
//! Rotation follows the rule that planned values never depend on the clock: Read (refresh)
//! sets `rotation_due` once `rotate_at` has passed, and the plan then replaces the key because
//! of that attribute. Destroying a key whose rotation was due keeps it verifying for
//! `rotation_overlap`; any other destroy revokes it at once.

use std::sync::Arc;

use nhi_core::{ExpiryLevel, TextField, Timestamp, Ttl, check_expiry, check_text, non_blank};
use nhi_registry::{ApiKey, Credentials, NewApiKey};
use tfplugin::{
    ApplyRequest, ApplyResponse, Attribute, AttributePath, Block, Diagnostic, Diagnostics, PlanRequest, PlanResponse,
    ReadRequest, ReadResponse, Resource, Schema, Type, ValidateResourceRequest, Value,
};

use crate::fields::{self, Field};
use crate::{Shared, registry_error};

pub const TYPE_NAME: &str = "nhi_api_key";
pub const DEFAULT_OVERLAP: &str = "24h";
/// Arguments whose change creates a new key.
const REPLACING: [&str; 4] = ["service_account", "justification", "expires_at", "rotate_every"];

pub struct ApiKeyResource {
    shared: Arc<Shared>,
}

impl ApiKeyResource {
    pub fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

pub fn schema() -> Schema {
    Schema::new(
        Block::new(vec![
            Attribute::computed("id", Type::String).describe("Registry identifier (`key-…`), assigned at creation. Not secret."),
            Attribute::required("service_account", Type::String)
                .describe("Id (`sa-…`) of the service account the key belongs to, e.g. `nhi_service_account.exporter.id`."),
            Attribute::required("justification", Type::String).describe(format!(
                "Why a static key is needed instead of a short-lived token, e.g. `Vendor X supports only static keys (TICKET-123)`; not blank, at most {} characters.",
                TextField::Purpose.max_len()
            )),
            Attribute::required("expires_at", Type::String)
                .describe("When the key stops verifying, RFC 3339; at most `policy.static_key_max_lifetime` ahead and not after its account expires."),
            Attribute::optional("rotate_every", Type::String).describe(
                "Rotate the key this long after its creation, e.g. `30d`: the first plan after that (with refresh) replaces it, and the old key keeps verifying for `rotation_overlap`.",
            ),
            Attribute::optional_computed("rotation_overlap", Type::String).describe(format!(
                "How long a rotated-out key keeps verifying, so consumers can switch (default `{DEFAULT_OVERLAP}`). A key destroyed for any other reason is revoked at once."
            )),
            Attribute::computed("prefix", Type::String).describe(
                "The key's first characters, `nhik_` and 8 more: a non-secret name for it in logs and inventories.",
            ),
            Attribute::computed("created_at", Type::String).describe("When the key was created (RFC 3339)."),
            Attribute::computed("rotate_at", Type::String)
                .describe("When rotation comes due: `created_at` + `rotate_every`; null without rotation."),
            Attribute::computed("rotation_due", Type::Bool)
                .describe("Set by refresh once `rotate_at` has passed; the next plan then replaces the key."),
        ])
        .describe("A governed static API key: justified, expiring, optionally rotating. Its text never reaches state or plan files: read it with `ephemeral \"nhi_api_key_secret\"` and pass it to a write-only attribute. Needs Terraform 1.11 or later."),
    )
}

/// The error for a Terraform without write-only attributes.
fn needs_write_only() -> Diagnostic {
    Diagnostic::error(
        "nhi_api_key needs Terraform 1.11 or later",
        "This Terraform does not support write-only attributes (it did not announce them in its client capabilities). An API key's text may only reach its consumer as an ephemeral value passed to a write-only attribute; with an older Terraform it would end up in state. Upgrade Terraform to 1.11 or later, or use short-lived tokens (`ephemeral \"nhi_token\"`, Terraform 1.10+).",
    )
}

struct Declared {
    service_account: Field<String>,
    justification: Field<String>,
    expires_at: Field<Timestamp>,
    rotate_every: Field<Ttl>,
    rotation_overlap: Field<Ttl>,
}

fn duration(v: &Value, name: &str, d: &mut Diagnostics) -> Field<Ttl> {
    match fields::string(v, name, d) {
        Field::Known(s) => match Ttl::parse(&s) {
            Ok(t) => Field::Known(t),
            Err(e) => {
                d.error(format!("Invalid `{name}`"), e.to_string(), AttributePath::attr(name));
                Field::Null
            }
        },
        Field::Null => Field::Null,
        Field::Unknown => Field::Unknown,
    }
}

impl Declared {
    fn read(v: &Value, d: &mut Diagnostics) -> Self {
        let declared = Self {
            service_account: fields::string(v, "service_account", d),
            justification: fields::string(v, "justification", d),
            expires_at: fields::timestamp(v, "expires_at", d),
            rotate_every: duration(v, "rotate_every", d),
            rotation_overlap: duration(v, "rotation_overlap", d),
        };
        if let Field::Known(j) = &declared.justification {
            if !non_blank(j) {
                d.error(
                    "`justification` is blank",
                    "Say why a static key is needed instead of a short-lived token, e.g. `Vendor X supports only static keys (TICKET-123)`.",
                    AttributePath::attr("justification"),
                );
            } else if let Err(e) = check_text(TextField::Purpose, j) {
                d.error(
                    "Invalid `justification`",
                    format!("`justification` is refused: {e}."),
                    AttributePath::attr("justification"),
                );
            }
        }
        declared
    }
}

fn key_state(key: &ApiKey, planned: &Value, now: Timestamp) -> Value {
    let mut state = planned.clone();
    state.set_attr("id", Value::from(key.id.as_str()));
    state.set_attr("prefix", Value::from(key.handle.as_str()));
    state.set_attr("created_at", fields::timestamp_value(key.created_at));
    state.set_attr("rotate_at", key.rotation_due_at().map_or(Value::Null, fields::timestamp_value));
    state.set_attr("rotation_due", Value::Bool(key.rotation_due_at().is_some_and(|t| t <= now)));
    if state.attr("rotation_overlap").is_null() {
        state.set_attr("rotation_overlap", Value::from(DEFAULT_OVERLAP));
    }
    state
}

impl Resource for ApiKeyResource {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, req: ValidateResourceRequest) -> Diagnostics {
        let mut d = Diagnostics::new();
        if !req.client.write_only_attributes_allowed {
            d.push(needs_write_only());
            return d;
        }
        Declared::read(&req.config, &mut d);
        d
    }

    fn plan(&self, req: PlanRequest) -> PlanResponse {
        let mut resp = PlanResponse { planned_state: req.proposed_new_state.clone(), ..PlanResponse::default() };
        if req.proposed_new_state.is_null() {
            return resp;
        }
        let Some(cfg) = self.shared.get_or_report(&mut resp.diagnostics) else { return resp };
        let d = &mut resp.diagnostics;
        let declared = Declared::read(&req.config, d);
        let now = self.shared.clock().now();
        let mut planned = req.proposed_new_state.clone();
        if planned.attr("rotation_overlap").is_null() {
            planned.set_attr("rotation_overlap", Value::from(DEFAULT_OVERLAP));
        }
        let prior = &req.prior_state;
        let creating = prior.is_null();
        let mut replace: Vec<AttributePath> = REPLACING
            .iter()
            .filter(|name| !creating && prior.attr(name) != planned.attr(name))
            .map(|name| AttributePath::attr(*name))
            .collect();
        if !creating && prior.attr("rotation_due").as_bool() == Some(true) {
            replace.push(AttributePath::attr("rotation_due"));
            d.push(Diagnostic::warning(
                "API key rotation is due",
                format!(
                    "Key {} ({}) was due for rotation at {}. This plan replaces it; the old key keeps verifying for {} after the apply.",
                    prior.attr("id").as_str().unwrap_or("?"),
                    prior.attr("prefix").as_str().unwrap_or("?"),
                    prior.attr("rotate_at").as_str().unwrap_or("?"),
                    prior.attr("rotation_overlap").as_str().unwrap_or(DEFAULT_OVERLAP),
                ),
            ));
        }
        let new_key = creating || !replace.is_empty();
        if new_key {
            for name in ["id", "prefix", "created_at", "rotate_at"] {
                planned.set_attr(name, Value::Unknown);
            }
            if matches!(declared.rotate_every, Field::Null) {
                planned.set_attr("rotate_at", Value::Null);
            }
            planned.set_attr("rotation_due", Value::Bool(false));
        } else {
            for name in ["id", "prefix", "created_at", "rotate_at", "rotation_due"] {
                planned.set_attr(name, prior.attr(name).clone());
            }
        }
        resp.requires_replace = if creating { Vec::new() } else { replace };

        // Governance of a key being made now; a key carried over is judged by refresh and verification.
        if new_key {
            let policy = &cfg.policy;
            if let Field::Known(expires_at) = declared.expires_at
                && let Some(f) = check_expiry(
                    "API key",
                    expires_at,
                    now,
                    policy.static_key_max_lifetime,
                    "policy.static_key_max_lifetime",
                    Some(policy.warn_before.min(policy.static_key_max_lifetime)),
                    policy.enforcement,
                )
            {
                let diag = match f.level {
                    ExpiryLevel::Error => Diagnostic::error(f.summary, f.detail),
                    ExpiryLevel::Warning => Diagnostic::warning(f.summary, f.detail),
                };
                d.push(diag.at(AttributePath::attr("expires_at")));
            }
            if let Field::Known(every) = declared.rotate_every {
                if every > policy.static_key_max_lifetime {
                    d.error(
                        "`rotate_every` is longer than the policy allows",
                        format!(
                            "Rotating every {every} exceeds policy.static_key_max_lifetime ({}).",
                            policy.static_key_max_lifetime
                        ),
                        AttributePath::attr("rotate_every"),
                    );
                } else if let Field::Known(expires_at) = declared.expires_at
                    && now.checked_add(every.as_signed_duration()).is_ok_and(|due| due >= expires_at)
                {
                    d.warning(
                        "The key expires before it rotates",
                        format!("With `rotate_every = \"{every}\"` the key expires at {expires_at} before its first rotation."),
                        AttributePath::attr("rotate_every"),
                    );
                }
            }
            if let Field::Known(account_id) = &declared.service_account {
                match cfg.store.get_service_account(account_id) {
                    Ok(Some(sa)) => {
                        if sa.spec.disabled {
                            d.error(
                                "Service account is disabled",
                                format!("Service account {:?} is disabled; it gets no new keys.", sa.spec.name),
                                AttributePath::attr("service_account"),
                            );
                        }
                        if let Field::Known(expires_at) = declared.expires_at
                            && expires_at > sa.spec.expires_at
                        {
                            d.error(
                                "API key would outlive its service account",
                                format!(
                                    "The key expires at {expires_at}, after service account {:?} (expires {}). A key may not outlive its account: move `expires_at` earlier.",
                                    sa.spec.name, sa.spec.expires_at
                                ),
                                AttributePath::attr("expires_at"),
                            );
                        }
                    }
                    Ok(None) => d.error(
                        "Service account not found",
                        format!("The registry {} has no service account {account_id:?}. Reference an `nhi_service_account`'s `id`.", cfg.registry_url),
                        AttributePath::attr("service_account"),
                    ),
                    Err(e) => d.extend(registry_error("Cannot read the service account", &e)),
                }
            }
        }
        if let Field::Known(overlap) = declared.rotation_overlap
            && overlap > cfg.policy.static_key_max_lifetime
        {
            d.error(
                "`rotation_overlap` is too long",
                format!(
                    "An overlap of {overlap} exceeds policy.static_key_max_lifetime ({}).",
                    cfg.policy.static_key_max_lifetime
                ),
                AttributePath::attr("rotation_overlap"),
            );
        }
        resp.planned_state = planned;
        resp
    }

    fn apply(&self, req: ApplyRequest) -> ApplyResponse {
        let mut resp = ApplyResponse { new_state: req.prior_state.clone(), ..ApplyResponse::default() };
        let Some((cfg, change)) = self.shared.configured_change("apply", &mut resp.diagnostics) else {
            return resp;
        };
        let prior = &req.prior_state;
        if req.planned_state.is_null() {
            let Some(id) = prior.attr("id").as_str() else {
                resp.new_state = Value::Null;
                return resp;
            };
            let rotated = prior.attr("rotation_due").as_bool() == Some(true);
            let (at, reason) = if rotated {
                let overlap = prior
                    .attr("rotation_overlap")
                    .as_str()
                    .and_then(|s| Ttl::parse(s).ok())
                    .unwrap_or(Ttl::from_hours(24));
                (change.at.checked_add(overlap.as_signed_duration()).unwrap_or(change.at), "rotated")
            } else {
                (change.at, "destroyed")
            };
            match cfg.store.revoke_api_key(id, at, reason, &change) {
                Ok(_) => {
                    tracing::info!(key = %id, reason, revoke_at = %at, "API key retired");
                    resp.new_state = Value::Null;
                }
                Err(e) => resp.diagnostics = registry_error("Cannot revoke the API key", &e),
            }
            return resp;
        }
        let d = &mut resp.diagnostics;
        if !prior.is_null() && prior.attr("id").as_str() == req.planned_state.attr("id").as_str() {
            // Only `rotation_overlap` changes in place: it lives in state alone.
            resp.new_state = req.planned_state.clone();
            return resp;
        }
        let declared = Declared::read(&req.config, d);
        let (Field::Known(account), Field::Known(justification), Field::Known(expires_at)) =
            (&declared.service_account, &declared.justification, declared.expires_at)
        else {
            d.push(Diagnostic::error(
                "Configuration still unknown at apply",
                "`service_account`, `justification` and `expires_at` must be known when the key is created.",
            ));
            return resp;
        };
        let rotate_every = match declared.rotate_every {
            Field::Known(t) => Some(t),
            _ => None,
        };
        let new = NewApiKey { service_account_id: account, justification, expires_at, rotate_every };
        match cfg.store.create_api_key(&new, &change) {
            Ok(key) => {
                tracing::info!(key = %key.id, prefix = %key.handle, "API key created");
                resp.new_state = key_state(&key, &req.planned_state, change.at);
            }
            Err(nhi_registry::RegistryError::NotFound { id }) => d.push(
                Diagnostic::error(
                    "Service account not found",
                    format!("Service account {id} does not exist in the registry."),
                )
                .at(AttributePath::attr("service_account")),
            ),
            Err(e) => d.extend(registry_error("Cannot create the API key", &e)),
        }
        resp
    }

    fn read(&self, req: ReadRequest) -> ReadResponse {
        let mut resp =
            ReadResponse { new_state: req.current_state.clone(), private: req.private, ..ReadResponse::default() };
        let Some(cfg) = self.shared.get_or_report(&mut resp.diagnostics) else { return resp };
        let Some(id) = req.current_state.attr("id").as_str() else { return resp };
        let now = self.shared.clock().now();
        match cfg.store.get_api_key(id) {
            Ok(Some(key)) if !key.is_revoked_at(now) => {
                // `created_at` is only ever written by the provider, always spelled by
                // `fields::timestamp_value`: refresh writes the same text again.
                resp.new_state = key_state(&key, &req.current_state, now);
            }
            // Deleted with its account, or revoked outside Terraform: the next plan creates a new key.
            Ok(_) => {
                tracing::info!(key = id, "API key gone or revoked: removed from state");
                resp.new_state = Value::Null;
            }
            Err(e) => resp.diagnostics = registry_error("Cannot read the API key", &e),
        }
        resp
    }
}
