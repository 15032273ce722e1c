//! Packaging: the real provider binary, laid out by `scripts/mirror.sh` as a filesystem mirror,
//! installs with an offline `terraform init` and manages an account, on both Terraform versions.

mod common;

use std::process::Command;

use common::days_from_now;
use nhi_testkit::{Terraform, Workdir, workspace_root};

#[test]
fn installs_from_a_filesystem_mirror_and_applies() {
    let scratch = tempfile::tempdir().unwrap();
    let mirror = scratch.path().join("mirror");
    let out = Command::new("bash")
        .arg(workspace_root().join("scripts/mirror.sh"))
        .arg("--binary")
        .arg(env!("CARGO_BIN_EXE_terraform-provider-nhi"))
        .arg(&mirror)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cli_config = String::from_utf8(out.stdout).unwrap();
    let version = env!("CARGO_PKG_VERSION");

    for tf in Terraform::all() {
        let mut wd = Workdir::with_cli_config(&tf, &cli_config);
        wd.set_env("NHI_REGISTRY", format!("sqlite://{}", wd.path().join("r.db").display()));
        wd.write(
            "main.tf",
            format!(
                r#"terraform {{
  required_providers {{
    nhi = {{
      source  = "nhi/nhi"
      version = "{version}"
    }}
  }}
}}

resource "nhi_service_account" "a" {{
  name       = "mirrored"
  owner      = "o@example.com"
  purpose    = "Installed from a filesystem mirror"
  expires_at = "{}"
}}
"#,
                days_from_now(60)
            ),
        );
        wd.init().assert_contains(&format!("Installed nhi/nhi v{version}"));
        let out = wd.apply();
        assert!(!out.stdout.contains("development overrides"), "a mirror install, not an override");
        out.assert_contains("1 added");
        wd.assert_plan_empty();
    }
}
