//! `data "nhi_service_accounts"` with real Terraform 1.15.5 and 1.0.3, on SQLite and
//! PostgreSQL: every filter, alone and combined, against accounts created through Terraform.

mod common;

use common::{Env, days_from_now};
use nhi_testkit::Terraform;

fn accounts() -> String {
    let account = |name: &str, env: &str, team: &str, days: i64, disabled: bool| {
        format!(
            r#"
resource "nhi_service_account" "{name}" {{
  name        = "{name}"
  owner       = "{team}@example.com"
  purpose     = "Inventory test account"
  expires_at  = "{expires}"
  environment = "{env}"
  labels      = {{ team = "{team}" }}
  disabled    = {disabled}
}}
"#,
            expires = days_from_now(days)
        )
    };
    [
        account("pay-prod-soon", "prod", "payments", 10, false),
        account("pay-prod-late", "prod", "payments", 200, false),
        account("pay-stage-soon", "stage", "payments", 5, false),
        account("ops-prod-soon", "prod", "ops", 20, false),
        account("ops-prod-off", "prod", "ops", 15, true),
    ]
    .concat()
}

const QUERIES: &str = r#"
data "nhi_service_accounts" "all" {}
data "nhi_service_accounts" "with_disabled" {
  include_disabled = true
}
data "nhi_service_accounts" "prod" {
  environment = "prod"
}
data "nhi_service_accounts" "payments" {
  labels = { team = "payments" }
}
data "nhi_service_accounts" "owner" {
  owner = "ops@example.com"
  include_disabled = true
}
data "nhi_service_accounts" "soon" {
  expiring_within = "30d"
}
data "nhi_service_accounts" "soon_prod_payments" {
  expiring_within = "30d"
  environment     = "prod"
  labels          = { team = "payments" }
}
data "nhi_service_accounts" "expired" {
  expired = true
}
data "nhi_service_accounts" "not_expired" {
  expired = false
}

locals {
  names = { for k, d in {
    all = data.nhi_service_accounts.all, with_disabled = data.nhi_service_accounts.with_disabled,
    prod = data.nhi_service_accounts.prod, payments = data.nhi_service_accounts.payments,
    owner = data.nhi_service_accounts.owner, soon = data.nhi_service_accounts.soon,
    soon_prod_payments = data.nhi_service_accounts.soon_prod_payments,
    expired = data.nhi_service_accounts.expired, not_expired = data.nhi_service_accounts.not_expired,
  } : k => join(",", [for sa in d.service_accounts : sa.name]) }
}

output "names" {
  value = local.names
}

output "first" {
  value = data.nhi_service_accounts.prod.service_accounts[0]
}
"#;

fn check(env: &Env) {
    env.wd.write("main.tf", accounts());
    env.wd.apply();
    // An account already expired (Terraform would refuse to create one): written directly.
    let expired = nhi_registry::ServiceAccountSpec {
        name: "legacy-expired".to_owned(),
        owner: "legacy@example.com".to_owned(),
        purpose: "Left over".to_owned(),
        expires_at: days_from_now(-3).parse().unwrap(),
        scopes: Vec::new(),
        environment: Some("legacy".to_owned()),
        labels: [("team".to_owned(), "payments".to_owned())].into(),
        disabled: false,
    };
    let change = nhi_registry::Change { actor: Default::default(), at: nhi_core::Timestamp::now() };
    env.store().create_service_account(&expired, &change).unwrap();
    env.wd.write("queries.tf", QUERIES);
    env.wd.apply();
    let outputs = env.wd.output_json();
    let names = &outputs["names"]["value"];
    let expect = [
        ("all", "legacy-expired,ops-prod-soon,pay-prod-late,pay-prod-soon,pay-stage-soon"),
        ("with_disabled", "legacy-expired,ops-prod-off,ops-prod-soon,pay-prod-late,pay-prod-soon,pay-stage-soon"),
        ("prod", "ops-prod-soon,pay-prod-late,pay-prod-soon"),
        ("payments", "legacy-expired,pay-prod-late,pay-prod-soon,pay-stage-soon"),
        ("owner", "ops-prod-off,ops-prod-soon"),
        ("soon", "ops-prod-soon,pay-prod-soon,pay-stage-soon"),
        ("soon_prod_payments", "pay-prod-soon"),
        ("expired", "legacy-expired"),
        ("not_expired", "ops-prod-soon,pay-prod-late,pay-prod-soon,pay-stage-soon"),
    ];
    for (query, want) in expect {
        assert_eq!(names[query], want, "{query} on Terraform {}", env.wd.terraform().version());
    }
    let first = &outputs["first"]["value"];
    assert_eq!(first["name"], "ops-prod-soon");
    assert_eq!(first["owner"], "ops@example.com");
    assert_eq!(first["labels"]["team"], "ops");
    assert!(first["id"].as_str().is_some_and(|id| id.starts_with("sa-")), "{first}");
    env.wd.assert_plan_empty();
}

#[test]
fn inventory_filters_on_sqlite() {
    for tf in Terraform::all() {
        check(&Env::new(&tf));
    }
}

#[test]
fn inventory_filters_on_postgres() {
    for tf in Terraform::all() {
        check(&Env::postgres(&tf, "inventory"));
    }
}

#[test]
fn contradictory_or_malformed_filters_are_located_errors() {
    let env = Env::new(&Terraform::v1_15());
    env.wd.write(
        "main.tf",
        r#"
data "nhi_service_accounts" "bad" {
  expiring_within = "soon"
}
"#,
    );
    let out = env.wd.run(&["plan", "-input=false", "-no-color"]);
    out.assert_failure();
    out.assert_contains("Invalid `expiring_within`");
    out.assert_contains("expiring_within = \"soon\"");

    env.wd.write(
        "main.tf",
        r#"
data "nhi_service_accounts" "bad" {
  expiring_within = "7d"
  expired         = true
}
"#,
    );
    let out = env.wd.run(&["plan", "-input=false", "-no-color"]);
    out.assert_failure();
    out.assert_contains("Contradictory filters");
}
