//! The tfplugin6 `Provider` gRPC service: a thin dispatcher from the tonic trait to the
//! handlers in [`crate::rpc`], which convert messages ([`crate::convert`]), apply the rules
//! every provider shares ([`crate::framework`]) and call the typed [`crate::provider`] API.
//!
//! Every RPC answers `Ok`: problems travel as diagnostics.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use crate::proto::tfplugin6 as pb;
use crate::proto::tfplugin6::provider_server::Provider as ProviderRpc;
use crate::provider::Provider;
use crate::rpc::{self, State};

/// The gRPC service wrapping a [`Provider`]. Schemas are computed once, at construction.
pub struct ProviderService<P> {
    state: Arc<State<P>>,
}

impl<P> Clone for ProviderService<P> {
    fn clone(&self) -> Self {
        Self { state: Arc::clone(&self.state) }
    }
}

impl<P: Provider> ProviderService<P> {
    pub fn new(provider: P) -> Self {
        Self { state: Arc::new(State::new(provider)) }
    }
}

type Rpc<T> = Result<Response<T>, Status>;

fn ok<T>(t: T) -> Rpc<T> {
    Ok(Response::new(t))
}

#[tonic::async_trait]
impl<P: Provider> ProviderRpc for ProviderService<P> {
    async fn get_metadata(&self, _: Request<pb::get_metadata::Request>) -> Rpc<pb::get_metadata::Response> {
        let _log = crate::log::RpcLog::start("GetMetadata", "");
        ok(rpc::schema::get_metadata(&self.state))
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> Rpc<pb::get_provider_schema::Response> {
        let _log = crate::log::RpcLog::start("GetProviderSchema", "");
        ok(rpc::schema::get_provider_schema(&self.state))
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Rpc<pb::get_resource_identity_schemas::Response> {
        let _log = crate::log::RpcLog::start("GetResourceIdentitySchemas", "");
        ok(rpc::schema::get_resource_identity_schemas(&self.state))
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> Rpc<pb::validate_provider_config::Response> {
        let _log = crate::log::RpcLog::start("ValidateProviderConfig", "");
        ok(rpc::provider::validate_config(Arc::clone(&self.state), req.into_inner()).await)
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> Rpc<pb::configure_provider::Response> {
        let _log = crate::log::RpcLog::start("ConfigureProvider", "");
        ok(rpc::provider::configure(Arc::clone(&self.state), req.into_inner()).await)
    }

    async fn stop_provider(&self, _: Request<pb::stop_provider::Request>) -> Rpc<pb::stop_provider::Response> {
        let _log = crate::log::RpcLog::start("StopProvider", "");
        ok(rpc::provider::stop())
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> Rpc<pb::validate_resource_config::Response> {
        let _log = crate::log::RpcLog::start("ValidateResourceConfig", &req.get_ref().type_name);
        ok(rpc::resource::validate(&self.state, req.into_inner()).await)
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Rpc<pb::upgrade_resource_state::Response> {
        let _log = crate::log::RpcLog::start("UpgradeResourceState", &req.get_ref().type_name);
        ok(rpc::resource::upgrade_state(&self.state, req.into_inner()))
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<pb::upgrade_resource_identity::Request>,
    ) -> Rpc<pb::upgrade_resource_identity::Response> {
        let _log = crate::log::RpcLog::start("UpgradeResourceIdentity", &req.get_ref().type_name);
        ok(rpc::resource::upgrade_identity(&self.state, req.into_inner()))
    }

    async fn read_resource(&self, req: Request<pb::read_resource::Request>) -> Rpc<pb::read_resource::Response> {
        let _log = crate::log::RpcLog::start("ReadResource", &req.get_ref().type_name);
        ok(rpc::resource::read(&self.state, req.into_inner()).await)
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Rpc<pb::plan_resource_change::Response> {
        let _log = crate::log::RpcLog::start("PlanResourceChange", &req.get_ref().type_name);
        ok(rpc::resource::plan(&self.state, req.into_inner()).await)
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Rpc<pb::apply_resource_change::Response> {
        let _log = crate::log::RpcLog::start("ApplyResourceChange", &req.get_ref().type_name);
        ok(rpc::resource::apply(&self.state, req.into_inner()).await)
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Rpc<pb::import_resource_state::Response> {
        let _log = crate::log::RpcLog::start("ImportResourceState", &req.get_ref().type_name);
        ok(rpc::resource::import(&self.state, req.into_inner()).await)
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> Rpc<pb::validate_data_resource_config::Response> {
        let _log = crate::log::RpcLog::start("ValidateDataResourceConfig", &req.get_ref().type_name);
        ok(rpc::data_source::validate(&self.state, req.into_inner()).await)
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> Rpc<pb::read_data_source::Response> {
        let _log = crate::log::RpcLog::start("ReadDataSource", &req.get_ref().type_name);
        ok(rpc::data_source::read(&self.state, req.into_inner()).await)
    }

    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> Rpc<pb::validate_ephemeral_resource_config::Response> {
        let _log = crate::log::RpcLog::start("ValidateEphemeralResourceConfig", &req.get_ref().type_name);
        ok(rpc::ephemeral::validate(&self.state, req.into_inner()).await)
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> Rpc<pb::open_ephemeral_resource::Response> {
        let _log = crate::log::RpcLog::start("OpenEphemeralResource", &req.get_ref().type_name);
        ok(rpc::ephemeral::open(&self.state, req.into_inner()).await)
    }

    async fn renew_ephemeral_resource(
        &self,
        req: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Rpc<pb::renew_ephemeral_resource::Response> {
        let _log = crate::log::RpcLog::start("RenewEphemeralResource", &req.get_ref().type_name);
        ok(rpc::ephemeral::renew(&self.state, req.into_inner()).await)
    }

    async fn close_ephemeral_resource(
        &self,
        req: Request<pb::close_ephemeral_resource::Request>,
    ) -> Rpc<pb::close_ephemeral_resource::Response> {
        let _log = crate::log::RpcLog::start("CloseEphemeralResource", &req.get_ref().type_name);
        ok(rpc::ephemeral::close(&self.state, req.into_inner()).await)
    }

    async fn get_functions(&self, _: Request<pb::get_functions::Request>) -> Rpc<pb::get_functions::Response> {
        let _log = crate::log::RpcLog::start("GetFunctions", "");
        ok(rpc::function::get_functions(&self.state))
    }

    async fn call_function(&self, req: Request<pb::call_function::Request>) -> Rpc<pb::call_function::Response> {
        let _log = crate::log::RpcLog::start("CallFunction", &req.get_ref().name);
        ok(rpc::function::call(&self.state, req.into_inner()).await)
    }
}
