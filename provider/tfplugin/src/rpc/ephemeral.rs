//! ValidateEphemeralResourceConfig, OpenEphemeralResource, RenewEphemeralResource and
//! CloseEphemeralResource.

use std::sync::Arc;

use super::{State, blocking, unknown_type, validate_entry};
use crate::convert::{caps, decode, encode, to_timestamp};
use crate::proto::tfplugin6 as pb;
use crate::provider::{OpenRequest, OpenResponse, RenewResponse};

pub(crate) async fn validate<P>(
    s: &State<P>,
    req: pb::validate_ephemeral_resource_config::Request,
) -> pb::validate_ephemeral_resource_config::Response {
    let diags = validate_entry(
        &s.ephemerals,
        "ephemeral resource",
        &req.type_name,
        req.config.as_ref(),
        "ValidateEphemeralResourceConfig",
        |e, c| e.validate(c),
    )
    .await;
    pb::validate_ephemeral_resource_config::Response { diagnostics: diags.to_proto() }
}

pub(crate) async fn open<P>(
    s: &State<P>,
    req: pb::open_ephemeral_resource::Request,
) -> pb::open_ephemeral_resource::Response {
    let mut out = pb::open_ephemeral_resource::Response::default();
    let diags = match s.ephemerals.get(req.type_name.as_str()) {
        None => unknown_type("ephemeral resource", &req.type_name),
        Some(e) => match decode(req.config.as_ref(), &e.ty, "ephemeral resource configuration") {
            Err(d) => d,
            Ok(config) => {
                let obj = Arc::clone(&e.obj);
                let oreq = OpenRequest { config, client: caps(req.client_capabilities.as_ref()) };
                let resp = blocking(
                    "OpenEphemeralResource",
                    move || obj.open(oreq),
                    |diagnostics| OpenResponse { diagnostics, ..OpenResponse::default() },
                )
                .await;
                out.result = encode(&resp.result, &e.ty);
                out.private = resp.private;
                out.renew_at = resp.renew_at.map(to_timestamp);
                resp.diagnostics
            }
        },
    };
    out.diagnostics = diags.to_proto();
    out
}

pub(crate) async fn renew<P>(
    s: &State<P>,
    req: pb::renew_ephemeral_resource::Request,
) -> pb::renew_ephemeral_resource::Response {
    let mut out = pb::renew_ephemeral_resource::Response::default();
    let diags = match s.ephemerals.get(req.type_name.as_str()) {
        None => unknown_type("ephemeral resource", &req.type_name),
        Some(e) => {
            let obj = Arc::clone(&e.obj);
            let resp = blocking(
                "RenewEphemeralResource",
                move || obj.renew(req.private),
                |diagnostics| RenewResponse { diagnostics, ..RenewResponse::default() },
            )
            .await;
            out.private = resp.private;
            out.renew_at = resp.renew_at.map(to_timestamp);
            resp.diagnostics
        }
    };
    out.diagnostics = diags.to_proto();
    out
}

pub(crate) async fn close<P>(
    s: &State<P>,
    req: pb::close_ephemeral_resource::Request,
) -> pb::close_ephemeral_resource::Response {
    let diags = match s.ephemerals.get(req.type_name.as_str()) {
        None => unknown_type("ephemeral resource", &req.type_name),
        Some(e) => {
            let obj = Arc::clone(&e.obj);
            blocking("CloseEphemeralResource", move || obj.close(req.private), |d| d).await
        }
    };
    pb::close_ephemeral_resource::Response { diagnostics: diags.to_proto() }
}
