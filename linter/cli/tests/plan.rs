//! `nhi-lint plan` on hand-written plan JSON (AWS, GCP, Azure, Vault, Kubernetes, GitHub,
//! GitLab shapes), every output format, SARIF schema validation, bad inputs and baselines.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const NOW: &str = "2026-06-01T00:00:00Z";
/// The literal GitHub token held by `github_actions_secret.literal`, marked sensitive.
const SECRET: &str = "Zq8rT2vX6bN1mK4pL7sD9fG3hJ5wE0yU2cA6";
/// The sensitive value of `github_actions_secret.from_var`.
const SECRET_FROM_VAR: &str = "value-from-a-variable-1234";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plans").join(name)
}

fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nhi-lint"));
    cmd.args(args).current_dir(dir).env("NHI_LINT_NOW", NOW).env_remove("NO_COLOR");
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the binary runs");
    if let Some(input) = stdin {
        use std::io::Write;
        let mut s = child.stdin.take().unwrap();
        // The binary may stop reading early on bad input; a broken pipe is fine then.
        let _ = s.write_all(input);
    }
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The plan copied into a temporary directory without HCL, so findings have no lines.
fn clouds_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("clouds.json"), d.path().join("plan.json")).unwrap();
    d
}

fn stable(s: &str) -> String {
    s.lines()
        .map(|l| match l.rfind(" in ") {
            Some(i) if l.ends_with('s') && l.contains("resource changes linted") => format!("{} in <time>", &l[..i]),
            _ => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn every_format_of_a_multi_cloud_plan() {
    let d = clouds_dir();
    let o = run_in(
        d.path(),
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
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let human = stable(&text(&o.stdout));
    // Deleted and unchanged resources are not findings; an unknown policy is skipped.
    for absent in ["aws_iam_access_key.old", "aws_iam_access_key.unchanged", "role_policy.later"] {
        assert!(!human.contains(absent), "{absent} reported:\n{human}");
    }
    // A data source read during apply is judged on what the plan knows of it, as in HCL.
    assert!(human.contains("[data.aws_iam_policy_document.x]"), "{human}");
    // A value from a variable is not a literal secret; one written as a constant is.
    assert!(!human.contains("github_actions_secret.from_var"), "{human}");
    assert!(human.contains("NHI107 github-plaintext-secret"), "{human}");
    // Two count instances, one finding listing both.
    assert!(human.contains("[vault_token.many] (planned: vault_token.many[0], vault_token.many[1])"), "{human}");
    // A key rotated through keepers that refer to time_rotating is not a static key.
    assert!(!human.contains("[google_service_account_key.rotated]"), "{human}");
    insta::assert_snapshot!("clouds_human", human);
    let read = |n: &str| std::fs::read_to_string(d.path().join(n)).unwrap();
    insta::assert_snapshot!("clouds_json", read("out.json"));
    insta::assert_snapshot!("clouds_sarif", sarif_without_rule_table(&read("out.sarif")));
    insta::assert_snapshot!("clouds_github", read("out.github"));
    insta::assert_snapshot!("clouds_junit", read("out.xml"));
    insta::assert_snapshot!("clouds_gitlab", read("out.gitlab.json"));
    for out in
        [human, read("out.json"), read("out.sarif"), read("out.github"), read("out.xml"), read("out.gitlab.json")]
    {
        assert!(!out.contains(SECRET) && !out.contains(SECRET_FROM_VAR), "a sensitive value was printed:\n{out}");
    }
    let json: serde_json::Value = serde_json::from_str(&read("out.json")).unwrap();
    let f = &json["findings"][0];
    assert_eq!(json["input"], "plan");
    assert!(f["start"].is_null() && f["end"].is_null() && f["located"] == false, "{f}");
    assert_eq!(f["path"], "plan.json");
    let ttl = json["findings"].as_array().unwrap().iter().find(|f| f["code"] == "NHI301").unwrap();
    assert_eq!(ttl["action"], "create+update", "one instance is new, one updated");
    assert_eq!(ttl["preexisting"], false, "the new instance introduces it");
}

#[test]
fn standard_input_is_read_with_dash() {
    let d = clouds_dir();
    let plan = std::fs::read(d.path().join("plan.json")).unwrap();
    let o = run_in(d.path(), &["plan", "-", "--format", "json", "--select", "NHI101"], Some(&plan));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let addrs: Vec<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["address"].as_str().unwrap()).collect();
    assert_eq!(addrs, ["aws_iam_access_key.ci", "module.app.aws_iam_access_key.k"]);
    assert_eq!(v["plan"]["path"], "<stdin>");
}

#[test]
fn bad_inputs_exit_2_with_a_clear_error_and_print_nothing() {
    let d = tempfile::tempdir().unwrap();
    let plan = std::fs::read_to_string(fixture("clouds.json")).unwrap();
    let cases: Vec<(&str, String, &str)> = vec![
        ("malformed", "{\"format_version\": \"1.2\", \"resource_changes\": [}".to_owned(), "not valid JSON"),
        ("truncated", plan[..plan.len() / 2].to_owned(), "truncated"),
        ("empty", String::new(), "truncated"),
        ("old", plan.replacen("\"format_version\": \"1.2\"", "\"format_version\": \"0.1\"", 1), "format_version \"0.1\""),
        ("future", plan.replacen("\"format_version\": \"1.2\"", "\"format_version\": \"2.0\"", 1), "not supported"),
        (
            "tfstate",
            r#"{"version": 4, "terraform_version": "1.15.5", "serial": 3, "lineage": "x", "outputs": {}, "resources": []}"#
                .to_owned(),
            "state file",
        ),
        ("shown-state", r#"{"format_version": "1.0", "terraform_version": "1.15.5", "values": {"root_module": {}}}"#.to_owned(), "of a state"),
        ("array", "[]".to_owned(), "not a Terraform plan"),
        ("no-version", r#"{"resource_changes": []}"#.to_owned(), "no format_version"),
    ];
    for (name, body, expected) in cases {
        let file = format!("{name}.json");
        std::fs::write(d.path().join(&file), &body).unwrap();
        for format in ["human", "json", "sarif", "github"] {
            let o = run_in(d.path(), &["plan", &file, "--format", format], None);
            assert_eq!(o.status.code(), Some(2), "{name} ({format}): {}", text(&o.stderr));
            assert!(o.stdout.is_empty(), "{name} ({format}) printed: {}", text(&o.stdout));
            let err = text(&o.stderr);
            assert!(err.contains(expected) && err.contains(&file), "{name}: {err}");
        }
    }
    let o = run_in(d.path(), &["plan", "missing.json"], None);
    assert_eq!(o.status.code(), Some(2));
    let o = run_in(d.path(), &["plan", "old.json", "--format", "yaml"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("unknown format"));
}

/// Validates with Python's `jsonschema` against the SARIF 2.1.0 schema shipped in
/// `tests/schemas`. A missing interpreter or package fails the test.
fn assert_valid_sarif(path: &Path) {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-schema-2.1.0.json");
    let script = "import json, sys, jsonschema\n\
                  schema = json.load(open(sys.argv[1]))\n\
                  doc = json.load(open(sys.argv[2]))\n\
                  errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=str)\n\
                  for e in errors: print(list(e.absolute_path), e.message)\n\
                  sys.exit(1 if errors else 0)\n";
    let o = Command::new("python3")
        .args(["-c", script])
        .arg(&schema)
        .arg(path)
        .output()
        .expect("python3 is needed to validate SARIF (install python3 and `python3 -m pip install jsonschema`)");
    assert!(
        o.status.success(),
        "SARIF does not validate (or jsonschema is missing: `python3 -m pip install jsonschema`):\n{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
}

#[test]
fn sarif_validates_against_the_2_1_0_schema_for_plans_and_hcl() {
    let d = clouds_dir();
    let o = run_in(d.path(), &["plan", "plan.json", "--format", "sarif=plan.sarif"], None);
    assert_eq!(o.status.code(), Some(1));
    assert_valid_sarif(&d.path().join("plan.sarif"));
    std::fs::write(d.path().join("main.tf"), "resource \"aws_iam_access_key\" \"ci\" {\n  user = \"ci\"\n}\n").unwrap();
    let o = run_in(d.path(), &["check", "--format", "sarif=check.sarif"], None);
    assert_eq!(o.status.code(), Some(1));
    assert_valid_sarif(&d.path().join("check.sarif"));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(d.path().join("check.sarif")).unwrap()).unwrap();
    let r = &v["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "NHI101");
    assert_eq!(r["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
    assert_eq!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "main.tf");
    assert!(r["partialFingerprints"]["nhiLint/v1"].as_str().is_some_and(|s| s.len() == 16));
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), nhi_lint::codes::RULES.len());
    assert!(rules.iter().all(|r| r["helpUri"].as_str().is_some_and(|u| u.starts_with("https://"))));
    // A finding moved down the file keeps its fingerprint.
    std::fs::write(
        d.path().join("main.tf"),
        "\n\n# moved\nresource \"aws_iam_access_key\" \"ci\" {\n  user = \"ci\"\n}\n",
    )
    .unwrap();
    let o = run_in(d.path(), &["check", "--format", "sarif"], None);
    let moved: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(moved["runs"][0]["results"][0]["partialFingerprints"], r["partialFingerprints"]);
    assert_eq!(moved["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"], 4);
}

#[test]
fn baseline_fails_only_on_new_findings_and_reports_expired_and_stale_entries() {
    let d = tempfile::tempdir().unwrap();
    let key = |name: &str| format!("resource \"aws_iam_access_key\" \"{name}\" {{\n  user = \"ci\"\n}}\n");
    std::fs::write(d.path().join("main.tf"), key("a") + &key("b")).unwrap();
    let o = run_in(
        d.path(),
        &["baseline", "create", "--reason", "legacy keys (SEC-1)", "--expires", "2026-12-31", "-o", "base.json"],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let base: serde_json::Value = serde_json::from_slice(&std::fs::read(d.path().join("base.json")).unwrap()).unwrap();
    assert_eq!(base["version"], 1);
    // Two keys, each static and never rotated (NHI101).
    assert_eq!(base["entries"].as_array().unwrap().len(), 2);
    assert_eq!(base["entries"][0]["reason"], "legacy keys (SEC-1)");
    assert_eq!(base["entries"][0]["expires"], "2026-12-31");

    // Same findings: clean.
    let o = run_in(d.path(), &["check", "--baseline", "base.json"], None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert!(text(&o.stdout).contains("0 findings") && text(&o.stdout).contains("2 baselined"), "{}", text(&o.stdout));

    // One fixed, one new: fails on the new one only, and the fixed one's entry is stale.
    std::fs::write(d.path().join("main.tf"), key("a") + &key("c")).unwrap();
    let o = run_in(d.path(), &["check", "--baseline", "base.json", "--format", "json"], None);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let addrs: Vec<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["address"].as_str().unwrap()).collect();
    assert_eq!(addrs, ["aws_iam_access_key.c"]);
    assert_eq!(v["baseline"]["baselined"], 1);
    assert_eq!(v["baseline"]["stale"][0]["address"], "aws_iam_access_key.b");
    assert_eq!(v["baseline"]["stale"].as_array().unwrap().len(), 1);

    // After the expiry the accepted finding counts again, and the entry is reported.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nhi-lint"));
    let o = cmd
        .args(["check", "--baseline", "base.json"])
        .current_dir(d.path())
        .env("NHI_LINT_NOW", "2027-01-02T00:00:00Z")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(out.contains("aws_iam_access_key.a") && out.contains("expired on 2026-12-31"), "{out}");

    // A broken baseline is an error, not a silent pass.
    std::fs::write(d.path().join("bad.json"), "{\"version\": 9, \"entries\": []}").unwrap();
    let o = run_in(d.path(), &["check", "--baseline", "bad.json"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
}

#[test]
fn plan_findings_map_onto_hcl_with_suppressions() {
    let d = clouds_dir();
    std::fs::create_dir_all(d.path().join("modules/app")).unwrap();
    std::fs::write(
        d.path().join("main.tf"),
        "module \"app\" {\n  source = \"./modules/app\"\n}\n\nresource \"vault_token\" \"many\" {\n  count    = 2\n  policies = [\"app\"]\n}\n\n\
         resource \"gitlab_project_access_token\" \"t\" {\n  project = \"1\"\n  name    = \"ci\"\n  # nhi-lint:ignore NHI216 reason=\"bot needs api (T-9)\" until=2026-12-31\n  scopes  = [\"read_api\", \"api\"]\n}\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("modules/app/main.tf"),
        "resource \"aws_iam_access_key\" \"k\" {\n  user = \"app\"\n}\n",
    )
    .unwrap();
    let o = run_in(d.path(), &["plan", "plan.json", "--format", "json"], None);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let find = |code: &str, addr: &str| {
        v["findings"].as_array().unwrap().iter().find(|f| f["code"] == code && f["address"] == addr).cloned()
    };
    let k = find("NHI101", "module.app.aws_iam_access_key.k").expect("module finding");
    assert_eq!(k["path"], "modules/app/main.tf");
    assert_eq!(k["start"]["line"], 1);
    let ttl = find("NHI301", "vault_token.many").expect("count finding");
    assert_eq!((ttl["path"].as_str(), ttl["start"]["line"].as_u64()), (Some("main.tf"), Some(5)));
    assert_eq!(ttl["instances"], serde_json::json!(["vault_token.many[0]", "vault_token.many[1]"]));
    assert!(find("NHI216", "gitlab_project_access_token.t").is_none(), "suppressed in HCL");
    let exp = find("NHI304", "gitlab_project_access_token.t").unwrap();
    assert_eq!(exp["start"]["line"], 10);
    // Resources without HCL keep their address and no line.
    let other = find("NHI214", "kubernetes_cluster_role_binding_v1.admin").unwrap();
    assert!(other["start"].is_null());
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

/// One planned create of `ty.name` with `after` as its planned values.
fn create(ty: &str, name: &str, provider: &str, after: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "address": format!("{ty}.{name}"), "mode": "managed", "type": ty, "name": name,
        "provider_name": format!("registry.terraform.io/hashicorp/{provider}"),
        "change": { "actions": ["create"], "before": null, "after": after, "after_unknown": {}, "after_sensitive": {} }
    })
}

#[test]
fn broad_bindings_directory_roles_dynamic_secret_ttls_and_url_passwords_are_found_in_plans() {
    // The risk classes NHI225, NHI226, NHI318 and NHI112's URL passwords, as `terraform show
    // -json` writes them, in a plan of their own.
    const URL_SECRET: &str = "Pl4n-Url-Pw-77";
    let plan = serde_json::json!({
        "format_version": "1.2", "terraform_version": "1.15.5",
        "resource_changes": [
            create("kubernetes_cluster_role_binding_v1", "everyone", "kubernetes", serde_json::json!({
                "metadata": [{ "name": "everyone-edit" }],
                "role_ref": [{ "api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit" }],
                "subject": [{ "kind": "Group", "name": "system:authenticated", "api_group": "rbac.authorization.k8s.io", "namespace": null }]
            })),
            create("azuread_directory_role_assignment", "pipeline", "azuread", serde_json::json!({
                "role_id": "62e90394-69f5-4237-9190-012177145e10", "principal_object_id": "0000"
            })),
            create("vault_database_secret_backend_role", "orders", "vault", serde_json::json!({
                "backend": "db", "name": "orders", "db_name": "orders", "default_ttl": null, "max_ttl": null,
                "creation_statements": ["CREATE ROLE x"]
            })),
            create("aws_ecs_task_definition", "api", "aws", serde_json::json!({
                "family": "api",
                "container_definitions": format!("[{{\"name\":\"api\",\"environment\":[{{\"name\":\"DATABASE_URL\",\"value\":\"postgres://api:{URL_SECRET}@db/api\"}}]}}]")
            })),
        ],
        "configuration": { "root_module": { "resources": [{
            "address": "aws_ecs_task_definition.api", "mode": "managed", "type": "aws_ecs_task_definition", "name": "api",
            "expressions": { "container_definitions": {
                "constant_value": format!("[{{\"name\":\"api\",\"environment\":[{{\"name\":\"DATABASE_URL\",\"value\":\"postgres://api:{URL_SECRET}@db/api\"}}]}}]")
            } }
        }] } }
    });
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("plan.json"), plan.to_string()).unwrap();
    let o = run_in(d.path(), &["plan", "plan.json", "--format", "json"], None);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let found: Vec<(String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap().to_owned(), f["address"].as_str().unwrap().to_owned()))
        .collect();
    for (code, address) in [
        ("NHI225", "kubernetes_cluster_role_binding_v1.everyone"),
        ("NHI226", "azuread_directory_role_assignment.pipeline"),
        ("NHI318", "vault_database_secret_backend_role.orders"),
        ("NHI112", "aws_ecs_task_definition.api"),
    ] {
        assert!(found.iter().any(|(c, a)| c == code && a == address), "{code} on {address} missing: {found:?}");
    }
    assert!(!out.contains(URL_SECRET), "the password was printed:\n{out}");
}
