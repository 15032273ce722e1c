use std::collections::HashMap;

use crate::facts::secrets::{ModuleOutputs, credential_read, credential_read_where, of_configuration};
use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::syntax::{Attr, Expr, ExprKind};

/// Attributes that hand a script or cloud-init document to a machine when it boots.
const BOOT_DATA: [&str; 5] =
    ["user_data", "user_data_base64", "custom_data", "metadata_startup_script", "startup_script"];

/// Objects of a bucket or storage account, by type, and the attributes holding their content.
const OBJECT_CONTENT: [(&str, &[&str]); 4] = [
    ("aws_s3_object", &["content", "content_base64"]),
    ("aws_s3_bucket_object", &["content", "content_base64"]),
    ("google_storage_bucket_object", &["content"]),
    ("azurerm_storage_blob", &["source_content"]),
];

/// Variables whose values are shown in plain text to whoever may read the workspace or the
/// repository: HCP Terraform variables unless `sensitive = true`, GitHub Actions variables.
const PLAIN_VARIABLES: [&str; 4] = [
    "tfe_variable",
    "github_actions_variable",
    "github_actions_organization_variable",
    "github_actions_environment_variable",
];

/// Kubernetes ConfigMaps: configuration any workload of the namespace may mount, kept
/// unencrypted, and readable by every role that lists ConfigMaps.
const CONFIG_MAPS: [&str; 3] = ["kubernetes_config_map", "kubernetes_config_map_v1", "kubernetes_config_map_v1_data"];

/// Keys of an instance's `metadata` map that the guest agent runs or reads at boot: GCE's,
/// and Oracle Cloud's `user_data` (cloud-init) of an `oci_core_instance`.
const BOOT_METADATA: [&str; 5] =
    ["startup-script", "user-data", "windows-startup-script-ps1", "sysprep-specialize-script-ps1", "user_data"];

/// The credential an expression reads from a resource of this configuration, if any
/// (`tls_private_key.x.private_key_pem`, `google_service_account_key.x.private_key`), or from a
/// data source at plan time (`data.terraform_remote_state.x.outputs.root_token`,
/// `data.aws_secretsmanager_secret_version.x.secret_string`), as written. A variable or a module
/// output is passed in at run time: left to the rules on it.
fn generated_credential(e: &Expr) -> Option<String> {
    // Past an input read first (`{ DB_PASSWORD = var.db_password, KEY = aws_iam_access_key.k.secret }`).
    credential_read_where(e, &|_, _| None, of_configuration)
}

/// Where an expression reads a credential of this configuration, and which one.
fn generated_credential_at(e: &Expr) -> Option<(crate::span::Span, String)> {
    generated_credential(e).map(|read| (e.span.clone(), read))
}

/// What boot data reads that is a credential: one of this configuration ([`generated_credential`]),
/// or an input named for one (`--registration-token ${var.runner_token}`): the machine's
/// metadata then carries it whatever the caller passes.
fn boot_credential_read(e: &Expr) -> Option<String> {
    credential_read(e, &|_, _| None).filter(|r| of_configuration(r) || r.starts_with("var."))
}

/// A key a local module returns by what its code shows (`known`): `module.tls.client_key`, an
/// output of `tls_private_key.x.private_key_pem`, even when the output does not mark it
/// sensitive.
fn module_credential(e: &Expr, known: &ModuleOutputs<'_>) -> Option<String> {
    let mut found = None;
    e.walk(&mut |x| {
        if found.is_none()
            && let Some(p) = x.traversal_path()
            && let Some((module, output)) = p.strip_prefix("module.").and_then(|rest| rest.split_once('.'))
        {
            let output = output.split(['.', '[']).next().unwrap_or(output);
            found = (known(module, output) == Some(true)).then(|| format!("module.{module}.{output}"));
        }
    });
    found
}

/// A credential of this configuration ([`generated_credential`]), or one a local module returns
/// ([`module_credential`]).
fn configuration_credential(e: &Expr, known: &ModuleOutputs<'_>) -> Option<String> {
    generated_credential(e).or_else(|| module_credential(e, known))
}

/// Azure VM extensions: their public `settings` (unlike `protected_settings`) are shown to
/// anyone who may read the machine, and kept in its model and the extension's logs.
const VM_EXTENSIONS: [&str; 2] = ["azurerm_virtual_machine_extension", "azurerm_virtual_machine_scale_set_extension"];

/// Serverless and container workloads whose environment is part of their configuration, with
/// where it is written: a Lambda function's `environment.variables`, an Elastic Beanstalk
/// environment's `setting` values, an ECS task's container definitions, a Cloud Function's
/// `environment_variables`.
const WORKLOAD_ENVIRONMENTS: [(&str, &[&str]); 16] = [
    ("aws_lambda_function", &["environment", "variables"]),
    // A CodeBuild project's plain-text environment variables (not those of type
    // `PARAMETER_STORE` or `SECRETS_MANAGER`, whose value names where the secret is), shown
    // with the project and in every build's details.
    ("aws_codebuild_project", &["environment", "environment_variable", "value"]),
    // Cloud Composer's Airflow environment and App Engine's: shown to whoever may view the
    // environment or version, and to every task and instance.
    ("google_composer_environment", &["config", "software_config", "env_variables"]),
    ("google_app_engine_standard_app_version", &["env_variables"]),
    ("google_app_engine_flexible_app_version", &["env_variables"]),
    // A Docker container's `env` (`["KEY=value"]`), shown by `docker inspect`; a Heroku app's
    // plain config vars (not its `sensitive_config_vars`), shown in every plan.
    ("docker_container", &["env"]),
    ("heroku_app", &["config_vars"]),
    ("heroku_config", &["vars"]),
    ("heroku_app_config_association", &["vars"]),
    ("aws_elastic_beanstalk_environment", &["setting", "value"]),
    ("aws_ecs_task_definition", &["container_definitions"]),
    // A Lightsail container service's deployment: each container's plain `environment`.
    ("aws_lightsail_container_service_deployment_version", &["container", "environment"]),
    (
        "aws_apprunner_service",
        &["source_configuration", "image_repository", "image_configuration", "runtime_environment_variables"],
    ),
    ("google_cloudfunctions_function", &["environment_variables"]),
    ("google_cloudfunctions2_function", &["service_config", "environment_variables"]),
    // Not `secure_environment_variables`, which are kept hidden.
    ("azurerm_container_group", &["container", "environment_variables"]),
];

/// Whether a module input is named for a workload's environment, app settings or boot data,
/// which the module writes into the function's, app's or machine's configuration.
fn shared_data_input(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k == "env"
        || [
            "environment_variables",
            "env_vars",
            "config_vars",
            "app_settings",
            "user_data",
            "user_data_base64",
            "startup_script",
        ]
        .iter()
        .any(|s| k.ends_with(s))
}

const ENVIRONMENT_READERS: &str =
    "shown to whoever may read the function's or task's configuration, and to every process it runs";

/// A credential of this configuration, or an input named for one, written into a workload's
/// environment, also through the locals it reads (`[for k, v in local.java_opts : "-D${k}=${v}"]`
/// over a map holding an access key's secret), or through a variable whose caller wrote one into
/// it (`variables = var.environment`, given `{ DB_PASSWORD = aws_db_instance.db.password }`).
fn workload_environment_credential(item: &Item<'_>, locals: &[String]) -> Option<(crate::span::Span, String)> {
    let (_, path) = WORKLOAD_ENVIRONMENTS.iter().find(|(t, _)| item.label(0) == *t)?;
    let (attr, blocks) = path.split_last()?;
    item.nested_path(blocks).iter().find_map(|h| {
        // A variable block naming its value (`environment_variable { name = "DB_PASSWORD",
        // value = var.db_password }`): plain text unless its type says where the secret is.
        if h.str("type").is_some_and(|t| crate::facts::secrets::names_a_store(&t)) {
            return None;
        }
        // Written as a block by Terraform 0.11 code (`config_vars { AWS_SECRET_KEY = … }`).
        let as_block;
        let e = match h.attr(attr) {
            Some(a) => &a.expr,
            None => {
                as_block = h.body.map_written_as_block(attr)?;
                &as_block
            }
        };
        let named_block = || {
            if written_literal(e) {
                return None;
            }
            let name = h.str("name")?;
            named_credential(&name, e).map(|read| (e.span.clone(), read))
        };
        // Field by field in a local object: its first credential may be one passed in.
        let in_local = |local: &Expr| match &local.kind {
            ExprKind::Object(fields) => fields.iter().find_map(|(_, v)| generated_credential(v)),
            _ => generated_credential(local),
        };
        boot_credential_read(e)
            .or_else(|| crate::rules::common::judge_locals_read(e, item.env, in_local))
            .or_else(|| crate::rules::common::reads_literal_local(e, locals))
            .or_else(|| item.env.input_read_in(e).map(str::to_owned))
            .map(|r| (e.span.clone(), r))
            .or_else(|| named_entry_credential(e))
            .or_else(named_block)
    })
}

/// An entry of an environment written out here whose name says it is a credential, given a
/// value from elsewhere: `ANTHROPIC_API_KEY = data.aws_ssm_parameter.claude.value` in a map,
/// `"POSTGRES_PASSWORD=${var.pg}"` in a list. Literals are `hardcoded-credential`'s.
fn named_entry_credential(e: &Expr) -> Option<(crate::span::Span, String)> {
    match &e.kind {
        ExprKind::Object(entries) => entries.iter().find_map(|(k, v)| setting_credential(k, v)),
        ExprKind::Array(items) => items.iter().find_map(|item| {
            let ExprKind::Template(parts) = &item.kind else { return None };
            let [crate::syntax::TemplatePart::Lit(head), crate::syntax::TemplatePart::Interp(value), ..] = &parts[..]
            else {
                return None;
            };
            let name = head.strip_suffix('=')?.trim();
            if value.as_str().is_some() {
                return None;
            }
            named_credential(name, value).map(|read| (item.span.clone(), read))
        }),
        _ => None,
    }
}

/// Kubernetes workloads and where their pod spec sits: a container's `env` is part of the
/// workload's spec, shown to whoever may read the workload (and kept in its revisions).
const POD_SPECS: [(&str, &[&str]); 14] = [
    ("kubernetes_pod", &["spec"]),
    ("kubernetes_pod_v1", &["spec"]),
    ("kubernetes_deployment", &["spec", "template", "spec"]),
    ("kubernetes_deployment_v1", &["spec", "template", "spec"]),
    ("kubernetes_stateful_set", &["spec", "template", "spec"]),
    ("kubernetes_stateful_set_v1", &["spec", "template", "spec"]),
    ("kubernetes_daemonset", &["spec", "template", "spec"]),
    ("kubernetes_daemon_set_v1", &["spec", "template", "spec"]),
    ("kubernetes_job", &["spec", "template", "spec"]),
    ("kubernetes_job_v1", &["spec", "template", "spec"]),
    ("kubernetes_replication_controller", &["spec", "template", "spec"]),
    ("kubernetes_replication_controller_v1", &["spec", "template", "spec"]),
    ("kubernetes_cron_job", &["spec", "job_template", "spec", "template", "spec"]),
    ("kubernetes_cron_job_v1", &["spec", "job_template", "spec", "template", "spec"]),
];

const POD_SPEC_READERS: &str =
    "shown to whoever may read the workload's spec (and its revisions), and to every process in the container";

/// Container services outside Kubernetes whose containers take `env { name, value }` entries
/// like a pod's (a secret is referenced instead: `value_source`, `secret_name`): where their
/// containers sit, and the containers' block name.
const CONTAINER_SERVICES: [(&str, &[&str], &str); 5] = [
    ("google_cloud_run_service", &["template", "spec"], "containers"),
    ("google_cloud_run_v2_service", &["template"], "containers"),
    ("google_cloud_run_v2_job", &["template", "template"], "containers"),
    ("azurerm_container_app", &["template"], "container"),
    ("azurerm_container_app_job", &["template"], "container"),
];

const SERVICE_READERS: &str =
    "shown to whoever may read the service's configuration (and its revisions), and to every process in the container";

/// A container `env` entry of a Kubernetes workload (or of a container service) that carries a
/// credential of this configuration (a generated password, a secret read from a secret
/// manager) or an input named for one (`value = var.db_password`) as its `value` rather than
/// `value_from` a Secret; literals are `hardcoded-credential`'s.
fn pod_environment_credential(item: &Item<'_>, locals: &[String]) -> Option<(crate::span::Span, String)> {
    let (path, names): (&[&str], &[&str]) = match POD_SPECS.iter().find(|(t, _)| item.label(0) == *t) {
        Some((_, path)) => (path, &["container", "init_container"]),
        None => CONTAINER_SERVICES
            .iter()
            .find(|(t, _, _)| item.label(0) == *t)
            .map(|(_, path, name)| (*path, std::slice::from_ref(name)))?,
    };
    let holders = item.nested_path(path);
    let containers = holders.iter().flat_map(|h| names.iter().flat_map(|n| h.nested(n)));
    let envs: Vec<Item<'_>> = containers.flat_map(|c| c.nested("env")).collect();
    envs.iter().find_map(|env| {
        let e = &env.attr("value")?.expr;
        boot_credential_read(e)
            .or_else(|| crate::rules::common::reads_literal_local(e, locals))
            .or_else(|| item.env.input_read_in(e).map(str::to_owned))
            .map(|r| (e.span.clone(), r))
    })
}

/// Azure App Service, Functions and Static Web Apps: their `app_settings` are environment
/// variables shown to whoever may read the app's configuration, and kept in its deployment
/// history.
const APP_SERVICES: [&str; 16] = [
    "azurerm_app_service",
    "azurerm_static_web_app",
    "azurerm_static_site",
    "azurerm_function_app_flex_consumption",
    "azurerm_app_service_slot",
    "azurerm_function_app",
    "azurerm_function_app_slot",
    "azurerm_linux_function_app",
    "azurerm_linux_function_app_slot",
    "azurerm_windows_function_app",
    "azurerm_windows_function_app_slot",
    "azurerm_linux_web_app",
    "azurerm_linux_web_app_slot",
    "azurerm_windows_web_app",
    "azurerm_windows_web_app_slot",
    "azurerm_logic_app_standard",
];

const APP_SETTINGS_READERS: &str =
    "shown to whoever may read the app's configuration, and kept in its deployment history";

/// An app setting that carries a credential: one that reads a credential of this
/// configuration, or a credential-named setting given a value from elsewhere
/// (`DB_PASSWORD = var.db_password`) rather than a Key Vault reference. Literals are
/// `hardcoded-credential`'s.
fn app_setting_credential(item: &Item<'_>) -> Option<(crate::span::Span, String)> {
    // `connection_string { value = "…;Password=${…}" }`: shown beside the app settings.
    let connection =
        item.nested("connection_string").into_iter().find_map(|c| generated_credential_at(&c.attr("value")?.expr));
    // A Functions app's storage key becomes its `AzureWebJobsStorage` app setting (a Flex
    // Consumption app's `storage_access_key`, with `StorageAccountConnectionString`).
    // A legacy Functions app's `storage_connection_string` carries it too.
    let storage_key = || {
        ["storage_account_access_key", "storage_access_key", "storage_connection_string"]
            .iter()
            .find_map(|k| generated_credential_at(&item.attr(k)?.expr))
    };
    if let Some(found) = connection.or_else(storage_key) {
        return Some(found);
    }
    let a = item.attr("app_settings")?;
    let ExprKind::Object(entries) = &a.expr.kind else {
        // `app_settings = var.app_settings` (or merged with it): what the caller wrote into it.
        return generated_credential_at(&a.expr)
            .or_else(|| item.env.input_read_in(&a.expr).map(|r| (a.expr.span.clone(), r.to_owned())));
    };
    entries.iter().find_map(|(k, v)| {
        // A Key Vault reference (`@Microsoft.KeyVault(SecretUri=${…})`) is the fix.
        let key_vault_reference = matches!(&v.kind, ExprKind::Template(parts)
            if matches!(parts.first(), Some(crate::syntax::TemplatePart::Lit(l)) if l.trim_start().starts_with("@Microsoft.KeyVault")));
        if key_vault_reference {
            return None;
        }
        setting_credential(k, v)
    })
}

/// A setting of plain configuration (an app setting, a ConfigMap key) that carries a
/// credential: one that reads a credential of this configuration, or a credential-named key
/// given a value from elsewhere (`DB_PASSWORD = var.db_password`). Literals are
/// `hardcoded-credential`'s.
fn setting_credential(k: &crate::syntax::ObjKey, v: &Expr) -> Option<(crate::span::Span, String)> {
    if written_literal(v) {
        return None;
    }
    if let Some(found) = generated_credential_at(v) {
        return Some(found);
    }
    named_credential(k.name()?, v).map(|read| (v.span.clone(), read))
}

/// A value written here as a literal (`hardcoded-credential`'s); a string holding an unknown
/// part (what a plan recovers as unknown) came from elsewhere.
fn written_literal(v: &Expr) -> bool {
    match &v.kind {
        ExprKind::Str(t) => !t.contains(crate::eval::HOLE),
        kind => matches!(kind, ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null),
    }
}

/// `name = what v reads` when `name` is a credential's and `v` does not point elsewhere
/// ([`points_elsewhere`]): a setting or environment entry holding a credential by its name.
fn named_credential(name: &str, v: &Expr) -> Option<String> {
    (crate::facts::secrets::is_credential_key(name) && !points_elsewhere(v))
        .then(|| format!("{name} = {}", v.traversal_path().unwrap_or_else(|| "…".to_owned())))
}

/// A value that names or locks away a secret rather than holding it: a resource's id or ARN
/// (`aws_secretsmanager_secret.db.arn`), ciphertext (`google_kms_secret_ciphertext.s.ciphertext`),
/// a reference the platform resolves (`"{{resolve:secretsmanager:${…}}}"`, a Key Vault reference).
fn points_elsewhere(v: &Expr) -> bool {
    if crate::facts::secrets::plainly_not_secret(v) {
        return true;
    }
    if let Some(path) = v.traversal_path() {
        let last = path.rsplit('.').next().unwrap_or("");
        return last.contains("ciphertext") || last.starts_with("encrypted_");
    }
    let ExprKind::Template(parts) = &v.kind else { return false };
    // Only interpolations (`"${a.arn}${b.name}"`, or what a plan says an unknown value refers
    // to): each of them points elsewhere.
    let interpolations_only = parts.iter().all(|p| match p {
        crate::syntax::TemplatePart::Interp(e) => points_elsewhere(e),
        _ => false,
    });
    interpolations_only
        || matches!(parts.first(), Some(crate::syntax::TemplatePart::Lit(lead))
            if ["{{resolve:", "@microsoft.keyvault", "arn:"].iter().any(|p| lead.trim_start().to_ascii_lowercase().starts_with(p)))
}

/// A credential-named field of a document the value encodes (`jsonencode({ password =
/// var.db_password })`), at any depth, given a value from elsewhere; literals are
/// `hardcoded-credential`'s.
fn encoded_field_credential(e: &Expr) -> Option<(crate::span::Span, String)> {
    fn named_field(e: &Expr) -> Option<(crate::span::Span, String)> {
        let ExprKind::Object(fields) = &e.kind else { return None };
        fields.iter().find_map(|(k, v)| match &v.kind {
            ExprKind::Object(_) => named_field(v),
            _ => setting_credential(k, v),
        })
    }
    let mut found = None;
    e.walk(&mut |x| {
        if found.is_none()
            && let ExprKind::Call { name, args, .. } = &x.kind
            && (name == "jsonencode" || name == "yamlencode")
        {
            found = args.first().and_then(named_field);
        }
    });
    found
}

/// A credential written into a Helm release's chart values: a `set` entry (not
/// `set_sensitive`) whose value reads a credential of this configuration or whose name ends in a
/// credential's (`auth.password = var.db_password`), or `values` that read one or hand a
/// credential-named field to `templatefile`, `yamlencode` or `jsonencode`. Literals are
/// `hardcoded-credential`'s.
fn helm_values_credential(r: &Item<'_>, known: &ModuleOutputs<'_>) -> Option<(crate::span::Span, String)> {
    let set_entry = |name: Option<String>, v: &Expr| {
        if written_literal(v) {
            return None;
        }
        generated_credential_at(v).or_else(|| {
            // `auth.password`: the last segment names the value; the message keeps the path.
            let name = name?;
            let (path, last) = name.rsplit_once('.').map_or(("", name.as_str()), |(p, l)| (p, l));
            let dot = if path.is_empty() { "" } else { "." };
            named_credential(last, v).map(|read| (v.span.clone(), format!("{path}{dot}{read}")))
        })
    };
    let from_blocks = r.nested("set").into_iter().find_map(|b| set_entry(b.str("name"), &b.attr("value")?.expr));
    // Provider 3.x takes `set = [{ name = …, value = … }]`.
    let from_list = || {
        let ExprKind::Array(items) = &r.attr("set")?.expr.kind else { return None };
        items.iter().find_map(|item| {
            let ExprKind::Object(fields) = &item.kind else { return None };
            let field = |n: &str| fields.iter().find(|(k, _)| k.name() == Some(n)).map(|(_, v)| v);
            let name = field("name").and_then(|n| match &n.kind {
                ExprKind::Str(t) => Some(t.clone()),
                _ => None,
            });
            set_entry(name, field("value")?)
        })
    };
    let from_values = || {
        let a = r.attr("values")?;
        configuration_credential(&a.expr, known)
            .map(|read| (a.expr.span.clone(), read))
            .or_else(|| encoded_field_credential(&a.expr))
            .or_else(|| {
                let mut found = None;
                a.expr.walk(&mut |x| {
                    if found.is_none()
                        && let ExprKind::Call { name, args, .. } = &x.kind
                        && name == "templatefile"
                        && let Some(ExprKind::Object(fields)) = args.get(1).map(|v| &v.kind)
                    {
                        found = fields.iter().find_map(|(k, v)| setting_credential(k, v));
                    }
                });
                found
            })
    };
    from_blocks.or_else(from_list).or_else(from_values)
}

/// What boot data reads that is a credential: [`boot_credential_read`], or a key a local
/// module returns by what its code shows (`module.tls.client_key`).
fn boot_data_read(e: &Expr, known: &ModuleOutputs<'_>) -> Option<String> {
    // One walk for what it reads, judged as a credential of this configuration first, then a
    // module's key, then an input.
    let read = credential_read(e, &|_, _| None);
    read.clone()
        .filter(|r| of_configuration(r))
        .or_else(|| module_credential(e, known))
        .or_else(|| read.filter(|r| r.starts_with("var.")))
}

/// The `vars` of a `data "template_file"`: `vars = { … }`, or the attributes of the
/// `vars { … }` block of Terraform 0.11.
fn template_vars<'a>(d: &Item<'a>) -> Vec<&'a Attr> {
    let block_vars = d.nested("vars").into_iter().flat_map(|v| v.body.attrs.iter());
    d.attr("vars").into_iter().chain(block_vars).collect()
}

/// The [`template_vars`] of each `data "template_file"` of the module, by name.
fn template_file_vars<'a>(cx: &Ctx<'a>) -> HashMap<&'a str, Vec<&'a Attr>> {
    cx.data("template_file").iter().map(|d| (d.label(1), template_vars(d))).collect()
}

/// An input named for a credential among the `vars` of the `template_file` that boot data
/// renders (`user_data = data.template_file.boot.rendered` with `token = var.runner_token`):
/// the machine's metadata carries it whatever the caller passes. A credential of the
/// configuration there is reported on the `template_file` itself.
fn rendered_input_credential(e: &Expr, templates: &HashMap<&str, Vec<&Attr>>) -> Option<String> {
    let mut found = None;
    e.walk(&mut |x| {
        if found.is_some() {
            return;
        }
        let Some(p) = x.traversal_path() else { return };
        let Some(name) = p.strip_prefix("data.template_file.").and_then(|r| r.split(['.', '[']).next()) else {
            return;
        };
        found = templates.get(name).into_iter().flatten().find_map(|a| {
            let read = credential_read(&a.expr, &|_, _| None).filter(|r| r.starts_with("var."))?;
            // Quoted by the message: "`var.token` through `data.template_file.boot`".
            Some(format!("{read}` through `data.template_file.{name}"))
        });
    });
    found
}

/// What the module holds that tells a credential where boot data reads it: the local modules'
/// outputs known to return one, the `vars` of its `template_file`s, and the locals that hold a
/// literal secret.
struct BootSources<'k, 'a> {
    known: &'k ModuleOutputs<'k>,
    templates: HashMap<&'a str, Vec<&'a Attr>>,
    locals: &'a [String],
}

impl BootSources<'_, '_> {
    /// What boot data reads that is a credential: [`boot_data_read`], an input among the vars of
    /// the `template_file` it renders, or a local holding a literal secret; also any of them in
    /// a local the boot data takes whole (`templatefile(…, merge(local.boot_vars, {…}))`), two
    /// locals deep.
    fn read(&self, e: &Expr, env: &crate::eval::Env<'_>) -> Option<String> {
        self.read_at(e, env, 2)
    }

    fn read_at(&self, e: &Expr, env: &crate::eval::Env<'_>, depth: usize) -> Option<String> {
        boot_data_read(e, self.known)
            .or_else(|| rendered_input_credential(e, &self.templates))
            .or_else(|| crate::rules::common::reads_literal_local(e, self.locals))
            .or_else(|| {
                let mut whole = Vec::new();
                if depth > 0 {
                    e.walk(&mut |x| whole.extend(env.local_passed_whole(x)));
                }
                whole.into_iter().find_map(|l| self.read_at(l, env, depth - 1))
            })
    }
}

/// Where boot data of `item` carries a credential: the attribute and what it reads.
fn boot_credential<'a>(item: &Item<'a>, sources: &BootSources<'_, '_>) -> Option<(&'a Attr, String)> {
    let boot_credential_read = |e: &Expr| sources.read(e, item.env);
    let public_settings = VM_EXTENSIONS.contains(&item.label(0)).then_some("settings");
    let direct = BOOT_DATA
        .iter()
        .copied()
        .chain(public_settings)
        .filter_map(|k| item.attr(k))
        .find_map(|a| boot_credential_read(&a.expr).map(|r| (a, r)));
    // The legacy Azure VM and scale set keep it in their `os_profile` block.
    let os_profile = || {
        item.nested("os_profile")
            .into_iter()
            .filter_map(|p| p.attr("custom_data"))
            .find_map(|a| boot_credential_read(&a.expr).map(|r| (a, r)))
    };
    direct.or_else(os_profile).or_else(|| {
        let meta = item.attr("metadata")?;
        let ExprKind::Object(entries) = &meta.expr.kind else { return None };
        entries
            .iter()
            .filter(|(k, _)| k.name().is_some_and(|n| BOOT_METADATA.contains(&n)))
            .find_map(|(_, v)| boot_credential_read(v))
            .map(|r| (meta, r))
    })
}

/// ## What it does
/// Finds a credential that Terraform creates — a generated private key
/// (`tls_private_key.x.private_key_pem`), a service-account key, an access key's secret, an
/// application password, a generated password — or reads from a secret store or another
/// configuration's state (`data.terraform_remote_state.x.outputs.root_token`), written where
/// others read it: what a machine
/// receives at boot (`user_data`, `custom_data` (also in a legacy VM's `os_profile`),
/// `metadata_startup_script`, a GCE `metadata`
/// startup script or an Oracle Cloud instance's `metadata.user_data`, the parts of a `cloudinit_config`, the public `settings` of an Azure VM
/// extension), the `vars` of a `template_file` (what it renders goes into boot data, container
/// definitions, chart values) — in both, also a key a local module returns
/// (`module.tls.client_key`) — and the content of a bucket or storage
/// object (`aws_s3_object`, `google_storage_bucket_object`, `azurerm_storage_blob`; there also an
/// input named for a credential and a credential-named field of a document the object encodes:
/// `jsonencode({ password = var.db_password })`), and the
/// `data` of a Kubernetes ConfigMap (also a key a local module returns without marking its
/// output sensitive, and a credential-named key given a variable or another reference:
/// `DJANGO_SECRET = var.django_secret`), an HCP Terraform variable not marked `sensitive` and a GitHub Actions
/// variable (`github_actions_variable`: shown in plain text), or an Azure DevOps variable
/// group's variable given as `value` rather than a secret, or an Azure App Service, Functions
/// or Static Web App setting or connection string (also a credential-named setting given a
/// variable or another reference rather than a Key Vault reference, and a Functions app's
/// `storage_account_access_key` or a Flex Consumption app's `storage_access_key`, which
/// becomes its `AzureWebJobsStorage` setting), or the
/// environment of a Lambda function, an Elastic Beanstalk environment, an ECS task, an App
/// Runner service, a CodeBuild project's plain-text variables, a Cloud Function, a Cloud
/// Composer or App Engine environment, a Lightsail container's `environment`, an Azure
/// container group's plain `environment_variables`, a Docker container's `env` or a Heroku
/// app's plain `config_vars`, each also written as a block as Terraform 0.11 code does (a
/// secret store's whole map of entries too, such as `data.doppler_secrets.app.map`, directly
/// or through a local passed whole; there also a credential-named entry given a value from
/// elsewhere:
/// `ANTHROPIC_API_KEY = data.aws_ssm_parameter.claude.value`, `"POSTGRES_PASSWORD=${var.pg}"`,
/// but not an ARN, ciphertext or a `{{resolve:…}}` reference; and an input of a module
/// call named for an environment, app settings or boot data: `environment_variables`,
/// `*_env_vars`, `config_vars`, `app_settings`, `user_data`, `startup_script`), a Helm
/// release's chart values (a `set` entry, not `set_sensitive`, named for a credential or
/// reading one, and `values` rendered with one), or a container's `env` in a Kubernetes
/// workload's spec, a Cloud Run service or job or an Azure Container App (rather than
/// `value_from` a Secret or a secret reference), directly or through
/// `templatefile()` and `base64encode()`. A secret
/// passed in from a variable is left to the rules on that variable, except in boot data, app
/// settings and workload environments, where an input named for a credential
/// (`${var.runner_token}`, `value = var.db_password`, also among the `vars` of the
/// `template_file` whose `.rendered` is the boot data) is copied into the machine's, app's or
/// workload's configuration whatever the caller passes, and so is a local holding a literal
/// secret (`${local.api_secret}`, itself reported by `hardcoded-credential`). Boot data that
/// takes a local whole (`templatefile("boot.tftpl", merge(local.boot_vars, { … }))`) is read
/// through it, two locals deep. A local module's
/// variable that its caller filled with a credential (`environment = { DB_PASSWORD =
/// aws_db_instance.db.password }` passed to `variables = var.environment`) is reported on that
/// call.
///
/// ## Why is this bad?
/// Boot data is not secret: every process on the machine can read it from the metadata
/// service, and so can anyone allowed to describe the instance or its template, for as long
/// as the machine exists. A bucket object is readable by every identity that may read the
/// bucket, and copied by its replication and backups. A ConfigMap is not a Secret: it is stored
/// unencrypted and read by roles that were never meant to see credentials. The credential also lives unencrypted in
/// state and never changes.
///
/// ## Example
/// ```hcl
/// resource "aws_instance" "bastion" {
///   ami       = "ami-0123456789abcdef0"
///   user_data = "echo '${tls_private_key.internal.private_key_pem}' > /home/ec2-user/.ssh/id_rsa"
/// }
/// ```
///
/// ## Use instead
/// Give the machine an identity (instance profile, service account, managed identity) and let
/// it fetch the credential from a secret manager at boot:
/// ```hcl
/// resource "aws_instance" "bastion" {
///   ami                  = "ami-0123456789abcdef0"
///   iam_instance_profile = aws_iam_instance_profile.bastion.name
///   user_data            = file("${path.module}/fetch-key-from-secrets-manager.sh")
/// }
/// ```
#[derive(Debug)]
pub struct CredentialInSharedData;

impl Rule for CredentialInSharedData {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "credential-in-shared-data",
            category: Category::StaticCredential,
            severity: Severity::Medium,
            summary: "a credential Terraform creates, written into a machine's boot data, a storage object or a ConfigMap",
            source: include_str!("credential_in_shared_data.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const FETCH: &str = "keep the credential in a secret manager and give whoever needs it an identity (instance profile, service account, managed identity) to fetch it";
        const OBJECT_READERS: &str = "readable by whoever may read the bucket, and by its copies";
        const MACHINE_READERS: &str = "readable by every process on the machine and by whoever may describe it";
        const RENDERED_READERS: &str = "readable wherever the rendered text goes (boot data, a container definition, chart values) and in the state";
        const VARIABLE_READERS: &str =
            "shown in the settings and API to everyone who may read the workspace or repository";
        const SENSITIVE: &str = "mark it sensitive (tfe_variable sensitive = true) or store it as a secret (github_actions_secret), or better, give the consumer its own short-lived credential";
        const LIBRARY_READERS: &str = "shown to everyone who may read or use the project's library";
        const CONFIG_MAP_READERS: &str =
            "stored unencrypted and readable by every workload and role that may read ConfigMaps of the namespace";
        const HELM_READERS: &str =
            "shown by `helm get values` to whoever may read the release, and kept in every revision and in the state";
        let known = cx.module_credentials_any();
        let sources = BootSources {
            known: &known,
            templates: template_file_vars(cx),
            locals: cx.facts().literal_secret_locals(),
        };
        for r in cx.all_blocks() {
            let object = OBJECT_CONTENT.iter().find(|(t, _)| r.top.ident == "resource" && r.label(0) == *t);
            // (where, what it reads, what it is written into, who can read that, what to do)
            let found = if let Some((_, keys)) = object {
                keys.iter().filter_map(|k| r.attr(k)).find_map(|a| {
                    // Also an input named for a credential (`var.db_password`), as a plan shows it.
                    let (span, read) = generated_credential_at(&a.expr)
                        .or_else(|| boot_credential_read(&a.expr).map(|r| (a.expr.span.clone(), r)))
                        .or_else(|| encoded_field_credential(&a.expr))?;
                    Some((span, read, "a storage object".to_owned(), OBJECT_READERS, FETCH))
                })
            } else if r.top.ident == "resource" && CONFIG_MAPS.contains(&r.label(0)) {
                // Also what a local module returns without marking it sensitive
                // (`module.sa.key` whose output is `google_service_account_key.k.private_key`).
                // A credential-named key given a variable or another reference is one too.
                let help = "put it in a kubernetes_secret (or a secret manager synced into one) and mount that instead";
                ["data", "binary_data"].iter().filter_map(|k| r.attr(k)).find_map(|a| {
                    let (span, read) = configuration_credential(&a.expr, &known)
                        .map(|read| (a.expr.span.clone(), read))
                        .or_else(|| match &a.expr.kind {
                            ExprKind::Object(entries) => entries.iter().find_map(|(k, v)| setting_credential(k, v)),
                            _ => None,
                        })?;
                    Some((span, read, "a ConfigMap".to_owned(), CONFIG_MAP_READERS, help))
                })
            } else if r.top.ident == "data" && r.label(0) == "cloudinit_config" {
                r.nested("part").into_iter().find_map(|p| {
                    let a = p.attr("content")?;
                    let read = boot_data_read(&a.expr, &known)?;
                    Some((a.expr.span.clone(), read, "a cloud-init part".to_owned(), MACHINE_READERS, FETCH))
                })
            } else if r.top.ident == "data" && r.label(0) == "template_file" {
                // What a `template_file` renders lands where its `.rendered` goes (boot data, a
                // container definition, Helm values) and in the state: a credential of this
                // configuration among its `vars` is written there. An input is passed in at run
                // time (chart values from a sensitive variable are the usual way): left to the
                // rules on it.
                template_vars(&r).into_iter().find_map(|a| {
                    let read = configuration_credential(&a.expr, &known)?;
                    let into = "a rendered template".to_owned();
                    Some((a.expr.span.clone(), read, into, RENDERED_READERS, FETCH))
                })
            } else if r.top.ident == "resource" && PLAIN_VARIABLES.contains(&r.label(0)) {
                // A plain (not sensitive) workspace or Actions variable is shown to whoever may
                // read the workspace or repository settings.
                let sensitive = r.value("sensitive").and_then(|v| v.as_bool()) == Some(true);
                r.attr("value").filter(|_| !sensitive).and_then(|a| {
                    // An access key's id half (`….access_key` of Vault's AWS credentials) names
                    // the key; it is not the secret.
                    let read = generated_credential(&a.expr).filter(|r| !r.ends_with(".access_key"))?;
                    let into = format!("`{}`, a variable not marked sensitive", r.label(0));
                    Some((a.expr.span.clone(), read, into, VARIABLE_READERS, SENSITIVE))
                })
            } else if r.top.ident == "resource" && r.label(0) == "azuredevops_variable_group" {
                // A variable of an Azure DevOps variable group given `value` rather than
                // `secret_value` (with `is_secret = true`) is shown to everyone who may use the
                // library.
                r.nested("variable").into_iter().find_map(|v| {
                    let secret = v.value("is_secret").and_then(|x| x.as_bool()) == Some(true);
                    let a = v.attr("value").filter(|_| !secret)?;
                    let read = generated_credential(&a.expr).filter(|r| !r.ends_with(".access_key"))?;
                    let into = "a plain variable of an Azure DevOps variable group".to_owned();
                    let help = "give it as secret_value with is_secret = true, or link the group to a Key Vault";
                    Some((a.expr.span.clone(), read, into, LIBRARY_READERS, help))
                })
            } else if r.top.ident == "resource" && WORKLOAD_ENVIRONMENTS.iter().any(|(t, _)| r.label(0) == *t) {
                workload_environment_credential(&r, sources.locals).map(|(span, read)| {
                    let help = "give the workload an identity (execution role, service account) that reads the secret from a secret manager at run time";
                    (span, read, "the workload's environment".to_owned(), ENVIRONMENT_READERS, help)
                })
            } else if r.top.ident == "resource" && POD_SPECS.iter().any(|(t, _)| r.label(0) == *t) {
                pod_environment_credential(&r, sources.locals).map(|(span, read)| {
                    let help = "put the value in a kubernetes_secret and read it with env { value_from { secret_key_ref { … } } }, or mount it";
                    (span, read, "a container's environment in the workload's spec".to_owned(), POD_SPEC_READERS, help)
                })
            } else if r.top.ident == "resource" && CONTAINER_SERVICES.iter().any(|(t, _, _)| r.label(0) == *t) {
                pod_environment_credential(&r, sources.locals).map(|(span, read)| {
                    let help = "keep the value in the platform's secret store (Secret Manager, the app's secrets) and reference it from the container's env";
                    (span, read, "a container's environment in the service's configuration".to_owned(), SERVICE_READERS, help)
                })
            } else if r.top.ident == "resource" && APP_SERVICES.contains(&r.label(0)) {
                app_setting_credential(&r).map(|(span, read)| {
                    let help = "reference a Key Vault secret (@Microsoft.KeyVault(SecretUri=…)) that the app reads with its managed identity";
                    (span, read, "the app's settings".to_owned(), APP_SETTINGS_READERS, help)
                })
            } else if r.top.ident == "resource" && r.label(0) == "helm_release" {
                helm_values_credential(&r, &known).map(|(span, read)| {
                    let help = "keep it in a Kubernetes Secret the chart reads (existingSecret), or at least pass it with set_sensitive";
                    (span, read, "the release's chart values".to_owned(), HELM_READERS, help)
                })
            } else if r.top.ident == "module" {
                // A module handed an environment, app settings or boot data
                // (`environment_variables`, `app_settings`, `user_data`): it writes them where
                // the resources above would.
                r.body.attrs.iter().filter(|a| shared_data_input(&a.key)).find_map(|a| {
                    let e = &a.expr;
                    let read = boot_credential_read(e)
                        .or_else(|| module_credential(e, &known))
                        .or_else(|| boot_credential_read(r.env.local_passed_whole(e)?))
                        .or_else(|| crate::rules::common::reads_literal_local(e, sources.locals))?;
                    let into = format!("the module's `{}`", a.key);
                    let help = "give the workload an identity that reads the secret from a secret manager at run time, or pass the secret's name instead of its value";
                    Some((e.span.clone(), read, into, ENVIRONMENT_READERS, help))
                })
            } else if r.top.ident == "resource" {
                boot_credential(&r, &sources)
                    .map(|(a, read)| (a.expr.span.clone(), read, format!("`{}`", a.key), MACHINE_READERS, FETCH))
            } else {
                None
            };
            if let Some((span, read, into, readers, help)) = found {
                cx.report(&r, span, format!("`{read}` is written into {into}: {readers}")).help(help);
            }
        }
    }
}
