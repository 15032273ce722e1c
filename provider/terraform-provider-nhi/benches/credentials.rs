//! Credential costs on the embedded registry (a SQLite file, as users run it):
//!
//! 1. Token issuance per `OpenEphemeralResource` (`ephemeral "nhi_token"`), in-process through
//!    the provider's gRPC service (msgpack codec, blocking pool, registry read, Ed25519 signing,
//!    the issuance record and its audit event in one transaction): p50 and p99 of 2,000 opens,
//!    each followed by its Close (revocation, not timed). Baseline in the same run: the same
//!    configuration through `ValidateEphemeralResourceConfig`, the RPC path without the registry.
//! 2. API key verification throughput through the library (`Credentials::verify_api_key`:
//!    format and checksum, SHA-256, one indexed query joining the key and its account), on one
//!    thread, over 1,000 keys. Baseline in the same run: `Store::get_service_account`, the
//!    registry's cheapest indexed read. Target: at least 50,000 verifications per second.
//!
//!   cargo bench -p terraform-provider-nhi --bench credentials
//!   BENCH_REGISTRY=postgres://… cargo bench -p terraform-provider-nhi --bench credentials
//!
//! A benchmark: it prints figures and ratios and fails only on errors.

use std::time::{Duration, Instant};

use nhi_core::{Timestamp, Ttl};
use nhi_registry::{Actor, Change, Credentials, NewApiKey, ServiceAccountSpec, Store};
use terraform_provider_nhi::NhiProvider;
use tfplugin::codec::encode_msgpack;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::proto::tfplugin6::provider_server::Provider as _;
use tfplugin::server::ProviderService;
use tfplugin::{Provider as _, Type, Value};
use tonic::Request;

const OPENS: usize = 2_000;
const WARM_UP: usize = 100;
const KEYS: usize = 1_000;
const VERIFICATIONS: usize = 200_000;
const TARGET_PER_SECOND: f64 = 50_000.0;

fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue { msgpack: encode_msgpack(v, ty), json: Vec::new() })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn change() -> Change {
    Change {
        actor: Actor { client: "bench".into(), terraform_version: None, operation: "bench".into() },
        at: Timestamp::now(),
    }
}

fn days_ahead(days: i64) -> Timestamp {
    Timestamp::from_second(Timestamp::now().as_second() + days * 86_400).expect("in range")
}

fn main() {
    // BENCH_REGISTRY=postgres://… measures a shared registry instead (an empty database).
    let dir = tempfile::tempdir().expect("temp dir");
    let url = std::env::var("BENCH_REGISTRY")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("registry.db").display()));
    println!("registry: {}", nhi_registry::redact_url(&url));
    let store = nhi_registry::open(&url).expect("registry");
    let spec = ServiceAccountSpec {
        name: format!("bench-{}", Timestamp::now().as_nanosecond()),
        owner: "bench@example.com".into(),
        purpose: "Benchmark".into(),
        expires_at: days_ahead(200),
        scopes: vec!["warehouse:write".into()],
        environment: None,
        labels: Default::default(),
        disabled: false,
    };
    let sa = store.create_service_account(&spec, &change()).expect("account");
    // BENCH_ONLY=tokens or BENCH_ONLY=keys runs one part (for profiling).
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    if only != "keys" {
        tokens(&url, &sa.id);
    }
    if only != "tokens" {
        keys(store.as_ref(), &sa.id);
    }
}

fn tokens(url: &str, account: &str) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let provider = NhiProvider::new();
    let token_ty = provider
        .ephemeral_resources()
        .into_iter()
        .find(|e| e.type_name() == "nhi_token")
        .expect("nhi_token")
        .schema()
        .value_type();
    let svc = ProviderService::new(provider);
    let cfg_ty = terraform_provider_nhi::config::schema().value_type();
    let cfg = Value::object([("registry", Value::from(url)), ("policy", Value::Null)]);
    let config = Value::object([
        ("service_account", Value::from(account)),
        ("audience", Value::from("warehouse")),
        ("scopes", Value::List(vec![Value::from("warehouse:write")])),
        ("ttl", Value::from("10m")),
        ("token", Value::Null),
        ("jti", Value::Null),
        ("expires_at", Value::Null),
    ]);
    let (mut opens, mut validations) = (Vec::with_capacity(OPENS), Vec::with_capacity(OPENS));
    rt.block_on(async {
        let configured = svc
            .configure_provider(Request::new(pb::configure_provider::Request {
                terraform_version: "1.15.5".into(),
                config: dv(&cfg, &cfg_ty),
                client_capabilities: None,
            }))
            .await
            .expect("configure")
            .into_inner();
        assert!(configured.diagnostics.is_empty(), "{:?}", configured.diagnostics);
        for i in 0..OPENS + WARM_UP {
            let start = Instant::now();
            let validated = svc
                .validate_ephemeral_resource_config(Request::new(pb::validate_ephemeral_resource_config::Request {
                    type_name: "nhi_token".into(),
                    config: dv(&config, &token_ty),
                }))
                .await
                .expect("validate")
                .into_inner();
            let validate_time = start.elapsed();
            assert!(validated.diagnostics.is_empty(), "{:?}", validated.diagnostics);
            let start = Instant::now();
            let opened = svc
                .open_ephemeral_resource(Request::new(pb::open_ephemeral_resource::Request {
                    type_name: "nhi_token".into(),
                    config: dv(&config, &token_ty),
                    client_capabilities: None,
                }))
                .await
                .expect("open")
                .into_inner();
            let open_time = start.elapsed();
            assert!(opened.diagnostics.is_empty(), "{:?}", opened.diagnostics);
            let closed = svc
                .close_ephemeral_resource(Request::new(pb::close_ephemeral_resource::Request {
                    type_name: "nhi_token".into(),
                    private: opened.private,
                }))
                .await
                .expect("close")
                .into_inner();
            assert!(closed.diagnostics.is_empty(), "{:?}", closed.diagnostics);
            // The first opens warm up the connection pool, the statement cache and the signing key.
            if i >= WARM_UP {
                opens.push(open_time);
                validations.push(validate_time);
            }
        }
    });
    opens.sort();
    validations.sort();
    let (p50, p99) = (percentile(&opens, 0.50), percentile(&opens, 0.99));
    let (b50, b99) = (percentile(&validations, 0.50), percentile(&validations, 0.99));
    println!("token issuance, OpenEphemeralResource, {OPENS} opens:");
    println!("  open:     p50 {:8.1} µs   p99 {:8.1} µs", micros(p50), micros(p99));
    println!(
        "  baseline: p50 {:8.1} µs   p99 {:8.1} µs   (ValidateEphemeralResourceConfig, same config)",
        micros(b50),
        micros(b99)
    );
    println!("  ratio open / baseline: p50 {:.1}x, p99 {:.1}x", micros(p50) / micros(b50), micros(p99) / micros(b99));
}

fn keys(store: &dyn Store, account: &str) {
    let mut secrets = Vec::with_capacity(KEYS);
    for _ in 0..KEYS {
        let new = NewApiKey {
            service_account_id: account,
            justification: "Benchmark",
            expires_at: days_ahead(60),
            rotate_every: Some(Ttl::from_days(30)),
        };
        let key = store.create_api_key(&new, &change()).expect("key");
        secrets.push(store.api_key_secret(&key.id).expect("read").expect("exists"));
    }
    let now = Timestamp::now();
    for s in &secrets {
        store.verify_api_key(s.expose(), now).expect("valid");
    }
    let start = Instant::now();
    for i in 0..VERIFICATIONS {
        assert!(store.verify_api_key(secrets[i % KEYS].expose(), now).is_ok());
    }
    let verify = start.elapsed();
    let start = Instant::now();
    for _ in 0..VERIFICATIONS {
        assert!(store.get_service_account(account).expect("read").is_some());
    }
    let baseline = start.elapsed();
    let per_second = VERIFICATIONS as f64 / verify.as_secs_f64();
    println!("API key verification, library, one thread, {KEYS} keys, {VERIFICATIONS} checks:");
    println!("  verify_api_key: {:7.2} µs each, {per_second:9.0} /s", micros(verify) / VERIFICATIONS as f64);
    println!(
        "  baseline:       {:7.2} µs each, {:9.0} /s   (get_service_account by id)",
        micros(baseline) / VERIFICATIONS as f64,
        VERIFICATIONS as f64 / baseline.as_secs_f64()
    );
    println!("  ratio verify / baseline: {:.2}x", verify.as_secs_f64() / baseline.as_secs_f64());
    println!("  against the target of {TARGET_PER_SECOND:.0}/s: {:.2}x", per_second / TARGET_PER_SECOND);
}
