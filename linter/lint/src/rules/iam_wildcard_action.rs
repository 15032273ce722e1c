use crate::eval::iam_policy::action_matches;
use crate::facts::aws_policies::{Kind, identity_statements};
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds IAM policy statements that allow every action (`"*"`) or every action of a service
/// (`"s3:*"`, `"iam:*"`), an IAM pattern that covers the writes which hand out any permission
/// (`"iam:Attach*"`, `"iam:Put*"`: attaching or writing policies, new policy versions, trust
/// policies, group membership) on whichever identities it names, or that allow with
/// `NotAction` — a service's wildcard on named resources only (`"s3:*"` on one bucket and its
/// objects) stays within them and is not a finding, except for the services that grant
/// identities (IAM, STS, Organizations, IAM Identity Center) and Lambda (rewriting a
/// function's code runs it as the function's role) — in `aws_iam_policy_document` data
/// sources and in JSON policies (literal, heredoc or `jsonencode`) of `aws_iam_policy`,
/// `aws_iam_role_policy`, `aws_iam_user_policy`, `aws_iam_group_policy`, inline role policies
/// and SSO permission sets, and of the Cloud Control provider's IAM resources
/// (`awscc_iam_role_policy`, `awscc_iam_managed_policy`, the `policies` of `awscc_iam_role`, …)
/// and Alibaba Cloud RAM policies (`alicloud_ram_policy`, written in the same grammar),
/// and in a policy document given to a registry or git module through an input named for one
/// policy (`policy = jsonencode({…})` of an `iam-policy` module, `policy_json`,
/// `inline_policy`), when none of its statements names a principal, or through an input of
/// statements as objects (`policy_statements = { bedrock = { actions = ["bedrock:*"], … } }` of
/// the lambda module, with `attach_policy_statements = true`). A resource written as one
/// interpolation in a JSON policy (`"Resource": ["${aws_s3_bucket.data.arn}"]`) is one named
/// resource. Read-only wildcards such as `s3:Get*` or `ec2:Describe*` are not
/// findings, and neither are resource policies (statements with a `Principal` in a policy
/// document; in a policy attached to identities a `Principal` is an error AWS rejects, and the
/// statement is judged as the grant it means to be) nor Allows that an unconditional `Deny` of
/// the same document covers (`Deny` of `"*"` on `"*"`, or of the Allow's actions on its
/// resources): they grant nothing.
///
/// ## Why is this bad?
/// A wildcard grants every action the service has today and every action it adds tomorrow,
/// including the ones that change permissions. One leaked credential then owns the service.
///
/// ## Example
/// ```hcl
/// data "aws_iam_policy_document" "app" {
///   statement {
///     actions   = ["s3:*"]
///     resources = ["*"]
///   }
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// data "aws_iam_policy_document" "app" {
///   statement {
///     actions   = ["s3:GetObject", "s3:PutObject"]
///     resources = ["${aws_s3_bucket.data.arn}/*"]
///   }
/// }
/// ```
#[derive(Debug)]
pub struct IamWildcardAction;

/// Whether a statement names the resources it covers: a `Resource` list (no `NotResource`)
/// without a wildcard other than the objects of one bucket (`aws_s3_bucket.data.arn`,
/// `"${aws_s3_bucket.data.arn}/*"`, `format("%s/*", aws_s3_bucket.data.arn)`,
/// `arn:aws:s3:::data/*`, a table's ARN). Every resource of a
/// service or account (`"*"`, `arn:aws:s3:::*`, `…:table/*`, `…:${account}:*`) or a family of
/// them (`arn:aws:s3:::app-*`) is not named. `written` is the source text of the `Resource`
/// value, read where a value is not known statically.
fn only_named_resources(s: &crate::eval::iam_policy::Statement, written: Option<&str>) -> bool {
    let Some(resources) = s.resources.as_deref() else { return false };
    if resources.is_empty() || s.not_resources.is_some() {
        return false;
    }
    let one_bucket_objects =
        |t: &str| t.strip_prefix("arn:aws:s3:::").is_some_and(|b| !b.is_empty() && !b.starts_with('*'));
    // `format("%s/*", aws_s3_bucket.data.arn)`: the objects of one resource not known here, as
    // `"${aws_s3_bucket.data.arn}/*"` is.
    let objects_of_one = |v: &crate::eval::Value| matches!(v, crate::eval::Value::Str(t) if t.strip_suffix("/*") == Some(crate::eval::HOLE));
    resources.iter().all(|r| match r.as_str() {
        Some(t) => {
            let t = t.trim();
            let rest = if one_bucket_objects(t) { t.strip_suffix("/*").unwrap_or(t) } else { t };
            !rest.contains('*')
        }
        // A reference (`aws_s3_bucket.data.arn`, `"${…arn}/*"`, `format("%s/*", ….arn)`), or a
        // template whose parts are known only after apply: judged by what is written.
        // A string with parts known only after apply (a heredoc's `"${…arn}"`) is named when
        // its known parts have no wildcard but the objects of one resource (`"${…arn}/*"`).
        None => {
            let known_parts_named = match r {
                // One interpolation alone in a JSON policy (`"Resource": ["${….arn}"]`,
                // where what is written is the whole document): one resource, whatever the
                // rest of the document says. (In a plan nothing is written: unknown.)
                crate::eval::Value::Unknown => written.is_some_and(|w| w.contains("Resource")),
                crate::eval::Value::Str(t) => {
                    !t.replace(&format!("{}/*", crate::eval::HOLE), crate::eval::HOLE).contains('*')
                }
                _ => false,
            };
            known_parts_named
                || objects_of_one(r)
                || written.is_some_and(|w| !w.replace("}/*", "}").replace("%s/*", "%s").contains('*'))
        }
    })
}

/// IAM actions that let their holder give an identity any permission: writing its policies,
/// its trust or the groups it is in. (Credentials and `iam:PassRole` are judged by the
/// resources they are allowed on, elsewhere: people manage their own keys, and a named role
/// is passed on purpose.)
const IAM_GRANTING_WRITES: [&str; 10] = [
    "iam:AttachRolePolicy",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:PutRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:UpdateAssumeRolePolicy",
    "iam:AddUserToGroup",
];

/// An IAM action pattern among `actions` (`iam:Attach*`) that covers one of
/// [`IAM_GRANTING_WRITES`], with the write it covers.
pub fn granting_wildcard(actions: &[String]) -> Option<(String, &'static str)> {
    actions.iter().find_map(|a| {
        let (svc, name) = a.split_once(':')?;
        if !svc.eq_ignore_ascii_case("iam") || !name.contains(['*', '?']) || is_full_wildcard(a) {
            return None;
        }
        let covered = IAM_GRANTING_WRITES.iter().find(|w| action_matches(a, w))?;
        Some((a.clone(), *covered))
    })
}

/// Whether an action pattern grants a whole service (or everything).
pub fn is_full_wildcard(action: &str) -> bool {
    action == "*" || action.split_once(':').is_some_and(|(svc, rest)| !svc.is_empty() && rest.chars().all(|c| c == '*'))
}

impl Rule for IamWildcardAction {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "iam-wildcard-action",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "an IAM policy allowing all actions, or all actions of a service",
            source: include_str!("iam_wildcard_action.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for src in identity_statements(cx.facts().policies()) {
            let (item, stmts) = (&src.item, &src.statements);
            let text = cx.file_text(item.file);
            // A Principal in a policy attached to identities is an error AWS rejects; what the
            // statement means to grant is still an identity grant.
            let identity = src.kind == Kind::Identity;
            for s in
                stmts.iter().filter(|s| s.is_allow() && (identity || s.principals.is_none()) && !s.is_denied_by(stmts))
            {
                // `pricing:*`: the Price List API has only read actions.
                let read_only_service = |a: &str| a.to_ascii_lowercase().starts_with("pricing:");
                // `s3:*` on one named bucket stays within that service's own resource: only
                // the whole-service wildcards of services that grant identities reach beyond.
                let written = text.and_then(|t| t.get(s.resources_span.clone()));
                let named = only_named_resources(s, written);
                let within_named = |a: &str| {
                    named && a != "*" && a != "*:*" && {
                        let l = a.to_ascii_lowercase();
                        // Services that grant identities, and Lambda, whose function code runs
                        // as the function's role.
                        !["iam:", "sts:", "organizations:", "sso:", "identitystore:", "lambda:"]
                            .iter()
                            .any(|p| l.starts_with(p))
                    }
                };
                let wild: Vec<String> = s
                    .action_strs()
                    .into_iter()
                    .filter(|a| is_full_wildcard(a) && !read_only_service(a) && !within_named(a))
                    .collect();
                if let Some(a) = wild.first() {
                    let what = if a == "*" || a == "*:*" {
                        "every action".to_owned()
                    } else {
                        format!("every {} action", a.trim_end_matches(":*").trim_end_matches('*').trim_end_matches(':'))
                    };
                    cx.report(item, s.actions_span.clone(), format!("policy allows {what} (`{a}`)")).help(
                        "list the specific actions the workload calls, e.g. \"s3:GetObject\" instead of \"s3:*\"",
                    );
                    break;
                }
                // `iam:Attach*`, `iam:Put*`, `iam:Create*`: a pattern that covers the IAM
                // writes which hand out any permission, on whichever identities it names.
                if let Some((pattern, covered)) = granting_wildcard(&s.action_strs()) {
                    cx.report(
                        item,
                        s.actions_span.clone(),
                        format!("policy allows `{pattern}`, which includes `{covered}`: it can give an identity any permission"),
                    )
                    .help("list the IAM actions the workload needs by name, without the ones that write policies or credentials");
                    break;
                }
                // `NotAction: "*"` takes every action away: the statement grants nothing.
                let excludes_all =
                    s.not_actions.iter().flatten().any(|a| a.as_str().is_some_and(|a| a == "*" || a == "*:*"));
                if s.not_actions.is_some() && !excludes_all {
                    cx.report(item, s.actions_span.clone(), "policy allows every action except those in NotAction")
                        .help("replace NotAction with an explicit Action list");
                    break;
                }
            }
        }
    }
}
