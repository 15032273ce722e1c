use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::span::Span;

const TOKEN_TYPE: &str = "kubernetes.io/service-account-token";

/// Where the module creates a legacy service-account token secret: `(item, span, what)`.
pub fn token_secrets<'a>(cx: &Ctx<'a>) -> Vec<(Item<'a>, Span, &'static str)> {
    let mut out = Vec::new();
    for s in cx.resources_of(&["kubernetes_secret", "kubernetes_secret_v1"]) {
        if s.str("type").as_deref() == Some(TOKEN_TYPE) {
            let span = s.span("type");
            out.push((s, span, "secret holds a non-expiring service-account token"));
        }
    }
    // Reading a service account's legacy token secret (`default_secret_name`, `secret[0].name`)
    // puts that non-expiring token in state; so does reading any secret whose `token` the
    // configuration then uses (as a provider's token, an output, a CI variable).
    let reads: Vec<_> = ["kubernetes_secret", "kubernetes_secret_v1"].iter().flat_map(|ty| cx.data(ty)).collect();
    // Walking every expression of the module is left for modules that read such a secret.
    let tokens_used = if reads.is_empty() { Default::default() } else { token_reads(cx) };
    for d in reads {
        let ty = d.label(0);
        let names_token = d.nested("metadata").iter().filter_map(|m| m.attr("name")).any(|a| {
            let mut found = false;
            a.expr.walk(&mut |e| {
                found |= e.traversal_path().is_some_and(|p| {
                    p.starts_with("kubernetes_service_account")
                        && (p.ends_with(".default_secret_name") || p.contains(".secret[]"))
                });
            });
            found
        });
        let address = format!("data.{ty}.{}", d.label(1));
        if names_token || tokens_used.contains(&address) {
            let span = d.header();
            out.push((d, span, "reads a service account's token secret: a non-expiring token, now in state"));
        }
    }
    for m in cx.resources("kubernetes_manifest") {
        let Some(manifest) = m.value("manifest") else { continue };
        let kind = manifest.get("kind").and_then(|v| v.as_str().map(str::to_owned));
        let ty = manifest.get("type").and_then(|v| v.as_str().map(str::to_owned));
        if kind.as_deref() == Some("Secret") && ty.as_deref() == Some(TOKEN_TYPE) {
            let span = m.span("manifest");
            out.push((m, span, "manifest creates a non-expiring service-account token secret"));
        }
    }
    out
}

/// The `data "kubernetes_secret"` addresses whose `token` entry the module reads
/// (`data.kubernetes_secret.ci.data["token"]`, `.data.token`): only a service account's token
/// secret holds one.
fn token_reads(cx: &Ctx<'_>) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    for item in cx.all_blocks() {
        item.body.each_attr(&mut |a| {
            a.expr.walk(&mut |e| out.extend(token_read(e)));
        });
    }
    out
}

/// The data source a traversal reads the `token` entry of, if it is one.
fn token_read(e: &crate::syntax::Expr) -> Option<String> {
    use crate::syntax::{ExprKind, TraverseOp};
    let ExprKind::Traversal(root, ops) = &e.kind else { return None };
    // `data.kubernetes_secret.ci[0].data.token` of a counted read names the same data source.
    let [TraverseOp::Attr(ty), TraverseOp::Attr(name), rest @ ..] = ops.as_slice() else { return None };
    let rest = match rest {
        [TraverseOp::Index(_) | TraverseOp::Splat, tail @ ..] => tail,
        _ => rest,
    };
    let [TraverseOp::Attr(field), key, ..] = rest else { return None };
    let is_token = match key {
        TraverseOp::Attr(k) => k == "token",
        TraverseOp::Index(k) => matches!(&k.kind, ExprKind::Str(t) if t == "token"),
        TraverseOp::Splat => false,
    };
    let secret = matches!(ty.as_str(), "kubernetes_secret" | "kubernetes_secret_v1");
    (matches!(&root.kind, ExprKind::Var(v) if v == "data") && secret && field == "data" && is_token)
        .then(|| format!("data.{ty}.{name}"))
}

/// ## What it does
/// Finds Kubernetes secrets of type `kubernetes.io/service-account-token`
/// (`kubernetes_secret`, `kubernetes_secret_v1`, or a `kubernetes_manifest` Secret), and
/// `data "kubernetes_secret"` reads of a service account's legacy token secret
/// (`name = kubernetes_service_account.x.default_secret_name`, or any secret whose `token` the
/// configuration uses, e.g. as a provider's `token`), which copy that token into the Terraform
/// state.
///
/// ## Why is this bad?
/// Such a secret holds a service-account token that never expires and is not bound to a pod.
/// Anyone who can read the secret — or the Terraform state — can act as the service account.
///
/// ## Example
/// ```hcl
/// resource "kubernetes_secret_v1" "ci" {
///   metadata {
///     name        = "ci-token"
///     annotations = { "kubernetes.io/service-account.name" = "ci" }
///   }
///   type = "kubernetes.io/service-account-token"
/// }
/// ```
///
/// ## Use instead
/// Projected, audience-bound tokens that the kubelet rotates (the default for pods), or
/// `kubernetes_token_request_v1` with a short `expiration_seconds` when a token is needed.
#[derive(Debug)]
pub struct KubernetesTokenSecret;

impl Rule for KubernetesTokenSecret {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "kubernetes-token-secret",
            category: Category::StaticCredential,
            severity: Severity::High,
            summary: "a non-expiring Kubernetes service-account token secret",
            source: include_str!("kubernetes_token_secret.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str =
            "use projected service-account tokens or kubernetes_token_request_v1 with a short expiration_seconds";
        for (item, span, what) in token_secrets(cx) {
            // Replaced on a schedule: rotated, not static (see the lifecycle model).
            if !crate::rules::common::is_rotated(&item) {
                cx.report(&item, span, what).help(HELP);
            }
        }
    }
}
