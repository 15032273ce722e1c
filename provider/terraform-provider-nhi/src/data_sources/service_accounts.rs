//! `data "nhi_service_accounts"`: the inventory, filtered.

use std::sync::Arc;

use nhi_core::Ttl;
use nhi_registry::ServiceAccountFilter;
use tfplugin::{
    Attribute, AttributePath, Block, DataSource, Diagnostics, ReadDataRequest, ReadDataResponse, Schema, Type, Value,
};

use crate::fields::{self, Field};
use crate::resources::service_account::{record_value, schema as resource_schema};
use crate::{Shared, registry_error};

pub struct ServiceAccountsData {
    shared: Arc<Shared>,
}

impl ServiceAccountsData {
    pub fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

/// The filter a configuration asks for, relative to `now`.
fn filter(config: &Value, now: nhi_core::Timestamp, d: &mut Diagnostics) -> Option<ServiceAccountFilter> {
    let mut filter = ServiceAccountFilter::default();
    let known = |name: &str, d: &mut Diagnostics| {
        d.error(
            format!("`{name}` must be known"),
            "Filters are applied when the data source is read; use literals or known values.",
            AttributePath::attr(name),
        );
    };
    for (name, slot) in [("owner", &mut filter.owner), ("environment", &mut filter.environment)] {
        match fields::string(config, name, d) {
            Field::Known(v) => *slot = Some(v),
            Field::Null => {}
            Field::Unknown => known(name, d),
        }
    }
    match fields::string_map(config, "labels", d) {
        Field::Known(m) => filter.labels = m,
        Field::Null => {}
        Field::Unknown => known("labels", d),
    }
    for (name, slot) in
        [("has_static_keys", &mut filter.static_keys_live_at), ("rotation_overdue", &mut filter.rotation_overdue_at)]
    {
        match fields::boolean(config, name, d) {
            Field::Known(true) => *slot = Some(now),
            Field::Known(false) => d.error(
                format!("`{name} = false` is not a filter"),
                format!("Set `{name} = true` to select accounts, or leave it out."),
                AttributePath::attr(name),
            ),
            Field::Null => {}
            Field::Unknown => known(name, d),
        }
    }
    match fields::boolean(config, "include_disabled", d) {
        Field::Known(b) => filter.include_disabled = b,
        Field::Null => {}
        Field::Unknown => known("include_disabled", d),
    }
    let expired = match fields::boolean(config, "expired", d) {
        Field::Known(b) => Some(b),
        Field::Null => None,
        Field::Unknown => {
            known("expired", d);
            None
        }
    };
    match expired {
        Some(true) => filter.expiring_before = Some(now),
        Some(false) => filter.expiring_after = Some(now),
        None => {}
    }
    match fields::string(config, "expiring_within", d) {
        Field::Known(text) => match Ttl::parse(&text) {
            Ok(window) => {
                if expired == Some(true) {
                    d.error(
                        "Contradictory filters",
                        "`expiring_within` selects accounts that have not expired yet; it cannot be combined with `expired = true`.",
                        AttributePath::attr("expiring_within"),
                    );
                }
                filter.expiring_after = Some(now);
                filter.expiring_before = now.checked_add(window.as_signed_duration()).ok();
            }
            Err(e) => d.error("Invalid `expiring_within`", e.to_string(), AttributePath::attr("expiring_within")),
        },
        Field::Null => {}
        Field::Unknown => known("expiring_within", d),
    }
    (!d.has_errors()).then_some(filter)
}

impl DataSource for ServiceAccountsData {
    fn type_name(&self) -> &'static str {
        "nhi_service_accounts"
    }

    fn schema(&self) -> Schema {
        let record = resource_schema().block.value_type();
        Schema::new(
            Block::new(vec![
                Attribute::optional("owner", Type::String).describe("Only accounts with exactly this owner."),
                Attribute::optional("environment", Type::String).describe("Only accounts in this environment."),
                Attribute::optional("labels", Type::map(Type::String))
                    .describe("Only accounts carrying every one of these labels with exactly these values."),
                Attribute::optional("expiring_within", Type::String).describe(
                    "Only accounts that have not expired yet and expire within this window from now, e.g. `30d`.",
                ),
                Attribute::optional("expired", Type::Bool)
                    .describe("`true`: only accounts already expired; `false`: only accounts not expired yet."),
                Attribute::optional("has_static_keys", Type::Bool)
                    .describe("`true`: only accounts holding an `nhi_api_key` that verifies now (not expired, not revoked)."),
                Attribute::optional("rotation_overdue", Type::Bool)
                    .describe("`true`: only accounts holding a live API key whose `rotate_at` has passed."),
                Attribute::optional("include_disabled", Type::Bool)
                    .describe("Include disabled accounts (default `false`)."),
                Attribute::computed("service_accounts", Type::list(record)).describe(
                    "The matching accounts, sorted by name, each with the attributes of `nhi_service_account`.",
                ),
            ])
            .describe("Lists the service accounts in the registry that match every filter given; with no filter, every enabled account. Times are judged when the data source is read."),
        )
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        if config.is_wholly_known() {
            filter(config, nhi_core::Timestamp::UNIX_EPOCH, &mut d);
        }
        d
    }

    fn read(&self, req: ReadDataRequest) -> ReadDataResponse {
        let mut resp = ReadDataResponse::default();
        let Some(cfg) = self.shared.get_or_report(&mut resp.diagnostics) else { return resp };
        let mut d = Diagnostics::new();
        let Some(filter) = filter(&req.config, self.shared.clock().now(), &mut d) else {
            resp.diagnostics = d;
            return resp;
        };
        match cfg.store.list_service_accounts(&filter) {
            Ok(accounts) => {
                let mut state = req.config.clone();
                state.set_attr("service_accounts", Value::List(accounts.iter().map(record_value).collect()));
                resp.state = state;
            }
            Err(e) => d.extend(registry_error("Cannot list the service accounts", &e)),
        }
        resp.diagnostics = d;
        resp
    }
}
