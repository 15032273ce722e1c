//! ValidateDataResourceConfig and ReadDataSource.

use std::sync::Arc;

use super::{State, blocking, unknown_type, validate_entry};
use crate::convert::{caps, decode, encode};
use crate::proto::tfplugin6 as pb;
use crate::provider::{ReadDataRequest, ReadDataResponse};

pub(crate) async fn validate<P>(
    s: &State<P>,
    req: pb::validate_data_resource_config::Request,
) -> pb::validate_data_resource_config::Response {
    let diags = validate_entry(
        &s.data_sources,
        "data source",
        &req.type_name,
        req.config.as_ref(),
        "ValidateDataResourceConfig",
        |d, c| d.validate(c),
    )
    .await;
    pb::validate_data_resource_config::Response { diagnostics: diags.to_proto() }
}

pub(crate) async fn read<P>(s: &State<P>, req: pb::read_data_source::Request) -> pb::read_data_source::Response {
    let mut out = pb::read_data_source::Response::default();
    let diags = match s.data_sources.get(req.type_name.as_str()) {
        None => unknown_type("data source", &req.type_name),
        Some(e) => match decode(req.config.as_ref(), &e.ty, "data source configuration") {
            Err(d) => d,
            Ok(config) => {
                let obj = Arc::clone(&e.obj);
                let rreq = ReadDataRequest { config, client: caps(req.client_capabilities.as_ref()) };
                let resp = blocking(
                    "ReadDataSource",
                    move || obj.read(rreq),
                    |diagnostics| ReadDataResponse { diagnostics, ..ReadDataResponse::default() },
                )
                .await;
                out.state = encode(&resp.state, &e.ty);
                resp.diagnostics
            }
        },
    };
    out.diagnostics = diags.to_proto();
    out
}
