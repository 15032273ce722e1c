//! `nhi-lint`: finds non-human identity risks in Terraform — static credentials, excessive
//! scopes, missing lifetimes and governance gaps — with spans that point at the exact value.
//!
//! The pipeline: [`engine::discover`] files, parse them into [`model`] trees in parallel,
//! evaluate what is statically known ([`eval`]), run every rule in the [`registry`] over each
//! module (and through local module calls), then deduplicate, apply suppressions and sort.

pub mod baseline;
pub mod config;
pub mod engine;
pub mod eval;
mod functions;
mod json;
pub mod model;
pub mod plan;
pub mod policy;
pub mod registry;
pub mod rule;
pub mod rules;
pub mod source;
pub mod suppress;

pub use config::{Config, ConfigError};
pub use engine::{FileError, Finding, Report, Settings, lint_files, lint_paths};
pub use plan::{PlanError, lint_plan};
pub use rule::{Category, Severity};
