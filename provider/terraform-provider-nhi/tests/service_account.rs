//! End-to-end: real Terraform (1.15.5 and 1.0.3) drives the provider binary against an
//! embedded SQLite registry.

mod common;

use common::{Env, days_from_now, parent_of, provider_children};
use nhi_registry::ServiceAccountFilter;
use nhi_testkit::Terraform;

fn account(name: &str, owner: &str, purpose: &str, expires_at: &str, extra: &str) -> String {
    format!(
        r#"
resource "nhi_service_account" "exporter" {{
  name       = "{name}"
  owner      = "{owner}"
  purpose    = "{purpose}"
  expires_at = "{expires_at}"
  {extra}
}}
"#
    )
}

fn lifecycle(tf: &Terraform) {
    let env = Env::new(tf);
    let wd = &env.wd;
    let exp = days_from_now(200);
    wd.write(
        "main.tf",
        account(
            "billing-exporter",
            "payments@example.com",
            "Exports invoices",
            &exp,
            r#"scopes = ["invoices:read"]
  labels = { cost_center = "fin-42" }"#,
        ),
    );
    wd.apply();
    let state = wd.state_json();
    let res = &state["values"]["root_module"]["resources"][0]["values"];
    let id = res["id"].as_str().expect("id in state").to_owned();
    assert!(id.starts_with("sa-"), "{id}");
    assert_eq!(res["owner"], "payments@example.com");
    assert_eq!(res["expires_at"], exp.as_str());
    assert_eq!(res["disabled"], false);
    let created_at = res["created_at"].as_str().expect("created_at").to_owned();

    // Re-plan: nothing to do, and computed values are stable.
    wd.assert_plan_empty();

    // The registry holds the record and an audit event naming the Terraform version.
    let store = env.store();
    let sa = store.get_service_account(&id).unwrap().expect("record exists");
    assert_eq!(sa.spec.labels.get("cost_center").map(String::as_str), Some("fin-42"));
    let events = store.events(0, 100).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, "service_account.create");
    assert_eq!(events[0].actor.terraform_version.as_deref(), Some(tf.version()));

    // In-place update of owner, purpose and labels keeps the id.
    wd.write(
        "main.tf",
        account(
            "billing-exporter",
            "data-team@example.com",
            "Exports invoices nightly",
            &exp,
            r#"scopes = ["invoices:read"]
  labels = { cost_center = "fin-43" }"#,
        ),
    );
    let plan = wd.plan_detailed_exitcode();
    assert_eq!(plan.code, 2, "{plan}");
    plan.assert_contains("update in-place");
    wd.apply();
    let state = wd.state_json();
    let res = &state["values"]["root_module"]["resources"][0]["values"];
    assert_eq!(res["id"], id.as_str());
    assert_eq!(res["created_at"], created_at.as_str());
    assert_eq!(res["owner"], "data-team@example.com");
    assert_eq!(res["labels"]["cost_center"], "fin-43");
    wd.assert_plan_empty();
    let changed = store.events(0, 100).unwrap().pop().unwrap();
    assert_eq!(changed.action, "service_account.update");
    assert!(changed.details.contains("owner") && changed.details.contains("labels"), "{}", changed.details);

    // A new name forces replacement.
    wd.write("main.tf", account("billing-exporter-v2", "data-team@example.com", "Exports invoices nightly", &exp, ""));
    let plan = wd.plan_detailed_exitcode();
    assert_eq!(plan.code, 2);
    plan.assert_contains("must be replaced");
    wd.apply();
    let state = wd.state_json();
    let new_id = state["values"]["root_module"]["resources"][0]["values"]["id"].as_str().unwrap().to_owned();
    assert_ne!(new_id, id);
    assert!(store.get_service_account(&id).unwrap().is_none(), "old account deleted");
    wd.assert_plan_empty();

    wd.destroy();
    assert!(
        store
            .list_service_accounts(&ServiceAccountFilter { include_disabled: true, ..Default::default() })
            .unwrap()
            .is_empty()
    );
}

#[test]
fn lifecycle_terraform_1_15() {
    lifecycle(&Terraform::v1_15());
}

#[test]
fn lifecycle_terraform_1_0() {
    lifecycle(&Terraform::v1_0());
}

/// Each governance violation is refused at plan time, with its message and attribute.
#[test]
fn validation_errors_name_the_attribute() {
    let tf = Terraform::v1_15();
    let env = Env::new(&tf);
    let wd = &env.wd;
    let ok = days_from_now(100);
    let cases: Vec<(String, &str, &str)> = vec![
        (account("a", "  ", "p", &ok, ""), "`owner` is blank", "owner      = \"  \""),
        (account("a", "o@example.com", "", &ok, ""), "`purpose` is blank", "purpose    = \"\""),
        (account("a", "o@example.com", "p", "2027-03-01", ""), "Invalid `expires_at`", "expires_at = \"2027-03-01\""),
        (account("a", "o@example.com", "p", "2020-01-01T00:00:00Z", ""), "expiry is in the past", "expires_at"),
        (
            account("a", "o@example.com", "p", &days_from_now(900), ""),
            "lifetime exceeds policy.max_lifetime",
            "expires_at",
        ),
        (account("a", "o@example.com", "p", &ok, r#"id = "sa-x""#), "`id` cannot be set", "id "),
        (account("a", "o@example.com", "p", &ok, r#"scopes = ["bad scope"]"#), "Invalid scope", "scopes"),
    ];
    for (config, summary, attr_line) in cases {
        wd.write("main.tf", &config);
        let out = wd.run(&["plan", "-input=false"]);
        out.assert_failure();
        out.assert_contains(summary);
        // Terraform quotes the offending attribute's source line under the diagnostic.
        out.assert_contains(attr_line);
    }

    // A missing required attribute is refused by Terraform from our schema.
    wd.write(
        "main.tf",
        r#"resource "nhi_service_account" "a" {
  name = "a"
  purpose = "p"
  expires_at = "2030-01-01T00:00:00Z"
}"#,
    );
    let out = wd.run(&["plan", "-input=false"]);
    out.assert_failure();
    out.assert_contains("\"owner\" is required");

    // owner_pattern from the provider's policy.
    wd.write(
        "main.tf",
        format!(
            "provider \"nhi\" {{\n  policy {{\n    owner_pattern = \"[a-z-]+@example\\\\.com\"\n  }}\n}}\n{}",
            account("a", "Bob", "p", &ok, "")
        ),
    );
    let out = wd.run(&["plan", "-input=false"]);
    out.assert_failure();
    out.assert_contains("Owner does not match the policy");
    out.assert_contains("owner      = \"Bob\"");
    assert!(env.store().list_service_accounts(&ServiceAccountFilter::default()).unwrap().is_empty());
}

#[test]
fn advise_mode_turns_lifetime_errors_into_warnings() {
    let tf = Terraform::v1_15();
    let env = Env::new(&tf);
    env.wd.write(
        "main.tf",
        format!(
            "provider \"nhi\" {{\n  policy {{\n    enforcement = \"advise\"\n    max_lifetime = \"30d\"\n    warn_before = \"7d\"\n  }}\n}}\n{}",
            account("a", "o@example.com", "p", &days_from_now(60), "")
        ),
    );
    let out = env.wd.apply();
    out.assert_contains("Warning: The service account lifetime exceeds policy.max_lifetime");
    // Terraform wraps diagnostic details; compare with white space folded.
    let folded = out.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(folded.contains("but policy.max_lifetime is 30d: the latest allowed expiry is"), "{out}");
}

#[test]
fn warns_inside_the_expiry_window_with_date_and_days_left() {
    let tf = Terraform::v1_15();
    let env = Env::new(&tf);
    let exp = days_from_now(10);
    env.wd.write("main.tf", account("a", "o@example.com", "p", &exp, ""));
    let out = env.wd.apply();
    out.assert_contains("Warning: The service account expires in 9 days");
    out.assert_contains(&exp[..10]);
    out.assert_contains("expires_at = \"");
}

/// An expiry unknown at plan time is judged at apply, before anything is written.
#[test]
fn unknown_expiry_is_checked_at_apply() {
    let tf = Terraform::v1_15();
    let env = Env::new(&tf);
    env.wd.write(
        "main.tf",
        r#"
resource "terraform_data" "date" {
  input = "2020-01-01T00:00:00Z"
}
resource "nhi_service_account" "a" {
  name       = "late"
  owner      = "o@example.com"
  purpose    = "p"
  expires_at = terraform_data.date.output
}
"#,
    );
    let out = env.wd.run(&["apply", "-auto-approve", "-input=false"]);
    out.assert_failure();
    out.assert_contains("The service account expiry is in the past");
    assert!(env.store().find_service_account_by_name("late").unwrap().is_none());
}

fn import_flows(tf: &Terraform) {
    let env = Env::new(tf);
    let wd = &env.wd;
    let exp = days_from_now(120);
    wd.write("main.tf", account("imported", "o@example.com", "Imported account", &exp, r#"scopes = ["a:read"]"#));
    wd.apply();
    let id = wd.state_json()["values"]["root_module"]["resources"][0]["values"]["id"].as_str().unwrap().to_owned();

    // By id.
    wd.run(&["state", "rm", "nhi_service_account.exporter"]).assert_success();
    wd.import("nhi_service_account.exporter", &id);
    wd.assert_plan_empty();

    // By name.
    wd.run(&["state", "rm", "nhi_service_account.exporter"]).assert_success();
    wd.import("nhi_service_account.exporter", "imported");
    wd.assert_plan_empty();

    // Not found: a clear error.
    wd.run(&["state", "rm", "nhi_service_account.exporter"]).assert_success();
    let out = wd.run(&["import", "-input=false", "nhi_service_account.exporter", "nope"]);
    out.assert_failure();
    out.assert_contains("Service account not found");
}

#[test]
fn import_by_id_and_name_terraform_1_15() {
    import_flows(&Terraform::v1_15());
}

#[test]
fn import_by_id_and_name_terraform_1_0() {
    import_flows(&Terraform::v1_0());
}

/// Terraform 1.12+ imports by resource identity from an import block.
#[test]
fn import_by_identity() {
    let tf = Terraform::v1_15();
    let env = Env::new(&tf);
    let wd = &env.wd;
    let exp = days_from_now(120);
    wd.write("main.tf", account("by-identity", "o@example.com", "p", &exp, ""));
    wd.apply();
    let id = wd.state_json()["values"]["root_module"]["resources"][0]["values"]["id"].as_str().unwrap().to_owned();
    wd.run(&["state", "rm", "nhi_service_account.exporter"]).assert_success();

    for identity in [format!("id = \"{id}\""), "name = \"by-identity\"".to_owned()] {
        wd.write(
            "import.tf",
            format!("import {{\n  to = nhi_service_account.exporter\n  identity = {{\n    {identity}\n  }}\n}}\n"),
        );
        let out = wd.apply();
        out.assert_contains("1 imported");
        assert_eq!(wd.state_json()["values"]["root_module"]["resources"][0]["values"]["id"], id.as_str());
        wd.remove("import.tf");
        wd.assert_plan_empty();
        wd.run(&["state", "rm", "nhi_service_account.exporter"]).assert_success();
    }
}

fn out_of_band_changes(tf: &Terraform) {
    let env = Env::new(tf);
    let wd = &env.wd;
    let exp = days_from_now(120);
    wd.write("main.tf", account("drifty", "o@example.com", "p", &exp, ""));
    wd.apply();
    let store = env.store();
    let sa = store.find_service_account_by_name("drifty").unwrap().unwrap();

    // Drift: someone changes the owner in the registry; the plan puts it back.
    let mut spec = sa.spec.clone();
    spec.owner = "intruder@example.com".into();
    let change = nhi_registry::Change { actor: nhi_registry::Actor::default(), at: nhi_core::Timestamp::now() };
    store.update_service_account(&sa.id, &spec, &change).unwrap();
    let plan = wd.plan_detailed_exitcode();
    assert_eq!(plan.code, 2, "{plan}");
    plan.assert_contains("intruder@example.com");
    wd.apply();
    assert_eq!(store.get_service_account(&sa.id).unwrap().unwrap().spec.owner, "o@example.com");

    // Deleted out of band: the next plan recreates it.
    store.delete_service_account(&sa.id, &change).unwrap();
    let plan = wd.plan_detailed_exitcode();
    assert_eq!(plan.code, 2);
    plan.assert_contains("will be created");
    wd.apply();
    assert!(store.find_service_account_by_name("drifty").unwrap().is_some());
    wd.assert_plan_empty();
}

#[test]
fn out_of_band_changes_terraform_1_15() {
    out_of_band_changes(&Terraform::v1_15());
}

#[test]
fn out_of_band_changes_terraform_1_0() {
    out_of_band_changes(&Terraform::v1_0());
}

#[test]
fn data_source_reads_by_name() {
    let tf = Terraform::v1_15();
    let env = Env::new(&tf);
    let exp = days_from_now(50);
    env.wd.write(
        "main.tf",
        format!(
            "{}\ndata \"nhi_service_account\" \"x\" {{\n  name = nhi_service_account.exporter.name\n}}\noutput \"owner\" {{\n  value = data.nhi_service_account.x.owner\n}}\n",
            account("looked-up", "o@example.com", "p", &exp, "")
        ),
    );
    env.wd.apply();
    let out = env.wd.run(&["output", "-raw", "owner"]);
    out.assert_success();
    assert_eq!(out.stdout.trim(), "o@example.com");

    env.wd.write("main.tf", "data \"nhi_service_account\" \"x\" {\n  name = \"missing\"\n}\n");
    let out = env.wd.run(&["plan", "-input=false"]);
    out.assert_failure();
    out.assert_contains("Service account not found");
}

/// Provider functions (Terraform 1.8+) evaluate through CallFunction; errors name the argument.
#[test]
fn provider_functions() {
    let tf = Terraform::v1_15();
    let env = Env::new(&tf);
    env.wd.write(
        "main.tf",
        r#"
output "seconds" {
  value = provider::nhi::duration_seconds("1h30m")
}
output "broad" {
  value = [provider::nhi::is_broad_scope("invoices:*"), provider::nhi::is_broad_scope("invoices:read")]
}
output "days" {
  value = [
    provider::nhi::days_until("2026-06-11T12:00:00Z", "2026-06-01T00:00:00Z"),
    provider::nhi::days_until("2026-05-31T12:00:00Z", "2026-06-01T00:00:00Z"),
  ]
}
output "status" {
  value = [for e in ["2026-06-01T00:00:00Z", "2026-07-01T00:00:00Z", "2026-07-02T00:00:00Z"] :
    provider::nhi::expiry_status(e, "2026-06-01T00:00:00Z", "30d")]
}
output "left_now" {
  value = provider::nhi::days_until(timeadd(plantimestamp(), "240h"), plantimestamp())
}
"#,
    );
    env.wd.apply();
    let out = env.wd.output_json();
    assert_eq!(out["seconds"]["value"], 5400);
    assert_eq!(out["broad"]["value"], serde_json::json!([true, false]));
    assert_eq!(out["days"]["value"], serde_json::json!([10, -1]));
    assert_eq!(out["status"]["value"], serde_json::json!(["expired", "expiring", "ok"]));
    assert_eq!(out["left_now"]["value"], 10);

    env.wd.write("main.tf", "output \"bad\" {\n  value = provider::nhi::duration_seconds(\"soon\")\n}\n");
    let out = env.wd.run(&["plan", "-input=false"]);
    out.assert_failure();
    out.assert_contains("duration \"soon\" is not valid");
}

/// The function examples in the docs run as written.
#[test]
fn documented_function_examples_work() {
    let tf = Terraform::v1_15();
    let env = Env::new(&tf);
    let example = |name: &str| {
        std::fs::read_to_string(nhi_testkit::workspace_root().join(format!("examples/functions/{name}/function.tf")))
            .unwrap()
    };
    env.wd.write("main.tf", example("duration_seconds"));
    env.wd.apply();
    assert_eq!(env.wd.output_json()["rotation_seconds"]["value"], 5400);

    env.wd.write("main.tf", example("is_broad_scope"));
    env.wd.run(&["plan", "-input=false"]).assert_success();
    let out = env.wd.run(&["plan", "-input=false", "-var", "scopes=[\"invoices:read\",\"invoices:*\"]"]);
    out.assert_failure();
    out.assert_contains("Scopes must name single actions");

    // The expiry examples judge an account in the same configuration.
    let account = |days: i64| {
        format!(
            "resource \"nhi_service_account\" \"exporter\" {{\n  name       = \"billing-exporter\"\n  owner      = \"payments@example.com\"\n  purpose    = \"Exports invoices\"\n  expires_at = \"{}\"\n}}\n",
            days_from_now(days)
        )
    };
    env.wd.write("main.tf", format!("{}{}", account(90), example("days_until")));
    env.wd.apply();
    let left = env.wd.output_json()["exporter_days_left"]["value"].as_i64().unwrap();
    assert!((89..=90).contains(&left), "{left}");
    env.wd.write("main.tf", format!("{}{}", account(90), example("expiry_status")));
    let out = env.wd.run(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    out.assert_success();
    assert!(!out.stdout.contains("expires within 30 days") && !out.stderr.contains("expires within 30 days"), "{out}");
    env.wd.write("main.tf", format!("{}{}", account(10), example("expiry_status")));
    let out = env.wd.run(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    out.assert_success();
    assert!(
        format!("{}{}", out.stdout, out.stderr).contains("billing-exporter expires within 30 days: renew it."),
        "{out}"
    );
}

/// A mistyped registry path is a located error that creates nothing; a data source read on a
/// registry that does not exist yet creates nothing either.
#[test]
fn a_missing_registry_directory_is_refused_and_reads_create_nothing() {
    let tf = Terraform::v1_15();
    let mut env = Env::new(&tf);
    env.wd.remove_env("NHI_REGISTRY");
    env.wd.write(
        "main.tf",
        "provider \"nhi\" {\n  registry = \"sqlite://regsitry-typo/nhi.db\"\n}\n\ndata \"nhi_service_account\" \"x\" {\n  name = \"exporter\"\n}\n",
    );
    let out = env.wd.run(&["plan", "-input=false"]);
    out.assert_failure();
    out.assert_contains("Cannot open the nhi registry");
    out.assert_contains("regsitry-typo");
    out.assert_contains("does not exist");
    out.assert_contains("with provider[\"registry.terraform.io/nhi/nhi\"]");
    out.assert_contains("registry = \"sqlite://regsitry-typo/nhi.db\"");
    assert!(!env.wd.path().join("regsitry-typo").exists(), "the directory was created");

    // The directory exists but the registry does not: the read fails saying so (not "no such
    // account", which would hide a mistyped file name), and no file appears.
    env.wd.write("main.tf", "provider \"nhi\" {\n  registry = \"sqlite://fresh.db\"\n}\n\ndata \"nhi_service_account\" \"x\" {\n  name = \"exporter\"\n}\n");
    let out = env.wd.run(&["plan", "-input=false", "-no-color"]);
    out.assert_failure();
    out.assert_contains("Error: The nhi registry does not exist yet");
    out.assert_contains("There is no registry at sqlite://fresh.db");
    out.assert_contains("with data.nhi_service_account.x");
    assert!(!env.wd.path().join("fresh.db").exists(), "a data source read created the registry");

    // Importing from it is the same mistake, with the same message.
    let exp = days_from_now(30);
    env.wd.write(
        "main.tf",
        format!(
            "provider \"nhi\" {{\n  registry = \"sqlite://fresh.db\"\n}}\n{}",
            account("exporter", "o@example.com", "p", &exp, "")
        ),
    );
    let out = env.wd.run(&["import", "-input=false", "-no-color", "nhi_service_account.exporter", "exporter"]);
    out.assert_failure();
    out.assert_contains("The nhi registry does not exist yet");
    assert!(!env.wd.path().join("fresh.db").exists(), "an import created the registry");

    // The first apply in an existing directory creates it, as always.
    env.wd.run(&["apply", "-auto-approve", "-input=false"]).assert_success();
    assert!(env.wd.path().join("fresh.db").is_file(), "the first apply did not create the registry");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(env.wd.path().join("fresh.db")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the registry is readable by others: mode {mode:o}");
}

/// Hostile or oversized text is refused at plan, each refusal located, and nothing is written.
#[test]
fn hostile_names_owners_and_purposes_are_refused_with_located_errors() {
    let tf = Terraform::v1_15();
    let env = Env::new(&tf);
    let exp = days_from_now(30);
    let long_purpose = "p".repeat(2000);
    let cases: [(&str, String, &str); 5] = [
        ("name", r#"name = "ctl\nname\u001b[31m""#.to_owned(), "name"),
        ("owner", r#"owner = "t\u0000@example.com\nX-Injected: 1""#.to_owned(), "owner"),
        ("purpose", format!("purpose = \"{long_purpose}\""), "purpose"),
        ("scope", r#"scopes = ["invoices:read", "x\u001b]0;pwned\u0007"]"#.to_owned(), "scopes[1]"),
        ("name-pattern", r#"name = "Billing Exporter""#.to_owned(), "name"),
    ];
    for (what, line, attr) in cases {
        let mut fields = vec![
            r#"name = "ok-name""#.to_owned(),
            r#"owner = "o@example.com""#.to_owned(),
            r#"purpose = "p""#.to_owned(),
        ];
        let key = line.split(" = ").next().unwrap().to_owned();
        fields.retain(|f| !f.starts_with(&format!("{key} =")));
        fields.push(line.clone());
        env.wd.write(
            "main.tf",
            format!(
                "resource \"nhi_service_account\" \"x\" {{\n  {}\n  expires_at = \"{exp}\"\n}}\n",
                fields.join("\n  ")
            ),
        );
        let out = env.wd.run(&["plan", "-input=false", "-no-color"]);
        out.assert_failure();
        let text = format!("{}{}", out.stdout, out.stderr);
        assert!(text.contains("is refused") || text.contains("Invalid scope"), "{what}: {text}");
        // Terraform quotes the offending line of the configuration: the error is located.
        let shown = if attr == "scopes[1]" { "scopes" } else { attr };
        assert!(
            text.contains(&format!("{shown} =")) || text.contains(&format!("{shown}  =")),
            "{what}: not located:\n{text}"
        );
        if attr == "scopes[1]" {
            assert!(text.contains("Scope 2 is refused"), "{text}");
        }
        assert!(!text.contains('\u{1b}'), "{what}: an escape reached the output");
    }
    assert!(!env.db.exists(), "a refused plan wrote the registry");

    // A lookup by a name the resource would refuse is refused the same way, at validation.
    env.wd.write("main.tf", "data \"nhi_service_account\" \"x\" {\n  name = \"ctl\\nname\\u001b[31m\"\n}\n");
    let out = env.wd.run(&["validate", "-no-color"]);
    out.assert_failure();
    out.assert_contains("Invalid `name`");
    out.assert_contains("character 4 is U+000A");
    out.assert_contains("on main.tf line 2, in data \"nhi_service_account\" \"x\":");
    assert!(!out.stderr.contains('\u{1b}') && !out.stdout.contains('\u{1b}'), "an escape reached the output");
    assert!(!env.db.exists(), "a refused lookup touched the registry");
}

/// A broad scope warns at plan, naming the element; the policy can make it an error.
#[test]
fn broad_scopes_warn_at_the_element_or_fail_under_policy() {
    let tf = Terraform::v1_15();
    let env = Env::new(&tf);
    let exp = days_from_now(30);
    let resource = format!(
        "resource \"nhi_service_account\" \"x\" {{\n  name = \"wide\"\n  owner = \"o@example.com\"\n  purpose = \"p\"\n  expires_at = \"{exp}\"\n  scopes = [\"invoices:read\", \"invoices:*\"]\n}}\n"
    );
    env.wd.write("main.tf", &resource);
    let out = env.wd.run(&["plan", "-input=false", "-no-color"]);
    out.assert_success();
    out.assert_contains("Warning: Broad scope");
    out.assert_contains("\"invoices:*\" grants more than one named action");
    out.assert_contains("scopes = [\"invoices:read\", \"invoices:*\"]");

    env.wd.write("provider.tf", "provider \"nhi\" {\n  policy {\n    deny_broad_scopes = true\n  }\n}\n");
    let out = env.wd.run(&["plan", "-input=false", "-no-color"]);
    out.assert_failure();
    out.assert_contains("Error: Broad scope");
}

/// Whether process `p` runs under `ancestor`.
fn descends_from(mut p: u32, ancestor: u32) -> bool {
    while let Some(parent) = parent_of(p).filter(|&x| x > 1) {
        if parent == ancestor {
            return true;
        }
        p = parent;
    }
    false
}

/// Processes whose command line starts with `prefix` (arguments separated by NUL).
fn processes_running(prefix: &str) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|p| std::fs::read_to_string(format!("/proc/{p}/cmdline")).is_ok_and(|c| c.starts_with(prefix)))
        .collect()
}

/// The provider's unix sockets (`plugin-nhi-PID-….sock`) in `dir`.
fn plugin_sockets(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|f| f.starts_with("plugin-nhi-"))
        .collect()
}

/// Killing Terraform mid-apply (no Shutdown RPC) leaves no provider process behind.
#[test]
fn the_provider_exits_when_terraform_is_killed() {
    use std::time::{Duration, Instant};
    const SLEEP: &str = "sleep\u{0}29";
    let tf = Terraform::v1_15();
    let env = Env::new(&tf);
    let exp = days_from_now(30);
    // The account waits for a slow resource, so the nhi provider stays up during the apply.
    env.wd.write(
        "main.tf",
        format!(
            "resource \"terraform_data\" \"slow\" {{\n  provisioner \"local-exec\" {{\n    command = \"sleep 29\"\n  }}\n}}\n\n{}",
            account("orphan-check", "o@example.com", "p", &exp, "  depends_on = [terraform_data.slow]\n")
        ),
    );
    let mut terraform = env.wd.spawn(&["apply", "-auto-approve", "-input=false"]);
    let pid = terraform.id();
    // Terraform starts the provider once for its schema and stops it; the instance that matters
    // is the one serving the apply, up while this apply's `sleep` runs.
    let started = Instant::now();
    let providers = loop {
        assert!(started.elapsed() < Duration::from_secs(60), "the apply never reached the slow resource");
        std::thread::sleep(Duration::from_millis(100));
        let sleeping = processes_running(SLEEP).into_iter().any(|p| descends_from(p, pid));
        let found = provider_children(pid);
        if sleeping && !found.is_empty() {
            break found;
        }
    };
    std::thread::sleep(Duration::from_millis(300));
    terraform.kill().unwrap();
    terraform.wait().unwrap();
    let killed = Instant::now();
    let alive = |p: &u32| std::fs::read_to_string(format!("/proc/{p}/stat")).is_ok_and(|s| !s.contains(") Z "));
    while providers.iter().any(alive) && killed.elapsed() < Duration::from_secs(3) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let gone_after = killed.elapsed();
    // The provisioner's `sleep`, orphaned with Terraform, is not ours to keep.
    for p in processes_running(SLEEP) {
        let _ = std::process::Command::new("kill").arg(p.to_string()).status();
    }
    assert!(!providers.iter().any(alive), "provider {providers:?} still running {gone_after:?} after Terraform died");
    assert!(gone_after < Duration::from_millis(1000), "the provider took {gone_after:?} to exit");
    // It went the orderly way: its unix socket (plugin-nhi-PID-….sock, in this test's own
    // TMPDIR) is removed.
    let left: Vec<String> = plugin_sockets(&env.wd.temp_dir())
        .into_iter()
        .filter(|f| providers.iter().any(|p| f.starts_with(&format!("plugin-nhi-{p}-"))))
        .collect();
    assert!(left.is_empty(), "sockets left behind: {left:?}");
}

/// Each provider process Terraform starts, on either registry, ends the orderly way when asked:
/// no panic, no error exit, no forced kill, and no socket left behind.
#[test]
fn the_provider_shuts_down_cleanly_on_either_registry() {
    let tf = Terraform::v1_15();
    for (registry, mut env) in [("sqlite", Env::new(&tf)), ("postgres", Env::postgres(&tf, "shutdown"))] {
        env.wd.set_env("TF_LOG", "debug");
        env.wd.write("main.tf", account("shutdown", "o@example.com", "p", &days_from_now(30), ""));
        let out = env.wd.run(&["apply", "-auto-approve", "-input=false"]);
        out.assert_success();
        let ends: Vec<&str> = out
            .stderr
            .lines()
            .filter(|l| l.contains("terraform-provider-nhi") && l.contains("plugin process exited"))
            .collect();
        assert!(ends.len() >= 2, "{registry}: fewer provider exits logged than expected:\n{}", out.stderr);
        for line in ends {
            assert!(!line.contains("error="), "{registry}: {line}");
        }
        for bad in ["panicked", "failed to exit gracefully"] {
            assert!(!out.stderr.contains(bad), "{registry}: {bad:?} in Terraform's log:\n{}", out.stderr);
        }
        let left = plugin_sockets(&env.wd.temp_dir());
        assert!(left.is_empty(), "{registry}: sockets left behind: {left:?}");
    }
}

/// `TF_LOG=trace` shows the provider's own log lines, in the format Terraform parses, and
/// neither attribute values nor registry credentials.
#[test]
fn provider_logs_follow_tf_log_and_leak_nothing() {
    let tf = Terraform::v1_15();
    let mut env = Env::new(&tf);
    env.wd.set_env("TF_LOG", "trace");
    let exp = days_from_now(30);
    env.wd.write("main.tf", account("logged", "o@example.com", "Purpose-Marker-7QX", &exp, ""));
    let out = env.wd.run(&["apply", "-auto-approve", "-input=false"]);
    out.assert_success();
    let ours: Vec<&str> = out.stderr.lines().filter(|l| l.contains("provider.terraform-provider-nhi")).collect();
    let id = env.store().find_service_account_by_name("logged").unwrap().expect("the account was created").id;
    for needle in [
        "rpc served",
        "rpc=PlanResourceChange",
        "rpc=ApplyResourceChange",
        "type_name=nhi_service_account",
        "duration_us=",
        "provider configured",
        "service account created",
        &format!("id={id}"),
    ] {
        assert!(ours.iter().any(|l| l.contains(needle)), "no provider log line with {needle:?}:\n{}", ours.join("\n"));
    }
    // Levels come through from the JSON lines (unparsed stderr would all be DEBUG), and only
    // our own events: no HTTP/2 frame dumps.
    assert!(ours.iter().any(|l| l.contains("[INFO]") && l.contains("provider configured")), "{}", ours.join("\n"));
    assert!(!ours.iter().any(|l| l.contains("frame=")), "library trace logs leaked through");
    assert!(!ours.iter().any(|l| l.contains("Purpose-Marker-7QX")), "a configured value was logged");

    // A registry URL with a password (an unreachable PostgreSQL server) never shows it.
    env.wd.set_env("NHI_REGISTRY", "postgres://nhi:Registry-Pw-5ZK@db.invalid/nhi?connect_timeout=2");
    let out = env.wd.run(&["plan", "-input=false"]);
    out.assert_failure();
    assert!(out.stderr.contains("cannot open the registry"), "the failure was not logged");
    assert!(!format!("{}{}", out.stdout, out.stderr).contains("Registry-Pw-5ZK"), "the registry password leaked");

    // Without TF_LOG the provider says nothing.
    env.wd.remove_env("TF_LOG");
    env.wd.set_env("NHI_REGISTRY", format!("sqlite://{}", env.db.display()));
    let out = env.wd.run(&["plan", "-input=false"]);
    out.assert_success();
    assert!(!out.stderr.contains("rpc served"), "{}", out.stderr);
}

/// The provider's diagnostics from `terraform plan -json`: (severity, summary, the exact source
/// text Terraform highlights).
fn located_diagnostics(env: &Env, source: &str, extra: &[&str]) -> Vec<(String, String, String)> {
    let mut args = vec!["plan", "-input=false", "-json"];
    args.extend_from_slice(extra);
    let out = env.wd.run(&args);
    out.stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["type"] == "diagnostic")
        .filter_map(|v| {
            let d = &v["diagnostic"];
            let range = d.get("range")?;
            assert_eq!(range["filename"], "main.tf", "{d}");
            let (start, end) = (range["start"]["byte"].as_u64()? as usize, range["end"]["byte"].as_u64()? as usize);
            Some((d["severity"].as_str()?.to_owned(), d["summary"].as_str()?.to_owned(), source[start..end].to_owned()))
        })
        .collect()
}

/// Every scope diagnostic names the element (`scopes[N]`), which Terraform turns into the
/// element's own source range: the syntax, control-character and duplicate checks at
/// validation, and the broad-scope judgement at plan, as a warning or under the policy as an
/// error.
#[test]
fn scope_diagnostics_point_at_the_element() {
    for tf in Terraform::all() {
        let env = Env::new(&tf);
        let exp = days_from_now(30);
        let with_scopes = |scopes: &str| {
            format!(
                "resource \"nhi_service_account\" \"x\" {{\n  name       = \"wide\"\n  owner      = \"o@example.com\"\n  purpose    = \"p\"\n  expires_at = \"{exp}\"\n  scopes     = {scopes}\n}}\n"
            )
        };
        let v = tf.version();
        let mine = |found: Vec<(String, String, String)>| -> Vec<(String, String, String)> {
            found.into_iter().filter(|(_, summary, _)| summary.contains("scope")).collect()
        };
        let expect = |found: Vec<(String, String, String)>, want: &[(&str, &str, &str)]| {
            let want: Vec<(String, String, String)> =
                want.iter().map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned())).collect();
            assert_eq!(found, want, "Terraform {v}");
        };

        let source = with_scopes(r#"["invoices:read", "x y", "a\u001bb", "invoices:read"]"#);
        env.wd.write("main.tf", &source);
        expect(
            mine(located_diagnostics(&env, &source, &[])),
            &[
                ("error", "Invalid scope", r#""x y""#),
                ("error", "Invalid scope", r#""a\u001bb""#),
                ("error", "Duplicate scope", r#""invoices:read""#),
            ],
        );

        let source = with_scopes(r#"["invoices:read", "billing:admin", "invoices:*"]"#);
        env.wd.write("main.tf", &source);
        expect(
            mine(located_diagnostics(&env, &source, &[])),
            &[("warning", "Broad scope", r#""billing:admin""#), ("warning", "Broad scope", r#""invoices:*""#)],
        );
        env.wd.write("provider.tf", "provider \"nhi\" {\n  policy {\n    deny_broad_scopes = true\n  }\n}\n");
        expect(
            mine(located_diagnostics(&env, &source, &[])),
            &[("error", "Broad scope", r#""billing:admin""#), ("error", "Broad scope", r#""invoices:*""#)],
        );
        assert!(!env.db.exists(), "Terraform {v}: a plan wrote the registry");
    }
}
