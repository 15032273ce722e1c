//! The binary, run in temporary directories: exit codes, formats, config and file walking.

use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nhi-lint"))
        .args(args)
        .current_dir(dir)
        .env("NHI_LINT_NOW", "2026-06-01T00:00:00Z")
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The summary line's timing varies between runs.
fn stable(s: &str) -> String {
    match s.rfind(" in ") {
        Some(i) if s.ends_with("s\n") => format!("{} in <time>\n", &s[..i]),
        _ => s.to_owned(),
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const KEY: &str = "resource \"aws_iam_access_key\" \"ci\" {\n  user = \"ci\"\n}\n";

#[test]
fn findings_exit_1_with_plain_output_when_piped() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "main.tf", KEY);
    write(
        d.path(),
        "roles.tf",
        "resource \"aws_iam_role_policy_attachment\" \"a\" {\n  role       = \"ci\"\n  policy_arn = \"arn:aws:iam::aws:policy/AdministratorAccess\"\n}\n",
    );
    let o = run(d.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stable(&stdout(&o)));
}

#[test]
fn json_findings_carry_the_documented_fields() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "modules/k/main.tf", KEY);
    write(
        d.path(),
        "main.tf",
        "module \"a\" {\n  source = \"./modules/k\"\n}\nmodule \"b\" {\n  source = \"./modules/k\"\n}\n",
    );
    let o = run(d.path(), &["check", "--format", "json", "."]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    // One source block, called twice and linted standalone: reported once.
    let codes: Vec<&str> = findings.iter().filter_map(|f| f["code"].as_str()).collect();
    assert_eq!(codes, ["NHI101"], "{findings:#?}");
    let f = &findings[0];
    for key in ["code", "name", "category", "severity", "message", "path", "address", "help", "url"] {
        assert!(f[key].is_string(), "{key} missing in {f}");
    }
    assert_eq!(f["code"], "NHI101");
    assert_eq!(f["category"], "static-credential");
    assert_eq!(f["path"], "modules/k/main.tf");
    assert_eq!(f["address"], "aws_iam_access_key.ci");
    assert_eq!(f["start"]["line"], 1);
    assert_eq!(f["start"]["column"], 1);
    assert_eq!(f["end"]["line"], 1);
    assert_eq!(v["summary"]["files"], 2);
}

#[test]
fn clean_tree_exits_0_and_fail_on_raises_the_bar() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "main.tf", "resource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n  tags = var.tags\n}\n");
    let o = run(d.path(), &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).starts_with("1 file checked, 0 findings"));
    write(d.path(), "key.tf", KEY);
    assert_eq!(run(d.path(), &["check", "--fail-on", "critical"]).status.code(), Some(0));
    assert_eq!(run(d.path(), &["check", "--fail-on", "high"]).status.code(), Some(1));
    assert_eq!(run(d.path(), &["check", "--ignore", "NHI101"]).status.code(), Some(0));
    assert_eq!(run(d.path(), &["check", "--select", "NHI2"]).status.code(), Some(0));
}

#[test]
fn parse_errors_exit_2_and_other_files_are_still_linted() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.tf", KEY);
    write(d.path(), "b.tf", "resource \"x\" \"y\" {\n  a = \n");
    let o = run(d.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    assert!(out.contains("a.tf:1:1: high NHI101"), "{out}");
    assert!(out.contains("b.tf:2:"), "{out}");
}

#[test]
fn usage_and_config_errors_exit_2() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "main.tf", KEY);
    assert_eq!(run(d.path(), &["check", "--select", "NHI999"]).status.code(), Some(2));
    assert_eq!(run(d.path(), &["check", "missing-dir"]).status.code(), Some(2));
    assert_eq!(run(d.path(), &["frobnicate"]).status.code(), Some(2));
    write(d.path(), ".nhi-lint.toml", "ignroe = [\"NHI101\"]\n");
    let o = run(d.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ignroe"));
}

#[test]
fn config_ignores_and_overrides_severity() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "main.tf", KEY);
    write(d.path(), ".nhi-lint.toml", "[severity]\nNHI101 = \"low\"\n");
    let o = run(d.path(), &["check", "--format", "json", "--fail-on", "medium"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["findings"][0]["severity"], "low");
    write(d.path(), ".nhi-lint.toml", "ignore = [\"aws-access-key\"]\n");
    assert_eq!(run(d.path(), &["check"]).status.code(), Some(0));
}

#[test]
fn removed_rules_are_harmless_to_ignore_and_explained_elsewhere() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "main.tf", KEY);
    // Ignoring a removed rule has no effect: a warning that says why, and the run goes on.
    write(d.path(), ".nhi-lint.toml", "ignore = [\"NHI322\", \"aws-access-key\"]\n");
    let o = run(d.path(), &["check", "--ignore", "gcp-key-rotation"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("ignore names removed rule NHI322 (merged into NHI101"), "{err}");
    assert!(err.contains("--ignore names removed rule gcp-key-rotation (merged into NHI102"), "{err}");
    // Selecting it, or setting its severity, cannot mean anything: an error that says why.
    let o = run(d.path(), &["check", "--select", "NHI322"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("that rule was removed (merged into NHI101"));
    write(d.path(), ".nhi-lint.toml", "[severity]\nNHI305 = \"low\"\n");
    let o = run(d.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("names a rule that was removed: merged into NHI102"));
}

#[test]
fn non_ignorable_rules_ignore_suppressions() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "main.tf",
        "# nhi-lint:ignore NHI101 reason=\"vendor (SEC-1)\" until=2026-12-31\nresource \"aws_iam_access_key\" \"ci\" {\n  user = \"ci\"\n}\n",
    );
    assert_eq!(run(d.path(), &["check"]).status.code(), Some(0));
    write(d.path(), ".nhi-lint.toml", "non_ignorable = [\"NHI1\"]\n");
    let o = run(d.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("NHI101"));
}

#[test]
fn gitignored_files_and_tool_caches_are_skipped_and_tofu_and_json_are_read() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), ".gitignore", "vendor/\n");
    write(d.path(), "vendor/main.tf", KEY);
    write(d.path(), ".terraform/modules/x/main.tf", KEY);
    write(d.path(), ".git/hooks/x.tf", KEY);
    write(d.path(), ".terragrunt-cache/abc/main.tf", KEY);
    // A hidden directory of the user's own is linted.
    write(d.path(), ".identity/main.tf", KEY);
    write(d.path(), "a.tofu", KEY);
    write(
        d.path(),
        "b.tf.json",
        "{\"resource\": {\"google_service_account_key\": {\"k\": {\"service_account_id\": \"x\"}}}}",
    );
    let o = run(d.path(), &["check", "--format", "json", "--select", "NHI101,NHI102"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let paths: Vec<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, vec![".identity/main.tf", "a.tofu", "b.tf.json"]);
    assert_eq!(v["findings"][2]["address"], "google_service_account_key.k");
}

#[test]
fn the_users_global_git_ignore_file_is_honoured() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "project/generated/main.tf", KEY);
    write(d.path(), "project/main.tf", KEY);
    let home = d.path().join("home");
    let lint = |home: &Path| {
        let o = Command::new(env!("CARGO_BIN_EXE_nhi-lint"))
            .args(["check", "--format", "json", "--select", "NHI101"])
            .current_dir(d.path().join("project"))
            .env("HOME", home)
            .env_remove("XDG_CONFIG_HOME")
            .env("NHI_LINT_NOW", "2026-06-01T00:00:00Z")
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["findings"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    std::fs::create_dir_all(&home).unwrap();
    assert_eq!(lint(&home), ["generated/main.tf", "main.tf"], "no global ignore file");
    // git's default global ignore file ...
    write(&home, ".config/git/ignore", "generated/\n");
    assert_eq!(lint(&home), ["main.tf"]);
    // ... or the one core.excludesFile names.
    let other = d.path().join("home2");
    write(&other, ".gitconfig", "[core]\n\texcludesFile = ~/ignores\n");
    write(&other, "ignores", "generated/\n");
    assert_eq!(lint(&other), ["main.tf"]);
}

#[test]
fn variables_from_the_command_line_are_used() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "main.tf",
        "variable \"arn\" {}\nresource \"aws_iam_role_policy_attachment\" \"a\" {\n  role       = \"ci\"\n  policy_arn = var.arn\n}\n",
    );
    assert_eq!(run(d.path(), &["check"]).status.code(), Some(0));
    let o = run(d.path(), &["check", "--var", "arn=arn:aws:iam::aws:policy/AdministratorAccess"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    write(d.path(), "prod.tfvars", "arn = \"arn:aws:iam::aws:policy/IAMFullAccess\"\n");
    let o = run(d.path(), &["check", "--var-file", "prod.tfvars"]);
    assert!(stdout(&o).contains("IAMFullAccess"));
}

#[test]
fn explain_prints_the_generated_docs_page_and_rules_lists_all() {
    let d = tempfile::tempdir().unwrap();
    let o = run(d.path(), &["explain", "NHI101"]);
    assert_eq!(o.status.code(), Some(0));
    let page = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules/NHI101.md")).unwrap();
    assert_eq!(stdout(&o), page);
    assert_eq!(run(d.path(), &["explain", "NHI999"]).status.code(), Some(2));
    // A retired code says where its rule went.
    let o = run(d.path(), &["explain", "NHI106"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("retired: moved to NHI253"), "{o:?}");
    let o = run(d.path(), &["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["rules"].as_array().unwrap().len(), nhi_lint::codes::RULES.len());
}

/// The demo in examples/lint stays in sync with the rules: its findings are snapshotted.
#[test]
fn the_examples_lint_demo() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let o = run(&root, &["check", "--format", "json", "examples/lint"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let lines: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!("{} {}:{} {} {}", f["code"], f["path"], f["start"]["line"], f["address"], f["severity"])
                .replace('"', "")
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}
