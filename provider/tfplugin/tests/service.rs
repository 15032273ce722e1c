//! The protocol service with a toy provider: the rules every provider gets from the framework
//! (write-only values never leave, computed-only values cannot be configured, panics become
//! diagnostics) and the ephemeral resource lifecycle.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tfplugin::codec::{decode_msgpack, encode_msgpack};
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::proto::tfplugin6::provider_server::Provider as _;
use tfplugin::server::ProviderService;
use tfplugin::*;
use tonic::Request;

#[derive(Default)]
struct Calls(Mutex<Vec<String>>);

impl Calls {
    fn push(&self, s: impl Into<String>) {
        self.0.lock().unwrap().push(s.into());
    }
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

struct Toy {
    calls: Arc<Calls>,
}

struct Sink;

fn sink_schema() -> Schema {
    Schema::new(Block::new(vec![
        Attribute::computed("id", Type::String),
        Attribute::optional("note", Type::String),
        Attribute::optional("value", Type::String).sensitive().write_only(),
    ]))
}

impl Resource for Sink {
    fn type_name(&self) -> &'static str {
        "toy_sink"
    }
    fn schema(&self) -> Schema {
        sink_schema()
    }
    fn plan(&self, req: PlanRequest) -> PlanResponse {
        if req.config.attr("note").as_str() == Some("panic") {
            panic!("toy planner exploded");
        }
        // Deliberately echoes the write-only value: the framework must strip it.
        let mut planned = req.proposed_new_state.clone();
        planned.set_attr("value", req.config.attr("value").clone());
        planned.set_attr("id", Value::Unknown);
        PlanResponse { planned_state: planned, ..PlanResponse::default() }
    }
    fn apply(&self, req: ApplyRequest) -> ApplyResponse {
        let mut state = req.planned_state.clone();
        state.set_attr("id", Value::from("sink-1"));
        state.set_attr("value", req.config.attr("value").clone());
        ApplyResponse { new_state: state, ..ApplyResponse::default() }
    }
    fn read(&self, req: ReadRequest) -> ReadResponse {
        ReadResponse { new_state: req.current_state, ..ReadResponse::default() }
    }
}

struct Token {
    calls: Arc<Calls>,
}

impl EphemeralResource for Token {
    fn type_name(&self) -> &'static str {
        "toy_token"
    }
    fn schema(&self) -> Schema {
        Schema::new(Block::new(vec![
            Attribute::required("audience", Type::String),
            Attribute::computed("token", Type::String).sensitive(),
        ]))
    }
    fn open(&self, req: OpenRequest) -> OpenResponse {
        let aud = req.config.attr("audience").as_str().unwrap_or_default().to_owned();
        self.calls.push(format!("open {aud}"));
        OpenResponse {
            result: Value::object([("audience", Value::from(aud.as_str())), ("token", Value::from("tok-1"))]),
            private: Some(b"handle-1".to_vec()),
            renew_at: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000)),
            diagnostics: Diagnostics::new(),
        }
    }
    fn renew(&self, private: Option<Vec<u8>>) -> RenewResponse {
        self.calls.push(format!("renew {}", String::from_utf8_lossy(&private.unwrap_or_default())));
        RenewResponse { private: Some(b"handle-2".to_vec()), renew_at: None, diagnostics: Diagnostics::new() }
    }
    fn close(&self, private: Option<Vec<u8>>) -> Diagnostics {
        self.calls.push(format!("close {}", String::from_utf8_lossy(&private.unwrap_or_default())));
        Diagnostics::new()
    }
}

impl Provider for Toy {
    fn schema(&self) -> Schema {
        Schema::default()
    }
    fn configure(&self, _: ConfigureRequest) -> Diagnostics {
        Diagnostics::new()
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Sink)]
    }
    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
        vec![Arc::new(Token { calls: Arc::clone(&self.calls) })]
    }
}

fn service() -> (ProviderService<Toy>, Arc<Calls>) {
    let calls = Arc::new(Calls::default());
    (ProviderService::new(Toy { calls: Arc::clone(&calls) }), calls)
}

fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue { msgpack: encode_msgpack(v, ty), json: Vec::new() })
}

fn sink_config(value: Value, note: Value, id: Value) -> Value {
    Value::object([("id", id), ("note", note), ("value", value)])
}

#[tokio::test]
async fn schema_advertises_write_only_and_cached_schema() {
    let (svc, _) = service();
    let resp = svc.get_provider_schema(Request::new(Default::default())).await.unwrap().into_inner();
    assert!(resp.server_capabilities.unwrap().get_provider_schema_optional);
    let attrs = &resp.resource_schemas["toy_sink"].block.as_ref().unwrap().attributes;
    let value = attrs.iter().find(|a| a.name == "value").unwrap();
    assert!(value.write_only && value.sensitive && value.optional);
    assert!(resp.ephemeral_resource_schemas.contains_key("toy_token"));
}

#[tokio::test]
async fn write_only_needs_a_capable_client() {
    let (svc, _) = service();
    let ty = sink_schema().value_type();
    let cfg = sink_config(Value::from("s3cret"), Value::Null, Value::Null);
    let validate = |write_only_attributes_allowed| {
        svc.validate_resource_config(Request::new(pb::validate_resource_config::Request {
            type_name: "toy_sink".into(),
            config: dv(&cfg, &ty),
            client_capabilities: Some(pb::ClientCapabilities {
                deferral_allowed: false,
                write_only_attributes_allowed,
            }),
        }))
    };
    let old = validate(false).await.unwrap().into_inner().diagnostics;
    assert_eq!(old.len(), 1);
    assert!(old[0].summary.contains("needs Terraform 1.11"), "{:?}", old[0]);
    assert!(!old[0].detail.contains("s3cret"), "the value itself is never quoted");
    assert!(validate(true).await.unwrap().into_inner().diagnostics.is_empty());
}

#[tokio::test]
async fn computed_only_attributes_cannot_be_configured() {
    let (svc, _) = service();
    let ty = sink_schema().value_type();
    let cfg = sink_config(Value::Null, Value::Null, Value::from("chosen"));
    let d = svc
        .validate_resource_config(Request::new(pb::validate_resource_config::Request {
            type_name: "toy_sink".into(),
            config: dv(&cfg, &ty),
            client_capabilities: None,
        }))
        .await
        .unwrap()
        .into_inner()
        .diagnostics;
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].summary, "`id` cannot be set");
}

#[tokio::test]
async fn write_only_values_never_reach_plan_or_state() {
    let (svc, _) = service();
    let ty = sink_schema().value_type();
    let cfg = sink_config(Value::from("s3cret"), Value::from("n"), Value::Null);
    let plan = svc
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "toy_sink".into(),
            prior_state: dv(&Value::Null, &ty),
            proposed_new_state: dv(&cfg, &ty),
            config: dv(&cfg, &ty),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let planned = decode_msgpack(&plan.planned_state.as_ref().unwrap().msgpack, &ty).unwrap();
    assert_eq!(planned.attr("value"), &Value::Null);
    assert_eq!(planned.attr("note"), &Value::from("n"));
    assert!(!plan.planned_state.unwrap().msgpack.windows(6).any(|w| w == b"s3cret"));

    let applied = svc
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: "toy_sink".into(),
            prior_state: dv(&Value::Null, &ty),
            planned_state: dv(&planned, &ty),
            config: dv(&cfg, &ty),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let state = decode_msgpack(&applied.new_state.as_ref().unwrap().msgpack, &ty).unwrap();
    assert_eq!(state.attr("id"), &Value::from("sink-1"));
    assert_eq!(state.attr("value"), &Value::Null);
}

#[tokio::test]
async fn a_panicking_handler_becomes_a_diagnostic() {
    let (svc, _) = service();
    let ty = sink_schema().value_type();
    let cfg = sink_config(Value::Null, Value::from("panic"), Value::Null);
    let plan = svc
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "toy_sink".into(),
            prior_state: dv(&Value::Null, &ty),
            proposed_new_state: dv(&cfg, &ty),
            config: dv(&cfg, &ty),
            ..Default::default()
        }))
        .await
        .expect("a panic is not a transport error")
        .into_inner();
    assert_eq!(plan.diagnostics.len(), 1);
    assert!(plan.diagnostics[0].detail.contains("toy planner exploded"), "{:?}", plan.diagnostics[0]);
}

#[tokio::test]
async fn ephemeral_lifecycle_passes_private_data_through() {
    let (svc, calls) = service();
    let ty = Type::object([("audience", Type::String), ("token", Type::String)]);
    let cfg = Value::object([("audience", Value::from("warehouse")), ("token", Value::Null)]);
    let opened = svc
        .open_ephemeral_resource(Request::new(pb::open_ephemeral_resource::Request {
            type_name: "toy_token".into(),
            config: dv(&cfg, &ty),
            client_capabilities: None,
        }))
        .await
        .unwrap()
        .into_inner();
    let result = decode_msgpack(&opened.result.unwrap().msgpack, &ty).unwrap();
    assert_eq!(result.attr("token"), &Value::from("tok-1"));
    assert_eq!(opened.renew_at.unwrap().seconds, 1_800_000_000);
    let renewed = svc
        .renew_ephemeral_resource(Request::new(pb::renew_ephemeral_resource::Request {
            type_name: "toy_token".into(),
            private: opened.private.clone(),
        }))
        .await
        .unwrap()
        .into_inner();
    svc.close_ephemeral_resource(Request::new(pb::close_ephemeral_resource::Request {
        type_name: "toy_token".into(),
        private: renewed.private,
    }))
    .await
    .unwrap();
    assert_eq!(calls.take(), ["open warehouse", "renew handle-1", "close handle-2"]);
}

#[tokio::test]
async fn stored_state_upgrades_from_json_dropping_removed_attributes() {
    let (svc, _) = service();
    let resp = svc
        .upgrade_resource_state(Request::new(pb::upgrade_resource_state::Request {
            type_name: "toy_sink".into(),
            version: 0,
            raw_state: Some(pb::RawState {
                json: br#"{"id":"sink-1","note":"n","value":null,"retired":"x"}"#.to_vec(),
                flatmap: Default::default(),
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    let v = decode_msgpack(&resp.upgraded_state.unwrap().msgpack, &sink_schema().value_type()).unwrap();
    assert_eq!(v.attr("id"), &Value::from("sink-1"));
}
