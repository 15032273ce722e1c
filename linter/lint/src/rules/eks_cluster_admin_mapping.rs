use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::span::Span;
use crate::syntax::{Body, Expr, ExprKind, TemplatePart};

const MASTERS: &str = "system:masters";
/// EKS access policies that are cluster-admin (or admin of everything but RBAC) on the scope.
const ADMIN_POLICIES: [&str; 2] = ["AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy"];

/// The span of a string literal in `e` that holds `system:masters` (a group name, or a YAML
/// text naming it).
fn masters_literal(e: &Expr) -> Option<Span> {
    let mut found = None;
    e.walk(&mut |x| {
        if found.is_some() {
            return;
        }
        let hit = match &x.kind {
            ExprKind::Str(s) => s.contains(MASTERS),
            ExprKind::Template(parts) => parts.iter().any(|p| matches!(p, TemplatePart::Lit(l) if l.contains(MASTERS))),
            _ => false,
        };
        if hit {
            found = Some(x.span.clone());
        }
    });
    found
}

/// Whether `e` reads as an aws-auth mapping: it names `rolearn` or `userarn`, as an object key
/// or in YAML text.
fn maps_iam_principals(e: &Expr) -> bool {
    let is_key = |s: &str| {
        let s = s.to_ascii_lowercase();
        s.contains("rolearn") || s.contains("userarn")
    };
    let mut found = false;
    e.walk(&mut |x| match &x.kind {
        ExprKind::Str(s) => found |= is_key(s),
        ExprKind::Template(parts) => {
            found |= parts.iter().any(|p| matches!(p, TemplatePart::Lit(l) if is_key(l)));
        }
        ExprKind::Object(items) => {
            found |= items.iter().any(|(k, _)| k.name().is_some_and(is_key));
        }
        _ => {}
    });
    found
}

/// Attributes of `body` (nested blocks included) mapping an IAM principal to `system:masters`:
/// `(attribute name, span of the literal)`.
fn masters_mappings(body: &Body, out: &mut Vec<(String, Span)>) {
    for a in &body.attrs {
        let key = a.key.to_ascii_lowercase();
        let mapping_key =
            ["maproles", "mapusers", "map_roles", "map_users", "aws_auth"].iter().any(|k| key.contains(k));
        if let Some(span) = masters_literal(&a.expr)
            && (mapping_key || maps_iam_principals(&a.expr))
        {
            out.push((a.key.clone(), span));
        }
    }
    for b in &body.blocks {
        masters_mappings(&b.body, out);
    }
}

/// The admin access policy, and the span of its ARN, of the first access-policy association
/// written as an object in `e` (a module's `access_entries = { ci = { policy_associations = {
/// admin = { policy_arn = "…AmazonEKSClusterAdminPolicy", access_scope = { type = "cluster" }
/// } } } }`) that associates one on the whole cluster.
fn admin_association_in(e: &Expr) -> Option<(Span, &'static str)> {
    let mut found = None;
    e.walk(&mut |x| {
        if found.is_some() {
            return;
        }
        let Some(arn) = x.field("policy_arn") else { return };
        let Some(admin) = arn.as_str().and_then(|a| ADMIN_POLICIES.iter().find(|p| a.ends_with(*p))) else { return };
        let whole_cluster = x
            .field("access_scope")
            .and_then(|scope| scope.field("type")?.as_str())
            .is_some_and(|t| t.eq_ignore_ascii_case("cluster"));
        if whole_cluster {
            found = Some((arn.span.clone(), *admin));
        }
    });
    found
}

/// ## What it does
/// Finds IAM principals mapped to Kubernetes cluster-admin on EKS:
///
/// * the group `system:masters` in an aws-auth mapping (`mapRoles` / `mapUsers`), written as
///   YAML or as a `yamlencode(...)` structure in the `data` of a `kubernetes_config_map`,
///   `kubernetes_config_map_v1` or `kubernetes_config_map_v1_data`, or in a local, a
///   variable default or a module input holding such a mapping (`map_roles`,
///   `aws_auth_roles`, …). The finding is on the block that holds the literal;
/// * an `aws_eks_access_policy_association` of `AmazonEKSClusterAdminPolicy` or
///   `AmazonEKSAdminPolicy` whose `access_scope` is of type `cluster`, or the same association
///   written as an object in a module's input (the community EKS module's `access_entries`).
///
/// Mapping node roles to `system:nodes` / `system:bootstrappers`, namespace-scoped
/// associations and the view/edit policies are not findings.
///
/// ## Why is this bad?
/// `system:masters` bypasses RBAC entirely and cannot be revoked by editing a role binding:
/// whoever can assume the mapped IAM role — a CI pipeline, an EC2 instance profile, every
/// member of an SSO group — controls the cluster and reads every Secret in it. The cluster
/// admin access policy grants the same on the whole cluster.
///
/// ## Example
/// ```hcl
/// resource "kubernetes_config_map_v1_data" "aws_auth" {
///   metadata {
///     name      = "aws-auth"
///     namespace = "kube-system"
///   }
///   data = {
///     mapRoles = yamlencode([{
///       rolearn  = aws_iam_role.ci.arn
///       username = "ci"
///       groups   = ["system:masters"]
///     }])
///   }
///   force = true
/// }
/// ```
///
/// ## Use instead
/// Map the principal to a group of your own and bind that group to a role listing what it
/// needs; with access entries, use a namespace-scoped association of a narrower policy:
/// ```hcl
/// resource "aws_eks_access_policy_association" "ci" {
///   cluster_name  = aws_eks_cluster.main.name
///   principal_arn = aws_iam_role.ci.arn
///   policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"
///   access_scope {
///     type       = "namespace"
///     namespaces = ["app"]
///   }
/// }
/// ```
#[derive(Debug)]
pub struct EksClusterAdminMapping;

impl Rule for EksClusterAdminMapping {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "eks-cluster-admin-mapping",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "an IAM principal mapped to cluster-admin on EKS (system:masters, or a cluster-wide admin access policy)",
            source: include_str!("eks_cluster_admin_mapping.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str = "map the principal to a group of your own bound to a role listing what it needs (or a namespace-scoped access policy); never system:masters";
        const MESSAGE: &str =
            "IAM principal mapped to `system:masters` (cluster-admin, bypassing RBAC) in an aws-auth mapping";
        let holders = cx
            .resources_where(|t| t.starts_with("kubernetes_config_map") || t == "kubernetes_manifest")
            .into_iter()
            .chain(cx.blocks("module", None))
            .chain(cx.blocks("variable", None));
        for item in holders {
            let mut hits = Vec::new();
            masters_mappings(item.body, &mut hits);
            if let Some((_, span)) = hits.into_iter().next() {
                cx.report(&item, span, MESSAGE).help(HELP);
            }
        }
        for locals in cx.blocks("locals", None) {
            let mut hits = Vec::new();
            masters_mappings(locals.body, &mut hits);
            for (name, span) in hits {
                cx.report_at(locals.file, &format!("local.{name}"), span, MESSAGE).help(HELP);
            }
        }
        // Access entries handed to a module (the community EKS module's `access_entries`).
        for call in cx.blocks("module", None) {
            let mut hit = None;
            call.body.each_attr(&mut |a| {
                if hit.is_none() {
                    hit = admin_association_in(&a.expr);
                }
            });
            if let Some((span, admin)) = hit {
                cx.report(&call, span, format!("`{admin}` associated with an IAM principal on the whole cluster"))
                    .help(HELP);
            }
        }
        for a in cx.resources("aws_eks_access_policy_association") {
            let Some(policy) = a.str("policy_arn") else { continue };
            let Some(admin) = ADMIN_POLICIES.iter().find(|p| policy.ends_with(*p)) else { continue };
            let cluster_scope = a
                .nested("access_scope")
                .iter()
                .any(|s| s.str("type").is_some_and(|t| t.eq_ignore_ascii_case("cluster")));
            if cluster_scope {
                cx.report(
                    &a,
                    a.span("policy_arn"),
                    format!("`{admin}` associated with an IAM principal on the whole cluster"),
                )
                .help(HELP);
            }
        }
    }
}
