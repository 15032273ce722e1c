//! Rules that hold for every provider, enforced once here rather than in each resource:
//! configuration may not set computed-only attributes; write-only attributes are refused on
//! clients that cannot keep them out of state, and never leave the provider in planned or new
//! state.

use crate::diag::Diagnostics;
use crate::path::AttributePath;
use crate::provider::ClientCapabilities;
use crate::schema::{AttributeMode, Schema};
use crate::value::Value;

/// Checks a configuration against the schema's attribute modes and the client's abilities.
pub(crate) fn check_config(schema: &Schema, config: &Value, client: ClientCapabilities) -> Diagnostics {
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
pub(crate) fn null_write_only(schema: &Schema, v: &mut Value) {
    for a in schema.block.attributes.iter().filter(|a| a.write_only) {
        if !v.attr(&a.name).is_null() {
            v.set_attr(&a.name, Value::Null);
        }
    }
}
