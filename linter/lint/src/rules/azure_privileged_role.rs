use crate::eval::{HOLE, Value};
use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::syntax::{ExprKind, TemplatePart};

use crate::eval::{AZURE_BUILTIN_ROLES as ROLES, azure_role_by_id};

/// How wide an assignment scope is, as far as can be told statically.
pub(crate) fn broad_scope(item: &Item<'_>) -> Option<&'static str> {
    let attr = item.attr("scope")?;
    if let Some(s) = item.str("scope") {
        return classify(&s);
    }
    // `scope = var.assignments[count.index].scope`: each instance's own scope.
    if let Some(c) = item.strs("scope").iter().find_map(|s| classify(s)) {
        return Some(c);
    }
    // "/subscriptions/${var.id}" reached through a local or a module input: the shape is known.
    if let Value::Str(s) = item.env.eval_lenient_deep(&attr.expr)
        && s.contains(HOLE)
        && !matches!(attr.expr.kind, ExprKind::Template(_))
    {
        return classify(&s.replace(HOLE, "00000000-0000-0000-0000-000000000000"));
    }
    // `data.azurerm_subscription.x.id` (also as "${…}", or passed into a module as its
    // `var.scope`): the subscription's id is its scope.
    if let Some(p) = item.env.origin(&attr.expr) {
        return subscription_reference(&p);
    }
    match &attr.expr.kind {
        ExprKind::Template(parts) => {
            // "/subscriptions/${…}" with nothing after the id.
            let lits: Vec<&str> = parts
                .iter()
                .filter_map(|p| if let TemplatePart::Lit(l) = p { Some(l.as_str()) } else { None })
                .collect();
            let ends_with_interp = matches!(parts.last(), Some(TemplatePart::Interp(_)));
            match lits.as_slice() {
                ["/subscriptions/"] if ends_with_interp => Some("subscription"),
                ["/providers/Microsoft.Management/managementGroups/"] if ends_with_interp => Some("management group"),
                _ => None,
            }
        }
        _ => None,
    }
}

/// What a reference used as a whole scope stands for: `data.azurerm_subscription.x.id`, a
/// management group's id.
/// Resources whose management plane hands out their data-plane secrets (`listKeys`, admin
/// credentials, access policies): Contributor on them reads or grants those secrets.
const KEY_HOLDERS: [(&str, &str); 8] = [
    ("azurerm_key_vault", "a Key Vault: it can rewrite the vault's access policies and read every secret"),
    ("azurerm_storage_account", "a storage account: it can list the account keys"),
    ("azurerm_container_registry", "a container registry: it can read the admin credentials and push images"),
    ("azurerm_cosmosdb_account", "a Cosmos DB account: it can list the account keys"),
    ("azurerm_redis_cache", "a Redis cache: it can list the access keys"),
    ("azurerm_eventhub_namespace", "an Event Hubs namespace: it can list the connection strings"),
    ("azurerm_servicebus_namespace", "a Service Bus namespace: it can list the connection strings"),
    ("azurerm_search_service", "a search service: it can list the admin keys"),
];

/// What the assignment's scope is, when it is one of [`KEY_HOLDERS`]: by reference
/// (`azurerm_key_vault.x.id`, `data.azurerm_resource_group.x.id`) or by its resource ID.
/// A conditional scope (`var.create ? azurerm_key_vault.x.id : data.azurerm_key_vault.y.id`)
/// counts when both branches name one.
fn key_holding_scope(item: &Item<'_>) -> Option<&'static str> {
    let attr = item.attr("scope")?;
    let by_reference = |e: &crate::syntax::Expr| {
        let p = e.traversal_path()?;
        let rest = p.strip_prefix("data.").unwrap_or(&p);
        KEY_HOLDERS
            .iter()
            .find(|(ty, _)| rest.starts_with(&format!("{ty}.")))
            .map(|(_, what)| *what)
            .or_else(|| key_holder_named(&p))
    };
    if let ExprKind::Cond(_, yes, no) = &attr.expr.kind {
        return by_reference(yes).and(by_reference(no));
    }
    if attr.expr.traversal_path().is_some() {
        return by_reference(&attr.expr);
    }
    let id = item.str("scope")?.trim_end_matches('/').to_ascii_lowercase();
    let parts: Vec<&str> = id.trim_start_matches('/').split('/').collect();
    let provider_type = |ns: &str, ty: &str| match (ns, ty) {
        ("microsoft.keyvault", "vaults") => Some("azurerm_key_vault"),
        ("microsoft.storage", "storageaccounts") => Some("azurerm_storage_account"),
        ("microsoft.containerregistry", "registries") => Some("azurerm_container_registry"),
        ("microsoft.documentdb", "databaseaccounts") => Some("azurerm_cosmosdb_account"),
        _ => None,
    };
    let ty = match parts.as_slice() {
        ["subscriptions", _, "resourcegroups", _, "providers", ns, ty, _] => provider_type(ns, ty),
        _ => None,
    }?;
    KEY_HOLDERS.iter().find(|(t, _)| *t == ty).map(|(_, what)| *what)
}

/// What an input, local or module output named for one of [`KEY_HOLDERS`]' IDs stands for
/// (`var.storage_account_id`, `module.vault.key_vault_id`, `var.files_storage_account.id`).
fn key_holder_named(path: &str) -> Option<&'static str> {
    const NAMES: [(&str, &str); 8] = [
        ("key_vault", "azurerm_key_vault"),
        ("keyvault", "azurerm_key_vault"),
        ("storage_account", "azurerm_storage_account"),
        ("container_registry", "azurerm_container_registry"),
        ("cosmosdb_account", "azurerm_cosmosdb_account"),
        ("redis_cache", "azurerm_redis_cache"),
        ("eventhub_namespace", "azurerm_eventhub_namespace"),
        ("servicebus_namespace", "azurerm_servicebus_namespace"),
    ];
    if !["var.", "local.", "module."].iter().any(|h| path.starts_with(h)) {
        return None;
    }
    let l = path.to_ascii_lowercase();
    let name = l.strip_suffix(".id").or_else(|| l.strip_suffix("_id"))?;
    let name = name.rsplit('.').next()?;
    let (_, ty) = NAMES.iter().find(|(n, _)| name.ends_with(n))?;
    KEY_HOLDERS.iter().find(|(t, _)| t == ty).map(|(_, what)| *what)
}

/// Whether the assignment's principal is an AKS kubelet identity (`….kubelet_identity[0].object_id`,
/// `var.kubelet_object_id`, an identity named for the kubelet): any pod on the cluster's nodes
/// can get its tokens from the instance metadata endpoint.
fn kubelet_principal(item: &Item<'_>) -> bool {
    item.attr("principal_id").is_some_and(|a| {
        crate::rules::common::traversal_paths(&a.expr).iter().any(|p| p.to_ascii_lowercase().contains("kubelet"))
    })
}

fn subscription_reference(p: &str) -> Option<&'static str> {
    let rest = p.strip_prefix("data.").unwrap_or(p);
    if rest.starts_with("azurerm_subscription.") && (p.ends_with(".id") || p.ends_with(".subscription_id")) {
        Some("subscription")
    } else if rest.starts_with("azurerm_management_group.") && p.ends_with(".id") {
        Some("management group")
    } else if let Some(object) = p.strip_suffix(".id") {
        // `var.subscription.id`, `local.target_subscription.id`: an object named for what it is.
        let l = object.to_ascii_lowercase();
        if l.contains("management_group") || l.contains("managementgroup") {
            Some("management group")
        } else if l.contains("subscription") && !l.contains("resource_group") {
            Some("subscription")
        } else {
            None
        }
    } else {
        None
    }
}

fn classify(scope: &str) -> Option<&'static str> {
    // An empty scope is no scope (a fallback of `try(…, "")` where the real one is not known
    // here); `/` is the tenant root.
    if scope.trim().is_empty() {
        return None;
    }
    let s = scope.trim_end_matches('/').to_ascii_lowercase();
    if s.is_empty() {
        return Some("tenant root");
    }
    let parts: Vec<&str> = s.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["subscriptions", _] => Some("subscription"),
        ["providers", "microsoft.management", "managementgroups", _] => Some("management group"),
        _ => None,
    }
}

/// ## What it does
/// Finds `azurerm_role_assignment` resources that assign Owner, Contributor or User Access
/// Administrator (by name or definition ID) at subscription or management-group scope, and
/// Owner or User Access Administrator at any scope (they can grant any role where they hold).
/// Contributor is also reported on a resource whose management plane
/// hands out its secrets: a Key Vault (access policies), a storage account, container
/// registry, Cosmos DB account, Redis cache, Event Hubs or Service Bus namespace, or search
/// service (by reference, resource ID, or an input, local or module output named for its ID:
/// `var.storage_account_id`), where a data role would do, or with no scope at all
/// (a snippet that leaves the scope out), and at any scope when it is given to an AKS cluster's
/// kubelet identity, which every pod on the nodes can use. Contributor on a resource group is
/// otherwise not reported. Also
/// finds those roles handed to a module that is not on disk (a registry or git module) through
/// an input that says it assigns roles at subscription or management-group scope, such as
/// `rbac_roles = { subscription_roles = ["Contributor"] }` or an assignment spelled out as
/// `{ scope = "/subscriptions/…", role_definition_name = "Contributor" }`, including values that come from a
/// variable file (`env/prod/terraform.tfvars`), where the finding is then reported.
///
/// ## Why is this bad?
/// At those scopes, the identity can change — or with Owner and User Access Administrator,
/// grant access to — every resource in every resource group underneath. A compromised
/// pipeline or application identity then owns the subscription.
///
/// ## Example
/// ```hcl
/// resource "azurerm_role_assignment" "ci" {
///   scope                = data.azurerm_subscription.current.id
///   role_definition_name = "Contributor"
///   principal_id         = azurerm_user_assigned_identity.ci.principal_id
/// }
/// ```
///
/// ## Use instead
/// A narrower role on the resource group or resource the identity manages:
/// ```hcl
/// resource "azurerm_role_assignment" "ci" {
///   scope                = azurerm_resource_group.app.id
///   role_definition_name = "Website Contributor"
///   principal_id         = azurerm_user_assigned_identity.ci.principal_id
/// }
/// ```
#[derive(Debug)]
pub struct AzurePrivilegedRole;

impl Rule for AzurePrivilegedRole {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "azure-privileged-role",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "Owner or User Access Administrator at any scope, Contributor at subscription or management-group scope or on a resource whose keys it can list",
            source: include_str!("azure_privileged_role.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for a in cx.resources("azurerm_role_assignment") {
            let Some((role, key)) = assigned_roles(&a)
                .into_iter()
                .find_map(|(n, key)| ROLES.iter().find(|(r, _)| r.eq_ignore_ascii_case(&n)).map(|(r, _)| (*r, key)))
            else {
                continue;
            };
            if let Some(scope) = broad_scope(&a) {
                cx.report(&a, a.span(key), format!("{role} assigned at {scope} scope"))
                    .help("assign a narrower role at the resource group or resource the identity manages");
            } else if role == "Contributor" {
                if kubelet_principal(&a) {
                    cx.report(
                        &a,
                        a.span(key),
                        "Contributor assigned to a cluster's kubelet identity, which every pod on its nodes can use",
                    )
                    .help("give the kubelet identity only AcrPull, and give each workload that needs more its own workload identity with a narrow role");
                } else if let Some(what) = key_holding_scope(&a) {
                    cx.report(&a, a.span(key), format!("Contributor assigned on {what}"))
                        .help("assign the data role the identity needs (AcrPush, Storage Blob Data Contributor, Key Vault Secrets User, …) instead of Contributor");
                } else if !a.has("scope") {
                    cx.report(
                        &a,
                        a.span(key),
                        "Contributor assigned with no scope given: it can change every resource where it holds",
                    )
                    .help("assign a service-specific role on the resources the identity manages");
                }
            } else {
                // Owner and User Access Administrator can grant any role wherever they hold.
                cx.report(&a, a.span(key), format!("{role} assigned: its holder can grant any role within its scope"))
                    .help("assign a role that cannot write role assignments (e.g. Contributor, or a data role), or use a condition that restricts the roles it may assign");
            }
        }
        // Vault's Azure secrets engine: every credential it issues is a service principal with
        // these role assignments.
        for r in cx.resources("vault_azure_secret_backend_role") {
            for ar in r.nested("azure_roles") {
                let Some(role) = ar.strs("role_name").iter().chain(&ar.strs("role_id")).find_map(|n| privileged(n))
                else {
                    continue;
                };
                if let Some(scope) = broad_scope(&ar) {
                    let key = if ar.has("role_name") { "role_name" } else { "role_id" };
                    cx.report(
                        &r,
                        ar.span(key),
                        format!("every service principal this role issues gets {role} at {scope} scope"),
                    )
                    .help("give the role a narrower role at the resource group or resource its credentials manage");
                }
            }
        }
        // Modules whose code is not here (local ones are checked through their own resources):
        // Owner and User Access Administrator anywhere, Contributor at subscription or
        // management-group scope.
        let judge = |name: &str, scope: &str| {
            privileged(name).filter(|r| *r != "Contributor" || scope != "resource group").map(str::to_owned)
        };
        report_module_roles(
            cx,
            &judge,
            "pass a narrower role, at the resource groups or resources the identity manages",
        );
    }
}

/// The roles an `azurerm_role_assignment` assigns, with the argument that names each: every
/// value of `role_definition_name`, and the built-in role `role_definition_id` is (also when
/// the ID is built from the scope: "${data.azurerm_subscription.x.id}/providers/…/GUID").
pub(crate) fn assigned_roles(a: &Item<'_>) -> Vec<(String, &'static str)> {
    let mut roles: Vec<(String, &'static str)> =
        a.strs("role_definition_name").into_iter().map(|n| (n, "role_definition_name")).collect();
    let mut ids = a.strs("role_definition_id");
    if let Some(attr) = a.attr("role_definition_id")
        && let ExprKind::Template(parts) = &attr.expr.kind
        && let Some(TemplatePart::Lit(tail)) = parts.last()
    {
        ids.push(tail.clone());
    }
    roles.extend(ids.iter().filter_map(|id| azure_role_by_id(id)).map(|r| (r.to_owned(), "role_definition_id")));
    roles
}

/// The built-in privileged role a role name or definition ID is, if it is one.
fn privileged(s: &str) -> Option<&'static str> {
    ROLES.iter().find(|(r, g)| r.eq_ignore_ascii_case(s) || s.to_ascii_lowercase().ends_with(g)).map(|(r, _)| *r)
}

/// Reports, on each input of a registry or git module call, the role [`role_inputs`] finds
/// there with `judge`.
pub(crate) fn report_module_roles(cx: &mut Ctx<'_>, judge: &dyn Fn(&str, &'static str) -> Option<String>, help: &str) {
    for call in crate::rules::common::remote_module_calls(cx) {
        for attr in &call.body.attrs {
            let Some(value) = call.value(&attr.key) else { continue };
            let mut found = None;
            role_inputs(&value, &mut vec![attr.key.as_str()], &mut found, judge);
            if let Some((role, scope, path)) = found {
                cx.report(
                    &call,
                    attr.expr.span.clone(),
                    format!("{role} assigned at {scope} scope through module input `{path}`"),
                )
                .help(help);
            }
        }
    }
}

/// A role found in a module input: the role, the scope it is assigned at, and the input's
/// path (`rbac.subscription_roles`).
type RoleInput = (String, &'static str, String);

/// The role in a module input, among those `judge` picks for a scope, whose path names
/// role assignments (a key with `role` in it) at a scope it also names: `subscription`,
/// `management_group`, or `resource_group`. An assignment spelled out as an object
/// (`{ scope = "/subscriptions/…", role_definition_name = "Contributor" }`) counts whatever
/// the input is called. Of several, the one at the widest scope.
fn role_inputs<'v>(
    value: &'v Value,
    path: &mut Vec<&'v str>,
    found: &mut Option<RoleInput>,
    judge: &dyn Fn(&str, &'static str) -> Option<String>,
) {
    // The widest scope found is the one reported.
    let rank = |scope: &str| match scope {
        "tenant root" => 4,
        "management group" => 3,
        "subscription" => 2,
        _ => 1,
    };
    let mut keep = |candidate: RoleInput| {
        if found.as_ref().is_none_or(|f| rank(candidate.1) > rank(f.1)) {
            *found = Some(candidate);
        }
    };
    match value {
        Value::Object(map) => {
            let scope = map
                .iter()
                .find(|(k, _)| k.to_ascii_lowercase().contains("scope"))
                .and_then(|(_, v)| v.as_str())
                .and_then(classify);
            let role = scope.and_then(|scope| {
                map.iter()
                    .filter(|(k, _)| k.to_ascii_lowercase().contains("role"))
                    .find_map(|(k, v)| Some((k, judge(v.as_str()?, scope)?)))
            });
            if let (Some(scope), Some((key, role))) = (scope, role) {
                path.push(key);
                keep((role, scope, path.join(".")));
                path.pop();
                return;
            }
            for (k, v) in map {
                path.push(k);
                role_inputs(v, path, found, judge);
                path.pop();
            }
        }
        Value::List(items) => items.iter().for_each(|v| role_inputs(v, path, found, judge)),
        Value::Str(s) => {
            let lower: Vec<String> = path.iter().map(|p| p.to_ascii_lowercase()).collect();
            let names = |w: &[&str]| lower.iter().any(|p| w.iter().any(|w| p.contains(w)));
            let scope = if names(&["management_group", "managementgroup"]) {
                Some("management group")
            } else if names(&["subscription"]) {
                Some("subscription")
            } else if names(&["resource_group", "resourcegroup"]) {
                Some("resource group")
            } else {
                None
            };
            if let (true, Some(scope)) = (names(&["role"]), scope)
                && let Some(role) = judge(s, scope)
            {
                keep((role, scope, path.join(".")));
            }
        }
        _ => {}
    }
}
