use crate::eval::Value;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::kubernetes_rbac::{CLUSTER_BINDINGS, ROLE_BINDINGS, RoleDef, WRITE_VERBS, names_role, roles};
use crate::rules::kubernetes_secret_read::reads_secrets;
use crate::syntax::Expr;

/// Roles every cluster binds to everyone so that clients can discover the API.
/// Roles every cluster grants broadly, and the OIDC discovery role that Kubernetes documents
/// binding to `system:unauthenticated` (it serves the public issuer documents only).
const DISCOVERY_ROLES: [&str; 4] =
    ["system:basic-user", "system:discovery", "system:public-info-viewer", "system:service-account-issuer-discovery"];

/// What the role a binding names grants, as far as the module tells.
enum Grant {
    /// `cluster-admin`, or a role of the module with every verb on every resource: NHI214's.
    Admin,
    /// Discovery only, or only the `use` of a restrictive pod security policy: no API access.
    Discovery,
    /// Write access (the built-in `admin` and `edit`, or a role with a write verb), or reading
    /// every Secret.
    Write(String),
    /// Read access only.
    Read(String),
    /// A role defined elsewhere.
    Unknown(String),
}

fn grant(
    module_roles: &[RoleDef<'_>],
    file: usize,
    kind: Option<&str>,
    name: Option<&str>,
    written: Option<&Expr>,
) -> Option<Grant> {
    let cluster_role = kind.is_none_or(|k| k == "ClusterRole");
    match name {
        Some("cluster-admin") if cluster_role => return Some(Grant::Admin),
        Some(n) if cluster_role && DISCOVERY_ROLES.contains(&n) => return Some(Grant::Discovery),
        Some(n @ ("admin" | "edit")) if cluster_role => return Some(Grant::Write(format!("the built-in `{n}` role"))),
        Some("view") if cluster_role => return Some(Grant::Read("the built-in `view` role".to_owned())),
        _ => {}
    }
    // A role of this module, found by reference or by name.
    let same_kind = |r: &&RoleDef<'_>| match kind {
        Some("Role") => !r.cluster,
        _ => r.cluster,
    };
    // The binding's own file first: fixture directories repeat names and labels across files.
    let mut candidates: Vec<&RoleDef<'_>> = module_roles.iter().filter(same_kind).collect();
    candidates.sort_by_key(|r| r.item.file != file);
    let found = candidates
        .iter()
        .find(|r| {
            names_role(Some("ClusterRole"), name, written, r) == Some(true)
                || (!r.cluster && name.is_some() && r.name.as_deref() == name)
        })
        // `name = "reader"` where no role is named so but the resource is (`kubernetes_role.reader`):
        // what the author meant, though the cluster would look for a role called `reader`.
        .or_else(|| {
            candidates.iter().find(|r| name.is_some_and(|n| r.item.label(1) == n && r.name.as_deref() != Some(n)))
        });
    let Some(role) = found else {
        return name
            .map(|n| if restrictive_psp_role(n) { Grant::Discovery } else { Grant::Unknown(format!("role `{n}`")) });
    };
    let label = role
        .name
        .as_deref()
        .map_or_else(|| format!("role {}.{}", role.item.label(0), role.item.label(1)), |n| format!("role `{n}`"));
    let all = |v: &[String]| v.iter().any(|x| x == "*");
    // Only `use` of pod security policies: admission, not access to the API.
    let psp_use = |r: &crate::rules::kubernetes_rbac::RoleRule| {
        r.verbs.iter().all(|v| v == "use")
            && r.resources.iter().all(|x| x == "podsecuritypolicies" || x == "securitycontextconstraints")
    };
    if !role.rules.is_empty() && role.rules.iter().all(psp_use) {
        // Named policies, none of them permissive; without names it is every policy.
        let names: Vec<&String> = role.rules.iter().flat_map(|r| r.resource_names.iter()).collect();
        if !names.is_empty() && !names.iter().any(|n| permissive_policy(n)) {
            return Some(Grant::Discovery);
        }
    }
    if role.rules.iter().any(|r| all(&r.verbs) && all(&r.resources)) {
        return Some(Grant::Admin);
    }
    // Reading every Secret is as good as the identities the Secrets hold (tokens, keys).
    let reads_secrets = |r: &crate::rules::kubernetes_rbac::RoleRule| {
        reads_secrets(&r.api_groups, &r.resources, &r.verbs, !r.resource_names.is_empty()).is_some()
    };
    if role.rules.iter().any(|r| r.verbs.iter().any(|v| WRITE_VERBS.contains(&v.as_str()))) {
        Some(Grant::Write(label))
    } else if role.rules.iter().any(reads_secrets) {
        Some(Grant::Write(format!("{label}, which reads every Secret,")))
    } else {
        Some(Grant::Read(label))
    }
}

/// Whether a role name follows the convention for the `use` of a pod security policy
/// (`psp:restricted`, `psp-baseline`, `restricted-psp`) and names no permissive policy: what
/// PodSecurityPolicy setups bind to every service account, granting no API access.
fn restrictive_psp_role(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let psp = n.starts_with("psp:") || n.starts_with("psp-") || n.ends_with("-psp") || n.contains("podsecuritypolic");
    psp && !permissive_policy(&n)
}

/// Whether a pod security policy's name says it lets pods escape their sandbox.
fn permissive_policy(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["privileged", "unrestricted", "permissive", "root", "host"].iter().any(|w| n.contains(w))
}

/// Who a subject stands for when it is everyone (or every pod of a namespace).
enum Who {
    /// Every caller, every authenticated identity, or every service account.
    Everyone(String),
    /// A namespace's `default` service account: every pod that names no other.
    DefaultServiceAccount(String),
}

fn who(kind: Option<&str>, name: Option<&str>, namespace: Option<&str>) -> Option<Who> {
    let name = name?;
    match kind? {
        "Group" if name == "system:authenticated" => {
            Some(Who::Everyone("group `system:authenticated` (every authenticated user and workload)".to_owned()))
        }
        "Group" if name == "system:unauthenticated" => {
            Some(Who::Everyone("group `system:unauthenticated` (anonymous callers)".to_owned()))
        }
        "Group" if name == "system:serviceaccounts" => {
            Some(Who::Everyone("group `system:serviceaccounts` (every service account of the cluster)".to_owned()))
        }
        "Group" if name.starts_with("system:serviceaccounts:") => {
            Some(Who::Everyone(format!("group `{name}` (every service account of the namespace)")))
        }
        "User" if name == "system:anonymous" => Some(Who::Everyone("user `system:anonymous`".to_owned())),
        "ServiceAccount" if name == "default" => Some(Who::DefaultServiceAccount(format!(
            "the `default` service account{} (every pod that names no service account of its own)",
            namespace.map(|ns| format!(" of `{ns}`")).unwrap_or_default()
        ))),
        "User" if name.starts_with("system:serviceaccount:") && name.ends_with(":default") => Some(
            Who::DefaultServiceAccount(format!("`{name}` (every pod of its namespace that names no service account)")),
        ),
        _ => None,
    }
}

/// The finding for one binding, if any: the first subject that makes it one.
fn judge(grant: &Grant, subjects: impl Iterator<Item = Option<Who>>) -> Option<String> {
    for who in subjects.flatten() {
        let role = match (grant, &who) {
            (Grant::Admin | Grant::Discovery, _) => return None,
            (Grant::Write(r) | Grant::Read(r) | Grant::Unknown(r), Who::Everyone(_)) => r,
            (Grant::Write(r), Who::DefaultServiceAccount(_)) => r,
            _ => continue,
        };
        let who = match who {
            Who::Everyone(w) | Who::DefaultServiceAccount(w) => w,
        };
        return Some(format!("{role} bound to {who}"));
    }
    None
}

/// ## What it does
/// Finds role bindings (`kubernetes_role_binding`, `kubernetes_cluster_role_binding`, their
/// `_v1` forms, or a `kubernetes_manifest`) that grant a role to everyone: the groups
/// `system:authenticated`, `system:unauthenticated`, `system:serviceaccounts` (or every
/// service account of a namespace) and the user `system:anonymous` — any role except the
/// discovery roles every cluster already grants, the service-account issuer discovery role
/// (public OIDC documents) and roles that only `use` a pod security
/// policy that is not privileged (`psp:restricted`: admission, not API access). Bindings that give a namespace's `default`
/// service account a role that can write (the built-in `admin` or `edit`, or a role of the
/// module with a write verb) or read every Secret it reaches are findings too. A `role_ref`
/// that names a role of the module by its resource label, when no role carries that name, is
/// read as that role (what the author meant). `cluster-admin` is NHI214's. A finding too: a namespace
/// whose kiam or kube2iam annotation permits every AWS role (`iam.amazonaws.com/permitted =
/// ".*"`): every pod in it may then assume any role the node or kiam server can reach.
///
/// ## Why is this bad?
/// Permissions bound to a group of everyone are held by every workload and identity, present
/// and future, and cannot be traced to a purpose or revoked for one of them. The `default`
/// service account runs every pod that does not name its own: a grant to it is a grant to
/// whatever lands in the namespace.
///
/// ## Example
/// ```hcl
/// resource "kubernetes_cluster_role_binding_v1" "all_sa_edit" {
///   metadata { name = "all-service-accounts-edit" }
///   role_ref {
///     api_group = "rbac.authorization.k8s.io"
///     kind      = "ClusterRole"
///     name      = "edit"
///   }
///   subject {
///     kind      = "Group"
///     name      = "system:serviceaccounts"
///     api_group = "rbac.authorization.k8s.io"
///   }
/// }
/// ```
///
/// ## Use instead
/// Give each workload a service account of its own and bind the role to that account only:
/// ```hcl
/// resource "kubernetes_role_binding_v1" "deployer" {
///   metadata {
///     name      = "deployer-edit"
///     namespace = "app"
///   }
///   role_ref {
///     api_group = "rbac.authorization.k8s.io"
///     kind      = "ClusterRole"
///     name      = "edit"
///   }
///   subject {
///     kind      = "ServiceAccount"
///     name      = "deployer"
///     namespace = "app"
///   }
/// }
/// ```
#[derive(Debug)]
pub struct KubernetesBroadBinding;

impl Rule for KubernetesBroadBinding {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "kubernetes-broad-binding",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "a Kubernetes role bound to everyone, or a write-capable or Secret-reading role bound to a default service account",
            source: include_str!("kubernetes_broad_binding.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        // kiam and kube2iam let a pod assume the AWS roles its namespace's annotation permits:
        // a pattern of everything permits every role the node or kiam server can reach.
        for ns in cx.resources_of(&["kubernetes_namespace", "kubernetes_namespace_v1"]) {
            let Some(m) = ns.nested("metadata").into_iter().next() else { continue };
            // Terraform 0.11 wrote the map as a block: `annotations { "key" = "value" }`.
            let permitted = m
                .value("annotations")
                .and_then(|a| a.get("iam.amazonaws.com/permitted").cloned())
                .or_else(|| m.nested("annotations").into_iter().find_map(|a| a.value("iam.amazonaws.com/permitted")));
            if let Some(p) = permitted.as_ref().and_then(|v| v.as_str())
                && [".*", "*", ".+", "^.*$"].contains(&p.trim())
            {
                cx.report(&ns, m.span("annotations"), format!("every pod of the namespace may assume any AWS role kiam or kube2iam can reach (`iam.amazonaws.com/permitted = \"{p}\"`)"))
                    .help("permit only the roles this namespace's workloads use (a pattern naming them), or give each service account its own role with IRSA or EKS Pod Identity");
            }
        }
        const HELP: &str = "bind the role to a service account of the workload that needs it, never to a group of everyone or to `default`";
        let module_roles = roles(cx);
        let bindings = cx.resources_of(&[CLUSTER_BINDINGS[0], CLUSTER_BINDINGS[1], ROLE_BINDINGS[0], ROLE_BINDINGS[1]]);
        for b in bindings {
            let namespace = b.nested("metadata").first().and_then(|m| m.str("namespace"));
            let Some(rr) = b.nested("role_ref").into_iter().next() else { continue };
            let Some(g) = grant(
                module_roles,
                b.file,
                rr.str("kind").as_deref(),
                rr.str("name").as_deref(),
                rr.attr("name").map(|a| &a.expr),
            ) else {
                continue;
            };
            let subjects = b.nested("subject");
            let hit = subjects.iter().find_map(|s| {
                let ns = s.str("namespace").or_else(|| namespace.clone());
                let w = who(s.str("kind").as_deref(), s.str("name").as_deref(), ns.as_deref());
                judge(&g, std::iter::once(w)).map(|m| (m, s.span("name")))
            });
            if let Some((message, span)) = hit {
                cx.report(&b, span, message).help(HELP);
            }
        }
        for m in cx.resources("kubernetes_manifest") {
            let Some(man) = m.value("manifest") else { continue };
            if !matches!(man.get("kind").and_then(Value::as_str), Some("ClusterRoleBinding" | "RoleBinding")) {
                continue;
            }
            let str_of =
                |v: Option<&Value>, k: &str| v.and_then(|x| x.get(k)).and_then(Value::as_str).map(str::to_owned);
            let rr = man.get("roleRef");
            let Some(g) =
                grant(module_roles, m.file, str_of(rr, "kind").as_deref(), str_of(rr, "name").as_deref(), None)
            else {
                continue;
            };
            let namespace = str_of(man.get("metadata"), "namespace");
            let subjects = man.get("subjects").map(Value::items).unwrap_or_default();
            let message = judge(
                &g,
                subjects.iter().map(|s| {
                    let ns = str_of(Some(s), "namespace").or_else(|| namespace.clone());
                    who(str_of(Some(s), "kind").as_deref(), str_of(Some(s), "name").as_deref(), ns.as_deref())
                }),
            );
            if let Some(message) = message {
                cx.report(&m, m.span("manifest"), message).help(HELP);
            }
        }
    }
}
