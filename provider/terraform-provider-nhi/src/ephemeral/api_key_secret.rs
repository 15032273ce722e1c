//! `ephemeral "nhi_api_key_secret"`: the text of an `nhi_api_key`, for a consumer's write-only
//! attribute (or a provisioner) only. The registry keeps no copy of it: it derives the text
//! again from its derivation secret and the key's id, so every run gets the same key while
//! neither state, plan files nor the registry hold it.

use std::sync::Arc;

use nhi_registry::Credentials;
use tfplugin::{
    Attribute, AttributePath, Block, Diagnostic, Diagnostics, EphemeralResource, OpenRequest, OpenResponse, Schema,
    Type, Value,
};

use crate::fields::{self, Field};
use crate::{Shared, registry_error};

pub const TYPE_NAME: &str = "nhi_api_key_secret";

pub struct ApiKeySecretEphemeral {
    shared: Arc<Shared>,
}

impl ApiKeySecretEphemeral {
    pub fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

pub fn schema() -> Schema {
    Schema::new(
        Block::new(vec![
            Attribute::required("api_key", Type::String)
                .describe("Id (`key-…`) of the key, e.g. `nhi_api_key.vendor.id`."),
            Attribute::computed("secret", Type::String)
                .sensitive()
                .describe("The key, `nhik_<52 characters>_<6-character checksum>`. Pass it to a write-only attribute (Terraform 1.11+), such as `secret_string_wo` of `aws_secretsmanager_secret_version`."),
            Attribute::computed("prefix", Type::String).describe("The key's non-secret prefix, as `nhi_api_key.prefix`."),
            Attribute::computed("expires_at", Type::String).describe("When the key expires (RFC 3339)."),
        ])
        .describe("The text of a governed API key, as an ephemeral value: never in state or plan files. Refused for a key that is being rotated out or revoked."),
    )
}

impl EphemeralResource for ApiKeySecretEphemeral {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn open(&self, req: OpenRequest) -> OpenResponse {
        let mut resp = OpenResponse::default();
        let Some(cfg) = self.shared.get_or_report(&mut resp.diagnostics) else { return resp };
        let mut d = Diagnostics::new();
        let Field::Known(id) = fields::string(&req.config, "api_key", &mut d) else {
            d.error(
                "`api_key` must be known",
                "Reference the key's id, e.g. `nhi_api_key.vendor.id`.",
                AttributePath::attr("api_key"),
            );
            resp.diagnostics = d;
            return resp;
        };
        let at = AttributePath::attr("api_key");
        let now = self.shared.clock().now();
        let key = match cfg.store.get_api_key(&id) {
            Ok(Some(key)) => key,
            Ok(None) => {
                resp.diagnostics.push(
                    Diagnostic::error(
                        "API key not found",
                        format!(
                            "The registry {} has no API key {id:?}. Reference an `nhi_api_key` resource's `id`.",
                            cfg.registry_url
                        ),
                    )
                    .at(at),
                );
                return resp;
            }
            Err(e) => {
                resp.diagnostics = registry_error("Cannot read the API key", &e);
                return resp;
            }
        };
        if let Some(revoke_at) = key.revoke_at {
            let (summary, why) = if key.revoke_reason.as_deref() == Some("rotated") {
                ("API key is being rotated out", "it was rotated")
            } else {
                ("API key is revoked", "it was revoked")
            };
            resp.diagnostics.push(
                Diagnostic::error(
                    summary,
                    format!(
                        "Key {} ({}) stops verifying at {revoke_at} because {why}; it is not handed out again. Reference the key that replaced it.",
                        key.id, key.handle
                    ),
                )
                .at(at),
            );
            return resp;
        }
        if key.expires_at <= now {
            resp.diagnostics.push(
                Diagnostic::error(
                    "API key expired",
                    format!(
                        "Key {} ({}) expired at {}. Extend `expires_at` of the `nhi_api_key` to replace it.",
                        key.id, key.handle, key.expires_at
                    ),
                )
                .at(at),
            );
            return resp;
        }
        match cfg.store.api_key_secret(&id) {
            Ok(Some(secret)) => {
                tracing::info!(key = %key.id, prefix = %key.handle, "API key secret opened");
                resp.result = Value::object([
                    ("api_key", Value::from(id.as_str())),
                    ("secret", Value::from(secret.expose())),
                    ("prefix", Value::from(key.handle.as_str())),
                    ("expires_at", fields::timestamp_value(key.expires_at)),
                ]);
            }
            Ok(None) => resp
                .diagnostics
                .push(Diagnostic::error("API key not found", format!("Key {id} was deleted meanwhile.")).at(at)),
            Err(e) => resp.diagnostics = registry_error("Cannot read the API key", &e),
        }
        resp
    }
}
