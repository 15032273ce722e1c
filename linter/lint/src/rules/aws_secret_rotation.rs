use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::refers_to;
use crate::syntax::Expr;

/// ## What it does
/// Finds `aws_secretsmanager_secret` resources that nothing in the module rotates: no
/// `aws_secretsmanager_secret_rotation` whose `secret_id` refers to the secret (or names it),
/// and no inline `rotation_lambda_arn` / `rotation_rules`. When a rotation's `secret_id` is not
/// known statically, the module's secrets are not reported, and neither are secrets named for
/// what describes a credential (`rds-user`, `client-id`, by label or `name`): they hold a name
/// or an id.
///
/// ## Why is this bad?
/// A secret that is never rotated holds the same credential for as long as it exists: every
/// copy ever read from it stays valid.
///
/// ## Example
/// ```hcl
/// resource "aws_secretsmanager_secret" "db" {
///   name = "prod/db"
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "aws_secretsmanager_secret_rotation" "db" {
///   secret_id           = aws_secretsmanager_secret.db.id
///   rotation_lambda_arn = aws_lambda_function.rotate_db.arn
///   rotation_rules {
///     automatically_after_days = 30
///   }
/// }
/// ```
/// Or let RDS manage the password (`manage_master_user_password = true`).
#[derive(Debug)]
pub struct AwsSecretRotation;

impl Rule for AwsSecretRotation {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "aws-secret-rotation",
            category: Category::MissingTtl,
            severity: Severity::Low,
            summary: "an AWS Secrets Manager secret that is never rotated",
            source: include_str!("aws_secret_rotation.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let rotations = cx.resources("aws_secretsmanager_secret_rotation");
        let mut targets = Vec::new();
        for r in &rotations {
            let Some(a) = r.attr("secret_id") else { continue };
            if a.expr.mentions("aws_secretsmanager_secret.") {
                targets.push(Target::Ref(a.expr.clone()));
            } else if let Some(id) = r.str("secret_id") {
                targets.push(Target::Named(id));
            } else {
                // A target not known statically may be any of the module's secrets.
                return;
            }
        }
        for s in cx.resources("aws_secretsmanager_secret") {
            if s.has("rotation_lambda_arn")
                || s.has("rotation_rules")
                || !s.nested("rotation_rules").is_empty()
                || crate::rules::common::store_entry_describes(&s)
            {
                continue;
            }
            let name = s.str("name");
            let rotated = targets.iter().any(|t| match t {
                Target::Ref(e) => refers_to(e, &s),
                Target::Named(id) => name.as_ref().is_some_and(|n| id == n || id.contains(&format!(":secret:{n}"))),
            });
            if !rotated {
                cx.report(&s, s.header(), "secret is never rotated: no aws_secretsmanager_secret_rotation refers to it")
                    .help("add an aws_secretsmanager_secret_rotation with rotation_rules.automatically_after_days at most 90, or use a managed secret (manage_master_user_password)");
            }
        }
    }
}

/// What a rotation's `secret_id` names.
enum Target {
    Ref(Expr),
    Named(String),
}
