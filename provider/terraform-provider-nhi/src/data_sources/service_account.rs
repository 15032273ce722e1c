//! `data "nhi_service_account"`: look up one account by name.

use std::sync::Arc;

use tfplugin::{
    Attribute, AttributePath, Block, DataSource, Diagnostic, Diagnostics, ReadDataRequest, ReadDataResponse, Schema,
    Type, Value,
};

use crate::fields::{self, Field};
use crate::resources::service_account::{record_value, schema as resource_schema};
use crate::{Shared, registry_error};

pub struct ServiceAccountData {
    shared: Arc<Shared>,
}

impl ServiceAccountData {
    pub fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

impl DataSource for ServiceAccountData {
    fn type_name(&self) -> &'static str {
        "nhi_service_account"
    }

    /// The resource's attributes, all computed, except `name`, which selects the account.
    fn schema(&self) -> Schema {
        let attributes = resource_schema()
            .block
            .attributes
            .into_iter()
            .map(|a| {
                if a.name == "name" {
                    Attribute::required("name", Type::String).describe(format!(
                        "Name of the account to look up: {}, as the resource's `name`.",
                        crate::resources::service_account::name_rule()
                    ))
                } else {
                    Attribute::computed(a.name, a.ty).describe(a.description)
                }
            })
            .collect();
        Schema::new(Block::new(attributes).describe("Looks up a service account in the registry by name."))
    }

    /// A literal name is checked at validation, before any registry is opened.
    fn validate(&self, config: &Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        if let Some(name) = config.attr("name").as_str()
            && let Some(refused) = refused_name(name)
        {
            d.push(refused);
        }
        d
    }

    fn read(&self, req: ReadDataRequest) -> ReadDataResponse {
        let mut resp = ReadDataResponse::default();
        let Some(cfg) = self.shared.get_or_report(&mut resp.diagnostics) else { return resp };
        let mut d = Diagnostics::new();
        let Field::Known(name) = fields::string(&req.config, "name", &mut d) else {
            d.error(
                "`name` must be known",
                "Give the account name as a literal or a known value.",
                AttributePath::attr("name"),
            );
            resp.diagnostics = d;
            return resp;
        };
        // Again here: a name unknown at validation arrives now.
        if let Some(refused) = refused_name(&name) {
            d.push(refused);
            resp.diagnostics = d;
            return resp;
        }
        match cfg.store.find_service_account_by_name(&name) {
            Ok(Some(sa)) => resp.state = record_value(&sa),
            Ok(None) if !cfg.store.exists().unwrap_or(true) => d.push(crate::registry_not_created(&cfg.registry_url)),
            Ok(None) => d.push(
                Diagnostic::error(
                    "Service account not found",
                    format!("The registry {} has no service account named {name:?}.", cfg.registry_url),
                )
                .at(AttributePath::attr("name")),
            ),
            Err(e) => d.extend(registry_error("Cannot read the service account", &e)),
        }
        resp.diagnostics = d;
        resp
    }
}

/// The resource's name rule, applied to a lookup: a name the resource refuses cannot exist.
fn refused_name(name: &str) -> Option<Diagnostic> {
    let e = nhi_core::check_text(nhi_core::TextField::Name, name).err()?;
    Some(Diagnostic::error("Invalid `name`", format!("`name` is refused: {e}.")).at(AttributePath::attr("name")))
}
