//! The harness itself, against both real Terraform versions, using only what Terraform has built
//! in (no provider binary): `terraform_data` on 1.15.5, `locals` and `output` on 1.0.3.

use std::path::Path;

use nhi_testkit::{Terraform, Workdir};
use serde_json::json;

/// A directory without a provider binary: the harness must work for configurations that do not
/// use the nhi provider.
fn no_provider() -> &'static Path {
    Path::new("/nonexistent/nhi-provider-dir")
}

#[test]
fn terraform_1_15_applies_plans_clean_and_shows_json() {
    let tf = Terraform::v1_15();
    let wd = Workdir::new(&tf, no_provider());
    wd.write(
        "main.tf",
        r#"
locals { greeting = "hello" }
resource "terraform_data" "x" { input = local.greeting }
output "echo" { value = terraform_data.x.output }
"#,
    );

    assert_eq!(wd.plan_detailed_exitcode().code, 2, "a fresh configuration has changes");
    let applied = wd.apply();
    applied.assert_contains("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");
    assert!(!applied.stdout.contains('\u{1b}'), "-no-color must be in effect:\n{applied}");
    wd.assert_plan_empty();

    let state = wd.state_json();
    let resources = &state["values"]["root_module"]["resources"];
    assert_eq!(resources[0]["address"], "terraform_data.x");
    assert_eq!(resources[0]["values"]["output"], "hello");
    assert_eq!(state["values"]["outputs"]["echo"]["value"], "hello");
    assert_eq!(wd.output_json()["echo"]["value"], "hello");

    wd.destroy().assert_contains("Resources: 1 destroyed");
    assert!(wd.show_json()["values"]["root_module"]["resources"].is_null(), "state must be empty after destroy");
}

#[test]
fn terraform_1_15_plan_json_lists_resource_changes() {
    let wd = Workdir::new(&Terraform::v1_15(), no_provider());
    wd.write("main.tf", r#"resource "terraform_data" "x" { input = 1 }"#);
    let plan = wd.plan_json();
    assert_eq!(plan["resource_changes"][0]["address"], "terraform_data.x");
    assert_eq!(plan["resource_changes"][0]["change"]["actions"], json!(["create"]));
}

#[test]
fn terraform_1_0_applies_outputs_plans_clean_and_shows_json() {
    let tf = Terraform::v1_0();
    let wd = Workdir::new(&tf, no_provider());
    wd.write(
        "main.tf",
        r#"
locals { items = ["a", "b"] }
output "joined" { value = join(",", local.items) }
"#,
    );

    wd.apply().assert_contains("Apply complete!");
    wd.assert_plan_empty();
    let state = wd.show_json();
    assert_eq!(state["values"]["outputs"]["joined"]["value"], "a,b");
    assert_eq!(wd.output_json()["joined"]["value"], "a,b");
}

#[test]
fn both_versions_report_errors_with_both_streams() {
    for tf in Terraform::all() {
        let wd = Workdir::new(&tf, no_provider());
        wd.write("main.tf", "output \"x\" { value = local.missing }\n");
        let out = wd.run(&["plan"]);
        out.assert_failure().assert_contains("Reference to undeclared local value");
        assert!(out.to_string().contains("----- stderr -----"), "Display shows the streams:\n{out}");

        let panic = std::panic::catch_unwind(|| wd.apply()).expect_err("apply of a broken config must fail");
        let msg = panic.downcast_ref::<String>().expect("formatted panic message");
        assert!(msg.contains("exited with code 1") && msg.contains("undeclared local value"), "{msg}");
    }
}

#[test]
fn both_versions_use_the_isolated_cli_config_and_environment() {
    for tf in Terraform::all() {
        let mut wd = Workdir::new(&tf, no_provider());
        // The dev_overrides block is read: Terraform names the overridden provider.
        wd.write("main.tf", "terraform {\n  required_providers {\n    nhi = { source = \"nhi/nhi\" }\n  }\n}\n");
        let out = wd.run(&["plan"]);
        out.assert_failure().assert_contains("Provider development overrides are in effect");
        out.assert_contains(" - nhi/nhi in /nonexistent/nhi-provider-dir");

        // Variables set on the workdir reach Terraform (TF_VAR_ is the easiest observable).
        wd.write("main.tf", "variable \"who\" {}\noutput \"who\" { value = var.who }\n");
        wd.set_env("TF_VAR_who", "testkit");
        wd.apply();
        assert_eq!(wd.output_json()["who"]["value"], "testkit");
    }
}
