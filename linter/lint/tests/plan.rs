//! `lint_plan` on odd input: every truncation is an error, odd shapes never panic, and what a
//! plan cannot be read from never looks clean.

use nhi_lint::{PlanError, Settings, lint_plan};

fn settings() -> Settings {
    Settings::new(nhi_core::parse_timestamp("2026-06-01T00:00:00Z").unwrap())
}

fn clouds() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../cli/tests/fixtures/plans/clouds.json")).unwrap()
}

#[test]
fn every_truncation_is_an_error() {
    let plan = clouds();
    let mut cut = 0;
    while cut < plan.trim_end().len() {
        let r = lint_plan(&plan[..cut], "p.json", None, &settings());
        assert!(
            matches!(r, Err(PlanError::Truncated { .. } | PlanError::Syntax { .. })),
            "cut at {cut}: {:?}",
            r.map(|rep| rep.findings.len())
        );
        cut += 97;
    }
    assert!(lint_plan(&plan, "p.json", None, &settings()).is_ok());
}

#[test]
fn odd_shapes_are_linted_or_refused_without_panicking() {
    let base: serde_json::Value = serde_json::from_str(&clouds()).unwrap();
    let odd = [
        serde_json::json!(null),
        serde_json::json!(5),
        serde_json::json!("create"),
        serde_json::json!([]),
        serde_json::json!({}),
        serde_json::json!([["x"]]),
        serde_json::json!({"after": {"a": {"b": [1, {"c": true}]}}}),
    ];
    let paths: &[&[&str]] = &[
        &["resource_changes"],
        &["configuration"],
        &["prior_state"],
        &["resource_changes", "0"],
        &["resource_changes", "0", "change"],
        &["resource_changes", "0", "change", "actions"],
        &["resource_changes", "0", "change", "after"],
        &["resource_changes", "0", "change", "after_unknown"],
        &["resource_changes", "0", "change", "after_sensitive"],
        &["resource_changes", "0", "address"],
        &["resource_changes", "0", "module_address"],
        &["resource_changes", "12", "change", "after", "metadata"],
    ];
    for path in paths {
        for v in &odd {
            let mut doc = base.clone();
            let mut cur = &mut doc;
            for (i, key) in path.iter().enumerate() {
                let next = match key.parse::<usize>() {
                    Ok(n) => &mut cur[n],
                    Err(_) => &mut cur[*key],
                };
                if i + 1 == path.len() {
                    *next = v.clone();
                    break;
                }
                cur = next;
            }
            // Either outcome is fine; a panic is not.
            let _ = lint_plan(&doc.to_string(), "p.json", None, &settings());
        }
    }
}

#[test]
fn a_plan_without_changes_is_clean_and_says_what_it_read() {
    // Terraform 1.0 omits resource_changes when nothing changes.
    let plan = r#"{"format_version":"0.2","terraform_version":"1.0.3","planned_values":{"root_module":{}}}"#;
    let r = lint_plan(plan, "p.json", None, &settings()).unwrap();
    assert!(r.findings.is_empty());
    let p = r.plan.unwrap();
    assert_eq!((p.format_version.as_str(), p.resource_changes, p.linted), ("0.2", 0, 0));
}

#[test]
fn errors_name_the_problem() {
    let s = settings();
    let e = lint_plan(r#"{"format_version":"1.2","resource_changes":{}}"#, "p.json", None, &s).unwrap_err();
    assert!(e.to_string().contains("resource_changes is not a list"), "{e}");
    let e = lint_plan(r#"{"version":4,"serial":1,"lineage":"x","resources":[]}"#, "s.tfstate", None, &s).unwrap_err();
    assert!(matches!(e, PlanError::StateFile { .. }) && e.to_string().contains("terraform show -json"), "{e}");
    let e = lint_plan(r#"{"format_version":"1.2"}"#, "p.json", None, &s).unwrap_err();
    assert!(e.to_string().contains("neither planned_values nor resource_changes"), "{e}");
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    assert!(lint_plan(&deep, "p.json", None, &s).is_err());
}
