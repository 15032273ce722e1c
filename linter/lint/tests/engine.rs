//! The engine end to end on small trees: evaluation, module calls, dedup, ordering, inputs.

use std::path::{Path, PathBuf};

use nhi_lint::{Finding, Settings, lint_paths};

/// A module whose one policy allows the actions its caller passes.
const POLICY_OF_ITS_ACTIONS: &str = r#"
variable "actions" {
  type = list(string)
}
data "aws_iam_policy_document" "this" {
  statement {
    actions   = var.actions
    resources = ["arn:aws:s3:::b-*/*"]
  }
}
"#;

fn settings() -> Settings {
    Settings::new(nhi_core::parse_timestamp("2026-06-01T00:00:00Z").unwrap())
}

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = d.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    d
}

fn lint(dir: &Path) -> Vec<Finding> {
    let r = lint_paths(&[dir.to_owned()], &settings());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    r.findings
}

/// The addresses of the blocks `code` reports under `dir`, in report order.
fn addresses(dir: &Path, code: &str) -> Vec<String> {
    lint(dir).into_iter().filter(|f| f.code == code).map(|f| f.address).collect()
}

fn codes(findings: &[Finding]) -> Vec<(String, &'static str)> {
    findings.iter().map(|f| (f.address.clone(), f.code)).collect()
}

#[test]
fn module_inputs_are_followed_and_reported_on_the_call_that_passes_them() {
    let d = tree(&[
        (
            "main.tf",
            r#"
locals {
  actions = concat(["s3:GetObject"], ["*"])
}
module "a" {
  source  = "./mod"
  actions = local.actions
}
module "b" {
  source  = "./mod"
  actions = ["iam:*"]
}
module "c" {
  source  = "./mod"
  actions = ["s3:GetObject"]
}
"#,
        ),
        ("mod/main.tf", POLICY_OF_ITS_ACTIONS),
    ]);
    let f = lint(d.path());
    // The child alone knows nothing about `actions`; two calls make it broad. Each of them is
    // reported on the call, at the input that carries the broad value; the narrow call is not.
    assert_eq!(codes(&f), vec![("module.a".to_owned(), "NHI201"), ("module.b".to_owned(), "NHI201")]);
    let main = d.path().join("main.tf").display().to_string();
    assert!(f.iter().all(|x| x.path == main), "{f:?}");
    let lines: Vec<usize> = f.iter().map(|x| x.start.unwrap().line).collect();
    assert_eq!(lines, vec![7, 11], "at the `actions` inputs");
    assert!(f[0].message.contains("module `a`'s `data.aws_iam_policy_document.this`"), "{}", f[0].message);
}

#[test]
fn a_value_passed_on_from_a_variable_default_is_reported_at_the_default() {
    let module = r#"
variable "roles" {
  type = set(string)
}
resource "azurerm_role_assignment" "this" {
  for_each             = var.roles
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000"
  role_definition_name = each.key
  principal_id         = "x"
}
"#;
    let example = r#"
variable "roles" {
  default = ["Contributor"]
}
module "ci" {
  source = "./mod"
  roles  = var.roles
}
module "narrow" {
  source = "./mod"
  roles  = ["Reader"]
}
"#;
    let d = tree(&[("main.tf", example), ("mod/main.tf", module)]);
    let f = lint(d.path());
    // The broad role is written at the variable's default: reported there, once.
    assert_eq!(codes(&f), vec![("var.roles".to_owned(), "NHI210")], "{f:#?}");
    assert_eq!(f[0].start.unwrap().line, 3);
    assert!(f[0].message.contains("from the default of var.roles passed to it"), "{}", f[0].message);
    // Given another value in an auto-loaded variable file, the value is written there: reported
    // at that assignment.
    std::fs::write(d.path().join("terraform.tfvars"), "region = \"x\"\nroles  = [\"Owner\"]\n").unwrap();
    let f = lint(d.path());
    assert_eq!(codes(&f), vec![("var.roles".to_owned(), "NHI210")], "{f:#?}");
    assert!(f[0].path.ends_with("terraform.tfvars"), "{}", f[0].path);
    assert_eq!(f[0].start.unwrap().line, 2);
    assert!(f[0].message.contains("from var.roles as this variable file sets it"), "{}", f[0].message);
    // An `*.auto.tfvars` file loaded after it decides the value instead.
    std::fs::write(d.path().join("z.auto.tfvars"), "roles = [\"Contributor\"]\n").unwrap();
    let f = lint(d.path());
    assert_eq!(codes(&f), vec![("var.roles".to_owned(), "NHI210")], "{f:#?}");
    assert!(f[0].path.ends_with("z.auto.tfvars"), "{}", f[0].path);
}

#[test]
fn references_passed_into_modules_keep_what_they_refer_to() {
    // The scope only says "subscription" as the data source it is; the module sees var.scope_id.
    let assignment = r#"
variable "scope_id" {}
variable "principal_id" {}
resource "azurerm_role_assignment" "this" {
  scope                = var.scope_id
  role_definition_name = "Contributor"
  principal_id         = var.principal_id
}
"#;
    let wrapper = r#"
variable "target" {}
module "inner" {
  source       = "../assign"
  scope_id     = var.target
  principal_id = "p"
}
"#;
    let member = r#"
variable "member" {}
resource "google_project_iam_member" "this" {
  project = "p"
  role    = "roles/editor"
  member  = var.member
}
"#;
    let root = r#"
data "azurerm_subscription" "current" {}
data "azurerm_resource_group" "rg" {
  name = "rg"
}
resource "google_service_account" "ci" {
  account_id = "ci"
}
locals {
  subscription = data.azurerm_subscription.current.id
}
module "through_a_local" {
  source       = "./assign"
  scope_id     = local.subscription
  principal_id = "p"
}
module "two_levels_down" {
  source = "./wrapper"
  target = "${data.azurerm_subscription.current.id}"
}
module "a_resource_group" {
  source       = "./assign"
  scope_id     = data.azurerm_resource_group.rg.id
  principal_id = "p"
}
module "editor" {
  source = "./member"
  member = google_service_account.ci.member
}
"#;
    let d = tree(&[
        ("main.tf", root),
        ("assign/main.tf", assignment),
        ("wrapper/main.tf", wrapper),
        ("member/main.tf", member),
    ]);
    let f = lint(d.path());
    let mut got = codes(&f);
    got.sort();
    assert_eq!(
        got,
        vec![
            ("module.editor".to_owned(), "NHI206"),
            ("module.through_a_local".to_owned(), "NHI210"),
            ("module.two_levels_down".to_owned(), "NHI210"),
        ],
        "{f:#?}"
    );
    assert!(f.iter().any(|x| x.message.contains("Contributor assigned at subscription scope")), "{f:#?}");
}

#[test]
fn blocks_with_one_address_in_two_files_are_each_judged() {
    // Fixture and template directories hold files that each stand alone: Terraform would refuse
    // them as one module, but each file's block is still a risk of its own.
    let grant = |member: &str| {
        format!(
            "resource \"google_folder_iam_member\" \"editor\" {{\n  folder = \"1\"\n  role   = \"roles/editor\"\n  member = \"{member}\"\n}}\n"
        )
    };
    let d = tree(&[
        ("a.tf", &grant("user:jane@example.com")),
        ("b.tf", &grant("serviceAccount:ci@p.iam.gserviceaccount.com")),
    ]);
    let f = lint(d.path());
    let files: Vec<String> =
        f.iter().map(|x| Path::new(&x.path).file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(files, vec!["a.tf", "b.tf"], "{f:#?}");
    assert!(f.iter().all(|x| x.code == "NHI206"), "{f:#?}");
}

#[test]
fn named_variable_files_beside_a_root_are_judged_each_on_its_own() {
    // `prod.tfvars` is applied with `-var-file`: what it adds is reported at its value; the
    // defaults and a harmless file add nothing.
    let main = r#"
variable "role" {
  default = "Reader"
}
resource "azurerm_role_assignment" "ci" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000"
  role_definition_name = var.role
  principal_id         = "p"
}
"#;
    let d = tree(&[("main.tf", main), ("prod.tfvars", "role = \"Owner\"\n"), ("dev.tfvars", "role = \"Reader\"\n")]);
    let f = lint(d.path());
    assert_eq!(codes(&f), vec![("azurerm_role_assignment.ci".to_owned(), "NHI210")], "{f:#?}");
    assert!(f[0].path.ends_with("prod.tfvars"), "{f:#?}");
    assert!(f[0].message.contains("var.role, set here"), "{}", f[0].message);
    // terraform.tfvars is loaded by Terraform itself: its value is the module's own input.
    std::fs::remove_file(d.path().join("prod.tfvars")).unwrap();
    std::fs::write(d.path().join("terraform.tfvars"), "role = \"Owner\"\n").unwrap();
    let f = lint(d.path());
    assert_eq!(codes(&f), vec![("azurerm_role_assignment.ci".to_owned(), "NHI210")], "{f:#?}");
    assert!(f[0].path.ends_with("main.tf"), "{f:#?}");
}

#[test]
fn for_each_instances_from_a_call_are_judged_one_by_one_even_without_declarations() {
    // The module's variables file is not among the files read: the call's inputs still count.
    let module = r#"
resource "vault_mount" "this" {
  for_each              = var.mounts
  path                  = each.value.path
  type                  = each.value.type
  max_lease_ttl_seconds = each.value.max_lease_ttl_seconds
}
resource "vault_approle_auth_backend_role" "this" {
  for_each       = var.approles
  role_name      = each.key
  token_policies = each.value.token_policies
  token_ttl      = each.value.token_ttl
  token_max_ttl  = each.value.token_max_ttl
  secret_id_ttl  = each.value.secret_id_ttl
}
"#;
    let example = r#"
module "vault" {
  source = "./mod"
  mounts = {
    kv  = { path = "secret", type = "kv", max_lease_ttl_seconds = null }
    pki = { path = "pki", type = "pki", max_lease_ttl_seconds = 315360000 }
  }
  approles = {
    ci  = { token_policies = ["ci"], token_ttl = 600, token_max_ttl = 1200, secret_id_ttl = 600 }
    app = { token_policies = ["app"], token_ttl = 600, token_max_ttl = 1200, secret_id_ttl = null }
  }
}
"#;
    let d = tree(&[("main.tf", example), ("mod/main.tf", module)]);
    let f = lint(d.path());
    let got = codes(&f);
    // One mount of ten years, one role whose secret IDs never expire: each found on the call.
    assert!(got.contains(&("module.vault".to_owned(), "NHI320")), "{f:#?}");
    let lease = f.iter().find(|x| x.code == "NHI320").unwrap();
    assert!(lease.message.contains("3650 days"), "{}", lease.message);
    assert!(got.contains(&("module.vault".to_owned(), "NHI302")), "{f:#?}");
    let approle = f.iter().find(|x| x.code == "NHI302").unwrap();
    assert!(approle.message.contains("secret_id_ttl") && !approle.message.contains("periodic"), "{}", approle.message);
}

#[test]
fn a_known_token_in_text_that_does_not_parse_is_still_found() {
    // A heredoc marker followed by a space does not parse: the rest of the file is not
    // checked, but the key in it is committed all the same.
    let key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx1y2z3a4b5c6d7e8f9g0h1i2j3k4l5m6n7o8p9q0r1s2t3u4\n-----END RSA PRIVATE KEY-----\n";
    let tfvars = format!("location = \"eastus\"\nsecret_value = <<EOF \n{key}EOF\n");
    // A block that does parse, beside one that does not, in a .tf file.
    let tf = "resource \"aws_iam_user\" \"ci\" {\n  name = \"ci\"\n}\n\nresource \"null_resource\" \"x\" {\n  token = \"ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5\n}\n";
    let d = tree(&[("main.tf", tf), ("prod.tfvars", &tfvars)]);
    let r = lint_paths(&[d.path().to_owned()], &settings());
    // Both syntax errors are still reported, each saying what was not checked.
    assert_eq!(r.errors.len(), 2, "{:?}", r.errors);
    let f = r.findings;
    let unread: Vec<&Finding> = f.iter().filter(|x| x.address == "(unparsed)").collect();
    assert_eq!(unread.len(), 2, "{f:#?}");
    assert!(unread.iter().all(|x| x.code == "NHI111" && x.message.contains("does not parse")), "{unread:#?}");
    let key_finding = unread.iter().find(|x| x.path.ends_with("prod.tfvars")).expect("the key in the tfvars");
    assert_eq!(key_finding.start.as_ref().map(|p| p.line), Some(3), "{key_finding:#?}");
    assert!(unread.iter().any(|x| x.path.ends_with("main.tf") && x.message.starts_with("GitHub token")), "{unread:#?}");
}

#[test]
fn one_risk_of_one_block_is_one_finding() {
    let d = tree(&[(
        "main.tf",
        r#"
data "aws_iam_policy_document" "ci" {
  statement {
    actions   = ["s3:*"]
    resources = ["*"]
  }
  statement {
    actions   = ["ec2:RunInstances", "ec2:TerminateInstances"]
    resources = ["*"]
  }
}
"#,
    )]);
    let f = lint(d.path());
    assert_eq!(codes(&f), vec![("data.aws_iam_policy_document.ci".to_owned(), "NHI201")], "{f:#?}");
    assert!(f[0].message.contains("`s3:*`") && f[0].message.contains("; also `ec2:"), "{}", f[0].message);
    // Either alone is its own finding.
    let d = tree(&[(
        "main.tf",
        r#"
data "aws_iam_policy_document" "ci" {
  statement {
    actions   = ["ec2:RunInstances", "ec2:TerminateInstances"]
    resources = ["*"]
  }
}
"#,
    )]);
    assert_eq!(codes(&lint(d.path())), vec![("data.aws_iam_policy_document.ci".to_owned(), "NHI202")]);
    // One grant block over a list of roles: a basic role and an impersonation role.
    let d = tree(&[(
        "main.tf",
        r#"
resource "google_project_iam_member" "ci" {
  for_each = toset(["roles/owner", "roles/iam.serviceAccountUser"])
  project  = "p"
  role     = each.value
  member   = "serviceAccount:ci@p.iam.gserviceaccount.com"
}
"#,
    )]);
    let f = lint(d.path());
    assert_eq!(codes(&f), vec![("google_project_iam_member.ci".to_owned(), "NHI206")], "{f:#?}");
    assert!(f[0].message.contains("; also roles/iam.serviceAccountUser"), "{}", f[0].message);
}

#[test]
fn nested_blocks_of_a_for_each_resource_are_read_once_per_instance() {
    // `permissions` is a nested block: its `each.value` is the resource's instance.
    let d = tree(&[(
        "main.tf",
        r#"
variable "custom_roles" {
  default = {
    reader   = { actions = ["Microsoft.Storage/storageAccounts/read"] }
    assigner = { actions = ["Microsoft.Authorization/roleAssignments/write"] }
  }
}
resource "azurerm_role_definition" "custom" {
  for_each = var.custom_roles
  name     = each.key
  scope    = "/subscriptions/00000000-0000-0000-0000-000000000000"
  permissions {
    actions = each.value.actions
  }
}
"#,
    )]);
    let f = lint(d.path());
    assert_eq!(codes(&f), vec![("azurerm_role_definition.custom".to_owned(), "NHI211")], "{f:#?}");
    assert!(f[0].message.contains("roleAssignments/write"), "{}", f[0].message);
}

#[test]
fn dynamic_blocks_are_read_once_per_element_with_their_iterator() {
    let d = tree(&[(
        "main.tf",
        r#"
locals {
  subjects   = [{ kind = "Group", name = "ops" }, { kind = "ServiceAccount", name = "ci", namespace = "ci" }]
  statements = { logs = { actions = ["logs:PutLogEvents"] }, all = { actions = ["s3:*"] } }
}
resource "kubernetes_cluster_role_binding_v1" "admins" {
  metadata {
    name = "admins"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "cluster-admin"
  }
  dynamic "subject" {
    for_each = local.subjects
    iterator = who
    content {
      kind      = who.value.kind
      name      = who.value.name
      namespace = lookup(who.value, "namespace", null)
    }
  }
}
data "aws_iam_policy_document" "app" {
  dynamic "statement" {
    for_each = local.statements
    content {
      sid       = statement.key
      actions   = statement.value.actions
      resources = ["arn:aws:s3:::b-*/*"]
    }
  }
}
data "aws_iam_policy_document" "none" {
  dynamic "statement" {
    for_each = {}
    content {
      actions   = ["*"]
      resources = ["*"]
    }
  }
}
"#,
    )]);
    let f = lint(d.path());
    let got = codes(&f);
    assert!(got.contains(&("kubernetes_cluster_role_binding_v1.admins".to_owned(), "NHI214")), "{f:#?}");
    let binding = f.iter().find(|x| x.code == "NHI214").unwrap();
    assert!(binding.message.contains("service account"), "{}", binding.message);
    assert!(got.contains(&("data.aws_iam_policy_document.app".to_owned(), "NHI201")), "{f:#?}");
    assert!(f.iter().find(|x| x.code == "NHI201").unwrap().message.contains("s3"), "{f:#?}");
    // A known empty collection makes no block.
    assert!(f.iter().all(|x| x.address != "data.aws_iam_policy_document.none"), "{f:#?}");
}

#[test]
fn count_and_for_each_instances_are_one_finding() {
    let d = tree(&[(
        "main.tf",
        r#"
resource "aws_iam_access_key" "many" {
  for_each = toset(["a", "b", "c"])
  user     = each.value
}
resource "aws_iam_role_policy_attachment" "admin" {
  count      = 5
  role       = "r${count.index}"
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
"#,
    )]);
    let f = lint(d.path());
    assert_eq!(
        codes(&f),
        vec![
            ("aws_iam_access_key.many".to_owned(), "NHI101"),
            ("aws_iam_role_policy_attachment.admin".to_owned(), "NHI205")
        ]
    );
}

#[test]
fn locals_merge_templates_and_tfvars_are_evaluated() {
    let d = tree(&[
        (
            "main.tf",
            r#"
variable "partition" {
  default = "aws"
}
variable "policy" {}
locals {
  base   = { Version = "2012-10-17" }
  doc    = merge(local.base, { Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
  admin  = "arn:${var.partition}:iam::aws:policy/${var.policy}"
}
resource "aws_iam_policy" "p" {
  policy = jsonencode(local.doc)
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = "r"
  policy_arn = local.admin
}
"#,
        ),
        ("terraform.tfvars", "policy = \"PowerUserAccess\"\n"),
    ]);
    let f = lint(d.path());
    assert_eq!(
        codes(&f),
        vec![("aws_iam_policy.p".to_owned(), "NHI201"), ("aws_iam_role_policy_attachment.a".to_owned(), "NHI205")]
    );
    assert!(f[1].message.contains("PowerUserAccess"));
}

#[test]
fn unknown_values_are_skipped_not_guessed() {
    let d = tree(&[(
        "main.tf",
        r#"
variable "actions" {}
resource "aws_iam_policy" "p" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }] })
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = "r"
  policy_arn = aws_iam_policy.p.arn
}
resource "google_project_iam_member" "m" {
  project = "p"
  role    = var.role
  member  = "serviceAccount:${var.sa}"
}
resource "kubernetes_secret_v1" "s" {
  metadata {
    name = "x"
  }
  type = var.type
}
"#,
    )]);
    assert!(lint(d.path()).is_empty());
}

#[test]
fn tf_json_files_are_read_with_spans() {
    let d = tree(&[(
        "main.tf.json",
        r#"{
  "resource": {
    "aws_iam_role_policy_attachment": {
      "admin": {
        "role": "r",
        "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"
      }
    },
    "vault_token": {
      "t": [{ "policies": ["app"], "ttl": "${var.ttl}" }]
    }
  }
}"#,
    )]);
    let f = lint(d.path());
    assert_eq!(
        codes(&f),
        vec![("aws_iam_role_policy_attachment.admin".to_owned(), "NHI205"), ("vault_token.t".to_owned(), "NHI109")]
    );
    let start = f[0].start.expect("a located finding");
    assert_eq!((start.line, start.column), (6, 23));
}

#[test]
fn output_is_sorted_by_path_offset_and_code_and_stable() {
    let d = tree(&[
        ("b.tf", "resource \"aws_iam_access_key\" \"k\" {}\n"),
        ("a.tf", "resource \"google_service_account_key\" \"k\" {}\nresource \"aws_iam_access_key\" \"k2\" {}\n"),
        ("sub/c.tf", "resource \"vault_token\" \"t\" {}\n"),
    ]);
    let first = lint(d.path());
    for _ in 0..3 {
        let again = lint(d.path());
        assert_eq!(codes(&first), codes(&again));
    }
    let keys: Vec<(String, usize, &str)> = first.iter().map(|f| (f.path.clone(), f.span.start, f.code)).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let order: Vec<(String, &str)> = first
        .iter()
        .map(|f| (Path::new(&f.path).strip_prefix(d.path()).unwrap().display().to_string(), f.code))
        .collect();
    let expected =
        [("a.tf", "NHI102"), ("a.tf", "NHI101"), ("b.tf", "NHI101"), ("sub/c.tf", "NHI109"), ("sub/c.tf", "NHI301")];
    assert_eq!(order, expected.iter().map(|(p, c)| (p.to_string(), *c)).collect::<Vec<_>>());
}

#[test]
fn explicit_files_see_their_siblings_only_when_listed() {
    let d = tree(&[
        ("vars.tf", "variable \"arn\" {\n  default = \"arn:aws:iam::aws:policy/AdministratorAccess\"\n}\n"),
        (
            "main.tf",
            "resource \"aws_iam_role_policy_attachment\" \"a\" {\n  role       = \"r\"\n  policy_arn = var.arn\n}\n",
        ),
    ]);
    let both: Vec<PathBuf> = vec![d.path().join("main.tf"), d.path().join("vars.tf")];
    let r = lint_paths(&both, &settings());
    assert_eq!(r.findings.len(), 1);
    let alone = lint_paths(&[d.path().join("main.tf")], &settings());
    assert!(alone.findings.is_empty(), "without vars.tf the variable is unknown");
}

#[test]
fn tfvars_values_are_scanned_for_secrets_and_still_feed_variables() {
    let d = tree(&[
        ("main.tf", "variable \"db_password\" {}\nvariable \"region\" {}\n"),
        ("terraform.tfvars", "region      = \"eu-west-1\"\ndb_password = \"Pr0d-Db-Passw0rd!\"\n"),
        ("prod.auto.tfvars", "github_token = \"ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5\"\n"),
    ]);
    let f = lint(d.path());
    assert_eq!(codes(&f), vec![("var.github_token".to_owned(), "NHI111"), ("var.db_password".to_owned(), "NHI112")]);
    assert!(f[1].path.ends_with("terraform.tfvars"));
}

#[test]
fn module_calls_with_for_each_are_run_per_instance_and_intrinsic_findings_stay_in_the_module() {
    let d = tree(&[
        (
            "main.tf",
            r#"
locals {
  roles = {
    reader = { actions = ["s3:GetObject"] }
    admin  = { actions = ["*"] }
  }
}
module "role" {
  source   = "./mod"
  for_each = local.roles
  actions  = each.value.actions
}
"#,
        ),
        (
            "mod/main.tf",
            r#"
variable "actions" {
  type = list(string)
}
resource "aws_iam_access_key" "k" {
  user = "ci"
}
data "aws_iam_policy_document" "this" {
  statement {
    actions   = var.actions
    resources = ["arn:aws:s3:::b-*/*"]
  }
}
"#,
        ),
    ]);
    let f = lint(d.path());
    // The broad instance comes from the map of inputs: reported on the call. The access key is
    // the module's own: reported in the module, once.
    assert_eq!(codes(&f), vec![("module.role".to_owned(), "NHI201"), ("aws_iam_access_key.k".to_owned(), "NHI101")]);
    assert!(f[1].path.ends_with("main.tf") && f[1].path.contains("mod"), "{}", f[1].path);
}

#[test]
fn a_null_default_is_the_callers_choice() {
    let d = tree(&[
        (
            "main.tf",
            r#"
module "vault" {
  source = "./secret"
  for_each = {
    db  = { name = "db", expiration_date = "2026-07-01T00:00:00Z" }
    api = { name = "api" }
  }
  name            = each.value.name
  expiration_date = each.value.expiration_date
}
"#,
        ),
        (
            "secret/main.tf",
            r#"
variable "name" {
  type = string
}
variable "expiration_date" {
  type    = string
  default = null
}
resource "azurerm_key_vault_secret" "this" {
  name            = var.name
  value           = random_password.p.result
  key_vault_id    = "kv"
  expiration_date = var.expiration_date
}
"#,
        ),
    ]);
    let f = lint(d.path());
    // On its own the module leaves the expiry to its callers: nothing there. The `api`
    // instance leaves it out (an optional attribute not given is null): found on the call.
    assert_eq!(codes(&f), vec![("module.vault".to_owned(), "NHI308")]);
    assert!(f[0].message.contains("never expires"), "{}", f[0].message);
}

#[test]
fn an_auth_role_without_ttls_is_fine_on_a_tuned_mount() {
    let role = "resource \"vault_jwt_auth_backend_role\" \"ci\" {\n  role_name      = \"ci\"\n  token_policies = [\"ci\"]\n}\n";
    let d = tree(&[("main.tf", role)]);
    assert_eq!(codes(&lint(d.path())), vec![("vault_jwt_auth_backend_role.ci".to_owned(), "NHI317")]);
    let tuned = format!(
        "{role}resource \"vault_jwt_auth_backend\" \"gitlab\" {{\n  path = \"jwt\"\n  tune {{\n    default_lease_ttl = \"15m\"\n    max_lease_ttl     = \"1h\"\n  }}\n}}\n"
    );
    let d = tree(&[("main.tf", &tuned)]);
    assert!(codes(&lint(d.path())).iter().all(|(_, c)| *c != "NHI317"));
}

#[test]
fn modules_downloaded_by_terraform_init_are_followed_from_their_calls() {
    let manifest = r#"{"Modules":[
        {"Key":"","Source":"","Dir":"."},
        {"Key":"iam","Source":"registry.terraform.io/acme/iam/aws","Version":"5.0.0","Dir":".terraform/modules/iam"},
        {"Key":"iam.inner","Source":"./modules/inner","Dir":".terraform/modules/iam/modules/inner"},
        {"Key":"keys","Source":"git::https://example.com/keys.git","Dir":".terraform/modules/keys"},
        {"Key":"gone","Source":"acme/gone/aws","Version":"1.0.0","Dir":".terraform/modules/gone"}
    ]}"#;
    let root = r#"module "iam" {
  source     = "acme/iam/aws"
  version    = "5.0.0"
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

module "keys" {
  source = "git::https://example.com/keys.git"
}

module "gone" {
  source = "acme/gone/aws"
}
"#;
    let iam = r#"variable "policy_arn" {
  default = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
resource "aws_iam_role_policy_attachment" "this" {
  role       = "ci"
  policy_arn = var.policy_arn
}
module "inner" {
  source = "./modules/inner"
}
"#;
    let key = "resource \"aws_iam_access_key\" \"k\" {\n  user = \"ci\"\n}\n";
    let d = tree(&[
        ("main.tf", root),
        (".terraform/modules/modules.json", manifest),
        (".terraform/modules/iam/main.tf", iam),
        (".terraform/modules/iam/modules/inner/main.tf", key),
        (".terraform/modules/keys/main.tf", key),
    ]);
    let found = lint(d.path());
    let at = |code: &str, address: &str| {
        found
            .iter()
            .find(|f| f.code == code && f.address == address)
            .unwrap_or_else(|| panic!("{code} {address}: {found:#?}"))
    };
    // The caller's input makes the downloaded module's attachment an admin grant: on the input.
    let admin = at("NHI205", "module.iam");
    assert!(admin.path.ends_with("main.tf") && !admin.path.contains(".terraform"), "{admin:?}");
    assert_eq!(admin.start.unwrap().line, 4);
    assert!(admin.message.contains("AdministratorAccess"), "{}", admin.message);
    assert_eq!(found.iter().filter(|f| f.code == "NHI205").count(), 1, "{found:#?}");
    // What a downloaded module has whatever it is given lands on its call, in the caller's file.
    let keys = at("NHI101", "module.keys");
    assert!(keys.path.ends_with("main.tf") && !keys.path.contains(".terraform"), "{keys:?}");
    assert_eq!(keys.start.unwrap().line, 7);
    assert!(keys.message.contains("as downloaded by `terraform init`"), "{}", keys.message);
    // A local module of a downloaded one too.
    let inner = at("NHI101", "module.iam");
    assert_eq!(inner.start.unwrap().line, 1);
    // Nothing is reported inside .terraform/, and a listed module that is not on disk is skipped.
    assert!(found.iter().all(|f| !f.path.contains(".terraform")), "{found:#?}");
    assert!(found.iter().all(|f| f.address != "module.gone"));
    // Without the manifest the calls are unknown: only what their inputs say (an
    // administrator policy handed to a module is attached by it).
    std::fs::remove_file(d.path().join(".terraform/modules/modules.json")).unwrap();
    let unknown: Vec<(String, &str)> = lint(d.path())
        .iter()
        .filter(|f| f.address.starts_with("module."))
        .map(|f| (f.address.clone(), f.code))
        .collect();
    assert_eq!(unknown, vec![("module.iam".to_owned(), "NHI205")]);
}

#[test]
fn a_collection_a_module_walks_is_not_a_switch_for_its_credential() {
    let d = tree(&[
        (
            "main.tf",
            r#"
module "tokens" {
  source       = "./project"
  environments = ["dev", "prod"]
}
"#,
        ),
        (
            "project/main.tf",
            r#"
variable "environments" {
  type    = list(string)
  default = ["prod"]
}
resource "doppler_service_token" "this" {
  for_each = toset(var.environments)
  project  = "app"
  config   = each.value
  name     = "ci"
  access   = "read"
}
"#,
        ),
    ]);
    let f = lint(d.path());
    // The token is the module's own (its default already makes one): reported in the module
    // only. Naming more environments says how many, not whether.
    assert_eq!(codes(&f), vec![("doppler_service_token.this".to_owned(), "NHI117")]);
}

#[test]
fn a_call_that_switches_on_a_module_credential_is_reported_at_the_switch() {
    let d = tree(&[
        (
            "main.tf",
            r#"
module "default_on" {
  source = "./user"
}
module "switched_on" {
  source            = "./user"
  create_access_key = true
}
module "switched_off" {
  source            = "./user"
  create_access_key = false
}
"#,
        ),
        (
            "user/main.tf",
            r#"
variable "create_access_key" {
  type    = bool
  default = true
}
resource "aws_iam_access_key" "this" {
  count = var.create_access_key ? 1 : 0
  user  = "ci"
}
"#,
        ),
    ]);
    let f = lint(d.path());
    // The module has the key on its own (default on): reported in the module, once. The call
    // that turns it on explicitly is where that decision is made: reported at that input too.
    // The call that keeps the default made the same decision by saying nothing: reported at
    // its header. The call that turns it off gets nothing.
    assert_eq!(
        codes(&f),
        vec![
            ("module.default_on".to_owned(), "NHI101"),
            ("module.switched_on".to_owned(), "NHI101"),
            ("aws_iam_access_key.this".to_owned(), "NHI101")
        ]
    );
    assert_eq!(f[0].start.as_ref().map(|p| (p.line, p.column)), Some((2, 1)), "{:?}", f[0]);
    assert!(
        f[0].message.contains("from the default of its var.create_access_key, which this call keeps"),
        "{}",
        f[0].message
    );
    let at = f[1].start.as_ref().map(|p| (p.line, p.column));
    assert_eq!(at, Some((7, 23)), "at `create_access_key = true`: {:?}", f[1]);
    assert!(f[1].message.contains("in module `switched_on`'s `aws_iam_access_key.this`"), "{}", f[1].message);
}

#[test]
fn variable_files_below_a_root_are_judged_with_it_and_reported_where_they_set_the_value() {
    let root = r#"
variable "cd_roles" {
  type = object({ subscription = list(string), resource_groups = map(list(string)) })
}
variable "ci_roles" {
  type = object({ subscription = list(string) })
}
variable "reviewers" {
  type = list(string)
}

module "identity_cd" {
  source = "github.com/example/terraform-azurerm-modules//federated_identity?ref=v1.2.3"
  rbac_roles = {
    subscription_roles = var.cd_roles.subscription
    resource_groups    = var.cd_roles.resource_groups
  }
}

module "identity_ci" {
  source = "github.com/example/terraform-azurerm-modules//federated_identity?ref=v1.2.3"
  rbac_roles = { subscription_roles = var.ci_roles.subscription }
}

resource "google_project_iam_member" "reviewers" {
  for_each = toset(var.reviewers)
  project  = "p"
  role     = each.value
  member   = "serviceAccount:ci@p.iam.gserviceaccount.com"
}
"#;
    let prod = r#"
cd_roles = {
  subscription    = ["Contributor"]
  resource_groups = { app-rg = ["Owner"] }
}
ci_roles = { subscription = ["Reader"] }
reviewers = ["roles/viewer"]
"#;
    let dev = "cd_roles = { subscription = [\"Reader\"], resource_groups = {} }\nci_roles = { subscription = [\"Reader\"] }\nreviewers = [\"roles/editor\"]\n";
    // A directory of .tfvars whose names the root does not declare is someone else's.
    let stray = "unrelated = [\"Contributor\"]\n";
    let d = tree(&[
        ("infra/main.tf", root),
        ("infra/env/prod/terraform.tfvars", prod),
        ("infra/env/dev/terraform.tfvars", dev),
        ("infra/other/terraform.tfvars", stray),
    ]);
    let f = lint(d.path());
    let got: Vec<(String, &str, usize)> = f
        .iter()
        .map(|f| {
            let root = format!("{}/", d.path().display());
            let rel = f.path.strip_prefix(root.as_str()).unwrap_or(&f.path).to_owned();
            (rel, f.code, f.start.map_or(0, |p| p.line))
        })
        .collect();
    assert_eq!(
        got,
        [
            ("infra/env/dev/terraform.tfvars".to_owned(), "NHI206", 3),
            ("infra/env/prod/terraform.tfvars".to_owned(), "NHI210", 2)
        ],
        "{f:#?}"
    );
    let prod_finding = &f[1];
    assert!(
        prod_finding.message.starts_with(
            "Contributor assigned at subscription scope through module input `rbac_roles.subscription_roles`"
        ),
        "{}",
        prod_finding.message
    );
    assert!(
        prod_finding.message.contains("var.cd_roles, set here, reaches `module.identity_cd` in main.tf"),
        "{}",
        prod_finding.message
    );
}

#[test]
fn a_module_output_that_returns_a_credential_is_reported_where_a_caller_passes_it_on() {
    let module = r#"
resource "google_service_account_key" "key" {
  service_account_id = "projects/p/serviceAccounts/ci@p.iam.gserviceaccount.com"
}
output "private_key" {
  value     = base64decode(google_service_account_key.key.private_key)
  sensitive = true
}
output "id" {
  value = base64decode(google_service_account_key.key.private_key)
}
output "name" {
  value = google_service_account_key.key.name
}
"#;
    let root = r#"
module "sa" {
  source = "./modules/sa"
}
output "sa_id" {
  value = module.sa.id
}
output "sa_private_key" {
  value     = module.sa.private_key
  sensitive = true
}
output "sa_name" {
  value = module.sa.name
}
"#;
    let d = tree(&[("main.tf", root), ("modules/sa/main.tf", module)]);
    let got: Vec<(String, usize)> = lint(d.path())
        .iter()
        .filter(|f| f.code == "NHI116")
        .map(|f| (f.address.clone(), f.start.map_or(0, |p| p.line)))
        .collect();
    assert_eq!(got, [("output.sa_id".to_owned(), 6), ("output.id".to_owned(), 10)], "{got:?}");
}

#[test]
fn the_id_of_a_credential_object_a_module_returns_is_not_the_credential() {
    let module = r#"
resource "confluent_api_key" "cluster" {
  display_name = "app"
}
output "cluster_key" {
  value = confluent_api_key.cluster
}
"#;
    let root = r#"
module "key" {
  source = "./modules/key"
}
output "key_id" {
  value = module.key.cluster_key.id
}
output "key" {
  value = module.key.cluster_key
}
"#;
    let d = tree(&[("main.tf", root), ("modules/key/main.tf", module)]);
    let got: Vec<String> = lint(d.path())
        .iter()
        .filter(|f| f.code == "NHI116" && !f.path.contains("modules"))
        .map(|f| f.address.clone())
        .collect();
    assert_eq!(got, ["output.key"], "{got:?}");
}

#[test]
fn a_loaded_module_output_named_for_a_secret_is_judged_by_its_value() {
    let module = r#"
resource "aws_iam_user" "u" {
  name = "ci"
}
resource "aws_iam_access_key" "k" {
  user    = aws_iam_user.u.name
  pgp_key = "keybase:ci"
}
output "access_key" {
  value = aws_iam_access_key.k.id
}
output "secret" {
  value = aws_iam_access_key.k.encrypted_secret
}
output "password" {
  value = local.password
}
locals {
  password = "x${aws_iam_user.u.name}"
}
"#;
    let root = r#"
module "ci" {
  source = "./modules/ci"
}
output "ci_access_key" {
  value = module.ci.access_key
}
output "ci_secret" {
  value = module.ci.secret
}
output "ci_password" {
  value = module.ci.password
}
output "other_token" {
  value = module.elsewhere.token
}
"#;
    let d = tree(&[("main.tf", root), ("modules/ci/main.tf", module)]);
    let got: Vec<String> = addresses(d.path(), "NHI116");
    // An id and a PGP-encrypted secret are not secrets whatever the output is called; an
    // output whose value says nothing either way, and one of a module not here, go by name.
    assert_eq!(got, ["output.ci_password", "output.other_token"], "{got:?}");
}

#[test]
fn an_encrypted_secret_passed_up_through_two_modules_is_not_a_credential() {
    let user = r#"
resource "aws_iam_access_key" "k" {
  user    = "ci"
  pgp_key = "keybase:ci"
}
output "user_secret" {
  value = aws_iam_access_key.k.encrypted_secret
}
"#;
    let federated = r#"
module "user" {
  source = "./user"
}
output "user_secret" {
  value = module.user.user_secret
}
"#;
    let root = r#"
module "federation" {
  source = "./federated"
}
output "federation_user_secret" {
  value = module.federation.user_secret
}
"#;
    let d = tree(&[("main.tf", root), ("federated/main.tf", federated), ("federated/user/main.tf", user)]);
    let got: Vec<String> = addresses(d.path(), "NHI116");
    assert!(got.is_empty(), "{got:?}");
}

/// The default of an optional attribute in a variable's object type is a default: a literal
/// password there is hard-coded; a format, a mode or an empty string is not.
#[test]
fn defaults_of_optional_attributes_in_a_variable_type_are_read() {
    let main = r#"
variable "bad_clusters" {
  type = map(object({
    shard_count   = optional(number, 2)
    root_password = optional(string, "percona-admin-7")
  }))
  default = { main = {} }
}
variable "ok_legacy_quoted_type_token" {
  type = "string"
}
variable "ok_settings" {
  type = object({
    private_key_format = optional(string, "der")
    http_tokens        = optional(string, "required")
    api_token          = optional(string, "")
    token_ttl          = optional(string, "1h")
  })
  default = {}
}
"#;
    let d = tree(&[("main.tf", main)]);
    let got: Vec<(String, usize)> = lint(d.path())
        .iter()
        .filter(|f| f.code == "NHI112")
        .map(|f| (f.address.clone(), f.start.map_or(0, |p| p.line)))
        .collect();
    assert_eq!(got, [("var.bad_clusters".to_owned(), 5)]);
    // A quoted type of Terraform 0.11 names a type, not a value.
    assert!(lint(d.path()).iter().all(|f| f.address != "var.ok_legacy_quoted_type_token"));
}

/// A kubeconfig returned by a registry module whose code is not here carries the cluster's client
/// key or token: written to a file, it is a credential on disk; where it is written is not.
#[test]
fn a_kubeconfig_output_of_a_remote_module_is_a_credential() {
    let main = r#"
module "k3s" {
  source  = "xunleii/k3s/module"
  version = "3.4.0"
}
resource "local_file" "bad_kubeconfig" {
  content  = module.k3s.kube_config
  filename = "${path.module}/config.yaml"
}
resource "local_file" "ok_path_only" {
  content  = module.k3s.kubeconfig_path
  filename = "${path.module}/where.txt"
}
"#;
    let d = tree(&[("main.tf", main)]);
    let got: Vec<String> = addresses(d.path(), "NHI119");
    assert_eq!(got, ["local_file.bad_kubeconfig"]);
}

/// A field of a credential-named input that switches, sizes or names it is not the credential;
/// the credential itself and its secret-named fields are.
#[test]
fn settings_of_a_credential_named_input_are_not_the_credential() {
    let main = r#"
variable "client_secret" {
  type = object({
    enabled       = optional(bool, false)
    rotation_days = optional(number, 730)
    value         = optional(string)
  })
  default = {}
}
variable "gitlab_token" {
  type = object({ arn = string, token = string })
}
output "ok_enabled" {
  value = var.client_secret.enabled
}
output "ok_rotation_days" {
  value = var.client_secret.rotation_days
}
output "ok_arn" {
  value = var.gitlab_token.arn
}
output "bad_value" {
  value = var.client_secret.value
}
output "bad_token" {
  value = var.gitlab_token.token
}
output "bad_whole" {
  value = var.client_secret
}
"#;
    let d = tree(&[("main.tf", main)]);
    let got: Vec<String> = addresses(d.path(), "NHI116");
    assert_eq!(got, ["output.bad_value", "output.bad_token", "output.bad_whole"]);
}

#[test]
fn a_cluster_admin_binding_in_a_heredoc_of_locals_is_found() {
    let main = "locals {\n  rbac = <<YAML\nkind: ClusterRoleBinding\nroleRef:\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n- kind: ServiceAccount\n  name: helm-controller\n  namespace: flux-system\nYAML\n  other = \"kind: RoleBinding but not YAML\"\n}\n";
    let d = tree(&[("main.tf", main)]);
    let got: Vec<(&str, String, usize)> =
        lint(d.path()).iter().map(|f| (f.code, f.address.clone(), f.start.map_or(0, |p| p.line))).collect();
    assert_eq!(got, [("NHI214", "locals".to_owned(), 2)], "{got:?}");
}

#[test]
fn a_flag_a_call_leaves_off_is_off_there_and_each_instance_keeps_its_own_expiry() {
    let d = tree(&[
        (
            "main.tf",
            r#"
module "project_only" {
  source = "./tokens"
  kind   = "project"
  tokens = { ci = { expires_at = "2028-01-01" } }
}
resource "gitlab_project_access_token" "short" {
  for_each     = { ci = "2026-07-01", release = "2026-08-01" }
  project      = "p"
  name         = each.key
  access_level = "developer"
  scopes       = ["read_api"]
  expires_at   = each.value
}
resource "gitlab_project_access_token" "one_long" {
  for_each     = { ci = "2026-07-01", release = "2028-01-01" }
  project      = "p"
  name         = each.key
  access_level = "developer"
  scopes       = ["read_api"]
  expires_at   = each.value
}
"#,
        ),
        (
            "tokens/main.tf",
            r#"
variable "kind" {
  type    = string
  default = "project"
}
variable "tokens" {
  type    = map(object({ expires_at = string }))
  default = {}
}
resource "gitlab_group_access_token" "this" {
  for_each     = var.kind == "group" ? var.tokens : {}
  group        = "g"
  name         = each.key
  access_level = "developer"
  scopes       = ["read_api"]
  expires_at   = each.value.expires_at
}
"#,
        ),
    ]);
    let found = lint(d.path());
    let f: Vec<(String, &'static str)> = codes(&found).into_iter().filter(|(_, c)| *c == "NHI108").collect();
    // Each instance's own expiry: two short-lived tokens are fine, one long-lived one is not.
    // On its own the module keeps the group token off by default: a conditional risk, in the
    // module only; `project_only` turns it off, so nothing is reported at that call.
    assert_eq!(
        f,
        vec![
            ("gitlab_project_access_token.one_long".to_owned(), "NHI108"),
            ("gitlab_group_access_token.this".to_owned(), "NHI108")
        ]
    );
    let module = found.iter().find(|x| x.address == "gitlab_group_access_token.this").unwrap();
    assert!(module.message.contains("conditional"), "{}", module.message);
}

#[test]
fn tfvars_json_files_are_scanned_and_feed_variables_in_terraforms_order() {
    let d = tree(&[
        (
            "main.tf",
            r#"
variable "role" {}
variable "db_password" {}
resource "google_project_iam_member" "m" {
  project = "p"
  role    = var.role
  member  = "serviceAccount:ci@p.iam.gserviceaccount.com"
}
"#,
        ),
        // terraform.tfvars first, then terraform.tfvars.json, then the auto files by name: the
        // last one wins.
        ("terraform.tfvars", "role = \"roles/viewer\"\n"),
        ("terraform.tfvars.json", "{\"role\": \"roles/logging.viewer\"}\n"),
        ("a.auto.tfvars.json", "{\n  \"role\": \"roles/owner\",\n  \"db_password\": \"Sup3r-S3cret-2024\"\n}\n"),
    ]);
    let f = lint(d.path());
    let found: Vec<(String, &'static str, usize)> = f
        .iter()
        .map(|x| (x.path.rsplit('/').next().unwrap().to_owned(), x.code, x.start.map_or(0, |p| p.line)))
        .collect();
    assert!(found.contains(&("main.tf".to_owned(), "NHI206", 6)), "{found:?}");
    assert!(found.contains(&("a.auto.tfvars.json".to_owned(), "NHI112", 3)), "{found:?}");
}

#[test]
fn blocks_with_one_address_are_reported_each() {
    // Scanner fixtures and copy-pasted configurations repeat an address in one file: each
    // block is its own finding.
    let d = tree(&[(
        "main.tf",
        r#"
provider "aws" {
  region     = "us-west-2"
  secret_key = "randomcharactersabcdef"
}

provider "aws" {
  region     = "us-west-2"
  secret_key = "othercharactersabcdef"
}
"#,
    )]);
    let lines: Vec<usize> =
        lint(d.path()).iter().filter(|f| f.code == "NHI112").map(|f| f.start.map_or(0, |p| p.line)).collect();
    assert_eq!(lines, vec![4, 9]);
}

#[test]
fn an_owner_like_custom_role_at_a_subscription_is_reported_whoever_holds_it() {
    let d = tree(&[(
        "main.tf",
        r#"
data "azurerm_subscription" "current" {}
resource "azurerm_role_definition" "grantor" {
  name  = "grantor"
  scope = data.azurerm_subscription.current.id
  permissions {
    actions = ["Microsoft.Authorization/roleAssignments/write"]
  }
}
resource "azuread_group" "engineers" {
  display_name = "engineers"
}
resource "azurerm_role_assignment" "engineers_subscription" {
  scope              = data.azurerm_subscription.current.id
  role_definition_id = azurerm_role_definition.grantor.role_definition_resource_id
  principal_id       = azuread_group.engineers.object_id
}
resource "azurerm_role_assignment" "engineers_group" {
  scope              = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/app"
  role_definition_id = azurerm_role_definition.grantor.role_definition_resource_id
  principal_id       = azuread_group.engineers.object_id
}
"#,
    )]);
    let got = codes(&lint(d.path()));
    // As the built-in Owner is reported at a subscription whoever holds it, so is a custom role
    // that can grant itself Owner; on a resource group, a person's grant is left to the role.
    assert!(got.contains(&("azurerm_role_assignment.engineers_subscription".to_owned(), "NHI211")), "{got:?}");
    assert!(!got.iter().any(|(a, _)| a == "azurerm_role_assignment.engineers_group"), "{got:?}");
}

#[test]
fn a_broad_definition_is_reported_where_it_reaches_a_non_human_identity() {
    let d = tree(&[(
        "main.tf",
        r#"
data "aws_iam_policy_document" "admin" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "admin" {
  policy = data.aws_iam_policy_document.admin.json
}
resource "aws_iam_role_policy_attachment" "ci" {
  role       = "ci"
  policy_arn = aws_iam_policy.admin.arn
}
resource "aws_ssoadmin_permission_set_inline_policy" "admins" {
  inline_policy      = data.aws_iam_policy_document.admin.json
  instance_arn       = "arn:aws:sso:::instance/ssoins-1"
  permission_set_arn = "arn:aws:sso:::permissionSet/ssoins-1/ps-1"
}
resource "aws_iam_role" "deploy" {
  name               = "deploy"
  assume_role_policy = "{}"
  inline_policy {
    name   = "all"
    policy = data.aws_iam_policy_document.admin.json
  }
}
data "vault_policy_document" "root_like" {
  rule {
    path         = "*"
    capabilities = ["sudo", "read"]
  }
}
resource "vault_policy" "root_like" {
  name   = "root-like"
  policy = data.vault_policy_document.root_like.hcl
}
resource "vault_jwt_auth_backend_role" "ci" {
  role_name       = "ci"
  user_claim      = "sub"
  bound_audiences = ["https://github.com/acme"]
  bound_claims    = { repository = "acme/app" }
  token_policies  = ["root-like"]
  token_ttl       = 300
  token_max_ttl   = 600
}
resource "vault_ldap_auth_backend_group" "admins" {
  groupname = "admins"
  policies  = [vault_policy.root_like.name]
}
resource "google_project_iam_custom_role" "setter" {
  role_id     = "setter"
  title       = "setter"
  permissions = ["resourcemanager.projects.setIamPolicy"]
}
resource "google_project_iam_member" "bot" {
  project = "p"
  role    = google_project_iam_custom_role.setter.id
  member  = "serviceAccount:bot@p.iam.gserviceaccount.com"
}
resource "google_project_iam_member" "person" {
  project = "p"
  role    = google_project_iam_custom_role.setter.id
  member  = "user:alice@example.com"
}
resource "google_project_iam_member" "only_viewer" {
  project = "p"
  role    = google_project_iam_custom_role.setter.id
  member  = "serviceAccount:bot@p.iam.gserviceaccount.com"
  condition {
    title      = "viewer only"
    expression = "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['roles/viewer'])"
  }
}
module "workspace" {
  source   = "./workspace"
  policies = [vault_policy.root_like.name]
}
"#,
    )]);
    let f = lint(d.path());
    let got: Vec<(String, &str)> = codes(&f);
    for want in [
        ("aws_iam_role_policy_attachment.ci", "NHI201"),
        ("aws_iam_role.deploy", "NHI201"),
        ("aws_ssoadmin_permission_set_inline_policy.admins", "NHI201"),
        ("aws_iam_policy.admin", "NHI201"),
        ("vault_policy.root_like", "NHI212"),
        ("google_project_iam_member.bot", "NHI236"),
        ("module.workspace", "NHI212"),
    ] {
        assert!(got.contains(&(want.0.to_owned(), want.1)), "{want:?} missing from {got:?}");
    }
    // A block with a scope finding of its own (the JWT role trusts a wide claim) carries the
    // grant in that finding's message: one finding for the block.
    let role: Vec<&Finding> = f.iter().filter(|x| x.address == "vault_jwt_auth_backend_role.ci").collect();
    assert_eq!(role.len(), 1, "{role:#?}");
    assert!(role[0].message.contains("; also grants `vault_policy.root_like`"), "{}", role[0].message);
    // A person's grant and a conditional grant are not reported again; each grant is reported
    // once.
    for quiet in [
        "vault_ldap_auth_backend_group.admins",
        "google_project_iam_member.person",
        "google_project_iam_member.only_viewer",
    ] {
        assert!(!got.iter().any(|(a, _)| a == quiet), "{quiet} reported: {got:?}");
    }
    assert_eq!(got.iter().filter(|(a, _)| a == "aws_iam_role_policy_attachment.ci").count(), 1, "{got:?}");
    let attachment = f.iter().find(|x| x.address == "aws_iam_role_policy_attachment.ci").unwrap();
    assert!(
        attachment
            .message
            .contains("`aws_iam_policy.admin`, the policy written in `data.aws_iam_policy_document.admin`"),
        "{}",
        attachment.message
    );
    assert_eq!(attachment.start.unwrap().line, 13, "at the `policy_arn` that grants it");
}

#[test]
fn a_for_each_behind_a_feature_flag_is_judged_on_the_instances_it_declares() {
    let d = tree(&[(
        "main.tf",
        r#"
variable "hub" {
  type    = bool
  default = false
}
locals {
  hub_roles = ["roles/compute.networkViewer", "roles/resourcemanager.projectIamAdmin"]
}
resource "google_project_iam_member" "network" {
  for_each = toset(var.hub ? local.hub_roles : [])
  project  = "hub"
  role     = each.key
  member   = "serviceAccount:net@p.iam.gserviceaccount.com"
}
"#,
    )]);
    let f = lint(d.path());
    assert_eq!(codes(&f), vec![("google_project_iam_member.network".to_owned(), "NHI207")]);
    assert!(f[0].message.contains("projectIamAdmin") && f[0].message.contains("conditional"), "{}", f[0].message);
}

#[test]
fn try_falls_back_on_a_missing_attribute_and_lookups_echo_their_name() {
    let d = tree(&[
        (
            "main.tf",
            r#"
module "admins" {
  source   = "./rbac"
  for_each = { "cluster-admin" = { reuse = true, subjects = [{ kind = "ServiceAccount", name = "deployer" }] } }
  reuse    = try(each.value.reuse, false)
  name     = try(each.value.role_name, each.key)
  subjects = try(each.value.subjects, [])
}
"#,
        ),
        (
            "rbac/main.tf",
            r#"
variable "reuse" {}
variable "name" {}
variable "subjects" {}
data "kubernetes_resource" "existing" {
  count       = var.reuse ? 1 : 0
  api_version = "rbac.authorization.k8s.io/v1"
  kind        = "ClusterRole"
  metadata {
    name = var.name
  }
}
resource "kubernetes_cluster_role_binding_v1" "this" {
  metadata {
    name = "binding"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = var.reuse ? data.kubernetes_resource.existing[0].object.metadata.name : "custom"
  }
  dynamic "subject" {
    for_each = var.subjects
    content {
      kind = subject.value.kind
      name = subject.value.name
    }
  }
}
"#,
        ),
    ]);
    let f = lint(d.path());
    // `each.value.role_name` does not exist, so `try` gives the key, "cluster-admin"; the data
    // source that looks the role up by that name returns it under the same name.
    assert_eq!(codes(&f), vec![("module.admins".to_owned(), "NHI214")], "{f:#?}");
}

#[test]
fn a_backend_that_signs_in_with_a_key_file_is_reported_on_the_terraform_block() {
    let d = tree(&[(
        "main.tf",
        r#"
terraform {
  backend "gcs" {
    bucket      = "state"
    credentials = "secrets/terraform-state-sa.json"
  }
}
"#,
    )]);
    let f = lint(d.path());
    assert_eq!(codes(&f), vec![("terraform".to_owned(), "NHI102")]);
    assert!(f[0].message.contains("gcs backend"), "{}", f[0].message);
    // The operator's own key under `~`, or another backend's settings, are not findings.
    let d = tree(&[(
        "main.tf",
        r#"
terraform {
  backend "gcs" {
    bucket      = "state"
    credentials = "~/.config/gcloud/state.json"
  }
}
"#,
    )]);
    assert!(lint(d.path()).is_empty());
}

#[test]
fn a_call_that_keeps_a_slow_rotation_default_is_reported_on_the_call() {
    let d = tree(&[
        (
            "main.tf",
            r#"
module "keeps" {
  source = "./modules/sp"
}
module "overrides" {
  source        = "./modules/sp"
  rotation_days = 30
}
"#,
        ),
        (
            "modules/sp/main.tf",
            r#"
variable "rotation_days" {
  type    = number
  default = 365
}
resource "time_rotating" "password" {
  rotation_days = var.rotation_days
}
resource "azuread_service_principal_password" "sp" {
  service_principal_id = "sp"
  rotate_when_changed  = { rotation = time_rotating.password.id }
}
"#,
        ),
    ]);
    let f = lint(d.path());
    // The rotation schedule the password reads takes its period from a variable: the call
    // that keeps the yearly default is where it would be shortened.
    let found = codes(&f);
    assert!(found.contains(&("module.keeps".to_owned(), "NHI323")), "{found:?}");
    assert!(found.contains(&("azuread_service_principal_password.sp".to_owned(), "NHI323")), "{found:?}");
    assert!(!found.iter().any(|(a, _)| a == "module.overrides"), "{found:?}");
    let on_call = f.iter().find(|x| x.address == "module.keeps").unwrap();
    assert!(
        on_call.message.contains("from the default of its var.rotation_days, which this call keeps"),
        "{}",
        on_call.message
    );
}

#[test]
fn roles_written_with_an_unknown_project_are_read_through_a_wrapper_module() {
    // A local wrapper passes `project_roles` on to the registry module; the roles are written
    // in the wrapper's caller, each behind a project that is not known here.
    let d = tree(&[
        (
            "accounts/compute/main.tf",
            r#"
variable "project" {
  type = string
}
module "service_account" {
  source     = "../../modules/sa_with_key"
  project_id = var.project
  project_roles = [
    "${var.project}=>roles/compute.instanceAdmin.v1",
    "${var.project}=>roles/iam.serviceAccountUser",
  ]
}
module "viewer" {
  source        = "../../modules/sa_with_key"
  project_id    = var.project
  project_roles = ["${var.project}=>roles/compute.viewer"]
}
"#,
        ),
        (
            "modules/sa_with_key/main.tf",
            r#"
variable "project_id" {
  type = string
}
variable "project_roles" {
  type    = list(string)
  default = []
}
module "service_account" {
  source        = "terraform-google-modules/service-accounts/google"
  version       = "~> 4.0"
  project_id    = var.project_id
  names         = ["runner"]
  project_roles = var.project_roles
}
"#,
        ),
    ]);
    let f = lint(d.path());
    let impersonation: Vec<_> = f.iter().filter(|f| f.code == "NHI207").collect();
    assert_eq!(impersonation.len(), 1, "{:?}", codes(&f));
    // Reported where the role is written, not on the wrapper's registry call.
    assert_eq!(impersonation[0].address, "module.service_account");
    assert!(impersonation[0].path.ends_with("accounts/compute/main.tf"), "{}", impersonation[0].path);
    assert!(!f.iter().any(|f| f.address == "module.viewer"), "{:?}", codes(&f));
}

#[test]
fn a_module_input_built_from_unknown_values_keeps_its_shape() {
    let d = tree(&[
        (
            "main.tf",
            r#"
variable "org" {
  type = string
}
variable "repo" {
  type = string
}
module "pull_requests" {
  source  = "./modules/federated"
  subject = "repo:${var.org}/${var.repo}:pull_request"
}
module "production" {
  source  = "./modules/federated"
  subject = "repo:${var.org}/${var.repo}:environment:production"
}
"#,
        ),
        (
            "modules/federated/main.tf",
            r#"
variable "subject" {
  type = string
}
resource "azurerm_federated_identity_credential" "this" {
  name                = "gha"
  resource_group_name = "rg"
  audience            = ["api://AzureADTokenExchange"]
  issuer              = "https://token.actions.githubusercontent.com"
  parent_id           = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ci"
  subject             = var.subject
}
"#,
        ),
    ]);
    let f = lint(d.path());
    let found = codes(&f);
    // The call's subject is not known as a whole (the repository is a variable), but what it
    // admits is: every pull request. The environment-bound one admits one environment.
    assert!(found.contains(&("module.pull_requests".to_owned(), "NHI229")), "{found:?}");
    assert!(!found.iter().any(|(a, c)| a == "module.production" && *c == "NHI229"), "{found:?}");
}

#[test]
fn keeping_a_module_wide_switch_on_is_not_a_decision_about_its_key() {
    let d = tree(&[
        (
            "examples/default/main.tf",
            r#"
module "defaults" {
  source = "../.."
}
"#,
        ),
        (
            "main.tf",
            r#"
variable "create" {
  type    = bool
  default = true
}
variable "create_key" {
  type    = bool
  default = true
}
resource "google_service_account" "this" {
  count      = var.create ? 1 : 0
  account_id = "integration"
}
resource "google_service_account_key" "this" {
  count              = var.create && var.create_key ? 1 : 0
  service_account_id = google_service_account.this[0].name
}
resource "google_project_iam_member" "this" {
  count   = var.create ? 1 : 0
  project = "p"
  role    = "roles/viewer"
  member  = "serviceAccount:${google_service_account.this[0].email}"
}
"#,
        ),
    ]);
    let f = lint(d.path());
    let found = codes(&f);
    // The key is the module's own finding; the call that keeps `create_key` (a switch of the
    // key alone) decides to have it, and is told so through that variable, not `create`
    // (which turns the whole module on).
    assert!(found.contains(&("google_service_account_key.this".to_owned(), "NHI102")), "{found:?}");
    let on_call =
        f.iter().find(|x| x.address == "module.defaults" && x.code == "NHI102").expect("reported on the call");
    assert!(on_call.message.contains("var.create_key, which this call keeps"), "{}", on_call.message);
}

#[test]
fn a_call_that_keeps_a_risky_default_of_its_module_is_reported_on_the_call() {
    let d = tree(&[
        (
            "examples/complete/main.tf",
            r#"
module "keeps" {
  source     = "../.."
  project_id = "p"
}
module "overrides" {
  source     = "../.."
  project_id = "p"
  roles      = ["roles/logging.logWriter"]
}
"#,
        ),
        (
            "main.tf",
            r#"
variable "project_id" {
  type = string
}
variable "roles" {
  type    = list(string)
  default = ["roles/editor"]
}
locals {
  all_roles = toset(concat(var.roles, []))
}
resource "google_service_account" "ci" {
  account_id = "ci"
}
resource "google_project_iam_member" "ci" {
  for_each = local.all_roles
  project  = var.project_id
  role     = each.value
  member   = "serviceAccount:${google_service_account.ci.email}"
}
"#,
        ),
    ]);
    let f = lint(d.path());
    // The module's default role list reaches the grant through a local: the module has the
    // finding on its own, and the example that keeps the default has it too; the one that
    // passes its own roles does not.
    let found = codes(&f);
    assert!(found.contains(&("module.keeps".to_owned(), "NHI206")), "{found:?}");
    assert!(found.contains(&("google_project_iam_member.ci".to_owned(), "NHI206")), "{found:?}");
    assert!(!found.iter().any(|(a, _)| a == "module.overrides"), "{found:?}");
    let on_call = f.iter().find(|x| x.address == "module.keeps").unwrap();
    assert!(
        on_call.message.contains("from the default of its var.roles, which this call keeps"),
        "{}",
        on_call.message
    );
}

#[test]
fn a_kept_default_that_does_not_reach_the_credential_is_not_blamed_on_the_call() {
    let d = tree(&[
        (
            "examples/complete/main.tf",
            r##"
module "runner" {
  source = "../.."
  token  = var.token
}
variable "token" {
  type      = string
  sensitive = true
}
"##,
        ),
        (
            "main.tf",
            r##"
variable "token" {
  type = string
}
variable "cpus" {
  type    = number
  default = 2
}
variable "roles" {
  type    = list(string)
  default = ["roles/editor"]
}
resource "aws_instance" "runner" {
  ami           = "ami-123"
  instance_type = "t3.small"
  user_data     = "#!/bin/sh\nrun --cpus ${var.cpus} --token ${var.token} --roles ${join(",", var.roles)}\n"
}
"##,
        ),
    ]);
    let f = lint(d.path());
    // The module writes its token into user data on its own. The call passes the token from
    // its own variable and keeps `cpus` and `roles` at their defaults; neither of them is
    // what makes the value a finding, so the call is not blamed for keeping them.
    let found = codes(&f);
    assert!(found.contains(&("aws_instance.runner".to_owned(), "NHI122")), "{found:?}");
    assert!(!found.iter().any(|(a, _)| a == "module.runner"), "{f:#?}");
}

#[test]
fn file_paths_in_a_child_module_resolve_against_the_root_directory_too() {
    // Terraform resolves a relative `file()` path against the directory it runs in: a module
    // at modules/users/admin that reads "modules/users/admin/policy.hcl" means the root's.
    let policy =
        "path \"*\" {\n  capabilities = [\"create\", \"read\", \"update\", \"delete\", \"list\", \"sudo\"]\n}\n";
    let d = tree(&[
        ("main.tf", "module \"admin\" {\n  source = \"./modules/users/admin\"\n}\n"),
        (
            "modules/users/admin/main.tf",
            "resource \"vault_policy\" \"admin\" {\n  name   = \"admin\"\n  policy = file(\"modules/users/admin/policy.hcl\")\n}\n",
        ),
        ("modules/users/admin/policy.hcl", policy),
        // A bare file name is the module's own or nothing: the root's `policy.hcl` is not it.
        (
            "modules/users/reader/main.tf",
            "resource \"vault_policy\" \"reader\" {\n  name   = \"reader\"\n  policy = file(\"policy.hcl\")\n}\n",
        ),
        ("policy.hcl", policy),
    ]);
    let found = codes(&lint(d.path()));
    assert!(found.iter().any(|(a, c)| a.ends_with("vault_policy.admin") && *c == "NHI212"), "{found:?}");
    assert!(!found.iter().any(|(a, _)| a.contains("vault_policy.reader")), "{found:?}");
}

#[test]
fn a_git_source_into_the_repository_being_linted_is_followed_like_a_local_one() {
    // The checkout's directory is named after the repository the source points into.
    let d = tree(&[
        (
            "infra/main.tf",
            r#"
module "own" {
  source  = "git::https://github.com/acme/infra.git//modules/policy?ref=main"
  actions = ["iam:*"]
}
module "elsewhere" {
  source  = "git::https://github.com/other/shared.git//modules/policy?ref=main"
  actions = ["iam:*"]
}
module "climbs_out" {
  source  = "git::https://github.com/acme/infra.git//../outside/policy?ref=main"
  actions = ["iam:*"]
}
"#,
        ),
        ("infra/modules/policy/main.tf", POLICY_OF_ITS_ACTIONS),
        ("outside/policy/main.tf", POLICY_OF_ITS_ACTIONS),
    ]);
    let f: Vec<Finding> = lint(&d.path().join("infra")).into_iter().filter(|x| x.code == "NHI201").collect();
    // Only the call into this repository is run with what it passes; the other repository's
    // code is not here, and a path that climbs out of the repository names none of it.
    assert_eq!(codes(&f), vec![("module.own".to_owned(), "NHI201")], "{f:#?}");
}

#[test]
fn a_credential_returned_through_two_modules_is_known_to_the_root() {
    let d = tree(&[
        (
            "main.tf",
            r#"
module "platform" {
  source = "./platform"
}
output "database" {
  value = module.platform.database
}
"#,
        ),
        (
            "platform/main.tf",
            r#"
module "db" {
  source = "../db"
}
output "database" {
  value = module.db.account
}
"#,
        ),
        (
            "db/main.tf",
            r#"
resource "azurerm_cosmosdb_account" "db" {
  name = "db"
}
output "account" {
  value = azurerm_cosmosdb_account.db.primary_key
}
"#,
        ),
    ]);
    // Names that do not say so: the root's output returns the key through two calls.
    let f: Vec<Finding> = lint(d.path()).into_iter().filter(|x| x.code == "NHI116").collect();
    let root = d.path().join("main.tf").display().to_string();
    assert!(f.iter().any(|x| x.path == root && x.address == "output.database"), "{f:#?}");
}

#[test]
fn a_finding_about_a_whole_block_of_a_called_module_stays_on_the_call() {
    // The secret is never rotated with what this call leaves at the defaults; the name it
    // passes from a variable default has nothing to do with it.
    let d = tree(&[
        (
            "main.tf",
            r#"
variable "name" {
  default = "app-secret"
}
module "secret" {
  source = "./secret"
  name   = var.name
}
"#,
        ),
        (
            "secret/main.tf",
            r#"
variable "name" {
  type = string
}
variable "rotate" {
  type    = bool
  default = false
}
resource "aws_secretsmanager_secret" "this" {
  name = var.name
}
resource "aws_secretsmanager_secret_rotation" "this" {
  count               = var.rotate ? 1 : 0
  secret_id           = aws_secretsmanager_secret.this.id
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"
  rotation_rules {
    automatically_after_days = 30
  }
}
"#,
        ),
    ]);
    let f: Vec<Finding> = lint(d.path()).into_iter().filter(|x| x.code == "NHI310").collect();
    let main = d.path().join("main.tf").display().to_string();
    assert!(f.iter().any(|x| x.address == "module.secret" && x.path == main && x.start.unwrap().line == 5), "{f:#?}");
}

#[test]
fn a_local_module_key_in_boot_data_or_a_template_file_is_reported_and_a_public_half_is_not() {
    let module = r#"
resource "tls_private_key" "client" {
  algorithm = "ECDSA"
}
output "client_key" {
  value     = tls_private_key.client.private_key_pem
  sensitive = true
}
output "client_cert" {
  value = tls_private_key.client.public_key_pem
}
"#;
    let root = r#"
module "tls" {
  source = "./modules/tls"
}
data "template_file" "with_key" {
  template = "echo '$${key}' > /etc/client.pem"
  vars     = { key = module.tls.client_key }
}
data "template_file" "with_cert" {
  template = "echo '$${key}' > /etc/client.crt"
  vars     = { key = module.tls.client_cert }
}
resource "google_compute_instance_template" "with_key" {
  machine_type            = "e2-small"
  metadata_startup_script = templatefile("${path.module}/boot.sh.tpl", { key = module.tls.client_key })
}
resource "google_compute_instance_template" "with_cert" {
  machine_type            = "e2-small"
  metadata_startup_script = templatefile("${path.module}/boot.sh.tpl", { key = module.tls.client_cert })
}
"#;
    let d = tree(&[
        ("main.tf", root),
        ("boot.sh.tpl", "echo '${key}' > /etc/client.pem\n"),
        ("modules/tls/main.tf", module),
    ]);
    let mut got: Vec<String> = addresses(d.path(), "NHI122");
    got.sort();
    // Rendered by a template_file or straight into a machine's boot data: the key is written
    // where others read it; the certificate is public.
    assert_eq!(got, ["data.template_file.with_key", "google_compute_instance_template.with_key"], "{got:?}");
}

/// A file linked into a configuration (a shared `variables.tf`) is read as Terraform reads it:
/// the role name it declares decides the module's instances, and so the finding.
#[cfg(unix)]
#[test]
fn files_linked_into_a_configuration_are_read() {
    let d = tree(&[
        ("shared/variables.tf", "variable \"admin_role_name\" {\n  default = \"admin\"\n}\n"),
        (
            "iam/roles.tf",
            r#"
module "roles" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-role"
  version = "~> 6.2"
  for_each = {
    "${var.admin_role_name}" = {
      policies = { AdministratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess" }
    }
  }
  name     = each.key
  policies = each.value.policies
}
"#,
        ),
    ]);
    let linked = |dir: &Path| {
        let r = lint_paths(&[dir.to_owned()], &settings());
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        (r.files.len(), codes(&r.findings))
    };
    let (files_before, before) = linked(&d.path().join("iam"));
    assert_eq!(before, vec![], "no role name is known without the shared variables");
    std::os::unix::fs::symlink("../shared/variables.tf", d.path().join("iam/variables.tf")).unwrap();
    let (files_after, after) = linked(&d.path().join("iam"));
    assert_eq!(files_after, files_before + 1);
    assert_eq!(after, vec![("module.roles".to_owned(), "NHI205")]);
}

/// `path.root` is the directory Terraform runs in: a policy file a child module reads from
/// there (`file("${path.root}/policies/…")`) is read, and judged in the module's own block.
#[test]
fn path_root_in_a_called_module_is_the_root_directory() {
    let d = tree(&[
        ("main.tf", "module \"iam\" {\n  source = \"./modules/iam\"\n}\n"),
        (
            "policies/operator.json",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        ),
        (
            "modules/iam/main.tf",
            "resource \"aws_iam_policy\" \"operator\" {\n  name   = \"operator\"\n  policy = file(\"${path.root}/policies/operator.json\")\n}\n",
        ),
    ]);
    let found: Vec<(String, &str, String)> = lint(d.path())
        .iter()
        .map(|f| (f.address.clone(), f.code, f.path.clone()))
        .filter(|(_, c, _)| *c == "NHI201")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "module.iam.aws_iam_policy.operator");
    assert!(found[0].2.ends_with("modules/iam/main.tf"), "{found:?}");
}

/// `yamldecode(file(…))` reads the YAML a configuration keeps its settings in, flow
/// collections included: a role list held in YAML is judged like one written in HCL, and a
/// document that is not YAML leaves the value unknown (no finding, no error).
#[test]
fn settings_decoded_from_yaml_are_judged_like_hcl() {
    let d = tree(&[
        (
            "approles.yaml",
            "approles:\n  - name: deployer\n    token_policies: [deploy]\n    secret_id_ttl: 0\n  - name: reporter\n    token_policies: [report]\n    secret_id_ttl: 3600\n    token_ttl: 900\n    token_max_ttl: 3600\n",
        ),
        ("broken.yaml", "approles: [\n"),
        (
            "main.tf",
            r#"
locals {
  roles  = yamldecode(file("${path.module}/approles.yaml")).approles
  broken = try(yamldecode(file("${path.module}/broken.yaml")).approles, [])
}

resource "vault_approle_auth_backend_role" "from_yaml" {
  for_each       = { for r in local.roles : r.name => r }
  role_name      = each.key
  token_policies = each.value.token_policies
  secret_id_ttl  = each.value.secret_id_ttl
  token_ttl      = lookup(each.value, "token_ttl", null)
  token_max_ttl  = lookup(each.value, "token_max_ttl", null)
}

resource "vault_approle_auth_backend_role" "unreadable" {
  for_each       = { for r in local.broken : r.name => r }
  role_name      = each.key
  secret_id_ttl  = 3600
  token_ttl      = 900
  token_max_ttl  = 3600
}
"#,
        ),
    ]);
    let found: Vec<Finding> = lint(d.path()).into_iter().filter(|f| f.code == "NHI302").collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].address, "vault_approle_auth_backend_role.from_yaml");
    // Only `deployer` lacks token TTLs; `reporter` sets all three.
    assert!(found[0].message.contains("tokens have no TTL"), "{}", found[0].message);
}

/// `fileset()` lists the files a `for_each` reads (`for f in fileset("${path.module}/policies",
/// "*.hcl")`), so each policy file is judged as its own instance; a child module's relative
/// `file()` path is found from the root's directory, where Terraform runs.
#[test]
fn files_listed_by_fileset_and_read_from_the_root_are_judged() {
    let broad = "path \"sys/policies/acl/*\" {\n  capabilities = [\"create\", \"update\", \"sudo\"]\n}\n";
    let narrow = "path \"secret/data/app/*\" {\n  capabilities = [\"read\"]\n}\n";
    let d = tree(&[
        ("policies/admin.hcl", broad),
        ("policies/app.hcl", narrow),
        ("policies/notes.txt", broad),
        ("assets/ops.hcl", broad),
        (
            "main.tf",
            r#"
resource "vault_policy" "each" {
  for_each = { for f in fileset("${path.module}/policies", "*.hcl") : trimsuffix(f, ".hcl") => file("${path.module}/policies/${f}") }
  name     = each.key
  policy   = each.value
}

module "ops" {
  source = "./modules/ops"
}
"#,
        ),
        (
            "modules/ops/main.tf",
            "resource \"vault_policy\" \"ops\" {\n  name   = \"ops\"\n  policy = file(\"assets/ops.hcl\")\n}\n",
        ),
    ]);
    let found: Vec<(String, String)> =
        lint(d.path()).iter().filter(|f| f.code == "NHI212").map(|f| (f.address.clone(), f.message.clone())).collect();
    // `notes.txt` does not match the pattern; `app.hcl` is narrow.
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().any(|(a, _)| a.ends_with("vault_policy.ops")), "{found:?}");
    let each = found.iter().find(|(a, _)| a == "vault_policy.each").expect("the fileset instance");
    assert!(each.1.contains("sys/policies/acl/*"), "{}", each.1);
}

/// A credential written into a local module's input (`environment = { DB_PASSWORD =
/// aws_db_instance.db.password }`) that the module puts into a function's environment is
/// reported on the call, where it is written; the same module given plain settings is not.
#[test]
fn a_credential_passed_into_a_local_modules_environment_is_reported_on_the_call() {
    let d = tree(&[
        (
            "main.tf",
            r#"
resource "aws_db_instance" "db" {
  engine   = "postgres"
  username = "app"
  password = random_password.db.result
}

resource "random_password" "db" {
  length = 32
}

module "worker" {
  source = "./modules/lambda"
  environment = {
    DB_HOST     = aws_db_instance.db.address
    DB_PASSWORD = aws_db_instance.db.password
  }
}

module "reporter" {
  source = "./modules/lambda"
  environment = {
    DB_HOST = aws_db_instance.db.address
  }
}
"#,
        ),
        (
            "modules/lambda/main.tf",
            "variable \"environment\" {\n  type = map(string)\n}\n\nresource \"aws_lambda_function\" \"this\" {\n  function_name = \"f\"\n  role          = \"arn:aws:iam::123456789012:role/f\"\n  environment {\n    variables = var.environment\n  }\n}\n",
        ),
    ]);
    let found: Vec<(String, String)> =
        lint(d.path()).iter().filter(|f| f.code == "NHI122").map(|f| (f.address.clone(), f.message.clone())).collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "module.worker");
    assert!(found[0].1.contains("aws_db_instance.db.password"), "{}", found[0].1);
}

#[test]
fn a_secret_handed_to_a_local_module_for_its_app_settings_is_reported_on_the_call() {
    let module = r#"
variable "app_settings" {
  type    = map(string)
  default = {}
}

resource "azurerm_linux_web_app" "app" {
  name                = "api"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = "plan"
  app_settings        = var.app_settings
  site_config {}
}
"#;
    let d = tree(&[
        (
            "main.tf",
            r#"
variable "db_password" {
  type      = string
  sensitive = true
}

module "api" {
  source       = "./modules/app"
  app_settings = { DB_PASSWORD = var.db_password, REGION = "westeurope" }
}

module "web" {
  source       = "./modules/app"
  app_settings = { REGION = "westeurope" }
}
"#,
        ),
        ("modules/app/main.tf", module),
    ]);
    assert_eq!(addresses(d.path(), "NHI122"), ["module.api"]);
}
