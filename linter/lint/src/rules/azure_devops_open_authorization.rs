use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// Whether an authorization resource's `type` names a service connection (`endpoint`, the
/// default of `azuredevops_resource_authorization`) or a variable group.
fn authorizes(item: &Item<'_>, default: &str) -> Option<&'static str> {
    let ty = item.str("type").unwrap_or_else(|| default.to_owned());
    match ty.as_str() {
        "endpoint" => Some("the service connection"),
        "variablegroup" => Some("the variable group"),
        _ => None,
    }
}

/// Whether a variable group holds a secret: a variable marked `is_secret` or given as
/// `secret_value`, or every secret of a linked Key Vault.
/// A value that is plainly not a secret (a client or account ID marked secret) does not count.
fn holds_secret(group: &Item<'_>) -> bool {
    !group.nested("key_vault").is_empty()
        || group.nested("variable").iter().any(|v| {
            let marked = v.has("secret_value") || v.value("is_secret").and_then(|b| b.as_bool()) == Some(true);
            let value = v.attr("secret_value").or_else(|| v.attr("value"));
            marked && !value.is_some_and(|a| crate::facts::secrets::plainly_not_secret(&a.expr))
        })
}

/// ## What it does
/// Finds Azure DevOps authorizations that let every pipeline of a project use a service
/// connection or a variable group, instead of the pipelines that need it: an
/// `azuredevops_resource_authorization` with `authorized = true` and no `definition_id`, an
/// `azuredevops_pipeline_authorization` with no `pipeline_id` (for a service connection, or a
/// variable group holding secrets), and a variable group that holds secrets (`is_secret`,
/// `secret_value`, a linked Key Vault) with `allow_access = true`. Agent queues and
/// environments are not reported, nor a variable group of plain settings (an ID marked secret
/// is not a secret).
///
/// ## Why is this bad?
/// A service connection carries an identity (often with rights on a whole subscription) and a
/// variable group its secrets. Opened to every pipeline, any pipeline anyone in the project can
/// create or edit, from any branch, can deploy with that identity or read those secrets; the
/// approval that would have asked "should this pipeline use this connection?" never happens.
///
/// ## Example
/// ```hcl
/// resource "azuredevops_pipeline_authorization" "deploy" {
///   project_id  = azuredevops_project.app.id
///   resource_id = azuredevops_serviceendpoint_azurerm.prod.id
///   type        = "endpoint"
/// }
/// ```
///
/// ## Use instead
/// Authorize the pipeline that deploys:
/// ```hcl
/// resource "azuredevops_pipeline_authorization" "deploy" {
///   project_id  = azuredevops_project.app.id
///   resource_id = azuredevops_serviceendpoint_azurerm.prod.id
///   type        = "endpoint"
///   pipeline_id = azuredevops_build_definition.deploy.id
/// }
/// ```
#[derive(Debug)]
pub struct AzureDevopsOpenAuthorization;

impl Rule for AzureDevopsOpenAuthorization {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "azure-devops-open-authorization",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "an Azure DevOps service connection or secret variable group usable by every pipeline of the project",
            source: include_str!("azure_devops_open_authorization.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str =
            "authorize only the pipelines that need it (definition_id / pipeline_id), one authorization per pipeline";
        let secret_groups: Vec<Item<'_>> =
            cx.resources("azuredevops_variable_group").into_iter().filter(holds_secret).collect();
        // A variable group authorized for all pipelines counts when it holds secrets (as far
        // as the module shows: a group from elsewhere is given the benefit of the doubt).
        let group_with_secrets = |item: &Item<'_>| {
            item.attr("resource_id")
                .is_some_and(|a| secret_groups.iter().any(|g| crate::rules::common::refers_to(&a.expr, g)))
        };
        for a in cx.resources("azuredevops_resource_authorization") {
            let Some(what) = authorizes(&a, "endpoint") else { continue };
            if a.has("definition_id") || a.value("authorized").and_then(|v| v.as_bool()) != Some(true) {
                continue;
            }
            if what == "the variable group" && !group_with_secrets(&a) {
                continue;
            }
            cx.report(&a, a.span("authorized"), format!("{what} is authorized for every pipeline of the project"))
                .help(HELP);
        }
        for a in cx.resources("azuredevops_pipeline_authorization") {
            let Some(what) = authorizes(&a, "") else { continue };
            if a.has("pipeline_id") || (what == "the variable group" && !group_with_secrets(&a)) {
                continue;
            }
            cx.report(
                &a,
                a.header(),
                format!("{what} is authorized for every pipeline of the project: no pipeline_id"),
            )
            .help(HELP);
        }
        for g in &secret_groups {
            if g.value("allow_access").and_then(|v| v.as_bool()) == Some(true) {
                cx.report(g, g.span("allow_access"), "a variable group holding secrets is open to every pipeline of the project (allow_access = true)")
                    .help("set allow_access = false and authorize the pipelines that need it with azuredevops_pipeline_authorization");
            }
        }
    }
}
