//! Generates a corpus of Terraform files and measures nhi-lint against parsing alone.
//!
//! ```text
//! cargo run --release -p nhi-lint --example bench -- [--files N] [--dir DIR] [--keep]
//! ```
//! Prints files/s and MB/s for a full lint, the time of parsing alone (reading and parsing
//! every file with hcl-edit, in parallel like the linter does) and the ratio lint/parse, both
//! in wall-clock and in CPU time (the latter is steadier on a shared machine). It also prints
//! the ratio against the linter's own parse stage, which includes building the owned tree the
//! rules read.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

/// The allocator the `nhi-lint` binary uses, so that both measurements match what users run.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A small deterministic generator so that every run lints the same corpus.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() as usize) % xs.len()]
    }
}

const ACTIONS: [&str; 8] =
    ["s3:GetObject", "s3:PutObject", "s3:*", "ec2:Describe*", "iam:PassRole", "kms:Decrypt", "sqs:SendMessage", "*"];
const ROLES: [&str; 5] =
    ["roles/viewer", "roles/editor", "roles/storage.objectViewer", "roles/owner", "roles/logging.logWriter"];

fn block(rng: &mut Lcg, i: usize, j: usize) -> String {
    let n = format!("r{i}_{j}");
    match rng.next() % 12 {
        0 => format!(
            "data \"aws_iam_policy_document\" \"{n}\" {{\n  statement {{\n    sid       = \"S{j}\"\n    actions   = [\"{}\", \"{}\"]\n    resources = [\"arn:aws:s3:::bucket-{i}/*\", aws_s3_bucket.b{j}.arn]\n  }}\n  statement {{\n    actions   = [\"{}\"]\n    resources = [\"*\"]\n    condition {{\n      test     = \"StringEquals\"\n      variable = \"aws:RequestedRegion\"\n      values   = [var.region]\n    }}\n  }}\n}}\n",
            rng.pick(&ACTIONS),
            rng.pick(&ACTIONS),
            rng.pick(&ACTIONS)
        ),
        1 => format!(
            "resource \"aws_iam_role\" \"{n}\" {{\n  name                 = \"${{local.prefix}}-{n}\"\n  max_session_duration = {}\n  assume_role_policy = jsonencode({{\n    Version = \"2012-10-17\"\n    Statement = [{{\n      Effect    = \"Allow\"\n      Action    = \"sts:AssumeRole\"\n      Principal = {{ Service = \"ec2.amazonaws.com\" }}\n    }}]\n  }})\n  tags = merge(local.tags, {{ Name = \"{n}\" }})\n}}\n",
            if rng.next().is_multiple_of(5) { 43200 } else { 3600 }
        ),
        2 => format!(
            "resource \"aws_s3_bucket\" \"{n}\" {{\n  bucket = \"${{var.env}}-data-{i}-{j}\"\n  tags   = local.tags\n}}\n\nresource \"aws_s3_bucket_versioning\" \"{n}\" {{\n  bucket = aws_s3_bucket.{n}.id\n  versioning_configuration {{\n    status = \"Enabled\"\n  }}\n}}\n"
        ),
        3 => format!(
            "resource \"google_project_iam_member\" \"{n}\" {{\n  project = var.project\n  role    = \"{}\"\n  member  = \"serviceAccount:${{google_service_account.sa{j}.email}}\"\n}}\n",
            rng.pick(&ROLES)
        ),
        4 => format!(
            "resource \"aws_security_group\" \"{n}\" {{\n  name   = \"sg-{n}\"\n  vpc_id = var.vpc_id\n  ingress {{\n    from_port   = 443\n    to_port     = 443\n    protocol    = \"tcp\"\n    cidr_blocks = [\"10.0.0.0/8\"]\n  }}\n  egress {{\n    from_port   = 0\n    to_port     = 0\n    protocol    = \"-1\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }}\n}}\n"
        ),
        5 => format!(
            "resource \"kubernetes_cluster_role_v1\" \"{n}\" {{\n  metadata {{\n    name = \"{n}\"\n  }}\n  rule {{\n    api_groups = [\"\", \"apps\"]\n    resources  = [\"pods\", \"deployments\"]\n    verbs      = [\"{}\", \"list\", \"watch\"]\n  }}\n}}\n",
            if rng.next().is_multiple_of(4) { "*" } else { "get" }
        ),
        6 => format!(
            "resource \"vault_approle_auth_backend_role\" \"{n}\" {{\n  backend        = vault_auth_backend.approle.path\n  role_name      = \"{n}\"\n  token_policies = [\"default\", \"{n}\"]\n  token_ttl      = 900\n  token_max_ttl  = 3600\n  secret_id_ttl  = {}\n}}\n",
            if rng.next().is_multiple_of(3) { 0 } else { 600 }
        ),
        7 => format!(
            "resource \"aws_iam_policy\" \"{n}\" {{\n  name   = \"{n}\"\n  policy = <<EOF\n{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"Allow\",\n      \"Action\": [\"{}\"],\n      \"Resource\": \"${{aws_s3_bucket.b{j}.arn}}\"\n    }}\n  ]\n}}\nEOF\n}}\n",
            rng.pick(&ACTIONS)
        ),
        8 => format!(
            "resource \"aws_db_instance\" \"{n}\" {{\n  identifier          = \"db-{n}\"\n  engine              = \"postgres\"\n  instance_class      = \"db.t3.micro\"\n  username            = \"app\"\n  password            = {}\n  skip_final_snapshot = true\n}}\n",
            if rng.next().is_multiple_of(6) { "\"Pr0d-Passw0rd!\"" } else { "var.db_password" }
        ),
        9 => format!(
            "module \"{n}\" {{\n  source  = \"terraform-aws-modules/vpc/aws\"\n  version = \"5.1.0\"\n  name    = \"vpc-{n}\"\n  cidr    = \"10.{}.0.0/16\"\n  azs     = [\"eu-west-1a\", \"eu-west-1b\"]\n}}\n",
            rng.next() % 250
        ),
        10 => format!(
            "resource \"azurerm_role_assignment\" \"{n}\" {{\n  scope                = {}\n  role_definition_name = \"{}\"\n  principal_id         = azurerm_user_assigned_identity.id{j}.principal_id\n}}\n",
            if rng.next().is_multiple_of(2) {
                "data.azurerm_subscription.current.id"
            } else {
                "azurerm_resource_group.rg.id"
            },
            if rng.next().is_multiple_of(2) { "Contributor" } else { "Reader" }
        ),
        _ => format!(
            "resource \"google_service_account\" \"{n}\" {{\n  account_id   = \"sa-{i}-{j}\"\n  display_name = \"Service account {n}\"\n  description  = \"Runs job {n}\"\n}}\n"
        ),
    }
}

fn header() -> &'static str {
    "variable \"env\" {\n  type    = string\n  default = \"prod\"\n}\n\nvariable \"region\" {\n  default = \"eu-west-1\"\n}\n\nlocals {\n  prefix = \"${var.env}-app\"\n  tags = {\n    owner = \"platform@example.com\"\n    env   = var.env\n  }\n}\n\n"
}

fn generate(dir: &Path, files: usize) -> u64 {
    let mut rng = Lcg(42);
    let mut bytes = 0u64;
    for i in 0..files {
        let sub = dir.join(format!("module_{:03}", i / 25));
        std::fs::create_dir_all(&sub).expect("create corpus directory");
        let mut text = String::new();
        if i % 25 == 0 {
            text.push_str(header());
        }
        let blocks = 6 + (rng.next() % 10) as usize;
        for j in 0..blocks {
            text.push_str(&block(&mut rng, i, j));
            text.push('\n');
        }
        bytes += text.len() as u64;
        std::fs::write(sub.join(format!("f{i:05}.tf")), text).expect("write corpus file");
    }
    bytes
}

/// CPU seconds this process has used (user + system), from /proc on Linux; `None` elsewhere.
/// Wall-clock time on a shared machine includes time spent waiting for other processes; CPU
/// time does not, so the ratio is reported for both.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let files: usize = arg("--files").and_then(|s| s.parse().ok()).unwrap_or(5000);
    let keep = args.iter().any(|a| a == "--keep");
    let tmp;
    let dir: PathBuf = match arg("--dir") {
        Some(d) => PathBuf::from(d),
        None => {
            tmp = std::env::temp_dir().join(format!("nhi-lint-bench-{}", std::process::id()));
            tmp.clone()
        }
    };
    let _ = std::fs::remove_dir_all(&dir);
    let bytes = generate(&dir, files);
    let mb = bytes as f64 / 1e6;
    println!("corpus: {files} files, {mb:.1} MB in {}", dir.display());

    // Warm the page cache once so that both measurements read from memory.
    let (list, _) = nhi_lint::pipeline::discover(std::slice::from_ref(&dir));

    let runs = 5;
    let mut parse_best = f64::MAX;
    let mut lint_best = f64::MAX;
    let mut parse_cpu = f64::MAX;
    let mut lint_cpu = f64::MAX;
    let mut findings = 0;
    for _ in 0..runs {
        let c = cpu_seconds();
        let t = Instant::now();
        let ok = list
            .par_iter()
            .map(|p| std::fs::read_to_string(p).ok().map(|s| hcl_edit::parser::parse_body(&s).is_ok()).unwrap_or(false))
            .filter(|ok| *ok)
            .count();
        parse_best = parse_best.min(t.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (c, cpu_seconds()) {
            parse_cpu = parse_cpu.min(b - a);
        }
        assert_eq!(ok, files, "every generated file parses");

        let settings = nhi_lint::Settings::new(
            nhi_core::parse_timestamp("2026-06-01T00:00:00Z").unwrap_or(nhi_core::Timestamp::UNIX_EPOCH),
        );
        let c = cpu_seconds();
        let t = Instant::now();
        let report = nhi_lint::lint_paths(std::slice::from_ref(&dir), &settings);
        lint_best = lint_best.min(t.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (c, cpu_seconds()) {
            lint_cpu = lint_cpu.min(b - a);
        }
        findings = report.findings.len();
        assert!(report.errors.is_empty());
    }
    // The same pipeline with one no-op rule: what reading, parsing and the tree cost.
    let mut bare = nhi_lint::Settings::new(nhi_core::Timestamp::UNIX_EPOCH);
    bare.select = vec!["NHI406".to_owned()];
    let t = Instant::now();
    let _ = nhi_lint::lint_paths(std::slice::from_ref(&dir), &bare);
    let bare_time = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let _ = nhi_lint::pipeline::discover(std::slice::from_ref(&dir));
    let walk_time = t.elapsed().as_secs_f64();
    // The linter's own parse stage: hcl-edit plus the owned tree the rules read, per file.
    let mut tree_time = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        let parsed = list
            .par_iter()
            .map(|p| nhi_lint::syntax::SourceFile::parse(p.clone(), std::fs::read_to_string(p).unwrap_or_default()))
            .filter(|(_, err)| err.is_none())
            .count();
        tree_time = tree_time.min(t.elapsed().as_secs_f64());
        assert_eq!(parsed, files);
    }
    println!("walk: {walk_time:.3}s, parse stage (hcl-edit + owned tree): {tree_time:.3}s");
    println!("threads: {}", rayon::current_num_threads());
    println!("parse only: {:.3}s  ({:.0} files/s, {:.1} MB/s)", parse_best, files as f64 / parse_best, mb / parse_best);
    println!(
        "lint:       {:.3}s  ({:.0} files/s, {:.1} MB/s), {findings} findings",
        lint_best,
        files as f64 / lint_best,
        mb / lint_best
    );
    println!("pipeline without rules: {bare_time:.3}s");
    println!("ratio lint/parse (wall): {:.2}", lint_best / parse_best);
    println!("ratio lint/parse stage incl. tree (wall): {:.2}", lint_best / tree_time);
    if parse_cpu < f64::MAX && parse_cpu > 0.0 {
        println!(
            "cpu: parse {parse_cpu:.2}s, lint {lint_cpu:.2}s, ratio lint/parse (cpu): {:.2}",
            lint_cpu / parse_cpu
        );
    }
    if !keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
