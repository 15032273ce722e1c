use crate::eval::Value;
use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// AWS managed policies written for one cluster component (a CSI driver, the load-balancer or
/// VPC resource controller) or for the control plane itself. (`…FullAccess` policies, such as
/// the autoscaler's `AutoScalingFullAccess`, are NHI231's wherever they are attached.)
/// On a node role they go to every pod on the nodes; each component should have its own role
/// (IRSA or EKS Pod Identity).
const COMPONENT_POLICIES: [&str; 8] = [
    "AmazonEBSCSIDriverPolicy",
    "AmazonEFSCSIDriverPolicy",
    "AmazonEKSVPCResourceController",
    "AmazonEKSServicePolicy",
    "AmazonEKSClusterPolicy",
    "AmazonEKSLoadBalancingPolicy",
    "AmazonEKSBlockStoragePolicy",
    "AmazonEKSComputePolicy",
];

/// The AWS managed policy an ARN names, if it is one of [`COMPONENT_POLICIES`].
fn component_policy(arn: &str) -> Option<&'static str> {
    let name = arn.strip_prefix("arn:aws:iam::aws:policy/")?.rsplit('/').next()?;
    COMPONENT_POLICIES.iter().find(|p| **p == name).copied()
}

/// What the role of an attachment is, as written (`aws_iam_role.nodes.name`,
/// `var.nodegroup_iam_role_name`): the text every attachment to the same role shares.
fn role_text(a: &Item<'_>) -> Option<String> {
    let attr = a.attr("role")?;
    attr.expr.traversal_path().or_else(|| a.str("role"))
}

/// Which of a cluster's shared roles a role is.
#[derive(Clone, Copy, PartialEq)]
enum ClusterRole {
    Node,
    ControlPlane,
}

impl ClusterRole {
    fn what(self) -> &'static str {
        match self {
            ClusterRole::Node => "node role: every pod on the nodes can use it",
            ClusterRole::ControlPlane => "control-plane role, which runs no cluster component",
        }
    }
}

/// Whether a role, by what names it or by what else is attached to it (`attached`: each
/// attachment's role and policy ARN), is a cluster's node role or its control-plane role: the
/// node policy or the cluster policy is attached to it too, or its name says so
/// (`aws_iam_role.nodes`, `var.nodegroup_iam_role_name`, `module.eks.cluster_iam_role_name`).
fn cluster_role<T>(role: &str, attached: &[(String, String, T)]) -> Option<ClusterRole> {
    let has = |policy: &str| attached.iter().any(|(r, p, _)| r == role && p.ends_with(policy));
    let l = role.to_ascii_lowercase();
    if has("/AmazonEKSWorkerNodePolicy") || ["node", "worker"].iter().any(|w| l.contains(w)) {
        Some(ClusterRole::Node)
    } else if has("/AmazonEKSClusterPolicy") || l.contains("cluster_iam_role") || l.contains("cluster_role") {
        Some(ClusterRole::ControlPlane)
    } else {
        None
    }
}

/// The component policies among a module input's values (`iam_role_additional_policies = {
/// ebs = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy" }`), at any depth
/// under a key of that name.
fn additional_policies(v: &Value, under: bool, out: &mut Vec<&'static str>) {
    match v {
        Value::Str(s) if under => out.extend(component_policy(s)),
        Value::Object(m) => {
            for (k, x) in m {
                additional_policies(x, under || k == "iam_role_additional_policies", out);
            }
        }
        Value::List(items) => items.iter().for_each(|x| additional_policies(x, under, out)),
        _ => {}
    }
}

/// ## What it does
/// Finds AWS managed policies written for one cluster component — a CSI driver
/// (`AmazonEBSCSIDriverPolicy`, `AmazonEFSCSIDriverPolicy`), the VPC resource or load-balancer
/// controller, or the control plane (`AmazonEKSClusterPolicy`, `AmazonEKSServicePolicy`) — attached to an EKS cluster's node role, or a component's policy
/// attached to the control-plane role (its own `AmazonEKS…` policies are left alone). A node
/// role is told by the worker-node policy attached to it as well, or by its name; so is the
/// control-plane role. Node groups of the `terraform-aws-modules/eks` module given such a
/// policy in `iam_role_additional_policies` count too.
///
/// ## Why is this bad?
/// Every pod on a node can take the node role's credentials from the instance metadata
/// service. A controller's rights attached there — create, attach and delete volumes, change
/// load balancers, network interfaces and security groups — go to every workload on the cluster, not to the controller. On the control-plane role they
/// do nothing for the component and widen a role EKS itself uses.
///
/// ## Example
/// ```hcl
/// resource "aws_iam_role_policy_attachment" "ebs" {
///   role       = aws_iam_role.nodes.name
///   policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
/// }
/// ```
///
/// ## Use instead
/// Give the component its own role through IRSA or EKS Pod Identity, e.g. the EBS CSI add-on's
/// `service_account_role_arn`.
#[derive(Debug)]
pub struct EksSharedRolePolicy;

impl Rule for EksSharedRolePolicy {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "eks-component-policy-on-shared-role",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "a cluster component's AWS managed policy attached to an EKS node role or control-plane role",
            source: include_str!("eks_shared_role_policy.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        // Each attachment's role and policy, read once.
        let attachments: Vec<_> = cx
            .resources("aws_iam_role_policy_attachment")
            .into_iter()
            .filter_map(|a| {
                let arn = a.str("policy_arn")?;
                Some((role_text(&a)?, arn, a))
            })
            .collect();
        for (role, arn, a) in &attachments {
            let Some(policy) = component_policy(arn) else { continue };
            let Some(kind) = cluster_role(role, &attachments) else { continue };
            // The control plane's own policies (and Auto Mode's) belong on the control-plane role.
            if kind == ClusterRole::ControlPlane && policy.starts_with("AmazonEKS") {
                continue;
            }
            cx.report(a, a.span("policy_arn"), format!("`{policy}` is attached to the cluster's {}", kind.what()))
                .help("give the component its own role with IRSA or EKS Pod Identity (the add-on's service_account_role_arn), and keep the node role to the worker, CNI and registry policies");
        }
        for call in crate::rules::common::remote_module_calls(cx) {
            if !crate::rules::common::registry_address(&call)
                .is_some_and(|s| s.starts_with("terraform-aws-modules/eks/aws"))
            {
                continue;
            }
            // Node groups and their defaults (a top-level `iam_role_additional_policies` is
            // the control-plane role's).
            for attr in call.body.attrs.iter().filter(|a| a.key.contains("node_group")) {
                let mut found = Vec::new();
                additional_policies(&call.eval(&attr.expr), false, &mut found);
                if let Some(policy) = found.first() {
                    cx.report(&call, attr.expr.span.clone(), format!("`{policy}` is added to the node groups' role: every pod on the nodes can use it"))
                        .help("give the component its own role with IRSA or EKS Pod Identity (the add-on's service_account_role_arn), and keep the node role to the worker, CNI and registry policies");
                    break;
                }
            }
        }
    }
}
