use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds `google_secret_manager_secret` (and `google_secret_manager_regional_secret`)
/// resources with neither an expiry (`expire_time` or `ttl`) nor a `rotation` schedule.
/// Secrets named for what describes a credential (`mysql-user`, `oauth-client-id`, by label or
/// `secret_id`) hold a name or an id and are not reported.
///
/// ## Why is this bad?
/// Secret Manager keeps such a secret, and every version of the credential in it, for ever;
/// nothing prompts its owner to rotate it. A `rotation` block publishes reminders to Pub/Sub,
/// an expiry removes a secret that is no longer needed.
///
/// ## Example
/// ```hcl
/// resource "google_secret_manager_secret" "api" {
///   secret_id = "partner-api-key"
///   replication {
///     auto {}
///   }
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "google_secret_manager_secret" "api" {
///   secret_id = "partner-api-key"
///   replication {
///     auto {}
///   }
///   topics {
///     name = google_pubsub_topic.rotation.id
///   }
///   rotation {
///     rotation_period    = "7776000s" # 90 days
///     next_rotation_time = "2027-01-01T00:00:00Z"
///   }
/// }
/// ```
#[derive(Debug)]
pub struct GcpSecretExpiry;

impl Rule for GcpSecretExpiry {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gcp-secret-expiry",
            category: Category::MissingTtl,
            severity: Severity::Low,
            summary: "a GCP Secret Manager secret without expiry or rotation",
            source: include_str!("gcp_secret_expiry.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let max = cx.policy.static_key_max_lifetime;
        for s in cx.resources_of(&["google_secret_manager_secret", "google_secret_manager_regional_secret"]) {
            if s.has("expire_time")
                || s.has("ttl")
                || !s.nested("rotation").is_empty()
                || crate::rules::common::store_entry_describes(&s)
            {
                continue;
            }
            cx.report(&s, s.header(), "secret has neither expiry nor rotation: no expire_time, ttl or rotation")
                .help(format!(
                    "add a rotation block with rotation_period at most {max} (policy.static_key_max_lifetime) and a Pub/Sub topic, or an expire_time"
                ));
        }
    }
}
