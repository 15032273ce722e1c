//! `nhi-lint`: finds non-human identity risks in Terraform — static credentials, excessive
//! scopes, missing lifetimes and governance gaps — with spans that point at the exact value.
//!
//! Layers, each importing only from those below it (a test in `tests/layers.rs` checks this):
//!
//! | layer | modules |
//! | --- | --- |
//! | entry points | [`plan`] → [`pipeline`], [`baseline`], [`config`] |
//! | run data | [`report`] (findings, summaries), [`settings`] |
//! | the code table | [`codes`], [`coverage`] (credential types and the rules that cover them) |
//! | rules | [`rules`] (one file per rule) |
//! | rule API | [`rule`] (`Rule`, `RuleMeta`, `Ctx`) |
//! | semantic facts | [`facts`] (policy statements, literal secrets), computed once per module |
//! | query | [`query`] (`ModuleView`, `Item`) |
//! | evaluation | [`eval`] (`Value`, `Env`, functions, policy documents) |
//! | syntax | [`syntax`] (tree, HCL and JSON front-ends, source files, suppression comments) |
//! | spans | [`span`] |

pub mod baseline;
pub mod codes;
pub mod config;
pub mod coverage;
pub mod eval;
pub mod facts;
pub mod pipeline;
pub mod plan;
pub mod query;
pub mod report;
pub mod rule;
pub mod rules;
pub mod settings;
pub mod span;
pub mod syntax;

pub use config::{Config, ConfigError, ConfigProblem};
pub use pipeline::{lint_files, lint_paths};
pub use plan::{PlanError, lint_plan};
pub use report::{FileError, Finding, PlanSummary, Report};
pub use rule::{Category, Severity};
pub use settings::Settings;
