//! The README's promises, executed: every fenced `sh` block preceded by `<!-- runnable -->`
//! (or `<!-- runnable exit=N -->`) runs in bash, in order, from a scratch copy of `examples/`,
//! with `nhi-lint` and Terraform 1.15.5 on PATH and the provider installed from a filesystem
//! mirror exactly as the README's install section says. A block passes when bash exits with the
//! code the marker names (0 by default).

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use nhi_testkit::{Terraform, workspace_root};

struct Block {
    line: usize,
    exit: i32,
    script: String,
}

/// The runnable blocks of a Markdown text; a marker not followed by a `sh` fence is an error.
fn runnable_blocks(markdown: &str) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        let Some(rest) = line.trim().strip_prefix("<!-- runnable").and_then(|r| r.strip_suffix("-->")) else {
            continue;
        };
        let exit = match rest.trim() {
            "" => 0,
            other => other
                .strip_prefix("exit=")
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| format!("README.md:{}: bad marker {line:?}", i + 1))?,
        };
        match lines.next() {
            Some((_, fence)) if fence.trim() == "```sh" => {}
            _ => return Err(format!("README.md:{}: a runnable marker must precede a ```sh block", i + 1)),
        }
        let mut script = String::new();
        loop {
            match lines.next() {
                Some((_, l)) if l.trim() == "```" => break,
                Some((_, l)) => {
                    script.push_str(l);
                    script.push('\n');
                }
                None => return Err(format!("README.md:{}: unterminated block", i + 1)),
            }
        }
        blocks.push(Block { line: i + 1, exit, script });
    }
    Ok(blocks)
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with(".terraform") || name.to_string_lossy().ends_with(".db") {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&src, &dst);
        } else {
            fs::copy(&src, &dst).unwrap();
        }
    }
}

#[test]
fn runnable_readme_blocks_run_as_written() {
    let root = workspace_root();
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let blocks = runnable_blocks(&readme).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        blocks.iter().any(|b| b.script.contains("nhi-lint check"))
            && blocks.iter().any(|b| b.script.contains("terraform apply")),
        "the README must keep its lint and quick-start blocks runnable"
    );

    let provider = Path::new(env!("CARGO_BIN_EXE_terraform-provider-nhi"));
    let nhi_lint = provider.with_file_name("nhi-lint");
    assert!(
        nhi_lint.is_file(),
        "{} is missing: build it with `cargo build -p nhi-lint-cli` (cargo test --workspace does)",
        nhi_lint.display()
    );

    let scratch = tempfile::tempdir().unwrap();
    let (bin, home) = (scratch.path().join("bin"), scratch.path().join("home"));
    fs::create_dir_all(&bin).unwrap();
    fs::create_dir_all(&home).unwrap();
    std::os::unix::fs::symlink(Terraform::v1_15().path(), bin.join("terraform")).unwrap();
    std::os::unix::fs::symlink(&nhi_lint, bin.join("nhi-lint")).unwrap();
    copy_tree(&root.join("examples"), &scratch.path().join("examples"));

    // The install section: the provider in a filesystem mirror, the CLI configuration that
    // mirror.sh prints.
    let out = Command::new("bash")
        .arg(root.join("scripts/mirror.sh"))
        .arg("--binary")
        .arg(provider)
        .arg(scratch.path().join("mirror"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cli_config = scratch.path().join("terraform.rc");
    fs::write(&cli_config, &out.stdout).unwrap();

    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    for b in &blocks {
        let o = Command::new("bash")
            .args(["-euo", "pipefail", "-c", &b.script])
            .current_dir(scratch.path())
            .env("PATH", &path)
            .env("HOME", &home)
            .env("TF_CLI_CONFIG_FILE", &cli_config)
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env_remove("NHI_REGISTRY")
            .env_remove("TF_LOG")
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(b.exit),
            "README.md:{} block exited {:?}, expected {}\n--- script\n{}--- stdout\n{}--- stderr\n{}",
            b.line,
            o.status.code(),
            b.exit,
            b.script,
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert!(
        scratch.path().join("examples/quickstart/nhi-registry.db").is_file(),
        "the quick start creates its registry next to the configuration"
    );
}

#[test]
fn markers_must_precede_a_shell_block() {
    assert!(runnable_blocks("<!-- runnable -->\n```hcl\nx\n```\n").is_err());
    assert!(runnable_blocks("<!-- runnable exit=x -->\n```sh\ntrue\n```\n").is_err());
    let blocks = runnable_blocks("text\n<!-- runnable exit=1 -->\n```sh\nfalse\n```\n").unwrap();
    assert_eq!((blocks.len(), blocks[0].exit, blocks[0].script.as_str(), blocks[0].line), (1, 1, "false\n", 2));
}
