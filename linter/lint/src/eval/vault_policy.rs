//! Vault policy documents: the HCL text of a `vault_policy`, read into its path rules.

use super::Env;
use crate::syntax::parse_hcl;

/// `(path, capabilities)` of each `path` block of a Vault policy text; known capabilities
/// only. A text that does not parse has no rules.
pub fn path_rules(text: &str) -> Vec<(String, Vec<String>)> {
    let Ok(body) = parse_hcl(text) else { return Vec::new() };
    let env = Env::new(Default::default(), Default::default(), Default::default());
    body.blocks("path")
        .filter_map(|b| {
            let path = b.labels.first()?.clone();
            let caps = b.body.attr("capabilities").map(|a| env.eval(&a.expr).items()).unwrap_or_default();
            Some((path, caps.iter().filter_map(|c| c.as_str().map(str::to_owned)).collect()))
        })
        .collect()
}
