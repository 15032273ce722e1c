//! Plan parity: every rule's fixture, turned into the plan Terraform would write for it, must
//! give the same findings in `nhi-lint plan` as in `nhi-lint check`.
//!
//! The plan is built the way Terraform builds one (`support/plan_build.rs`).
//!
//! A rule whose `bad…` block is flagged in HCL but not in the plan is a parity gap; the few
//! that a plan cannot show by nature are listed in `BY_NATURE` with the reason.

mod support {
    pub mod plan_build;
}

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use nhi_lint::codes::RULES;
use nhi_lint::rule::OnPlan;
use nhi_lint::{Settings, lint_paths, lint_plan};
use support::plan_build::plan_of;

/// Every rule, the opt-in ones included.
fn settings() -> Settings {
    let mut s = Settings::new(nhi_core::parse_timestamp("2026-06-01T00:00:00Z").unwrap());
    s.select = vec!["all".into()];
    s
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

/// Blocks a plan shows differently by nature, by rule, with the reason: `bad…` ones it cannot
/// show, `ok…` ones where it shows what HCL reports elsewhere.
const BY_NATURE: &[(&str, &str, &str)] = &[
    (
        "NHI122",
        "bad_generated_key_in_values",
        "a plan holds the chart values as rendered text, unknown until the key is generated at apply: which field came from the key is gone",
    ),
    (
        "NHI122",
        "bad_smtp_password_in_values",
        "a plan holds the chart values as rendered YAML text: the field names and the variable the password came from are gone",
    ),
    (
        "NHI122",
        "bad_key_in_a_local_of_boot_vars",
        "a plan's configuration describes no locals, and the key generated in the same plan is known only after apply: `user_data` is unknown there",
    ),
    (
        "NHI262",
        "bad_eks_node_group_with_ebs_csi",
        "a registry module: a real plan lists the node group role's policy attachments, found there",
    ),
    (
        "NHI116",
        "bad_applications_by_name",
        "a plan keeps an output's expression only as its references (`gitlab_application.apps`, and the `for` variable): the `for` that returns each whole application is not in them",
    ),
    (
        "NHI116",
        "bad_raw_kubeconfig",
        "a plan's `references` stop at the first index (`kube_config`): the field read after it (`raw_config`) is not in it",
    ),
    (
        "NHI105",
        "bad_token_used_by_provider",
        "a plan's `references` stop at `data.kubernetes_secret.x.data`: which entry is read (`token`) is not in it",
    ),
    (
        "NHI213",
        "bad_root_token_read_back_from_init",
        "a plan's `references` stop at `data.kubernetes_secret_v1.unseal.data`: which entry is read (`root-token`) is not in it",
    ),
    (
        "NHI105",
        "bad_counted_token_read",
        "a plan's `references` stop at `data.kubernetes_secret_v1.x[0].data`: which entry is read (`token`) is not in it",
    ),
    (
        "NHI204",
        "bad_irsa_audience_only_misspelt_action",
        "the condition key is built on a module output this harness leaves unknown; a real plan of an existing cluster has it",
    ),
    (
        "NHI101",
        "bad_flag_off",
        "a feature flag that is off: the plan has no instance; HCL reports the conditional risk",
    ),
    ("NHI101", "bad_flag_off_for_each", "the same, with for_each over an empty default"),
    ("NHI101", "bad_iam_user_module", "a registry module: a real plan lists its resources, which are found there"),
    ("NHI101", "bad_system_user_default_key", "a registry module: a real plan lists its access key, found there"),
    ("NHI101", "bad_iam_user_v5_default_key", "a registry module: a real plan lists its access key, found there"),
    (
        "NHI205",
        "bad_assumable_role_admin_switch",
        "a registry module: a real plan lists its policy attachment, found there",
    ),
    (
        "NHI205",
        "bad_admin_roles_per_instance",
        "a registry module: a real plan lists each instance's policy attachment, found there",
    ),
    ("NHI102", "bad_service_accounts_module", "a registry module: a real plan lists its resources"),
    (
        "NHI122",
        "bad_lambda_environment_through_module",
        "a registry module: a real plan lists its function with the environment, found there",
    ),
    (
        "NHI202",
        "bad_every_secret_through_a_local",
        "the region and account are variables this harness leaves unknown; a real plan knows them and renders the ARN",
    ),
    (
        "NHI122",
        "bad_secret_through_a_local",
        "the access key's secret is known only after apply, and a plan keeps no local's expression",
    ),
    (
        "NHI116",
        "bad_root_token_from_init_response",
        "a plan's output references stop at `terracurl_request.init.response`: the field read from what jsondecode returns (`root_token`) is not in them",
    ),
    (
        "NHI116",
        "bad_cluster_client_key",
        "a plan's output references stop at the attribute (`certificate_users`): the map key written as an index is not kept",
    ),
    (
        "NHI116",
        "bad_local_secret_in_output",
        "a plan's configuration describes no locals: the output's expression only references `local.webhook_signing_secret`, and the literal it holds is not written in the configuration",
    ),
    (
        "NHI122",
        "bad_local_secret_in_user_data",
        "a plan's configuration describes no locals: `user_data` only references `local.deploy_api_secret`, and the literal it holds is not written in the configuration",
    ),
    (
        "NHI201",
        "bad_every_queue",
        "the region and account are variables this harness leaves unknown, so the whole ARN is unknown in its plan and judged as one resource; a real plan knows them and renders the `:*`",
    ),
    (
        "NHI201",
        "ok_s3_on_referenced_bucket_json",
        "the bucket is created in the same plan: the role policy's whole JSON is unknown there, and its configuration keeps only the references (`aws_s3_bucket.uploads.arn`), not the `jsonencode` around them",
    ),
    (
        "NHI201",
        "ok_bucket_objects_by_format",
        "a deferred policy document's `resources` are unknown in the plan, and its configuration keeps only the references (`aws_s3_bucket.charts.arn`), not the format string: what it covers cannot be read there",
    ),
    (
        "NHI116",
        "bad_unwrapped_secret_key",
        "a plan's output references name `data.kubernetes_secret_v1.argocd_admin.data`: the key indexed after nonsensitive() is not kept",
    ),
    (
        "NHI122",
        "bad_runner_token_rendered_into_user_data",
        "the template_file is read during the plan: `user_data` holds the rendered text, and its configuration references name the data source, not the input among its vars",
    ),
    (
        "NHI207",
        "bad_roles_behind_an_unknown_level",
        "a plan has every input's value: the condition is decided there, and the grant exists only at the level chosen",
    ),
    (
        "NHI207",
        "bad_org_bindings_module",
        "a registry module: a real plan lists the IAM members it creates, found there",
    ),
    ("NHI124", "bad_token", "a registry module: a real plan lists the token it creates, found there"),
    ("NHI124", "bad_client_secret", "a git module: a real plan lists the secret it creates, found there"),
    ("NHI120", "bad_gke_module_client_certificate", "a registry module: a real plan lists its cluster, found there"),
    (
        "NHI210",
        "bad_owner_on_every_looked_up_subscription",
        "for_each over data sources of a variable without a value: a real plan lists every instance and its role",
    ),
    (
        "NHI206",
        "bad_service_account_module_editor",
        "a registry module's input built from a variable: a real plan lists the module's grants, found there",
    ),
    (
        "NHI228",
        "bad_service_accounts_module",
        "a registry module's input built from a variable: a real plan lists the module's grants, found there",
    ),
    ("NHI102", "bad_key_file", "file() of a key that is not on disk: Terraform would fail to plan"),
    (
        "NHI229",
        "bad_subjects_for_callers_repositories",
        "a plan holds the subjects of the repositories given (none with the default here): with one, it is found there",
    ),
    (
        "NHI229",
        "bad_subjects_for_required_repositories",
        "a plan holds the subjects of the repositories its required variable is given (this harness gives none): with one, it is found there",
    ),
    (
        "NHI229",
        "bad_inline_subjects_for_required_repositories",
        "a plan holds the subjects of the repositories its required variable is given (this harness gives none): with one, it is found there",
    ),
    (
        "NHI229",
        "bad_module_subjects_any_ref",
        "a registry module's input: a real plan lists the module's role and its trust policy, found there",
    ),
    (
        "NHI229",
        "bad_bare_repository",
        "a registry module's input: a real plan lists the module's role and its trust policy, found there",
    ),
    (
        "NHI229",
        "bad_repository_with_allow_all",
        "a registry module's input: a real plan lists the module's role and its trust policy, found there",
    ),
    (
        "NHI229",
        "bad_full_name_any_ref",
        "the repository is created in the same plan, so its full name is unknown there; a plan against an existing repository holds the subject, found there",
    ),
    (
        "NHI116",
        "bad_cluster_auth",
        "its client key is a sensitive attribute: Terraform refuses to plan an output of it without sensitive = true",
    ),
    (
        "NHI116",
        "bad_aks_kube_config",
        "its client key is a sensitive attribute: Terraform refuses to plan an output of it without sensitive = true",
    ),
    ("NHI102", "bad_key_file_interpolated", "file() of a key that is not on disk: Terraform would fail to plan"),
    (
        "NHI304",
        "bad_optional_expiry",
        "for_each over a variable without a value: a real plan knows every instance and its expires_at",
    ),
    ("NHI111", "bad_slack", "a local no resource reads: locals are not in a plan"),
    ("NHI111", "bad_commented_out_key", "commented-out code: a plan has no comments"),
    ("NHI112", "bad_settings", "a local no resource reads: locals are not in a plan"),
    ("NHI112", "bad_commented_out_password", "commented-out code: a plan has no comments"),
    ("NHI112", "bad_commented_out_with_slashes", "commented-out code: a plan has no comments"),
    (
        "NHI303",
        "bad_three_years_from_each_apply",
        "timestamp() is unknown until apply, and a plan keeps no local's expression",
    ),
    (
        "NHI303",
        "bad_two_years_from_creation",
        "a time_static is unknown until it is created, and a plan keeps the references of `timeadd`, not its duration",
    ),
    (
        "NHI303",
        "bad_conditional_two_years",
        "a time_static is unknown until it is created, and a plan keeps the references of `timeadd`, not its duration",
    ),
    (
        "NHI112",
        "bad_password_before_an_interpolated_host",
        "the URL is unknown until its host exists, and a plan keeps no template text",
    ),
    ("NHI224", "bad_map_users", "a local: the plan shows it where a resource reads it"),
    ("NHI224", "ok_uses_local", "the reader of the local bad_map_users: where the plan shows that literal"),
    (
        "NHI112",
        "ok_password_from_secret_var",
        "reads var.bad_sensitive: a plan has no variable block, it shows the literal here",
    ),
    (
        "NHI112",
        "ok_env_from_secret_var",
        "reads var.bad_api_token: a plan has no variable block, it shows the literal here",
    ),
    (
        "NHI112",
        "ok_script_from_secret_var",
        "reads var.bad_sensitive: a plan has no variable block, it shows the literal here",
    ),
    (
        "NHI228",
        "bad_member_through_a_local",
        "the member is a local built around an email known only after apply: a plan's configuration names `local.app_member` and keeps no locals",
    ),
    ("NHI228", "ok_reported_as_editor", "a plan judges each for_each instance: roles/storage.admin stands alone there"),
    ("NHI218", "bad_admin", "ephemeral resources are never in a plan"),
    (
        "NHI201",
        "bad_inline_policies_input",
        "a local module's resources: this harness plans one module; a real plan lists each policy the module attaches",
    ),
    (
        "NHI116",
        "bad_for_over_app_passwords",
        "a plan keeps the output's references (`azuread_application_password.per_group`), not the `for` that reads each `.value`, and Terraform refuses to plan a password output without sensitive = true",
    ),
    (
        "NHI116",
        "bad_object_built_in_a_local",
        "a plan keeps an output's references (`local.deployer`), not the locals they name, and Terraform refuses to plan an output holding a key's secret without sensitive = true",
    ),
    (
        "NHI107",
        "ok_values_from_an_input",
        "a plan holds the secrets' values, not where they were written: the variable default (or `.tfvars` line) NHI112 reports in HCL is not in it, so the plan reports each secret where it lands",
    ),
    (
        "NHI116",
        "ok_marked_by_the_value",
        "a plan keeps an output's references (`random_password.signing`), not the `sensitive()` call around them, and Terraform refuses to plan such an output without sensitive = true",
    ),
    (
        "NHI116",
        "bad_local_token_unwrapped",
        "a plan keeps an output's references, not its calls: the `nonsensitive()` around `local.root_token` that marks it a secret is not in it",
    ),
    (
        "NHI116",
        "bad_token_looked_up",
        "a plan keeps an output's references (`data.kubernetes_secret.reviewer.data`), not the `lookup` call and the key it reads",
    ),
    (
        "NHI116",
        "bad_passwords_by_app",
        "a plan keeps an output's references, not the object it builds: the field named `password` is not in it",
    ),
    (
        "NHI229",
        "bad_github_subject_provider_unknown",
        "the subject and key are built on attributes this harness leaves unknown; a plan of an existing repository and provider knows them",
    ),
    (
        "NHI204",
        "bad_irsa_module_any_namespace",
        "a registry module: a real plan lists its role and trust policy, found there",
    ),
    (
        "NHI201",
        "ok_service_wildcard_on_one_bucket",
        "the bucket's ARN is known only after apply here and a plan keeps no written form of it; a plan of an existing bucket names it",
    ),
    (
        "NHI204",
        "bad_irsa_module_condition_any_namespace",
        "a registry module: a real plan lists its role and trust policy, found there",
    ),
    (
        "NHI204",
        "bad_irsa_module_without_subjects",
        "a registry module: a real plan lists its role and trust policy, found there",
    ),
    (
        "NHI207",
        "bad_token_creator_for_every_team",
        "a for_each over a variable that defaults to empty: the plan has no instance; a caller's plan lists them",
    ),
    ("NHI210", "bad_vault_owner", "a variable without a default: a real plan has the subscription id in the scope"),
    (
        "NHI210",
        "bad_contributor_on_either_registry",
        "a condition on a variable without a value and a data source not read: a real plan has the registry's ID in the scope",
    ),
    (
        "NHI229",
        "bad_any_ref_of_a_variable_repo",
        "variables without a default: a real plan has the repository in the subject, and finds it then",
    ),
    (
        "NHI229",
        "bad_subject_built_in_a_local",
        "a variable without a default: a real plan has the repository in the subject, and finds it then",
    ),
    (
        "NHI303",
        "bad_end_date_left_to_each_caller",
        "a for_each over a variable without a default: the plan has no instance; a caller's plan lists them",
    ),
    (
        "NHI118",
        "bad_token_in_query",
        "a variable without a default: a real plan has its value in the URL, this one cannot",
    ),
    (
        "NHI216",
        "bad_try_fallback",
        "this plan's evaluator reads a missing attribute as null; Terraform plans the fallback",
    ),
    (
        "NHI202",
        "bad_user_may_rewrite_itself",
        "the user is created by the same plan: its ARN, and so the policy naming it, is unknown until apply",
    ),
    (
        "NHI202",
        "bad_role_may_attach_to_itself",
        "the role is created by the same plan: its ARN, and so the policy naming it, is unknown until apply",
    ),
    (
        "NHI202",
        "bad_irsa_external_secrets_defaults",
        "a registry module: a real plan lists its policy with the default ARNs, found there",
    ),
    (
        "NHI207",
        "bad_roles_per_instance",
        "a variable without a default: a real plan has the pool's project number in the members, this one cannot",
    ),
    (
        "NHI116",
        "ok_managed_secret_arn",
        "a plan's `references` stop at the first index (`master_user_secret`): the field read after it (`secret_arn`, an ARN) is not in it",
    ),
    (
        "NHI122",
        "ok_one_setting_of_the_secret_store",
        "a plan's `references` stop at the first index (`map[\"REPORTS_HOST\"]` reads as `map`): one entry of a secret store's map looks like all of it",
    ),
    (
        "NHI122",
        "bad_config_vars_written_as_a_block",
        "Terraform 0.11 syntax for a map argument: Terraform 0.12 and later refuse it, so no plan of it exists",
    ),
    ("NHI307", "bad_no_ttl", "ephemeral resources are never in a plan"),
    ("NHI307", "bad_token", "ephemeral resources are never in a plan"),
];

/// Parity gaps not closed yet, each a class to close; an entry that starts to pass must be
/// removed, so this list only shrinks.
const KNOWN_GAPS: &[&str] = &[
    // Outputs are read from the configuration's expressions only, which name what they read
    // but not the `nonsensitive()` around it.
    "NHI116 bad_unwrapped",
    // Found through the expression of a local, which a plan does not keep.
    "NHI119 bad_kubeconfig_with_token",
    "NHI122 bad_secret_store_config_through_local",
    // A local module's output that returns a credential: the plan's module view does not know
    // which outputs of called modules return credentials.
    "NHI119 bad_module_kubeconfig",
    // Judged in HCL from how the value is built (a mount path from a variable, a for_each over
    // another resource's instances); the plan's model sees each resolved instance alone.
    "NHI202 bad_every_parameter",
    "NHI212 bad_doc_mount",
    "NHI226 bad_every_role_of_a_list",
    "NHI246 bad_every_lab_user",
    // The member is `format("serviceAccount:%s", data.….email)`: the plan recovers it from the
    // HCL as a partly unknown string, which no longer says which data source it reads.
    "NHI207 bad_default_account_impersonates",
    // The project number comes from a data source this harness cannot read; a real plan reads
    // it, and the email is then known.
    "NHI209 bad_default_email_with_the_project_number",
    // The same for `app_role_ids` of the Graph service principal: a real plan holds the role's
    // id in `app_role_id`, which the rule knows by its GUID.
    "NHI219 bad_from_a_list_of_names",
    // The policy's `policy_data` is the JSON a data source renders at plan time: a real plan
    // holds it, which this harness cannot compute.
    "NHI247 bad_policy_applying_it",
];

/// The `bad…`/`ok…` block names a finding is about (the last segment of its address that is one).
fn flagged(findings: &[nhi_lint::Finding], code: &str) -> BTreeSet<String> {
    findings
        .iter()
        .filter(|f| f.code == code)
        .flat_map(|f| std::iter::once(f.address.clone()).chain(f.instances.iter().cloned()))
        .filter_map(|a| {
            a.split(['.', '['])
                .filter(|s| s.starts_with("bad") || s.starts_with("ok"))
                .map(|s| s.trim_end_matches(']').to_owned())
                .next_back()
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn every_rule_finds_in_a_plan_what_it_finds_in_hcl() {
    let s = settings();
    let mut gaps = Vec::new();
    let mut extra = Vec::new();
    let (mut rules, mut blocks, mut matched) = (0, 0, 0);
    for e in RULES.iter().filter(|e| e.rule.meta().on_plan != OnPlan::Never) {
        let tmp = tempfile::tempdir().unwrap();
        let file = fixtures().join(format!("{}.tf", e.code));
        if file.is_file() {
            std::fs::copy(&file, tmp.path().join("main.tf")).unwrap();
        } else {
            copy_dir(&fixtures().join(e.code), tmp.path());
        }
        let hcl = lint_paths(&[tmp.path().to_owned()], &s);
        assert!(hcl.errors.is_empty(), "{}: {:?}", e.code, hcl.errors);
        let plan = plan_of(tmp.path());
        if std::env::var("PARITY_DUMP").is_ok_and(|c| c == e.code) {
            std::fs::write(format!("/tmp/parity-{}.json", e.code), &plan).unwrap();
        }
        let report = lint_plan(&plan, "plan.json", Some(tmp.path()), &s)
            .unwrap_or_else(|err| panic!("{}: the generated plan is refused: {err}", e.code));
        let in_hcl: BTreeSet<String> =
            flagged(&hcl.findings, e.code).into_iter().filter(|n| n.starts_with("bad")).collect();
        let in_plan = flagged(&report.findings, e.code);
        rules += 1;
        blocks += in_hcl.len();
        matched += in_hcl.intersection(&in_plan).count();
        for name in in_hcl.difference(&in_plan) {
            if !BY_NATURE.iter().any(|(c, n, _)| *c == e.code && n == name) {
                gaps.push(format!("{} {name}", e.code));
            }
        }
        for name in in_plan.iter().filter(|n| n.starts_with("ok")) {
            if BY_NATURE.iter().any(|(c, n, _)| *c == e.code && n == name) {
                continue;
            }
            extra.push(format!("{} {name}", e.code));
        }
    }
    println!("plan parity: {matched}/{blocks} flagged fixture blocks of {rules} rules found in the plan as in HCL");
    let new: Vec<&String> = gaps.iter().chain(&extra).filter(|g| !KNOWN_GAPS.contains(&g.as_str())).collect();
    let closed: Vec<&&str> = KNOWN_GAPS.iter().filter(|k| !gaps.iter().chain(&extra).any(|g| g == *k)).collect();
    assert!(new.is_empty(), "new parity gaps (flagged in HCL only, or `ok` flagged in the plan only): {new:#?}");
    assert!(closed.is_empty(), "closed gaps: remove them from KNOWN_GAPS: {closed:#?}");
}
