//! Two Terraform processes, each applying with parallelism 10, share one SQLite registry file:
//! no "database is locked", no lost record, one audit event per change.

mod common;

use common::{Env, days_from_now};
use nhi_registry::ServiceAccountFilter;
use nhi_testkit::Terraform;

const PER_PROCESS: usize = 25;

fn config(prefix: &str, expires_at: &str) -> String {
    format!(
        r#"
resource "nhi_service_account" "many" {{
  count      = {PER_PROCESS}
  name       = "{prefix}-${{count.index}}"
  owner      = "team-{prefix}@example.com"
  purpose    = "Concurrency test account ${{count.index}}"
  expires_at = "{expires_at}"
  labels     = {{ batch = "{prefix}" }}
}}
"#
    )
}

#[test]
fn two_terraform_processes_share_one_registry_file() {
    let tf = Terraform::v1_15();
    let a = Env::new(&tf);
    let mut b = Env::new(&tf);
    // Point the second working directory at the first one's registry file.
    b.wd.set_env("NHI_REGISTRY", format!("sqlite://{}", a.db.display()));
    let exp = days_from_now(90);
    a.wd.write("main.tf", config("alpha", &exp));
    b.wd.write("main.tf", config("beta", &exp));

    let args = ["apply", "-auto-approve", "-input=false", "-parallelism=10"];
    let (out_a, out_b) = std::thread::scope(|s| {
        let ha = s.spawn(|| a.wd.run(&args));
        let hb = s.spawn(|| b.wd.run(&args));
        (ha.join().unwrap(), hb.join().unwrap())
    });
    out_a.assert_success();
    out_b.assert_success();
    for out in [&out_a, &out_b] {
        assert!(!out.stdout.contains("locked") && !out.stderr.contains("locked"), "{out}");
        out.assert_contains(&format!("{PER_PROCESS} added"));
    }

    let store = a.store();
    let all =
        store.list_service_accounts(&ServiceAccountFilter { include_disabled: true, ..Default::default() }).unwrap();
    assert_eq!(all.len(), 2 * PER_PROCESS);
    for prefix in ["alpha", "beta"] {
        assert_eq!(
            all.iter().filter(|sa| sa.spec.labels.get("batch").map(String::as_str) == Some(prefix)).count(),
            PER_PROCESS
        );
    }
    let events = store.events(0, 1000).unwrap();
    assert_eq!(events.len(), 2 * PER_PROCESS, "one create event per account");

    // Both states agree with the registry: nothing to change on either side.
    a.wd.assert_plan_empty();
    b.wd.assert_plan_empty();

    // Concurrent destroys too.
    let args = ["destroy", "-auto-approve", "-input=false", "-parallelism=10"];
    std::thread::scope(|s| {
        let ha = s.spawn(|| a.wd.run(&args));
        let hb = s.spawn(|| b.wd.run(&args));
        ha.join().unwrap().assert_success();
        hb.join().unwrap().assert_success();
    });
    assert!(
        store
            .list_service_accounts(&ServiceAccountFilter { include_disabled: true, ..Default::default() })
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.events(0, 1000).unwrap().len(), 4 * PER_PROCESS);
}
