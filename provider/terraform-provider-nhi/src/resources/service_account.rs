//! `nhi_service_account`: a service account with a mandatory owner, purpose and expiry.

use std::collections::BTreeMap;
use std::sync::Arc;

use nhi_core::{MAX_LABELS, MAX_SCOPES, Scope, TextField, Timestamp, check_text, non_blank};
use nhi_registry::{RegistryError, ServiceAccount, ServiceAccountSpec};
use tfplugin::{
    ApplyRequest, ApplyResponse, Attribute, AttributePath, Block, Diagnostic, Diagnostics, IdentityAttribute,
    IdentitySchema, ImportRequest, ImportResponse, PlanRequest, PlanResponse, ReadRequest, ReadResponse, Resource,
    Schema, Type, ValidateResourceRequest, Value,
};

use crate::fields::{self, Field};
use crate::governance;
use crate::{Shared, registry_error};

pub const TYPE_NAME: &str = "nhi_service_account";

/// What the provider keeps in the resource's private state: opaque to users, never shown in
/// plans, carried by Terraform from read to plan to apply.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Private {
    /// The registry version this state was read or written at: an update is refused with a
    /// conflict when the registry holds another one (optimistic concurrency), so a change made
    /// meanwhile by another Terraform run, state or tool is never silently overwritten.
    version: Option<i64>,
    /// `expires_at` was unknown at plan time and must be judged before anything is written
    /// (fail closed).
    check_expiry_at_apply: bool,
}

/// What 0.1.0 wrote as its whole private data before versions were kept.
const LEGACY_CHECK_EXPIRY_AT_APPLY: &[u8] = b"check-expiry-at-apply";

impl Private {
    fn decode(bytes: &[u8]) -> Self {
        if bytes == LEGACY_CHECK_EXPIRY_AT_APPLY {
            return Self { version: None, check_expiry_at_apply: true };
        }
        // Anything unreadable (empty, or written by another version) means "nothing known":
        // no version check, which is how accounts behaved before versions existed.
        let value: serde_json::Value = serde_json::from_slice(bytes).unwrap_or_default();
        Self {
            version: value["version"].as_i64(),
            check_expiry_at_apply: value["check_expiry_at_apply"].as_bool().unwrap_or(false),
        }
    }

    fn encode(self) -> Vec<u8> {
        let mut object = serde_json::Map::new();
        if let Some(v) = self.version {
            object.insert("version".to_owned(), v.into());
        }
        if self.check_expiry_at_apply {
            object.insert("check_expiry_at_apply".to_owned(), true.into());
        }
        if object.is_empty() { Vec::new() } else { serde_json::Value::Object(object).to_string().into_bytes() }
    }

    fn at(version: i64) -> Vec<u8> {
        Self { version: Some(version), check_expiry_at_apply: false }.encode()
    }
}

pub struct ServiceAccountResource {
    shared: Arc<Shared>,
}

impl ServiceAccountResource {
    pub fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

/// How `name` is described wherever it is given: the pattern and limit [`check_text`] enforces.
pub(crate) fn name_rule() -> String {
    format!(
        "lower-case letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most {} characters",
        TextField::Name.max_len()
    )
}

pub fn schema() -> Schema {
    // The limits in the descriptions come from the constants the checks use.
    let max = TextField::max_len;
    Schema::new(
        Block::new(vec![
            Attribute::computed("id", Type::String).describe("Registry identifier (`sa-…`), assigned at creation."),
            Attribute::required("name", Type::String)
                .describe(format!("Unique name of the service account: {}. Changing it replaces the account.", name_rule())),
            Attribute::required("owner", Type::String)
                .describe(format!("Team or person accountable for the account, e.g. `payments-team@example.com`; at most {} characters.", max(TextField::Owner))),
            Attribute::required("purpose", Type::String)
                .describe(format!("What the account is for, in a sentence; at most {} characters.", max(TextField::Purpose))),
            Attribute::required("expires_at", Type::String).describe(
                "When the account expires, RFC 3339 (`YYYY-MM-DDThh:mm:ssZ`); at most `policy.max_lifetime` ahead. `time_offset.NAME.rfc3339` (hashicorp/time) fixes it at creation.",
            ),
            Attribute::optional("scopes", Type::list(Type::String))
                .describe(format!("Permissions granted, e.g. `[\"invoices:read\"]`: at most {MAX_SCOPES} scopes of at most {} characters. Broad scopes (`*`, `invoices:*`, admin) are warned about, or refused under `policy.deny_broad_scopes`.", max(TextField::Scope))),
            Attribute::optional("environment", Type::String).describe("Deployment environment, e.g. `prod`; the same pattern as `name`."),
            Attribute::optional("labels", Type::map(Type::String)).describe(format!("Free-form labels, e.g. a cost center: at most {MAX_LABELS}, keys of at most {} characters, values of at most {}.", max(TextField::LabelKey), max(TextField::LabelValue))),
            Attribute::optional_computed("disabled", Type::Bool)
                .describe("A disabled account keeps its record but gets no tokens. Default `false`."),
            Attribute::computed("created_at", Type::String)
                .describe("When the registry created the account (RFC 3339)."),
        ])
        .describe("A governed service account: every account has an owner, a purpose and an expiry. Text fields refuse control and bidirectional-formatting characters (newlines, tabs, NUL, terminal escapes)."),
    )
}

pub fn identity_schema() -> IdentitySchema {
    IdentitySchema {
        version: 0,
        attributes: vec![
            IdentityAttribute {
                name: "id".into(),
                ty: Type::String,
                required_for_import: false,
                description: "Registry identifier (`sa-…`). Give this or `name` to import.".into(),
            },
            IdentityAttribute {
                name: "name".into(),
                ty: Type::String,
                required_for_import: false,
                description: "Unique name of the account. Give this or `id` to import.".into(),
            },
        ],
    }
}

/// The user-declared fields, as far as they are known.
struct Declared {
    name: Field<String>,
    owner: Field<String>,
    purpose: Field<String>,
    expires_at: Field<Timestamp>,
    scopes: Field<Vec<String>>,
    environment: Field<String>,
    labels: Field<BTreeMap<String, String>>,
    disabled: Field<bool>,
}

impl Declared {
    fn read(v: &Value, d: &mut Diagnostics) -> Self {
        Self {
            name: fields::string(v, "name", d),
            owner: fields::string(v, "owner", d),
            purpose: fields::string(v, "purpose", d),
            expires_at: fields::timestamp(v, "expires_at", d),
            scopes: fields::string_list(v, "scopes", d),
            environment: fields::string(v, "environment", d),
            labels: fields::string_map(v, "labels", d),
            disabled: fields::boolean(v, "disabled", d),
        }
    }

    /// Checks that need no policy: blank texts and scope syntax.
    fn validate(&self, d: &mut Diagnostics) {
        for (name, field, hint) in [
            ("name", &self.name, "a unique name such as `billing-exporter`"),
            ("owner", &self.owner, "the team or person accountable, e.g. `payments-team@example.com`"),
            ("purpose", &self.purpose, "a sentence saying what the account is for"),
        ] {
            if let Field::Known(s) = field
                && !non_blank(s)
            {
                d.error(format!("`{name}` is blank"), format!("Set `{name}` to {hint}."), AttributePath::attr(name));
            }
        }
        // Text hygiene: the name pattern, no control characters, maximum lengths.
        for (name, field, kind) in [
            ("name", &self.name, TextField::Name),
            ("owner", &self.owner, TextField::Owner),
            ("purpose", &self.purpose, TextField::Purpose),
            ("environment", &self.environment, TextField::Environment),
        ] {
            if let Field::Known(s) = field
                && non_blank(s)
                && let Err(e) = check_text(kind, s)
            {
                d.error(format!("Invalid `{name}`"), format!("`{name}` is refused: {e}."), AttributePath::attr(name));
            }
        }
        if let Field::Known(labels) = &self.labels {
            if labels.len() > MAX_LABELS {
                d.error(
                    "Too many labels",
                    format!("{} labels; at most {MAX_LABELS} are kept.", labels.len()),
                    AttributePath::attr("labels"),
                );
            }
            for (k, v) in labels {
                let at = AttributePath::attr("labels").join_key(k.clone());
                if let Err(e) = check_text(TextField::LabelKey, k) {
                    d.error("Invalid label key", format!("A label key is refused: {e}."), at.clone());
                }
                if let Err(e) = check_text(TextField::LabelValue, v) {
                    d.error("Invalid label value", format!("The value of label {k:?} is refused: {e}."), at);
                }
            }
        }
        if let Field::Known(scopes) = &self.scopes {
            if scopes.len() > MAX_SCOPES {
                d.error(
                    "Too many scopes",
                    format!("{} scopes; at most {MAX_SCOPES}.", scopes.len()),
                    AttributePath::attr("scopes"),
                );
            }
            for (i, s) in scopes.iter().enumerate() {
                if let Err(e) = check_text(TextField::Scope, s) {
                    d.error(
                        "Invalid scope",
                        format!("Scope {} is refused: {e}.", i + 1),
                        AttributePath::attr("scopes").join_index(i),
                    );
                    continue;
                }
                if let Err(e) = Scope::parse(s) {
                    d.error(
                        "Invalid scope",
                        format!("{e}. Write scopes as `resource:action`, e.g. `invoices:read`."),
                        AttributePath::attr("scopes").join_index(i),
                    );
                }
            }
            let mut seen = std::collections::BTreeSet::new();
            for (i, s) in scopes.iter().enumerate() {
                if !seen.insert(s) {
                    d.error(
                        "Duplicate scope",
                        format!("{s:?} is listed more than once; remove the repetition."),
                        AttributePath::attr("scopes").join_index(i),
                    );
                }
            }
        }
        if let Field::Known(env) = &self.environment
            && !non_blank(env)
        {
            d.error(
                "`environment` is blank",
                "Set `environment` to a name such as `prod`, or leave it out.",
                AttributePath::attr("environment"),
            );
        }
    }

    /// The spec when every field is known.
    fn spec(&self) -> Option<ServiceAccountSpec> {
        let known = |f: &Field<String>| match f {
            Field::Known(s) => Some(s.clone()),
            _ => None,
        };
        Some(ServiceAccountSpec {
            name: known(&self.name)?,
            owner: known(&self.owner)?,
            purpose: known(&self.purpose)?,
            expires_at: match self.expires_at {
                Field::Known(t) => t,
                _ => return None,
            },
            scopes: match &self.scopes {
                Field::Known(s) => s.clone(),
                Field::Null => Vec::new(),
                Field::Unknown => return None,
            },
            environment: match &self.environment {
                Field::Known(s) => Some(s.clone()),
                Field::Null => None,
                Field::Unknown => return None,
            },
            labels: match &self.labels {
                Field::Known(m) => m.clone(),
                Field::Null => BTreeMap::new(),
                Field::Unknown => return None,
            },
            disabled: match self.disabled {
                Field::Known(b) => b,
                Field::Null => false,
                Field::Unknown => return None,
            },
        })
    }
}

/// A registry record as a value of this schema, in canonical spelling: UTC whole-second
/// timestamps, lists and maps always present (empty when there is nothing).
pub fn record_value(sa: &ServiceAccount) -> Value {
    let spec = &sa.spec;
    Value::object([
        ("id", Value::from(sa.id.as_str())),
        ("name", Value::from(spec.name.as_str())),
        ("owner", Value::from(spec.owner.as_str())),
        ("purpose", Value::from(spec.purpose.as_str())),
        ("expires_at", fields::timestamp_value(spec.expires_at)),
        ("scopes", fields::list_value(&spec.scopes)),
        ("environment", Value::from(spec.environment.clone())),
        ("labels", fields::map_value(&spec.labels)),
        ("disabled", Value::Bool(spec.disabled)),
        ("created_at", fields::timestamp_value(sa.created_at)),
    ])
}

/// The state for a registry record. `like` is the state Terraform holds, used to keep the
/// user's spelling where the meaning is unchanged (an `expires_at` with an offset, a null
/// list rather than an empty one), so that refresh never invents a diff.
fn state_of(sa: &ServiceAccount, like: &Value) -> Value {
    let mut state = record_value(sa);
    let held = |name: &str| like.attr(name).as_str().and_then(|s| nhi_core::parse_timestamp(s).ok());
    // expires_at exactly as declared; created_at to the second (state keeps whole seconds).
    if held("expires_at") == Some(sa.spec.expires_at) {
        state.set_attr("expires_at", like.attr("expires_at").clone());
    }
    if held("created_at").map(|t| t.as_second()) == Some(sa.created_at.as_second()) {
        state.set_attr("created_at", like.attr("created_at").clone());
    }
    if sa.spec.scopes.is_empty() && like.attr("scopes").is_null() {
        state.set_attr("scopes", Value::Null);
    }
    if sa.spec.labels.is_empty() && like.attr("labels").is_null() {
        state.set_attr("labels", Value::Null);
    }
    state
}

fn identity_of(sa: &ServiceAccount) -> Value {
    Value::object([("id", Value::from(sa.id.as_str())), ("name", Value::from(sa.spec.name.as_str()))])
}

fn looks_like_id(s: &str) -> bool {
    s.starts_with("sa-") && s.len() == 39
}

impl Resource for ServiceAccountResource {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(identity_schema())
    }

    fn validate(&self, req: ValidateResourceRequest) -> Diagnostics {
        let mut d = Diagnostics::new();
        Declared::read(&req.config, &mut d).validate(&mut d);
        d
    }

    fn plan(&self, req: PlanRequest) -> PlanResponse {
        let mut resp = PlanResponse::default();
        if req.proposed_new_state.is_null() {
            return resp; // destroy
        }
        let Some(cfg) = self.shared.get_or_report(&mut resp.diagnostics) else { return resp };
        let d = &mut resp.diagnostics;
        let declared = Declared::read(&req.config, d);
        declared.validate(d);

        let mut planned = req.proposed_new_state.clone();
        if planned.attr("disabled").is_null() {
            planned.set_attr("disabled", Value::Bool(false));
        }
        let creating = req.prior_state.is_null();
        let replacing = !creating && req.prior_state.attr("name") != planned.attr("name");
        let mut private = Private::default();
        if !creating && !replacing {
            private.version = Private::decode(&req.prior_private).version;
        }
        if creating || replacing {
            planned.set_attr("id", Value::Unknown);
            planned.set_attr("created_at", Value::Unknown);
        } else {
            planned.set_attr("id", req.prior_state.attr("id").clone());
            planned.set_attr("created_at", req.prior_state.attr("created_at").clone());
            resp.planned_identity = req.prior_identity.clone();
        }
        if replacing {
            resp.requires_replace.push(AttributePath::attr("name"));
        }

        // Governance. Values being set now are judged in full; a value carried over unchanged
        // is only warned about, so a tightened policy does not block unrelated plans.
        if let Field::Known(owner) = &declared.owner {
            let changed = creating || req.prior_state.attr("owner").as_str() != Some(owner);
            let mut od = Diagnostics::new();
            governance::check_owner(owner, &cfg.policy, &mut od);
            push_judged(d, od, changed);
        }
        // Broad scopes: the judgement nhi-lint's NHI218 makes, from the same definition in
        // nhi-core; a warning unless the policy denies them.
        if let Field::Known(scopes) = &declared.scopes {
            let prior: Vec<&str> = req
                .prior_state
                .attr("scopes")
                .as_elements()
                .unwrap_or_default()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            for (i, s) in scopes.iter().enumerate() {
                let broad = check_text(TextField::Scope, s).is_ok() && Scope::parse(s).is_ok_and(|sc| sc.is_broad());
                if !broad {
                    continue;
                }
                let (summary, detail) = (
                    "Broad scope",
                    format!(
                        "{s:?} grants more than one named action (a wildcard or an admin scope). List the actions the account needs, e.g. `invoices:read`{}.",
                        if cfg.policy.deny_broad_scopes {
                            ""
                        } else {
                            "; `policy.deny_broad_scopes = true` makes this an error"
                        }
                    ),
                );
                let at = AttributePath::attr("scopes").join_index(i);
                let found: Diagnostics = if cfg.policy.deny_broad_scopes {
                    Diagnostic::error(summary, detail).at(at).into()
                } else {
                    Diagnostic::warning(summary, detail).at(at).into()
                };
                push_judged(d, found, creating || replacing || !prior.contains(&s.as_str()));
            }
        }
        match declared.expires_at {
            Field::Known(t) => {
                let prior = req.prior_state.attr("expires_at").as_str().and_then(|s| nhi_core::parse_timestamp(s).ok());
                let changed = creating || replacing || prior != Some(t);
                let mut ed = Diagnostics::new();
                governance::check_account_expiry(t, self.shared.clock().now(), &cfg.policy, &mut ed);
                push_judged(d, ed, changed);
            }
            Field::Unknown => private.check_expiry_at_apply = true,
            Field::Null => {}
        }
        resp.planned_private = private.encode();
        resp.planned_state = planned;
        resp
    }

    fn apply(&self, req: ApplyRequest) -> ApplyResponse {
        let mut resp = ApplyResponse { new_state: req.prior_state.clone(), ..ApplyResponse::default() };
        let Some((cfg, change)) = self.shared.configured_change("apply", &mut resp.diagnostics) else {
            return resp;
        };
        let store = &cfg.store;
        let prior_id = req.prior_state.attr("id").as_str().map(str::to_owned);

        if req.planned_state.is_null() {
            if let Some(id) = prior_id {
                match store.delete_service_account(&id, &change) {
                    Ok(existed) => {
                        tracing::info!(id = %id, existed, "service account deleted");
                        resp.new_state = Value::Null;
                    }
                    Err(e) => resp.diagnostics = registry_error("Cannot delete the service account", &e),
                }
            } else {
                resp.new_state = Value::Null;
            }
            return resp;
        }

        let d = &mut resp.diagnostics;
        let declared = Declared::read(&req.config, d);
        declared.validate(d);
        let Some(spec) = declared.spec() else {
            d.error(
                "Configuration still unknown at apply",
                "Every attribute of the service account must be known when it is applied.",
                AttributePath::root(),
            );
            return resp;
        };
        governance::check_owner(&spec.owner, &cfg.policy, d);
        let private = Private::decode(&req.planned_private);
        if private.check_expiry_at_apply {
            governance::check_account_expiry(spec.expires_at, self.shared.clock().now(), &cfg.policy, d);
        }
        if d.has_errors() {
            return resp;
        }

        let updating = prior_id.is_some() && req.prior_state.attr("name") == req.planned_state.attr("name");
        let result = match prior_id {
            Some(id) if updating => store.update_service_account_at(&id, private.version, &spec, &change),
            _ => match store.create_service_account(&spec, &change) {
                Err(RegistryError::NameTaken { name, id }) => match adoptable(store.as_ref(), &spec, change.at) {
                    Some(sa) => {
                        tracing::warn!(id = %sa.id, "service account adopted from an interrupted apply");
                        d.push(Diagnostic::warning(
                            "Adopted a service account left by an interrupted apply",
                            format!(
                                "The registry already held {name:?} (id {}), created at {} exactly as configured here and never changed since: the work of an earlier apply that stopped before Terraform could record it. It is now in this state instead of failing as a duplicate. If another configuration declares the same account, remove it from one of them.",
                                sa.id, sa.created_at
                            ),
                        ));
                        Ok(sa)
                    }
                    None => Err(RegistryError::NameTaken { name, id }),
                },
                other => other,
            },
        };
        match result {
            Ok(sa) => {
                tracing::info!(id = %sa.id, "service account {}", if updating { "updated" } else { "created" });
                resp.new_state = state_of(&sa, &req.planned_state);
                resp.new_identity = Some(identity_of(&sa));
                resp.private = Private::at(sa.version);
            }
            Err(RegistryError::Conflict { id, expected, found, updated_at, updated_by }) => d.push(Diagnostic::error(
                "Service account changed outside this plan",
                format!(
                    "Service account {id} is at version {found} in the registry, changed at {updated_at} by {updated_by}; this plan was made against version {expected}. Nothing was written, so that change is not overwritten. Run `terraform plan` again to see the account as it is now and review what this configuration would change, then apply."
                ),
            )),
            Err(RegistryError::NameTaken { name, id }) => d.push(
                Diagnostic::error(
                    "Service account name already in use",
                    format!(
                        "The registry already holds a service account named {name:?} (id {id}). Choose another name, or bring the existing one under Terraform with `terraform import {TYPE_NAME}.<name> {name}`."
                    ),
                )
                .at(AttributePath::attr("name")),
            ),
            Err(RegistryError::NotFound { id }) => d.push(Diagnostic::error(
                "Service account was deleted outside Terraform",
                format!("Service account {id} no longer exists in the registry. Run `terraform apply` again to create it anew."),
            )),
            Err(e) => d.extend(registry_error("Cannot save the service account", &e)),
        }
        resp
    }

    fn read(&self, req: ReadRequest) -> ReadResponse {
        let mut resp =
            ReadResponse { new_state: req.current_state.clone(), private: req.private, ..ReadResponse::default() };
        let Some(cfg) = self.shared.get_or_report(&mut resp.diagnostics) else { return resp };
        let Some(id) = req.current_state.attr("id").as_str() else { return resp };
        match cfg.store.get_service_account(id) {
            Ok(Some(sa)) => {
                resp.new_state = state_of(&sa, &req.current_state);
                resp.new_identity = Some(identity_of(&sa));
                resp.private = Private::at(sa.version);
            }
            // Deleted out of band: drop it from state so the next plan creates it again.
            Ok(None) => {
                tracing::info!(id, "service account no longer in the registry: removed from state");
                resp.new_state = Value::Null;
            }
            Err(e) => resp.diagnostics = registry_error("Cannot read the service account", &e),
        }
        resp
    }

    fn import(&self, req: ImportRequest) -> ImportResponse {
        let mut resp = ImportResponse::default();
        let Some(cfg) = self.shared.get_or_report(&mut resp.diagnostics) else { return resp };
        let (key, by_id) = match &req.identity {
            Some(identity) => match (identity.attr("id").as_str(), identity.attr("name").as_str()) {
                (Some(id), _) => (id.to_owned(), true),
                (None, Some(name)) => (name.to_owned(), false),
                (None, None) => {
                    resp.diagnostics.push(Diagnostic::error(
                        "Import identity is empty",
                        "Give the service account's `id` (sa-…) or its `name` in the import block's identity.",
                    ));
                    return resp;
                }
            },
            None => (req.id.clone(), looks_like_id(&req.id)),
        };
        let found =
            if by_id { cfg.store.get_service_account(&key) } else { cfg.store.find_service_account_by_name(&key) };
        match found {
            Ok(Some(sa)) => {
                tracing::info!(id = %sa.id, "service account imported");
                resp.state = state_of(&sa, &Value::Null);
                resp.private = Private::at(sa.version);
                resp.identity = Some(identity_of(&sa));
            }
            Ok(None) if !cfg.store.exists().unwrap_or(true) => {
                resp.diagnostics.push(crate::registry_not_created(&cfg.registry_url));
            }
            Ok(None) => resp.diagnostics.push(Diagnostic::error(
                "Service account not found",
                format!(
                    "The registry {} has no service account with {} {key:?}. Import by the account's id (sa-…) or its name; `nhi inventory` lists them.",
                    cfg.registry_url,
                    if by_id { "id" } else { "name" }
                ),
            )),
            Err(e) => resp.diagnostics = registry_error("Cannot read the service account", &e),
        }
        resp
    }
}

/// How recent an account must be for a create to adopt it (see [`adoptable`]).
const ADOPT_WITHIN: std::time::Duration = std::time::Duration::from_secs(3600);

/// The account named like `spec` when a retried create may take it over instead of failing:
/// it was created less than [`ADOPT_WITHIN`] ago with exactly `spec`, and never changed since
/// (version 1). That is what an apply killed between the registry's commit and Terraform's
/// state write leaves behind; the next apply then completes without a duplicate.
fn adoptable(store: &dyn nhi_registry::Store, spec: &ServiceAccountSpec, now: Timestamp) -> Option<ServiceAccount> {
    let existing = store.find_service_account_by_name(&spec.name).ok()??;
    let age = now.duration_since(existing.created_at);
    let recent = age >= jiff::SignedDuration::ZERO && age.unsigned_abs() < ADOPT_WITHIN;
    (existing.version == 1 && existing.spec == *spec && recent).then_some(existing)
}

/// Adds governance findings: in full for values being set, as warnings for carried-over ones.
fn push_judged(d: &mut Diagnostics, found: Diagnostics, changed: bool) {
    for f in found {
        if changed || f.severity == tfplugin::Severity::Warning {
            d.push(f);
        } else {
            d.push(Diagnostic { severity: tfplugin::Severity::Warning, ..f });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_data_round_trips_and_reads_older_forms() {
        for p in [
            Private::default(),
            Private { version: Some(7), check_expiry_at_apply: false },
            Private { version: Some(1), check_expiry_at_apply: true },
            Private { version: None, check_expiry_at_apply: true },
        ] {
            assert_eq!(Private::decode(&p.encode()), p);
        }
        assert!(Private::default().encode().is_empty(), "nothing to keep is no private data");
        assert_eq!(
            Private::decode(LEGACY_CHECK_EXPIRY_AT_APPLY),
            Private { version: None, check_expiry_at_apply: true }
        );
        assert_eq!(Private::decode(b"not json"), Private::default());
        assert_eq!(Private::decode(br#"{"version":"3"}"#), Private::default());
        assert_eq!(Private::decode(&Private::at(3)).version, Some(3));
    }
}
