//! The backend-independent contract every [`Store`] must meet, written once and run against each
//! backend (SQLite file, SQLite in memory, and PostgreSQL next).
//!
//! Each case receives a fresh, empty store and panics on a breach. A backend's tests either call
//! [`run_all`] with a factory, or generate one `#[test]` per entry of [`CASES`]. Other crates get
//! this module with the `contract-tests` feature.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::{
    Actor, AuditEvent, Change, EventFilter, RegistryError, ServiceAccountFilter, ServiceAccountSpec, Store, Timestamp,
};

/// A contract case: its name and a check run against a fresh, empty store.
pub type Case = (&'static str, fn(&dyn Store));

/// Every case, in a stable order.
pub const CASES: &[Case] = &[
    ("create_then_get_and_find", create_then_get_and_find),
    ("create_assigns_id_and_timestamps", create_assigns_id_and_timestamps),
    ("create_refuses_a_taken_name", create_refuses_a_taken_name),
    ("update_replaces_the_spec_and_lists_changed_fields", update_replaces_the_spec_and_lists_changed_fields),
    ("update_without_changes_records_an_empty_change_list", update_without_changes_records_an_empty_change_list),
    ("rename_to_a_free_name", rename_to_a_free_name),
    ("rename_to_a_taken_name_is_refused", rename_to_a_taken_name_is_refused),
    ("update_of_a_missing_account_is_not_found", update_of_a_missing_account_is_not_found),
    ("delete_removes_and_records", delete_removes_and_records),
    ("list_is_sorted_by_name", list_is_sorted_by_name),
    ("list_filters", list_filters),
    ("events_are_ordered_and_paged", events_are_ordered_and_paged),
    ("timestamps_round_trip_exactly", timestamps_round_trip_exactly),
    ("labels_scopes_and_text_round_trip", labels_scopes_and_text_round_trip),
    ("concurrent_writers_lose_nothing", concurrent_writers_lose_nothing),
    ("versions_count_updates", versions_count_updates),
    ("a_stale_version_is_a_conflict_and_writes_nothing", a_stale_version_is_a_conflict_and_writes_nothing),
    ("concurrent_checked_updates_let_exactly_one_win", concurrent_checked_updates_let_exactly_one_win),
    ("list_filters_by_environment_labels_and_window", list_filters_by_environment_labels_and_window),
    ("events_filter_by_subject_and_time", events_filter_by_subject_and_time),
    ("tokens_are_issued_verified_and_revoked", tokens_are_issued_verified_and_revoked),
    ("token_requests_are_judged", token_requests_are_judged),
    ("signing_key_rotation_keeps_old_tokens_for_the_overlap", signing_key_rotation_keeps_old_tokens_for_the_overlap),
    ("api_keys_verify_until_revoked_or_expired", api_keys_verify_until_revoked_or_expired),
    ("list_filters_by_static_keys_and_rotation", list_filters_by_static_keys_and_rotation),
];

/// One `#[test]` per contract case in a module `$module`, each on a fresh store from `$make`,
/// an expression giving `(guard, store)`: the guard (a temporary directory, say) lives as long as
/// the test. Also checks that the list of cases here is the whole of [`CASES`].
#[macro_export]
#[doc(hidden)]
macro_rules! contract_tests {
    ($module:ident, $make:expr) => {
        $crate::contract_tests!(@cases $module, $make;
            create_then_get_and_find,
            create_assigns_id_and_timestamps,
            create_refuses_a_taken_name,
            update_replaces_the_spec_and_lists_changed_fields,
            update_without_changes_records_an_empty_change_list,
            rename_to_a_free_name,
            rename_to_a_taken_name_is_refused,
            update_of_a_missing_account_is_not_found,
            delete_removes_and_records,
            list_is_sorted_by_name,
            list_filters,
            events_are_ordered_and_paged,
            timestamps_round_trip_exactly,
            labels_scopes_and_text_round_trip,
            concurrent_writers_lose_nothing,
            versions_count_updates,
            a_stale_version_is_a_conflict_and_writes_nothing,
            concurrent_checked_updates_let_exactly_one_win,
            list_filters_by_environment_labels_and_window,
            events_filter_by_subject_and_time,
            tokens_are_issued_verified_and_revoked,
            token_requests_are_judged,
            signing_key_rotation_keeps_old_tokens_for_the_overlap,
            api_keys_verify_until_revoked_or_expired,
            list_filters_by_static_keys_and_rotation,
        );
    };
    (@cases $module:ident, $make:expr; $($case:ident),* $(,)?) => {
        mod $module {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[test]
                fn $case() {
                    let (_guard, store) = $make;
                    $crate::contract::$case(&store);
                }
            )*
            #[test]
            fn every_contract_case_runs_here() {
                let here = [$(stringify!($case)),*];
                let suite: Vec<&str> = $crate::contract::CASES.iter().map(|(name, _)| *name).collect();
                assert_eq!(here.as_slice(), suite.as_slice());
            }
        }
    };
}

/// Runs every case, each against a new store from `new_store`.
pub fn run_all(new_store: &dyn Fn() -> Arc<dyn Store>) {
    for (name, case) in CASES {
        let store = new_store();
        eprintln!("contract case {name} on {store:?}");
        case(store.as_ref());
    }
}

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap_or_else(|e| panic!("bad test timestamp {text:?}: {e}"))
}

fn change(at: &str) -> Change {
    Change {
        actor: Actor {
            client: "contract-tests/1".to_owned(),
            terraform_version: Some("1.11.0".to_owned()),
            operation: "apply".to_owned(),
        },
        at: ts(at),
    }
}

/// A complete, valid spec named `name`.
pub fn spec(name: &str) -> ServiceAccountSpec {
    ServiceAccountSpec {
        name: name.to_owned(),
        owner: "payments-team@example.com".to_owned(),
        purpose: "Exports invoices nightly to the warehouse".to_owned(),
        expires_at: ts("2027-03-01T00:00:00Z"),
        scopes: vec!["invoices:read".to_owned(), "warehouse:write".to_owned()],
        environment: Some("prod".to_owned()),
        labels: BTreeMap::from([("cost_center".to_owned(), "fin-42".to_owned())]),
        disabled: false,
    }
}

fn all_events(store: &dyn Store) -> Vec<AuditEvent> {
    store.events(0, usize::MAX).expect("events")
}

fn names(accounts: &[crate::ServiceAccount]) -> Vec<&str> {
    accounts.iter().map(|a| a.spec.name.as_str()).collect()
}

pub fn create_then_get_and_find(store: &dyn Store) {
    let created = store.create_service_account(&spec("billing-exporter"), &change("2026-01-01T10:00:00Z")).unwrap();
    assert_eq!(created.spec, spec("billing-exporter"));

    let got = store.get_service_account(&created.id).unwrap().expect("created account is found by id");
    assert_eq!(got, created);
    let found = store.find_service_account_by_name("billing-exporter").unwrap().expect("found by name");
    assert_eq!(found, created);

    assert_eq!(store.get_service_account("sa-00000000-0000-4000-8000-000000000000").unwrap(), None);
    assert_eq!(store.find_service_account_by_name("Billing-Exporter").unwrap(), None, "names are case-sensitive");
    assert_eq!(store.find_service_account_by_name("billing").unwrap(), None);

    let events = all_events(store);
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event.action, "service_account.create");
    assert_eq!(event.subject_id, created.id);
    assert_eq!(event.subject_name, "billing-exporter");
    assert_eq!(event.at, ts("2026-01-01T10:00:00Z"));
    assert_eq!(event.actor, change("2026-01-01T10:00:00Z").actor);
    assert!(event.details.starts_with('{'), "details is a JSON object: {}", event.details);
}

pub fn create_assigns_id_and_timestamps(store: &dyn Store) {
    let at = "2026-01-01T10:00:00.123456789Z";
    let a = store.create_service_account(&spec("a"), &change(at)).unwrap();
    let b = store.create_service_account(&spec("b"), &change(at)).unwrap();
    for account in [&a, &b] {
        let uuid = account.id.strip_prefix("sa-").unwrap_or_else(|| panic!("id {} lacks sa-", account.id));
        let groups: Vec<usize> = uuid.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12], "id {} is a hyphenated uuid", account.id);
        assert!(uuid.chars().all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)), "{}", account.id);
        assert_eq!(&uuid[14..15], "4", "id {} is a version 4 uuid", account.id);
        assert_eq!(account.created_at, ts(at));
        assert_eq!(account.updated_at, ts(at));
    }
    assert_ne!(a.id, b.id);
}

pub fn create_refuses_a_taken_name(store: &dyn Store) {
    let first = store.create_service_account(&spec("dup"), &change("2026-01-01T00:00:00Z")).unwrap();
    let mut other = spec("dup");
    other.owner = "someone-else@example.com".to_owned();
    match store.create_service_account(&other, &change("2026-01-02T00:00:00Z")) {
        Err(RegistryError::NameTaken { name, id }) => {
            assert_eq!(name, "dup");
            assert_eq!(id, first.id);
        }
        other => panic!("expected NameTaken, got {other:?}"),
    }
    assert_eq!(store.list_service_accounts(&ServiceAccountFilter::default()).unwrap(), vec![first]);
    assert_eq!(all_events(store).len(), 1, "a refused create writes no event");
}

pub fn update_replaces_the_spec_and_lists_changed_fields(store: &dyn Store) {
    let created = store.create_service_account(&spec("svc"), &change("2026-01-01T00:00:00Z")).unwrap();
    let mut new = spec("svc");
    new.owner = "platform@example.com".to_owned();
    new.expires_at = ts("2026-12-31T23:59:59.5Z");
    new.labels.insert("tier".to_owned(), "1".to_owned());
    new.environment = None;
    let updated = store.update_service_account(&created.id, &new, &change("2026-02-01T00:00:00Z")).unwrap();
    assert_eq!(updated.id, created.id);
    assert_eq!(updated.spec, new);
    assert_eq!(updated.created_at, created.created_at);
    assert_eq!(updated.updated_at, ts("2026-02-01T00:00:00Z"));
    assert_eq!(store.get_service_account(&created.id).unwrap(), Some(updated.clone()));

    let mut newer = new.clone();
    newer.purpose = "Something else".to_owned();
    newer.scopes.reverse();
    newer.disabled = true;
    store.update_service_account(&created.id, &newer, &change("2026-03-01T00:00:00Z")).unwrap();

    let events = all_events(store);
    assert_eq!(events.len(), 3);
    assert_eq!(events[1].action, "service_account.update");
    assert_eq!(events[1].subject_id, created.id);
    assert_eq!(events[1].at, ts("2026-02-01T00:00:00Z"));
    assert_eq!(changed(&events[1]), ["owner", "expires_at", "environment", "labels"]);
    assert_eq!(changed(&events[2]), ["purpose", "scopes", "disabled"]);
}

/// The `changed` list of an update event's details.
fn changed(event: &AuditEvent) -> Vec<String> {
    let details: serde_json::Value = serde_json::from_str(&event.details).expect("details is JSON");
    let list = details.get("changed").and_then(|c| c.as_array()).unwrap_or_else(|| panic!("{}", event.details));
    list.iter().map(|v| v.as_str().expect("field names are strings").to_owned()).collect()
}

pub fn update_without_changes_records_an_empty_change_list(store: &dyn Store) {
    let created = store.create_service_account(&spec("same"), &change("2026-01-01T00:00:00Z")).unwrap();
    let updated = store.update_service_account(&created.id, &spec("same"), &change("2026-01-05T00:00:00Z")).unwrap();
    assert_eq!(updated.updated_at, ts("2026-01-05T00:00:00Z"));
    let events = all_events(store);
    assert_eq!(events.len(), 2);
    assert!(changed(&events[1]).is_empty(), "{}", events[1].details);
}

pub fn rename_to_a_free_name(store: &dyn Store) {
    let created = store.create_service_account(&spec("old-name"), &change("2026-01-01T00:00:00Z")).unwrap();
    let renamed =
        store.update_service_account(&created.id, &spec("new-name"), &change("2026-01-02T00:00:00Z")).unwrap();
    assert_eq!(renamed.spec.name, "new-name");
    assert_eq!(store.find_service_account_by_name("old-name").unwrap(), None);
    assert_eq!(store.find_service_account_by_name("new-name").unwrap().map(|a| a.id), Some(created.id.clone()));
    let events = all_events(store);
    assert_eq!(events[1].subject_name, "new-name");
    assert_eq!(changed(&events[1]), ["name"]);
    // The old name is free again.
    store.create_service_account(&spec("old-name"), &change("2026-01-03T00:00:00Z")).unwrap();
}

pub fn rename_to_a_taken_name_is_refused(store: &dyn Store) {
    let a = store.create_service_account(&spec("a"), &change("2026-01-01T00:00:00Z")).unwrap();
    let b = store.create_service_account(&spec("b"), &change("2026-01-01T00:00:00Z")).unwrap();
    let mut to_b = spec("b");
    to_b.owner = "changed@example.com".to_owned();
    match store.update_service_account(&a.id, &to_b, &change("2026-01-02T00:00:00Z")) {
        Err(RegistryError::NameTaken { name, id }) => {
            assert_eq!(name, "b");
            assert_eq!(id, b.id);
        }
        other => panic!("expected NameTaken, got {other:?}"),
    }
    assert_eq!(store.get_service_account(&a.id).unwrap(), Some(a), "a refused update changes nothing");
    assert_eq!(all_events(store).len(), 2, "a refused update writes no event");
}

pub fn update_of_a_missing_account_is_not_found(store: &dyn Store) {
    let missing = "sa-00000000-0000-4000-8000-000000000000";
    match store.update_service_account(missing, &spec("x"), &change("2026-01-01T00:00:00Z")) {
        Err(RegistryError::NotFound { id }) => assert_eq!(id, missing),
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert_eq!(store.find_service_account_by_name("x").unwrap(), None);
    assert!(all_events(store).is_empty());
}

pub fn delete_removes_and_records(store: &dyn Store) {
    let keep = store.create_service_account(&spec("keep"), &change("2026-01-01T00:00:00Z")).unwrap();
    let gone = store.create_service_account(&spec("gone"), &change("2026-01-01T00:00:00Z")).unwrap();
    assert!(store.delete_service_account(&gone.id, &change("2026-01-02T00:00:00Z")).unwrap());
    assert_eq!(store.get_service_account(&gone.id).unwrap(), None);
    assert_eq!(store.find_service_account_by_name("gone").unwrap(), None);
    assert_eq!(store.get_service_account(&keep.id).unwrap(), Some(keep));

    assert!(!store.delete_service_account(&gone.id, &change("2026-01-03T00:00:00Z")).unwrap());
    let events = all_events(store);
    assert_eq!(events.len(), 3, "deleting a missing account writes no event");
    assert_eq!(events[2].action, "service_account.delete");
    assert_eq!(events[2].subject_id, gone.id);
    assert_eq!(events[2].subject_name, "gone");
    assert_eq!(events[2].at, ts("2026-01-02T00:00:00Z"));

    match store.update_service_account(&gone.id, &spec("gone"), &change("2026-01-04T00:00:00Z")) {
        Err(RegistryError::NotFound { .. }) => {}
        other => panic!("expected NotFound after delete, got {other:?}"),
    }
    let again = store.create_service_account(&spec("gone"), &change("2026-01-05T00:00:00Z")).unwrap();
    assert_ne!(again.id, gone.id, "ids are never reused");
}

pub fn list_is_sorted_by_name(store: &dyn Store) {
    for name in ["zeta", "alpha", "Beta", "mid-2", "mid-10", "_x"] {
        store.create_service_account(&spec(name), &change("2026-01-01T00:00:00Z")).unwrap();
    }
    let all = store.list_service_accounts(&ServiceAccountFilter::default()).unwrap();
    // Byte order, the same as Rust's `str` ordering.
    assert_eq!(names(&all), ["Beta", "_x", "alpha", "mid-10", "mid-2", "zeta"]);
}

pub fn list_filters(store: &dyn Store) {
    let at = change("2026-01-01T00:00:00Z");
    let make = |name: &str, owner: &str, expires: &str, disabled: bool| {
        let mut s = spec(name);
        s.owner = owner.to_owned();
        s.expires_at = ts(expires);
        s.disabled = disabled;
        store.create_service_account(&s, &at).unwrap()
    };
    make("a-soon", "team-a@example.com", "2026-02-01T00:00:00Z", false);
    make("a-late", "team-a@example.com", "2027-02-01T00:00:00Z", false);
    make("b-soon-off", "team-b@example.com", "2026-02-01T00:00:00Z", true);
    make("b-edge", "team-b@example.com", "2026-03-01T12:00:00.5Z", false);
    make("b-before-edge", "team-b@example.com", "2026-03-01T11:59:59.999999999Z", false);

    let list = |filter: ServiceAccountFilter| names(&store.list_service_accounts(&filter).unwrap()).join(",");
    assert_eq!(list(ServiceAccountFilter::default()), "a-late,a-soon,b-before-edge,b-edge");
    assert_eq!(
        list(ServiceAccountFilter { include_disabled: true, ..Default::default() }),
        "a-late,a-soon,b-before-edge,b-edge,b-soon-off"
    );
    let owner = |o: &str| Some(o.to_owned());
    assert_eq!(
        list(ServiceAccountFilter { owner: owner("team-a@example.com"), ..Default::default() }),
        "a-late,a-soon"
    );
    assert_eq!(
        list(ServiceAccountFilter { owner: owner("team-b@example.com"), include_disabled: true, ..Default::default() }),
        "b-before-edge,b-edge,b-soon-off"
    );
    assert_eq!(list(ServiceAccountFilter { owner: owner("team-a"), ..Default::default() }), "");

    let before = |t: &str| Some(ts(t));
    // Inclusive bound, exact to the nanosecond, whatever the number of fractional digits.
    assert_eq!(
        list(ServiceAccountFilter { expiring_before: before("2026-03-01T12:00:00.5Z"), ..Default::default() }),
        "a-soon,b-before-edge,b-edge"
    );
    assert_eq!(
        list(ServiceAccountFilter { expiring_before: before("2026-03-01T12:00:00Z"), ..Default::default() }),
        "a-soon,b-before-edge"
    );
    assert_eq!(
        list(ServiceAccountFilter { expiring_before: before("2026-03-01T11:59:59.999999998Z"), ..Default::default() }),
        "a-soon"
    );
    assert_eq!(
        list(ServiceAccountFilter {
            expiring_before: before("2026-02-01T00:00:00Z"),
            owner: owner("team-b@example.com"),
            include_disabled: true,
            ..Default::default()
        }),
        "b-soon-off"
    );
    assert_eq!(
        list(ServiceAccountFilter { expiring_before: before("2025-01-01T00:00:00Z"), ..Default::default() }),
        ""
    );
}

pub fn events_are_ordered_and_paged(store: &dyn Store) {
    assert!(all_events(store).is_empty());
    let mut tf_less = change("2026-01-01T00:00:01Z");
    tf_less.actor =
        Actor { client: "nhi-cli/0.1.0".to_owned(), terraform_version: None, operation: "import".to_owned() };
    let a = store.create_service_account(&spec("a"), &tf_less).unwrap();
    let b = store.create_service_account(&spec("b"), &change("2026-01-01T00:00:02Z")).unwrap();
    store.update_service_account(&a.id, &spec("a2"), &change("2026-01-01T00:00:03Z")).unwrap();
    store.delete_service_account(&b.id, &change("2026-01-01T00:00:04Z")).unwrap();
    store.create_service_account(&spec("c"), &change("2026-01-01T00:00:05Z")).unwrap();

    let events = all_events(store);
    let summary: Vec<(&str, &str)> = events.iter().map(|e| (e.action.as_str(), e.subject_name.as_str())).collect();
    assert_eq!(
        summary,
        [
            ("service_account.create", "a"),
            ("service_account.create", "b"),
            ("service_account.update", "a2"),
            ("service_account.delete", "b"),
            ("service_account.create", "c"),
        ]
    );
    assert!(events.windows(2).all(|w| w[0].seq < w[1].seq), "seq increases: {events:?}");
    assert!(events[0].seq > 0);
    assert_eq!(events[0].actor, tf_less.actor);
    assert_eq!(events[1].actor.terraform_version.as_deref(), Some("1.11.0"));

    let seqs =
        |after: i64, limit: usize| -> Vec<i64> { store.events(after, limit).unwrap().iter().map(|e| e.seq).collect() };
    let all: Vec<i64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs(0, 2), all[..2]);
    assert_eq!(seqs(all[1], 2), all[2..4]);
    assert_eq!(seqs(all[3], 10), all[4..]);
    assert_eq!(seqs(all[4], 10), Vec::<i64>::new());
    assert_eq!(seqs(0, 0), Vec::<i64>::new());
    assert_eq!(seqs(-1, 100), all);
    assert_eq!(store.events(all[1], 1).unwrap(), events[2..3]);
}

pub fn timestamps_round_trip_exactly(store: &dyn Store) {
    let cases = [
        ("2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z"),
        ("2026-01-01T00:00:00.000000001Z", "2026-06-01T00:00:00.999999999Z"),
        ("2026-07-04T12:34:56.5Z", "2099-12-31T23:59:59.123Z"),
        ("1970-01-01T00:00:00Z", "9999-12-30T21:59:59.999999999Z"),
    ];
    for (i, (at, expires)) in cases.iter().enumerate() {
        let mut s = spec(&format!("t{i}"));
        s.expires_at = ts(expires);
        let created = store.create_service_account(&s, &change(at)).unwrap();
        let stored = store.get_service_account(&created.id).unwrap().unwrap();
        assert_eq!(stored.spec.expires_at, ts(expires));
        assert_eq!(stored.created_at, ts(at));
        assert_eq!(stored.updated_at, ts(at));
        let later = ts(at).checked_add(jiff_nanos(7)).unwrap();
        let change_later = Change { at: later, ..change(at) };
        let updated = store.update_service_account(&created.id, &s, &change_later).unwrap();
        assert_eq!(store.get_service_account(&created.id).unwrap(), Some(updated));
        assert_eq!(store.get_service_account(&created.id).unwrap().unwrap().updated_at, later);
        let last = store.events(0, usize::MAX).unwrap().pop().unwrap();
        assert_eq!(last.at, later);
    }
    // A timestamp given with an offset is the same instant.
    let created = store.create_service_account(&spec("offset"), &change("2026-01-01T02:00:00+02:00")).unwrap();
    assert_eq!(store.get_service_account(&created.id).unwrap().unwrap().created_at, ts("2026-01-01T00:00:00Z"));
}

fn jiff_nanos(n: u64) -> std::time::Duration {
    std::time::Duration::from_nanos(n)
}

pub fn labels_scopes_and_text_round_trip(store: &dyn Store) {
    let mut rich = spec("rich");
    rich.scopes = vec!["z:write".to_owned(), "a:read".to_owned(), "a:read".to_owned(), "ünïcødé:*".to_owned()];
    rich.labels = BTreeMap::from([
        ("".to_owned(), "empty key".to_owned()),
        ("quote\"key".to_owned(), "back\\slash".to_owned()),
        ("multi".to_owned(), "line\nvalue\t".to_owned()),
        ("emoji".to_owned(), "🔑".to_owned()),
        ("empty".to_owned(), String::new()),
    ]);
    rich.purpose = "It's a 'quoted' purpose; DROP TABLE service_accounts; --".to_owned();
    rich.environment = Some(String::new());
    let created = store.create_service_account(&rich, &change("2026-01-01T00:00:00Z")).unwrap();
    assert_eq!(store.get_service_account(&created.id).unwrap().unwrap().spec, rich);

    let mut bare = spec("bare");
    bare.scopes = Vec::new();
    bare.labels = BTreeMap::new();
    bare.environment = None;
    let created = store.create_service_account(&bare, &change("2026-01-01T00:00:00Z")).unwrap();
    assert_eq!(store.find_service_account_by_name("bare").unwrap().unwrap().spec, bare);
    assert_eq!(store.get_service_account(&created.id).unwrap().unwrap().spec.environment, None);
}

/// 10 threads write at once: each creates its own account and updates it `ROUNDS` times
/// (the last write must win), and each also updates one shared account. Every call must succeed,
/// and the number of events must equal the number of successful writes.
pub fn concurrent_writers_lose_nothing(store: &dyn Store) {
    const THREADS: usize = 10;
    const ROUNDS: usize = 20;
    let shared = store.create_service_account(&spec("shared"), &change("2026-01-01T00:00:00Z")).unwrap();
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let shared = &shared;
            scope.spawn(move || {
                let name = format!("worker-{t:02}");
                let mut own_spec = spec(&name);
                let own = store.create_service_account(&own_spec, &change("2026-01-01T00:00:01Z")).unwrap();
                for round in 0..ROUNDS {
                    own_spec.labels.insert("round".to_owned(), round.to_string());
                    let updated = store.update_service_account(&own.id, &own_spec, &change("2026-01-01T00:00:02Z"));
                    assert_eq!(updated.unwrap().spec, own_spec);

                    // The instant encodes the writer, so the row can be matched with its event.
                    let mut shared_spec = spec("shared");
                    let write_no = (t * ROUNDS + round) as u64;
                    shared_spec.labels.insert("last_writer".to_owned(), write_no.to_string());
                    let at = ts("2026-01-01T00:00:03Z").checked_add(jiff_nanos(write_no)).unwrap();
                    store
                        .update_service_account(
                            &shared.id,
                            &shared_spec,
                            &Change { at, ..change("2026-01-01T00:00:03Z") },
                        )
                        .unwrap();
                    assert!(store.get_service_account(&own.id).unwrap().is_some());
                }
            });
        }
    });

    let all = store.list_service_accounts(&ServiceAccountFilter::default()).unwrap();
    assert_eq!(all.len(), THREADS + 1);
    for account in all.iter().filter(|a| a.spec.name.starts_with("worker-")) {
        assert_eq!(
            account.spec.labels.get("round").map(String::as_str),
            Some((ROUNDS - 1).to_string().as_str()),
            "the last update of {} was lost",
            account.spec.name
        );
    }
    let events = all_events(store);
    assert_eq!(events.len(), 1 + THREADS * (1 + 2 * ROUNDS), "one event per successful write");
    assert!(events.windows(2).all(|w| w[0].seq < w[1].seq));
    let shared_updates = events.iter().filter(|e| e.subject_id == shared.id && e.action.ends_with(".update")).count();
    assert_eq!(shared_updates, THREADS * ROUNDS);
    let last_shared = events.iter().rev().find(|e| e.subject_id == shared.id).unwrap();
    let final_shared = store.get_service_account(&shared.id).unwrap().unwrap();
    // The row holds exactly what the last committed update wrote.
    assert_eq!(final_shared.updated_at, last_shared.at);
    let write_no = last_shared.at.as_nanosecond() - ts("2026-01-01T00:00:03Z").as_nanosecond();
    assert_eq!(final_shared.spec.labels.get("last_writer"), Some(&write_no.to_string()));
}

pub fn versions_count_updates(store: &dyn Store) {
    let created = store.create_service_account(&spec("counted"), &change("2026-01-01T00:00:00Z")).unwrap();
    assert_eq!(created.version, 1);
    assert_eq!(store.get_service_account(&created.id).unwrap().unwrap().version, 1);
    let mut next = spec("counted");
    for expected in 2..=4 {
        next.purpose = format!("Purpose number {expected}");
        let updated = store.update_service_account(&created.id, &next, &change("2026-01-01T00:00:01Z")).unwrap();
        assert_eq!(updated.version, expected);
        assert_eq!(store.get_service_account(&created.id).unwrap().unwrap().version, expected);
    }
    let checked =
        store.update_service_account_at(&created.id, Some(4), &spec("counted"), &change("2026-01-01T00:00:02Z"));
    assert_eq!(checked.unwrap().version, 5, "a checked update at the current version succeeds");
    let listed = store.list_service_accounts(&ServiceAccountFilter::default()).unwrap();
    assert_eq!(listed[0].version, 5);
}

pub fn a_stale_version_is_a_conflict_and_writes_nothing(store: &dyn Store) {
    let created = store.create_service_account(&spec("contested"), &change("2026-01-01T00:00:00Z")).unwrap();
    let mut theirs = spec("contested");
    theirs.owner = "platform@example.com".to_owned();
    let mut actor_change = change("2026-01-02T00:00:00Z");
    actor_change.actor.client = "someone-else/2".to_owned();
    let after_theirs = store.update_service_account_at(&created.id, Some(1), &theirs, &actor_change).unwrap();
    assert_eq!(after_theirs.version, 2);
    let events_before = all_events(store).len();

    let mut mine = spec("contested");
    mine.owner = "payments@example.com".to_owned();
    match store.update_service_account_at(&created.id, Some(1), &mine, &change("2026-01-03T00:00:00Z")) {
        Err(RegistryError::Conflict { id, expected, found, updated_at, updated_by }) => {
            assert_eq!(id, created.id);
            assert_eq!((expected, found), (1, 2));
            assert_eq!(updated_at, ts("2026-01-02T00:00:00Z"));
            assert!(updated_by.contains("someone-else/2"), "names the last writer: {updated_by}");
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(store.get_service_account(&created.id).unwrap(), Some(after_theirs), "nothing overwritten");
    assert_eq!(all_events(store).len(), events_before, "no event for a refused write");
    let message = store
        .update_service_account_at(&created.id, Some(7), &mine, &change("2026-01-03T00:00:00Z"))
        .unwrap_err()
        .to_string();
    assert!(message.contains("expected version 7") && message.contains("version 2"), "{message}");
    assert!(matches!(
        store.update_service_account_at(
            "sa-00000000-0000-4000-8000-000000000000",
            Some(1),
            &mine,
            &change("2026-01-03T00:00:00Z")
        ),
        Err(RegistryError::NotFound { .. })
    ));
}

pub fn concurrent_checked_updates_let_exactly_one_win(store: &dyn Store) {
    const WRITERS: usize = 8;
    let created = store.create_service_account(&spec("raced"), &change("2026-01-01T00:00:00Z")).unwrap();
    let barrier = std::sync::Barrier::new(WRITERS);
    let outcomes: Vec<Result<crate::ServiceAccount, RegistryError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (barrier, id) = (&barrier, &created.id);
                scope.spawn(move || {
                    let mut mine = spec("raced");
                    mine.owner = format!("writer-{w}@example.com");
                    barrier.wait();
                    store.update_service_account_at(id, Some(1), &mine, &change("2026-01-02T00:00:00Z"))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let winners: Vec<&crate::ServiceAccount> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
    assert_eq!(winners.len(), 1, "exactly one writer at version 1 wins: {outcomes:?}");
    for lost in outcomes.iter().filter_map(|o| o.as_ref().err()) {
        assert!(matches!(lost, RegistryError::Conflict { expected: 1, found: 2, .. }), "{lost:?}");
    }
    let stored = store.get_service_account(&created.id).unwrap().unwrap();
    assert_eq!(&stored, winners[0]);
    assert_eq!(stored.version, 2);
    let updates = all_events(store).iter().filter(|e| e.action.ends_with(".update")).count();
    assert_eq!(updates, 1);
}

pub fn list_filters_by_environment_labels_and_window(store: &dyn Store) {
    let add = |name: &str, env: Option<&str>, labels: &[(&str, &str)], expires: &str| {
        let mut s = spec(name);
        s.environment = env.map(str::to_owned);
        s.labels = labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        s.expires_at = ts(expires);
        store.create_service_account(&s, &change("2026-01-01T00:00:00Z")).unwrap();
    };
    add("prod-a", Some("prod"), &[("team", "pay"), ("tier", "1")], "2026-02-01T00:00:00Z");
    add("prod-b", Some("prod"), &[("team", "pay")], "2026-03-01T00:00:00Z");
    add("stage-a", Some("stage"), &[("team", "pay"), ("tier", "1")], "2026-04-01T00:00:00Z");
    add("none", None, &[("team", "ops"), ("odd\"key", "v'1")], "2026-05-01T00:00:00Z");

    let list = |filter: ServiceAccountFilter| names(&store.list_service_accounts(&filter).unwrap()).join(",");
    let env = |e: &str| Some(e.to_owned());
    let labels = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    };
    assert_eq!(list(ServiceAccountFilter { environment: env("prod"), ..Default::default() }), "prod-a,prod-b");
    assert_eq!(list(ServiceAccountFilter { environment: env("dev"), ..Default::default() }), "");
    assert_eq!(
        list(ServiceAccountFilter { labels: labels(&[("team", "pay")]), ..Default::default() }),
        "prod-a,prod-b,stage-a"
    );
    assert_eq!(
        list(ServiceAccountFilter { labels: labels(&[("team", "pay"), ("tier", "1")]), ..Default::default() }),
        "prod-a,stage-a",
        "every label must match"
    );
    assert_eq!(list(ServiceAccountFilter { labels: labels(&[("tier", "2")]), ..Default::default() }), "");
    assert_eq!(list(ServiceAccountFilter { labels: labels(&[("odd\"key", "v'1")]), ..Default::default() }), "none");
    assert_eq!(
        list(ServiceAccountFilter { labels: labels(&[("team", "PAY")]), ..Default::default() }),
        "",
        "values are exact"
    );
    assert_eq!(
        list(ServiceAccountFilter {
            expiring_after: Some(ts("2026-02-01T00:00:00Z")),
            expiring_before: Some(ts("2026-04-01T00:00:00Z")),
            ..Default::default()
        }),
        "prod-b,stage-a",
        "after is exclusive, before inclusive"
    );
    assert_eq!(
        list(ServiceAccountFilter {
            environment: env("prod"),
            labels: labels(&[("tier", "1")]),
            expiring_after: Some(ts("2026-01-01T00:00:00Z")),
            ..Default::default()
        }),
        "prod-a"
    );
}

pub fn events_filter_by_subject_and_time(store: &dyn Store) {
    let a = store.create_service_account(&spec("alpha"), &change("2026-01-01T00:00:00Z")).unwrap();
    let b = store.create_service_account(&spec("beta"), &change("2026-01-02T00:00:00Z")).unwrap();
    store.update_service_account(&a.id, &spec("alpha"), &change("2026-01-03T00:00:00Z")).unwrap();
    store.update_service_account(&b.id, &spec("beta"), &change("2026-01-04T00:00:00Z")).unwrap();
    store.delete_service_account(&a.id, &change("2026-01-05T00:00:00.5Z")).unwrap();

    let matching = |filter: EventFilter| -> Vec<(String, String)> {
        store
            .events_matching(&filter)
            .unwrap()
            .into_iter()
            .map(|e| (e.subject_name, e.action.trim_start_matches("service_account.").to_owned()))
            .collect()
    };
    let pairs = |items: &[(&str, &str)]| -> Vec<(String, String)> {
        items.iter().map(|(n, a)| ((*n).to_owned(), (*a).to_owned())).collect()
    };
    assert_eq!(
        matching(EventFilter { subject_id: Some(a.id.clone()), ..Default::default() }),
        pairs(&[("alpha", "create"), ("alpha", "update"), ("alpha", "delete")])
    );
    assert_eq!(
        matching(EventFilter { subject_name: Some("alpha".to_owned()), ..Default::default() }),
        pairs(&[("alpha", "create"), ("alpha", "update"), ("alpha", "delete")]),
        "found by name after the account is gone"
    );
    assert_eq!(
        matching(EventFilter {
            since: Some(ts("2026-01-02T00:00:00Z")),
            until: Some(ts("2026-01-04T00:00:00Z")),
            ..Default::default()
        }),
        pairs(&[("beta", "create"), ("alpha", "update")]),
        "since is inclusive, until exclusive"
    );
    assert_eq!(
        matching(EventFilter { since: Some(ts("2026-01-05T00:00:00.5Z")), ..Default::default() }),
        pairs(&[("alpha", "delete")])
    );
    assert_eq!(matching(EventFilter { subject_name: Some("gamma".to_owned()), ..Default::default() }), pairs(&[]));
    // Paging with a filter: the limit counts matching events only.
    let first = store.events_matching(&EventFilter { subject_id: Some(b.id.clone()), limit: 1, ..Default::default() });
    let first = first.unwrap();
    assert_eq!(first.len(), 1);
    let rest = store
        .events_matching(&EventFilter { subject_id: Some(b.id.clone()), after_seq: first[0].seq, ..Default::default() })
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].action, "service_account.update");
}

// ---------------------------------------------------------------- credentials

use crate::credentials::{Credentials, NewApiKey, Rejection, TokenRefusal, TokenRequest};
use nhi_core::Ttl;

fn ttl(text: &str) -> Ttl {
    Ttl::parse(text).unwrap_or_else(|e| panic!("bad test ttl {text:?}: {e}"))
}

fn token_request<'a>(id: &'a str, scopes: &'a [String], ttl_text: &str) -> TokenRequest<'a> {
    TokenRequest { service_account_id: id, audience: "warehouse", scopes, ttl: ttl(ttl_text), max_ttl: ttl("1h") }
}

/// Every stored text and byte string of the credential tables, to search for secrets.
fn stored_cells(store: &dyn Store) -> Vec<Vec<u8>> {
    let mut cells = Vec::new();
    store
        .with_sql(crate::sql::Access::Read, &mut |sql| {
            for table in ["api_keys", "issued_tokens", "audit_events", "registry_secrets", "signing_keys"] {
                for row in sql.query(&format!("SELECT * FROM {table}"), &[])? {
                    for cell in row.0 {
                        match cell {
                            crate::sql::Cell::Text(t) => cells.push(t.into_bytes()),
                            crate::sql::Cell::Blob(b) => cells.push(b),
                            _ => {}
                        }
                    }
                }
            }
            Ok(())
        })
        .expect("read credential tables");
    cells
}

pub fn tokens_are_issued_verified_and_revoked(store: &dyn Store) {
    let sa = store.create_service_account(&spec("exporter"), &change("2026-06-01T00:00:00Z")).unwrap();
    let scopes = vec!["warehouse:write".to_owned()];
    let minted = store.issue_token(&token_request(&sa.id, &scopes, "15m"), &change("2026-06-01T10:00:00Z")).unwrap();
    let token = minted.token.expose();
    assert!(!format!("{minted:?}").contains(token), "Debug shows no token");
    assert_eq!(minted.record.expires_at, ts("2026-06-01T10:15:00Z"));
    let jwks = store.jwks(&change("2026-06-01T10:00:01Z")).unwrap();
    assert_eq!(jwks.keys.len(), 1);
    assert_eq!(jwks.keys[0].kid, minted.record.kid);
    assert_eq!(jwks.document()["keys"][0]["crv"], "Ed25519");

    let ok = store.verify_token(token, "warehouse", ts("2026-06-01T10:05:00Z")).unwrap();
    assert_eq!((ok.service_account_id.as_str(), ok.scopes.as_slice()), (sa.id.as_str(), scopes.as_slice()));
    assert_eq!(ok.service_account_name, "exporter");
    assert!(matches!(store.verify_token(token, "billing", ts("2026-06-01T10:05:00Z")), Err(Rejection::Invalid(_))));
    assert!(matches!(store.verify_token(token, "warehouse", ts("2026-06-01T10:15:00Z")), Err(Rejection::Expired(_))));
    assert!(matches!(
        store.verify_token("abc.def", "warehouse", ts("2026-06-01T10:05:00Z")),
        Err(Rejection::Malformed(_))
    ));
    let mut tampered = token.to_owned();
    tampered.pop();
    tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
    assert!(store.verify_token(&tampered, "warehouse", ts("2026-06-01T10:05:00Z")).is_err());

    assert!(store.revoke_token(&minted.record.jti, &change("2026-06-01T10:06:00Z")).unwrap());
    assert!(!store.revoke_token(&minted.record.jti, &change("2026-06-01T10:07:00Z")).unwrap(), "once only");
    match store.verify_token(token, "warehouse", ts("2026-06-01T10:08:00Z")) {
        Err(Rejection::Revoked(at)) => assert_eq!(at, ts("2026-06-01T10:06:00Z")),
        other => panic!("expected revoked, got {other:?}"),
    }
    let record = store.get_token(&minted.record.jti).unwrap().unwrap();
    assert_eq!(record.revoked_at, Some(ts("2026-06-01T10:06:00Z")));
    assert_eq!(record.operation, "apply");
    assert_eq!(store.tokens_of(&sa.id).unwrap(), vec![record]);
    let actions: Vec<String> = all_events(store).into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["service_account.create", "signing_key.create", "token.issue", "token.revoke"]);
    assert!(stored_cells(store).iter().all(|c| !String::from_utf8_lossy(c).contains(token)), "token stored");

    // A token of an account disabled later stops verifying.
    let minted = store.issue_token(&token_request(&sa.id, &scopes, "15m"), &change("2026-06-01T11:00:00Z")).unwrap();
    let live: Vec<String> = store.live_tokens(ts("2026-06-01T11:05:00Z")).unwrap().into_iter().map(|t| t.jti).collect();
    assert_eq!(live, std::slice::from_ref(&minted.record.jti), "the revoked token is not live");
    assert!(store.live_tokens(ts("2026-06-01T11:15:00Z")).unwrap().is_empty(), "expired tokens are not live");
    let mut disabled = sa.spec.clone();
    disabled.disabled = true;
    store.update_service_account(&sa.id, &disabled, &change("2026-06-01T11:01:00Z")).unwrap();
    assert!(matches!(
        store.verify_token(minted.token.expose(), "warehouse", ts("2026-06-01T11:02:00Z")),
        Err(Rejection::AccountDisabled(_))
    ));
}

pub fn token_requests_are_judged(store: &dyn Store) {
    let sa = store.create_service_account(&spec("exporter"), &change("2026-06-01T00:00:00Z")).unwrap();
    let at = change("2026-06-01T10:00:00Z");
    let granted = vec!["warehouse:write".to_owned()];
    let escalated = vec!["warehouse:write".to_owned(), "warehouse:admin".to_owned()];
    let refusal = |req: TokenRequest<'_>, at: &Change| store.issue_token(&req, at).unwrap_err();

    let e = refusal(token_request(&sa.id, &escalated, "15m"), &at);
    assert!(matches!(e, TokenRefusal::ScopeNotGranted { ref scope, .. } if scope == "warehouse:admin"), "{e}");
    assert_eq!((e.field(), e.scope_index(&escalated)), (Some("scopes"), Some(1)));
    let e = refusal(token_request(&sa.id, &granted, "2h"), &at);
    assert!(matches!(e, TokenRefusal::TtlOverPolicy { .. }) && e.field() == Some("ttl"), "{e}");
    let late = change("2027-02-28T23:50:00Z");
    let e = refusal(token_request(&sa.id, &granted, "15m"), &late);
    assert!(matches!(e, TokenRefusal::OutlivesAccount { .. }) && e.field() == Some("ttl"), "{e}");
    let e = refusal(token_request(&sa.id, &granted, "15m"), &change("2027-03-02T00:00:00Z"));
    assert!(matches!(e, TokenRefusal::AccountExpired { .. }) && e.field() == Some("service_account"), "{e}");
    let e = refusal(token_request("sa-missing", &granted, "15m"), &at);
    assert!(matches!(e, TokenRefusal::AccountNotFound { .. }), "{e}");
    let mut req = token_request(&sa.id, &granted, "15m");
    req.audience = " ";
    assert!(matches!(refusal(req, &at), TokenRefusal::BlankAudience));
    let mut disabled = sa.spec.clone();
    disabled.disabled = true;
    store.update_service_account(&sa.id, &disabled, &at).unwrap();
    let e = refusal(token_request(&sa.id, &granted, "15m"), &at);
    assert!(matches!(e, TokenRefusal::AccountDisabled { .. }), "{e}");
    assert!(store.tokens_of(&sa.id).unwrap().is_empty(), "nothing issued, nothing recorded");
}

pub fn signing_key_rotation_keeps_old_tokens_for_the_overlap(store: &dyn Store) {
    let sa = store.create_service_account(&spec("exporter"), &change("2026-06-01T00:00:00Z")).unwrap();
    let scopes: Vec<String> = Vec::new();
    let mut req = token_request(&sa.id, &scopes, "2h");
    req.max_ttl = ttl("3h");
    let old = store.issue_token(&req, &change("2026-06-01T10:00:00Z")).unwrap();
    let new_key = store.rotate_signing_key(ttl("1h"), &change("2026-06-01T10:01:00Z")).unwrap();
    assert_ne!(new_key.kid, old.record.kid);
    let new = store.issue_token(&req, &change("2026-06-01T10:02:00Z")).unwrap();
    assert_eq!(new.record.kid, new_key.kid, "the new key signs");
    let jwks = store.jwks(&change("2026-06-01T10:30:00Z")).unwrap();
    assert_eq!(jwks.keys.len(), 2, "both verify during the overlap");
    assert!(store.verify_token(old.token.expose(), "warehouse", ts("2026-06-01T10:30:00Z")).is_ok());
    assert!(matches!(
        store.verify_token(old.token.expose(), "warehouse", ts("2026-06-01T11:01:00Z")),
        Err(Rejection::UnknownSigningKey)
    ));
    assert!(store.verify_token(new.token.expose(), "warehouse", ts("2026-06-01T11:01:00Z")).is_ok());
    let jwks = store.jwks(&change("2026-06-01T11:01:00Z")).unwrap();
    assert_eq!(jwks.keys.iter().map(|k| k.kid.as_str()).collect::<Vec<_>>(), [new_key.kid.as_str()]);
    assert_eq!(store.signing_keys().unwrap().len(), 2);
}

pub fn api_keys_verify_until_revoked_or_expired(store: &dyn Store) {
    let sa = store.create_service_account(&spec("exporter"), &change("2026-06-01T00:00:00Z")).unwrap();
    let new = NewApiKey {
        service_account_id: &sa.id,
        justification: "Vendor X supports only static keys (TICKET-123)",
        expires_at: ts("2026-08-01T00:00:00Z"),
        rotate_every: Some(ttl("30d")),
    };
    let key = store.create_api_key(&new, &change("2026-06-01T10:00:00Z")).unwrap();
    assert!(key.id.starts_with("key-"));
    assert_eq!(key.rotation_due_at(), Some(ts("2026-07-01T10:00:00Z")));
    assert_eq!(store.get_api_key(&key.id).unwrap().as_ref(), Some(&key));
    let secret = store.api_key_secret(&key.id).unwrap().unwrap();
    assert_eq!(store.api_key_secret(&key.id).unwrap().unwrap(), secret, "the same text in every run");
    assert!(secret.expose().starts_with(&key.handle));
    assert!(stored_cells(store).iter().all(|c| !String::from_utf8_lossy(c).contains(secret.expose())), "key stored");

    let at = |t: &str| store.verify_api_key(secret.expose(), ts(t));
    let ok = at("2026-06-02T00:00:00Z").unwrap();
    assert_eq!((ok.id.as_str(), ok.service_account_name.as_str()), (key.id.as_str(), "exporter"));
    assert!(matches!(at("2026-08-01T00:00:00Z"), Err(Rejection::Expired(_))));
    assert!(matches!(store.verify_api_key("nhik_short", ts("2026-06-02T00:00:00Z")), Err(Rejection::Malformed(_))));
    let mut other = secret.expose()[..57].to_owned();
    other.replace_range(10..11, if &other[10..11] == "a" { "b" } else { "a" });
    let forged = nhi_core::api_key_from_body(&other[5..]).unwrap();
    assert!(matches!(store.verify_api_key(&forged, ts("2026-06-02T00:00:00Z")), Err(Rejection::UnknownKey)));

    // Rotation: the old key verifies until the overlap ends.
    assert!(
        store.revoke_api_key(&key.id, ts("2026-07-02T10:00:00Z"), "rotated", &change("2026-07-01T10:00:00Z")).unwrap()
    );
    assert_eq!(at("2026-07-02T09:59:59Z").unwrap().revoke_at, Some(ts("2026-07-02T10:00:00Z")));
    assert!(matches!(at("2026-07-02T10:00:00Z"), Err(Rejection::RotatedOut(_))));
    // A later revocation never postpones an earlier one; an earlier one wins.
    store.revoke_api_key(&key.id, ts("2026-07-09T00:00:00Z"), "destroyed", &change("2026-07-01T11:00:00Z")).unwrap();
    assert!(matches!(at("2026-07-02T10:00:00Z"), Err(Rejection::RotatedOut(_))));
    store.revoke_api_key(&key.id, ts("2026-07-01T12:00:00Z"), "destroyed", &change("2026-07-01T12:00:00Z")).unwrap();
    assert!(matches!(at("2026-07-01T12:00:00Z"), Err(Rejection::Revoked(_))));
    assert!(
        !store
            .revoke_api_key("key-missing", ts("2026-07-01T12:00:00Z"), "destroyed", &change("2026-07-01T12:00:00Z"))
            .unwrap()
    );

    // A disabled account's keys fail; a deleted account takes its keys with it.
    let second =
        store.create_api_key(&NewApiKey { rotate_every: None, ..new }, &change("2026-06-01T10:00:00Z")).unwrap();
    let second_secret = store.api_key_secret(&second.id).unwrap().unwrap();
    assert_ne!(second_secret, secret);
    assert_eq!(store.list_api_keys(Some(&sa.id)).unwrap().len(), 2);
    let mut disabled = sa.spec.clone();
    disabled.disabled = true;
    store.update_service_account(&sa.id, &disabled, &change("2026-06-03T00:00:00Z")).unwrap();
    assert!(matches!(
        store.verify_api_key(second_secret.expose(), ts("2026-06-04T00:00:00Z")),
        Err(Rejection::AccountDisabled(_))
    ));
    store.delete_service_account(&sa.id, &change("2026-06-05T00:00:00Z")).unwrap();
    assert!(matches!(
        store.verify_api_key(second_secret.expose(), ts("2026-06-06T00:00:00Z")),
        Err(Rejection::UnknownKey)
    ));
    assert!(store.list_api_keys(None).unwrap().is_empty());
    assert!(matches!(store.create_api_key(&new, &change("2026-06-06T00:00:00Z")), Err(RegistryError::NotFound { .. })));
    let actions: Vec<String> = all_events(store).into_iter().map(|e| e.action).collect();
    assert_eq!(actions.iter().filter(|a| a.as_str() == "api_key.create").count(), 2);
    assert_eq!(actions.iter().filter(|a| a.as_str() == "api_key.revoke").count(), 2);
}

pub fn list_filters_by_static_keys_and_rotation(store: &dyn Store) {
    let at = change("2026-06-01T00:00:00Z");
    let mut ids = BTreeMap::new();
    for name in ["no-keys", "rotating", "static", "revoked", "expired-key"] {
        ids.insert(name, store.create_service_account(&spec(name), &at).unwrap().id);
    }
    let key = |name: &str, expires: &str, rotate: Option<&str>| {
        let new = NewApiKey {
            service_account_id: &ids[name],
            justification: "Vendor needs it",
            expires_at: ts(expires),
            rotate_every: rotate.map(ttl),
        };
        store.create_api_key(&new, &at).unwrap()
    };
    key("rotating", "2026-09-01T00:00:00Z", Some("30d"));
    key("static", "2026-09-01T00:00:00Z", None);
    let revoked = key("revoked", "2026-09-01T00:00:00Z", Some("7d"));
    store.revoke_api_key(&revoked.id, ts("2026-06-02T00:00:00Z"), "destroyed", &at).unwrap();
    key("expired-key", "2026-06-10T00:00:00Z", Some("7d"));
    let list = |filter: ServiceAccountFilter| -> Vec<String> {
        store.list_service_accounts(&filter).unwrap().into_iter().map(|a| a.spec.name).collect()
    };
    let now = ts("2026-07-15T00:00:00Z");
    assert_eq!(
        list(ServiceAccountFilter { static_keys_live_at: Some(now), ..Default::default() }),
        ["rotating", "static"]
    );
    assert_eq!(
        list(ServiceAccountFilter { static_keys_live_at: Some(ts("2026-06-01T12:00:00Z")), ..Default::default() }),
        ["expired-key", "revoked", "rotating", "static"]
    );
    assert_eq!(list(ServiceAccountFilter { rotation_overdue_at: Some(now), ..Default::default() }), ["rotating"]);
    assert!(
        list(ServiceAccountFilter { rotation_overdue_at: Some(ts("2026-06-30T00:00:00Z")), ..Default::default() })
            .is_empty()
    );
    assert_eq!(
        list(ServiceAccountFilter {
            rotation_overdue_at: Some(now),
            static_keys_live_at: Some(now),
            owner: Some("payments-team@example.com".into()),
            ..Default::default()
        }),
        ["rotating"]
    );
}
