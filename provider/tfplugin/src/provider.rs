//! The API a provider implements: one trait per kind of object, one request and one response
//! struct per operation. Handlers are synchronous and run on a blocking thread, so they may
//! call blocking stores directly. User problems go into `diagnostics`; nothing here returns
//! a transport error.

use std::sync::Arc;
use std::time::SystemTime;

use crate::diag::{Diagnostic, Diagnostics};
use crate::path::AttributePath;
use crate::schema::{IdentitySchema, Schema};
use crate::value::{Type, Value};

/// What the Terraform client told us it can handle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientCapabilities {
    pub deferral_allowed: bool,
    /// Terraform 1.11+ accepts write-only attributes.
    pub write_only_attributes_allowed: bool,
}

#[derive(Debug, Clone)]
pub struct ConfigureRequest {
    pub terraform_version: String,
    pub config: Value,
    pub client: ClientCapabilities,
}

/// A provider: its configuration and the objects it offers.
pub trait Provider: Send + Sync + 'static {
    /// The `provider "…" {}` block.
    fn schema(&self) -> Schema;
    fn validate_config(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }
    fn configure(&self, req: ConfigureRequest) -> Diagnostics;
    fn resources(&self) -> Vec<Arc<dyn Resource>>;
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }
    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
        Vec::new()
    }
    fn functions(&self) -> Vec<Arc<dyn Function>> {
        Vec::new()
    }
}

// ---------------------------------------------------------------- managed resources

#[derive(Debug, Clone)]
pub struct ValidateResourceRequest {
    pub config: Value,
    pub client: ClientCapabilities,
}

#[derive(Debug, Clone)]
pub struct PlanRequest {
    /// `Null` when the resource is being created.
    pub prior_state: Value,
    /// `Null` when the resource is being destroyed.
    pub proposed_new_state: Value,
    pub config: Value,
    pub prior_private: Vec<u8>,
    pub prior_identity: Option<Value>,
    pub client: ClientCapabilities,
}

#[derive(Debug, Clone, Default)]
pub struct PlanResponse {
    pub planned_state: Value,
    pub requires_replace: Vec<AttributePath>,
    pub planned_private: Vec<u8>,
    pub planned_identity: Option<Value>,
    pub diagnostics: Diagnostics,
}

#[derive(Debug, Clone)]
pub struct ApplyRequest {
    /// `Null` on create.
    pub prior_state: Value,
    /// `Null` on destroy.
    pub planned_state: Value,
    pub config: Value,
    pub planned_private: Vec<u8>,
    pub planned_identity: Option<Value>,
}

#[derive(Debug, Clone, Default)]
pub struct ApplyResponse {
    /// `Null` after a destroy.
    pub new_state: Value,
    pub private: Vec<u8>,
    pub new_identity: Option<Value>,
    pub diagnostics: Diagnostics,
}

#[derive(Debug, Clone)]
pub struct ReadRequest {
    pub current_state: Value,
    pub private: Vec<u8>,
    pub current_identity: Option<Value>,
    pub client: ClientCapabilities,
}

#[derive(Debug, Clone, Default)]
pub struct ReadResponse {
    /// `Null` when the object no longer exists; the next plan then creates it again.
    pub new_state: Value,
    pub private: Vec<u8>,
    pub new_identity: Option<Value>,
    pub diagnostics: Diagnostics,
}

#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// The `id` of `terraform import` or an `import { id = … }` block; empty when importing
    /// by identity.
    pub id: String,
    /// The `identity = { … }` of an import block (Terraform 1.12+).
    pub identity: Option<Value>,
    pub client: ClientCapabilities,
}

#[derive(Debug, Clone, Default)]
pub struct ImportResponse {
    /// The imported object's state; Terraform reads it right after.
    pub state: Value,
    pub private: Vec<u8>,
    pub identity: Option<Value>,
    pub diagnostics: Diagnostics,
}

pub trait Resource: Send + Sync + 'static {
    /// The full type name, e.g. `nhi_service_account`.
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    fn identity_schema(&self) -> Option<IdentitySchema> {
        None
    }
    /// Checks the configuration alone (may contain unknown values).
    fn validate(&self, _req: ValidateResourceRequest) -> Diagnostics {
        Diagnostics::new()
    }
    fn plan(&self, req: PlanRequest) -> PlanResponse;
    fn apply(&self, req: ApplyRequest) -> ApplyResponse;
    fn read(&self, req: ReadRequest) -> ReadResponse;
    fn import(&self, _req: ImportRequest) -> ImportResponse {
        ImportResponse {
            diagnostics: Diagnostic::error(
                format!("{} cannot be imported", self.type_name()),
                "This resource type does not support import; declare it and let Terraform create it.",
            )
            .into(),
            ..ImportResponse::default()
        }
    }
}

// ---------------------------------------------------------------- data sources

#[derive(Debug, Clone)]
pub struct ReadDataRequest {
    pub config: Value,
    pub client: ClientCapabilities,
}

#[derive(Debug, Clone, Default)]
pub struct ReadDataResponse {
    pub state: Value,
    pub diagnostics: Diagnostics,
}

pub trait DataSource: Send + Sync + 'static {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }
    fn read(&self, req: ReadDataRequest) -> ReadDataResponse;
}

// ---------------------------------------------------------------- ephemeral resources

#[derive(Debug, Clone)]
pub struct OpenRequest {
    pub config: Value,
    pub client: ClientCapabilities,
}

#[derive(Debug, Clone, Default)]
pub struct OpenResponse {
    pub result: Value,
    /// Opaque bytes handed back on renew and close (never shown to users).
    pub private: Option<Vec<u8>>,
    /// When Terraform should call renew, if the object is still in use.
    pub renew_at: Option<SystemTime>,
    pub diagnostics: Diagnostics,
}

#[derive(Debug, Clone, Default)]
pub struct RenewResponse {
    pub private: Option<Vec<u8>>,
    pub renew_at: Option<SystemTime>,
    pub diagnostics: Diagnostics,
}

pub trait EphemeralResource: Send + Sync + 'static {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }
    fn open(&self, req: OpenRequest) -> OpenResponse;
    fn renew(&self, _private: Option<Vec<u8>>) -> RenewResponse {
        RenewResponse::default()
    }
    fn close(&self, _private: Option<Vec<u8>>) -> Diagnostics {
        Diagnostics::new()
    }
}

// ---------------------------------------------------------------- functions

#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    pub ty: Type,
    pub allow_null: bool,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct Signature {
    pub parameters: Vec<Parameter>,
    pub variadic: Option<Parameter>,
    pub returns: Type,
    pub summary: String,
    pub description: String,
}

/// A function error; `argument` is the zero-based index of the argument at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionError {
    pub text: String,
    pub argument: Option<usize>,
}

pub trait Function: Send + Sync + 'static {
    /// The name without namespace: `provider::nhi::<name>`.
    fn name(&self) -> &'static str;
    fn signature(&self) -> Signature;
    fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError>;
}
