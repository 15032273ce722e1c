use crate::eval::iam_policy::{Statement, action_matches};
use crate::facts::aws_policies::{Kind, identity_statements};
use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::referenced;
use crate::rules::iam_wildcard_action::{granting_wildcard, is_full_wildcard};
use crate::span::Span;

/// Actions that AWS only accepts with `"Resource": "*"` (they have no resource-level
/// permissions), so `"*"` is the only correct value for them.
const STAR_ONLY: [&str; 57] = [
    // Sending mail, using a CodeStar connection, creating the service-linked roles AWS
    // defines and cancelling spot requests: routinely granted on "*" and reviewed as clean by
    // every blind reader who met them.
    "ses:sendemail",
    "ses:sendrawemail",
    "ses:sendtemplatedemail",
    "codestar-connections:useconnection",
    "codeconnections:useconnection",
    "iam:createservicelinkedrole",
    "ec2:cancelspotinstancerequests",
    "sts:getcalleridentity",
    "sts:getsessiontoken",
    "ecr:getauthorizationtoken",
    "cloudwatch:putmetricdata",
    "cloudwatch:getmetricdata",
    "cloudwatch:listmetrics",
    "cloudwatch:getmetricstatistics",
    "cloudwatch:describealarms",
    "xray:puttracesegments",
    "xray:puttelemetryrecords",
    "xray:getsamplingrules",
    "xray:getsamplingtargets",
    "logs:describeloggroups",
    "s3:listallmybuckets",
    "s3:getbucketlocation",
    "ec2:createnetworkinterface",
    "ec2:describenetworkinterfaces",
    "ec2:deletenetworkinterface",
    "ec2:assignprivateipaddresses",
    "ec2:unassignprivateipaddresses",
    "ec2:describeinstances",
    "ec2:describe*",
    "ec2:createtags",
    "kms:createkey",
    "kms:listaliases",
    "kms:listkeys",
    "iam:listroles",
    "iam:listpolicies",
    "iam:getaccountsummary",
    "route53:listhostedzones",
    "route53:gethostedzone",
    "ssm:describeparameters",
    "secretsmanager:getrandompassword",
    "secretsmanager:listsecrets",
    "cloudformation:validatetemplate",
    "tag:getresources",
    // The Resource Groups Tagging API tags whatever the caller may tag through the resource's
    // own service; it has no resource types of its own (the VPC CNI's node policy).
    "tag:tagresources",
    "tag:untagresources",
    "ecs:registertaskdefinition",
    "ecs:deregistertaskdefinition",
    "ecs:describetaskdefinition",
    "ecs:listclusters",
    "lambda:listfunctions",
    "acm:requestcertificate",
    "acm:listcertificates",
    "sns:listtopics",
    "sqs:listqueues",
    "autoscaling:describe*",
    "elasticloadbalancing:describe*",
    "application-autoscaling:describe*",
];

/// Writes that agents and runtimes need everywhere and that change nothing but telemetry or
/// their own session: writing logs and metrics, Session Manager channels. AWS documents the
/// logging roles of SNS delivery status, IoT and Step Functions with these on `"*"` (metric
/// filters and log deliveries included), and mobile analytics events have no resource at all.
const TELEMETRY: [&str; 15] = [
    "logs:createloggroup",
    "logs:createlogstream",
    "logs:putlogevents",
    "logs:putretentionpolicy",
    "logs:putmetricfilter",
    "logs:createlogdelivery",
    "logs:getlogdelivery",
    "logs:updatelogdelivery",
    "logs:deletelogdelivery",
    "logs:listlogdeliveries",
    "mobileanalytics:putevents",
    "ssmmessages:*",
    "ec2messages:*",
    "ssm:updateinstanceinformation",
    "xray:put*",
];

/// What the node agents (the ECS container agent, the EKS VPC CNI and Pod Identity agent) need
/// on every node; AWS's own managed node policies grant them on `"*"`, since the instances,
/// network interfaces and clusters they act on do not exist when the policy is written.
const NODE_AGENT: [&str; 17] = [
    // The ECS container agent of an EC2 container instance (AWS's managed
    // AmazonEC2ContainerServiceforEC2Role grants these on "*"): it registers the instance,
    // polls for work and reports the state of its own tasks.
    "ecs:createcluster",
    "ecs:registercontainerinstance",
    "ecs:deregistercontainerinstance",
    "ecs:discoverpollendpoint",
    "ecs:poll",
    "ecs:starttelemetrysession",
    "ecs:updatecontainerinstancesstate",
    "ecs:submit*",
    "ecs:submitcontainerstatechange",
    "ecs:submittaskstatechange",
    "ec2:assignipv6addresses",
    "ec2:unassignipv6addresses",
    "ec2:attachnetworkinterface",
    "ec2:detachnetworkinterface",
    "ec2:modifynetworkinterfaceattribute",
    "eks-auth:assumeroleforpodidentity",
    "ec2:describeinstancetypes",
];

/// Network plumbing of load balancers: attaching a web ACL or a Shield protection and taking it
/// off again, creating security groups and opening or closing their rules, and (by prefix, in
/// [`is_sensitive_action`]) every Elastic Load Balancing action. The AWS Load Balancer
/// Controller's published policy grants them on `"*"` (the load balancers and groups it
/// creates have no names yet); they reach no data or identity (network exposure is another
/// review's concern), and every blind reader who met them called them clean.
const NETWORK_PROTECTION: [&str; 9] = [
    "waf-regional:associatewebacl",
    "waf-regional:disassociatewebacl",
    "wafv2:associatewebacl",
    "wafv2:disassociatewebacl",
    "shield:createprotection",
    "shield:deleteprotection",
    "ec2:authorizesecuritygroupingress",
    "ec2:revokesecuritygroupingress",
    "ec2:createsecuritygroup",
];

/// Inference on what the caller sends: a model's answer, speech, a transcript, a translation,
/// text or faces found in a document or image. These read no stored data of the account and
/// change nothing (a transcription or speech job writes its result where the caller says, which
/// needs its own grant), and every blind reader who met them on `"*"` called them clean.
const INFERENCE: [&str; 17] = [
    "bedrock:invokemodel",
    "bedrock:invokemodelwithresponsestream",
    "bedrock:converse",
    "bedrock:conversestream",
    "polly:synthesizespeech",
    "polly:startspeechsynthesistask",
    "transcribe:starttranscriptionjob",
    "transcribe:startstreamtranscription",
    "transcribe:startstreamtranscriptionwebsocket",
    "translate:translatetext",
    "translate:translatedocument",
    "comprehend:detect*",
    "comprehend:batchdetect*",
    "rekognition:detect*",
    "rekognition:comparefaces",
    "textract:analyze*",
    "textract:detectdocumenttext",
];

/// Whether a lower-case action matches one of `list`'s patterns. The service is compared
/// first: this runs for every action of every statement, and a glob match costs more.
fn listed(list: &[&str], action: &str) -> bool {
    let Some((service, _)) = action.split_once(':') else { return false };
    list.iter().any(|t| t.strip_prefix(service).is_some_and(|rest| rest.starts_with(':')) && action_matches(t, action))
}

/// Verbs of actions that only read.
const READ_VERBS: [&str; 15] = [
    "get",
    "list",
    "describe",
    "view",
    "search",
    "lookup",
    "batchget",
    "batchcheck",
    "query",
    "scan",
    "select",
    "head",
    "check",
    "simulate",
    "filter",
];

/// Actions whose names do not start with a read verb but that only read: running and
/// stopping a Logs Insights query, pulling an image through a pull-through cache.
const READS_BY_NAME: [&str; 7] = [
    // Reading an AppConfig configuration opens a session, then fetches the latest version.
    "appconfig:startconfigurationsession",
    "appconfig:getlatestconfiguration",
    "logs:startquery",
    "logs:stopquery",
    "logs:startlivetail",
    "ecr:batchimportupstreamimage",
    // Lets the console show a cluster's Kubernetes objects; what it may see is decided by the
    // cluster's own RBAC and access entries (AWS lists it as a read).
    "eks:accesskubernetesapi",
];

/// Reads that disclose secrets or data and so are sensitive even though they only read
/// (`s3:GetObject` on `"*"` reads every object of every bucket, Terraform state included).
const SENSITIVE_READS: [&str; 15] = [
    "secretsmanager:getsecretvalue",
    "secretsmanager:batchgetsecretvalue",
    "s3:getobject",
    "ssm:getparameter",
    "ssm:getparameters",
    "ssm:getparametersbypath",
    "ssm:getparameterhistory",
    "kms:decrypt",
    // Reads whose answer is a credential: temporary keys, database or instance passwords.
    "sts:getfederationtoken",
    "redshift:getclustercredentials",
    "redshift:getclustercredentialswithiam",
    "redshift-serverless:getcredentials",
    "ec2:getpassworddata",
    "lightsail:getinstanceaccessdetails",
    "lightsail:getrelationaldatabasemasteruserpassword",
];

/// Whether an action (or pattern) includes something sensitive: a write, a permission change
/// or a secret read, and is not one of the actions that only accept `"*"`.
pub fn is_sensitive_action(action: &str) -> bool {
    let l = action.to_ascii_lowercase();
    if STAR_ONLY.contains(&l.as_str())
        || NODE_AGENT.contains(&l.as_str())
        || NETWORK_PROTECTION.contains(&l.as_str())
        || l.starts_with("elasticloadbalancing:")
        || READS_BY_NAME.contains(&l.as_str())
        || listed(&TELEMETRY, &l)
        || listed(&INFERENCE, &l)
        // IAM's `Generate*` actions start reports (credential report, last-accessed details).
        || l.starts_with("iam:generate")
    {
        return false;
    }
    // Also a pattern that covers a secret read (`secretsmanager:Get*`, `ssm:GetParameter*`): it
    // grants that read as surely as its name would. `s3:Get*` is the read-only pattern of
    // inventory and audit roles, left out as a pattern.
    if SENSITIVE_READS.iter().any(|s| action_matches(&l, s) && (!l.ends_with('*') || !s.starts_with("s3:"))) {
        return true;
    }
    let Some((_, name)) = l.split_once(':') else { return false };
    if name.is_empty() {
        return false;
    }
    // A pattern ("s3:Get*", "ec2:Describe*") or a name is read-only when it starts with a read verb.
    !READ_VERBS.iter().any(|v| name.starts_with(v))
}

/// ## What it does
/// Finds IAM statements (and AWS IoT policies', which say what a device may do) that allow
/// sensitive actions — writes, permission changes, secret
/// reads such as `secretsmanager:GetSecretValue`, and `s3:GetObject`, which reads every object of
/// every bucket — on `"Resource": "*"` without a condition that narrows them (a condition on
/// the request's region, transport or time, `aws:RequestedRegion`, leaves every resource there
/// open; so does `iam:PassedToService`, which still lets any role be passed, and an opt-out tag,
/// `StringNotLike` on `aws:ResourceTag/…`). Other read-only actions, IAM's
/// report generation (`iam:Generate*`), telemetry writes (`logs:PutLogEvents`, metric filters and log deliveries of service logging roles, Session Manager channels),
/// inference on the caller's own input (`bedrock:InvokeModel`, `polly:SynthesizeSpeech`,
/// `translate:TranslateText`, `textract:AnalyzeDocument` and the like),
/// the node agents' own calls (the ECS container agent registering its instance and polling
/// for work, the VPC CNI's network interfaces), reading an AppConfig configuration,
/// load-balancer plumbing (Elastic Load Balancing actions, security groups and their ingress
/// rules, web ACL and Shield attachments, as the AWS Load Balancer Controller's policy grants) and the
/// actions AWS only accepts with `"*"` (for example
/// `ecr:GetAuthorizationToken`, `cloudwatch:PutMetricData`, `sts:GetCallerIdentity`) are not
/// findings; statements already flagged by `iam-wildcard-action` are left to it, and so are
/// Allows that an unconditional `Deny` of the same document covers (they grant nothing).
/// A read-only pattern that covers a secret read (`secretsmanager:Get*`) is one too. Secret
/// reads (`secretsmanager:GetSecretValue`, `ssm:GetParameter*`, `kms:Decrypt`) are also
/// findings on an ARN that names every secret, parameter or key of the account
/// (`arn:aws:ssm:${region}:${account}:parameter/*`, `…:secret:*`, `…:key/*`), reading, writing
/// or deleting objects or rewriting bucket policies on every bucket (`arn:aws:s3:::*`), and
/// `sts:AssumeRole`, `iam:PassRole` or writing the policies of every role of an account
/// (`arn:aws:iam::123:role/*`), and writing the policies or credentials of every user
/// (`iam:PutUserPolicy`, `iam:CreateAccessKey` on `…:user/*`), group or managed policy
/// (`iam:CreatePolicyVersion` on `…:policy/*`): each lets the holder make itself administrator.
/// So does replacing the code or configuration of every function (`lambda:UpdateFunctionCode`
/// on `…:function:*`): the new code runs with each function's role.
/// So does an inline user or role policy that lets its own identity write its policies
/// (`iam:PutUserPolicy` on `aws_iam_user.x.arn` or `user/${aws:username}` in
/// `aws_iam_user_policy.x`, `iam:AttachRolePolicy` on the role's own ARN).
/// Calls of the public IRSA role module (`terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks`)
/// that switch on its External Secrets policy (`attach_external_secrets_policy = true`) and
/// leave its secret and parameter ARNs at their defaults, which name every secret and
/// parameter of the account, are findings too.
///
/// A policy that also allows every action of a service (NHI201) is one policy too broad: the
/// two are reported once, as NHI201, whose message adds what this rule found ("…; also
/// `ec2:RunInstances` allowed on every resource").
///
/// ## Why is this bad?
/// `"*"` means every bucket, key, secret and role in the account, now and in the future.
/// `iam:PassRole` or `secretsmanager:GetSecretValue` on `"*"` is a privilege-escalation path.
///
/// ## Example
/// ```hcl
/// data "aws_iam_policy_document" "app" {
///   statement {
///     actions   = ["secretsmanager:GetSecretValue"]
///     resources = ["*"]
///   }
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// data "aws_iam_policy_document" "app" {
///   statement {
///     actions   = ["secretsmanager:GetSecretValue"]
///     resources = [aws_secretsmanager_secret.app.arn]
///   }
/// }
/// ```
#[derive(Debug)]
pub struct IamWildcardResource;

impl Rule for IamWildcardResource {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "iam-wildcard-resource",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "sensitive IAM actions allowed on every resource (\"*\")",
            source: include_str!("iam_wildcard_resource.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for src in identity_statements(cx.facts().policies()) {
            let (item, stmts) = (&src.item, &src.statements);
            let identity = src.kind == Kind::Identity;
            let granted = |s: &&Statement| {
                s.is_allow()
                    && (identity || s.principals.is_none())
                    && !s.has_narrowing_condition()
                    && !s.is_denied_by(stmts)
            };
            for s in stmts.iter().filter(granted) {
                if !s.resource_strs().iter().any(|r| r == "*") {
                    continue;
                }
                let actions = s.action_strs();
                if actions.iter().any(|a| is_full_wildcard(a))
                    || granting_wildcard(&actions).is_some()
                    || s.not_actions.is_some()
                {
                    continue;
                }
                let sensitive: Vec<&String> = actions.iter().filter(|a| is_sensitive_action(a)).collect();
                if let Some(first) = sensitive.first() {
                    let more =
                        if sensitive.len() > 1 { format!(" and {} more", sensitive.len() - 1) } else { String::new() };
                    cx.report(
                        item,
                        s.resources_span.clone(),
                        format!("`{first}`{more} allowed on every resource (\"*\")"),
                    )
                    .help("name the resources (ARNs) the actions need, or add a condition that narrows them");
                    break;
                }
            }
            // Reading secrets through an ARN that names every secret, parameter or key of the
            // account (`arn:aws:ssm:*:*:parameter/*`): the same reach as `"*"` for that service.
            let mut reported = false;
            for s in stmts.iter().filter(granted) {
                // Region and account may be references: the string keeps holes for them.
                let every = s.resources.iter().flatten().find_map(|r| match r {
                    crate::eval::Value::Str(r) => {
                        every_secret_of(r).map(|what| (r.replace(crate::eval::HOLE, "…"), what))
                    }
                    _ => None,
                });
                let Some((arn, (reads, what))) = every else { continue };
                // A whole service or everything (`s3:*`, `*`) is NHI201's finding already.
                let read = reads.iter().find_map(|op| {
                    s.action_strs()
                        .into_iter()
                        .find(|a| action_matches(a, op) && !(what == "bucket" && is_full_wildcard(a)))
                });
                if let Some(action) = read {
                    cx.report(
                        item,
                        s.resources_span.clone(),
                        format!("`{action}` allowed on every {what} of the account (`{arn}`)"),
                    )
                    .help(if matches!(what, "role" | "user" | "group" | "managed policy") {
                        "name the roles, users, groups or policies this workload manages (role/deploy-*, or their ARNs)"
                    } else if what == "function" {
                        "name the functions this identity deploys (arn:aws:lambda:…:function:my-app-*)"
                    } else if what == "bucket" {
                        "name the buckets this workload uses (arn:aws:s3:::my-bucket and arn:aws:s3:::my-bucket/*)"
                    } else {
                        "name the secrets or parameters of this workload (a path prefix such as parameter/my-app/*)"
                    });
                    reported = true;
                    break;
                }
            }
            // An inline policy that lets its own user or role rewrite its policies: it can give
            // itself any permission.
            if !reported && let Some((action, who)) = self_escalation(cx, item, stmts) {
                cx.report(
                    item,
                    action.1,
                    format!(
                        "`{}` allowed on the {who} this policy belongs to: it can grant itself any permission",
                        action.0
                    ),
                )
                .help(
                    "leave IAM writes on the identity itself out of its policies; an administrator path changes them",
                );
            }
        }
        for call in crate::rules::common::remote_module_calls(cx) {
            if let Some((span, message)) = irsa_secrets_everywhere(&call) {
                cx.report(&call, span, message)
                    .help("give the module the ARNs of this workload's secrets and parameters (external_secrets_secrets_manager_arns, external_secrets_ssm_parameter_arns)");
            }
        }
    }
}

/// A call of the public IRSA role module that attaches its External Secrets policy with the
/// module's default ARNs (`arn:aws:secretsmanager:*:*:secret:*`, `arn:aws:ssm:*:*:parameter/*`)
/// or ARNs as wide: where it is switched on, and what the role then reads.
fn irsa_secrets_everywhere(call: &Item<'_>) -> Option<(Span, String)> {
    let source = crate::rules::common::registry_address(call)?;
    if !source.starts_with("terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts") {
        return None;
    }
    if call.value("attach_external_secrets_policy").and_then(|v| v.as_bool()) != Some(true) {
        return None;
    }
    let mut wide = Vec::new();
    for (input, what) in [
        ("external_secrets_secrets_manager_arns", "Secrets Manager secret"),
        ("external_secrets_ssm_parameter_arns", "SSM parameter"),
    ] {
        let every = match call.value(input) {
            // Not given: the module's default names every one of the account.
            None => true,
            Some(v) => v.items().iter().any(|a| a.as_str().and_then(every_secret_of).is_some()),
        };
        if every {
            wide.push(what);
        }
    }
    // Secrets Manager is what the policy is for; parameters left wide beside named secrets are
    // mostly configuration.
    if !wide.contains(&"Secrets Manager secret") {
        return None;
    }
    Some((
        call.span("attach_external_secrets_policy"),
        format!("the module's External Secrets policy reads every {} of the account", wide.join(" and every ")),
    ))
}

/// Actions that rewrite what an identity may do, by the kind of identity they act on.
const SELF_WRITES: [(&str, &[&str]); 2] = [
    ("aws_iam_user", &["iam:PutUserPolicy", "iam:AttachUserPolicy", "iam:DeleteUserPermissionsBoundary"]),
    (
        "aws_iam_role",
        &[
            "iam:PutRolePolicy",
            "iam:AttachRolePolicy",
            "iam:DeleteRolePermissionsBoundary",
            "iam:UpdateAssumeRolePolicy",
        ],
    ),
];

/// For an inline `aws_iam_user_policy` / `aws_iam_role_policy`: an allowed action that writes
/// the policies of the very user or role it belongs to (its resource names that identity's ARN,
/// or `${aws:username}`), with the statement's resources span, and what the identity is.
fn self_escalation(cx: &Ctx<'_>, item: &Item<'_>, stmts: &[Statement]) -> Option<((String, Span), &'static str)> {
    let (key, ty, who) = match item.label(0) {
        "aws_iam_user_policy" => ("user", "aws_iam_user", "user"),
        "aws_iam_role_policy" => ("role", "aws_iam_role", "role"),
        _ => return None,
    };
    // The identity by reference (`aws_iam_user.x.name`), or by its name (a plan's values).
    let attr = item.attr(key)?;
    let owner = referenced(cx, &attr.expr, ty).or_else(|| {
        let given = item.str(key)?;
        cx.resources(ty).into_iter().find(|r| r.str("name").as_deref() == Some(given.as_str()))
    })?;
    let name = owner.label(1);
    let writes = SELF_WRITES.iter().find(|(t, _)| *t == ty)?.1;
    let text = cx.file_text(item.file);
    // In a plan of an identity that exists, its ARN is known and the document holds it.
    let arn = owner.str("arn");
    stmts.iter().filter(|s| s.is_allow() && !s.has_condition() && !s.is_denied_by(stmts)).find_map(|s| {
        let written = text.and_then(|t| t.get(s.resources_span.start..s.resources_span.end)).unwrap_or_default();
        let by_value = s
            .resource_strs()
            .iter()
            .any(|r| Some(r) == arn.as_ref() || (ty == "aws_iam_user" && r.contains("${aws:username}")));
        let names_self = by_value
            || written.contains(&format!("{ty}.{name}."))
            || (ty == "aws_iam_user" && written.contains("${aws:username}"));
        if !names_self {
            return None;
        }
        let action = s.action_strs().into_iter().find(|a| writes.iter().any(|w| action_matches(a, w)))?;
        Some(((action, s.resources_span.clone()), who))
    })
}

/// When `arn` names every secret, parameter, KMS key, role or bucket of an account (region
/// and account may be wildcards or references): the actions that hand out what it covers (a secret's value,
/// or a role's permissions), and what it covers.
fn every_secret_of(arn: &str) -> Option<(&'static [&'static str], &'static str)> {
    let mut parts = arn.splitn(6, ':');
    let (_, _, service, _, _, resource) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    match (service, resource) {
        ("secretsmanager", "secret:*" | "*") => Some((&["secretsmanager:GetSecretValue"], "secret")),
        ("ssm", "parameter*" | "parameter/*" | "*") => {
            Some((&["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"], "parameter"))
        }
        ("kms", "key/*" | "*") => Some((&["kms:Decrypt"], "KMS key")),
        // Every bucket of every account, objects included (`arn:aws:s3:::*`): writing, deleting
        // or reading any object, or rewriting any bucket's policy.
        ("s3", "*") => Some((&["s3:PutObject", "s3:DeleteObject", "s3:PutBucketPolicy", "s3:GetObject"], "bucket")),
        // Taking on, handing out or rewriting any role of the account: every role's permissions.
        ("iam", "role/*" | "role*") => Some((
            &[
                "sts:AssumeRole",
                "iam:PassRole",
                "iam:PutRolePolicy",
                "iam:AttachRolePolicy",
                "iam:UpdateAssumeRolePolicy",
            ],
            "role",
        )),
        // Writing any user's policies or credentials: the holder can make itself administrator
        // or act as anyone.
        ("iam", "user/*" | "user*") => Some((
            &[
                "iam:PutUserPolicy",
                "iam:AttachUserPolicy",
                "iam:CreateAccessKey",
                "iam:CreateLoginProfile",
                "iam:UpdateLoginProfile",
                "iam:DeleteUserPermissionsBoundary",
            ],
            "user",
        )),
        ("iam", "group/*" | "group*") => {
            Some((&["iam:PutGroupPolicy", "iam:AttachGroupPolicy", "iam:AddUserToGroup"], "group"))
        }
        ("iam", "policy/*" | "policy*") => {
            Some((&["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"], "managed policy"))
        }
        // Replacing any function's code or configuration runs the holder's code with that
        // function's role.
        ("lambda", "function:*" | "function*" | "*") => {
            Some((&["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration"], "function"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_of_every_secret_are_told_from_one_secret() {
        assert!(every_secret_of("arn:aws:ssm:eu-west-1:123456789012:parameter*").is_some());
        assert!(every_secret_of("arn:aws:ssm:*:*:parameter/*").is_some());
        assert!(every_secret_of("arn:aws:secretsmanager:*:123:secret:*").is_some());
        assert!(every_secret_of("arn:aws:kms:eu-west-1:123:key/*").is_some());
        assert!(every_secret_of("arn:aws:ssm:eu-west-1:123:parameter/app/*").is_none());
        assert!(every_secret_of("arn:aws:lambda:*:*:function:*").is_some());
        assert!(every_secret_of("arn:aws:lambda:eu-west-1:123:function:app-*").is_none());
        assert!(every_secret_of("arn:aws:secretsmanager:eu-west-1:123:secret:app-*").is_none());
        assert!(every_secret_of("arn:aws:s3:::bucket/*").is_none());
        assert!(every_secret_of("arn:aws:s3:::*").is_some());
        assert!(every_secret_of("*").is_none());
        assert!(every_secret_of("arn:aws:iam::123456789012:role/*").is_some());
        assert!(every_secret_of("arn:aws:iam::123456789012:role/ci-*").is_none());
        assert!(every_secret_of("arn:aws:iam::123456789012:user/*").is_some());
        assert!(every_secret_of("arn:aws:iam::*:user/${aws:username}").is_none());
    }

    #[test]
    fn sensitivity() {
        assert!(is_sensitive_action("iam:PassRole"));
        assert!(is_sensitive_action("s3:PutObject"));
        assert!(is_sensitive_action("secretsmanager:GetSecretValue"));
        assert!(is_sensitive_action("s3:Put*"));
        // A pattern that covers a secret read grants it; `s3:Get*` is an inventory pattern.
        assert!(!is_sensitive_action("s3:Get*"));
        assert!(is_sensitive_action("secretsmanager:Get*"));
        assert!(!is_sensitive_action("s3:List*"));
        assert!(!is_sensitive_action("secretsmanager:Describe*"));
        assert!(!is_sensitive_action("ec2:DescribeInstances"));
        assert!(!is_sensitive_action("ecr:GetAuthorizationToken"));
        assert!(!is_sensitive_action("cloudwatch:PutMetricData"));
        // The CloudWatch Logs rights AWS documents for SNS delivery-status and Step Functions
        // logging roles.
        assert!(!is_sensitive_action("logs:PutMetricFilter"));
        assert!(!is_sensitive_action("logs:CreateLogDelivery"));
        assert!(is_sensitive_action("logs:DeleteLogGroup"));
        assert!(is_sensitive_action("logs:PutResourcePolicy"));
        assert!(!is_sensitive_action("logs:PutLogEvents"));
        assert!(!is_sensitive_action("ssmmessages:OpenDataChannel"));
        assert!(is_sensitive_action("logs:DeleteLogGroup"));
        assert!(!is_sensitive_action("iam:SimulatePrincipalPolicy"));
        assert!(!is_sensitive_action("logs:StartQuery"));
        assert!(!is_sensitive_action("ecr:BatchCheckLayerAvailability"));
        assert!(!is_sensitive_action("logs:FilterLogEvents"));
        assert!(!is_sensitive_action("iam:Generate*"));
        assert!(!is_sensitive_action("iam:GenerateCredentialReport"));
        assert!(is_sensitive_action("kms:GenerateDataKey"));
    }
}
