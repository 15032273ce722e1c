//! Provider logging in the form Terraform reads from a plugin's standard error: one JSON object
//! per line with `@level`, `@message`, `@module` and `@timestamp` (hclog's JSON format), at the
//! level Terraform passes down in `TF_LOG_PROVIDER` (else `TF_LOG`). Nothing is logged when
//! neither is set. What is logged: RPC names, resource types, durations and outcomes — never
//! attribute values, configurations or credentials.

use std::fmt;
use std::time::Instant;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// The level a `TF_LOG`-style value asks for; `None` for off or unset.
pub fn level_from(value: Option<&str>) -> Option<Level> {
    match value?.trim().to_ascii_uppercase().as_str() {
        "TRACE" | "JSON" => Some(Level::TRACE),
        "DEBUG" => Some(Level::DEBUG),
        "INFO" => Some(Level::INFO),
        "WARN" => Some(Level::WARN),
        "ERROR" => Some(Level::ERROR),
        _ => None,
    }
}

/// Installs the logger when Terraform asked for provider logs. Call once, early.
pub fn init_from_env() {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let Some(level) = level_from(var("TF_LOG_PROVIDER").or_else(|| var("TF_LOG")).as_deref()) else { return };
    use tracing_subscriber::layer::SubscriberExt;
    // Our crates only: the HTTP/2 and gRPC libraries log frames at trace level.
    let ours = tracing_subscriber::filter::Targets::new()
        .with_target("tfplugin", level)
        .with_target("terraform_provider_nhi", level)
        .with_target("nhi_registry", level);
    let layer = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).event_format(Hclog);
    let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer).with(ours));
}

/// hclog's JSON line format.
struct Hclog;

#[derive(Default)]
struct Fields {
    message: String,
    rest: serde_json::Map<String, serde_json::Value>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_owned();
        } else {
            self.rest.insert(field.name().to_owned(), value.into());
        }
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.rest.insert(field.name().to_owned(), value.into());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.rest.insert(field.name().to_owned(), value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.rest.insert(field.name().to_owned(), value.into());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.record_str(field, &format!("{value:?}"));
    }
}

impl<S, N> FormatEvent<S, N> for Hclog
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(&self, _: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let level = match *event.metadata().level() {
            Level::TRACE => "trace",
            Level::DEBUG => "debug",
            Level::INFO => "info",
            Level::WARN => "warn",
            Level::ERROR => "error",
        };
        let mut line = fields.rest;
        line.insert("@level".into(), level.into());
        line.insert("@message".into(), fields.message.into());
        line.insert("@module".into(), "nhi".into());
        line.insert("@timestamp".into(), format!("{:.6}", jiff::Timestamp::now()).into());
        writeln!(writer, "{}", serde_json::Value::Object(line))
    }
}

/// Logs one RPC at debug level when dropped: its name, the resource type it concerns and how
/// long it took.
pub struct RpcLog {
    rpc: &'static str,
    type_name: String,
    started: Instant,
}

impl RpcLog {
    pub fn start(rpc: &'static str, type_name: &str) -> Self {
        tracing::trace!(rpc, type_name = (!type_name.is_empty()).then_some(type_name), "rpc started");
        Self { rpc, type_name: type_name.to_owned(), started: Instant::now() }
    }
}

impl Drop for RpcLog {
    fn drop(&mut self) {
        let micros = u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX);
        // Provider-level RPCs concern no resource type: the field is left out then.
        let type_name = (!self.type_name.is_empty()).then_some(self.type_name.as_str());
        tracing::debug!(rpc = self.rpc, type_name, duration_us = micros, "rpc served");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_terraform_spelling() {
        assert_eq!(level_from(Some("trace")), Some(Level::TRACE));
        assert_eq!(level_from(Some("JSON")), Some(Level::TRACE));
        assert_eq!(level_from(Some("WARN")), Some(Level::WARN));
        assert_eq!(level_from(Some("off")), None);
        assert_eq!(level_from(None), None);
    }
}
