//! Where a broad definition reaches an identity. Scope rules judge a policy document, a
//! managed policy, a custom role or a Vault policy where it is written; a reviewer also needs to
//! see each place that hands it to an identity: the attachment, the role assignment, the IAM
//! member, the Vault auth role or entity that lists the policy, the module call it is passed to. This
//! pass reports each such grant in the same module, under the code of the finding it carries,
//! once per granted definition; a grant block that already has a scope finding of its own
//! carries the grant in that finding's message instead (see `pipeline::fold_grants`).
//!
//! It runs after the rules on one module view, for `check` and `plan` alike: it reads only the
//! view and the findings the rules made there.

use std::collections::{BTreeMap, HashSet};

use crate::codes;
use crate::query::{Item, ModuleView};
use crate::rule::{Category, RawFinding};
use crate::rules::common::{path_reads, refers_to_address, traversal_paths};
use crate::span::Span;
use crate::syntax::Attr;

/// Blocks that store a definition written in a document data source: the managed policy or
/// Vault policy the provider keeps, where reviewers look for it (blind readers label them as
/// often as the document). They carry the document's finding to their own grants and are
/// reported themselves.
const RESTATEMENTS: [(&str, &str); 2] = [("aws_iam_policy", "policy"), ("vault_policy", "policy")];

/// Inline policies: a policy written into the identity itself, which grants what it reads.
const INLINE_POLICIES: [&str; 3] = ["aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"];

/// How a block grants to a non-human identity: the attributes that name what it grants, by
/// block type. Grants to people (LDAP, Okta and GitHub team mappings, identity groups, OIDC
/// logins, userpass users) are left to the definition's own finding, and so are Vault tokens,
/// judged by their lifetime.
fn grant_attrs(ty: &str) -> &'static [&'static str] {
    match ty {
        t if t.starts_with("aws_iam_") && t.ends_with("policy_attachment") => &["policy_arn"],
        // Inline policies whose document is written elsewhere (`policy = data.….json`).
        t if INLINE_POLICIES.contains(&t) => &["policy"],
        "aws_iam_role" => &["managed_policy_arns"],
        "aws_ssoadmin_permission_set_inline_policy" => &["inline_policy"],
        "aws_ssoadmin_customer_managed_policy_attachment" => &["customer_managed_policy_reference"],
        "azurerm_role_assignment" => &["role_definition_id", "role_definition_name"],
        t if t.starts_with("google_") && (t.ends_with("_iam_member") || t.ends_with("_iam_binding")) => &["role"],
        // A `google_iam_policy` document applied to a resource (`policy_data = data.….policy_data`).
        t if t.starts_with("google_") && t.ends_with("_iam_policy") => &["policy_data"],
        t if t.starts_with("vault_") && (t.ends_with("_auth_backend_role") || t == "vault_identity_entity") => {
            &["policies", "token_policies"]
        }
        // An auth method's role or user written through the generic API (`path =
        // "auth/approle/role/ci"`, `data_json = { token_policies = [...] }`).
        "vault_generic_endpoint" => &["data_json"],
        _ => &[],
    }
}

/// Definitions that grant rights when attached: what a grant may name.
fn is_definition(address: &str) -> bool {
    const TYPES: [&str; 9] = [
        "data.aws_iam_policy_document.",
        "data.template_file.",
        "data.google_iam_policy.",
        "aws_iam_policy.",
        "data.vault_policy_document.",
        "vault_policy.",
        "azurerm_role_definition.",
        "google_project_iam_custom_role.",
        "google_organization_iam_custom_role.",
    ];
    TYPES.iter().any(|t| address.starts_with(t))
}

/// Whether a grant block is held back by a condition, or names only people as its grantees.
fn limited_or_human(item: &Item<'_>) -> bool {
    if item.has("condition") || !item.nested("condition").is_empty() {
        return true;
    }
    let members: Vec<String> = item.strs("member").into_iter().chain(item.strs("members")).collect();
    if !members.is_empty() && members.iter().all(|m| crate::rules::common::person_member_kind(m).is_some()) {
        return true;
    }
    if item.str("principal_type").is_some_and(|t| t == "User" || t == "Group") {
        return true;
    }
    if crate::rules::common::vault_person_login(item) {
        return true;
    }
    // At a subscription or management group, a custom role is judged as the built-in roles
    // are (Owner there is reported whoever holds it): a person's account is as much a way in.
    if item.label(0) == "azurerm_role_assignment" && crate::rules::azure_privileged_role::broad_scope(item).is_some() {
        return false;
    }
    item.attr("principal_id").is_some_and(|a| {
        ["azuread_user.", "azuread_group.", "data.azuread_user.", "data.azuread_group."]
            .iter()
            .any(|p| a.expr.mentions(p))
    })
}

/// Whether the binding of a `google_iam_policy` document a finding points into grants to a
/// machine identity. Findings about people's roles stay on the document: applying it is how
/// people get their roles.
fn binds_machines(view: &ModuleView<'_>, f: &RawFinding) -> bool {
    let name = f.key.trim_start_matches("data.google_iam_policy.");
    view.blocks("data", Some("google_iam_policy")).iter().filter(|d| d.label(1) == name && d.file == f.file).any(|d| {
        d.nested("binding").iter().filter(|b| b.block.span.contains(&f.span.start)).any(|b| {
            crate::rules::common::member_exprs(b)
                .iter()
                .any(|m| crate::rules::common::machine_member_kind(m, b.env).is_some())
        })
    })
}

/// What a granted definition is known by: its address, and the name grants may spell out
/// instead of referring to it (`policies = ["admin"]`).
struct Target {
    address: String,
    name: Option<String>,
    /// The finding it carries: the most severe of its scope findings.
    finding: RawFinding,
}

/// Types whose `name` a grant may write literally in place of a reference.
const NAMED: [&str; 2] = ["vault_policy", "azurerm_role_definition"];

/// The findings the grants of broad definitions in `view` add to `found`.
pub(crate) fn grant_findings(view: &ModuleView<'_>, found: &[RawFinding]) -> Vec<RawFinding> {
    let mut carried: BTreeMap<String, RawFinding> = BTreeMap::new();
    for f in found {
        if !is_definition(&f.key) || (f.key.starts_with("data.google_iam_policy.") && !binds_machines(view, f)) {
            continue;
        }
        let Some(e) = codes::find(f.code) else { continue };
        if e.rule.meta().category != Category::ExcessiveScope {
            continue;
        }
        let sev = e.rule.meta().severity;
        let better =
            carried.get(&f.key).is_none_or(|g| codes::find(g.code).is_some_and(|g| g.rule.meta().severity < sev));
        if better {
            carried.insert(f.key.clone(), f.clone());
        }
    }
    if carried.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    // Stored policies carry their document's finding, and are findings of their own.
    for (ty, key) in RESTATEMENTS {
        for item in view.blocks("resource", Some(ty)) {
            let address = crate::syntax::address_of(item.top);
            if carried.contains_key(&address) {
                continue;
            }
            let Some(attr) = item.attr(key) else { continue };
            let paths = traversal_paths(&attr.expr);
            let Some(source) = carried.values().find(|f| paths.iter().any(|p| path_reads(p, &f.key))).cloned() else {
                continue;
            };
            out.push(restated(&item, attr, &source));
            carried.insert(address, source);
        }
    }
    let targets: Vec<Target> = carried
        .into_iter()
        .map(|(address, finding)| {
            let name = NAMED
                .iter()
                .any(|t| address.starts_with(&format!("{t}.")))
                .then(|| block_named(view, &address).and_then(|b| b.str("name")))
                .flatten();
            Target { address, name, finding }
        })
        .collect();
    // Only the blocks that can grant: the resource types above, and module calls.
    let grants = view.blocks_where("resource", |t| !grant_attrs(t).is_empty());
    for item in grants.into_iter().chain(view.blocks("module", None)) {
        let address = crate::syntax::address_of(item.top);
        let is_call = item.top.ident == "module";
        if !is_call && limited_or_human(&item) {
            continue;
        }
        let mut attrs: Vec<(&Attr, Option<Item<'_>>)> = if is_call {
            item.body.attrs.iter().map(|a| (a, None)).collect()
        } else {
            let keys = grant_attrs(item.label(0));
            keys.iter().filter_map(|k| item.attr(k)).map(|a| (a, None)).collect()
        };
        if item.top.ident == "resource" && item.label(0) == "aws_iam_role" {
            for inline in item.nested("inline_policy") {
                if let Some(a) = inline.attr("policy") {
                    attrs.push((a, Some(inline.clone())));
                }
            }
        }
        let mut seen: HashSet<&str> = HashSet::new();
        for (attr, within) in attrs {
            let holder = within.as_ref().unwrap_or(&item);
            // What the value reads, walked once for all targets.
            let paths = traversal_paths(&attr.expr);
            for t in &targets {
                if t.address == address || seen.contains(t.address.as_str()) {
                    continue;
                }
                let by_name = !is_call && t.name.as_deref().is_some_and(|n| names(holder, attr, n));
                if paths.iter().any(|p| path_reads(p, &t.address)) || by_name {
                    seen.insert(&t.address);
                    out.push(granted(&item, attr.expr.span.clone(), t, is_call));
                }
            }
        }
    }
    out
}

/// Whether the attribute's value, for any instance, is or lists the literal `name`; for a
/// Vault generic endpoint under `auth/`, whether its document lists `name` among its policies.
fn names(item: &Item<'_>, attr: &Attr, name: &str) -> bool {
    if item.label(0) == "vault_generic_endpoint" {
        return crate::rules::vault_mounts::generic_endpoint_policies(item).iter().any(|p| p == name);
    }
    let v = item.eval(&attr.expr);
    v.as_str() == Some(name) || v.items().iter().any(|x| x.as_str() == Some(name))
}

/// The rules that judge who a trust policy lets in: any principal, a federated provider
/// without a subject or with a broad one, a whole account.
const TRUST_RULES: [&str; 4] = ["NHI203", "NHI204", "NHI229", "NHI244"];

/// A role whose trust policy is written in a document data source (or a `template_file`) lets in whoever the
/// document does: the role carries the document's trust finding, as it would if the policy
/// were written inline (and as a plan shows it, rendered into the role).
pub(crate) fn trust_findings(view: &ModuleView<'_>, found: &[RawFinding]) -> Vec<RawFinding> {
    let docs: Vec<&RawFinding> = found
        .iter()
        .filter(|f| TRUST_RULES.contains(&f.code) && crate::facts::aws_policies::is_policy_document(&f.key))
        .collect();
    if docs.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for role in view.blocks("resource", Some("aws_iam_role")) {
        let Some(attr) = role.attr("assume_role_policy") else { continue };
        let mut codes: HashSet<&str> = HashSet::new();
        for doc in docs.iter().filter(|d| refers_to_address(&attr.expr, &d.key)) {
            if codes.insert(doc.code) {
                let message = format!("trusts whom `{}` lets in: {}", doc.key, doc.message);
                out.push(finding(&role, attr.expr.span.clone(), doc, message));
            }
        }
    }
    out
}

/// Whether this pass reports a block that reads a flagged data source (`policy =
/// data.aws_iam_policy_document.x.json`) for what it read: an inline policy, as what grants
/// the document, a role's trust policy, as whom the role lets in, and a GCP resource's
/// authoritative policy, as what applies a `google_iam_policy` document, and a stored policy
/// (`aws_iam_policy`, `vault_policy`) for a broad grant, as a finding of its own. A plan, which
/// otherwise leaves such readers to the data source's finding, keeps these.
pub(crate) fn reader_reported(ty: &str, attr: Option<&str>, code: &str) -> bool {
    let restated = || {
        RESTATEMENTS.iter().any(|(t, k)| *t == ty && attr == Some(*k))
            && codes::find(code).is_some_and(|e| e.rule.meta().category == Category::ExcessiveScope)
    };
    INLINE_POLICIES.contains(&ty)
        || (ty == "aws_iam_role" && attr == Some("assume_role_policy") && TRUST_RULES.contains(&code))
        // A resource's authoritative policy applying a `google_iam_policy` document grants it.
        || (ty.starts_with("google_") && ty.ends_with("_iam_policy") && attr == Some("policy_data"))
        || restated()
}

/// Blocks that grant a policy to an AWS group, and the attribute naming the group(s).
const GROUP_GRANTS: [(&str, &str); 3] = [
    ("aws_iam_group_policy_attachment", "group"),
    ("aws_iam_group_policy", "group"),
    ("aws_iam_policy_attachment", "groups"),
];

/// Blocks that put users into AWS groups: the attribute naming the group(s), and the one
/// naming the user(s).
const MEMBERSHIPS: [(&str, &str, &str); 2] =
    [("aws_iam_group_membership", "group", "users"), ("aws_iam_user_group_membership", "groups", "user")];

/// The addresses of the blocks of type `ty` that `attr` of `holder` names, by reference or by
/// their literal `name`.
fn blocks_named_by(view: &ModuleView<'_>, ty: &str, holder: &Item<'_>, attr: &Attr) -> Vec<String> {
    view.blocks("resource", Some(ty))
        .into_iter()
        .map(|b| (crate::syntax::address_of(b.top), b.str("name")))
        .filter(|(address, name)| {
            refers_to_address(&attr.expr, address) || name.as_deref().is_some_and(|n| names(holder, attr, n))
        })
        .map(|(address, _)| address)
        .collect()
}

/// The `aws_iam_user` blocks of the view that have an access key there: machine users. People
/// sign in with a password; their group memberships are left to the group's own findings.
fn users_with_keys(view: &ModuleView<'_>) -> Vec<String> {
    let keyed: HashSet<String> = view
        .blocks("resource", Some("aws_iam_access_key"))
        .iter()
        .filter_map(|k| Some(blocks_named_by(view, "aws_iam_user", k, k.attr("user")?)))
        .flatten()
        .collect();
    // In the order the users are written, so that messages name the first of several.
    view.blocks("resource", Some("aws_iam_user"))
        .iter()
        .map(|u| crate::syntax::address_of(u.top))
        .filter(|address| keyed.contains(address))
        .collect()
}

/// A group membership hands its users whatever the group is granted: a membership that puts a
/// machine user (one with an access key) into a group a broad policy is attached to is
/// reported with that grant's finding, once per group.
pub(crate) fn membership_findings(view: &ModuleView<'_>, found: &[RawFinding]) -> Vec<RawFinding> {
    let mut broad: BTreeMap<String, &RawFinding> = BTreeMap::new();
    for f in found {
        let ty = f.key.split_once('.').map_or("", |(ty, _)| ty);
        let Some((_, attr_name)) = GROUP_GRANTS.iter().find(|(t, _)| *t == ty) else { continue };
        if codes::find(f.code).is_none_or(|e| e.rule.meta().category != Category::ExcessiveScope) {
            continue;
        }
        let Some(grant) = block_named(view, &f.key) else { continue };
        let Some(attr) = grant.attr(attr_name) else { continue };
        for group in blocks_named_by(view, "aws_iam_group", &grant, attr) {
            broad.entry(group).or_insert(f);
        }
    }
    if broad.is_empty() {
        return Vec::new();
    }
    let machines = users_with_keys(view);
    let mut out = Vec::new();
    for (ty, group_attr, user_attr) in MEMBERSHIPS {
        for item in view.blocks("resource", Some(ty)) {
            let (Some(attr), Some(users)) = (item.attr(group_attr), item.attr(user_attr)) else { continue };
            let Some(machine) = machines.iter().find(|u| refers_to_address(&users.expr, u)) else { continue };
            for group in blocks_named_by(view, "aws_iam_group", &item, attr) {
                let Some(source) = broad.get(&group) else { continue };
                let message = format!(
                    "adds `{machine}`, a user with an access key, to `{group}`, granted broad rights by {}",
                    where_found(source)
                );
                out.push(finding(&item, attr.expr.span.clone(), source, message));
            }
        }
    }
    out
}

fn block_named<'a>(view: &ModuleView<'a>, address: &str) -> Option<Item<'a>> {
    let (ty, name) = address.split_once('.')?;
    view.blocks("resource", Some(ty)).into_iter().find(|b| b.label(1) == name)
}

fn where_found(f: &RawFinding) -> String {
    format!("`{}`: {}", f.key, f.message)
}

fn restated(item: &Item<'_>, attr: &Attr, source: &RawFinding) -> RawFinding {
    finding(item, attr.expr.span.clone(), source, format!("stores the policy written in {}", where_found(source)))
}

fn granted(item: &Item<'_>, span: Span, t: &Target, is_call: bool) -> RawFinding {
    let verb = if is_call { "passes to the module" } else { "grants" };
    let mut message = format!("{verb} `{}`, which is broad: {}", t.address, t.finding.message);
    if t.finding.key != t.address {
        message = format!("{verb} `{}`, the policy written in {}", t.address, where_found(&t.finding));
    }
    finding(item, span, &t.finding, message)
}

fn finding(item: &Item<'_>, span: Span, source: &RawFinding, message: String) -> RawFinding {
    let key = crate::syntax::address_of(item.top);
    let prefix = source.address.strip_suffix(&source.key).unwrap_or("");
    RawFinding {
        code: source.code,
        file: item.file,
        span,
        message,
        help: source.help.clone(),
        address: format!("{prefix}{key}"),
        key,
    }
}
