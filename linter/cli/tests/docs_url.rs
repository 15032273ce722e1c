//! Rule links in outputs: one default base, overridden by `docs_url` in `.nhi-lint.toml`.

use std::process::Command;

const KEY: &str = "resource \"aws_iam_access_key\" \"ci\" {\n  user = \"ci\"\n}\n";

fn check(dir: &std::path::Path, format: &str) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_nhi-lint"))
        .args(["check", "--format", format, "."])
        .current_dir(dir)
        .env("NHI_LINT_NOW", "2026-06-01T00:00:00Z")
        .output()
        .expect("the binary runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn findings_link_to_the_default_rule_pages() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("main.tf"), KEY).unwrap();
    let (code, out, err) = check(d.path(), "json");
    assert_eq!(code, 1, "{err}");
    let want = format!("{}/blob/main/linter/docs/rules/NHI101.md", env!("CARGO_PKG_REPOSITORY"));
    assert!(out.contains(&format!("\"url\": \"{want}\"")), "{out}");
}

#[test]
fn docs_url_in_the_config_moves_every_link() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("main.tf"), KEY).unwrap();
    std::fs::write(d.path().join(".nhi-lint.toml"), "docs_url = \"https://wiki.example.org/nhi-lint/\"\n").unwrap();
    let (code, json, err) = check(d.path(), "json");
    assert_eq!(code, 1, "{err}");
    assert!(json.contains("\"url\": \"https://wiki.example.org/nhi-lint/NHI101.md\""), "{json}");
    let (_, sarif, _) = check(d.path(), "sarif");
    let sarif: serde_json::Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(!rules.is_empty());
    for r in rules {
        let uri = r["helpUri"].as_str().expect("helpUri");
        assert!(uri.starts_with("https://wiki.example.org/nhi-lint/NHI"), "{uri}");
    }
}

#[test]
fn a_docs_url_that_is_not_a_url_is_a_config_error() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("main.tf"), KEY).unwrap();
    std::fs::write(d.path().join(".nhi-lint.toml"), "docs_url = \"wiki/rules\"\n").unwrap();
    let (code, out, err) = check(d.path(), "json");
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("docs_url \"wiki/rules\" is not an http(s) URL"), "{err}");
}
