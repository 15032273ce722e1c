use crate::eval::iam_policy::Statement;
use crate::facts::aws_policies::{is_assume_role, trust_statements};
use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::null_by_default;

/// Issuers whose tokens are minted for any repository or project on the platform.
const SHARED_ISSUERS: [&str; 5] = [
    "token.actions.githubusercontent.com",
    // GitHub Actions' first issuer, still written in older modules.
    "vstoken.actions.githubusercontent.com",
    "gitlab.com",
    "app.terraform.io",
    "oidc.circleci.com",
];

/// Whether a subject pattern leaves the owner (user, organization, group) open: `*`,
/// `repo:*`, `project_path:*/…`: then any account on the platform matches.
fn matches_any_owner(v: &str) -> bool {
    let rest = v.split_once(':').filter(|(kind, _)| !kind.contains('*')).map_or(v, |(_, r)| r);
    rest.starts_with('*')
}

/// The shared CI issuer whose tokens carry subjects of this shape: GitHub Actions'
/// `repo:OWNER/REPO:…`, GitLab's `project_path:GROUP/PROJECT:…`, Terraform Cloud's
/// `organization:ORG:project:…`.
fn issuer_of_subject(v: &str) -> Option<&'static str> {
    let (kind, rest) = v.split_once(':')?;
    match kind {
        "repo" if rest.contains(':') => Some("token.actions.githubusercontent.com"),
        "project_path" if rest.contains(":ref_type:") || rest.ends_with(":*") => Some("gitlab.com"),
        "organization" if rest.contains(":project:") || rest.contains(":workspace:") => Some("app.terraform.io"),
        _ => None,
    }
}

/// Every allowing role-assumption statement whose federated principal (or condition keys) is a
/// shared CI issuer: `(holder, statement, issuer)`.
pub fn ci_trusts<'a>(cx: &Ctx<'a>) -> Vec<(Item<'a>, &'a Statement, &'static str)> {
    let mut out = Vec::new();
    for src in trust_statements(cx.facts().policies()) {
        for s in src.statements.iter().filter(|s| s.is_allow() && is_assume_role(s)) {
            let Some(principals) = &s.principals else { continue };
            let issuer =
                principals.iter().filter(|(ty, _)| ty.eq_ignore_ascii_case("Federated")).find_map(|(_, ids)| {
                    ids.iter().find_map(|i| {
                        let text = i.as_str()?;
                        SHARED_ISSUERS.iter().find(|iss| text.contains(*iss)).copied()
                    })
                });
            // The issuer can also be named only in the condition keys.
            let issuer = issuer.or_else(|| {
                s.conditions
                    .iter()
                    .find_map(|(_, key, _)| SHARED_ISSUERS.iter().find(|iss| key.starts_with(*iss)).copied())
            });
            // Or, when the provider is only known after apply, by the shape of the subjects
            // its `:sub` condition admits (`repo:owner/app:*` is a GitHub Actions subject).
            let issuer = issuer.or_else(|| {
                s.conditions.iter().filter(|(_, key, _)| key.to_ascii_lowercase().ends_with(":sub")).find_map(
                    |(_, _, values)| {
                        // Raw text, holes included (`repo:${…}:*`).
                        values.iter().find_map(|v| match v {
                            crate::eval::Value::Str(t) => issuer_of_subject(t),
                            _ => None,
                        })
                    },
                )
            });
            if let Some(issuer) = issuer {
                out.push((src.item.clone(), s, issuer));
            }
        }
    }
    out
}

/// ## What it does
/// Finds web-identity trust policies for shared CI issuers (GitHub Actions, GitLab.com,
/// Terraform Cloud, CircleCI) that do not restrict the token subject (`…:sub`), and GCP
/// workload identity pool providers for those issuers without an `attribute_condition` (or
/// with one left to a variable whose default is null, as reusable modules do). Also
/// finds web-identity trusts of any other IAM OIDC provider — an EKS cluster's, for IRSA — with
/// no condition on the token subject: every service account of the cluster can assume them;
/// and GCP providers for a self-hosted issuer (a Jenkins, a cluster; not Entra ID, Google or
/// Cognito, whose tokens are bound to one application's audience) without an
/// `attribute_condition`.
///
/// ## Why is this bad?
/// Those issuers sign tokens for every repository on the platform. Without a `sub` condition,
/// any repository of any user — not just yours — can assume the role.
///
/// ## Example
/// ```hcl
/// data "aws_iam_policy_document" "github" {
///   statement {
///     actions = ["sts:AssumeRoleWithWebIdentity"]
///     principals {
///       type        = "Federated"
///       identifiers = [aws_iam_openid_connect_provider.github.arn]
///     }
///     condition {
///       test     = "StringEquals"
///       variable = "token.actions.githubusercontent.com:aud"
///       values   = ["sts.amazonaws.com"]
///     }
///   }
/// }
/// ```
///
/// ## Use instead
/// Add a condition on the subject naming your repository and branch or environment:
/// ```hcl
///     condition {
///       test     = "StringLike"
///       variable = "token.actions.githubusercontent.com:sub"
///       values   = ["repo:my-org/my-repo:ref:refs/heads/main"]
///     }
/// ```
#[derive(Debug)]
pub struct OidcTrustWithoutSubject;

impl Rule for OidcTrustWithoutSubject {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "oidc-trust-without-subject",
            category: Category::ExcessiveScope,
            severity: Severity::Critical,
            summary: "a CI OIDC trust policy that does not restrict the token subject",
            source: include_str!("oidc_trust_without_subject.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        // GCP workload identity federation: a provider for a shared issuer with no condition.
        for p in cx.resources("google_iam_workload_identity_pool_provider") {
            let issuer_uri = p.nested("oidc").iter().find_map(|o| o.str("issuer_uri"));
            let Some(issuer) =
                issuer_uri.as_deref().and_then(|i| SHARED_ISSUERS.iter().find(|s| i.contains(*s)).copied())
            else {
                // A self-hosted issuer (a Jenkins, a cluster): every identity it mints tokens
                // for, whatever the audience, which its callers choose.
                if let Some(uri) = issuer_uri.filter(|u| self_hosted_issuer(u))
                    && !p.has("attribute_condition")
                {
                    cx.report(
                        &p,
                        p.header(),
                        format!(
                            "any identity that {uri} issues tokens for can use this provider: no attribute_condition"
                        ),
                    )
                    .help("set attribute_condition on the subject, e.g. \"assertion.sub == 'job/deploy'\"");
                }
                continue;
            };
            let help = "set attribute_condition, e.g. \"assertion.repository == 'my-org/my-repo'\"";
            if !p.has("attribute_condition") {
                cx.report(
                    &p,
                    p.header(),
                    format!("any {issuer} workload can use this provider: no attribute_condition"),
                )
                .help(help);
            } else if let Some(var) = null_by_default(&p, "attribute_condition", cx) {
                // A reusable module that leaves the condition to its callers, null by default.
                cx.report(
                    &p,
                    p.span("attribute_condition"),
                    format!("any {issuer} workload can use this provider unless a caller sets var.{var}: its default is null"),
                )
                .help(help);
            }
        }
        // An OIDC role module whose code is not here, given only the provider to trust
        // (`provider_url = module.eks.oidc_provider`) and no subjects: such modules add a
        // subject condition only for the subjects they are given.
        for call in crate::rules::common::remote_module_calls(cx) {
            let help = "pass the subjects the role is for, e.g. oidc_fully_qualified_subjects = [\"system:serviceaccount:my-namespace:my-service-account\"]";
            if let Some(span) = provider_without_subjects(&call) {
                cx.report(&call, span, "any identity of this OIDC provider can assume the role this module creates (for an EKS cluster: every service account in it): no subjects given")
                    .help(help);
            } else if let Some((span, subject)) = any_namespace_subject(&call) {
                cx.report(&call, span, format!("a service account of that name in any namespace of the cluster can assume the role this module creates (`{subject}`)"))
                    .help(help);
            }
        }
        let mut reported = std::collections::HashSet::new();
        for (item, s, issuer) in ci_trusts(cx) {
            if reported.contains(&item.block_id()) {
                continue;
            }
            let restricted = s.conditions.iter().any(|(_, key, values)| {
                // A condition key that is not known may well be the subject: skip.
                if key == crate::eval::iam_policy::UNKNOWN_KEY {
                    return true;
                }
                let k = key.to_ascii_lowercase();
                (k.ends_with(":sub") || k.ends_with(":job_workflow_ref") || k.ends_with(":repository"))
                    && !values.iter().any(|v| v.as_str().is_some_and(matches_any_owner))
            });
            if !restricted {
                reported.insert(item.block_id());
                cx.report(&item, s.principals_span.clone(), format!("any {issuer} workload can assume this role: the token subject is not restricted"))
                    .help(format!("add a condition on \"{issuer}:sub\" naming your repository and branch, e.g. \"repo:my-org/my-repo:ref:refs/heads/main\""));
            }
        }
        // Any other OIDC provider of the account (an EKS cluster's, for IRSA): without a
        // condition on the subject, every identity it issues tokens for can assume the role.
        for src in trust_statements(cx.facts().policies()) {
            if reported.contains(&src.item.block_id()) {
                continue;
            }
            let open = src.statements.iter().find(|s| {
                if !s.is_allow() || !s.action_strs().iter().any(|a| web_identity_action(a)) {
                    return false;
                }
                let Some(public) = web_identity_provider(s) else { return false };
                !s.conditions.iter().any(|(test, key, values)| {
                    let k = key.to_ascii_lowercase();
                    // A key not known until apply may be the subject, unless its values admit
                    // every subject anyway.
                    ((key == crate::eval::iam_policy::UNKNOWN_KEY || k.ends_with(":sub"))
                        && !admits_any_subject(test, values))
                        || k.ends_with(":amr")
                        || (public && k.ends_with(":aud"))
                })
            });
            if let Some(s) = open {
                reported.insert(src.item.block_id());
                cx.report(&src.item, s.principals_span.clone(), "any identity of this OIDC provider can assume this role (for an EKS cluster: every service account in it): the token subject is not restricted")
                    .help("add a StringEquals condition on \"<issuer>:sub\", e.g. \"system:serviceaccount:my-namespace:my-service-account\", and one on \"<issuer>:aud\"");
            }
        }
    }
}

/// Inputs of an OIDC role module that name the identity provider to trust.
const PROVIDER_INPUTS: [&str; 4] = ["provider_url", "provider_urls", "oidc_provider_url", "oidc_provider_arn"];

/// Words of inputs that narrow who may assume an OIDC module's role: subjects, claims,
/// conditions, or the repository, namespace or service account the role is for.
const NARROWING_INPUTS: [&str; 6] = ["subject", "claim", "condition", "repo", "namespace", "service_account"];

/// A call of a module whose source names `oidc` that is given a provider to trust and no input
/// narrowing the trust (and does not turn role creation off): the provider input's span.
fn provider_without_subjects(call: &Item<'_>) -> Option<crate::span::Span> {
    let source = crate::rules::common::registry_address(call)?;
    if !source.contains("oidc") || call.value("create_role").is_some_and(|v| v == crate::eval::Value::Bool(false)) {
        return None;
    }
    let provider = call.body.attrs.iter().find(|a| PROVIDER_INPUTS.contains(&a.key.as_str()))?;
    let narrowed = call.body.attrs.iter().any(|a| {
        let k = a.key.to_ascii_lowercase();
        NARROWING_INPUTS.iter().any(|n| k.contains(n)) || k.split('_').any(|w| matches!(w, "sub" | "subs"))
    });
    (!narrowed).then(|| provider.expr.span.clone())
}

/// An OIDC role module's subject or trust-condition input that admits a Kubernetes service
/// account of any namespace (`oidc_subjects_with_wildcards = ["system:serviceaccount:*:loki"]`,
/// or a `StringLike` entry of `provider_trust_policy_conditions`): anyone who can create a
/// namespace, or a service account in any namespace, gets the role.
fn any_namespace_subject(call: &Item<'_>) -> Option<(crate::span::Span, String)> {
    let source = crate::rules::common::registry_address(call)?;
    if !source.contains("oidc") {
        return None;
    }
    let subject_inputs = crate::rules::common::inputs_named(call, "subject");
    subject_inputs.chain(crate::rules::common::inputs_named(call, "condition")).find_map(|a| {
        let texts = crate::rules::common::instance_texts(call, &a.expr);
        let subject = texts.into_iter().find(|t| t.starts_with("system:serviceaccount:*"))?;
        Some((a.expr.span.clone(), subject))
    })
}

/// Whether an action of a statement trusting a federated principal lets web identities in:
/// `sts:AssumeRoleWithWebIdentity`, a wildcard over it, or a misspelling of it
/// (`sts:AssumeRoleWithIdentity`): the statement was meant as web-identity trust and a reviewer
/// reads it as such. SAML trust is another door.
fn web_identity_action(action: &str) -> bool {
    let a = action.to_ascii_lowercase();
    a == "*" || a == "sts:*" || (a.starts_with("sts:assumerolewith") && !a.contains("saml"))
}

/// Whether an OIDC issuer is one an organisation runs for its own workloads (a CI server, a
/// cluster), whose tokens tell callers apart only by subject: not a shared CI issuer (judged
/// with its own conditions), and not an identity provider whose tokens are bound to the
/// audience of one application (Entra ID, Google, Cognito).
fn self_hosted_issuer(uri: &str) -> bool {
    const AUDIENCE_BOUND: [&str; 5] = [
        "sts.windows.net",
        "login.microsoftonline.com",
        "accounts.google.com",
        "cognito-identity.amazonaws.com",
        "cognito-idp.",
    ];
    uri.starts_with("https://")
        && !SHARED_ISSUERS.iter().any(|s| uri.contains(s))
        && !AUDIENCE_BOUND.iter().any(|s| uri.contains(s))
}

/// Whether a wildcard subject condition lets every identity of the provider through: `*`, or
/// for an EKS cluster `system:serviceaccount:*:…` (any namespace, so anyone who can create a
/// namespace or a service account). A value with a named namespace restricts.
fn admits_any_subject(test: &str, values: &[crate::eval::Value]) -> bool {
    let wildcard_test = test.to_ascii_lowercase().contains("like");
    wildcard_test
        && !values.is_empty()
        && values.iter().all(|v| v.as_str().is_some_and(|t| t == "*" || t.starts_with("system:serviceaccount:*")))
}

/// Web identity providers whose tokens are told apart by audience (an app id), not subject.
const PUBLIC_IDPS: [&str; 4] =
    ["cognito-identity.amazonaws.com", "accounts.google.com", "graph.facebook.com", "www.amazon.com"];

/// What a statement's federated principal is, for web-identity trust: `None` when it has none
/// or it is a shared CI issuer (judged above), `Some(true)` for a public identity provider
/// (audience conditions suffice), `Some(false)` for an IAM OIDC provider of the account — also
/// when its ARN is only known after apply (`module.eks.oidc_provider_arn`).
fn web_identity_provider(s: &Statement) -> Option<bool> {
    let ids: Vec<&crate::eval::Value> = s
        .principals
        .iter()
        .flatten()
        .filter(|(ty, _)| ty.eq_ignore_ascii_case("Federated"))
        .flat_map(|(_, ids)| ids.iter())
        .collect();
    if ids.is_empty() {
        return None;
    }
    let texts: Vec<&str> = ids
        .iter()
        .filter_map(|v| match v {
            crate::eval::Value::Str(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    if texts.iter().any(|t| SHARED_ISSUERS.iter().any(|iss| t.contains(iss)) || t.contains("saml-provider/")) {
        return None;
    }
    Some(!texts.is_empty() && texts.iter().all(|t| PUBLIC_IDPS.contains(t)))
}
