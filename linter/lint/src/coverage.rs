//! Which credential-issuing resource types the rules know, what makes each short-lived, and
//! which rule covers it: the source of `linter/docs/rules/credential-lifecycle.md`.

/// One credential-issuing resource type.
#[derive(Debug, Clone, Copy)]
pub struct Credential {
    pub resource: &'static str,
    pub provider: &'static str,
    /// What bounds its life: an expiry attribute, a rotation resource, a TTL, or nothing.
    pub short_lived_by: &'static str,
    /// Codes of the rules that cover it; empty when none does.
    pub rules: &'static [&'static str],
}

const fn c(
    resource: &'static str,
    provider: &'static str,
    short_lived_by: &'static str,
    rules: &'static [&'static str],
) -> Credential {
    Credential { resource, provider, short_lived_by, rules }
}

const REPLACE: &str = "`lifecycle.replace_triggered_by` a `time_rotating` (no expiry attribute)";

pub const LIFECYCLE: &[Credential] = &[
    c("aws_iam_access_key", "aws", REPLACE, &["NHI101"]),
    c("awsutils_expiring_iam_access_key", "aws", "provider-managed key age", &["NHI101"]),
    c("aws_iam_service_specific_credential", "aws", REPLACE, &["NHI114"]),
    c("aws_iam_signing_certificate", "aws", REPLACE, &["NHI114"]),
    c("aws_iam_user_login_profile", "aws", "`password_reset_required`; none for the password itself", &["NHI114"]),
    c(
        "aws_secretsmanager_secret",
        "aws",
        "`aws_secretsmanager_secret_rotation` (`automatically_after_days`)",
        &["NHI310", "NHI311"],
    ),
    c("aws_secretsmanager_secret_version", "aws", "rotation of its secret", &["NHI111", "NHI112"]),
    c(
        "aws_ssm_parameter (SecureString)",
        "aws",
        "none in the provider (parameter policies are not exposed)",
        &["NHI112"],
    ),
    c("aws_db_instance (password)", "aws", "`manage_master_user_password` (rotated by Secrets Manager)", &["NHI112"]),
    c("aws_lightsail_key_pair", "aws", "none possible", &[]),
    c("aws_key_pair", "aws", "public key only: not a secret", &[]),
    c("google_service_account_key", "gcp", "`keepers` fed by `time_rotating`", &["NHI102"]),
    c("tls_private_key", "tls", REPLACE, &["NHI121"]),
    c("aws_iot_certificate (no csr)", "aws", "none: send a csr so the key stays on the device", &["NHI121"]),
    c(
        "tls_self_signed_cert, tls_locally_signed_cert",
        "tls",
        "`validity_period_hours` (398 days at most)",
        &["NHI324"],
    ),
    c(
        "google provider `credentials = file(…)` (a downloaded key)",
        "gcp",
        "none: a key file does not expire",
        &["NHI102"],
    ),
    c("google_storage_hmac_key", "gcp", REPLACE, &["NHI102"]),
    c("google_apikeys_key", "gcp", REPLACE, &["NHI113", "NHI258"]),
    c("google_sql_user (password)", "gcp", "none (rotate the value)", &["NHI112"]),
    c(
        "google_container_cluster (`master_auth` basic auth, client certificate)",
        "gcp",
        "none: both last as long as the cluster",
        &["NHI120"],
    ),
    c(
        "google_secret_manager_secret",
        "gcp",
        "`expire_time` / `ttl`, or `rotation.rotation_period`",
        &["NHI309", "NHI311"],
    ),
    c(
        "google_secret_manager_regional_secret",
        "gcp",
        "`expire_time` / `ttl`, or `rotation.rotation_period`",
        &["NHI309", "NHI311"],
    ),
    c("google_secret_manager_secret_version", "gcp", "its secret's expiry or rotation", &["NHI111", "NHI112"]),
    c(
        "azuread_application_password",
        "azure",
        "`end_date` / `end_date_relative`, `rotate_when_changed` fed by `time_rotating`",
        &["NHI103", "NHI303"],
    ),
    c(
        "azuread_service_principal_password",
        "azure",
        "`end_date` / `end_date_relative`, `rotate_when_changed` fed by `time_rotating`",
        &["NHI103", "NHI303"],
    ),
    c("azuread_application (password block)", "azure", "`end_date` / `end_date_relative`", &["NHI103", "NHI303"]),
    c("azuread_application_certificate", "azure", "`end_date` / `end_date_relative`", &["NHI104", "NHI303"]),
    c("azuread_service_principal_certificate", "azure", "`end_date` / `end_date_relative`", &["NHI104", "NHI303"]),
    c("azurerm_key_vault_secret", "azure", "`expiration_date`", &["NHI308", "NHI112"]),
    c(
        "azurerm_key_vault_key",
        "azure",
        "`expiration_date`, `rotation_policy` (`expire_after`, `automatic`)",
        &["NHI308", "NHI311"],
    ),
    c(
        "azurerm_key_vault_certificate",
        "azure",
        "`certificate_policy.x509_certificate_properties.validity_in_months`",
        &[],
    ),
    c(
        "azurerm_storage_account (access keys)",
        "azure",
        "`shared_access_key_enabled = false`; no key expiry attribute",
        &[],
    ),
    c(
        "data azurerm_storage_account_sas / azurerm_storage_account_blob_container_sas",
        "azure",
        "`start` to `expiry`",
        &["NHI303"],
    ),
    c("azurerm_container_registry (admin user)", "azure", "none: disable `admin_enabled`", &["NHI115"]),
    c(
        "azurerm_servicebus_*_authorization_rule / azurerm_eventhub_*authorization_rule / azurerm_notification_hub_authorization_rule / azurerm_iothub_shared_access_policy",
        "azure",
        REPLACE,
        &["NHI123"],
    ),
    c("azurerm_container_registry_token_password", "azure", "`expiry` of `password1` / `password2`", &["NHI303"]),
    c("azurerm_search_service (admin keys)", "azure", "none: `local_authentication_enabled = false`", &[]),
    c("vault_token", "vault", "`explicit_max_ttl`, or `ttl` with `renewable = false`", &["NHI109", "NHI301"]),
    c(
        "vault_approle_auth_backend_role_secret_id",
        "vault",
        "`ttl`, or the role's `secret_id_ttl`",
        &["NHI110", "NHI302"],
    ),
    c("vault_approle_auth_backend_role", "vault", "`secret_id_ttl`, `token_ttl` / `token_max_ttl`", &["NHI302"]),
    c("vault_token_auth_backend_role", "vault", "`token_explicit_max_ttl` for periodic tokens", &["NHI301"]),
    c("vault_transit_secret_backend_key", "vault", "`auto_rotate_period`", &["NHI312"]),
    c(
        "vault_database_secret_backend_role",
        "vault",
        "`default_ttl` / `max_ttl`, or the mount's `default_lease_ttl_seconds`",
        &["NHI318"],
    ),
    c(
        "vault_aws_secret_backend_role (iam_user)",
        "vault",
        "the mount's `default_lease_ttl_seconds` / `max_lease_ttl_seconds`; STS types are short-lived",
        &["NHI318"],
    ),
    c("vault_azure_secret_backend_role", "vault", "`ttl` / `max_ttl`", &["NHI318"]),
    c(
        "vault_ssh_secret_backend_role (user certificates)",
        "vault",
        "`ttl` / `max_ttl`, or the mount's lease",
        &["NHI318"],
    ),
    c(
        "vault_pki_secret_backend_role",
        "vault",
        "`ttl` / `max_ttl`, capped by the mount's `max_lease_ttl_seconds`",
        &["NHI318", "NHI320"],
    ),
    c("vault_pki_secret_backend_cert", "vault", "`ttl`, capped by the role's `max_ttl`", &["NHI318"]),
    c("vault_kubernetes_secret_backend_role", "vault", "`token_default_ttl` / `token_max_ttl`", &["NHI318"]),
    c("vault_consul_secret_backend_role", "vault", "`ttl` / `max_ttl`", &["NHI318"]),
    c("vault_kv_secret_v2", "vault", "none per secret (`delete_version_after` only prunes versions)", &["NHI112"]),
    c("vault_generic_secret", "vault", "none", &["NHI112"]),
    c(
        "kubernetes_secret / kubernetes_secret_v1 (service-account-token)",
        "kubernetes",
        "none: use a projected or requested token",
        &["NHI105", "NHI319"],
    ),
    c("kubernetes_manifest (Secret of type service-account-token)", "kubernetes", "none", &["NHI105", "NHI319"]),
    c(
        "kubernetes_token_request_v1",
        "kubernetes",
        "`spec.expiration_seconds` (one hour by default); beyond `policy.static_key_max_lifetime` is reported",
        &["NHI319"],
    ),
    c(
        "kubernetes_certificate_signing_request_v1 (client certificates)",
        "kubernetes",
        "`spec.expiration_seconds`",
        &["NHI319"],
    ),
    c("github_repository_deploy_key", "github", "none (SSH key; the private half lives outside)", &["NHI253"]),
    c("github_actions_secret", "github", "none (rotate the value)", &["NHI107"]),
    c("github_actions_organization_secret", "github", "none (rotate the value)", &["NHI107"]),
    c("github_actions_environment_secret", "github", "none (rotate the value)", &["NHI107"]),
    c("github_dependabot_secret", "github", "none (rotate the value)", &["NHI107"]),
    c("github_codespaces_secret", "github", "none (rotate the value)", &["NHI107"]),
    c(
        "github_user_ssh_key",
        "github",
        "none (SSH key; generated by `tls_private_key`, its private half is in state)",
        &["NHI253"],
    ),
    c("gitlab_project_access_token", "gitlab", "`expires_at`, `rotation_configuration`", &["NHI108", "NHI304"]),
    c("gitlab_group_access_token", "gitlab", "`expires_at`, `rotation_configuration`", &["NHI108", "NHI304"]),
    c("gitlab_personal_access_token", "gitlab", "`expires_at`, `rotation_configuration`", &["NHI108", "NHI304"]),
    c("gitlab_user_impersonation_token", "gitlab", "`expires_at`", &["NHI108", "NHI304"]),
    c("gitlab_service_account_access_token", "gitlab", "`expires_at`, `rotation_configuration`", &["NHI108", "NHI304"]),
    c(
        "gitlab_group_service_account_access_token",
        "gitlab",
        "`expires_at`, `rotation_configuration`",
        &["NHI108", "NHI304"],
    ),
    c("gitlab_deploy_token", "gitlab", "`expires_at`", &["NHI108", "NHI304"]),
    c("gitlab_project_deploy_token / gitlab_group_deploy_token", "gitlab", "`expires_at`", &["NHI108", "NHI304"]),
    c("gitlab_application (OAuth secret)", "gitlab", REPLACE, &["NHI108"]),
    c("gitlab_pipeline_trigger", "gitlab", REPLACE, &["NHI108", "NHI304"]),
    c("gitlab_cluster_agent_token", "gitlab", REPLACE, &["NHI108", "NHI304"]),
    c("gitlab_user_runner", "gitlab", REPLACE, &["NHI108"]),
    c("gitlab_runner", "gitlab", REPLACE, &["NHI108"]),
    c("gitlab_deploy_key", "gitlab", "`expires_at` (SSH public key)", &["NHI253"]),
    c("gitlab_project_variable / gitlab_group_variable", "gitlab", "none (rotate the value)", &["NHI112"]),
    c(
        "tfe_team_token / tfe_organization_token / tfe_audit_trail_token / tfe_scim_token",
        "tfe",
        "`expired_at`",
        &["NHI117", "NHI319"],
    ),
    c("tfe_agent_token", "tfe", REPLACE, &["NHI117"]),
    c("cloudflare_api_token / cloudflare_account_token", "cloudflare", "`expires_on`", &["NHI117", "NHI257", "NHI319"]),
    c("scaleway_iam_api_key", "scaleway", "`expires_at`", &["NHI117", "NHI319"]),
    c("linode_token", "linode", "`expiry`", &["NHI117", "NHI319"]),
    c("grafana_cloud_access_policy_token", "grafana", "`expires_at`", &["NHI117", "NHI319"]),
    c(
        "grafana_service_account_token / grafana_cloud_stack_service_account_token",
        "grafana",
        "`seconds_to_live`",
        &["NHI117", "NHI319"],
    ),
    c("doppler_service_account_token", "doppler", "`expires_at`", &["NHI117", "NHI319"]),
    c("doppler_service_token", "doppler", REPLACE, &["NHI117"]),
    c("yandex_iam_service_account_static_access_key / yandex_iam_service_account_key", "yandex", REPLACE, &["NHI117"]),
    c("datadog_api_key / datadog_application_key", "datadog", REPLACE, &["NHI117"]),
    c("newrelic_api_access_key", "newrelic", REPLACE, &["NHI117"]),
    c("confluent_api_key", "confluent", REPLACE, &["NHI117"]),
    c("hcp_service_principal_key", "hcp", REPLACE, &["NHI117"]),
    c("hcp_consul_cluster_root_token", "hcp", "none: the cluster's bootstrap token", &["NHI117", "NHI230"]),
    c("databricks_token / databricks_obo_token", "databricks", "`lifetime_seconds`", &["NHI117", "NHI319"]),
    c(
        "databricks_mws_workspaces (token block)",
        "databricks",
        "`lifetime_seconds` of the block: 30 days when unset, and a new token on expiry",
        &["NHI117"],
    ),
    c("consul_acl_token", "consul", "none: `expiration_time` is a day at most", &["NHI117", "NHI230"]),
    c("nomad_acl_token", "nomad", "none: `expiration_ttl` is a day at most", &["NHI117", "NHI230"]),
    c("tailscale_oauth_client", "tailscale", REPLACE, &["NHI117"]),
    c(
        "tailscale_tailnet_key (reusable)",
        "tailscale",
        "`expiry` (90 days by default and at most); unset, 90 days or beyond `policy.static_key_max_lifetime` is reported",
        &["NHI117", "NHI319"],
    ),
    c("tailscale_device_key", "tailscale", "node key expiry, unless `key_expiry_disabled = true`", &["NHI319"]),
    c(
        "twingate_service_account_key",
        "twingate",
        "`expiration_time` (days; 0, the default, is never)",
        &["NHI117", "NHI319"],
    ),
    c("mongodbatlas_api_key", "mongodbatlas", REPLACE, &["NHI117"]),
    c("digitalocean_spaces_key", "digitalocean", REPLACE, &["NHI117"]),
    c("digitalocean_container_registry_docker_credentials", "digitalocean", "`expiry_seconds`", &["NHI117", "NHI319"]),
    c("launchdarkly_access_token", "launchdarkly", REPLACE, &["NHI117"]),
    c("algolia_api_key", "algolia", "`expires_at`", &["NHI117", "NHI319"]),
    c("honeycombio_api_key", "honeycombio", REPLACE, &["NHI117"]),
    c("buildkite_agent_token", "buildkite", REPLACE, &["NHI117"]),
    c("buildkite_cluster_agent_token", "buildkite", REPLACE, &["NHI117"]),
    c("rancher2_token", "rancher2", "`ttl` (0, the default, never expires)", &["NHI117", "NHI319"]),
    c(
        "rancher2_bootstrap",
        "rancher2",
        "`token_ttl` of its admin token (0, the default, never expires)",
        &["NHI117", "NHI319"],
    ),
    c("b2_application_key", "b2", REPLACE, &["NHI117"]),
    c(
        "oci_identity_customer_secret_key / oci_identity_auth_token / oci_identity_smtp_credential",
        "oci",
        REPLACE,
        &["NHI117"],
    ),
    c("grafana_api_key", "grafana", "`seconds_to_live`", &["NHI117", "NHI319"]),
    c("minio_iam_user", "minio", REPLACE, &["NHI117"]),
    c("minio_iam_service_account", "minio", REPLACE, &["NHI117"]),
    c("alicloud_ram_access_key", "alicloud", REPLACE, &["NHI117"]),
    c("huaweicloud_identity_access_key", "huaweicloud", REPLACE, &["NHI117"]),
    c("exoscale_iam_api_key", "exoscale", REPLACE, &["NHI117"]),
    c("linode_object_storage_key", "linode", REPLACE, &["NHI117"]),
    c("ibm_iam_api_key / ibm_iam_service_api_key", "ibm", REPLACE, &["NHI117"]),
    c("ovh_cloud_project_user_s3_credential", "ovh", REPLACE, &["NHI117"]),
    c("mongodbatlas_project_api_key", "mongodbatlas", REPLACE, &["NHI117"]),
    c("yandex_iam_service_account_api_key", "yandex", "`expires_at`", &["NHI117", "NHI319"]),
    c("oci_identity_ui_password", "oci", REPLACE, &["NHI117"]),
    c(
        "scaleway_cockpit_token / scaleway_mnq_nats_credentials / scaleway_mnq_sns_credentials / scaleway_mnq_sqs_credentials",
        "scaleway",
        REPLACE,
        &["NHI117"],
    ),
    c("scaleway_container_token / scaleway_function_token", "scaleway", "`expires_at`", &["NHI117", "NHI319"]),
    c(
        "cloudflare_zero_trust_access_service_token / cloudflare_access_service_token",
        "cloudflare",
        "`duration` (a year by default, renewed on use); unset, `\"forever\"` or beyond the policy is reported",
        &["NHI117", "NHI319"],
    ),
    c("proxmox_virtual_environment_user_token", "proxmox", "`expiration_date`", &["NHI117", "NHI319"]),
    c("elasticstack_elasticsearch_security_api_key", "elasticstack", "`expiration`", &["NHI117", "NHI319"]),
    c("azurerm_api_management_subscription", "azurerm", REPLACE, &["NHI117"]),
    c(
        "auth0_client (machine-to-machine) / auth0_client_credentials",
        "auth0",
        "none: authenticate with `private_key_jwt` instead",
        &["NHI117"],
    ),
    c("keycloak_openid_client (confidential)", "keycloak", "none: authenticate with `client-jwt` instead", &["NHI117"]),
    c("okta_app_oauth (service, web)", "okta", "none: authenticate with `private_key_jwt` instead", &["NHI117"]),
    c(
        "aws_cognito_user_pool_client (generate_secret)",
        "aws",
        "none: a public client with PKCE, or a machine identity of its own cloud",
        &["NHI117"],
    ),
    c("nhi_service_account", "nhi", "`expires_at` within `policy.max_lifetime`", &["NHI307"]),
    c("nhi_api_key", "nhi", "`expires_at` within `policy.static_key_max_lifetime`", &["NHI307"]),
    c("nhi_token (ephemeral)", "nhi", "`ttl` within `policy.max_token_ttl`", &["NHI307"]),
];

/// `linter/docs/rules/credential-lifecycle.md`.
pub fn page() -> String {
    let covered = LIFECYCLE.iter().filter(|c| !c.rules.is_empty()).count();
    let mut s = format!(
        "# Credential lifecycle coverage\n\nGenerated by `cargo test -p nhi-lint` from `linter/lint/src/coverage.rs` (`UPDATE_DOCS=1` rewrites it); do not edit.\n\nEvery credential-issuing resource type we know of, what makes it short-lived, and which rule covers it: {covered} of {} covered. See \"Severity follows the lifecycle\" in [README.md](README.md).\n\n| resource | provider | short-lived by | rules |\n| --- | --- | --- | --- |\n",
        LIFECYCLE.len()
    );
    for c in LIFECYCLE {
        let rules = if c.rules.is_empty() {
            "not covered".to_owned()
        } else {
            c.rules.iter().map(|r| format!("[{r}]({r}.md)")).collect::<Vec<_>>().join(", ")
        };
        s.push_str(&format!("| `{}` | {} | {} | {} |\n", c.resource, c.provider, c.short_lived_by, rules));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_named_is_a_rule() {
        for c in LIFECYCLE {
            for r in c.rules {
                assert!(crate::codes::find(r).is_some(), "{}: unknown rule {r}", c.resource);
            }
        }
    }
}
