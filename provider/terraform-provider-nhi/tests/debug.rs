//! `--debug`: the provider serves without Terraform and prints the `TF_REATTACH_PROVIDERS`
//! value; Terraform then attaches to that process instead of starting its own.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{Env, days_from_now};
use nhi_testkit::Terraform;

#[test]
fn terraform_attaches_to_a_provider_started_with_debug() {
    let tf = Terraform::v1_15();
    let mut env = Env::new(&tf);
    let mut child = Command::new(env!("CARGO_BIN_EXE_terraform-provider-nhi"))
        .arg("--debug")
        .env("NHI_REGISTRY", format!("sqlite://{}", env.db.display()))
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .env("TMPDIR", env.wd.temp_dir())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reattach = None;
    // Keep reading stdout open for the life of the process.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.trim().strip_prefix("export TF_REATTACH_PROVIDERS='") {
            reattach = Some(rest.trim_end_matches('\'').to_owned());
            break;
        }
    }
    let reattach = reattach.expect("debug mode prints TF_REATTACH_PROVIDERS");
    let parsed: serde_json::Value = serde_json::from_str(&reattach).unwrap();
    let entry = &parsed["registry.terraform.io/nhi/nhi"];
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Addr"]["Network"], "unix");
    assert_eq!(entry["Pid"], child.id());

    // Only the attached process knows the registry file; a provider started by Terraform
    // would fall back to nhi-registry.db in the working directory.
    env.wd.remove_env("NHI_REGISTRY");
    env.wd.set_env("TF_REATTACH_PROVIDERS", reattach);
    env.wd.write(
        "main.tf",
        format!(
            "resource \"nhi_service_account\" \"a\" {{\n  name = \"attached\"\n  owner = \"o@example.com\"\n  purpose = \"p\"\n  expires_at = \"{}\"\n}}\n",
            days_from_now(30 + 5)
        ),
    );
    env.wd.apply();
    // Ctrl-C, as the instructions say, stops it the orderly way: its socket goes with it.
    let interrupted = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(interrupted.success());
    let status = child.wait().unwrap();
    drop(lines);
    assert!(status.success(), "the debug provider ended with {status} after Ctrl-C");
    let socket = entry["Addr"]["String"].as_str().expect("socket path");
    assert!(!std::path::Path::new(socket).exists(), "{socket} left behind");
    // The apply went through the attached process: the record is in its registry.
    assert!(env.store().find_service_account_by_name("attached").unwrap().is_some());
    assert!(!env.wd.path().join("nhi-registry.db").exists());
}
