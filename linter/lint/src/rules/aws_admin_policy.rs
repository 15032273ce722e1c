use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::span::Span;

const ADMIN_POLICIES: [&str; 3] = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

fn admin_policy(arn: &str) -> Option<&'static str> {
    let name = arn.rsplit('/').next()?;
    arn.contains(":policy/").then_some(())?;
    ADMIN_POLICIES.iter().find(|p| **p == name).copied()
}

/// ## What it does
/// Finds the AWS managed policies `AdministratorAccess`, `PowerUserAccess` and `IAMFullAccess`
/// attached to roles, users or groups (`aws_iam_*_policy_attachment`,
/// `aws_iam_policy_attachment`, `aws_ssoadmin_managed_policy_attachment` (a permission set),
/// `managed_policy_arns` of `aws_iam_role`,
/// `aws_iam_role_policy_attachments_exclusive`), and given by Vault's AWS secrets engine to
/// the users and roles it creates (`policy_arns` of `vault_aws_secret_backend_role`), or passed
/// in any input of a registry or git module whose code is not here (`policy_arns`, a map of
/// roles with theirs, each `for_each` instance's; by its bare name in an input named for a
/// policy, `iam_role_policy = "AdministratorAccess"`), or asked of such a module with
/// `attach_admin_policy = true` (terraform-aws-modules' IAM submodules, GitHub OIDC role
/// modules).
///
/// ## Why is this bad?
/// These policies grant (nearly) everything in the account, or the power to grant it. A
/// workload identity with them turns any bug or leaked credential into an account takeover.
///
/// ## Example
/// ```hcl
/// resource "aws_iam_role_policy_attachment" "ci" {
///   role       = aws_iam_role.ci.name
///   policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
/// }
/// ```
///
/// ## Use instead
/// A customer-managed policy listing the actions and resources the workload needs:
/// ```hcl
/// resource "aws_iam_role_policy_attachment" "ci" {
///   role       = aws_iam_role.ci.name
///   policy_arn = aws_iam_policy.ci_deploy.arn
/// }
/// ```
#[derive(Debug)]
pub struct AwsAdminPolicy;

impl Rule for AwsAdminPolicy {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "aws-admin-policy",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "an administrator-level AWS managed policy attached to an identity",
            source: include_str!("aws_admin_policy.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str =
            "attach a customer-managed policy that lists only the actions and resources this identity needs";
        for (item, span, arns) in managed_policy_attachments(cx) {
            if let Some(p) = arns.iter().find_map(|arn| admin_policy(arn)) {
                let message = if item.block.ident == "module" {
                    format!("{p} passed to the module, to attach to the identities it manages")
                } else {
                    format!("{p} attached")
                };
                cx.report(&item, span, message).help(HELP);
            }
        }
    }
}

/// Every place a managed policy is attached to a role, user or group, with the policy ARNs it
/// attaches: each `for_each` instance's, and a partly known ARN's known text
/// (`"arn:${local.partition}:iam::aws:policy/AdministratorAccess"`, or the same built with
/// `format()` or in a local).
pub fn managed_policy_attachments<'a>(cx: &Ctx<'a>) -> Vec<(Item<'a>, Span, Vec<String>)> {
    let mut out = Vec::new();
    let attachments = cx.resources_of(&[
        "aws_iam_role_policy_attachment",
        "aws_iam_user_policy_attachment",
        "aws_iam_group_policy_attachment",
        "aws_iam_policy_attachment",
    ]);
    for a in attachments {
        let written = a.attr("policy_arn").and_then(|p| crate::rules::common::written_text(&p.expr));
        // `format("arn:%s:iam::aws:policy/AdministratorAccess", data.aws_partition.x.partition)`,
        // or a local built that way: the known parts of the ARN.
        let shaped = a.attr("policy_arn").and_then(|p| match a.env.eval_lenient_deep(&p.expr) {
            crate::eval::Value::Str(s) if s.contains(crate::eval::HOLE) => Some(crate::eval::show_holes(&s)),
            _ => None,
        });
        let arns: Vec<String> = a.strs("policy_arn").into_iter().chain(written).chain(shaped).collect();
        let span = a.span("policy_arn");
        out.push((a, span, arns));
    }
    // An IAM Identity Center permission set: everyone assigned to it gets the policy in
    // every account it is provisioned to.
    for a in cx.resources("aws_ssoadmin_managed_policy_attachment") {
        let arns = a.strs("managed_policy_arn");
        let span = a.span("managed_policy_arn");
        out.push((a, span, arns));
    }
    for (ty, key) in [
        ("aws_iam_role", "managed_policy_arns"),
        ("aws_iam_role_policy_attachments_exclusive", "policy_arns"),
        // Vault creates an IAM user or role with these for every lease it hands out.
        ("vault_aws_secret_backend_role", "policy_arns"),
    ] {
        for r in cx.resources(ty) {
            let Some(v) = r.value(key) else { continue };
            let arns: Vec<String> = v.items().iter().filter_map(|x| x.as_str().map(str::to_owned)).collect();
            let span = r.span(key);
            out.push((r, span, arns));
        }
    }
    // Registry and git modules whose code is not here, given the policies to attach as inputs
    // (`policy_arns`, `roles = { ci = { policy_arns = [...] } }`): every policy ARN in an input,
    // at any depth. Inputs that exclude or bound rather than grant are left out.
    for call in crate::rules::common::remote_module_calls(cx) {
        for attr in &call.body.attrs {
            let key = attr.key.to_ascii_lowercase();
            if ["deny", "exclude", "boundary", "remove", "detach"].iter().any(|w| key.contains(w)) {
                continue;
            }
            // Each instance's value too (`policies = each.value.policies` of a `for_each` call).
            // An input named for a policy may take the managed policy's bare name
            // (`iam_role_policy = "AdministratorAccess"`), which the module makes an ARN of.
            let named_policy = key.contains("polic");
            let arns: Vec<String> = crate::rules::common::instance_texts(&call, &attr.expr)
                .into_iter()
                .filter_map(|a| {
                    if named_policy && ADMIN_POLICIES.contains(&a.as_str()) {
                        Some(format!("arn:aws:iam::aws:policy/{a}"))
                    } else {
                        a.contains(":policy/").then_some(a)
                    }
                })
                .collect();
            if !arns.is_empty() {
                out.push((call.clone(), attr.expr.span.clone(), arns));
            }
        }
    }
    // Modules whose code is not here and that attach AdministratorAccess when told to:
    // terraform-aws-modules' assumable-role submodules, GitHub OIDC role modules
    // (`unfunco/oidc-github`), each with an `attach_admin_policy` switch.
    for call in crate::rules::common::remote_module_calls(cx) {
        if call.is_set_to("attach_admin_policy", true) {
            let span = call.span("attach_admin_policy");
            out.push((call, span, vec!["arn:aws:iam::aws:policy/AdministratorAccess".to_owned()]));
        }
    }
    out
}
