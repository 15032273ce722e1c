use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// Consul's built-in policy that allows everything, by name and by its fixed id.
const CONSUL_GLOBAL_MANAGEMENT: [&str; 2] = ["global-management", "00000000-0000-0000-0000-000000000001"];

/// ## What it does
/// Finds tokens and token roles of HashiCorp Consul and Nomad that are root-equivalent: Consul
/// ACL tokens, roles and Vault Consul secrets-engine roles given the built-in
/// `global-management` policy, the root token of an HCP Consul cluster
/// (`hcp_consul_cluster_root_token`), Consul ACL policies that grant `acl = "write"` (their
/// holders can mint a token with any policy), and Nomad tokens or Vault Nomad secrets-engine
/// roles of type `management`.
///
/// ## Why is this bad?
/// These tokens bypass every ACL of the cluster: whoever holds one can read every key and
/// secret, change every policy and mint more tokens. A workload (Vault's secrets engine, a
/// CI job) needs a policy listing what it manages, not the cluster's master key.
///
/// ## Example
/// ```hcl
/// resource "consul_acl_token" "vault" {
///   description = "Vault secrets engine"
///   policies    = ["global-management"]
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "consul_acl_token" "vault" {
///   description = "Vault secrets engine"
///   policies    = [consul_acl_policy.vault_secrets_engine.name]
/// }
/// ```
#[derive(Debug)]
pub struct ManagementToken;

impl Rule for ManagementToken {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "hashicorp-management-token",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "a Consul or Nomad token or token role with global-management / management rights",
            source: include_str!("management_token.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let is_global = |p: &String| CONSUL_GLOBAL_MANAGEMENT.contains(&p.as_str());
        // A Vault Consul role names its policies in `consul_policies` or the older `policies`:
        // one finding for the role, at the first that grants global-management.
        for (ty, keys) in [
            ("consul_acl_token", &["policies"][..]),
            ("vault_consul_secret_backend_role", &["consul_policies", "policies"][..]),
        ] {
            for t in cx.resources(ty) {
                if let Some(key) = keys.iter().find(|k| t.strs(k).iter().any(is_global)) {
                    cx.report(&t, t.span(key), "grants Consul's global-management policy: every ACL of the cluster")
                        .help("write a consul_acl_policy with the rules this workload needs and grant that instead");
                }
            }
        }
        for r in cx.resources("consul_acl_role") {
            let global = r
                .nested("policy")
                .into_iter()
                .find(|p| p.strs("name").iter().chain(p.strs("id").iter()).any(is_global));
            if let Some(p) = global {
                cx.report(&r, p.header(), "role carries Consul's global-management policy: every ACL of the cluster")
                    .help("write a consul_acl_policy with the rules this workload needs and grant that instead");
            }
        }
        // `acl = "write"` lets the holder mint a token with any policy: global-management too.
        for p in cx.resources("consul_acl_policy") {
            if p.str("rules").is_some_and(|r| consul_acl_write(&r)) {
                cx.report(&p, p.span("rules"), "policy grants acl = \"write\": its holder can create a token with any policy, global-management included")
                    .help("leave `acl` out of workload policies (`acl = \"read\"` at most); ACL administration belongs to the bootstrap token");
            }
        }
        // HCP's root token of a managed Consul cluster is its bootstrap token: global-management.
        for t in cx.resources("hcp_consul_cluster_root_token") {
            cx.report(
                &t,
                t.header(),
                "the Consul cluster's root (bootstrap) token: global-management, every ACL of the cluster",
            )
            .help("use it once to create scoped tokens outside Terraform state, then keep it out of configuration");
        }
        for (ty, key) in [("vault_nomad_secret_role", "type"), ("nomad_acl_token", "type")] {
            for t in cx.resources(ty) {
                if t.str(key).is_some_and(|v| v.eq_ignore_ascii_case("management")) {
                    cx.report(&t, t.span(key), "a Nomad management token: every ACL of the cluster")
                        .help("use type = \"client\" with nomad_acl_policy rules for what the holder runs");
                }
            }
        }
    }
}

/// Whether Consul ACL rules (HCL or JSON) grant `acl = "write"`.
fn consul_acl_write(rules: &str) -> bool {
    rules.lines().any(|line| {
        let code = line.split('#').next().unwrap_or("").split("//").next().unwrap_or("");
        let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        compact.starts_with("acl=\"write\"") || compact.contains("\"acl\":\"write\"")
    })
}

#[cfg(test)]
mod tests {
    use super::consul_acl_write;

    #[test]
    fn acl_write_in_hcl_and_json_rules() {
        assert!(consul_acl_write("node_prefix \"\" { policy = \"read\" }\n  acl  =  \"write\"\n"));
        assert!(consul_acl_write(r#"{"acl":"write","node_prefix":{"":{"policy":"read"}}}"#));
        assert!(consul_acl_write("{\n  \"acl\": \"write\"\n}"));
        for no in ["acl = \"read\"", "# acl = \"write\"", "key_prefix \"acl\" { policy = \"write\" }", ""] {
            assert!(!consul_acl_write(no), "{no}");
        }
    }
}
