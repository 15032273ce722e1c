use crate::eval::Env;
use crate::facts::secrets::{credential_read, is_credential_key, names_kubeconfig};
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::syntax::{Expr, ExprKind, ObjKey, TemplatePart};

/// How many locals deep a file's content is followed (`content = local.kubeconfig`).
const LOCAL_DEPTH: usize = 3;

/// What in `e` is a credential, as written: an attribute that holds one
/// (`tls_private_key.k.private_key_pem`, a cluster's kubeconfig), a credential-named key of an
/// object or of a template's text given a value (`token = data.x.data["token"]`,
/// `token = "${…}"`), also through the locals it reads.
fn credential_in(
    e: &Expr,
    env: &Env<'_>,
    module_output: &crate::facts::secrets::ModuleOutputs<'_>,
    depth: usize,
) -> Option<String> {
    if let Some(read) = credential_read(e, module_output) {
        return Some(format!("`{read}`"));
    }
    let mut found = None;
    e.walk(&mut |x| {
        if found.is_some() {
            return;
        }
        match &x.kind {
            ExprKind::Traversal(..) => {
                let Some(path) = x.traversal_path() else { return };
                if let Some(name) = path.strip_prefix("local.").map(|r| r.split(['.', '[']).next().unwrap_or(r))
                    && depth < LOCAL_DEPTH
                    && let Some(local) = env.local_expr(name)
                {
                    found = credential_in(local, env, module_output, depth + 1);
                } else if is_resource(&path) && path.split(['.', '[']).skip(2).any(names_kubeconfig) {
                    found = Some(format!("`{path}`"));
                } else if let Some(name) = path.strip_prefix("var.").map(|r| r.split(['.', '[']).next().unwrap_or(r))
                    && (names_kubeconfig(name) || is_credential_key(name))
                {
                    // An input named for a credential (`var.kube_config_yaml`, `var.db_password`).
                    found = Some(format!("`var.{name}`"));
                }
            }
            ExprKind::Object(items) => {
                found = items.iter().find_map(|(k, v)| {
                    let ObjKey::Ident(key) = k else { return None };
                    (is_credential_key(key) && !is_constant(v)).then(|| format!("the value of `{key}`"))
                });
            }
            ExprKind::Template(parts) => {
                found = parts.windows(2).find_map(|w| match w {
                    [TemplatePart::Lit(text), TemplatePart::Interp(_)] => {
                        key_before(text).filter(|k| is_credential_key(k)).map(|k| format!("the value of `{k}`"))
                    }
                    _ => None,
                });
            }
            _ => {}
        }
    });
    found
}

/// A managed resource or data source (`TYPE.NAME…`, `data.TYPE.NAME…`): resource types have a
/// provider prefix, the other roots (`var`, `each`, `path`, …) have none.
fn is_resource(path: &str) -> bool {
    let head = path.split(['.', '[']).next().unwrap_or("");
    head == "data" || head.contains('_')
}

fn is_constant(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::Str(_))
}

/// The key written right before an interpolation: `token = "` or `password: ` → `token`.
fn key_before(text: &str) -> Option<&str> {
    let t = text.trim_end_matches(['"', '\'', ' ', '\t']);
    let t = t.strip_suffix(['=', ':'])?.trim_end_matches(['"', '\'', ' ', '\t']);
    let start = t.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).map_or(0, |i| i + 1);
    let key = &t[start..];
    (!key.is_empty()).then_some(key)
}

/// ## What it does
/// Finds `local_file` resources whose `content` (or `content_base64`) carries a credential: an
/// attribute that holds one (a generated private key, a token, a secret ID), a cluster's
/// kubeconfig, or a credential-named key given a value in the document written
/// (`token = data.kubernetes_secret.ci.data["token"]` in a `yamlencode` kubeconfig,
/// `token = "${gitlab_runner.r.authentication_token}"` in a config template), also through the
/// locals it reads. `local_sensitive_file` is the resource made for secrets.
///
/// ## Why is this bad?
/// `local_file` writes world-readable files (0777 by default) and shows its content in every
/// plan. The credential ends up in CI logs, in workspaces that are archived or cached, and on
/// the disk of whoever ran Terraform, with nothing recording where the copies went.
///
/// ## Example
/// ```hcl
/// resource "local_file" "deploy_key" {
///   filename = "${path.module}/deploy.pem"
///   content  = tls_private_key.deploy.private_key_openssh
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "local_sensitive_file" "deploy_key" {
///   filename        = "${path.module}/deploy.pem"
///   content         = tls_private_key.deploy.private_key_openssh
///   file_permission = "0600"
/// }
/// ```
#[derive(Debug)]
pub struct CredentialInLocalFile;

impl Rule for CredentialInLocalFile {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "credential-in-local-file",
            category: Category::StaticCredential,
            severity: Severity::Medium,
            summary: "a credential written to disk with local_file instead of local_sensitive_file",
            source: include_str!("credential_in_local_file.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let module_output = cx.module_credentials_any();
        for f in cx.resources("local_file") {
            for key in ["content", "content_base64"] {
                let Some(attr) = f.attr(key) else { continue };
                if let Some(what) = credential_in(&attr.expr, f.env, &module_output, 0) {
                    cx.report(&f, attr.expr.span.clone(), format!("writes {what} to a plain file"))
                        .help("use local_sensitive_file (kept out of plans, 0700 by default), or keep the credential out of files");
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_before_an_interpolation_is_read_from_the_text() {
        assert_eq!(key_before("  token = \""), Some("token"));
        assert_eq!(key_before("password: "), Some("password"));
        assert_eq!(key_before("url = https://"), None);
        assert_eq!(key_before("= "), None);
        assert!(names_kubeconfig("kube_config_raw") && names_kubeconfig("kubeconfig"));
        assert!(!names_kubeconfig("kubeconfig_path"));
        assert!(!names_kubeconfig("kubeconfig-certificate-authority-data") && !names_kubeconfig("kubeconfig_host"));
    }
}
