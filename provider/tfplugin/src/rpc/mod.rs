//! The RPC handlers of the tfplugin6 `Provider` service, one module per group of RPCs. The
//! tonic service in [`crate::server`] only dispatches here.
//!
//! Every handler answers with a response: problems travel as diagnostics. RPCs that our proto
//! leaves out (MoveResourceState, list resources, actions, state stores, GenerateResourceConfig)
//! are answered `Unimplemented` by the generated tonic router, which Terraform accepts.

pub(crate) mod data_source;
pub(crate) mod ephemeral;
pub(crate) mod function;
pub(crate) mod provider;
pub(crate) mod resource;
pub(crate) mod schema;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::convert::decode;
use crate::diag::{Diagnostic, Diagnostics};
use crate::framework::check_config;
use crate::proto::tfplugin6 as pb;
use crate::provider::{ClientCapabilities, DataSource, EphemeralResource, Function, Provider, Resource, Signature};
use crate::schema::{IdentitySchema, Schema};
use crate::value::{Type, Value};

/// An object offered by the provider, with its schema and the value type derived from it.
pub(crate) struct Entry<T: ?Sized> {
    pub(crate) obj: Arc<T>,
    pub(crate) schema: Schema,
    pub(crate) ty: Type,
}

impl<T: ?Sized> Entry<T> {
    fn new(obj: Arc<T>, schema: Schema) -> Self {
        let ty = schema.value_type();
        Self { obj, schema, ty }
    }
}

pub(crate) struct ResourceEntry {
    pub(crate) entry: Entry<dyn Resource>,
    pub(crate) identity: Option<(IdentitySchema, Type)>,
}

/// The provider and everything derived from it once, at construction.
pub(crate) struct State<P> {
    pub(crate) provider: P,
    pub(crate) schema: Schema,
    pub(crate) schema_ty: Type,
    pub(crate) resources: BTreeMap<&'static str, ResourceEntry>,
    pub(crate) data_sources: BTreeMap<&'static str, Entry<dyn DataSource>>,
    pub(crate) ephemerals: BTreeMap<&'static str, Entry<dyn EphemeralResource>>,
    pub(crate) functions: BTreeMap<&'static str, (Arc<dyn Function>, Signature)>,
    /// GetProviderSchema's answer, built once: Terraform 1.0 asks for it many times.
    pub(crate) provider_schema: pb::get_provider_schema::Response,
}

impl<P: Provider> State<P> {
    pub(crate) fn new(provider: P) -> Self {
        let schema = provider.schema();
        let resources = provider
            .resources()
            .into_iter()
            .map(|r| {
                let identity = r.identity_schema().map(|s| {
                    let t = s.value_type();
                    (s, t)
                });
                (r.type_name(), ResourceEntry { entry: Entry::new(Arc::clone(&r), r.schema()), identity })
            })
            .collect();
        let data_sources = provider
            .data_sources()
            .into_iter()
            .map(|d| (d.type_name(), Entry::new(Arc::clone(&d), d.schema())))
            .collect();
        let ephemerals = provider
            .ephemeral_resources()
            .into_iter()
            .map(|e| (e.type_name(), Entry::new(Arc::clone(&e), e.schema())))
            .collect();
        let functions = provider.functions().into_iter().map(|f| (f.name(), (Arc::clone(&f), f.signature()))).collect();
        let schema_ty = schema.value_type();
        let mut state = Self {
            provider,
            schema,
            schema_ty,
            resources,
            data_sources,
            ephemerals,
            functions,
            provider_schema: Default::default(),
        };
        state.provider_schema = schema::provider_schema(&state);
        state
    }
}

impl<P> State<P> {
    pub(crate) fn resource(&self, name: &str) -> Result<&ResourceEntry, Diagnostics> {
        self.resources.get(name).ok_or_else(|| unknown_type("resource", name))
    }
}

pub(crate) fn unknown_type(kind: &str, name: &str) -> Diagnostics {
    Diagnostic::error(
        format!("Unknown {kind} type {name:?}"),
        format!("This provider has no {kind} type named {name:?}. Check the spelling, or upgrade the provider."),
    )
    .into()
}

/// Runs a synchronous provider handler where it may block. A panic becomes an error
/// diagnostic rather than a dropped connection.
///
/// On the multi-threaded runtime the server uses, the handler runs in place
/// (`block_in_place`: the worker hands its other tasks to another thread only if the handler
/// takes long), which saves the two thread switches of `spawn_blocking` on every call. Other
/// runtimes (tests use the current-thread one) still get a blocking thread.
pub(crate) async fn blocking<R: Send + 'static>(
    what: &'static str,
    f: impl FnOnce() -> R + Send + 'static,
    on_panic: impl FnOnce(Diagnostics) -> R,
) -> R {
    let multi_thread = tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
    let result = if multi_thread {
        tokio::task::block_in_place(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))).map_err(Some)
    } else {
        tokio::task::spawn_blocking(f).await.map_err(|e| e.try_into_panic().ok())
    };
    result.unwrap_or_else(|panic| {
        let msg = panic.and_then(|p| {
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
    })
}

/// Validates a data source or ephemeral resource configuration: decoding, the framework's
/// checks, then the object's own `validate`.
pub(crate) async fn validate_entry<T: ?Sized + Send + Sync + 'static>(
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

#[cfg(test)]
mod tests {
    use super::*;

    async fn outcomes() -> (u32, Diagnostics) {
        let fine = blocking("Fine", || 7, |_| 0).await;
        let failed = blocking("Exploding", || -> Diagnostics { panic!("boom {}", 42) }, |d| d).await;
        (fine, failed)
    }

    fn assert_outcomes((fine, failed): (u32, Diagnostics)) {
        assert_eq!(fine, 7);
        let d = failed.iter().next().expect("a diagnostic");
        assert_eq!(d.summary, "The provider failed while handling Exploding");
        assert!(d.detail.ends_with("Cause: boom 42"), "{d:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn handlers_run_in_place_and_panics_become_diagnostics() {
        assert_outcomes(outcomes().await);
    }

    #[tokio::test]
    async fn current_thread_runtimes_get_a_blocking_thread() {
        assert_outcomes(outcomes().await);
    }
}
