use crate::facts::aws_policies::{Kind, is_assume_role, resource_statements};
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::trust_any_principal::open_to_anyone;

/// `aws_lambda_permission` arguments that limit who may invoke.
const LAMBDA_LIMITS: [&str; 4] = ["source_account", "source_arn", "principal_org_id", "event_source_token"];

/// ## What it does
/// Finds AWS resource policies that let any principal (`Principal "*"` or `{AWS = "*"}`) act
/// on the resource, unless a condition limits who the caller is (organization, account, ARN,
/// VPC or VPC endpoint, source IP, or a federated `sub`/`aud`): the `policy` of KMS keys, S3
/// buckets, SQS queues, SNS topics, ECR repositories and Secrets Manager secrets, the
/// `access_policies` of Elasticsearch/OpenSearch domains, the `aws_iam_policy_document`s they
/// use, and `aws_lambda_permission` with `principal = "*"` and no source account, ARN or
/// organization. `Deny` statements are not findings; statements that grant
/// `sts:AssumeRole` are judged by `trust-any-principal` (NHI203). Content meant for everyone
/// is left out: reading the objects of a bucket (`s3:GetObject`, or `s3:Get*` on object ARNs
/// only), as a website or media bucket lets everyone do, unless Terraform uploads
/// something secret-looking into that bucket (an `aws_s3_object` named or keyed for a key,
/// credential, password, token, `.pem`, `.env` or state file), and invoking a
/// function through a URL without authentication (`function_url_auth_type = "NONE"`, or
/// `invoked_via_function_url = true`).
///
/// ## Why is this bad?
/// `*` is every AWS account in the world, and for S3 and OpenSearch even anonymous callers.
/// Whoever finds the ARN can decrypt with the key, read the bucket or secret, or send to the
/// queue — no credential of yours needs to leak.
///
/// ## Example
/// ```hcl
/// resource "aws_sqs_queue_policy" "jobs" {
///   queue_url = aws_sqs_queue.jobs.id
///   policy = jsonencode({
///     Statement = [{
///       Effect    = "Allow"
///       Principal = "*"
///       Action    = "sqs:SendMessage"
///       Resource  = aws_sqs_queue.jobs.arn
///     }]
///   })
/// }
/// ```
///
/// ## Use instead
/// Name the principal, or keep `*` and limit it with a condition on the caller:
/// ```hcl
///       Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-abc123" } }
/// ```
#[derive(Debug)]
pub struct ResourcePolicyAnyPrincipal;

impl Rule for ResourcePolicyAnyPrincipal {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "resource-policy-any-principal",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "an AWS resource policy that any principal can use",
            source: include_str!("resource_policy_any_principal.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str = "name the principals that need access, or add a condition such as aws:PrincipalOrgID, aws:SourceAccount or aws:SourceVpce";
        for src in resource_statements(cx.facts().policies()) {
            // Documents that grant role assumption are trust policies: NHI203's.
            let public_content = || serves_website(cx, &src.item) || !holds_secret_objects(cx, &src.item);
            let open = src.statements.iter().find(|s| {
                open_to_anyone(s)
                    && !(src.kind == Kind::Document && is_assume_role(s))
                    && !(reads_objects_only(&s.action_strs(), &s.resource_strs()) && public_content())
            });
            if let Some(s) = open {
                let actions = s.action_strs();
                let what = match actions.as_slice() {
                    [] => "act on the resource".to_owned(),
                    [a] => format!("`{a}`"),
                    [a, b] => format!("`{a}` and `{b}`"),
                    [a, ..] => format!("`{a}` and {} other actions", actions.len() - 1),
                };
                cx.report(&src.item, s.principals_span.clone(), format!("any AWS principal (\"*\") is allowed {what}"))
                    .help(HELP);
            }
        }
        for p in cx.resources("aws_lambda_permission") {
            // A function URL with no authentication is a public endpoint by design (a webhook
            // receiver): invoking it through the URL is what the permission is for.
            let public_url = p.str("function_url_auth_type").as_deref() == Some("NONE")
                || p.value("invoked_via_function_url").and_then(|v| v.as_bool()) == Some(true);
            let limited = public_url || LAMBDA_LIMITS.iter().any(|k| p.has(k));
            if p.str("principal").as_deref() == Some("*") && !limited {
                cx.report(&p, p.span("principal"), "any AWS principal (\"*\") may invoke the function")
                    .help("set the service or account principal, and source_account or source_arn");
            }
        }
    }
}

/// Whether every action of a statement only reads objects (`s3:GetObject`,
/// `s3:GetObjectVersion`, or `s3:Get*` when every resource is an object ARN, `bucket/*`) of
/// named buckets: what a website's visitors do.
fn reads_objects_only(actions: &[String], resources: &[String]) -> bool {
    let on_objects = !resources.is_empty() && resources.iter().all(|r| r.starts_with("arn:") && r.contains('/'));
    // Every bucket (`*`, `arn:aws:s3:::*`) is not one bucket's content.
    let every_bucket = resources.iter().any(|r| r == "*" || r.split(":::").nth(1).is_some_and(|b| b.starts_with('*')));
    !every_bucket
        && !actions.is_empty()
        && actions.iter().all(|a| {
            let a = a.to_ascii_lowercase();
            a == "s3:getobject"
                || a == "s3:getobjectversion"
                || (on_objects && (a == "s3:get*" || a == "s3:getobject*"))
        })
}

/// Whether Terraform uploads something that looks secret (a key, credential, password,
/// token, `.pem`, `.env` or state file, by the object's name, key or source) into a bucket
/// the policy item is, or names: then reading every object is not reading public content.
fn holds_secret_objects(cx: &Ctx<'_>, item: &crate::query::Item<'_>) -> bool {
    const SECRET_WORDS: [&str; 10] =
        ["secret", "credential", "password", "passwd", "token", "ssh", "private", ".pem", ".env", "tfstate"];
    let secretish = |t: &str| {
        let t = t.to_ascii_lowercase();
        SECRET_WORDS.iter().any(|w| t.contains(w)) || t.ends_with("_key") || t.ends_with("-key") || t.ends_with(".key")
    };
    cx.resources_of(&["aws_s3_object", "aws_s3_bucket_object"]).iter().any(|o| {
        let looks_secret =
            secretish(o.label(1)) || ["key", "source"].iter().any(|k| o.str(k).is_some_and(|v| secretish(&v)));
        looks_secret && o.attr("bucket").is_some_and(|b| is_or_names(item, &bucket_addresses(&b.expr)))
    })
}

/// The buckets an expression refers to, as addresses (`aws_s3_bucket.site` from
/// `aws_s3_bucket.site.id`).
fn bucket_addresses(e: &crate::syntax::Expr) -> Vec<String> {
    let mut out = Vec::new();
    e.walk(&mut |x| {
        if let Some(p) = x.traversal_path()
            && let Some(rest) = p.strip_prefix("aws_s3_bucket.")
        {
            out.push(format!("aws_s3_bucket.{}", rest.split(['.', '[']).next().unwrap_or(rest)));
        }
    });
    out
}

/// Whether the policy item is one of `buckets`, or names one of them in an attribute.
fn is_or_names(item: &crate::query::Item<'_>, buckets: &[String]) -> bool {
    if buckets.is_empty() {
        return false;
    }
    let own = format!("{}.{}", item.label(0), item.label(1));
    let mut mentioned = buckets.contains(&own);
    item.block.body.each_attr(&mut |a| {
        mentioned = mentioned || buckets.iter().any(|b| a.expr.mentions(&format!("{b}.")));
    });
    mentioned
}

/// Whether the policy a statement comes from is that of a bucket configured to serve a
/// website (a `website` block, or an `aws_s3_bucket_website_configuration` of it): its objects
/// are meant for everyone.
fn serves_website(cx: &Ctx<'_>, item: &crate::query::Item<'_>) -> bool {
    let mut sites: Vec<String> = cx
        .resources("aws_s3_bucket")
        .iter()
        .filter(|b| !b.nested("website").is_empty())
        .map(|b| format!("aws_s3_bucket.{}", b.label(1)))
        .collect();
    for w in cx.resources("aws_s3_bucket_website_configuration") {
        if let Some(a) = w.attr("bucket") {
            sites.extend(bucket_addresses(&a.expr));
        }
    }
    is_or_names(item, &sites)
}

#[cfg(test)]
mod tests {
    use crate::rules::trust_any_principal::restricts_principal;

    #[test]
    fn condition_keys() {
        for k in [
            "aws:PrincipalOrgID",
            "aws:SourceAccount",
            "aws:SourceArn",
            "aws:SourceVpce",
            "kms:CallerAccount",
            "AWS:SourceOwner",
        ] {
            assert!(restricts_principal(k), "{k}");
        }
        for k in ["aws:MultiFactorAuthPresent", "aws:SecureTransport", "s3:x-amz-acl"] {
            assert!(!restricts_principal(k), "{k}");
        }
    }
}
