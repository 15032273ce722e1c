//! No input makes the linter panic: truncated fixtures, corrupted bytes and hostile shapes.

use std::path::Path;

use nhi_lint::syntax::SourceFile;
use nhi_lint::{Settings, lint_paths};

fn settings() -> Settings {
    Settings::new(nhi_core::parse_timestamp("2026-06-01T00:00:00Z").unwrap())
}

fn fixture_texts() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut v: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
    v.sort();
    v.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn truncated_and_corrupted_files_never_panic() {
    let d = tempfile::tempdir().unwrap();
    let mut rng = Lcg(7);
    let mut broken = 0;
    let mut n = 0;
    for text in fixture_texts() {
        let bytes = text.as_bytes();
        for step in 1..12 {
            let cut = bytes.len() * step / 12;
            let mut b = bytes[..cut].to_vec();
            // Corrupt a few bytes too.
            for _ in 0..(step % 4) {
                if !b.is_empty() {
                    let i = (rng.next() as usize) % b.len();
                    b[i] = b"{}[]()\"$%<>=\\#*\n\x00\xff"[(rng.next() as usize) % 18];
                }
            }
            std::fs::write(d.path().join(format!("f{n}.tf")), &b).unwrap();
            std::fs::write(d.path().join(format!("f{n}.tf.json")), &b).unwrap();
            n += 1;
        }
    }
    let report = lint_paths(&[d.path().to_owned()], &settings());
    broken += report.errors.len();
    assert_eq!(report.files.len(), n * 2);
    assert!(broken > n / 2, "most truncated files should be reported as syntax errors, got {broken} of {}", n * 2);
    for e in &report.errors {
        assert!(e.start.is_some(), "{e:?}");
    }
}

/// Every fixture with a multi-byte character before or after each occurrence of one of the
/// delimiters text scanners split on (`:`, `=`, quotes, `$`, `{`, spaces, …), one delimiter per
/// variant: no byte offset may land inside a character.
#[test]
fn multibyte_characters_next_to_any_delimiter_never_panic() {
    let d = tempfile::tempdir().unwrap();
    // Two-, three- and four-byte characters, and the private-use character the evaluator uses
    // for unknown parts of strings.
    let wide = ["é", "日", "\u{e000}", "🔑"];
    let delimiters = [':', '=', '"', '\'', '$', '{', ' ', '/', '@', '\n'];
    let mut n = 0;
    for text in fixture_texts() {
        for (k, delim) in delimiters.iter().enumerate() {
            for after in [false, true] {
                let w = wide[(2 * k + usize::from(after)) % wide.len()];
                let mut out = String::with_capacity(text.len() * 2);
                for c in text.chars() {
                    if c == *delim && !after {
                        out.push_str(w);
                    }
                    out.push(c);
                    if c == *delim && after {
                        out.push_str(w);
                    }
                }
                std::fs::write(d.path().join(format!("m{n}.tf")), out).unwrap();
                n += 1;
            }
        }
    }
    let report = lint_paths(&[d.path().to_owned()], &settings());
    assert_eq!(report.files.len(), n);
}

#[test]
fn hostile_shapes_are_errors_not_crashes() {
    let cases: Vec<String> = vec![
        String::new(),
        "\u{0}\u{1}\u{2}".into(),
        "{".repeat(100_000),
        format!("a = {}", "[".repeat(50_000)),
        format!(
            "locals {{\n  a = local.b\n  b = local.a\n}}\nresource \"aws_iam_policy\" \"p\" {{\n  policy = local.a\n}}\n"
        ),
        "resource \"a\" \"b\" { x = \"${\" }".into(),
        "resource \"a\" \"b\" { x = <<EOF\nunterminated".into(),
        "\u{feff}resource \"aws_iam_access_key\" \"k\" {}".into(),
        "variable \"x\" { default = 1/0 }\nresource \"a\" \"b\" { y = var.x % 0 }".into(),
        format!("a = {}true", "!".repeat(100_000)),
        format!("a = {}1", "1 + ".repeat(100_000)),
        format!("a = x{}", ".b".repeat(100_000)),
        format!("a = {}2", "true ? 1 : ".repeat(20_000)),
        format!("a = <<EOF\n{}\nEOF\n", "${x}".repeat(100_000)),
        format!("a = {}1{}", "{a = ".repeat(60), "}".repeat(60)),
    ];
    for (i, c) in cases.iter().enumerate() {
        let (_f, _err) = SourceFile::parse(format!("c{i}.tf").into(), c.clone());
        let (_f, _err) = SourceFile::parse(format!("c{i}.tf.json").into(), c.clone());
    }
    let d = tempfile::tempdir().unwrap();
    for (i, c) in cases.iter().enumerate() {
        std::fs::write(d.path().join(format!("c{i}.tf")), c).unwrap();
    }
    // Modules that call each other in a cycle terminate.
    std::fs::create_dir_all(d.path().join("a")).unwrap();
    std::fs::create_dir_all(d.path().join("b")).unwrap();
    std::fs::write(d.path().join("a/main.tf"), "module \"b\" {\n  source = \"../b\"\n}\n").unwrap();
    std::fs::write(
        d.path().join("b/main.tf"),
        "module \"a\" {\n  source = \"../a\"\n}\nresource \"aws_iam_access_key\" \"k\" {}\n",
    )
    .unwrap();
    let report = lint_paths(&[d.path().to_owned()], &settings());
    assert!(report.errors.len() >= 3, "{:?}", report.errors);
    assert_eq!(report.findings.iter().filter(|f| f.code == "NHI101" && f.path.ends_with("b/main.tf")).count(), 1);
}

#[test]
fn one_malformed_block_does_not_hide_the_others() {
    let d = tempfile::tempdir().unwrap();
    let text = r#"resource "aws_iam_access_key" "before" {
  user = "a"
}

resource "x" "broken" {
  list = [1,
}

resource "aws_iam_access_key" "after" {
  user = <<-EOT
    resource "not" "a block" {
  EOT
}
"#;
    std::fs::write(d.path().join("main.tf"), text).unwrap();
    let report = lint_paths(&[d.path().to_owned()], &settings());
    let keys: Vec<&str> = report.findings.iter().filter(|f| f.code == "NHI101").map(|f| f.address.as_str()).collect();
    assert_eq!(keys, vec!["aws_iam_access_key.before", "aws_iam_access_key.after"]);
    // The findings keep their real lines, and the error says what was skipped.
    let after = report.findings.iter().find(|f| f.address == "aws_iam_access_key.after").unwrap();
    assert_eq!(after.start.unwrap().line, 9);
    assert_eq!(report.errors.len(), 1);
    let e = &report.errors[0];
    assert_eq!(e.start.unwrap().line, 7, "{}", e.message);
    assert!(e.message.ends_with("1 block was skipped, the other 2 checked"), "{}", e.message);

    // When nothing can be recovered, the error says the rest of the file was not checked.
    std::fs::write(d.path().join("main.tf"), "resource \"a\" \"b\" {\n  x = [\n").unwrap();
    let report = lint_paths(&[d.path().to_owned()], &settings());
    assert!(
        report.errors[0].message.ends_with("the rest of this file was not checked"),
        "{}",
        report.errors[0].message
    );
}

#[test]
fn an_object_that_repeats_a_key_is_read_as_terraform_reads_it() {
    // Terraform accepts `{ a = 1, a = 2 }` (the last value wins); the file is checked whole,
    // and a secret under either key is found at its own position.
    let d = tempfile::tempdir().unwrap();
    let text = r#"module "bootstrap" {
  source = "../.."
  settings = {
    enabled = true
    title   = "babám"
    enabled = false
  }
  env = {
    "DB_PASSWORD" = ""
    "DB_PASSWORD" = "Hunter2-prod-9f3k"
  }
}

resource "aws_iam_access_key" "after" {
  user = "ci"
}
"#;
    std::fs::write(d.path().join("main.tf"), text).unwrap();
    let report = lint_paths(&[d.path().to_owned()], &settings());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(report.findings.iter().any(|f| f.code == "NHI101" && f.address == "aws_iam_access_key.after"));
    let secret = report.findings.iter().find(|f| f.code == "NHI112").expect("the repeated key's secret");
    assert_eq!(secret.start.unwrap().line, 10);
}

#[test]
fn terraform_0_11_maps_written_as_blocks_are_read_as_maps() {
    // Terraform 0.11 wrote a map argument as a block with quoted keys, and a map in a map as a
    // block; HCL 2 rejects both. The file is checked whole, positions stay true, and a header
    // with a label (a real nested block of HCL 1 configuration) still fails.
    let d = tempfile::tempdir().unwrap();
    let text = r#"resource "kubernetes_namespace" "addons" {
  metadata {
    annotations {
      "iam.amazonaws.com/permitted" = ".*"
      "example.com/owner"           = "platform"
    }
    name = "addons"
  }
}

locals {
  settings = {
    database {
      password = "Hunter2-prod-9f3k"
    }
  }
}
"#;
    std::fs::write(d.path().join("main.tf"), text).unwrap();
    let report = lint_paths(&[d.path().to_owned()], &settings());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let kiam = report.findings.iter().find(|f| f.code == "NHI225").expect("the annotation is read");
    assert_eq!(kiam.start.unwrap().line, 3);
    let secret = report.findings.iter().find(|f| f.code == "NHI112").expect("the nested map's secret");
    assert_eq!(secret.start.unwrap().line, 14);

    // However many there are in one file: each is read, in one pass.
    let many: String = (0..200)
        .map(|i| {
            format!("resource \"kubernetes_namespace\" \"n{i}\" {{\n  metadata {{\n    annotations {{\n      \"iam.amazonaws.com/permitted\" = \".*\"\n    }}\n  }}\n}}\n")
        })
        .collect();
    std::fs::write(d.path().join("main.tf"), many).unwrap();
    let report = lint_paths(&[d.path().to_owned()], &settings());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.findings.iter().filter(|f| f.code == "NHI225").count(), 200);

    std::fs::write(d.path().join("main.tf"), "locals {\n  x = {\n    hook \"a\" {\n      y = 1\n    }\n  }\n}\n")
        .unwrap();
    let report = lint_paths(&[d.path().to_owned()], &settings());
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    // A top-level block with a quoted key is an error, not an attribute named `locals`.
    std::fs::write(d.path().join("main.tf"), "locals {\n  \"a\" = \"Hunter2-prod-9f3k\"\n}\n").unwrap();
    let report = lint_paths(&[d.path().to_owned()], &settings());
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
}
