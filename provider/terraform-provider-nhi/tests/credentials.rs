//! End-to-end: tokens and API keys through real Terraform. A token issued during apply reaches
//! a `local-exec` provisioner and is verified by an independent JWT implementation (PyJWT)
//! against `data.nhi_jwks`; an API key's text reaches its consumer the same way and verifies
//! against the registry; neither is in state, plan files or logs. Refusals, rotation (with the
//! provider's test clock moved) and Terraform 1.0.3's refusal of API keys.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Env, days_from_now};
use nhi_core::Timestamp;
use nhi_registry::{Credentials, Rejection};
use nhi_testkit::Terraform;

const ACCOUNT: &str = r#"
provider "nhi" {
  policy {
    max_token_ttl = "1h"
  }
}

resource "nhi_service_account" "exporter" {
  name       = "billing-exporter"
  owner      = "payments@example.com"
  purpose    = "Exports invoices"
  expires_at = "EXPIRES"
  scopes     = ["invoices:read", "warehouse:write"]
  disabled   = DISABLED
}
"#;

fn account(expires_in_days: i64, disabled: bool) -> String {
    account_until(&days_from_now(expires_in_days), disabled)
}

fn account_until(expires_at: &str, disabled: bool) -> String {
    ACCOUNT.replace("EXPIRES", expires_at).replace("DISABLED", &disabled.to_string())
}

/// Every file Terraform left in the working directory that could hold a secret, as text:
/// state (and its backup), the log, and each member of every saved plan (a zip archive).
fn everything_terraform_wrote(dir: &Path) -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".tfplan") {
            let out = Command::new("python3")
                .args(["-c", "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nfor n in z.namelist(): sys.stdout.buffer.write(z.read(n))", path.to_str().unwrap()])
                .output()
                .expect("python3 reads the plan file");
            assert!(out.status.success(), "cannot unzip {name}: {}", String::from_utf8_lossy(&out.stderr));
            assert!(!out.stdout.is_empty(), "plan file {name} is empty");
            all.push_str(&String::from_utf8_lossy(&out.stdout));
        } else if name.starts_with("terraform.tfstate") || name.ends_with(".log") {
            all.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
        }
    }
    all
}

/// The base64url of the header every nhi token starts with (`{"typ":"JWT","alg":"EdDSA",…`).
const TOKEN_HEADER_START: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJFZERTQSIs";

#[test]
fn a_token_reaches_its_consumer_and_verifies_with_pyjwt() {
    let tf = Terraform::v1_15();
    let mut env = Env::new(&tf);
    let log = env.wd.path().join("terraform.log").display().to_string();
    env.wd.set_env("TF_LOG", "TRACE").set_env("TF_LOG_PATH", log);
    let wd = &env.wd;
    let consumer = |run: u32| {
        format!(
            r#"
ephemeral "nhi_token" "ci" {{
  service_account = nhi_service_account.exporter.id
  audience        = "warehouse"
  scopes          = ["warehouse:write"]
  ttl             = "10m"
}}

data "nhi_jwks" "issuer" {{
  depends_on = [nhi_service_account.exporter]
}}

resource "terraform_data" "consumer" {{
  triggers_replace = {run}
  provisioner "local-exec" {{
    command     = "printf '%s' \"$TOKEN\" > token-{run}.txt"
    environment = {{ TOKEN = ephemeral.nhi_token.ci.token }}
  }}
}}

output "jwks" {{
  value = data.nhi_jwks.issuer.json
}}

output "issuer" {{
  value = data.nhi_jwks.issuer.issuer
}}
"#
        )
    };
    wd.write("main.tf", account(200, false) + &consumer(1));
    wd.run_expect(&["plan", "-out=first.tfplan"], 0);
    wd.run_expect(&["apply", "first.tfplan"], 0);
    // A second run: now the account exists at plan time, so the plan phase opens a token of its own.
    wd.write("main.tf", account(200, false) + &consumer(2));
    wd.run_expect(&["plan", "-out=second.tfplan"], 0);
    wd.run_expect(&["apply", "second.tfplan"], 0);

    let outputs = wd.output_json();
    let jwks = outputs["jwks"]["value"].as_str().expect("jwks output").to_owned();
    let issuer = outputs["issuer"]["value"].as_str().expect("issuer output").to_owned();
    let store = env.store();
    let sa = store.find_service_account_by_name("billing-exporter").unwrap().expect("account");
    for run in [1, 2] {
        let token = std::fs::read_to_string(wd.path().join(format!("token-{run}.txt")))
            .expect("the provisioner wrote the token");
        assert!(token.starts_with(TOKEN_HEADER_START), "an nhi token: {}", &token[..20.min(token.len())]);

        // An independent implementation verifies signature, issuer, audience and times.
        let script = r#"
import json, sys, jwt
token, jwks, issuer = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
kid = jwt.get_unverified_header(token)["kid"]
key = next(jwt.PyJWK(k) for k in jwks["keys"] if k["kid"] == kid)
claims = jwt.decode(token, key=key.key, algorithms=["EdDSA"], audience="warehouse", issuer=issuer,
                    options={"require": ["exp", "iat", "nbf", "iss", "sub", "aud", "jti"]})
try:
    jwt.decode(token, key=key.key, algorithms=["EdDSA"], audience="billing", issuer=issuer)
    print("WRONG AUDIENCE ACCEPTED")
except jwt.InvalidAudienceError:
    pass
print(json.dumps(claims))
"#;
        let out =
            Command::new("python3").args(["-c", script, &token, &jwks, &issuer]).output().expect("python3 with PyJWT");
        assert!(
            out.status.success(),
            "PyJWT refused the token (install PyJWT with `pip install pyjwt[crypto]`; scripts/test.sh does): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!stdout.contains("WRONG AUDIENCE ACCEPTED"), "{stdout}");
        let claims: serde_json::Value = serde_json::from_str(stdout.trim()).expect("claims JSON");
        assert_eq!(claims["sub"], sa.id.as_str());
        assert_eq!(claims["aud"], "warehouse");
        assert_eq!(claims["scope"], "warehouse:write");
        assert_eq!(claims["iss"], issuer.as_str());
        assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 600, "ttl = 10m");
        let now = Timestamp::now().as_second();
        assert!(claims["exp"].as_i64().unwrap() > now, "not expired yet");

        // The registry recorded the issuance, and Terraform's Close revoked it after the run.
        let jti = claims["jti"].as_str().unwrap();
        let record = store.get_token(jti).unwrap().expect("issuance recorded");
        assert_eq!(
            (record.audience.as_str(), record.scopes.as_slice()),
            ("warehouse", ["warehouse:write".to_owned()].as_slice())
        );
        assert!(record.revoked_at.is_some(), "closed tokens are revoked");
        assert!(matches!(store.verify_token(&token, "warehouse", Timestamp::now()), Err(Rejection::Revoked(_))));

        let written = everything_terraform_wrote(wd.path());
        assert!(written.contains("billing-exporter"), "the search covers state and plans");
        assert!(!written.contains(&token), "token {run} found in state, a plan file or the log");
    }
    let written = everything_terraform_wrote(wd.path());
    assert!(!written.contains(TOKEN_HEADER_START), "some nhi token is in state, a plan file or the log");
    // Plan and apply of both runs each opened a token (the first plan could not: no account yet).
    let issued = store.tokens_of(&sa.id).unwrap();
    assert_eq!(issued.len(), 3, "{issued:?}");
    assert!(issued.iter().all(|t| t.revoked_at.is_some()));
}

#[test]
fn tokens_are_refused_on_the_attribute_at_fault() {
    let tf = Terraform::v1_15();
    let mut env = Env::new(&tf);
    let expires_at = days_from_now(2);
    let account = |disabled: bool| account_until(&expires_at, disabled);
    env.wd.write("main.tf", account(false));
    env.wd.apply();
    let token = |scopes: &str, ttl: &str| {
        format!(
            r#"
ephemeral "nhi_token" "ci" {{
  service_account = nhi_service_account.exporter.id
  audience        = "warehouse"
  scopes          = {scopes}
  ttl             = "{ttl}"
}}
"#
        )
    };
    let wd = &env.wd;
    wd.write("main.tf", account(false) + &token(r#"["warehouse:write"]"#, "15m"));
    wd.run_expect(&["plan"], 0);

    wd.write("main.tf", account(false) + &token(r#"["warehouse:write", "warehouse:admin"]"#, "15m"));
    wd.run_expect(&["plan"], 1)
        .assert_contains("Token refused")
        .assert_contains("\"warehouse:admin\" is not granted")
        .assert_contains(r#"scopes          = ["warehouse:write", "warehouse:admin"]"#);
    wd.write("main.tf", account(false) + &token(r#"["warehouse:write"]"#, "2h"));
    wd.run_expect(&["plan"], 1)
        .assert_contains("longer than policy.max_token_ttl (1h)")
        .assert_contains(r#"ttl             = "2h""#);

    // Three days on, the account has expired.
    env.wd.set_env("NHI_TEST_CLOCK_OFFSET", "3d");
    let wd = &env.wd;
    wd.write("main.tf", account(false) + &token(r#"["warehouse:write"]"#, "15m"));
    wd.run_expect(&["plan", "-refresh=false"], 1).assert_contains("expired at").assert_contains("gets no tokens");
    env.wd.remove_env("NHI_TEST_CLOCK_OFFSET");

    let wd = &env.wd;
    wd.write("main.tf", account(true));
    wd.apply();
    wd.write("main.tf", account(true) + &token(r#"["warehouse:write"]"#, "15m"));
    wd.run_expect(&["plan"], 1)
        .assert_contains("is disabled; a disabled account gets no")
        .assert_contains("service_account = nhi_service_account.exporter.id");
    let sa = env.store().find_service_account_by_name("billing-exporter").unwrap().unwrap();
    assert_eq!(env.store().tokens_of(&sa.id).unwrap().len(), 1, "only the first, valid request was issued");
}

const KEY: &str = r#"
resource "nhi_api_key" "vendor" {
  service_account = nhi_service_account.exporter.id
  justification   = "Vendor X supports only static keys (TICKET-123)"
  expires_at      = "KEY_EXPIRES"
  rotate_every    = "30d"
}

ephemeral "nhi_api_key_secret" "vendor" {
  api_key = nhi_api_key.vendor.id
}

resource "terraform_data" "consumer" {
  triggers_replace = nhi_api_key.vendor.id
  provisioner "local-exec" {
    command     = "printf '%s' \"$KEY\" > key-${nhi_api_key.vendor.prefix}.txt"
    environment = { KEY = ephemeral.nhi_api_key_secret.vendor.secret }
  }
}
"#;

fn key_config(key_expires: &str) -> String {
    account(200, false) + &KEY.replace("KEY_EXPIRES", key_expires)
}

fn state_key(env: &Env) -> (String, String) {
    let state = env.wd.state_json();
    let resources = state["values"]["root_module"]["resources"].as_array().unwrap().clone();
    let key = resources.iter().find(|r| r["type"] == "nhi_api_key").expect("key in state");
    (key["values"]["id"].as_str().unwrap().to_owned(), key["values"]["prefix"].as_str().unwrap().to_owned())
}

#[test]
fn an_api_key_reaches_its_consumer_rotates_with_an_overlap_and_dies_with_destroy() {
    let tf = Terraform::v1_15();
    let mut env = Env::new(&tf);
    let log = env.wd.path().join("terraform.log").display().to_string();
    env.wd.set_env("TF_LOG", "TRACE").set_env("TF_LOG_PATH", log);
    let key_expires = days_from_now(80);
    env.wd.write("main.tf", key_config(&key_expires));
    env.wd.run_expect(&["plan", "-out=create.tfplan"], 0);
    env.wd.run_expect(&["apply", "create.tfplan"], 0);
    let (id, prefix) = state_key(&env);
    assert!(id.starts_with("key-") && prefix.starts_with("nhik_") && prefix.len() == 13, "{id} {prefix}");
    let key = std::fs::read_to_string(env.wd.path().join(format!("key-{prefix}.txt"))).expect("consumer got the key");
    assert!(key.starts_with(&prefix) && key.len() == 64, "{prefix}");
    let store = env.store();
    let verified = store.verify_api_key(&key, Timestamp::now()).expect("the key verifies");
    // And so says `nhi verify-key`, built next to the provider (`cargo test --workspace` builds it).
    let nhi = common::provider_dir().join("nhi");
    assert!(nhi.is_file(), "{} is missing: build it with `cargo build -p nhi-cli`", nhi.display());
    let out = Command::new(&nhi).args(["--registry", &env.url, "verify-key", &key]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(&format!("valid: API key {id} ({prefix})")));
    assert_eq!((verified.id.as_str(), verified.service_account_name.as_str()), (id.as_str(), "billing-exporter"));
    env.wd.assert_plan_empty();

    // 31 days on, rotation is due: refresh notices, the plan replaces the key.
    env.wd.set_env("NHI_TEST_CLOCK_OFFSET", "31d");
    let plan = env.wd.run_expect(&["plan", "-out=rotate.tfplan"], 0);
    plan.assert_contains("API key rotation is due").assert_contains("must be replaced");
    env.wd.run_expect(&["apply", "rotate.tfplan"], 0);
    let (new_id, new_prefix) = state_key(&env);
    assert_ne!(new_id, id);
    let new_key =
        std::fs::read_to_string(env.wd.path().join(format!("key-{new_prefix}.txt"))).expect("consumer got the new key");
    let at = |days: i64, hours: i64| {
        Timestamp::from_second(Timestamp::now().as_second() + days * 86_400 + hours * 3_600).unwrap()
    };
    // The old key verifies through the 24h overlap, and not after.
    let inside = store.verify_api_key(&key, at(31, 23)).expect("old key inside the overlap");
    assert!(inside.revoke_at.is_some());
    assert!(matches!(store.verify_api_key(&key, at(32, 1)), Err(Rejection::RotatedOut(_))));
    assert!(store.verify_api_key(&new_key, at(32, 1)).is_ok());
    env.wd.assert_plan_empty();

    let written = everything_terraform_wrote(env.wd.path());
    assert!(written.contains(&new_prefix), "the search covers state and plans");
    for k in [&key, &new_key] {
        assert!(!written.contains(k.as_str()), "an API key is in state, a plan file or the log");
    }
    assert!(!written.contains(&key[..40]), "part of an API key is in state, a plan file or the log");

    // Destroying the key revokes it at once (destroying its account would delete it).
    env.wd.run_expect(&["destroy", "-auto-approve", "-target=nhi_api_key.vendor"], 0);
    let after = store.verify_api_key(&new_key, at(31, 1));
    assert!(matches!(after, Err(Rejection::Revoked(_))), "{after:?} {:?}", store.get_api_key(&new_id));
    let out = Command::new(&nhi)
        .args(["--registry", &env.url, "verify-key", "-"])
        .env("NHI_TEST_CLOCK_OFFSET", "31d1h")
        .stdin(std::fs::File::open(env.wd.path().join(format!("key-{new_prefix}.txt"))).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("invalid: revoked at "),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn api_keys_are_governed_at_plan_time() {
    let tf = Terraform::v1_15();
    let env = Env::new(&tf);
    env.wd.write("main.tf", key_config(&days_from_now(120)));
    env.wd
        .run_expect(&["plan"], 1)
        .assert_contains("The API key lifetime exceeds policy.static_key_max_lifetime")
        .assert_contains("expires_at");
    env.wd.write(
        "main.tf",
        key_config(&days_from_now(30)).replace("Vendor X supports only static keys (TICKET-123)", "  "),
    );
    env.wd.run_expect(&["plan"], 1).assert_contains("`justification` is blank");
}

#[test]
fn terraform_1_0_refuses_api_keys_and_keeps_service_accounts() {
    let tf = Terraform::v1_0();
    let env = Env::new(&tf);
    let key_only = KEY.split("ephemeral").next().unwrap().replace("KEY_EXPIRES", &days_from_now(30));
    env.wd.write("main.tf", account(200, false) + &key_only);
    env.wd
        .run_expect(&["plan"], 1)
        .assert_contains("nhi_api_key needs Terraform 1.11 or later")
        .assert_contains("would end up in state");
    assert!(!env.wd.path().join("terraform.tfstate").exists() || env.store().list_api_keys(None).unwrap().is_empty());
    env.wd.write("main.tf", account(200, false));
    env.wd.apply();
    assert!(env.store().find_service_account_by_name("billing-exporter").unwrap().is_some());
}

#[test]
fn the_credentials_example_runs_end_to_end() {
    let tf = Terraform::v1_15();
    let wd = nhi_testkit::Workdir::new(&tf, common::provider_dir());
    let example = nhi_testkit::workspace_root().join("examples/credentials/main.tf");
    wd.write("main.tf", std::fs::read_to_string(example).unwrap());
    let vars = [format!("account_expires_at={}", days_from_now(180)), format!("key_expires_at={}", days_from_now(60))];
    wd.run_expect(&["apply", "-auto-approve", "-var", &vars[0], "-var", &vars[1]], 0);
    let store = nhi_registry::open(&format!("sqlite://{}", wd.path().join("nhi-registry.db").display())).unwrap();
    let key = std::fs::read_to_string(wd.path().join("vendor-key.txt")).expect("the consumer got the key");
    assert_eq!(store.verify_api_key(&key, Timestamp::now()).unwrap().service_account_name, "billing-exporter");
    let token = std::fs::read_to_string(wd.path().join("token.txt")).expect("the job got the token");
    assert!(matches!(store.verify_token(&token, "warehouse", Timestamp::now()), Err(Rejection::Revoked(_))));
    let jwks: serde_json::Value =
        serde_json::from_str(wd.output_json()["jwks"]["value"].as_str().expect("jwks output")).unwrap();
    assert_eq!(jwks["keys"][0]["alg"], "EdDSA");
    let state = std::fs::read_to_string(wd.path().join("terraform.tfstate")).unwrap();
    assert!(!state.contains(&key) && !state.contains(&token));
    // A second plan changes nothing: neither credential makes the configuration drift.
    let plan = wd.run(&["plan", "-detailed-exitcode", "-var", &vars[0], "-var", &vars[1]]);
    assert_eq!(plan.code, 0, "{plan}");
}
