use crate::facts::secrets::{
    credential_read, credential_returned, is_credential_key, kept_credential, whole_resources,
};
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::syntax::ExprKind;

/// ## What it does
/// Finds outputs that return a credential without `sensitive = true`: an attribute that
/// holds a secret (`google_service_account_key.k.private_key`, `aws_iam_access_key.k.secret`,
/// `random_password.p.result`, an AppRole `secret_id`), the whole object of a resource that
/// creates or stores one (a Key Vault secret, a secret version, an AKS cluster with its admin
/// kubeconfig, an Azure storage account, Cosmos DB account, Redis cache or messaging namespace
/// with its keys, an identity provider's client with its secret: `auth0_client`,
/// `gitlab_application`) or of a data source that reads one (`data.vault_aws_access_credentials.c`),
/// the whole object of a resource given a credential it keeps (`google_sql_user.app` with its
/// `password`; not a write-only `password_wo`), a
/// credential-named variable or module output (or a credential-named field of what a module
/// whose code is not here returns: `module.storage.resource.primary_access_key`) — and any of them, or a
/// credential-named local (`nonsensitive(local.root_token)`), unwrapped with `nonsensitive()`,
/// whatever the output says; also any of them returned through a local the output names
/// (`value = local.deployer`, an object holding `aws_iam_access_key.d.secret`), a map key
/// written as an index (`certificate_users[0]["client_key_data"]`), a credential-named field of
/// a response the configuration decodes (`jsondecode(terracurl_request.init.response).root_token`),
/// and a `random_string`
/// made as a secret (named for one, or returned under a credential's name), whose result the
/// provider does not mark sensitive, what a script returns under a credential's name
/// (`output "private_key" { value = shell_script.cert.output.key }`, `data.external` results,
/// `terraform_data` outputs), or a local holding a literal secret
/// (`"SIGNING_SECRET=${local.webhook_secret}"`). What the output wraps in `sensitive()` carries
/// the mark and is left alone.
///
/// ## Why is this bad?
/// Terraform prints outputs that are not sensitive after every apply and in `terraform output`,
/// so the secret lands in CI logs, terminals and tickets that quote them. Terraform itself refuses
/// some of these only when the provider marks the attribute sensitive; a renamed output
/// (`output "id"`) or `nonsensitive()` hides the secret from reviewers as well.
///
/// ## Example
/// ```hcl
/// output "id" {
///   value = base64decode(google_service_account_key.key.private_key)
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// output "private_key" {
///   value     = base64decode(google_service_account_key.key.private_key)
///   sensitive = true
/// }
/// ```
#[derive(Debug)]
pub struct CredentialOutput;

impl Rule for CredentialOutput {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "credential-output",
            category: Category::StaticCredential,
            severity: Severity::High,
            summary: "an output that returns a credential without sensitive = true",
            source: include_str!("credential_output.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let module_output = cx.module_credentials();
        let locals = cx.facts().literal_secret_locals();
        for out in cx.blocks("output", None) {
            let Some(value) = out.attr("value") else { continue };
            // `nonsensitive(x)` takes the mark off on purpose: reported even in a sensitive output.
            let mut unwrapped = None;
            value.expr.walk(&mut |e| {
                if let ExprKind::Call { name, args, .. } = &e.kind
                    && name == "nonsensitive"
                    && unwrapped.is_none()
                {
                    // What it unwraps was sensitive: a local named for a credential
                    // (`nonsensitive(local.root_token)`) is one too.
                    unwrapped = args.first().and_then(|a| {
                        credential_read(a, &module_output).or_else(|| {
                            a.traversal_path().filter(|p| {
                                p.strip_prefix("local.").is_some_and(|n| !n.contains('.') && is_credential_key(n))
                            })
                        })
                    });
                }
            });
            if let Some(read) = unwrapped {
                cx.report(&out, value.expr.span.clone(), format!("output unwraps `{read}` with nonsensitive()"))
                    .help("return it in an output with sensitive = true, without nonsensitive()");
                continue;
            }
            if out.value("sensitive").and_then(|v| v.as_bool()) == Some(true) {
                continue;
            }
            // What `sensitive(x)` wraps carries the mark: Terraform hides it (and refuses an
            // unmarked output that returns it), so only what is left outside is judged.
            let marked_off = without_sensitive_calls(&value.expr);
            let value_expr = marked_off.as_ref().unwrap_or(&value.expr);
            // Also what a local it returns is built from (`value = local.deployer`, an object
            // holding `aws_iam_access_key.d.secret`).
            let through_local = || {
                crate::rules::common::judge_locals_read(value_expr, out.env, |local| {
                    credential_returned(local, &module_output)
                })
            };
            // What a source without a schema gives back, returned under a credential's name: a
            // random string (`output "sp_secret" { value = random_string.unique.result }`, or its
            // `id`, the same text), or what a script produced (`shell_script.cert.output.key`,
            // `data.external.vault.result.value`, `terraform_data.x.output`). Nothing marks it
            // sensitive, and the output's name says what it is.
            let untyped_secret = || {
                let path = value_expr.plain_reference()?.traversal_path()?;
                let random = path.starts_with("random_string.") && (path.ends_with(".result") || path.ends_with(".id"));
                let scripted =
                    ["shell_script.", "data.external.", "terraform_data."].iter().any(|p| path.starts_with(p))
                        && [".output", ".result"].iter().any(|a| path.contains(a));
                ((random || scripted) && is_credential_key(out.label(0))).then_some(path)
            };
            // A local holding a literal secret (`"KEY=${local.api_secret}"`).
            let literal_local = || crate::rules::common::reads_literal_local(value_expr, locals);
            // The whole object of a resource here that is given a credential it keeps
            // (`google_sql_user.app`, whose `password` is set).
            let kept = || {
                whole_resources(value_expr).into_iter().find_map(|(ty, name)| {
                    let block = cx.blocks("resource", Some(ty)).into_iter().find(|b| b.label(1) == name)?;
                    kept_credential(block.body).map(|key| format!("{ty}.{name}` with its `{key}"))
                })
            };
            if let Some(read) = credential_returned(value_expr, &module_output)
                .or_else(through_local)
                .or_else(untyped_secret)
                .or_else(literal_local)
                .or_else(kept)
            {
                cx.report(&out, value.expr.span.clone(), format!("output returns `{read}` without sensitive = true"))
                    .help("add sensitive = true, or hand the secret to a secret store instead of an output");
            }
        }
    }
}

/// `value` with every `sensitive(…)` call replaced by null, or `None` when it has none.
fn without_sensitive_calls(value: &crate::syntax::Expr) -> Option<crate::syntax::Expr> {
    let is_mark = |e: &crate::syntax::Expr| matches!(&e.kind, ExprKind::Call { name, .. } if name == "sensitive");
    let mut any = false;
    value.walk(&mut |e| any |= is_mark(e));
    if !any {
        return None;
    }
    let mut out = value.clone();
    out.walk_mut(&mut |e| {
        if is_mark(e) {
            e.kind = ExprKind::Null;
        }
    });
    Some(out)
}
