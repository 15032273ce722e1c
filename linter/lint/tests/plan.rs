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
        &["resource_changes", "5", "mode"],
        &["resource_changes", "5", "change", "after_unknown"],
        &["resource_changes", "10", "index"],
        &["resource_changes", "10", "address"],
        &["variables"],
        &["variables", "role"],
        &["configuration", "root_module", "variables"],
        &["configuration", "root_module", "resources"],
        &["prior_state", "values", "root_module", "resources"],
    ];
    // With HCL beside the plan, what the plan leaves unknown is read from it: odd shapes there
    // too.
    let hcl = tempfile::tempdir().unwrap();
    std::fs::write(
        hcl.path().join("main.tf"),
        r#"
variable "role" {}
locals { actions = ["s3:*"] }
data "aws_iam_policy_document" "x" {
  statement {
    actions   = local.actions
    resources = [aws_s3_bucket.b.arn]
  }
}
resource "aws_iam_policy" "admin" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = aws_s3_bucket.b.arn }] })
  lifecycle { replace_triggered_by = [time_rotating.r] }
}
resource "vault_token" "many" {
  count    = 2
  policies = [var.role]
}
"#,
    )
    .unwrap();
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
            let _ = lint_plan(&doc.to_string(), "p.json", Some(hcl.path()), &settings());
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

fn configuration_plan() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/plans/configuration.json")).unwrap()
}

/// Provisioners are in no planned value, only in the configuration (`terraform show -json` of
/// a plan with a `local-exec` provisioner, as Terraform 1.11 writes it): their constants are
/// what was written, and a command built from references is not a literal.
#[test]
fn provisioners_of_the_configuration_are_linted() {
    let plan = r#"{"format_version":"1.2","terraform_version":"1.11.4",
      "resource_changes":[
        {"address":"terraform_data.pfx","mode":"managed","type":"terraform_data","name":"pfx",
         "provider_name":"terraform.io/builtin/terraform",
         "change":{"actions":["create"],"before":null,"after":{"input":null,"triggers_replace":null},
                   "after_unknown":{"id":true,"output":true},"before_sensitive":false,"after_sensitive":{}}},
        {"address":"terraform_data.from_env","mode":"managed","type":"terraform_data","name":"from_env",
         "provider_name":"terraform.io/builtin/terraform",
         "change":{"actions":["create"],"before":null,"after":{"input":null,"triggers_replace":null},
                   "after_unknown":{"id":true,"output":true},"before_sensitive":false,"after_sensitive":{}}}],
      "configuration":{"root_module":{"resources":[
        {"address":"terraform_data.pfx","mode":"managed","type":"terraform_data","name":"pfx",
         "provider_config_key":"terraform","schema_version":0,
         "provisioners":[{"type":"local-exec","expressions":{"command":{"constant_value":
           "openssl pkcs12 -export -in c.pem -passout pass:Exp0rt-Pw -out c.pfx"}}}]},
        {"address":"terraform_data.from_env","mode":"managed","type":"terraform_data","name":"from_env",
         "provider_config_key":"terraform","schema_version":0,
         "provisioners":[{"type":"local-exec","expressions":{"command":{"references":["var.pass"]}}}]}]}}}"#;
    let report = lint_plan(plan, "p.json", None, &settings()).unwrap();
    let got: Vec<(&str, &str)> = report.findings.iter().map(|f| (f.code, f.address.as_str())).collect();
    assert_eq!(got, vec![("NHI112", "terraform_data.pfx")]);
    assert!(!report.findings[0].message.contains("Exp0rt-Pw"), "{}", report.findings[0].message);
}

/// What a plan says about its configuration is linted too: literal credentials of provider
/// blocks and module arguments, attributes the configuration leaves to the provider, and what
/// an unknown value refers to.
#[test]
fn the_configuration_section_is_linted() {
    let report = lint_plan(&configuration_plan(), "p.json", None, &settings()).unwrap();
    let got: Vec<(&str, &str)> = report.findings.iter().map(|f| (f.code, f.address.as_str())).collect();
    assert_eq!(
        got,
        vec![
            // Keepers fed by a time_rotating: rotated, not static (`rotated` is absent).
            ("NHI102", "google_service_account_key.static"),
            ("NHI103", "azuread_application_password.bounded"),
            ("NHI103", "azuread_application_password.ci"),
            // user_data is planned as its hash; the configuration's constant is judged.
            ("NHI112", "aws_instance.web"),
            // Constants written in a module call and a provider block.
            ("NHI112", "module.db"),
            ("NHI112", "provider.aws"),
            // Outputs that return a credential without `sensitive = true`, in the root and in
            // a called module; `key_private` is sensitive and `key_name` is not a secret.
            ("NHI116", "module.db.output.admin_password"),
            ("NHI116", "output.key_id"),
            // The member is unknown at plan time, but the configuration says it is a
            // service account's email.
            ("NHI206", "google_project_iam_member.editor"),
            // `end_date` is computed by the provider, not set: missing. `bounded` sets it.
            ("NHI303", "azuread_application_password.ci"),
        ]
    );
    // The provider's `token` refers to a variable: not a literal. Module findings are not
    // planned instances: no action.
    let module = report.findings.iter().find(|f| f.address == "module.db").unwrap();
    assert_eq!(module.action, None);
    for f in &report.findings {
        assert!(!f.message.contains("hunter2") && !f.message.contains("wJalr"), "{}", f.message);
        assert!(!f.message.contains("Hunter2-in-user-data"), "{}", f.message);
    }
}

#[test]
fn configuration_findings_map_onto_the_provider_and_module_blocks() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("main.tf"),
        r#"provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIAIOSFODNN7EXAMPLE"
  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
}

module "db" {
  source          = "./modules/db"
  name            = "orders"
  master_password = "hunter2"
}
"#,
    )
    .unwrap();
    let report = lint_plan(&configuration_plan(), "p.json", Some(d.path()), &settings()).unwrap();
    let line = |addr: &str| report.findings.iter().find(|f| f.address == addr).and_then(|f| f.start).map(|p| p.line);
    // The secret half of the key pair, not its ID.
    assert_eq!(line("provider.aws"), Some(4));
    assert_eq!(line("module.db"), Some(10));
}

/// The classes added from the later blind batches are found in a plan as in HCL.
#[test]
fn the_later_classes_are_found_in_a_plan() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/plans/new-classes.json")).unwrap();
    let report = lint_plan(&text, "p.json", None, &settings()).unwrap();
    let got: Vec<(&str, &str)> = report.findings.iter().map(|f| (f.code, f.address.as_str())).collect();
    assert_eq!(
        got,
        vec![
            ("NHI117", "consul_acl_token.vault"),
            ("NHI117", "scaleway_iam_api_key.eso"),
            // The URL is sensitive in the plan, yet its token is reported, never shown.
            ("NHI118", "github_repository_webhook.mirror"),
            ("NHI207", "google_service_account_iam_member.default_ksa"),
            ("NHI228", "google_project_iam_member.dns"),
            ("NHI230", "consul_acl_token.vault"),
            ("NHI231", "aws_iam_role_policy_attachment.s3"),
            ("NHI232", "github_membership.bot"),
            ("NHI319", "scaleway_iam_api_key.eso"),
            ("NHI320", "vault_mount.pki"),
        ]
    );
    for f in &report.findings {
        assert!(!f.message.contains("glpat-redacted"), "{}", f.message);
    }
}

/// In a plan of an identity that already exists, its ARN is known and the inline policy holds
/// it: a policy that lets the user rewrite its own policies is found by value.
#[test]
fn a_user_that_may_rewrite_its_own_policies_is_found_in_a_plan_by_its_arn() {
    let arn = "arn:aws:iam::123456789012:user/intern";
    let policy = |action: &str| {
        serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{ "Effect": "Allow", "Action": action, "Resource": arn }]
        })
        .to_string()
    };
    let change = |address: &str, ty: &str, name: &str, after: serde_json::Value| {
        serde_json::json!({
            "address": address, "mode": "managed", "type": ty, "name": name,
            "change": { "actions": ["update"], "before": after, "after": after, "after_unknown": {} }
        })
    };
    let plan = serde_json::json!({
        "format_version": "1.2",
        "terraform_version": "1.15.5",
        "resource_changes": [
            change("aws_iam_user.intern", "aws_iam_user", "intern", serde_json::json!({ "name": "intern", "arn": arn })),
            change(
                "aws_iam_user_policy.self",
                "aws_iam_user_policy",
                "self",
                serde_json::json!({ "name": "self", "user": "intern", "policy": policy("iam:PutUserPolicy") }),
            ),
            change(
                "aws_iam_user_policy.keys",
                "aws_iam_user_policy",
                "keys",
                serde_json::json!({ "name": "keys", "user": "intern", "policy": policy("iam:ListAccessKeys") }),
            ),
        ],
        "configuration": { "root_module": { "resources": [
            { "address": "aws_iam_user_policy.self", "mode": "managed", "type": "aws_iam_user_policy", "name": "self",
              "expressions": { "user": { "references": ["aws_iam_user.intern.name", "aws_iam_user.intern"] } } },
            { "address": "aws_iam_user_policy.keys", "mode": "managed", "type": "aws_iam_user_policy", "name": "keys",
              "expressions": { "user": { "references": ["aws_iam_user.intern.name", "aws_iam_user.intern"] } } }
        ] } }
    })
    .to_string();
    let report = lint_plan(&plan, "p.json", None, &settings()).unwrap();
    let found: Vec<(&str, &str)> =
        report.findings.iter().filter(|f| f.code == "NHI202").map(|f| (f.code, f.address.as_str())).collect();
    assert_eq!(found, vec![("NHI202", "aws_iam_user_policy.self")], "{:#?}", report.findings);
}

/// A plan holds each AWS resource's `tags_all`, the provider's `default_tags` merged in: when
/// the provider's tags are written with references (not known from the configuration), the
/// user's owner tag is judged on `tags_all`.
#[test]
fn an_users_owner_tag_is_read_from_tags_all_in_a_plan() {
    let user = |name: &str, tags_all: serde_json::Value| {
        serde_json::json!({
            "address": format!("aws_iam_user.{name}"), "mode": "managed", "type": "aws_iam_user", "name": name,
            "change": { "actions": ["create"], "before": null,
                        "after": { "name": name, "tags_all": tags_all }, "after_unknown": {} }
        })
    };
    let plan = serde_json::json!({
        "format_version": "1.2",
        "terraform_version": "1.15.5",
        "resource_changes": [
            user("owned", serde_json::json!({ "owner": "data-team", "env": "prod" })),
            user("unowned", serde_json::json!({ "env": "prod" })),
        ],
        "configuration": {
            "provider_config": { "aws": { "name": "aws", "expressions": {
                "default_tags": [{ "tags": { "references": ["var.default_tags"] } }]
            } } },
            "root_module": {}
        }
    })
    .to_string();
    let mut s = settings();
    s.select = vec!["NHI401".into()];
    let report = lint_plan(&plan, "p.json", None, &s).unwrap();
    let flagged: Vec<&str> =
        report.findings.iter().filter(|f| f.code == "NHI401").map(|f| f.address.as_str()).collect();
    assert_eq!(flagged, vec!["aws_iam_user.unowned"]);
}
