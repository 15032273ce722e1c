//! The provider in-process, through the gRPC service trait: bad input becomes located
//! diagnostics (never a panic or a transport error), and governance follows an injected clock.

use std::sync::Arc;

use nhi_core::{FixedClock, Timestamp};
use terraform_provider_nhi::NhiProvider;
use tfplugin::codec::encode_msgpack;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::proto::tfplugin6::provider_server::Provider as _;
use tfplugin::server::ProviderService;
use tfplugin::{Type, Value};
use tonic::Request;

const SA: &str = "nhi_service_account";

fn dv(bytes: Vec<u8>) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue { msgpack: bytes, json: Vec::new() })
}

fn account_type() -> Type {
    use tfplugin::Provider as _;
    NhiProvider::new().resources().into_iter().find(|r| r.type_name() == SA).unwrap().schema().value_type()
}

fn config(expires_at: &str) -> Value {
    Value::object([
        ("id", Value::Null),
        ("name", Value::from("a")),
        ("owner", Value::from("o@example.com")),
        ("purpose", Value::from("p")),
        ("expires_at", Value::from(expires_at)),
        ("scopes", Value::Null),
        ("environment", Value::Null),
        ("labels", Value::Null),
        ("disabled", Value::Null),
        ("created_at", Value::Null),
    ])
}

async fn configured(clock: Arc<FixedClock>) -> ProviderService<NhiProvider> {
    let svc = ProviderService::new(NhiProvider::with_clock(clock));
    let cfg_ty = terraform_provider_nhi::config::schema().value_type();
    let cfg = Value::object([("registry", Value::from("sqlite::memory:")), ("policy", Value::Null)]);
    let resp = svc
        .configure_provider(Request::new(pb::configure_provider::Request {
            terraform_version: "1.15.5".into(),
            config: dv(encode_msgpack(&cfg, &cfg_ty)),
            client_capabilities: None,
        }))
        .await
        .expect("never a transport error")
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    svc
}

async fn validate(svc: &ProviderService<NhiProvider>, bytes: Vec<u8>) -> Vec<pb::Diagnostic> {
    svc.validate_resource_config(Request::new(pb::validate_resource_config::Request {
        type_name: SA.into(),
        config: dv(bytes),
        client_capabilities: None,
    }))
    .await
    .expect("never a transport error")
    .into_inner()
    .diagnostics
}

async fn plan(svc: &ProviderService<NhiProvider>, cfg: &Value) -> pb::plan_resource_change::Response {
    let ty = account_type();
    svc.plan_resource_change(Request::new(pb::plan_resource_change::Request {
        type_name: SA.into(),
        prior_state: dv(encode_msgpack(&Value::Null, &ty)),
        proposed_new_state: dv(encode_msgpack(cfg, &ty)),
        config: dv(encode_msgpack(cfg, &ty)),
        ..Default::default()
    }))
    .await
    .expect("never a transport error")
    .into_inner()
}

fn path_of(d: &pb::Diagnostic) -> String {
    use pb::attribute_path::step::Selector;
    d.attribute
        .as_ref()
        .map(|a| {
            a.steps
                .iter()
                .map(|s| match &s.selector {
                    Some(Selector::AttributeName(n)) => n.clone(),
                    Some(Selector::ElementKeyString(k)) => format!("[{k:?}]"),
                    Some(Selector::ElementKeyInt(i)) => format!("[{i}]"),
                    None => String::new(),
                })
                .collect::<Vec<_>>()
                .join(".")
        })
        .unwrap_or_default()
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new("2026-06-01T00:00:00Z".parse::<Timestamp>().unwrap()))
}

#[tokio::test]
async fn malformed_values_become_diagnostics() {
    let svc = configured(clock()).await;
    let good = encode_msgpack(&config("2026-08-01T00:00:00Z"), &account_type());
    assert!(validate(&svc, good.clone()).await.is_empty());

    // Every truncation of a valid value, and garbage, yields an error diagnostic.
    for cut in [0, 1, good.len() / 2, good.len() - 1] {
        let diags = validate(&svc, good[..cut].to_vec()).await;
        if cut == 0 {
            continue; // empty bytes mean "no value", which validates as null
        }
        assert_eq!(diags.len(), 1, "cut {cut}: {diags:?}");
        assert_eq!(diags[0].severity, pb::diagnostic::Severity::Error as i32);
        assert!(diags[0].detail.contains("malformed msgpack"), "{}", diags[0].detail);
    }
    assert!(!validate(&svc, vec![0xc1, 0xff, 0x00]).await.is_empty());
}

#[tokio::test]
async fn wrong_types_and_unknown_attributes_are_located() {
    let svc = configured(clock()).await;
    let mut bad = config("2026-08-01T00:00:00Z");
    bad.set_attr("owner", Value::from(42));
    let diags = validate(&svc, encode_msgpack(&bad, &Type::infer(&bad))).await;
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(path_of(&diags[0]), "owner");
    assert!(diags[0].detail.contains("expected a string, found a number"));

    let mut extra = config("2026-08-01T00:00:00Z");
    extra.set_attr("colour", Value::from("blue"));
    let diags = validate(&svc, encode_msgpack(&extra, &Type::infer(&extra))).await;
    assert_eq!(path_of(&diags[0]), "colour");

    let diags = validate(&svc, encode_msgpack(&config("next tuesday"), &account_type())).await;
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(path_of(&diags[0]), "expires_at");
    assert!(diags[0].detail.contains("RFC 3339"));

    let mut scopes = config("2026-08-01T00:00:00Z");
    scopes.set_attr("scopes", Value::List(vec![Value::from("ok:read"), Value::from("no spaces")]));
    let diags = validate(&svc, encode_msgpack(&scopes, &account_type())).await;
    assert_eq!(path_of(&diags[0]), "scopes.[1]");

    let resp = svc
        .validate_resource_config(Request::new(pb::validate_resource_config::Request {
            type_name: "nhi_nothing".into(),
            config: None,
            client_capabilities: None,
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics[0].summary.contains("Unknown resource type"));
}

#[tokio::test]
async fn governance_follows_the_injected_clock() {
    let clock = clock();
    let svc = configured(Arc::clone(&clock)).await;
    let cfg = config("2026-06-11T00:00:00Z");

    let first = plan(&svc, &cfg).await;
    assert_eq!(first.diagnostics.len(), 1, "{:?}", first.diagnostics);
    assert_eq!(first.diagnostics[0].severity, pb::diagnostic::Severity::Warning as i32);
    assert_eq!(first.diagnostics[0].summary, "The service account expires in 10 days");
    assert_eq!(path_of(&first.diagnostics[0]), "expires_at");

    // Three weeks later the same configuration is refused...
    clock.advance(nhi_core::Ttl::from_days(21).as_signed_duration());
    let later = plan(&svc, &cfg).await;
    assert_eq!(later.diagnostics[0].severity, pb::diagnostic::Severity::Error as i32);
    assert_eq!(later.diagnostics[0].summary, "The service account expiry is in the past");
    // ...but the planned values are identical: they never depend on the clock.
    assert_eq!(first.planned_state, later.planned_state);

    // A year and a half ahead is beyond the default 365d maximum.
    clock.set("2026-06-01T00:00:00Z".parse().unwrap());
    let far = plan(&svc, &config("2027-12-01T00:00:00Z")).await;
    assert_eq!(far.diagnostics[0].summary, "The service account lifetime exceeds policy.max_lifetime");
}

/// Broad scopes warn on their element; hostile label keys and values are refused at theirs.
#[tokio::test]
async fn element_diagnostics_name_the_element() {
    let svc = configured(clock()).await;
    let mut cfg = config("2026-08-01T00:00:00Z");
    cfg.set_attr("scopes", Value::List(vec![Value::from("ok:read"), Value::from("a:b"), Value::from("invoices:*")]));
    let resp = plan(&svc, &cfg).await;
    let broad: Vec<_> = resp.diagnostics.iter().filter(|d| d.summary == "Broad scope").collect();
    assert_eq!(broad.len(), 1, "{:?}", resp.diagnostics);
    assert_eq!(path_of(broad[0]), "scopes.[2]");
    assert_eq!(broad[0].severity, pb::diagnostic::Severity::Warning as i32);

    let mut cfg = config("2026-08-01T00:00:00Z");
    cfg.set_attr(
        "labels",
        Value::Map([("team".to_owned(), Value::from("a\u{1b}[2J")), ("ok".to_owned(), Value::from("fine"))].into()),
    );
    let diags = validate(&svc, encode_msgpack(&cfg, &account_type())).await;
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(path_of(&diags[0]), "labels.[\"team\"]");
    assert!(!diags[0].detail.contains('\u{1b}'), "the escape was echoed: {:?}", diags[0].detail);
}
