//! The `nhi` command against real registries (a SQLite file and a PostgreSQL database),
//! seeded through the registry library with known problems.

use std::path::Path;
use std::process::{Command, Output};

use nhi_core::Timestamp;
use nhi_registry::{Actor, Change, ServiceAccountSpec, Store};

fn nhi(registry: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nhi"))
        .args(args)
        .env_clear()
        .env("NHI_REGISTRY", registry)
        .output()
        .expect("run nhi")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn days_from_now(days: i64) -> Timestamp {
    Timestamp::from_second(Timestamp::now().as_second() + days * 86_400).unwrap()
}

fn change(client: &str) -> Change {
    Change {
        actor: Actor { client: client.to_owned(), terraform_version: None, operation: "seed".to_owned() },
        at: Timestamp::now(),
    }
}

fn spec(name: &str, owner: &str, days: i64, disabled: bool) -> ServiceAccountSpec {
    ServiceAccountSpec {
        name: name.to_owned(),
        owner: owner.to_owned(),
        purpose: format!("Seeded account {name}"),
        expires_at: days_from_now(days),
        scopes: vec!["invoices:read".to_owned()],
        environment: Some("prod".to_owned()),
        labels: [("team".to_owned(), "payments".to_owned())].into(),
        disabled,
    }
}

/// Seeds exactly one problem of each kind, plus accounts that must not be reported.
fn seed(store: &dyn Store) {
    let c = change("seed/1");
    for s in [
        spec("healthy", "payments@example.com", 200, false),
        spec("renew-me", "payments@example.com", 10, false),
        spec("long-expired", "payments@example.com", -3, false),
        spec("expired-but-disabled", "payments@example.com", -3, true),
        spec("nobodys", "temp-contractor", 100, false),
    ] {
        store.create_service_account(&s, &c).unwrap();
    }
}

fn audit_reports_exactly_the_seeded_problems(registry: &str) {
    let store = nhi_registry::open(registry).unwrap();
    seed(store.as_ref());
    let pattern = "[a-z.-]+@example\\.com";
    let out = nhi(registry, &["audit", "--owner-pattern", pattern, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "findings exit 1: {}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["kind"].as_str().unwrap(), f["name"].as_str().unwrap()))
        .collect();
    assert_eq!(got, [("expired", "long-expired"), ("expiring", "renew-me"), ("orphaned", "nobodys")]);
    assert_eq!(report["accounts_checked"], 5);

    let table = nhi(registry, &["audit", "--owner-pattern", pattern]);
    assert_eq!(table.status.code(), Some(1));
    let shown = text(&table.stdout);
    assert!(shown.starts_with("KIND"), "{shown}");
    assert!(shown.contains("3 findings in 5 service accounts checked"), "{shown}");
    assert!(shown.contains("(3 days ago)") || shown.contains("(2 days ago)"), "{shown}");

    // Narrower window, no pattern: only the expired one.
    let out = nhi(registry, &["audit", "--warn-before", "5d", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(1));
    let csv = text(&out.stdout);
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.lines().nth(1).unwrap().starts_with("expired,sa-"), "{csv}");

    // Fix the problems: the audit comes back clean and exits 0.
    let c = change("fixer/1");
    for name in ["long-expired", "renew-me"] {
        let sa = store.find_service_account_by_name(name).unwrap().unwrap();
        let fixed = ServiceAccountSpec { expires_at: days_from_now(120), ..sa.spec };
        store.update_service_account(&sa.id, &fixed, &c).unwrap();
    }
    let sa = store.find_service_account_by_name("nobodys").unwrap().unwrap();
    store.delete_service_account(&sa.id, &c).unwrap();
    let out = nhi(registry, &["audit", "--owner-pattern", pattern]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(text(&out.stdout), "0 findings in 4 service accounts checked\n");
}

fn inventory_and_events(registry: &str) {
    let store = nhi_registry::open(registry).unwrap();
    seed(store.as_ref());
    let out = nhi(registry, &["inventory", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let inventory: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let accounts = inventory["service_accounts"].as_array().expect("an object with a service_accounts array");
    let names: Vec<&str> = accounts.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["healthy", "long-expired", "nobodys", "renew-me"], "sorted, disabled left out");
    let first = &accounts[0];
    for field in [
        "id",
        "name",
        "owner",
        "purpose",
        "environment",
        "expires_at",
        "scopes",
        "labels",
        "disabled",
        "created_at",
        "updated_at",
        "version",
    ] {
        assert!(first.get(field).is_some(), "{field} missing from {first}");
    }
    assert_eq!(first["labels"]["team"], "payments");
    assert_eq!(first["scopes"][0], "invoices:read");

    let out = nhi(registry, &["inventory", "--expiring-within", "30d", "--include-disabled"]);
    let table = text(&out.stdout);
    assert!(table.contains("renew-me") && !table.contains("healthy") && !table.contains("long-expired"), "{table}");
    assert!(table.ends_with("1 service account\n"), "{table}");
    let out = nhi(registry, &["inventory", "--expired", "--include-disabled", "--format", "csv"]);
    let csv = text(&out.stdout);
    assert!(csv.starts_with("id,name,owner,purpose,environment,expires_at,scopes,labels,disabled"), "{csv}");
    assert_eq!(csv.lines().count(), 3, "two expired accounts: {csv}");
    assert!(csv.contains("\"[\"\"invoices:read\"\"]\""), "scopes as quoted JSON: {csv}");
    assert!(csv.lines().next().unwrap().ends_with(",created_at,updated_at,version"), "{csv}");
    let out = nhi(registry, &["inventory", "--owner", "temp-contractor", "--label", "team=payments"]);
    assert!(text(&out.stdout).contains("nobodys"));
    let out = nhi(registry, &["inventory", "--label", "team=ops"]);
    assert_eq!(text(&out.stdout), "NAME  OWNER  ENVIRONMENT  EXPIRES  STATUS  ID\n0 service accounts\n");

    // The trail: every seed create, then an update and a delete, found by name after deletion.
    let sa = store.find_service_account_by_name("healthy").unwrap().unwrap();
    store
        .update_service_account(
            &sa.id,
            &ServiceAccountSpec { purpose: "Changed".to_owned(), ..sa.spec.clone() },
            &change("editor/1"),
        )
        .unwrap();
    store.delete_service_account(&sa.id, &change("remover/1")).unwrap();
    let out = nhi(registry, &["events", "--account", "healthy", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let events: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let actions: Vec<&str> =
        events["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["service_account.create", "service_account.update", "service_account.delete"]);
    assert_eq!(events["events"][1]["details"]["changed"][0], "purpose");
    let by_id = nhi(registry, &["events", "--account", &sa.id, "--format", "json"]);
    assert_eq!(by_id.stdout, out.stdout);
    let all = nhi(registry, &["events"]);
    assert!(text(&all.stdout).ends_with("7 events\n"), "{}", text(&all.stdout));
    let events_csv = text(&nhi(registry, &["events", "--format", "csv", "--account", "healthy"]).stdout);
    let header: Vec<&str> = events_csv.lines().next().unwrap().split(',').collect();
    let update: Vec<&str> = events_csv.lines().nth(2).unwrap().split(',').collect();
    assert_eq!(header[6], "terraform_version");
    assert_eq!(update[5], "editor/1", "{events_csv}");
    let none = nhi(registry, &["events", "--since", "2999-01-01T00:00:00Z"]);
    assert!(text(&none.stdout).ends_with("0 events\n"));
    let recent = nhi(registry, &["events", "--since", "1h", "--until", "2999-01-01T00:00:00Z"]);
    assert!(text(&recent.stdout).ends_with("7 events\n"));
}

#[test]
fn audit_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    audit_reports_exactly_the_seeded_problems(&format!("sqlite://{}", dir.path().join("r.db").display()));
}

#[test]
fn audit_on_postgres() {
    audit_reports_exactly_the_seeded_problems(&nhi_testkit::postgres::fresh_database("cli_audit"));
}

#[test]
fn inventory_and_events_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    inventory_and_events(&format!("sqlite://{}", dir.path().join("r.db").display()));
}

#[test]
fn inventory_and_events_on_postgres() {
    inventory_and_events(&nhi_testkit::postgres::fresh_database("cli_inventory"));
}

#[test]
fn a_missing_registry_is_an_error_and_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.db");
    let out = nhi(&format!("sqlite://{}", path.display()), &["inventory"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("there is no registry at"), "{}", text(&out.stderr));
    assert!(!Path::new(&path).exists());

    let out = nhi("postgres://nhi:Pw-9QX@db.invalid/nhi?connect_timeout=2", &["audit"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.starts_with("nhi: cannot open registry postgres://nhi:***@db.invalid/nhi"), "{err}");
    assert!(!err.contains("Pw-9QX"));

    let out = nhi("sqlite::memory:", &["audit", "--owner-pattern", "("]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--owner-pattern"), "{}", text(&out.stderr));
    let out = nhi("sqlite::memory:", &["events", "--since", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("neither an RFC 3339 time nor a duration"), "{}", text(&out.stderr));
}

/// A role that must log in with a password (scripts/postgres.sh requires SCRAM for
/// `nhi_password_test`): the password comes from PGPASSWORD or the URL, and no message shows it.
#[test]
fn passwords_from_pgpassword_or_the_url_and_never_shown() {
    let admin_url = nhi_testkit::postgres::admin_url();
    let database = nhi_testkit::postgres::fresh_database("cli_password");
    let mut admin = postgres::Client::connect(&admin_url, postgres::NoTls).unwrap();
    admin
        .batch_execute(
            "DO $$ BEGIN CREATE ROLE nhi_password_test LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
             ALTER ROLE nhi_password_test PASSWORD 'Correct-Horse-7QZ';",
        )
        .unwrap();
    let name = database.rsplit('/').next().unwrap();
    admin.batch_execute(&format!("GRANT ALL ON DATABASE \"{name}\" TO nhi_password_test; ALTER DATABASE \"{name}\" OWNER TO nhi_password_test")).unwrap();
    let as_user = database.replacen("nhi_test@", "nhi_password_test@", 1);
    assert_ne!(as_user, database);
    let with_password = as_user.replacen("nhi_password_test@", "nhi_password_test:Correct-Horse-7QZ@", 1);
    seed(nhi_registry::open(&with_password).expect("a password in the URL").as_ref());

    let run = |url: &str, password: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_nhi"));
        cmd.args(["inventory", "--format", "json"]).env_clear().env("NHI_REGISTRY", url);
        if let Some(p) = password {
            cmd.env("PGPASSWORD", p);
        }
        cmd.output().unwrap()
    };
    let out = run(&as_user, Some("Correct-Horse-7QZ"));
    assert!(out.status.success(), "PGPASSWORD is used: {}", text(&out.stderr));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["service_accounts"].as_array().unwrap().len(),
        4
    );
    let out = run(&with_password, None);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = run(&as_user, Some("Wrong-Battery-9XY"));
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("password authentication failed"), "{err}");
    assert!(!err.contains("Wrong-Battery-9XY"), "{err}");
    let wrong_in_url = as_user.replacen("nhi_password_test@", "nhi_password_test:Wrong-Battery-9XY@", 1);
    let out = run(&wrong_in_url, None);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("nhi_password_test:***@") && !err.contains("Wrong-Battery-9XY"), "{err}");
    let out = run(&as_user, None);
    assert_eq!(out.status.code(), Some(2), "no password at all");
}

/// `nhi <args>` with `input` on standard input.
fn nhi_stdin(registry: &str, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_nhi"))
        .args(args)
        .env_clear()
        .env("NHI_REGISTRY", registry)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run nhi");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn at(seconds_from_now: i64) -> Change {
    Change { at: Timestamp::from_second(Timestamp::now().as_second() + seconds_from_now).unwrap(), ..change("seed/1") }
}

/// verify-key, verify-token, jwks and signing-key on a registry seeded through the library.
fn credential_commands(registry: &str) {
    use nhi_registry::{Credentials, NewApiKey, TokenRequest};
    let store = nhi_registry::open(registry).unwrap();
    let sa = store.create_service_account(&spec("exporter", "payments@example.com", 100, false), &at(0)).unwrap();
    let key = store
        .create_api_key(
            &NewApiKey {
                service_account_id: &sa.id,
                justification: "Vendor X",
                expires_at: days_from_now(30),
                rotate_every: None,
            },
            &at(0),
        )
        .unwrap();
    let secret = store.api_key_secret(&key.id).unwrap().unwrap();

    let out = nhi_stdin(registry, &["verify-key", "-"], &format!("{}\n", secret.expose()));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.starts_with(&format!("valid: API key {} ({})", key.id, key.handle)), "{shown}");
    assert!(!shown.contains(secret.expose()), "the key is never printed");
    let out = nhi(registry, &["verify-key", secret.expose(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (json["valid"].as_bool(), json["credential"]["service_account"].as_str()),
        (Some(true), Some("exporter"))
    );

    let mut typo = secret.expose().to_owned();
    typo.replace_range(20..21, if &typo[20..21] == "x" { "y" } else { "x" });
    let out = nhi(registry, &["verify-key", &typo]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "invalid: malformed: not an nhi API key: its checksum does not match (a character is wrong or missing)\n"
    );
    store.revoke_api_key(&key.id, Timestamp::now(), "destroyed", &at(0)).unwrap();
    let out = nhi(registry, &["verify-key", secret.expose(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("invalid: revoked at "), "{}", text(&out.stderr));
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["valid"], false);

    let scopes = vec!["invoices:read".to_owned()];
    let ttl = nhi_core::Ttl::parse("10m").unwrap();
    let req = TokenRequest { service_account_id: &sa.id, audience: "warehouse", scopes: &scopes, ttl, max_ttl: ttl };
    let minted = store.issue_token(&req, &at(0)).unwrap();
    let token = minted.token.expose();
    let out = nhi_stdin(registry, &["verify-token", "-", "--audience", "warehouse"], token);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("valid: token {}", minted.record.jti)), "{}", text(&out.stdout));
    let out = nhi(registry, &["verify-token", token, "--audience", "billing"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), "invalid: it is not meant for audience \"billing\"\n");

    // JWKS, and a rotation that keeps the old token verifying through the overlap.
    let out = nhi(registry, &["jwks"]);
    let jwks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(jwks["keys"][0]["kid"], minted.record.kid.as_str());
    let out = nhi(registry, &["signing-key", "rotate", "--overlap", "1h"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    assert!(listing.contains("signing") && listing.contains("verifies until"), "{listing}");
    let out = nhi(registry, &["jwks"]);
    let jwks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
    assert_eq!(nhi(registry, &["verify-token", token, "--audience", "warehouse"]).status.code(), Some(0));
    store.revoke_token(&minted.record.jti, &at(0)).unwrap();
    let out = nhi(registry, &["verify-token", token, "--audience", "warehouse"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("invalid: revoked at "), "{}", text(&out.stderr));
    let out = nhi(registry, &["verify-token", "not-a-token", "--audience", "warehouse"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("invalid: malformed: not a JWT"), "{}", text(&out.stderr));
}

/// The audit's credential findings, and the inventory's key filters.
fn audit_of_credentials(registry: &str) {
    use nhi_registry::{Credentials, NewApiKey, TokenRequest};
    let store = nhi_registry::open(registry).unwrap();
    let month_ago = at(-31 * 86_400);
    let mut ids = std::collections::BTreeMap::new();
    for (name, disabled) in [("rotating", false), ("quitter", false), ("fresh", false)] {
        ids.insert(
            name,
            store.create_service_account(&spec(name, "payments@example.com", 100, disabled), &month_ago).unwrap(),
        );
    }
    let key = |name: &str, rotate: Option<&str>, when: &Change| {
        let new = NewApiKey {
            service_account_id: &ids[name].id,
            justification: "Vendor X",
            expires_at: days_from_now(30),
            rotate_every: rotate.map(|r| nhi_core::Ttl::parse(r).unwrap()),
        };
        store.create_api_key(&new, when).unwrap()
    };
    key("rotating", Some("30d"), &month_ago);
    key("quitter", None, &month_ago);
    key("fresh", Some("30d"), &at(0));
    let scopes: Vec<String> = Vec::new();
    let ttl = nhi_core::Ttl::parse("1h").unwrap();
    let req =
        TokenRequest { service_account_id: &ids["quitter"].id, audience: "a", scopes: &scopes, ttl, max_ttl: ttl };
    store.issue_token(&req, &at(0)).unwrap();
    let quitter = &ids["quitter"];
    store
        .update_service_account(&quitter.id, &ServiceAccountSpec { disabled: true, ..quitter.spec.clone() }, &at(0))
        .unwrap();

    let out = nhi(registry, &["audit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["kind"].as_str().unwrap(), f["name"].as_str().unwrap()))
        .collect();
    assert_eq!(got, [("orphaned", "quitter"), ("rotation-overdue", "rotating"), ("tokens-of-expired", "quitter")]);
    assert!(report["findings"][0]["detail"].as_str().unwrap().contains("API keys are alive (nhik_"));

    let names = |args: &[&str]| -> Vec<String> {
        let out = nhi(registry, args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["service_accounts"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(
        names(&["inventory", "--format", "json", "--has-static-keys", "--include-disabled"]),
        ["fresh", "quitter", "rotating"]
    );
    assert_eq!(names(&["inventory", "--format", "json", "--rotation-overdue"]), ["rotating"]);
}

#[test]
fn credential_commands_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    credential_commands(&format!("sqlite://{}", dir.path().join("r.db").display()));
}

#[test]
fn credential_commands_on_postgres() {
    credential_commands(&nhi_testkit::postgres::fresh_database("cli_credentials"));
}

#[test]
fn audit_of_credentials_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    audit_of_credentials(&format!("sqlite://{}", dir.path().join("r.db").display()));
}

#[test]
fn audit_of_credentials_on_postgres() {
    audit_of_credentials(&nhi_testkit::postgres::fresh_database("cli_audit_credentials"));
}
