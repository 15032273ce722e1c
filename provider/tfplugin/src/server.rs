//! The tfplugin6 `Provider` gRPC service, dispatching to the typed [`crate::provider`] API.
//!
//! Every RPC answers `Ok`: problems travel as diagnostics. Handlers run on blocking threads.
//! Rules that hold for every provider are enforced here once: configuration may not set
//! computed-only attributes; write-only attributes are refused on clients that cannot keep
//! them out of state, and are always nulled in planned and new state.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

use tonic::{Request, Response, Status};

use crate::codec::{DecodeError, decode_json, decode_msgpack, encode_msgpack};
use crate::diag::{Diagnostic, Diagnostics};
use crate::path::AttributePath;
use crate::proto::tfplugin6 as pb;
use crate::proto::tfplugin6::provider_server::Provider as ProviderRpc;
use crate::provider::*;
use crate::schema::{AttributeMode, IdentitySchema, Schema};
use crate::value::{Type, Value};

struct Entry<T: ?Sized> {
    obj: Arc<T>,
    schema: Schema,
    ty: Type,
}

struct ResourceEntry {
    entry: Entry<dyn Resource>,
    identity: Option<(IdentitySchema, Type)>,
}

struct Inner<P> {
    provider: P,
    schema: Schema,
    schema_ty: Type,
    resources: BTreeMap<&'static str, ResourceEntry>,
    data_sources: BTreeMap<&'static str, Entry<dyn DataSource>>,
    ephemerals: BTreeMap<&'static str, Entry<dyn EphemeralResource>>,
    functions: BTreeMap<&'static str, (Arc<dyn Function>, Signature)>,
}

/// The gRPC service wrapping a [`Provider`]. Schemas are computed once, at construction.
pub struct ProviderService<P> {
    inner: Arc<Inner<P>>,
}

impl<P> Clone for ProviderService<P> {
    fn clone(&self) -> Self {
        Self { inner: Arc::clone(&self.inner) }
    }
}

impl<P: Provider> ProviderService<P> {
    pub fn new(provider: P) -> Self {
        let schema = provider.schema();
        let entry = |schema: Schema| {
            let ty = schema.value_type();
            (schema, ty)
        };
        let resources = provider
            .resources()
            .into_iter()
            .map(|r| {
                let (schema, ty) = entry(r.schema());
                let identity = r.identity_schema().map(|s| {
                    let t = s.value_type();
                    (s, t)
                });
                (r.type_name(), ResourceEntry { entry: Entry { obj: r, schema, ty }, identity })
            })
            .collect();
        let data_sources = provider
            .data_sources()
            .into_iter()
            .map(|d| {
                let (schema, ty) = entry(d.schema());
                (d.type_name(), Entry { obj: d, schema, ty })
            })
            .collect();
        let ephemerals = provider
            .ephemeral_resources()
            .into_iter()
            .map(|e| {
                let (schema, ty) = entry(e.schema());
                (e.type_name(), Entry { obj: e, schema, ty })
            })
            .collect();
        let functions = provider.functions().into_iter().map(|f| (f.name(), (Arc::clone(&f), f.signature()))).collect();
        let schema_ty = schema.value_type();
        Self { inner: Arc::new(Inner { provider, schema, schema_ty, resources, data_sources, ephemerals, functions }) }
    }

    fn resource(&self, name: &str) -> Result<&ResourceEntry, Diagnostics> {
        self.inner.resources.get(name).ok_or_else(|| unknown_type("resource", name))
    }
}

fn unknown_type(kind: &str, name: &str) -> Diagnostics {
    Diagnostic::error(
        format!("Unknown {kind} type {name:?}"),
        format!("This provider has no {kind} type named {name:?}. Check the spelling, or upgrade the provider."),
    )
    .into()
}

/// Runs a synchronous handler on a blocking thread. A panic becomes an error diagnostic
/// rather than a dropped connection.
async fn blocking<R: Send + 'static>(
    what: &'static str,
    f: impl FnOnce() -> R + Send + 'static,
    on_panic: impl FnOnce(Diagnostics) -> R,
) -> R {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r,
        Err(e) => {
            let msg = e.try_into_panic().ok().and_then(|p| {
                p.downcast_ref::<&str>().map(|s| (*s).to_owned()).or_else(|| p.downcast_ref::<String>().cloned())
            });
            on_panic(
                Diagnostic::error(
                    format!("The provider failed while handling {what}"),
                    format!(
                        "This is a bug in the provider; please report it with the steps that led here. Cause: {}",
                        msg.unwrap_or_else(|| "unknown".to_owned())
                    ),
                )
                .into(),
            )
        }
    }
}

fn decode_error(what: &str, e: DecodeError) -> Diagnostics {
    Diagnostic::error(
        format!("Invalid {what}"),
        format!("The value could not be read as the schema describes it: {}", e.message),
    )
    .at(e.path)
    .into()
}

/// Decodes an optional DynamicValue; absent means null.
fn decode(dv: Option<&pb::DynamicValue>, ty: &Type, what: &str) -> Result<Value, Diagnostics> {
    match dv {
        Some(d) if !d.msgpack.is_empty() => decode_msgpack(&d.msgpack, ty).map_err(|e| decode_error(what, e)),
        Some(d) if !d.json.is_empty() => decode_json(&d.json, ty, false).map_err(|e| decode_error(what, e)),
        _ => Ok(Value::Null),
    }
}

fn encode(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue { msgpack: encode_msgpack(v, ty), json: Vec::new() })
}

fn decode_identity(
    data: Option<&pb::ResourceIdentityData>,
    identity: Option<&(IdentitySchema, Type)>,
) -> Result<Option<Value>, Diagnostics> {
    match (data.and_then(|d| d.identity_data.as_ref()), identity) {
        (Some(dv), Some((_, ty))) => decode(Some(dv), ty, "resource identity").map(|v| (!v.is_null()).then_some(v)),
        _ => Ok(None),
    }
}

fn encode_identity(v: Option<&Value>, identity: Option<&(IdentitySchema, Type)>) -> Option<pb::ResourceIdentityData> {
    match (v, identity) {
        (Some(v), Some((_, ty))) if !v.is_null() => Some(pb::ResourceIdentityData { identity_data: encode(v, ty) }),
        _ => None,
    }
}

fn caps(c: Option<&pb::ClientCapabilities>) -> ClientCapabilities {
    c.map(|c| ClientCapabilities {
        deferral_allowed: c.deferral_allowed,
        write_only_attributes_allowed: c.write_only_attributes_allowed,
    })
    .unwrap_or_default()
}

fn to_timestamp(t: SystemTime) -> prost_types::Timestamp {
    let d = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    prost_types::Timestamp {
        seconds: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        nanos: i32::try_from(d.subsec_nanos()).unwrap_or(0),
    }
}

/// Validates a data source or ephemeral resource configuration: decoding, the framework's
/// checks, then the object's own `validate`.
async fn validate_entry<T: ?Sized + Send + Sync + 'static>(
    entries: &BTreeMap<&'static str, Entry<T>>,
    kind: &str,
    type_name: &str,
    config: Option<&pb::DynamicValue>,
    rpc: &'static str,
    validate: fn(&T, &Value) -> Diagnostics,
) -> Diagnostics {
    let Some(e) = entries.get(type_name) else { return unknown_type(kind, type_name) };
    let config = match decode(config, &e.ty, &format!("{kind} configuration")) {
        Ok(c) => c,
        Err(d) => return d,
    };
    let mut d = check_config(&e.schema, &config, ClientCapabilities::default());
    let obj = Arc::clone(&e.obj);
    d.extend(blocking(rpc, move || validate(&obj, &config), |d| d).await);
    d
}

/// Framework checks on a resource configuration.
fn check_config(schema: &Schema, config: &Value, client: ClientCapabilities) -> Diagnostics {
    let mut d = Diagnostics::new();
    for a in &schema.block.attributes {
        let v = config.attr(&a.name);
        if v.is_null() {
            continue;
        }
        let path = AttributePath::attr(&a.name);
        if a.mode == AttributeMode::Computed {
            d.error(
                format!("`{}` cannot be set", a.name),
                format!("`{}` is computed by the provider; remove it from the configuration.", a.name),
                path,
            );
        } else if a.write_only && !client.write_only_attributes_allowed {
            d.error(
                format!("`{}` needs Terraform 1.11 or later", a.name),
                format!(
                    "`{}` is write-only: its value must never be stored in plan or state, and this version of Terraform cannot keep it out. Upgrade to Terraform 1.11 or later.",
                    a.name
                ),
                path,
            );
        }
    }
    d
}

/// Write-only attributes never leave the provider in planned or new state.
fn null_write_only(schema: &Schema, v: &mut Value) {
    for a in schema.block.attributes.iter().filter(|a| a.write_only) {
        if !v.attr(&a.name).is_null() {
            v.set_attr(&a.name, Value::Null);
        }
    }
}

type Rpc<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl<P: Provider> ProviderRpc for ProviderService<P> {
    async fn get_metadata(&self, _: Request<pb::get_metadata::Request>) -> Rpc<pb::get_metadata::Response> {
        use pb::get_metadata as m;
        let i = &self.inner;
        Ok(Response::new(m::Response {
            server_capabilities: Some(server_capabilities()),
            diagnostics: Vec::new(),
            data_sources: i.data_sources.keys().map(|n| m::DataSourceMetadata { type_name: (*n).into() }).collect(),
            resources: i.resources.keys().map(|n| m::ResourceMetadata { type_name: (*n).into() }).collect(),
            functions: i.functions.keys().map(|n| m::FunctionMetadata { name: (*n).into() }).collect(),
            ephemeral_resources: i.ephemerals.keys().map(|n| m::EphemeralMetadata { type_name: (*n).into() }).collect(),
        }))
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> Rpc<pb::get_provider_schema::Response> {
        let i = &self.inner;
        Ok(Response::new(pb::get_provider_schema::Response {
            provider: Some(i.schema.to_proto()),
            resource_schemas: i.resources.iter().map(|(n, r)| ((*n).into(), r.entry.schema.to_proto())).collect(),
            data_source_schemas: i.data_sources.iter().map(|(n, e)| ((*n).into(), e.schema.to_proto())).collect(),
            ephemeral_resource_schemas: i.ephemerals.iter().map(|(n, e)| ((*n).into(), e.schema.to_proto())).collect(),
            functions: i.functions.iter().map(|(n, (_, s))| ((*n).into(), function_proto(s))).collect(),
            diagnostics: Vec::new(),
            provider_meta: None,
            server_capabilities: Some(server_capabilities()),
        }))
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> Rpc<pb::validate_provider_config::Response> {
        let req = req.into_inner();
        let inner = Arc::clone(&self.inner);
        let diags = match decode(req.config.as_ref(), &inner.schema_ty, "provider configuration") {
            Err(d) => d,
            Ok(config) => {
                blocking("ValidateProviderConfig", move || inner.provider.validate_config(&config), |d| d).await
            }
        };
        Ok(Response::new(pb::validate_provider_config::Response { diagnostics: diags.to_proto() }))
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> Rpc<pb::validate_resource_config::Response> {
        let req = req.into_inner();
        let diags = match self.resource(&req.type_name) {
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
        Ok(Response::new(pb::validate_resource_config::Response { diagnostics: diags.to_proto() }))
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> Rpc<pb::validate_data_resource_config::Response> {
        let req = req.into_inner();
        let diags = validate_entry(
            &self.inner.data_sources,
            "data source",
            &req.type_name,
            req.config.as_ref(),
            "ValidateDataResourceConfig",
            |d, c| d.validate(c),
        )
        .await;
        Ok(Response::new(pb::validate_data_resource_config::Response { diagnostics: diags.to_proto() }))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Rpc<pb::upgrade_resource_state::Response> {
        let req = req.into_inner();
        let result = self.resource(&req.type_name).and_then(|r| {
            let raw = req.raw_state.as_ref().map(|s| s.json.as_slice()).unwrap_or_default();
            if raw.is_empty() {
                return Err(Diagnostic::error(
                    "Stored state cannot be upgraded",
                    "The state of this resource is in the legacy flatmap format, which this provider never wrote. Remove it from state and import it again.",
                )
                .into());
            }
            // Attributes removed from the schema since the state was written are dropped.
            decode_json(raw, &r.entry.ty, true)
                .map(|v| encode(&v, &r.entry.ty))
                .map_err(|e| decode_error("stored state", e))
        });
        let (upgraded_state, diags) = match result {
            Ok(v) => (v, Diagnostics::new()),
            Err(d) => (None, d),
        };
        Ok(Response::new(pb::upgrade_resource_state::Response { upgraded_state, diagnostics: diags.to_proto() }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Rpc<pb::get_resource_identity_schemas::Response> {
        let identity_schemas = self
            .inner
            .resources
            .iter()
            .filter_map(|(n, r)| r.identity.as_ref().map(|(s, _)| ((*n).into(), s.to_proto())))
            .collect();
        Ok(Response::new(pb::get_resource_identity_schemas::Response { identity_schemas, diagnostics: Vec::new() }))
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<pb::upgrade_resource_identity::Request>,
    ) -> Rpc<pb::upgrade_resource_identity::Response> {
        let req = req.into_inner();
        let result = self.resource(&req.type_name).and_then(|r| {
            let (_, ty) = r.identity.as_ref().ok_or_else(|| {
                Diagnostics::from(Diagnostic::error(
                    "Resource has no identity",
                    format!("{} does not define a resource identity.", req.type_name),
                ))
            })?;
            let raw = req.raw_identity.as_ref().map(|s| s.json.as_slice()).unwrap_or_default();
            decode_json(raw, ty, true).map(|v| encode(&v, ty)).map_err(|e| decode_error("stored identity", e))
        });
        let (upgraded_identity, diags) = match result {
            Ok(v) => (Some(pb::ResourceIdentityData { identity_data: v }), Diagnostics::new()),
            Err(d) => (None, d),
        };
        Ok(Response::new(pb::upgrade_resource_identity::Response { upgraded_identity, diagnostics: diags.to_proto() }))
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> Rpc<pb::configure_provider::Response> {
        let req = req.into_inner();
        let inner = Arc::clone(&self.inner);
        let diags = match decode(req.config.as_ref(), &inner.schema_ty, "provider configuration") {
            Err(d) => d,
            Ok(config) => {
                let creq = ConfigureRequest {
                    terraform_version: req.terraform_version,
                    config,
                    client: caps(req.client_capabilities.as_ref()),
                };
                blocking("ConfigureProvider", move || inner.provider.configure(creq), |d| d).await
            }
        };
        Ok(Response::new(pb::configure_provider::Response { diagnostics: diags.to_proto() }))
    }

    async fn read_resource(&self, req: Request<pb::read_resource::Request>) -> Rpc<pb::read_resource::Response> {
        let req = req.into_inner();
        let mut out = pb::read_resource::Response::default();
        let diags = match self.resource(&req.type_name) {
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
                        let mut resp = blocking(
                            "ReadResource",
                            move || obj.read(rreq),
                            |diagnostics| ReadResponse { diagnostics, ..ReadResponse::default() },
                        )
                        .await;
                        null_write_only(&r.entry.schema, &mut resp.new_state);
                        out.new_state = encode(&resp.new_state, &r.entry.ty);
                        out.private = resp.private;
                        out.new_identity = encode_identity(resp.new_identity.as_ref(), r.identity.as_ref());
                        resp.diagnostics
                    }
                }
            }
        };
        out.diagnostics = diags.to_proto();
        Ok(Response::new(out))
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Rpc<pb::plan_resource_change::Response> {
        let req = req.into_inner();
        let mut out = pb::plan_resource_change::Response::default();
        let diags = match self.resource(&req.type_name) {
            Err(d) => d,
            Ok(r) => {
                let ty = &r.entry.ty;
                let decoded = (|| {
                    Ok::<_, Diagnostics>((
                        decode(req.prior_state.as_ref(), ty, "prior state")?,
                        decode(req.proposed_new_state.as_ref(), ty, "proposed new state")?,
                        decode(req.config.as_ref(), ty, "configuration")?,
                        decode_identity(req.prior_identity.as_ref(), r.identity.as_ref())?,
                    ))
                })();
                match decoded {
                    Err(d) => d,
                    Ok((prior_state, proposed_new_state, config, prior_identity)) => {
                        let obj = Arc::clone(&r.entry.obj);
                        let preq = PlanRequest {
                            prior_state,
                            proposed_new_state,
                            config,
                            prior_private: req.prior_private,
                            prior_identity,
                            client: caps(req.client_capabilities.as_ref()),
                        };
                        let mut resp = blocking(
                            "PlanResourceChange",
                            move || obj.plan(preq),
                            |diagnostics| PlanResponse { diagnostics, ..PlanResponse::default() },
                        )
                        .await;
                        null_write_only(&r.entry.schema, &mut resp.planned_state);
                        out.planned_state = encode(&resp.planned_state, ty);
                        out.requires_replace = resp.requires_replace.iter().map(AttributePath::to_proto).collect();
                        out.planned_private = resp.planned_private;
                        out.planned_identity = encode_identity(resp.planned_identity.as_ref(), r.identity.as_ref());
                        resp.diagnostics
                    }
                }
            }
        };
        out.diagnostics = diags.to_proto();
        Ok(Response::new(out))
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Rpc<pb::apply_resource_change::Response> {
        let req = req.into_inner();
        let mut out = pb::apply_resource_change::Response::default();
        let diags = match self.resource(&req.type_name) {
            Err(d) => d,
            Ok(r) => {
                let ty = &r.entry.ty;
                let decoded = (|| {
                    Ok::<_, Diagnostics>((
                        decode(req.prior_state.as_ref(), ty, "prior state")?,
                        decode(req.planned_state.as_ref(), ty, "planned state")?,
                        decode(req.config.as_ref(), ty, "configuration")?,
                        decode_identity(req.planned_identity.as_ref(), r.identity.as_ref())?,
                    ))
                })();
                match decoded {
                    Err(d) => d,
                    Ok((prior_state, planned_state, config, planned_identity)) => {
                        let obj = Arc::clone(&r.entry.obj);
                        let areq = ApplyRequest {
                            prior_state: prior_state.clone(),
                            planned_state,
                            config,
                            planned_private: req.planned_private,
                            planned_identity,
                        };
                        // If the handler fails outright, keep the prior state so nothing is lost.
                        let mut resp = blocking(
                            "ApplyResourceChange",
                            move || obj.apply(areq),
                            |diagnostics| ApplyResponse {
                                new_state: prior_state,
                                diagnostics,
                                ..ApplyResponse::default()
                            },
                        )
                        .await;
                        null_write_only(&r.entry.schema, &mut resp.new_state);
                        out.new_state = encode(&resp.new_state, ty);
                        out.private = resp.private;
                        out.new_identity = encode_identity(resp.new_identity.as_ref(), r.identity.as_ref());
                        resp.diagnostics
                    }
                }
            }
        };
        out.diagnostics = diags.to_proto();
        Ok(Response::new(out))
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Rpc<pb::import_resource_state::Response> {
        let req = req.into_inner();
        let mut out = pb::import_resource_state::Response::default();
        let diags = match self.resource(&req.type_name) {
            Err(d) => d,
            Ok(r) => match decode_identity(req.identity.as_ref(), r.identity.as_ref()) {
                Err(d) => d,
                Ok(identity) => {
                    let obj = Arc::clone(&r.entry.obj);
                    let ireq = ImportRequest { id: req.id, identity, client: caps(req.client_capabilities.as_ref()) };
                    let mut resp = blocking(
                        "ImportResourceState",
                        move || obj.import(ireq),
                        |diagnostics| ImportResponse { diagnostics, ..ImportResponse::default() },
                    )
                    .await;
                    if !resp.state.is_null() {
                        null_write_only(&r.entry.schema, &mut resp.state);
                        out.imported_resources.push(pb::import_resource_state::ImportedResource {
                            type_name: req.type_name.clone(),
                            state: encode(&resp.state, &r.entry.ty),
                            private: resp.private,
                            identity: encode_identity(resp.identity.as_ref(), r.identity.as_ref()),
                        });
                    }
                    resp.diagnostics
                }
            },
        };
        out.diagnostics = diags.to_proto();
        Ok(Response::new(out))
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> Rpc<pb::read_data_source::Response> {
        let req = req.into_inner();
        let mut out = pb::read_data_source::Response::default();
        let diags = match self.inner.data_sources.get(req.type_name.as_str()) {
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
        Ok(Response::new(out))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> Rpc<pb::validate_ephemeral_resource_config::Response> {
        let req = req.into_inner();
        let diags = validate_entry(
            &self.inner.ephemerals,
            "ephemeral resource",
            &req.type_name,
            req.config.as_ref(),
            "ValidateEphemeralResourceConfig",
            |e, c| e.validate(c),
        )
        .await;
        Ok(Response::new(pb::validate_ephemeral_resource_config::Response { diagnostics: diags.to_proto() }))
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> Rpc<pb::open_ephemeral_resource::Response> {
        let req = req.into_inner();
        let mut out = pb::open_ephemeral_resource::Response::default();
        let diags = match self.inner.ephemerals.get(req.type_name.as_str()) {
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
        Ok(Response::new(out))
    }

    async fn renew_ephemeral_resource(
        &self,
        req: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Rpc<pb::renew_ephemeral_resource::Response> {
        let req = req.into_inner();
        let mut out = pb::renew_ephemeral_resource::Response::default();
        let diags = match self.inner.ephemerals.get(req.type_name.as_str()) {
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
        Ok(Response::new(out))
    }

    async fn close_ephemeral_resource(
        &self,
        req: Request<pb::close_ephemeral_resource::Request>,
    ) -> Rpc<pb::close_ephemeral_resource::Response> {
        let req = req.into_inner();
        let diags = match self.inner.ephemerals.get(req.type_name.as_str()) {
            None => unknown_type("ephemeral resource", &req.type_name),
            Some(e) => {
                let obj = Arc::clone(&e.obj);
                blocking("CloseEphemeralResource", move || obj.close(req.private), |d| d).await
            }
        };
        Ok(Response::new(pb::close_ephemeral_resource::Response { diagnostics: diags.to_proto() }))
    }

    async fn get_functions(&self, _: Request<pb::get_functions::Request>) -> Rpc<pb::get_functions::Response> {
        let functions = self.inner.functions.iter().map(|(n, (_, s))| ((*n).into(), function_proto(s))).collect();
        Ok(Response::new(pb::get_functions::Response { functions, diagnostics: Vec::new() }))
    }

    async fn call_function(&self, req: Request<pb::call_function::Request>) -> Rpc<pb::call_function::Response> {
        let req = req.into_inner();
        let fail = |text: String, argument: Option<usize>| {
            Ok(Response::new(pb::call_function::Response {
                result: None,
                error: Some(pb::FunctionError {
                    text,
                    function_argument: argument.and_then(|a| i64::try_from(a).ok()),
                }),
            }))
        };
        let Some((f, sig)) = self.inner.functions.get(req.name.as_str()) else {
            return fail(format!("this provider has no function named {:?}", req.name), None);
        };
        let mut args = Vec::with_capacity(req.arguments.len());
        for (i, dv) in req.arguments.iter().enumerate() {
            let Some(param) = sig.parameters.get(i).or(sig.variadic.as_ref()) else {
                return fail(format!("too many arguments: expected {}", sig.parameters.len()), Some(i));
            };
            match decode(Some(dv), &param.ty, "function argument") {
                Ok(v) => args.push(v),
                Err(d) => {
                    let msg = d.iter().next().map(|d| d.detail.clone()).unwrap_or_default();
                    return fail(format!("argument {:?}: {msg}", param.name), Some(i));
                }
            }
        }
        let ret = sig.returns.clone();
        let f = Arc::clone(f);
        let result = blocking(
            "CallFunction",
            move || f.call(args),
            |d| {
                Err(FunctionError {
                    text: d.iter().map(|d| d.detail.clone()).collect::<Vec<_>>().join("; "),
                    argument: None,
                })
            },
        )
        .await;
        match result {
            Ok(v) => Ok(Response::new(pb::call_function::Response { result: encode(&v, &ret), error: None })),
            Err(e) => fail(e.text, e.argument),
        }
    }

    async fn stop_provider(&self, _: Request<pb::stop_provider::Request>) -> Rpc<pb::stop_provider::Response> {
        Ok(Response::new(pb::stop_provider::Response { error: String::new() }))
    }
}

fn server_capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: false,
        get_provider_schema_optional: true,
        move_resource_state: false,
        generate_resource_config: false,
    }
}

fn function_proto(s: &Signature) -> pb::Function {
    let param = |p: &Parameter| pb::function::Parameter {
        name: p.name.clone(),
        r#type: serde_json::to_vec(&p.ty.to_json()).unwrap_or_default(),
        allow_null_value: p.allow_null,
        allow_unknown_values: false,
        description: p.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
    };
    pb::Function {
        parameters: s.parameters.iter().map(param).collect(),
        variadic_parameter: s.variadic.as_ref().map(param),
        r#return: Some(pb::function::Return { r#type: serde_json::to_vec(&s.returns.to_json()).unwrap_or_default() }),
        summary: s.summary.clone(),
        description: s.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecation_message: String::new(),
    }
}
