//! Server-side cost of the RPCs Terraform calls for every resource on every run, driven
//! in-process through the tonic service (gRPC framing, prost, DynamicValue codec, framework
//! rules, handler; no network), with a toy 10-attribute resource and msgpack values as
//! Terraform sends them.
//!
//! Each figure is compared, in the same run, with a raw (untyped) msgpack decode + encode of the
//! same state: the ratio says how many such round trips one RPC costs, whatever the machine.
//! Run with `cargo bench -p tfplugin --bench rpc`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Bencher, Criterion};
use http_body_util::{BodyExt, Full};
use prost::Message;
use tfplugin::codec::{decode_msgpack, encode_msgpack};
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::proto::tfplugin6::provider_server::ProviderServer;
use tfplugin::server::ProviderService;
use tfplugin::*;
use tokio::runtime::Runtime;
use tonic::codegen::{Bytes, Service, http};

const TYPE_NAME: &str = "bench_thing";
/// The goal for ReadResource and PlanResourceChange, per call.
const TARGET_US: f64 = 50.0;

struct Thing;

fn schema() -> Schema {
    Schema::new(Block::new(vec![
        Attribute::computed("id", Type::String),
        Attribute::required("name", Type::String),
        Attribute::optional("description", Type::String),
        Attribute::optional_computed("enabled", Type::Bool),
        Attribute::optional("ttl_seconds", Type::Number),
        Attribute::optional("scopes", Type::list(Type::String)),
        Attribute::optional("labels", Type::map(Type::String)),
        Attribute::optional("tags", Type::set(Type::String)),
        Attribute::computed("created_at", Type::String),
        Attribute::optional("secret", Type::String).sensitive().write_only(),
    ]))
}

impl Resource for Thing {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }
    fn schema(&self) -> Schema {
        schema()
    }
    fn plan(&self, req: PlanRequest) -> PlanResponse {
        let mut planned = req.proposed_new_state;
        for computed in ["id", "created_at"] {
            if req.prior_state.attr(computed).is_null() {
                planned.set_attr(computed, Value::Unknown);
            } else {
                planned.set_attr(computed, req.prior_state.attr(computed).clone());
            }
        }
        PlanResponse { planned_state: planned, ..PlanResponse::default() }
    }
    fn apply(&self, req: ApplyRequest) -> ApplyResponse {
        ApplyResponse { new_state: req.planned_state, ..ApplyResponse::default() }
    }
    fn read(&self, req: ReadRequest) -> ReadResponse {
        ReadResponse { new_state: req.current_state, private: req.private, ..ReadResponse::default() }
    }
}

struct Toy;

impl Provider for Toy {
    fn schema(&self) -> Schema {
        Schema::default()
    }
    fn configure(&self, _: ConfigureRequest) -> Diagnostics {
        Diagnostics::new()
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Thing)]
    }
}

/// A stored object as Terraform holds it between runs.
fn state() -> Value {
    let strings = |xs: &[&str]| xs.iter().map(|s| Value::from(*s)).collect::<Vec<_>>();
    Value::object([
        ("id", Value::from("thing-0123456789abcdef")),
        ("name", Value::from("warehouse-exporter")),
        ("description", Value::from("Exports the nightly warehouse snapshot to the analytics bucket.")),
        ("enabled", Value::Bool(true)),
        ("ttl_seconds", Value::from(3600)),
        ("scopes", Value::List(strings(&["warehouse:read", "bucket:write", "queue:publish"]))),
        (
            "labels",
            Value::Map(
                [("team", "data"), ("env", "prod"), ("cost-centre", "4711")]
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), Value::from(v)))
                    .collect(),
            ),
        ),
        ("tags", Value::Set(strings(&["nightly", "export"]))),
        ("created_at", Value::from("2026-01-02T03:04:05Z")),
        ("secret", Value::Null),
    ])
}

fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue { msgpack: encode_msgpack(v, ty), json: Vec::new() })
}

/// One unary gRPC call through the generated tonic server, as the transport would make it.
#[derive(Clone)]
struct Grpc {
    server: ProviderServer<ProviderService<Toy>>,
}

impl Grpc {
    fn call<M: Message>(&self, method: &'static str, msg: &M) -> impl Future<Output = Bytes> + use<M> {
        let mut body = Vec::with_capacity(5 + msg.encoded_len());
        body.push(0); // not compressed
        body.extend_from_slice(&u32::try_from(msg.encoded_len()).expect("small message").to_be_bytes());
        msg.encode(&mut body).expect("Vec has room");
        let req = http::Request::builder()
            .method("POST")
            .uri(format!("/tfplugin6.Provider/{method}"))
            .header("content-type", "application/grpc")
            .header("te", "trailers")
            .body(Full::new(Bytes::from(body)))
            .expect("valid request");
        let mut server = self.server.clone();
        async move {
            let resp = server.call(req).await.expect("infallible");
            resp.into_body().collect().await.expect("response body").to_bytes()
        }
    }
}

/// Per-call figures of each benchmark's samples, for the ratios printed at the end.
#[derive(Default)]
struct Samples(RefCell<BTreeMap<&'static str, Sample>>);

#[derive(Default)]
struct Sample {
    /// Wall-clock µs per call, one entry per criterion sample.
    wall_us: Vec<f64>,
    /// CPU time of every thread of the process and calls, summed over the samples.
    cpu_ns: u64,
    calls: u64,
}

/// CPU time so far of all threads of this process (runtime workers and the blocking pool
/// included), from Linux's per-thread scheduler statistics; `None` elsewhere.
fn process_cpu_ns() -> Option<u64> {
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total)
}

impl Samples {
    /// Times `f` in criterion's loop. The loop runs as a task on a runtime worker, where the
    /// server's connection tasks call the service.
    fn bench<F>(
        &self,
        b: &mut Bencher<'_>,
        rt: &Runtime,
        name: &'static str,
        f: impl Fn() -> F + Clone + Send + 'static,
    ) where
        F: Future + Send,
        F::Output: Send,
    {
        b.iter_custom(|iters| {
            let f = f.clone();
            let cpu = process_cpu_ns();
            let start = Instant::now();
            rt.block_on(rt.spawn(async move {
                for _ in 0..iters {
                    black_box(f().await);
                }
            }))
            .expect("benchmark task");
            let elapsed = start.elapsed();
            let cpu = process_cpu_ns().zip(cpu).map_or(0, |(after, before)| after.saturating_sub(before));
            let mut all = self.0.borrow_mut();
            let s = all.entry(name).or_default();
            s.wall_us.push(elapsed.as_secs_f64() * 1e6 / iters as f64);
            s.cpu_ns += cpu;
            s.calls += iters;
            elapsed
        });
    }

    /// Median wall-clock µs per call, and mean CPU µs per call (all threads).
    fn per_call_us(&self, name: &str) -> (f64, f64) {
        let all = self.0.borrow();
        let Some(s) = all.get(name) else { return (f64::NAN, f64::NAN) };
        let mut wall = s.wall_us.clone();
        wall.sort_by(f64::total_cmp);
        let median = wall.get(wall.len() / 2).copied().unwrap_or(f64::NAN);
        (median, s.cpu_ns as f64 / 1e3 / s.calls.max(1) as f64)
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let grpc = Grpc { server: ProviderServer::new(ProviderService::new(Toy)) };
    let ty = schema().value_type();
    let stored = state();
    let bytes = encode_msgpack(&stored, &ty);
    let mut config = stored.clone();
    config.set_attr("id", Value::Null);
    config.set_attr("created_at", Value::Null);

    let read = pb::read_resource::Request {
        type_name: TYPE_NAME.into(),
        current_state: dv(&stored, &ty),
        private: b"opaque-private-bytes".to_vec(),
        ..Default::default()
    };
    // An in-place update: prior state, proposed new state and configuration as Terraform sends them.
    let mut proposed = stored.clone();
    proposed.set_attr("description", Value::from("Exports the nightly snapshot, now with a new description."));
    let mut plan_config = config.clone();
    plan_config.set_attr("description", proposed.attr("description").clone());
    let plan = pb::plan_resource_change::Request {
        type_name: TYPE_NAME.into(),
        prior_state: dv(&stored, &ty),
        proposed_new_state: dv(&proposed, &ty),
        config: dv(&plan_config, &ty),
        ..Default::default()
    };
    let upgrade = pb::upgrade_resource_state::Request {
        type_name: TYPE_NAME.into(),
        version: 0,
        raw_state: Some(pb::RawState {
            json: serde_json::to_vec(&tfplugin::codec::encode_json(&stored)).expect("JSON"),
            flatmap: Default::default(),
        }),
    };

    // Every call must succeed before it is timed.
    let diagnostics = |b: &Bytes| -> usize {
        let r = pb::plan_resource_change::Response::decode(&b[5..]).expect("plan response");
        r.diagnostics.len()
    };
    assert_eq!(diagnostics(&rt.block_on(grpc.call("PlanResourceChange", &plan))), 0);
    let r = pb::read_resource::Response::decode(&rt.block_on(grpc.call("ReadResource", &read))[5..]).expect("read");
    assert!(r.diagnostics.is_empty() && decode_msgpack(&r.new_state.unwrap().msgpack, &ty).unwrap() == stored);
    let u =
        pb::upgrade_resource_state::Response::decode(&rt.block_on(grpc.call("UpgradeResourceState", &upgrade))[5..])
            .expect("upgrade");
    assert!(u.diagnostics.is_empty() && u.upgraded_state.is_some());

    const BASELINE: &str = "baseline: raw msgpack decode+encode";
    const CODEC: &str = "codec: typed decode+encode";
    let samples = Samples::default();
    let mut c = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    {
        let mut g = c.benchmark_group("rpc");
        let raw = Arc::new(bytes);
        let typed = (Arc::clone(&raw), Arc::new(ty));
        g.bench_function(BASELINE, |b| {
            let raw = Arc::clone(&raw);
            samples.bench(b, &rt, BASELINE, move || {
                let v = rmpv::decode::read_value(&mut raw.as_slice()).expect("msgpack");
                let mut out = Vec::with_capacity(raw.len());
                rmpv::encode::write_value(&mut out, &v).expect("Vec has room");
                std::future::ready(out)
            })
        });
        g.bench_function(CODEC, |b| {
            let (raw, ty) = typed.clone();
            samples.bench(b, &rt, CODEC, move || {
                std::future::ready(encode_msgpack(&decode_msgpack(&raw, &ty).expect("decodes"), &ty))
            })
        });
        let (read, plan, upgrade) = (Arc::new(read), Arc::new(plan), Arc::new(upgrade));
        g.bench_function("ReadResource", |b| {
            let (grpc, read) = (grpc.clone(), Arc::clone(&read));
            samples.bench(b, &rt, "ReadResource", move || grpc.call("ReadResource", &*read))
        });
        g.bench_function("PlanResourceChange", |b| {
            let (grpc, plan) = (grpc.clone(), Arc::clone(&plan));
            samples.bench(b, &rt, "PlanResourceChange", move || grpc.call("PlanResourceChange", &*plan))
        });
        g.bench_function("UpgradeResourceState", |b| {
            let (grpc, upgrade) = (grpc.clone(), Arc::clone(&upgrade));
            samples.bench(b, &rt, "UpgradeResourceState", move || grpc.call("UpgradeResourceState", &*upgrade))
        });
        g.finish();
    }
    c.final_summary();

    let (base_wall, base) = samples.per_call_us(BASELINE);
    println!(
        "\nserver cost per call; ratio = CPU against the {BASELINE} of the same state ({base:.2} µs CPU, {base_wall:.2} µs wall):"
    );
    println!("  {:<28} {:>9} {:>9} {:>7}", "", "wall µs", "CPU µs", "ratio");
    for name in [CODEC, "ReadResource", "PlanResourceChange", "UpgradeResourceState"] {
        let (wall, cpu) = samples.per_call_us(name);
        let goal = match name {
            "ReadResource" | "PlanResourceChange" if cpu <= TARGET_US => "  within the 50 µs target",
            "ReadResource" | "PlanResourceChange" => "  OVER the 50 µs target",
            _ => "",
        };
        println!("  {name:<28} {wall:>9.2} {cpu:>9.2} {:>6.1}×{goal}", cpu / base);
    }
}
