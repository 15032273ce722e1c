use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::static_credentials;

/// API keys and tokens of services outside the seven cloud and CI families that Terraform
/// creates and keeps in state, with the attribute that bounds their life, if they have one.
pub const SERVICE_KEYS: [(&str, Option<&str>); 44] = [
    ("tfe_team_token", Some("expired_at")),
    ("tfe_organization_token", Some("expired_at")),
    ("tfe_audit_trail_token", Some("expired_at")),
    ("tfe_agent_token", None),
    ("tfe_scim_token", Some("expired_at")),
    ("cloudflare_api_token", Some("expires_on")),
    ("cloudflare_account_token", Some("expires_on")),
    ("scaleway_iam_api_key", Some("expires_at")),
    ("linode_token", Some("expiry")),
    ("grafana_cloud_access_policy_token", Some("expires_at")),
    ("grafana_service_account_token", Some("seconds_to_live")),
    ("grafana_cloud_stack_service_account_token", Some("seconds_to_live")),
    ("doppler_service_token", None),
    ("doppler_service_account_token", Some("expires_at")),
    // Yandex Cloud: S3-compatible static keys and authorized (private) keys of service accounts.
    ("yandex_iam_service_account_static_access_key", None),
    ("yandex_iam_service_account_key", None),
    ("datadog_api_key", None),
    ("datadog_application_key", None),
    ("newrelic_api_access_key", None),
    ("confluent_api_key", None),
    ("hcp_service_principal_key", None),
    ("hcp_consul_cluster_root_token", None),
    ("tailscale_oauth_client", None),
    // A Twingate service account key: `expiration_time` is in days, 0 (the default) is never.
    ("twingate_service_account_key", Some("expiration_time")),
    ("mongodbatlas_api_key", None),
    ("digitalocean_spaces_key", None),
    // Registry credentials live `expiry_seconds`, by default 2^31 seconds (68 years).
    ("digitalocean_container_registry_docker_credentials", Some("expiry_seconds")),
    ("launchdarkly_access_token", None),
    // `expires_at` is a Unix time; unset (0), the key never expires.
    ("algolia_api_key", Some("expires_at")),
    // Honeycomb ingest and configuration keys, Buildkite agent tokens: no expiry at all.
    ("honeycombio_api_key", None),
    ("buildkite_agent_token", None),
    ("buildkite_cluster_agent_token", None),
    // Consul and Nomad can expire a token within a day at most (their servers' maximum
    // expiration TTL): a token Terraform keeps is one that does not.
    ("consul_acl_token", None),
    ("nomad_acl_token", None),
    ("databricks_token", Some("lifetime_seconds")),
    ("databricks_obo_token", Some("lifetime_seconds")),
    // Rancher API tokens, and the admin token `rancher2_bootstrap` creates: a TTL of 0 (the
    // default) never expires.
    ("rancher2_token", Some("ttl")),
    ("rancher2_bootstrap", Some("token_ttl")),
    // Backblaze B2 application keys, and Oracle Cloud's S3-compatible customer secret keys,
    // auth tokens and SMTP credentials of a user: none can be given an expiry.
    ("b2_application_key", None),
    ("oci_identity_customer_secret_key", None),
    ("oci_identity_auth_token", None),
    ("oci_identity_smtp_credential", None),
    // Grafana's older API keys, like its service-account tokens.
    ("grafana_api_key", Some("seconds_to_live")),
    // A MinIO user is an S3 key pair: its name is the access key, `secret` (generated when not
    // given) the secret key, with no expiry.
    ("minio_iam_user", None),
];

/// Identity-provider clients that a machine signs in with, and what says so: an Auth0
/// machine-to-machine application (or any Auth0 application allowed the client-credentials
/// grant), Auth0 client credentials that authenticate with the secret, a Keycloak client that
/// is confidential with a client secret, an Okta service application authenticated with its
/// secret. The secret is made by the provider and kept in state; none of them expires.
const IDP_CLIENTS: [&str; 4] = ["auth0_client", "auth0_client_credentials", "keycloak_openid_client", "okta_app_oauth"];

fn machine_client_secret(c: &Item<'_>) -> bool {
    // A secret written in the code is `hardcoded-credential`'s.
    if c.attr("client_secret").is_some_and(|a| a.expr.as_str().is_some()) {
        return false;
    }
    let is = |k: &str, v: &str| c.str(k).is_some_and(|x| x.eq_ignore_ascii_case(v));
    let by_secret = |k: &str| c.str(k).is_none_or(|m| m.starts_with("client_secret") || m == "client-secret");
    match c.label(0) {
        "auth0_client" => {
            let machine =
                is("app_type", "non_interactive") || c.strs("grant_types").iter().any(|g| g == "client_credentials");
            machine && !is("token_endpoint_auth_method", "none") && !is("token_endpoint_auth_method", "private_key_jwt")
        }
        "auth0_client_credentials" => c.str("authentication_method").is_some_and(|m| m.starts_with("client_secret")),
        "keycloak_openid_client" => {
            (is("access_type", "CONFIDENTIAL")
                || c.value("service_accounts_enabled").and_then(|v| v.as_bool()) == Some(true))
                && by_secret("client_authenticator_type")
        }
        "okta_app_oauth" => {
            is("type", "service")
                && c.value("omit_secret").and_then(|v| v.as_bool()) != Some(true)
                && by_secret("token_endpoint_auth_method")
        }
        _ => false,
    }
}

/// ## What it does
/// Finds API keys and tokens of other services that Terraform creates and keeps in state:
/// Terraform Cloud/Enterprise team, organization, audit-trail, SCIM and agent tokens, Cloudflare
/// API and account tokens, Scaleway IAM API keys, Linode tokens, Grafana Cloud, service-account
/// and stack service-account tokens, Doppler service and service-account tokens, Yandex Cloud
/// service-account static access keys and authorized keys, Datadog API and application keys, New Relic API keys, Confluent API keys, HCP
/// service-principal keys, HCP Consul root tokens, Tailscale OAuth clients, MongoDB Atlas API
/// keys, DigitalOcean Spaces keys, LaunchDarkly access tokens, Algolia API keys, Honeycomb API
/// keys, Buildkite agent and cluster agent tokens, Databricks personal and
/// on-behalf-of tokens, Rancher API tokens and the admin token of `rancher2_bootstrap`,
/// Backblaze B2 application keys, Oracle Cloud customer secret keys, auth tokens and SMTP
/// credentials, Grafana API keys, MinIO users (an S3 key pair), and Consul and Nomad ACL tokens
/// (whose secrets Terraform reads back, e.g. with `consul_acl_token_secret_id`); and the client
/// secrets of identity-provider clients that machines sign in with: Auth0 machine-to-machine
/// applications (or any allowed the client-credentials grant) and client credentials that
/// authenticate with the secret, confidential Keycloak clients with a client secret, Okta
/// service applications. Keys that expire within
/// `policy.static_key_max_lifetime` or are replaced on a schedule are not reported (see
/// "Severity follows the lifecycle").
///
/// ## Why is this bad?
/// Each is a bearer secret in Terraform state, usually copied on into CI variables or secret
/// stores. It works from anywhere until someone revokes it, and nothing ties it to the workload
/// that was meant to use it.
///
/// ## Example
/// ```hcl
/// resource "scaleway_iam_api_key" "eso" {
///   application_id = scaleway_iam_application.eso.id
/// }
/// ```
///
/// ## Use instead
/// Prefer the service's workload identity federation where it has one; otherwise give the key
/// an expiry within policy and replace it on a schedule:
/// ```hcl
/// resource "scaleway_iam_api_key" "eso" {
///   application_id = scaleway_iam_application.eso.id
///   expires_at     = time_rotating.eso.rotation_rfc3339
/// }
/// ```
#[derive(Debug)]
pub struct ServiceApiKey;

impl Rule for ServiceApiKey {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "service-api-key",
            category: Category::StaticCredential,
            severity: Severity::Medium,
            summary: "an API key or token of another service (Terraform Cloud, Cloudflare, Datadog, …) kept in state",
            source: include_str!("service_api_key.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let types: Vec<&str> = SERVICE_KEYS.iter().map(|(t, _)| *t).collect();
        for k in static_credentials(cx, &types) {
            let ty = k.label(0).to_owned();
            cx.report(&k, k.header(), format!("static {ty} kept in Terraform state"))
                .help("use the service's workload identity federation if it has one; otherwise expire the key within policy and replace it on a schedule");
        }
        for c in static_credentials(cx, &IDP_CLIENTS).into_iter().filter(machine_client_secret) {
            let ty = c.label(0).to_owned();
            cx.report(&c, c.header(), format!("{ty} signs in with a client secret that never expires, kept in Terraform state"))
                .help("authenticate the client with a private key (private_key_jwt, client-jwt) whose public half is registered, or rotate the secret on a schedule");
        }
    }
}
