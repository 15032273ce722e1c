//! `data "nhi_jwks"`: the registry's public signing keys as a JSON Web Key Set, so that any
//! service can verify nhi tokens with a standard JWT library.

use std::sync::Arc;

use nhi_registry::Credentials;
use tfplugin::{Attribute, Block, DataSource, ReadDataRequest, ReadDataResponse, Schema, Type, Value};

use crate::{Shared, registry_error};

pub struct JwksData {
    shared: Arc<Shared>,
}

impl JwksData {
    pub fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

fn key_type() -> Type {
    Type::object([("kid", Type::String), ("alg", Type::String), ("crv", Type::String), ("x", Type::String)])
}

impl DataSource for JwksData {
    fn type_name(&self) -> &'static str {
        "nhi_jwks"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new(vec![
                Attribute::computed("issuer", Type::String)
                    .describe("The registry's issuer identifier, the `iss` claim of its tokens (`urn:nhi:registry:<uuid>`)."),
                Attribute::computed("json", Type::String)
                    .describe("The JSON Web Key Set document (RFC 7517), to serve at a `jwks_uri` or hand to a JWT library."),
                Attribute::computed("keys", Type::list(key_type()))
                    .describe("The keys that verify tokens now: the signing key, and any key rotated out whose overlap has not ended."),
            ])
            .describe("The registry's public token signing keys. Creates the registry's first signing key when it has none. Read it after the registry exists: give it `depends_on` on a service account declared in the same configuration."),
        )
    }

    fn read(&self, _req: ReadDataRequest) -> ReadDataResponse {
        let mut resp = ReadDataResponse::default();
        let Some((cfg, change)) = self.shared.configured_change("read", &mut resp.diagnostics) else {
            return resp;
        };
        if !cfg.store.exists().unwrap_or(true) {
            resp.diagnostics.push(crate::registry_not_created(&cfg.registry_url));
            return resp;
        }
        match cfg.store.jwks(&change) {
            Ok(jwks) => {
                let doc = jwks.document();
                let keys = doc["keys"]
                    .as_array()
                    .map(|keys| {
                        keys.iter()
                            .map(|k| {
                                Value::object(
                                    ["kid", "alg", "crv", "x"].map(|f| (f, Value::from(k[f].as_str().unwrap_or("")))),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                resp.state = Value::object([
                    ("issuer", Value::from(jwks.issuer.as_str())),
                    ("json", Value::from(doc.to_string())),
                    ("keys", Value::List(keys)),
                ]);
            }
            Err(e) => resp.diagnostics = registry_error("Cannot read the signing keys", &e),
        }
        resp
    }
}
