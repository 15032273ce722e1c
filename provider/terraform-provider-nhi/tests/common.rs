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
    /// The SQLite file in the working directory (unused when `url` names PostgreSQL).
    pub db: PathBuf,
    /// The registry URL the provider gets through NHI_REGISTRY.
    pub url: String,
}

impl Env {
    /// A working directory with its own SQLite registry file.
    pub fn new(tf: &Terraform) -> Self {
        let wd = Workdir::new(tf, provider_dir());
        let db = wd.path().join("registry.db");
        Self::with_registry(wd, db.clone(), format!("sqlite://{}", db.display()))
    }

    /// A working directory whose registry is a new database on the test PostgreSQL server.
    pub fn postgres(tf: &Terraform, label: &str) -> Self {
        let url = nhi_testkit::postgres::fresh_database(label);
        let wd = Workdir::new(tf, provider_dir());
        let db = wd.path().join("unused.db");
        Self::with_registry(wd, db, url)
    }

    /// A second working directory (its own state) on this one's registry.
    pub fn sharing_registry(&self, tf: &Terraform) -> Self {
        Self::with_registry(Workdir::new(tf, provider_dir()), self.db.clone(), self.url.clone())
    }

    fn with_registry(mut wd: Workdir, db: PathBuf, url: String) -> Self {
        wd.set_env("NHI_REGISTRY", url.clone());
        wd.write(
            "versions.tf",
            "terraform {\n  required_providers {\n    nhi = {\n      source = \"nhi/nhi\"\n    }\n  }\n}\n",
        );
        Self { wd, db, url }
    }

    /// The same registry the provider writes, opened directly.
    pub fn store(&self) -> Arc<dyn Store> {
        nhi_registry::open(&self.url).expect("open registry")
    }
}

/// The parent of process `p`.
pub fn parent_of(p: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
    // pid (comm) state ppid …: comm may hold spaces, so split after the last ')'.
    stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()
}

/// Provider processes whose parent is `pid`.
pub fn provider_children(pid: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&p| {
            parent_of(p) == Some(pid)
                && std::fs::read_to_string(format!("/proc/{p}/comm")).is_ok_and(|c| c.starts_with("terraform-provi"))
        })
        .collect()
}

/// An RFC 3339 timestamp `days` from now (whole seconds, UTC).
pub fn days_from_now(days: i64) -> String {
    Timestamp::from_second(Timestamp::now().as_second() + days * 86_400).expect("in range").to_string()
}
