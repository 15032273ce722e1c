//! The nhi Terraform provider: the one place where Terraform values meet nhi's domain types.

use std::sync::{Arc, OnceLock};

use nhi_core::{Clock, Policy};
use nhi_registry::{Actor, Change, Store};
use tfplugin::{ConfigureRequest, DataSource, Diagnostic, Diagnostics, EphemeralResource, Function, Resource, Schema};

pub mod config;
mod data_sources;
pub mod docs;
mod ephemeral;
mod fields;
mod functions;
mod governance;
mod resources;

pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/nhi/nhi";

/// What every resource needs once the provider is configured.
#[derive(Debug)]
pub struct Configured {
    pub store: Arc<dyn Store>,
    pub policy: Policy,
    /// The registry URL with any password redacted, for messages.
    pub registry_url: String,
    pub terraform_version: String,
}

/// The error for a lookup in a registry that was never written: no account can be in it,
/// and saying "not found" would hide a mistyped path.
pub(crate) fn registry_not_created(registry_url: &str) -> Diagnostic {
    Diagnostic::error(
        "The nhi registry does not exist yet",
        format!(
            "There is no registry at {registry_url}. A registry is created by the first apply that creates a service account; reads never create one. Check `registry` in the provider block (or NHI_REGISTRY), or apply the configuration that creates the account first."
        ),
    )
}

/// State shared by the provider and its resources.
#[derive(Debug)]
pub struct Shared {
    configured: OnceLock<Configured>,
    clock: Arc<dyn Clock>,
    /// Why the process's clock could not be set up (a test clock in a release build): every
    /// configuration fails with it.
    clock_error: Option<String>,
}

impl Shared {
    /// The configuration, or a diagnostic explaining that the provider was not configured.
    /// The configured provider, or `None` with the "not configured" error put in
    /// `diagnostics`: the first step of every handler that needs the registry.
    pub fn get_or_report(&self, diagnostics: &mut Diagnostics) -> Option<&Configured> {
        match self.get() {
            Ok(c) => Some(c),
            Err(d) => {
                *diagnostics = d;
                None
            }
        }
    }

    pub fn get(&self) -> Result<&Configured, Diagnostics> {
        self.configured.get().ok_or_else(|| {
            Diagnostic::error(
                "Provider not configured",
                "Terraform called the nhi provider before configuring it. Check the provider block for errors reported above.",
            )
            .into()
        })
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// The configured provider and the audit record of `operation` performed now, or `None`
    /// with the "not configured" error put in `diagnostics`.
    pub fn configured_change(&self, operation: &str, diagnostics: &mut Diagnostics) -> Option<(&Configured, Change)> {
        let c = self.get_or_report(diagnostics)?;
        let change = Change {
            actor: Actor {
                client: format!("terraform-provider-nhi/{}", env!("CARGO_PKG_VERSION")),
                terraform_version: (!c.terraform_version.is_empty()).then(|| c.terraform_version.clone()),
                operation: operation.to_owned(),
            },
            at: self.clock.now(),
        };
        Some((c, change))
    }
}

/// Diagnostic for a registry failure, quoting the cause (registry errors never carry secrets).
pub(crate) fn registry_error(summary: &str, e: &nhi_registry::RegistryError) -> Diagnostics {
    Diagnostic::error(summary, format!("The registry answered: {e}")).into()
}

pub struct NhiProvider {
    shared: Arc<Shared>,
}

impl NhiProvider {
    /// The provider on the process's clock: the wall clock, or in a debug build one moved by
    /// `NHI_TEST_CLOCK_OFFSET` (see [`nhi_core::clock_from_env`]).
    pub fn new() -> Self {
        match nhi_core::clock_from_env() {
            Ok(clock) => Self::with_clock(clock),
            Err(e) => {
                let mut provider = Self::with_clock(Arc::new(nhi_core::SystemClock));
                if let Some(shared) = Arc::get_mut(&mut provider.shared) {
                    shared.clock_error = Some(e);
                }
                provider
            }
        }
    }

    /// A provider whose notion of "now" comes from `clock` (tests move a fake one).
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        Self { shared: Arc::new(Shared { configured: OnceLock::new(), clock, clock_error: None }) }
    }
}

impl Default for NhiProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl tfplugin::Provider for NhiProvider {
    fn schema(&self) -> Schema {
        config::schema()
    }

    fn validate_config(&self, config: &tfplugin::Value) -> Diagnostics {
        // Values may still be unknown during validation; only report definite mistakes.
        if !config.is_wholly_known() {
            return Diagnostics::new();
        }
        config::parse(config, None).err().unwrap_or_default()
    }

    fn configure(&self, req: ConfigureRequest) -> Diagnostics {
        if let Some(e) = &self.shared.clock_error {
            return Diagnostic::error("The provider's clock cannot be set up", e.clone()).into();
        }
        let cfg = match config::parse(&req.config, std::env::var(config::REGISTRY_ENV).ok()) {
            Ok(c) => c,
            Err(d) => return d,
        };
        // A plan or a data source read must not create a registry: the file appears on the
        // first write.
        let store = match nhi_registry::open_deferred(&cfg.registry) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(registry = %nhi_registry::redact_url(&cfg.registry), error = %e, "cannot open the registry");
                return Diagnostic::error(
                    "Cannot open the nhi registry",
                    format!("{e}. Check `registry` in the provider block (or NHI_REGISTRY)."),
                )
                .at(tfplugin::AttributePath::attr("registry"))
                .into();
            }
        };
        tracing::info!(
            registry = %nhi_registry::redact_url(&cfg.registry),
            terraform_version = %req.terraform_version,
            enforcement = ?cfg.policy.enforcement,
            "provider configured"
        );
        let _ = self.shared.configured.set(Configured {
            store,
            policy: cfg.policy,
            // Shown in diagnostics: never with a password.
            registry_url: nhi_registry::redact_url(&cfg.registry),
            terraform_version: req.terraform_version,
        });
        Diagnostics::new()
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![
            Arc::new(resources::service_account::ServiceAccountResource::new(Arc::clone(&self.shared))),
            Arc::new(resources::api_key::ApiKeyResource::new(Arc::clone(&self.shared))),
        ]
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
        vec![
            Arc::new(ephemeral::token::TokenEphemeral::new(Arc::clone(&self.shared))),
            Arc::new(ephemeral::api_key_secret::ApiKeySecretEphemeral::new(Arc::clone(&self.shared))),
        ]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![
            Arc::new(data_sources::service_account::ServiceAccountData::new(Arc::clone(&self.shared))),
            Arc::new(data_sources::service_accounts::ServiceAccountsData::new(Arc::clone(&self.shared))),
            Arc::new(data_sources::jwks::JwksData::new(Arc::clone(&self.shared))),
        ]
    }

    fn functions(&self) -> Vec<Arc<dyn Function>> {
        vec![
            Arc::new(functions::DurationSeconds),
            Arc::new(functions::IsBroadScope),
            Arc::new(functions::DaysUntil),
            Arc::new(functions::ExpiryStatusFunction),
        ]
    }
}
