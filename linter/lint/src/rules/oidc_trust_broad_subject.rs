use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::oidc_trust_without_subject::ci_trusts;

/// What a subject pattern of a CI token lets in, when a wildcard opens more than one pipeline
/// of one repository: every repository of an owner, or every ref, pull request and environment
/// of one repository. `None` for exact subjects, narrower wildcards (`ref:refs/heads/release-*`)
/// and patterns with no owner at all (those are NHI204's).
fn broad_subject(v: &str) -> Option<String> {
    let (kind, rest) = v.split_once(':')?;
    match kind {
        // GitHub `repo:OWNER/REPO:CONTEXT`, GitLab `project_path:GROUP/PROJECT:ref_type:…`.
        "repo" | "project_path" => {
            let (path, context) = rest.split_once(':').unwrap_or((rest, ""));
            // `repo:${github_repository.app.full_name}:*`: one repository, named elsewhere.
            if !path.contains('/') && path.contains(crate::eval::HOLE) {
                return broad_context(context).map(|what| format!("{what} of `{path}`"));
            }
            let (owner, name) = path.rsplit_once('/')?;
            if owner.is_empty() || owner.starts_with('*') {
                return None;
            }
            if name.contains('*') {
                Some(format!("every repository of `{owner}`"))
            } else {
                broad_context(context).map(|what| format!("{what} of `{path}`"))
            }
        }
        // Terraform Cloud `organization:ORG:project:P:workspace:W:run_phase:PHASE`.
        "organization" => {
            let (org, tail) = rest.split_once(':').unwrap_or((rest, ""));
            let workspace_open = tail == "*"
                || tail.split(':').collect::<Vec<_>>().windows(2).any(|w| w[0] == "workspace" && w[1] == "*");
            (workspace_open && !org.starts_with('*')).then(|| format!("every workspace of `{org}`"))
        }
        _ => None,
    }
}

/// What the context part of a GitHub subject (after `repo:OWNER/REPO:`) admits, when it is a
/// wildcard over refs: `*` (everything) or `ref:refs/*` (every branch and tag), or the subject
/// of every pull request's workflow (`pull_request`).
fn broad_context(context: &str) -> Option<&'static str> {
    match context {
        "*" => Some("every branch, tag, pull request and environment"),
        "ref:refs/*" => Some("every branch and tag"),
        "ref:refs/heads/*" => Some("every branch"),
        // Workflows of pull requests: code nobody has reviewed or merged yet.
        "pull_request" => Some("every pull request"),
        _ => None,
    }
}

/// The first subject wildcard in the inputs of a module whose code is not here: an object with
/// a `claim`/`sub`/`subject` key (`{ repo_name = "app", claim = "*" }`): the repository and
/// what its claim admits.
fn module_claim(value: &crate::eval::Value) -> Option<(String, &'static str)> {
    use crate::eval::Value;
    match value {
        Value::Object(map) => {
            let claim = map
                .iter()
                .find(|(k, _)| matches!(k.as_str(), "claim" | "sub" | "subject"))
                .and_then(|(_, v)| v.as_str());
            if let Some(what) = claim.and_then(broad_context) {
                let repo = map
                    .iter()
                    .find(|(k, _)| k.contains("repo"))
                    .and_then(|(_, v)| v.as_str())
                    .unwrap_or("the repository");
                return Some((repo.to_owned(), what));
            }
            map.values().find_map(module_claim)
        }
        Value::List(items) => items.iter().find_map(module_claim),
        _ => None,
    }
}

/// An OIDC role module (its source names `oidc`) given token subjects to trust (`subjects =
/// ["repo:org/app:*"]`, `oidc_subjects`): the input's span and what its first broad subject
/// admits. A GitHub module's subject may leave out `repo:` (`"org/app:*"`).
fn broad_subject_input(call: &crate::query::Item<'_>) -> Option<(crate::span::Span, String)> {
    let source = crate::rules::common::registry_address(call)?;
    if !source.contains("oidc") {
        return None;
    }
    crate::rules::common::inputs_named(call, "subject").find_map(|a| {
        let texts = crate::rules::common::instance_texts(call, &a.expr);
        let what = texts.into_iter().find_map(|t| {
            let kind = t.split_once(':').map_or("", |(k, _)| k);
            let subject = if matches!(kind, "repo" | "project_path") || !source.contains("github") {
                t
            } else {
                format!("repo:{t}")
            };
            broad_subject(&subject)
        })?;
        Some((a.expr.span.clone(), what))
    })
}

/// A GitHub OIDC role module (its source names both) given repositories as bare `owner/repo`
/// (`repositories = ["org/app"]`): such modules trust `repo:owner/repo:*`, every ref of it.
/// The input's span and the first repository, as written.
fn bare_repository_input(call: &crate::query::Item<'_>) -> Option<(crate::span::Span, String)> {
    let source = crate::rules::common::registry_address(call)?;
    if !(source.contains("github") && source.contains("oidc")) {
        return None;
    }
    // The call narrows the trust itself: a condition, branch, environment or subject input
    // that is not the module's "any ref" switch (`default_conditions = ["allow_main"]`,
    // `branches = ["main"]`).
    const NARROWING_INPUTS: [&str; 6] = ["condition", "branch", "environment", "subject", "ref", "claim"];
    let narrowed = call.body.attrs.iter().any(|a| {
        let key = a.key.to_ascii_lowercase();
        if !NARROWING_INPUTS.iter().any(|w| key.contains(w)) || key.contains("repo") {
            return false;
        }
        let texts = crate::rules::common::input_texts(call, &a.expr);
        let any_ref = |t: &String| {
            let t = t.to_ascii_lowercase();
            t.contains('*') || t == "all" || t.ends_with("_all") || t.starts_with("all_")
        };
        !texts.is_empty() && !texts.iter().any(any_ref)
    });
    if narrowed {
        return None;
    }
    crate::rules::common::inputs_named(call, "repo").find_map(|a| {
        // Known values, and templates as written (`"${var.org}/${var.repo}"`).
        let texts = crate::rules::common::input_texts(call, &a.expr);
        let repo = texts.into_iter().find(|r| {
            r.matches('/').count() == 1 && !r.contains([':', '*']) && !r.starts_with('/') && !r.ends_with('/')
        })?;
        Some((a.expr.span.clone(), repo))
    })
}

/// Claims of CI tokens that name a pipeline's repository (or project, or group) and nothing
/// narrower: GitHub Actions, GitLab CI.
const REPOSITORY_CLAIMS: [&str; 8] = [
    "repository",
    "repository_id",
    "repository_owner",
    "repository_owner_id",
    "project_path",
    "project_id",
    "namespace_path",
    "namespace_id",
];

/// Claims that narrow a CI token to a branch, tag, environment, workflow or event.
const NARROWING_CLAIMS: [&str; 14] = [
    "sub",
    "ref",
    "ref_type",
    "ref_protected",
    "environment",
    "environment_protected",
    "deployment_tier",
    "job_workflow_ref",
    "workflow",
    "workflow_ref",
    "event_name",
    "pipeline_source",
    "ci_config_ref_uri",
    "branch",
];

/// What a Vault JWT role's `bound_claims` (and `bound_subject`) let in, when they admit more
/// than one pipeline of a repository or workspace: a subject wildcard (`bound_subject` or a
/// glob `sub`), a ref glob over every branch and tag, or a repository claim with nothing
/// narrowing it to a branch or environment. The claim it reports on, and what it admits.
fn vault_role_breadth(r: &crate::query::Item<'_>) -> Option<(&'static str, String)> {
    use crate::eval::Value;
    if let Some(what) = r.str("bound_subject").as_deref().and_then(broad_subject) {
        return Some(("bound_subject", what));
    }
    let Some(Value::Object(claims)) = r.value("bound_claims") else { return None };
    let glob = r.str("bound_claims_type").as_deref() == Some("glob");
    let text = |k: &str| claims.get(k).and_then(|v| v.as_str().map(str::to_owned));
    if glob {
        if let Some(what) = text("sub").as_deref().and_then(broad_subject) {
            return Some(("bound_claims", what));
        }
        if let (Some(repo), Some("refs/*" | "*")) =
            (text("repository").or_else(|| text("project_path")), text("ref").as_deref())
        {
            return Some(("bound_claims", format!("every branch and tag of `{repo}`")));
        }
    }
    let narrowed = claims.keys().any(|k| NARROWING_CLAIMS.contains(&k.as_str()));
    let repository = REPOSITORY_CLAIMS.iter().find(|k| claims.contains_key(**k))?;
    if narrowed || r.has("bound_subject") {
        return None;
    }
    let name = text(repository).unwrap_or_else(|| "the repository".to_owned());
    let what = if repository.starts_with("repository_owner") || repository.starts_with("namespace") {
        format!("every pipeline of every repository of `{name}`")
    } else if repository.starts_with("project") {
        format!("every branch, merge request and environment of `{name}`")
    } else {
        format!("every branch, pull request and environment of `{name}`")
    };
    Some(("bound_claims", what))
}

/// The subject a flexible federated credential's expression tests, as a pattern:
/// `claims['sub'] matches 'repo:o/r:*'` or `claims['sub'] eq 'repo:o/r:pull_request'`.
fn flexible_subject(expression: &str) -> Option<&str> {
    let rest = expression.split_once("claims['sub']")?.1.trim_start();
    let rest = rest.strip_prefix("matches").or_else(|| rest.strip_prefix("eq"))?.trim_start();
    let rest = rest.strip_prefix('\'')?;
    rest.split_once('\'').map(|(subject, _)| subject)
}

/// Workload identity pool attributes that name a whole owner or group of CI repositories:
/// GitHub's `repository_owner`, GitLab's `namespace_path` / `namespace_id`.
const OWNER_ATTRIBUTES: [&str; 4] = ["repository_owner", "repository_owner_id", "namespace_path", "namespace_id"];

/// The pool attributes (`attribute.owner`, `google.subject`) that the workload identity pool
/// providers of a module map from an owner or group claim (`assertion.repository_owner`), with
/// that claim and the provider: a grant to one of their values admits every repository of the
/// owner. Providers whose condition names a repository are left out.
fn owner_mapped_attributes<'a>(cx: &Ctx<'a>) -> Vec<(crate::query::Item<'a>, String, &'static str)> {
    let mut out = Vec::new();
    for p in cx.resources("google_iam_workload_identity_pool_provider") {
        let Some(crate::eval::Value::Object(mapping)) = p.value("attribute_mapping") else { continue };
        if narrowed_to_a_repository(&p) {
            continue;
        }
        for (target, source) in &mapping {
            let Some(claim) = source.as_str().and_then(|s| s.trim().strip_prefix("assertion.")) else { continue };
            if let Some(claim) = OWNER_ATTRIBUTES.iter().find(|c| **c == claim) {
                out.push((p.clone(), target.clone(), *claim));
            }
        }
    }
    out
}

/// Whether a workload identity pool provider's `attribute_condition` names the repository,
/// project, ref or subject: then an owner-wide subject or attribute admits that much only.
fn narrowed_to_a_repository(p: &crate::query::Item<'_>) -> bool {
    let condition = p.value("attribute_condition").and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    ["assertion.sub", "assertion.ref", "assertion.project_path", "assertion.workflow", "assertion.environment"]
        .iter()
        .any(|c| condition.contains(c))
        || condition.match_indices("assertion.repository").any(|(i, m)| !condition[i + m.len()..].starts_with('_'))
}

/// Whether a workload identity pool provider's `attribute_condition` narrows tokens below a
/// repository: to a ref, environment, workflow or subject.
fn narrowed_below_a_repository(p: &crate::query::Item<'_>) -> bool {
    let condition = p.value("attribute_condition").and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    [
        "assertion.sub",
        "assertion.ref",
        "assertion.environment",
        "assertion.workflow",
        "assertion.job_workflow_ref",
        "attribute.ref",
    ]
    .iter()
    .any(|c| condition.contains(c))
}

/// The repository a principal set of a workload identity pool names by its repository
/// attribute (`principalSet://…/attribute.repository/my-org/app`): every workflow of it.
fn repository_principal_set(member: &str) -> Option<String> {
    let rest = member.strip_prefix("principalSet://")?;
    let (_, repo) = rest.split_once("/attribute.repository/")?;
    (repo.matches('/').count() == 1 && !repo.contains('*')).then(|| crate::eval::show_holes(repo))
}

/// What a GCP IAM member of a workload identity pool admits, when it is every repository of an
/// owner or group: `principalSet://…/attribute.repository_owner/acme`, or an attribute (or the
/// subject, `principal://…/subject/acme`) that the pool's provider maps from the owner claim.
fn owner_principal_set(member: &str, mapped: &[(crate::query::Item<'_>, String, &'static str)]) -> Option<String> {
    let claim_of = |target: &str| mapped.iter().find(|(_, t, _)| t == target).map(|(_, _, c)| *c);
    if let Some(rest) = member.strip_prefix("principal://") {
        let (_, value) = rest.split_once("/subject/")?;
        let claim = claim_of("google.subject")?;
        let value = crate::eval::show_holes(value);
        return Some(format!("every repository and branch of `{value}` (google.subject = assertion.{claim})"));
    }
    let rest = member.strip_prefix("principalSet://")?;
    let (_, attr) = rest.split_once("/attribute.")?;
    let (name, value) = attr.split_once('/')?;
    let value = crate::eval::show_holes(value);
    if OWNER_ATTRIBUTES.contains(&name) {
        return Some(format!("every repository and branch of `{value}` (attribute.{name})"));
    }
    let claim = claim_of(&format!("attribute.{name}"))?;
    Some(format!("every repository and branch of `{value}` (attribute.{name} = assertion.{claim})"))
}

/// ## What it does
/// Finds CI OIDC trust policies (GitHub Actions, GitLab.com, Terraform Cloud) whose subject
/// condition uses a wildcard that admits more than the intended pipeline: every repository of
/// an organization (`repo:my-org/*`), or every branch, tag, pull request and environment of a
/// repository (`repo:my-org/app:*`), every branch and tag (`ref:refs/*`), or every workspace of
/// a Terraform Cloud organization — also when the trust is an input of an OIDC-role module whose
/// code is not here (`roles = [{ repo_name = "app", claim = "*" }]`, `subjects = ["my-org/app:*"]`,
/// a whole trust policy document given to a role module (`assume_role_policy = templatefile(…)`),
/// or a GitHub OIDC module given a bare `repositories = ["my-org/app"]` with no condition,
/// branch or environment input of its own other than "any ref" (`default_conditions =
/// ["allow_all"]`; `["allow_main"]` narrows it)). Vault JWT auth roles
/// likewise: a wildcard `bound_subject` or glob `sub` claim, a glob `ref` of `refs/*`, or
/// `bound_claims` that name only a repository or project (`{ repository = "my-org/app" }`,
/// `{ project_path = "group/app" }`) with no branch, environment or workflow claim. The
/// subject of every pull request's workflow (`repo:my-org/app:pull_request`) counts too, in
/// trust policies and in Azure federated identity credentials (flexible ones too, by the
/// subject their `claims_matching_expression` tests), and `ref:refs/heads/*` admits every
/// branch. On GCP, an IAM grant to a
/// workload identity pool's principal set of a whole owner or group
/// (`principalSet://…/attribute.repository_owner/my-org`, `…/attribute.namespace_path/group`),
/// also through an attribute or subject the pool's provider maps from the owner claim
/// (`"attribute.org" = "assertion.repository_owner"`), and such a provider itself when it maps
/// `google.subject` from the owner claim and its condition names no repository; and a grant
/// (also a `google_iam_policy` binding) to the principal set of one repository
/// (`…/attribute.repository/my-org/app`) with no IAM condition, when the pool's providers in
/// the module narrow tokens to no ref, environment or workflow: every branch and pull request.
/// Subjects without any owner (`*`, `repo:*`) are NHI204.
///
/// ## Why is this bad?
/// The role's rights then go to code nobody reviewed yet: a pull request's workflow, a
/// feature branch, another team's repository in the same organization. Deployment roles
/// should trust the protected branch or environment that deploys.
///
/// ## Example
/// ```hcl
/// condition {
///   test     = "StringLike"
///   variable = "token.actions.githubusercontent.com:sub"
///   values   = ["repo:my-org/app:*"]
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// condition {
///   test     = "StringEquals"
///   variable = "token.actions.githubusercontent.com:sub"
///   values   = ["repo:my-org/app:environment:production"]
/// }
/// ```
#[derive(Debug)]
pub struct OidcTrustBroadSubject;

impl Rule for OidcTrustBroadSubject {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "oidc-trust-broad-subject",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "a CI OIDC trust policy whose subject wildcard admits every repository, branch or workspace",
            source: include_str!("oidc_trust_broad_subject.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        // OIDC role modules whose code is not here, given their trust as inputs.
        for call in crate::rules::common::remote_module_calls(cx) {
            if let Some((span, what)) = broad_subject_input(&call) {
                cx.report(&call, span, format!("CI tokens of {what} can assume a role this module creates"))
                    .help("give the module subjects with the protected branch or environment that deploys (`repo:owner/repo:ref:refs/heads/main`, `repo:owner/repo:environment:production`)");
                continue;
            }
            if let Some((span, repo)) = bare_repository_input(&call) {
                cx.report(&call, span, format!("CI tokens of every branch, tag, pull request and environment of `{repo}` can assume a role this module creates"))
                    .help("give the module subjects with the protected branch or environment that deploys (`owner/repo:ref:refs/heads/main`, `owner/repo:environment:production`)");
                continue;
            }
            for attr in &call.body.attrs {
                let Some((repo, what)) = call.value(&attr.key).as_ref().and_then(module_claim) else { continue };
                cx.report(&call, attr.expr.span.clone(), format!("CI tokens of {what} of `{repo}` can assume a role this module creates"))
                    .help("trust the protected branch or environment that deploys (claim = \"environment:production\" or \"ref:refs/heads/main\")");
                break;
            }
        }
        // Azure federated credentials match their subject exactly: the one that is wide is
        // GitHub's `repo:OWNER/REPO:pull_request`, which every pull request's workflow presents.
        for f in cx.resources_of(&[
            "azuread_application_federated_identity_credential",
            "azurerm_federated_identity_credential",
        ]) {
            let Some(attr) = f.attr("subject") else { continue };
            // Each instance's (`for_each = { main = "ref:refs/heads/main", pr = "pull_request" }`).
            // Holes kept: `repo:${var.org}/${var.repo}:pull_request` still says `pull_request`.
            let subjects = f.per_instance(|| f.env.eval_lenient_deep(&attr.expr));
            let Some(what) = subjects.iter().find_map(|subject| {
                let crate::eval::Value::Str(subject) = subject else { return None };
                Some(subject.as_str()).filter(|s| s.starts_with("repo:")).and_then(broad_subject)
            }) else {
                continue;
            };
            let what = crate::eval::show_holes(&what);
            cx.report(&f, attr.expr.span.clone(), format!("GitHub Actions workflows of {what} can sign in as this identity"))
                .help("federate the environment or branch that deploys (repo:my-org/app:environment:production); give pull requests a separate identity with read-only rights");
        }
        // Flexible federated credentials match the subject with an expression:
        // `claims['sub'] matches 'repo:my-org/app:ref:refs/heads/*'`.
        for f in cx.resources("azuread_application_flexible_federated_identity_credential") {
            let Some(attr) = f.attr("claims_matching_expression") else { continue };
            let crate::eval::Value::Str(expression) = f.within(|| f.env.eval_lenient_deep(&attr.expr)) else {
                continue;
            };
            let Some(subject) = flexible_subject(&expression) else { continue };
            let Some(what) = Some(subject).filter(|s| s.starts_with("repo:")).and_then(broad_subject) else {
                continue;
            };
            let what = crate::eval::show_holes(&what);
            cx.report(&f, attr.expr.span.clone(), format!("GitHub Actions workflows of {what} can sign in as this identity"))
                .help("match the environment or branch that deploys (claims['sub'] eq 'repo:my-org/app:environment:production')");
        }
        // GCP: a grant to the principal set of every repository of an owner or group.
        let mapped = owner_mapped_attributes(cx);
        for (p, _, claim) in mapped.iter().filter(|(_, target, _)| target == "google.subject") {
            cx.report(p, p.span("attribute_mapping"), format!("google.subject is the owner claim `{claim}`: every grant to a subject of this pool admits every repository of the owner"))
                .help("map google.subject from assertion.sub (repository, branch and event) and grant the principal set of one repository");
        }
        // A principal set of one repository admits every branch, pull request and environment
        // of it unless the pool's providers narrow tokens to a ref: judged only when the
        // providers are here to tell.
        let providers = cx.resources("google_iam_workload_identity_pool_provider");
        // The providers of the pool a member names (all of them when a provider's pool is not
        // known here): none of them narrows the ref.
        let every_ref_of = |member: &str| {
            let pool = member.split("/workloadIdentityPools/").nth(1).and_then(|r| r.split('/').next());
            let of_pool: Vec<_> = providers
                .iter()
                .filter(|p| match (p.str("workload_identity_pool_id"), pool) {
                    (Some(id), Some(pool)) if !pool.contains(crate::eval::HOLE) => id == pool,
                    _ => true,
                })
                .collect();
            !of_pool.is_empty() && !of_pool.iter().any(|p| narrowed_below_a_repository(p))
        };
        let grants = cx.resources_where(|t| {
            t.starts_with("google_") && (t.ends_with("_iam_member") || t.ends_with("_iam_binding"))
        });
        // And the bindings of a policy document (`data "google_iam_policy"`).
        let bindings = cx.data("google_iam_policy").into_iter().flat_map(|d| d.nested("binding"));
        for g in grants.into_iter().chain(bindings) {
            let Some((key, attr)) = ["member", "members"].iter().find_map(|k| g.attr(k).map(|a| (*k, a))) else {
                continue;
            };
            let mut members = Vec::new();
            crate::rules::common::strings_in(&g.within(|| g.env.eval_lenient_deep(&attr.expr)), &mut members);
            if let Some(what) = members.iter().find_map(|m| owner_principal_set(m, &mapped)) {
                cx.report(&g, g.span(key), format!("CI workloads of {what} get this role"))
                    .help("bind the principal set of one repository and branch (attribute.repository/my-org/app with an attribute_condition on the ref), not the whole owner");
            } else if let Some(repo) =
                // An IAM condition on the grant may narrow it to a branch itself.
                members
                    .iter()
                    .filter(|m| every_ref_of(m))
                    .find_map(|m| repository_principal_set(m))
                    .filter(|_| g.nested("condition").is_empty())
            {
                cx.report(&g, g.span(key), format!("CI workloads of every branch, pull request and environment of `{repo}` get this role: the pool's providers do not narrow the ref"))
                    .help("add an attribute_condition on the ref or environment that deploys (assertion.ref == 'refs/heads/main'), or bind a principal set of attribute.ref mapped from it");
            }
        }
        for r in cx.resources("vault_jwt_auth_backend_role") {
            // A role that hands out the `default` policy alone grants nothing to widen.
            let policies = crate::rules::vault_mounts::role_policies(&r);
            if !policies.is_empty() && policies.iter().all(|p| p.as_str() == Some("default")) {
                continue;
            }
            if let Some((key, what)) = vault_role_breadth(&r) {
                let what = crate::eval::show_holes(&what);
                cx.report(&r, r.span(key), format!("CI tokens of {what} can log in with this Vault role"))
                    .help("bind a branch, tag or environment too: bound_claims = { repository = \"my-org/app\", ref = \"refs/heads/main\" }, or { project_path = \"group/app\", ref_protected = \"true\" }");
            }
        }
        let mut reported = std::collections::HashSet::new();
        for (item, s, issuer) in ci_trusts(cx) {
            if reported.contains(&item.block_id()) {
                continue;
            }
            let broad = s
                .conditions
                .iter()
                .filter(|(_, key, _)| key.to_ascii_lowercase().ends_with(":sub"))
                // Raw text, holes included: `repo:${var.org}/${var.repo}:*` still says `*`.
                .flat_map(|(_, _, values)| {
                    values.iter().filter_map(|v| match v {
                        crate::eval::Value::Str(s) => Some(s.as_str()),
                        _ => None,
                    })
                })
                .find_map(|v| broad_subject(v).map(|what| (v.to_owned(), what)));
            if let Some((pattern, what)) = broad {
                reported.insert(item.block_id());
                // Parts written with values not known here read `${…}`.
                let pattern = crate::eval::show_holes(&pattern);
                let what = crate::eval::show_holes(&what);
                cx.report(&item, s.principals_span.clone(), format!("{issuer} tokens of {what} can assume this role (`{pattern}`)"))
                    .help("trust the protected branch or environment that deploys, e.g. \"repo:my-org/my-repo:environment:production\"");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::broad_subject;

    #[test]
    fn wildcards_that_open_a_repository_or_an_organization_are_told_apart() {
        assert!(broad_subject("repo:acme/*").unwrap().contains("every repository of `acme`"));
        assert!(broad_subject("repo:acme/*:ref:refs/heads/main").unwrap().contains("every repository"));
        assert!(broad_subject("repo:acme/app:*").unwrap().contains("every branch"));
        assert!(broad_subject("repo:acme/app*").is_some());
        assert!(broad_subject("repo:acme/app:ref:refs/*").unwrap().contains("every branch and tag"));
        let hole = crate::eval::HOLE;
        assert!(broad_subject(&format!("repo:{hole}/{hole}:*")).unwrap().contains("every branch"));
        assert!(broad_subject(&format!("repo:{hole}/{hole}:environment:production")).is_none());
        assert!(
            broad_subject(&format!("repo:{hole}:*")).unwrap().contains("every branch"),
            "a full name not known here"
        );
        assert!(broad_subject(&format!("repo:{hole}:environment:production")).is_none());
        assert!(broad_subject("repo:acme/app:pull_request").unwrap().contains("every pull request"));
        assert!(super::owner_principal_set("principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/attribute.repository_owner/acme", &[]).is_some());
        assert!(super::owner_principal_set("principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/attribute.repository/acme/app", &[]).is_none());
        assert!(broad_subject("project_path:group/sub/*:ref_type:branch:ref:main").is_some());
        assert!(broad_subject("organization:acme:project:*:workspace:*:run_phase:*").is_some());
        for narrow in [
            "repo:acme/app:ref:refs/heads/main",
            "repo:acme/app:environment:production",
            "repo:acme/app:ref:refs/heads/release-*",
            "repo:*",
            "*",
            "organization:acme:project:p:workspace:prod:run_phase:*",
        ] {
            assert_eq!(broad_subject(narrow), None, "{narrow}");
        }
    }
}
