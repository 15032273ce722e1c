//! The pre-commit hook this repository publishes (`.pre-commit-hooks.yaml`), run by the real
//! `pre-commit` tool (PyPI; `scripts/test.sh` installs it) on a scratch git repository, with the
//! nhi-lint under test first on PATH as the hook expects.

use std::path::Path;
use std::process::{Command, Output};

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git").args(args).current_dir(dir).output().expect("git runs");
    assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

/// `pre-commit try-repo` runs the hooks of a repository as they are in its working tree,
/// uncommitted edits included, exactly as a user's `.pre-commit-config.yaml` entry would.
fn try_repo(scratch: &Path, home: &Path) -> Output {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_nhi-lint")).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    Command::new("python3")
        .args(["-m", "pre_commit", "try-repo"])
        .arg(&repo)
        .args(["nhi-lint", "--all-files", "--color", "never"])
        .current_dir(scratch)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", home)
        .env("NHI_LINT_NOW", "2026-06-01T00:00:00Z")
        .output()
        .expect("python3 runs")
}

#[test]
fn the_published_hook_blocks_a_risky_file_and_passes_a_clean_tree() {
    let probe = Command::new("python3").args(["-m", "pre_commit", "--version"]).output().expect("python3 runs");
    assert!(
        probe.status.success(),
        "the pre-commit tool is required (python3 -m pip install pre-commit; scripts/test.sh installs it): {}",
        String::from_utf8_lossy(&probe.stderr)
    );

    let d = tempfile::tempdir().unwrap();
    let (scratch, home) = (d.path().join("repo"), d.path().join("pre-commit-home"));
    std::fs::create_dir_all(&scratch).unwrap();
    git(&scratch, &["init", "--quiet"]);
    std::fs::write(scratch.join("risky.tf"), "resource \"aws_iam_access_key\" \"ci\" {\n  user = \"ci\"\n}\n").unwrap();
    std::fs::write(
        scratch.join("clean.tf"),
        "resource \"aws_iam_role\" \"app\" {\n  name               = \"app\"\n  assume_role_policy = \"{}\"\n  tags = { owner = \"team@example.com\", purpose = \"runs the app\" }\n}\n",
    )
    .unwrap();
    git(&scratch, &["add", "."]);

    let o = try_repo(&scratch, &home);
    let out = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(!o.status.success(), "a risky file must fail the hook:\n{out}");
    assert!(out.contains("nhi-lint") && out.contains("Failed"), "{out}");
    assert!(out.contains("NHI101") && out.contains("risky.tf"), "{out}");
    assert!(!out.contains("clean.tf"), "the clean file has nothing to report:\n{out}");

    git(&scratch, &["rm", "--quiet", "-f", "risky.tf"]);
    let o = try_repo(&scratch, &home);
    let out = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "a clean tree must pass the hook:\n{out}");
    assert!(out.contains("Passed"), "{out}");
}
