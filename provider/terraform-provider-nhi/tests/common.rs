//! Helpers shared by the end-to-end tests: a working directory wired to the freshly built
//! provider and its own SQLite registry, and dates relative to now.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use nhi_core::Timestamp;
use nhi_registry::Store;
use nhi_testkit::{Terraform, Workdir};

pub fn provider_dir() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_terraform-provider-nhi")).parent().expect("binary has a directory")
}

pub struct Env {
    pub wd: Workdir,
    pub db: PathBuf,
}

impl Env {
    pub fn new(tf: &Terraform) -> Self {
        let mut wd = Workdir::new(tf, provider_dir());
        let db = wd.path().join("registry.db");
        wd.set_env("NHI_REGISTRY", format!("sqlite://{}", db.display()));
        wd.write(
            "versions.tf",
            "terraform {\n  required_providers {\n    nhi = {\n      source = \"nhi/nhi\"\n    }\n  }\n}\n",
        );
        Self { wd, db }
    }

    /// The same registry the provider writes, opened directly.
    pub fn store(&self) -> Arc<dyn Store> {
        nhi_registry::open(&format!("sqlite://{}", self.db.display())).expect("open registry")
    }
}

/// An RFC 3339 timestamp `days` from now (whole seconds, UTC).
pub fn days_from_now(days: i64) -> String {
    Timestamp::from_second(Timestamp::now().as_second() + days * 86_400).expect("in range").to_string()
}
