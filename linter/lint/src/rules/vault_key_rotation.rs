use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::{Dur, duration, interval, plural_seconds};

/// ## What it does
/// Finds `vault_transit_secret_backend_key` resources that Vault never rotates: no
/// `auto_rotate_period`, `0`, or a period longer than the policy's `static_key_max_lifetime`
/// (default 90d). Unknown values are skipped.
///
/// ## Why is this bad?
/// A transit key that is never rotated encrypts and signs with the same key version for ever:
/// a compromise exposes everything it ever protected, and nothing bounds the key's use.
///
/// ## Example
/// ```hcl
/// resource "vault_transit_secret_backend_key" "app" {
///   backend = vault_mount.transit.path
///   name    = "app"
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "vault_transit_secret_backend_key" "app" {
///   backend            = vault_mount.transit.path
///   name               = "app"
///   auto_rotate_period = 2592000 # 30 days
/// }
/// ```
#[derive(Debug)]
pub struct VaultKeyRotation;

impl Rule for VaultKeyRotation {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "vault-key-rotation",
            category: Category::MissingTtl,
            severity: Severity::Low,
            summary: "a Vault transit key without automatic rotation, or rotated beyond policy",
            source: include_str!("vault_key_rotation.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let max = cx.policy.static_key_max_lifetime;
        let help = format!(
            "set auto_rotate_period to at most {} ({max}, policy.static_key_max_lifetime)",
            plural_seconds(max.as_secs())
        );
        for k in cx.resources("vault_transit_secret_backend_key") {
            match k.value("auto_rotate_period").as_ref().map(duration) {
                None => {
                    cx.report(&k, k.header(), "transit key is never rotated: no auto_rotate_period").help(help.clone());
                }
                Some(Some(Dur::Zero)) => {
                    cx.report(&k, k.span("auto_rotate_period"), "auto_rotate_period 0 turns automatic rotation off")
                        .help(help.clone());
                }
                Some(Some(Dur::Secs(s))) if s > max.as_secs() => {
                    cx.report(
                        &k,
                        k.span("auto_rotate_period"),
                        format!("transit key is rotated every {}, beyond the policy maximum {max}", interval(s)),
                    )
                    .help(help.clone());
                }
                _ => {}
            }
        }
    }
}
