//! The code table: every rule's code, in one place. Codes are never reused; a retired rule
//! stays here, marked removed.

use crate::rule::{CodeStatus, Rule};
use crate::rules::*;

#[derive(Clone, Copy)]
pub struct Entry {
    pub code: &'static str,
    pub rule: &'static dyn Rule,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.rule.meta().name)
    }
}

macro_rules! table {
    ($($code:literal => $rule:expr,)*) => {
        pub static RULES: &[Entry] = &[$(Entry { code: $code, rule: &$rule },)*];
    };
}

table! {
    // NHI1xx static credentials
    "NHI101" => aws_access_key::AwsAccessKey,
    "NHI102" => gcp_service_account_key::GcpServiceAccountKey,
    "NHI103" => azure_app_password::AzureAppPassword,
    "NHI104" => azure_app_certificate::AzureAppCertificate,
    "NHI105" => kubernetes_token_secret::KubernetesTokenSecret,
    "NHI107" => github_plaintext_secret::GithubPlaintextSecret,
    "NHI108" => gitlab_access_token::GitlabAccessToken,
    "NHI109" => vault_token::VaultToken,
    "NHI110" => vault_approle_secret_id::VaultApproleSecretId,
    "NHI111" => hardcoded_token::HardcodedToken,
    "NHI112" => hardcoded_credential::HardcodedCredential,
    "NHI113" => gcp_api_key::GcpApiKey,
    "NHI114" => aws_service_credential::AwsServiceCredential,
    "NHI115" => azure_registry_admin::AzureRegistryAdmin,
    "NHI116" => credential_output::CredentialOutput,
    "NHI117" => service_api_key::ServiceApiKey,
    "NHI118" => credential_in_url::CredentialInUrl,
    "NHI119" => credential_in_local_file::CredentialInLocalFile,
    "NHI120" => gke_static_credential::GkeStaticCredential,
    "NHI121" => generated_private_key::GeneratedPrivateKey,
    "NHI122" => credential_in_shared_data::CredentialInSharedData,
    "NHI123" => azure_shared_access_key::AzureSharedAccessKey,
    "NHI124" => module_credential_switch::ModuleCredentialSwitch,
    "NHI125" => random_string_secret::RandomStringSecret,
    // NHI2xx excessive scope
    "NHI201" => iam_wildcard_action::IamWildcardAction,
    "NHI202" => iam_wildcard_resource::IamWildcardResource,
    "NHI203" => trust_any_principal::TrustAnyPrincipal,
    "NHI204" => oidc_trust_without_subject::OidcTrustWithoutSubject,
    "NHI205" => aws_admin_policy::AwsAdminPolicy,
    "NHI206" => gcp_primitive_role::GcpPrimitiveRole,
    "NHI207" => gcp_impersonation_role::GcpImpersonationRole,
    "NHI208" => gcp_cloud_platform_scope::GcpCloudPlatformScope,
    "NHI209" => gcp_default_service_account::GcpDefaultServiceAccount,
    "NHI210" => azure_privileged_role::AzurePrivilegedRole,
    "NHI211" => azure_custom_role_wildcard::AzureCustomRoleWildcard,
    "NHI212" => vault_broad_policy::VaultBroadPolicy,
    "NHI213" => vault_root_policy::VaultRootPolicy,
    "NHI214" => kubernetes_cluster_admin::KubernetesClusterAdmin,
    "NHI215" => kubernetes_wildcard_role::KubernetesWildcardRole,
    "NHI216" => gitlab_token_scope::GitlabTokenScope,
    "NHI217" => github_actions_write_token::GithubActionsWriteToken,
    "NHI218" => nhi_broad_scope::NhiBroadScope,
    "NHI219" => azure_graph_permission::AzureGraphPermission,
    "NHI220" => vault_auth_wildcard_binding::VaultAuthWildcardBinding,
    "NHI221" => kubernetes_secret_read::KubernetesSecretRead,
    "NHI222" => resource_policy_any_principal::ResourcePolicyAnyPrincipal,
    "NHI223" => kubernetes_privilege_escalation::KubernetesPrivilegeEscalation,
    "NHI224" => eks_cluster_admin_mapping::EksClusterAdminMapping,
    "NHI225" => kubernetes_broad_binding::KubernetesBroadBinding,
    "NHI226" => azure_directory_role::AzureDirectoryRole,
    "NHI227" => github_org_secret_visibility::GithubOrgSecretVisibility,
    "NHI228" => gcp_project_wide_role::GcpProjectWideRole,
    "NHI229" => oidc_trust_broad_subject::OidcTrustBroadSubject,
    "NHI230" => management_token::ManagementToken,
    "NHI231" => aws_full_access_policy::AwsFullAccessPolicy,
    "NHI232" => github_machine_admin::GithubMachineAdmin,
    "NHI233" => azure_data_admin_role::AzureDataAdminRole,
    "NHI234" => gitlab_instance_variable::GitlabInstanceVariable,
    "NHI235" => vault_connection_any_role::VaultConnectionAnyRole,
    "NHI236" => gcp_custom_role_escalation::GcpCustomRoleEscalation,
    "NHI237" => vault_ssh_any_user::VaultSshAnyUser,
    "NHI238" => vault_database_role_broad_grant::VaultDatabaseRoleBroadGrant,
    "NHI239" => aws_root_access_key::AwsRootAccessKey,
    "NHI240" => gitlab_admin_user::GitlabAdminUser,
    "NHI241" => redis_acl_all_commands::RedisAclAllCommands,
    "NHI242" => gcp_resource_admin_role::GcpResourceAdminRole,
    "NHI243" => azure_key_vault_access_policy::AzureKeyVaultAccessPolicy,
    "NHI244" => trust_whole_account::TrustWholeAccount,
    "NHI245" => gke_pod_identity::GkePodIdentity,
    "NHI246" => azure_app_user_owner::AzureAppUserOwner,
    "NHI247" => hcp_organization_role::HcpOrganizationRole,
    "NHI248" => vault_pki_any_name::VaultPkiAnyName,
    "NHI249" => aks_rbac_disabled::AksRbacDisabled,
    "NHI250" => azure_shared_access_manage::AzureSharedAccessManage,
    "NHI251" => service_identity_admin_role::ServiceIdentityAdminRole,
    "NHI252" => cloudflare_global_api_key::CloudflareGlobalApiKey,
    "NHI253" => github_write_deploy_key::GithubWriteDeployKey,
    "NHI254" => azure_devops_open_authorization::AzureDevopsOpenAuthorization,
    "NHI255" => snowflake_account_admin::SnowflakeAccountAdmin,
    "NHI256" => cluster_secret_store_open::ClusterSecretStoreOpen,
    "NHI257" => cloudflare_token_every_resource::CloudflareTokenEveryResource,
    "NHI258" => gcp_api_key_unrestricted::GcpApiKeyUnrestricted,
    "NHI259" => yandex_primitive_role::YandexPrimitiveRole,
    "NHI260" => database_broad_grant::DatabaseBroadGrant,
    "NHI261" => kafka_acl_broad::KafkaAclBroad,
    "NHI262" => eks_shared_role_policy::EksSharedRolePolicy,
    // NHI3xx credential lifetime
    "NHI301" => vault_token_ttl::VaultTokenTtl,
    "NHI302" => vault_approle_ttl::VaultApproleTtl,
    "NHI303" => azure_credential_expiry::AzureCredentialExpiry,
    "NHI304" => gitlab_token_expiry::GitlabTokenExpiry,
    "NHI306" => aws_session_duration::AwsSessionDuration,
    "NHI307" => nhi_expiry::NhiExpiry,
    "NHI308" => azure_key_vault_expiry::AzureKeyVaultExpiry,
    "NHI309" => gcp_secret_expiry::GcpSecretExpiry,
    "NHI310" => aws_secret_rotation::AwsSecretRotation,
    "NHI311" => secret_rotation_interval::SecretRotationInterval,
    "NHI312" => vault_key_rotation::VaultKeyRotation,
    "NHI316" => vault_auth_role_periodic::VaultAuthRolePeriodic,
    "NHI317" => vault_auth_role_ttl::VaultAuthRoleTtl,
    "NHI318" => vault_secret_role_ttl::VaultSecretRoleTtl,
    "NHI319" => token_without_expiry::TokenWithoutExpiry,
    "NHI320" => vault_mount_lease::VaultMountLease,
    "NHI321" => kms_key_rotation::KmsKeyRotation,
    "NHI323" => rotation_beyond_policy::RotationBeyondPolicy,
    "NHI324" => long_lived_certificate::LongLivedCertificate,
    // NHI4xx governance
    "NHI401" => identity_without_owner::IdentityWithoutOwner,
    "NHI402" => suppression_missing_reason::SuppressionMissingReason,
    "NHI403" => suppression_missing_expiry::SuppressionMissingExpiry,
    "NHI404" => suppression_expired::SuppressionExpired,
    "NHI405" => suppression_unknown_code::SuppressionUnknownCode,
    "NHI406" => suppression_unused::SuppressionUnused,
}

/// A retired rule: its code and name are never reused, and naming it says why it is gone.
#[derive(Debug, Clone, Copy)]
pub struct Removed {
    pub code: &'static str,
    pub name: &'static str,
    /// Why it was retired, or what replaced it.
    pub note: &'static str,
}

/// Retired codes; a rule that is retired moves here from `RULES`.
pub static REMOVED: &[Removed] = &[
    Removed {
        code: "NHI305",
        name: "gcp-key-rotation",
        note: "merged into NHI102: an unrotated service-account key is one static-credential finding",
    },
    Removed {
        code: "NHI106",
        name: "github-write-deploy-key",
        note: "moved to NHI253: a deploy key's write access is an excessive-scope finding",
    },
    Removed {
        code: "NHI322",
        name: "aws-key-rotation",
        note: "merged into NHI101: an unrotated access key is one static-credential finding",
    },
];

/// What a code or rule name is: an active rule, a retired one, or nothing known.
pub fn status(code_or_name: &str) -> CodeStatus {
    status_in(RULES, REMOVED, code_or_name)
}

fn status_in(rules: &[Entry], removed: &[Removed], code_or_name: &str) -> CodeStatus {
    let named = |code: &str, name: &str| code.eq_ignore_ascii_case(code_or_name) || name == code_or_name;
    if rules.iter().any(|e| named(e.code, e.rule.meta().name)) {
        CodeStatus::Active
    } else if let Some(r) = removed.iter().find(|r| named(r.code, r.name)) {
        CodeStatus::Removed(r.note)
    } else {
        CodeStatus::Unknown
    }
}

/// A rule by code (`NHI101`, any case) or name (`aws-access-key`).
pub fn find(code_or_name: &str) -> Option<&'static Entry> {
    if let Some(e) = RULES.iter().find(|e| e.code == code_or_name) {
        return Some(e);
    }
    RULES.iter().find(|e| e.code.eq_ignore_ascii_case(code_or_name) || e.rule.meta().name == code_or_name)
}

/// Rules that run only when a selector names them (`select = ["NHI401"]`, `"NHI4"` or `"all"`):
/// conventions an organisation adopts, not risks in themselves. Owner metadata on every
/// third-party identity is such a convention; reported by default, it drowned the credential
/// and scope findings of code that never adopted it. So is a cap on AWS role sessions below
/// the 12 hours AWS allows (NHI306): blind readers called 14 of 15 long-session roles fine.
pub const OPT_IN: [&str; 2] = ["NHI306", "NHI401"];

/// Whether a rule runs only when selected.
pub fn is_opt_in(e: &Entry) -> bool {
    OPT_IN.contains(&e.code)
}

/// Whether a selector (`ALL`, a code, a code prefix such as `NHI2`, or a name) matches a rule.
pub fn selector_matches(sel: &str, e: &Entry) -> bool {
    sel.eq_ignore_ascii_case("all")
        || e.code.to_ascii_uppercase().starts_with(&sel.to_ascii_uppercase())
        || e.rule.meta().name == sel
}

pub fn selector_is_known(sel: &str) -> bool {
    !sel.is_empty() && RULES.iter().any(|e| selector_matches(sel, e))
}

/// Where the rule pages are published by default: `linter/docs/rules` of the repository named
/// in the workspace manifest. The one place this URL is made; `docs_url` in `.nhi-lint.toml`
/// overrides it (an internal mirror, a wiki).
pub const DOCS_BASE: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/linter/docs/rules");

/// The page of rule `code` under `base` (`DOCS_BASE` unless configured).
pub fn docs_url(base: &str, code: &str) -> String {
    format!("{}/{code}.md", base.trim_end_matches('/'))
}

/// The rule's documentation: the `///` comment right above its `pub struct`.
pub fn docs(e: &Entry) -> String {
    let src = e.rule.meta().source;
    let mut lines: Vec<&str> = Vec::new();
    for line in src.lines() {
        let t = line.trim_start();
        if let Some(doc) = t.strip_prefix("///") {
            lines.push(doc.strip_prefix(' ').unwrap_or(doc));
        } else if t.starts_with("#[") {
            continue;
        } else if t.starts_with("pub struct") {
            break;
        } else {
            lines.clear();
        }
    }
    lines.join("\n")
}

/// The Markdown page for `linter/docs/rules/CODE.md` and `nhi-lint explain CODE`.
pub fn docs_page(e: &Entry) -> String {
    let m = e.rule.meta();
    format!(
        "# {code} {name}\n\n{summary}.{opt_in}\n\n| code | name | category | default severity |\n| --- | --- | --- | --- |\n| {code} | {name} | {category} | {severity} |\n\n{body}\n\n## Suppressing\n```hcl\n# nhi-lint:ignore {code} reason=\"why this is acceptable (TICKET-123)\" until=2026-12-31\n```\n",
        code = e.code,
        name = m.name,
        summary = capitalize(m.summary),
        category = m.category.as_str(),
        severity = m.severity.as_str(),
        body = docs(e),
        opt_in = if is_opt_in(e) {
            format!(
                "\n\n**Opt-in:** this rule runs only when selected: `select = [\"{}\"]` (or `\"all\"`) in `.nhi-lint.toml`, or `--select`.",
                e.code
            )
        } else {
            String::new()
        },
    )
}

/// `linter/docs/rules/README.md`: the table of all rules.
pub fn docs_index() -> String {
    let mut s = String::from(
        "# nhi-lint rules\n\nGenerated by `cargo test -p nhi-lint` (`UPDATE_DOCS=1` rewrites these files); do not edit.\n\n| code | name | category | severity | summary |\n| --- | --- | --- | --- | --- |\n",
    );
    for e in RULES {
        let m = e.rule.meta();
        s.push_str(&format!(
            "| [{c}]({c}.md) | {n} | {cat} | {sev} | {sum}{opt} |\n",
            c = e.code,
            n = m.name,
            cat = m.category.as_str(),
            sev = m.severity.as_str(),
            sum = m.summary,
            opt = if is_opt_in(e) { " (opt-in)" } else { "" },
        ));
    }
    if !REMOVED.is_empty() {
        s.push_str("\n## Retired codes\n\nNever reused. Ignoring one is harmless (a warning says so); naming one in `select`, `non_ignorable` or `[severity]` is an error.\n\n| code | name | why |\n| --- | --- | --- |\n");
        for r in REMOVED {
            s.push_str(&format!("| {} | {} | {} |\n", r.code, r.name, r.note));
        }
    }
    s.push_str(CONFIG_AND_SUPPRESSIONS);
    s
}

const CONFIG_AND_SUPPRESSIONS: &str = r#"
## Suppressions

An exception is written next to the finding, with a reason and a due date:

```hcl
resource "aws_iam_access_key" "vendor" { # nhi-lint:ignore NHI101 reason="vendor X supports only static keys (SEC-123)" until=2027-01-31
  user = aws_iam_user.vendor.name
}
```

A comment on its own line covers the next line; `# nhi-lint:ignore-file CODES …` before the
first block covers the file. Codes or rule names may be listed, separated by commas. A
suppression without `reason=` or `until=`, or past its date, does not apply and is reported
(NHI402–NHI404), as are unknown codes (NHI405) and suppressions that match nothing (NHI406).

## Configuration

`.nhi-lint.toml` in the first checked path or a parent (or `--config FILE`); unknown keys are
errors:

```toml
select        = ["NHI1", "NHI2"]        # codes, prefixes or names; default all but opt-in ones ("all": every rule)
ignore        = ["identity-without-owner"]
non_ignorable = ["NHI111"]              # inline suppressions cannot hide these

[severity]
NHI303 = "high"                         # low | medium | high | critical

[policy]                                # defaults are the provider's (nhi-core)
max_token_ttl           = "1h"
static_key_max_lifetime = "90d"
max_lifetime            = "365d"
```

Exit codes: 0 no finding at or above `--fail-on` (default `low`), 1 findings, 2 usage, I/O or
parse errors. `--format json` prints `{"findings": [...], "errors": [...], "summary": {...}}`.

## Severity follows the lifecycle

A credential that Terraform mints is a static-credential finding (NHI101, NHI102, NHI104,
NHI108–NHI110, NHI113, NHI114) only while it is long-lived. One judgement, shared by those rules,
places it:

* **rotated** — `keepers`, `rotate_when_changed` or `lifecycle { replace_triggered_by }` fed by a
  `time_rotating` / `time_offset` resource (or a `time_static` capturing one), an expiry that is a `time_rotating`'s timestamp
  (`end_date = time_rotating.x.rotation_rfc3339`: each rotation replaces the credential), or a
  provider `rotation_configuration` (GitLab) with a field set: not reported here; rotated less
  often than `policy.static_key_max_lifetime` (`rotation_days = 365`), it is a missing-ttl
  finding instead (NHI323);
* **short-lived** — its expiry is known and at most `policy.static_key_max_lifetime` ahead of
  now (`expires_at`, `end_date`, `end_date_relative`, `timeadd(timestamp(), "720h")`,
  `timeadd(time_rotating.x.id, "2160h")`); for Vault tokens and AppRole secret IDs, a hard limit
  within `policy.max_token_ttl` (`explicit_max_ttl`, the `ttl` of a non-renewable token, a
  secret ID's `ttl` or its role's `secret_id_ttl`): not reported;
* **long-lived** — no expiry, one beyond policy, no rotation: reported at the rule's severity;
* **unknown** — expiry or rotation written with values not known statically: reported as
  long-lived (never guess).

Azure AD client secrets (NHI103) are the exception: reported whatever their lifecycle, saying
whether they are rotated or short-lived, since Entra ID gives every workload a sign-in without
a secret (a managed identity, a federated identity credential) and a rotated secret is still
copied to its consumers and kept in state.

The missing-ttl rules (NHI3xx) judge the expiry and rotation themselves, with the same policy
settings. [credential-lifecycle.md](credential-lifecycle.md) lists every credential-issuing
resource type we know, what makes it short-lived, and the rule that covers it.

## Where a broad definition is reported

A scope rule reports a policy document, managed policy, custom role or Vault policy where its
broad statement is written. The same finding, under the same code, is reported again at each
block of that module that hands the definition to a non-human identity, so that a reviewer sees
who receives it: an IAM policy attachment, a role's `inline_policy` or `managed_policy_arns`, an
Azure role assignment, a GCP IAM member or binding, a Vault auth role or identity entity that
lists the policy (by reference or by its `name`, also an auth role or user written through
`vault_generic_endpoint` under `auth/`), an IAM Identity Center permission set's
inline policy, and a module call that passes it. An `aws_iam_policy` or `vault_policy` that
stores a broad document data source is reported as well: it is the policy the provider keeps.
Grants to people (user, group and domain members, Azure `User`/`Group`
principals, Vault LDAP, Okta and GitHub-team mappings, identity groups) and grants held back by
a `condition` are not reported again; the definition's finding stands for them. An Azure role
assignment at a subscription or management group is the exception: there a custom role is
reported whoever holds it, as the built-in Owner is (NHI210).
"#;

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_configuration_parses() {
        let start = CONFIG_AND_SUPPRESSIONS.find("```toml\n").expect("a toml example") + 8;
        let end = start + CONFIG_AND_SUPPRESSIONS[start..].find("```").expect("closed");
        let c = crate::Config::parse(&CONFIG_AND_SUPPRESSIONS[start..end]).expect("the example is valid");
        assert_eq!(c.non_ignorable, vec!["NHI111"]);
        assert_eq!(c.policy().unwrap().max_token_ttl, nhi_core::Policy::DEFAULT_MAX_TOKEN_TTL);
    }

    #[test]
    fn retired_codes_are_neither_active_nor_unknown() {
        let removed = [Removed { code: "NHI199", name: "old-rule", note: "merged into NHI112" }];
        assert_eq!(status_in(RULES, &removed, "NHI101"), CodeStatus::Active);
        assert_eq!(status_in(RULES, &removed, "nhi199"), CodeStatus::Removed("merged into NHI112"));
        assert_eq!(status_in(RULES, &removed, "old-rule"), CodeStatus::Removed("merged into NHI112"));
        assert_eq!(status_in(RULES, &removed, "NHI198"), CodeStatus::Unknown);
        for r in REMOVED {
            assert!(find(r.code).is_none(), "{} is both active and removed", r.code);
        }
    }

    #[test]
    fn selectors() {
        let e = find("NHI101").unwrap();
        assert!(selector_matches("NHI1", e) && selector_matches("aws-access-key", e) && selector_matches("all", e));
        assert!(!selector_matches("NHI2", e));
        assert!(find("nhi101").is_some() && find("NHI999").is_none());
        assert!(!selector_is_known("") && !selector_is_known("NHI9"));
    }
}
