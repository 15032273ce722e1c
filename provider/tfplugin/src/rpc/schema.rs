//! GetMetadata, GetProviderSchema and GetResourceIdentitySchemas: what the provider offers.

use super::State;
use crate::convert::function_proto;
use crate::proto::tfplugin6 as pb;

pub(crate) fn server_capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: false,
        get_provider_schema_optional: true,
        move_resource_state: false,
        generate_resource_config: false,
    }
}

pub(crate) fn get_metadata<P>(s: &State<P>) -> pb::get_metadata::Response {
    use pb::get_metadata as m;
    m::Response {
        server_capabilities: Some(server_capabilities()),
        diagnostics: Vec::new(),
        data_sources: s.data_sources.keys().map(|n| m::DataSourceMetadata { type_name: (*n).into() }).collect(),
        resources: s.resources.keys().map(|n| m::ResourceMetadata { type_name: (*n).into() }).collect(),
        functions: s.functions.keys().map(|n| m::FunctionMetadata { name: (*n).into() }).collect(),
        ephemeral_resources: s.ephemerals.keys().map(|n| m::EphemeralMetadata { type_name: (*n).into() }).collect(),
    }
}

/// Builds GetProviderSchema's answer; [`State`] keeps it so each call only clones it.
pub(crate) fn provider_schema<P>(s: &State<P>) -> pb::get_provider_schema::Response {
    pb::get_provider_schema::Response {
        provider: Some(s.schema.to_proto()),
        resource_schemas: s.resources.iter().map(|(n, r)| ((*n).into(), r.entry.schema.to_proto())).collect(),
        data_source_schemas: s.data_sources.iter().map(|(n, e)| ((*n).into(), e.schema.to_proto())).collect(),
        ephemeral_resource_schemas: s.ephemerals.iter().map(|(n, e)| ((*n).into(), e.schema.to_proto())).collect(),
        functions: s.functions.iter().map(|(n, (_, sig))| ((*n).into(), function_proto(sig))).collect(),
        diagnostics: Vec::new(),
        provider_meta: None,
        server_capabilities: Some(server_capabilities()),
    }
}

pub(crate) fn get_provider_schema<P>(s: &State<P>) -> pb::get_provider_schema::Response {
    s.provider_schema.clone()
}

pub(crate) fn get_resource_identity_schemas<P>(s: &State<P>) -> pb::get_resource_identity_schemas::Response {
    let identity_schemas = s
        .resources
        .iter()
        .filter_map(|(n, r)| r.identity.as_ref().map(|(schema, _)| ((*n).into(), schema.to_proto())))
        .collect();
    pb::get_resource_identity_schemas::Response { identity_schemas, diagnostics: Vec::new() }
}
