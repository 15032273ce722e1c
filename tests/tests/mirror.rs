//! `scripts/mirror.sh` lays out a filesystem mirror that `terraform init` installs from, offline,
//! on both Terraform versions. `init` only copies and hashes the provider, never runs it, so a
//! stand-in executable is enough here; the provider's own tests run the real binary.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use nhi_testkit::{Terraform, Workdir, workspace_root};

#[test]
fn mirror_script_layout_lets_terraform_init_offline() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let stand_in = scratch.path().join("stand-in-provider");
    fs::write(&stand_in, "#!/bin/sh\necho 'not a real provider' >&2\nexit 1\n").expect("write stand-in");
    fs::set_permissions(&stand_in, fs::Permissions::from_mode(0o755)).expect("chmod");
    let mirror = scratch.path().join("mirror");

    let out = Command::new("bash")
        .arg(workspace_root().join("scripts/mirror.sh"))
        .arg("--binary")
        .arg(&stand_in)
        .arg(&mirror)
        .output()
        .expect("run scripts/mirror.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "mirror.sh failed\nstdout:\n{stdout}\nstderr:\n{stderr}");

    let version = env!("CARGO_PKG_VERSION"); // the workspace version, shared with the provider
    let installed =
        mirror.join(format!("registry.terraform.io/nhi/nhi/{version}/linux_amd64/terraform-provider-nhi_v{version}"));
    assert_eq!(fs::read(&installed).expect("provider in the mirror"), fs::read(&stand_in).unwrap());
    assert!(stdout.contains(&format!("path    = \"{}\"", mirror.display())), "{stdout}");

    for tf in Terraform::all() {
        let wd = Workdir::with_cli_config(&tf, &stdout);
        wd.write(
            "main.tf",
            format!("terraform {{\n  required_providers {{\n    nhi = {{ source = \"nhi/nhi\", version = \"{version}\" }}\n  }}\n}}\n"),
        );
        wd.init().assert_contains(&format!("Installed nhi/nhi v{version}"));
        assert!(wd.path().join(".terraform.lock.hcl").is_file(), "init must write the lock file");
    }
}
