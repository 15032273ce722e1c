use crate::eval::Value;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// The longest a publicly trusted TLS certificate may be valid (398 days, the CA/Browser Forum
/// limit), in hours: a certificate that outlives it was never meant to be renewed.
const LONGEST_LEAF_HOURS: f64 = 398.0 * 24.0;

/// ## What it does
/// Finds certificates that Terraform issues with the `tls` provider (`tls_self_signed_cert`,
/// `tls_locally_signed_cert`) that are not certificate authorities (`is_ca_certificate` unset or
/// false) and are valid for longer than 398 days (`validity_period_hours`), the longest a
/// publicly trusted certificate may live. Certificate authorities, whose validity bounds the
/// certificates they sign, are not findings.
///
/// ## Why is this bad?
/// A certificate with its private key is a credential: a service principal's certificate, a
/// client certificate for Vault's cert login, a device or gateway identity. Valid for years, it
/// works for years after it leaks, and nothing makes anyone replace it.
///
/// ## Example
/// ```hcl
/// resource "tls_self_signed_cert" "sp" {
///   private_key_pem       = tls_private_key.sp.private_key_pem
///   validity_period_hours = 87600
///   allowed_uses          = ["digital_signature", "key_encipherment"]
///   subject {
///     common_name = "deployer"
///   }
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   validity_period_hours = 2160 # 90 days
///   early_renewal_hours   = 720
/// ```
#[derive(Debug)]
pub struct LongLivedCertificate;

impl Rule for LongLivedCertificate {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "long-lived-certificate",
            category: Category::MissingTtl,
            severity: Severity::Low,
            summary: "a certificate issued by Terraform (not a CA) valid for longer than 398 days",
            source: include_str!("long_lived_certificate.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for c in cx.resources_of(&["tls_self_signed_cert", "tls_locally_signed_cert"]) {
            if c.is_set_to("is_ca_certificate", true) {
                continue;
            }
            let longest = c.values("validity_period_hours").iter().filter_map(Value::as_f64).fold(0.0, f64::max);
            if longest > LONGEST_LEAF_HOURS {
                let days = (longest / 24.0).round();
                cx.report(
                    &c,
                    c.span("validity_period_hours"),
                    format!("certificate valid for {days} days: a credential that outlives any renewal"),
                )
                .help("issue it for 90 days or less and renew it (early_renewal_hours), or let a service issue short-lived certificates (Vault PKI, ACME)");
            }
        }
    }
}
