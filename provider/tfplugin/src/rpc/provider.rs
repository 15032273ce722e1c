//! ValidateProviderConfig, ConfigureProvider and StopProvider: the provider's own lifecycle.

use std::sync::Arc;

use super::{State, blocking};
use crate::convert::{caps, decode};
use crate::proto::tfplugin6 as pb;
use crate::provider::{ConfigureRequest, Provider};

pub(crate) async fn validate_config<P: Provider>(
    s: Arc<State<P>>,
    req: pb::validate_provider_config::Request,
) -> pb::validate_provider_config::Response {
    let diags = match decode(req.config.as_ref(), &s.schema_ty, "provider configuration") {
        Err(d) => d,
        Ok(config) => blocking("ValidateProviderConfig", move || s.provider.validate_config(&config), |d| d).await,
    };
    pb::validate_provider_config::Response { diagnostics: diags.to_proto() }
}

pub(crate) async fn configure<P: Provider>(
    s: Arc<State<P>>,
    req: pb::configure_provider::Request,
) -> pb::configure_provider::Response {
    let diags = match decode(req.config.as_ref(), &s.schema_ty, "provider configuration") {
        Err(d) => d,
        Ok(config) => {
            let creq = ConfigureRequest {
                terraform_version: req.terraform_version,
                config,
                client: caps(req.client_capabilities.as_ref()),
            };
            blocking("ConfigureProvider", move || s.provider.configure(creq), |d| d).await
        }
    };
    pb::configure_provider::Response { diagnostics: diags.to_proto() }
}

pub(crate) fn stop() -> pb::stop_provider::Response {
    pb::stop_provider::Response { error: String::new() }
}
