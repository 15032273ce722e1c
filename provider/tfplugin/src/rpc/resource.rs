//! Managed resources: ValidateResourceConfig, UpgradeResourceState, UpgradeResourceIdentity,
//! ReadResource, PlanResourceChange, ApplyResourceChange and ImportResourceState.

use std::sync::Arc;

use super::{ResourceEntry, State, blocking};
use crate::convert::{caps, decode, decode_identity, encode, encode_identity, upgrade_json};
use crate::diag::{Diagnostic, Diagnostics};
use crate::framework::{check_config, null_write_only};
use crate::path::AttributePath;
use crate::proto::tfplugin6 as pb;
use crate::provider::*;
use crate::value::Value;

/// Decodes the prior, new and configuration values and the identity of a plan or an apply.
fn decode_change(
    r: &ResourceEntry,
    values: [(Option<&pb::DynamicValue>, &str); 3],
    identity: Option<&pb::ResourceIdentityData>,
) -> Result<([Value; 3], Option<Value>), Diagnostics> {
    let [a, b, c] = values.map(|(dv, what)| decode(dv, &r.entry.ty, what));
    Ok(([a?, b?, c?], decode_identity(identity, r.identity.as_ref())?))
}

/// An object on its way back to Terraform: write-only attributes nulled, then encoded.
fn outgoing(
    r: &ResourceEntry,
    mut state: Value,
    identity: Option<&Value>,
) -> (Option<pb::DynamicValue>, Option<pb::ResourceIdentityData>) {
    null_write_only(&r.entry.schema, &mut state);
    (encode(&state, &r.entry.ty), encode_identity(identity, r.identity.as_ref()))
}

pub(crate) async fn validate<P>(
    s: &State<P>,
    req: pb::validate_resource_config::Request,
) -> pb::validate_resource_config::Response {
    let diags = match s.resource(&req.type_name) {
        Err(d) => d,
        Ok(r) => match decode(req.config.as_ref(), &r.entry.ty, "resource configuration") {
            Err(d) => d,
            Ok(config) => {
                let client = caps(req.client_capabilities.as_ref());
                let mut d = check_config(&r.entry.schema, &config, client);
                let obj = Arc::clone(&r.entry.obj);
                d.extend(
                    blocking(
                        "ValidateResourceConfig",
                        move || obj.validate(ValidateResourceRequest { config, client }),
                        |d| d,
                    )
                    .await,
                );
                d
            }
        },
    };
    pb::validate_resource_config::Response { diagnostics: diags.to_proto() }
}

/// Stored state comes as JSON, written by this or an earlier version of the provider.
pub(crate) fn upgrade_state<P>(
    s: &State<P>,
    req: pb::upgrade_resource_state::Request,
) -> pb::upgrade_resource_state::Response {
    let result = s.resource(&req.type_name).and_then(|r| {
        let raw = req.raw_state.as_ref().map(|s| s.json.as_slice()).unwrap_or_default();
        if raw.is_empty() {
            return Err(Diagnostic::error(
                "Stored state cannot be upgraded",
                "The state of this resource is in the legacy flatmap format, which this provider never wrote. Remove it from state and import it again.",
            )
            .into());
        }
        upgrade_json(raw, &r.entry.ty, "stored state")
    });
    let (upgraded_state, diags) = match result {
        Ok(v) => (v, Diagnostics::new()),
        Err(d) => (None, d),
    };
    pb::upgrade_resource_state::Response { upgraded_state, diagnostics: diags.to_proto() }
}

pub(crate) fn upgrade_identity<P>(
    s: &State<P>,
    req: pb::upgrade_resource_identity::Request,
) -> pb::upgrade_resource_identity::Response {
    let result = s.resource(&req.type_name).and_then(|r| {
        let (_, ty) = r.identity.as_ref().ok_or_else(|| {
            Diagnostics::from(Diagnostic::error(
                "Resource has no identity",
                format!("{} does not define a resource identity.", req.type_name),
            ))
        })?;
        let raw = req.raw_identity.as_ref().map(|s| s.json.as_slice()).unwrap_or_default();
        upgrade_json(raw, ty, "stored identity")
    });
    let (upgraded_identity, diags) = match result {
        Ok(v) => (Some(pb::ResourceIdentityData { identity_data: v }), Diagnostics::new()),
        Err(d) => (None, d),
    };
    pb::upgrade_resource_identity::Response { upgraded_identity, diagnostics: diags.to_proto() }
}

pub(crate) async fn read<P>(s: &State<P>, req: pb::read_resource::Request) -> pb::read_resource::Response {
    let mut out = pb::read_resource::Response::default();
    let diags = match s.resource(&req.type_name) {
        Err(d) => d,
        Ok(r) => {
            let decoded = decode(req.current_state.as_ref(), &r.entry.ty, "current state")
                .and_then(|s| Ok((s, decode_identity(req.current_identity.as_ref(), r.identity.as_ref())?)));
            match decoded {
                Err(d) => d,
                Ok((current_state, current_identity)) => {
                    let obj = Arc::clone(&r.entry.obj);
                    let rreq = ReadRequest {
                        current_state,
                        private: req.private,
                        current_identity,
                        client: caps(req.client_capabilities.as_ref()),
                    };
                    let resp = blocking(
                        "ReadResource",
                        move || obj.read(rreq),
                        |diagnostics| ReadResponse { diagnostics, ..ReadResponse::default() },
                    )
                    .await;
                    (out.new_state, out.new_identity) = outgoing(r, resp.new_state, resp.new_identity.as_ref());
                    out.private = resp.private;
                    resp.diagnostics
                }
            }
        }
    };
    out.diagnostics = diags.to_proto();
    out
}

pub(crate) async fn plan<P>(
    s: &State<P>,
    req: pb::plan_resource_change::Request,
) -> pb::plan_resource_change::Response {
    let mut out = pb::plan_resource_change::Response::default();
    let diags = match s.resource(&req.type_name) {
        Err(d) => d,
        Ok(r) => {
            let decoded = decode_change(
                r,
                [
                    (req.prior_state.as_ref(), "prior state"),
                    (req.proposed_new_state.as_ref(), "proposed new state"),
                    (req.config.as_ref(), "configuration"),
                ],
                req.prior_identity.as_ref(),
            );
            match decoded {
                Err(d) => d,
                Ok(([prior_state, proposed_new_state, config], prior_identity)) => {
                    let obj = Arc::clone(&r.entry.obj);
                    let preq = PlanRequest {
                        prior_state,
                        proposed_new_state,
                        config,
                        prior_private: req.prior_private,
                        prior_identity,
                        client: caps(req.client_capabilities.as_ref()),
                    };
                    let resp = blocking(
                        "PlanResourceChange",
                        move || obj.plan(preq),
                        |diagnostics| PlanResponse { diagnostics, ..PlanResponse::default() },
                    )
                    .await;
                    (out.planned_state, out.planned_identity) =
                        outgoing(r, resp.planned_state, resp.planned_identity.as_ref());
                    out.requires_replace = resp.requires_replace.iter().map(AttributePath::to_proto).collect();
                    out.planned_private = resp.planned_private;
                    resp.diagnostics
                }
            }
        }
    };
    out.diagnostics = diags.to_proto();
    out
}

pub(crate) async fn apply<P>(
    s: &State<P>,
    req: pb::apply_resource_change::Request,
) -> pb::apply_resource_change::Response {
    let mut out = pb::apply_resource_change::Response::default();
    let diags = match s.resource(&req.type_name) {
        Err(d) => d,
        Ok(r) => {
            let decoded = decode_change(
                r,
                [
                    (req.prior_state.as_ref(), "prior state"),
                    (req.planned_state.as_ref(), "planned state"),
                    (req.config.as_ref(), "configuration"),
                ],
                req.planned_identity.as_ref(),
            );
            match decoded {
                Err(d) => d,
                Ok(([prior_state, planned_state, config], planned_identity)) => {
                    let obj = Arc::clone(&r.entry.obj);
                    let areq = ApplyRequest {
                        prior_state: prior_state.clone(),
                        planned_state,
                        config,
                        planned_private: req.planned_private,
                        planned_identity,
                    };
                    // If the handler fails outright, keep the prior state so nothing is lost.
                    let resp = blocking(
                        "ApplyResourceChange",
                        move || obj.apply(areq),
                        |diagnostics| ApplyResponse { new_state: prior_state, diagnostics, ..ApplyResponse::default() },
                    )
                    .await;
                    (out.new_state, out.new_identity) = outgoing(r, resp.new_state, resp.new_identity.as_ref());
                    out.private = resp.private;
                    resp.diagnostics
                }
            }
        }
    };
    out.diagnostics = diags.to_proto();
    out
}

pub(crate) async fn import<P>(
    s: &State<P>,
    req: pb::import_resource_state::Request,
) -> pb::import_resource_state::Response {
    let mut out = pb::import_resource_state::Response::default();
    let diags = match s.resource(&req.type_name) {
        Err(d) => d,
        Ok(r) => match decode_identity(req.identity.as_ref(), r.identity.as_ref()) {
            Err(d) => d,
            Ok(identity) => {
                let obj = Arc::clone(&r.entry.obj);
                let ireq = ImportRequest { id: req.id, identity, client: caps(req.client_capabilities.as_ref()) };
                let resp = blocking(
                    "ImportResourceState",
                    move || obj.import(ireq),
                    |diagnostics| ImportResponse { diagnostics, ..ImportResponse::default() },
                )
                .await;
                if !resp.state.is_null() {
                    let (state, identity) = outgoing(r, resp.state, resp.identity.as_ref());
                    out.imported_resources.push(pb::import_resource_state::ImportedResource {
                        type_name: req.type_name.clone(),
                        state,
                        private: resp.private,
                        identity,
                    });
                }
                resp.diagnostics
            }
        },
    };
    out.diagnostics = diags.to_proto();
    out
}
