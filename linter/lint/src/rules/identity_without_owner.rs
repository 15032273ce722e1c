use nhi_core::non_blank;

use crate::eval::Value;
use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::referenced;

const OWNER_TAGS: [&str; 8] =
    ["owner", "team", "contact", "owner_email", "owned_by", "ownedby", "maintainer", "created_by"];

fn has_owner_tag(v: &Value) -> Option<bool> {
    match v {
        Value::Object(m) => {
            Some(m.keys().any(|k| OWNER_TAGS.contains(&k.to_ascii_lowercase().replace('-', "_").as_str())))
        }
        Value::Null => Some(false),
        _ => None,
    }
}

/// ## What it does
/// Finds identities created without owner or purpose metadata, by each provider's
/// convention: `nhi_service_account` without `owner` or `purpose`, `nhi_api_key` without
/// `justification`, `google_service_account` without `description` or a descriptive
/// `display_name` (one that is not just its `account_id` again), `azuread_application` /
/// `azuread_service_principal` without `owners` (a service principal of an application declared
/// in the same module is judged through that application, once),
/// `azuread_application_registration` with no `azuread_application_owner` and no `description`
/// or `notes`, `aws_iam_user` without an owner tag (in `tags` or the provider's `default_tags`;
/// in a plan, in its `tags_all`, where the provider has merged its default tags in),
/// `aws_iam_role` / `azurerm_user_assigned_identity` without any tags or description,
/// `kubernetes_service_account` (and `_v1`) without any labels or annotations, and
/// `vault_identity_entity` without `metadata`.
///
/// ## Why is this bad?
/// An identity nobody owns is never reviewed, never rotated and never deleted. When it leaks,
/// nobody knows what breaks if it is revoked.
///
/// ## Example
/// ```hcl
/// resource "google_service_account" "exporter" {
///   account_id = "billing-exporter"
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "google_service_account" "exporter" {
///   account_id  = "billing-exporter"
///   description = "Exports invoices nightly to the warehouse; owner payments-team@example.com"
/// }
/// ```
#[derive(Debug)]
pub struct IdentityWithoutOwner;

impl Rule for IdentityWithoutOwner {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "identity-without-owner",
            category: Category::Governance,
            severity: Severity::Low,
            summary: "a non-human identity without owner or purpose metadata",
            source: include_str!("identity_without_owner.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for sa in cx.resources("nhi_service_account") {
            for key in ["owner", "purpose"] {
                if blank(&sa, key) == Some(true) {
                    cx.report(&sa, sa.span(key), format!("service account has no {key}"))
                        .help(format!("set {key}: who answers for this identity and what it is for"));
                    break;
                }
            }
        }
        for k in cx.resources("nhi_api_key") {
            if blank(&k, "justification") == Some(true) {
                cx.report(&k, k.span("justification"), "static API key has no justification")
                    .help("set justification: why this integration needs a static key, with a ticket");
            }
        }
        for sa in cx.resources("google_service_account") {
            if blank(&sa, "description") != Some(true) {
                continue;
            }
            let message = match descriptive_display_name(&sa) {
                Some(true) | None => continue,
                Some(false) if sa.has("display_name") && blank(&sa, "display_name") != Some(true) => {
                    "service account has no description of its purpose and owner (its display_name only repeats the account_id)"
                }
                Some(false) => "service account has no description of its purpose and owner",
            };
            cx.report(&sa, sa.header(), message).help("add description = \"<what it does>; owner <team@example.com>\"");
        }
        for app in cx.resources_of(&["azuread_application", "azuread_service_principal"]) {
            // A service principal of an application declared here is the same identity: its
            // ownership is judged once, on the application.
            let of_local_app = app.label(0) == "azuread_service_principal"
                && ["client_id", "application_id"]
                    .iter()
                    .any(|k| app.attr(k).and_then(|a| referenced(cx, &a.expr, "azuread_application")).is_some());
            if !app.has("owners") && !of_local_app {
                cx.report(&app, app.header(), "application identity has no owners")
                    .help("set owners = [<object IDs of the responsible team>]");
            }
        }
        // `azuread_application_registration` takes its owners from `azuread_application_owner`.
        let owner_links = cx.resources("azuread_application_owner");
        for app in cx.resources("azuread_application_registration") {
            let owned = owner_links
                .iter()
                .any(|o| o.attr("application_id").is_some_and(|a| crate::rules::common::refers_to(&a.expr, &app)));
            if !owned && !app.has("description") && !app.has("notes") {
                cx.report(&app, app.header(), "application registration has no owner and no description or notes")
                    .help(
                        "add an azuread_application_owner for the responsible team, and a description of its purpose",
                    );
            }
        }
        let default_owner = cx
            .blocks("provider", Some("aws"))
            .iter()
            .flat_map(|p| p.nested("default_tags"))
            .any(|d| d.value("tags").as_ref().and_then(has_owner_tag) != Some(false));
        // Roles and managed identities: flagged only when they carry no metadata at all.
        let default_tags = cx.blocks("provider", Some("aws")).iter().any(|p| !p.nested("default_tags").is_empty());
        for r in cx.resources("aws_iam_role") {
            // A plan's `tags_all`: its tags with the provider's `default_tags` merged in.
            let tagged = default_tags
                || r.has("tags")
                || matches!(r.value("tags_all"), Some(Value::Object(all)) if !all.is_empty());
            if !tagged && !r.has("description") {
                cx.report(&r, r.header(), "IAM role has no tags or description naming its owner and purpose").help(
                    "add tags = { owner = \"team@example.com\", purpose = \"...\" } or a provider default_tags block",
                );
            }
        }
        for r in cx.resources("azurerm_user_assigned_identity") {
            if !r.has("tags") {
                cx.report(&r, r.header(), "managed identity has no tags naming its owner and purpose")
                    .help("add tags = { owner = \"team@example.com\", purpose = \"...\" }");
            }
        }
        for sa in cx.resources_of(&["kubernetes_service_account", "kubernetes_service_account_v1"]) {
            let described = sa.nested("metadata").iter().any(|m| {
                ["labels", "annotations"].iter().any(|k| match m.value(k) {
                    None | Some(Value::Null) => false,
                    Some(Value::Object(o)) => !o.is_empty(),
                    Some(_) => true, // not known statically: give it the benefit of the doubt
                })
            });
            if !described {
                cx.report(&sa, sa.header(), "service account has no labels or annotations naming its owner and purpose")
                    .help("add metadata { labels = { owner = \"team\" } annotations = { \"example.com/purpose\" = \"...\" } }");
            }
        }
        for e in cx.resources("vault_identity_entity") {
            let empty = match e.value("metadata") {
                None | Some(Value::Null) => true,
                Some(Value::Object(o)) => o.is_empty(),
                Some(_) => false,
            };
            if empty {
                cx.report(&e, e.header(), "Vault identity entity has no metadata naming its owner and purpose")
                    .help("add metadata = { owner = \"team@example.com\", purpose = \"...\" }");
            }
        }
        for u in cx.resources("aws_iam_user") {
            let tagged = match u.value("tags_all") {
                // A plan's `tags_all`: the provider's `default_tags` merged in.
                Some(all @ Value::Object(_)) => has_owner_tag(&all),
                _ if default_owner => continue,
                _ => match u.value("tags") {
                    None => Some(false),
                    Some(v) => has_owner_tag(&v),
                },
            };
            if tagged == Some(false) {
                cx.report(&u, u.header(), "IAM user has no owner tag")
                    .help("add tags = { owner = \"team@example.com\", purpose = \"...\" }");
            }
        }
    }
}

/// Whether a `google_service_account`'s `display_name` says something: non-blank and not a
/// copy of its `account_id` (compared ignoring case, spaces and punctuation, or written as the
/// same reference). `None` when not known statically.
fn descriptive_display_name(sa: &Item<'_>) -> Option<bool> {
    let path = |k: &str| sa.attr(k).and_then(|x| x.expr.traversal_path());
    if path("display_name").is_some_and(|p| Some(p) == path("account_id")) {
        return Some(false);
    }
    if blank(sa, "display_name")? {
        return Some(false);
    }
    let norm =
        |s: &str| s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect::<String>();
    let display = norm(&sa.str("display_name")?);
    match sa.value("account_id") {
        None => Some(true),
        Some(v) => v.as_str().map(|id| display != norm(id)).or(Some(true)),
    }
}

/// `Some(true)` when absent or blank, `None` when unknown.
fn blank(item: &Item<'_>, key: &str) -> Option<bool> {
    match item.value(key) {
        None | Some(Value::Null) => Some(true),
        Some(v) => v.as_str().map(|s| !non_blank(s)),
    }
}
