//! End to end: real Terraform plans a configuration using our provider (`nhi/nhi`, through
//! `dev_overrides`) and the built-in `terraform_data`; `terraform show -json` of the saved plan
//! goes through `nhi-lint plan`, in every output format.
//!
//! Needs the provider binary next to `nhi-lint` (`<target>/debug/terraform-provider-nhi`),
//! which `cargo test --workspace` builds; run `cargo build -p terraform-provider-nhi` first
//! when testing this package alone.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use nhi_testkit::{Terraform, Workdir};

/// A sensitive value that ends up in a broad scope: the finding must not show it.
const SECRET_SCOPE: &str = "payroll-s3cr3t-7f3a:*";

fn provider_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_BIN_EXE_nhi-lint")).parent().unwrap().to_owned();
    let bin = dir.join("terraform-provider-nhi");
    assert!(
        bin.is_file(),
        "the provider binary {} is missing: build it with `cargo build -p terraform-provider-nhi` \
         (a `cargo test --workspace` run builds it before the tests)",
        bin.display()
    );
    dir
}

/// `expires_at` the provider accepts: the provider judges it against the real clock.
fn expiry() -> String {
    let out = Command::new("date").args(["-u", "-d", "+200 days", "+%Y-%m-%dT00:00:00Z"]).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn account(name: &str, scopes: &str, exp: &str) -> String {
    account_for(name, scopes, exp, "e2e")
}

fn account_for(name: &str, scopes: &str, exp: &str, purpose: &str) -> String {
    format!(
        "resource \"nhi_service_account\" \"{name}\" {{\n  name       = \"{name}\"\n  owner      = \"team@example.com\"\n  purpose    = \"{purpose}\"\n  expires_at = \"{exp}\"\n  scopes     = {scopes}\n}}\n"
    )
}

const PROVIDERS: &str = "terraform {\n  required_providers {\n    nhi = { source = \"nhi/nhi\" }\n  }\n}\n";

fn lint(wd: &Workdir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nhi-lint"))
        .args(args)
        .current_dir(wd.path())
        .env_remove("NHI_LINT_NOW")
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn save_plan(wd: &Workdir) {
    wd.run_expect(&["plan", "-out=tfplan"], 0);
    let shown = wd.run_expect(&["show", "-json", "tfplan"], 0);
    wd.write("plan.json", &shown.stdout);
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn terraform_1_15_plan_through_every_format() {
    let tf = Terraform::v1_15();
    let mut wd = Workdir::new(&tf, &provider_dir());
    let db = wd.path().join("r.db");
    wd.set_env("NHI_REGISTRY", format!("sqlite://{}", db.display()));
    wd.set_env("TF_VAR_secret_scope", SECRET_SCOPE);
    let exp = expiry();

    // First state: one account to delete later, one left unchanged, one whose update makes
    // its scope broad, one whose update leaves its broad scope as it was.
    wd.write(
        "main.tf",
        format!(
            "{PROVIDERS}{}{}{}{}",
            account("old", "[\"old:*\"]", &exp),
            account("kept", "[\"kept:*\"]", &exp),
            account("changed", "[\"ledger:read\"]", &exp),
            account_for("audit", "[\"audit:*\"]", &exp, "v1"),
        ),
    );
    wd.apply();

    let module = format!(
        "{PROVIDERS}variable \"index\" {{ type = number }}\n\
         resource \"nhi_service_account\" \"m\" {{\n  name       = \"m-${{var.index}}\"\n  owner      = \"t@example.com\"\n  purpose    = \"p\"\n  expires_at = \"{exp}\"\n  # nhi-lint:ignore NHI218 reason=\"billing bot (T-7)\" until=2099-01-01\n  scopes     = [\"billing:*\"]\n}}\n\
         resource \"nhi_service_account\" \"n\" {{\n  name       = \"n-${{var.index}}\"\n  owner      = \"t@example.com\"\n  purpose    = \"p\"\n  expires_at = \"{exp}\"\n  scopes     = [\"reports:read\", \"reports:*\"]\n}}\n"
    );
    wd.write("modules/team/main.tf", module);
    wd.write(
        "main.tf",
        format!(
            "{PROVIDERS}\
             variable \"secret_scope\" {{\n  type      = string\n  sensitive = true\n}}\n\n\
             {}{}\
             resource \"nhi_service_account\" \"exporter\" {{\n  for_each   = toset([\"a\", \"b\"])\n  name       = \"exporter-${{each.key}}\"\n  owner      = \"payments@example.com\"\n  purpose    = \"exports\"\n  expires_at = \"{exp}\"\n  scopes     = [\"invoices:read\", \"invoices:*\"]\n}}\n\n\
             resource \"terraform_data\" \"seed\" {{\n  input = \"ledger\"\n}}\n\n\
             resource \"nhi_service_account\" \"later\" {{\n  name       = \"later\"\n  owner      = \"t@example.com\"\n  purpose    = \"scope known after apply\"\n  expires_at = \"{exp}\"\n  scopes     = [\"${{terraform_data.seed.output}}:*\"]\n}}\n\n\
             resource \"nhi_service_account\" \"leaky\" {{\n  name       = \"leaky\"\n  owner      = \"t@example.com\"\n  purpose    = \"scope from a sensitive variable\"\n  expires_at = \"{exp}\"\n  scopes     = [var.secret_scope]\n}}\n\n\
             module \"team\" {{\n  source = \"./modules/team\"\n  count  = 2\n  index  = count.index\n}}\n{}",
            account("kept", "[\"kept:*\"]", &exp),
            account("changed", "[\"ledger:*\"]", &exp),
            account_for("audit", "[\"audit:*\"]", &exp, "v2"),
        ),
    );
    // Installs the local module; `init` would look the overridden provider up online.
    wd.run_expect(&["get"], 0);
    save_plan(&wd);
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(wd.path().join("plan.json")).unwrap()).unwrap();
    let actions: Vec<(String, String)> = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["address"].as_str().unwrap().to_owned(), r["change"]["actions"].to_string()))
        .collect();
    assert!(actions.contains(&("nhi_service_account.old".into(), "[\"delete\"]".into())), "{actions:?}");
    assert!(actions.contains(&("nhi_service_account.kept".into(), "[\"no-op\"]".into())), "{actions:?}");

    let o = lint(
        &wd,
        &[
            "plan",
            "plan.json",
            "--format",
            "human",
            "--format",
            "json=out.json",
            "--format",
            "sarif=out.sarif",
            "--format",
            "github=out.github",
            "--format",
            "junit=out.xml",
            "--format",
            "gitlab=out.gitlab.json",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}\n{}", text(&o.stdout), text(&o.stderr));
    let human = text(&o.stdout);
    let human = match human.rfind(" in ") {
        Some(i) => format!("{} in <time>\n", &human[..i]),
        None => human,
    };
    let read = |n: &str| std::fs::read_to_string(wd.path().join(n)).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&read("out.json")).unwrap();
    json["summary"]["bytes"] = 0.into(); // the plan's size follows the timestamp and paths
    for out in
        [&human, &read("out.json"), &read("out.sarif"), &read("out.github"), &read("out.xml"), &read("out.gitlab.json")]
    {
        assert!(!out.contains("s3cr3t"), "the sensitive value was printed:\n{out}");
        // Deleted and unchanged resources, a suppressed finding and an unknown scope are not findings.
        for absent in ["nhi_service_account.old", "nhi_service_account.kept", "billing:*", "nhi_service_account.later"]
        {
            assert!(!out.contains(absent), "{absent} reported:\n{out}");
        }
    }
    let findings = json["findings"].as_array().unwrap();
    let by_addr =
        |a: &str| findings.iter().find(|f| f["address"] == a).unwrap_or_else(|| panic!("{a} missing: {json:#}"));
    let exporter = by_addr("nhi_service_account.exporter");
    assert_eq!(
        exporter["instances"],
        serde_json::json!(["nhi_service_account.exporter[\"a\"]", "nhi_service_account.exporter[\"b\"]"])
    );
    assert_eq!((exporter["path"].as_str(), exporter["start"]["line"].as_u64()), (Some("main.tf"), Some(31)));
    let team = by_addr("module.team.nhi_service_account.n");
    assert_eq!(team["path"], "modules/team/main.tf");
    assert_eq!(team["instances"].as_array().unwrap().len(), 2);
    assert_eq!(by_addr("nhi_service_account.changed")["action"], "update");
    assert_eq!(by_addr("nhi_service_account.changed")["preexisting"], false);
    assert_eq!(by_addr("nhi_service_account.audit")["preexisting"], true, "the prior state had it already");
    assert_eq!(by_addr("nhi_service_account.exporter")["preexisting"], false);
    assert_eq!(by_addr("nhi_service_account.leaky")["message"], "broad scope \"(sensitive)\"");

    insta::assert_snapshot!("e2e_human", human);
    insta::assert_snapshot!("e2e_json", serde_json::to_string_pretty(&json).unwrap());
    insta::assert_snapshot!("e2e_sarif", sarif_without_rule_table(&read("out.sarif")));
    insta::assert_snapshot!("e2e_github", read("out.github"));
    insta::assert_snapshot!("e2e_junit", read("out.xml"));
    insta::assert_snapshot!("e2e_gitlab", read("out.gitlab.json"));

    // The same findings from the HCL, with a shared fingerprint for the same block.
    let check = lint(&wd, &["check", "--format", "json", "--ignore", "NHI406"]);
    let check: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let fp = |v: &serde_json::Value, addr: &str| {
        v["findings"].as_array().unwrap().iter().find(|f| f["address"] == addr).map(|f| f["fingerprint"].clone())
    };
    assert_eq!(fp(&check, "nhi_service_account.exporter"), fp(&json, "nhi_service_account.exporter"));
}

#[test]
fn terraform_1_0_plan_format_0_2_is_read() {
    let tf = Terraform::v1_0();
    let mut wd = Workdir::new(&tf, &provider_dir());
    let db = wd.path().join("r.db");
    wd.set_env("NHI_REGISTRY", format!("sqlite://{}", db.display()));
    wd.write("main.tf", format!("{PROVIDERS}{}", account("old_tf", "[\"invoices:*\"]", &expiry())));
    save_plan(&wd);
    let o = lint(&wd, &["plan", "plan.json", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["plan"]["terraform_version"], "1.0.3");
    let f = &v["findings"][0];
    assert_eq!(
        (f["code"].as_str(), f["path"].as_str(), f["start"]["line"].as_u64()),
        (Some("NHI218"), Some("main.tf"), Some(11))
    );
}

/// The SARIF document with `tool.driver.rules` replaced by its length and without
/// `ruleIndex`: the rule table grows with every new rule, so both are asserted here instead.
fn sarif_without_rule_table(text: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().clone();
    assert_eq!(rules.len(), nhi_lint::codes::RULES.len(), "every rule is listed");
    for r in v["runs"][0]["results"].as_array_mut().unwrap() {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"], "ruleIndex points at the rule");
        r.as_object_mut().unwrap().remove("ruleIndex");
    }
    v["runs"][0]["tool"]["driver"]["rules"] = "<every rule, checked above>".into();
    serde_json::to_string_pretty(&v).unwrap()
}

/// A literal passed to a module is in the code, though the plan only shows the resolved value
/// inside the module: the plan's `configuration` tells, and the finding lands on the call.
#[test]
fn terraform_1_15_literal_module_argument_is_found_in_the_plan() {
    let tf = Terraform::v1_15();
    let wd = Workdir::new(&tf, &provider_dir());
    wd.write(
        "modules/db/main.tf",
        "variable \"master_password\" {\n  type      = string\n  sensitive = true\n}\n\nresource \"terraform_data\" \"db\" {\n  input = var.master_password\n}\n",
    );
    wd.write(
        "main.tf",
        "module \"db\" {\n  source          = \"./modules/db\"\n  master_password = \"Hunter2-literal\"\n}\n",
    );
    wd.run_expect(&["get"], 0);
    save_plan(&wd);
    let o = lint(&wd, &["plan", "plan.json", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(!out.contains("Hunter2-literal"), "the secret is never printed: {out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let f = v["findings"].as_array().unwrap().iter().find(|f| f["code"] == "NHI112").expect("NHI112");
    assert_eq!(f["address"], "module.db");
    assert_eq!(f["start"]["line"], 3);
    // Nor in the source snippet of the human output.
    let human = lint(&wd, &["plan", "plan.json", "--format", "human"]);
    let shown = text(&human.stdout) + &text(&human.stderr);
    assert!(shown.contains("NHI112") && !shown.contains("Hunter2-literal"), "{shown}");
}
