//! The command line as a user meets it: closed pipes, standard input, the default command,
//! colour and quiet modes, per-command flags, completions and `init`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_nhi-lint"));
    c.env("NHI_LINT_NOW", "2026-06-01T00:00:00Z").env_remove("NO_COLOR");
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin().args(args).current_dir(dir).output().expect("the binary runs")
}

fn run_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = bin()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The program may refuse before reading (`check - .`): a closed pipe here is fine.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const KEY: &str = "resource \"aws_iam_access_key\" \"ci\" {\n  user = \"ci\"\n}\n";

fn risky_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("main.tf"), KEY).unwrap();
    d
}

#[test]
fn a_closed_standard_output_or_error_never_panics() {
    let d = risky_dir();
    let plan = r#"{"format_version":"1.2","resource_changes":[{"address":"aws_iam_access_key.k","mode":"managed","type":"aws_iam_access_key","name":"k","change":{"actions":["create"],"before":null,"after":{"user":"ci"},"after_unknown":{}}}]}"#;
    std::fs::write(d.path().join("plan.json"), plan).unwrap();
    let cases: &[(&[&str], i32)] = &[
        (&["rules"], 0),
        (&["rules", "--format", "json"], 0),
        (&["explain", "NHI101"], 0),
        (&["check"], 1),
        (&["check", "--format", "json"], 1),
        (&["check", "--format", "sarif"], 1),
        (&[], 1),
        (&["plan", "plan.json"], 1),
        (&["completions", "bash"], 0),
        (&["init", "--stdout"], 0),
        (&["--version"], 0),
        (&["check", "--help"], 0),
        (&["check", "--color", "always"], 1),
        (&["check", "--format", "github", "--format", "junit", "--format", "gitlab"], 1),
        (&["baseline", "create", "--output", "b.json"], 0),
        (&["check", "--baseline", "b.json"], 0),
        (&["init", "--stdout"], 0),
        (&["--no-such-flag"], 2),
    ];
    for (args, code) in cases {
        // The reading end is gone before the program writes: every write fails with EPIPE.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = bin().args(*args).current_dir(d.path()).stdout(writer).stderr(Stdio::piped()).output().unwrap();
        let err = text(&o.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(o.status.code(), Some(*code), "{args:?}: {err}");
    }
    // Standard error closed as well: an error still exits 2, quietly; notes on it are dropped.
    let cases: &[(&[&str], i32)] = &[
        (&["check", "missing-dir"], 2),
        (&["explain", "NHI999"], 2),
        (&["--no-such-flag"], 2),
        (&["baseline", "create", "--output", "b2.json"], 0),
        (&["init", "written.toml"], 0),
    ];
    for (args, code) in cases {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = bin().args(*args).current_dir(d.path()).stdout(Stdio::null()).stderr(writer).output().unwrap();
        assert_eq!(o.status.code(), Some(*code), "{args:?}");
    }
    assert!(d.path().join("b2.json").is_file() && d.path().join("written.toml").is_file());
    // Both closed.
    for args in [&["check", "missing-dir"][..], &["explain", "NHI999"][..]] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let (reader2, writer2) = std::io::pipe().unwrap();
        drop(reader2);
        let o = bin().args(args).current_dir(d.path()).stdout(writer2).stderr(writer).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn a_report_that_cannot_be_written_is_an_error_not_a_silent_truncation() {
    // `/dev/full` refuses every write with ENOSPC, as a full disk under `> report.sarif` does:
    // unlike a reader that went away, that loses the report, so it is said, with exit 2.
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("main.tf"), "resource \"aws_iam_access_key\" \"ci\" {\n  user = \"ci\"\n}\n").unwrap();
    for args in [&["check", "--format", "sarif"][..], &["rules"][..]] {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full (Linux)");
        let o = bin().args(args).current_dir(d.path()).stdout(full).stderr(Stdio::piped()).output().unwrap();
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("cannot write to standard output"), "{args:?}: {err}");
    }
}

#[test]
fn a_reader_that_stops_early_ends_the_output_quietly() {
    // Enough findings that the output fills the pipe: the program is still writing when the
    // reader goes away after the first byte (`nhi-lint check | head -c1`).
    let d = tempfile::tempdir().unwrap();
    let many: String =
        (0..3000).map(|i| format!("resource \"aws_iam_access_key\" \"k{i}\" {{\n  user = \"ci\"\n}}\n")).collect();
    std::fs::write(d.path().join("main.tf"), many).unwrap();
    for args in
        [&["check", "--color", "never"][..], &["check", "--color", "always"][..], &["check", "--format", "json"][..]]
    {
        let mut child =
            bin().args(args).current_dir(d.path()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 1];
        std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
        drop(stdout);
        let o = child.wait_with_output().unwrap();
        let err = text(&o.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
    }
}

#[test]
fn check_dash_reads_one_file_from_standard_input() {
    let d = tempfile::tempdir().unwrap();
    let o = run_stdin(d.path(), &["check", "-", "--format", "json"], KEY);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["findings"][0]["code"], "NHI101");
    assert_eq!(v["findings"][0]["path"], "stdin.tf");
    // --stdin-filename gives positions a path and picks the syntax (here JSON).
    let json = "{\n  \"resource\": {\"aws_iam_access_key\": {\"k\": {\"user\": \"ci\"}}}\n}\n";
    let o = run_stdin(d.path(), &["check", "-", "--stdin-filename", "infra/keys.tf.json", "--format", "json"], json);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["findings"][0]["path"], "infra/keys.tf.json", "{v}");
    assert_eq!(v["findings"][0]["start"]["line"], 2);
    // A .tfvars name reads it as variable values; the human output names that path too.
    let tfvars = "region = \"eu-west-1\"\ngithub_token = \"ghp_0123456789abcdefghijABCDEFGHIJ012345\"\n";
    let o = run_stdin(d.path(), &["check", "-", "--stdin-filename", "env/prod.tfvars", "--color", "never"], tfvars);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.starts_with("env/prod.tfvars:2:16: critical NHI111") && out.contains("[var.github_token]"), "{out}");
    // Standard input is one file: no other paths with it.
    let o = run_stdin(d.path(), &["check", "-", "."], KEY);
    assert_eq!(o.status.code(), Some(2));
    // Nothing on disk was read or written in its place.
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 0);
}

#[test]
fn no_command_checks_the_current_directory() {
    let d = risky_dir();
    let o = run(d.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    // The key is static and never rotated: one finding.
    assert!(out.contains("NHI101") && out.contains("1 file checked, 1 finding ("), "{out}");
    let o = run(d.path(), &["-q", "--color", "never"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("NHI101"));
}

#[test]
fn color_and_quiet() {
    let d = risky_dir();
    let always = text(&run(d.path(), &["check", "--color", "always"]).stdout);
    assert!(always.contains("\u{1b}["), "no colour: {always}");
    let never = text(&run(d.path(), &["--color", "never", "check"]).stdout);
    assert!(!never.contains('\u{1b}') && never.contains("NHI101"), "{never}");
    // auto: piped here, so plain; always wins over NO_COLOR.
    let auto = text(&run(d.path(), &["check"]).stdout);
    assert!(!auto.contains('\u{1b}') && auto.starts_with("main.tf:1:1: high NHI101"), "{auto}");
    let forced = bin().args(["check", "--color=always"]).env("NO_COLOR", "1").current_dir(d.path()).output().unwrap();
    assert!(text(&forced.stdout).contains("\u{1b}["));
    let quiet = text(&run(d.path(), &["check", "--quiet"]).stdout);
    assert!(quiet.contains("NHI101") && !quiet.contains("checked"), "{quiet}");
    // -q drops the summary, and the note `init` and `baseline create` print on standard error.
    let o = run(d.path(), &["-q", "init"]);
    assert_eq!((o.status.code(), text(&o.stderr)), (Some(0), String::new()));
    let o = run(d.path(), &["init", "other.toml"]);
    assert!(text(&o.stderr).contains("wrote other.toml"), "{}", text(&o.stderr));
    let o = run(d.path(), &["baseline", "create", "-q"]);
    assert_eq!((o.status.code(), text(&o.stderr)), (Some(0), String::new()));
    let help = text(&run(d.path(), &["check", "--help"]).stdout);
    assert!(help.contains("--quiet") && help.contains("no summary line"), "{help}");
    assert!(never.contains("1 file checked, 1 finding (0 critical, 1 high, 0 medium, 0 low), 0 errors"), "{never}");
}

#[test]
fn each_command_lists_only_its_own_flags() {
    let d = tempfile::tempdir().unwrap();
    let help = |cmd: &str| text(&run(d.path(), &[cmd, "--help"]).stdout);
    for flag in ["--baseline", "--fail-on", "--var-file", "--select"] {
        assert!(!help("rules").contains(flag), "rules --help lists {flag}");
        assert!(!help("explain").contains(flag), "explain --help lists {flag}");
        assert!(help("check").contains(flag), "check --help misses {flag}");
        assert!(help("plan").contains(flag), "plan --help misses {flag}");
    }
    assert!(help("check").contains("--stdin-filename") && !help("plan").contains("--stdin-filename"));
    // Global flags work after the command too.
    assert!(help("rules").contains("--color") && help("rules").contains("--quiet"));
}

#[test]
fn completions_generate_for_every_shell() {
    let d = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = run(d.path(), &["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let script = text(&o.stdout);
        for word in ["check", "explain", "baseline", "stdin-filename"] {
            assert!(script.contains(word), "{shell} completions miss {word}");
        }
    }
    let script = run(d.path(), &["completions", "bash"]).stdout;
    let path = d.path().join("nhi-lint.bash");
    std::fs::write(&path, script).unwrap();
    let syntax = Command::new("bash").arg("-n").arg(&path).output().unwrap();
    assert!(syntax.status.success(), "{}", text(&syntax.stderr));
    assert_eq!(run(d.path(), &["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn init_writes_a_config_that_check_accepts_and_never_overwrites_silently() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("main.tf"), "resource \"terraform_data\" \"x\" {}\n").unwrap();
    let o = run(d.path(), &["init"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let written = std::fs::read_to_string(d.path().join(".nhi-lint.toml")).unwrap();
    assert!(written.contains("# docs_url") && written.contains("[policy]"), "{written}");
    assert_eq!(written, text(&run(d.path(), &["init", "--stdout"]).stdout));
    // Found by discovery and by --config; both accept it.
    assert_eq!(run(d.path(), &["check"]).status.code(), Some(0));
    assert_eq!(run(d.path(), &["check", "--config", ".nhi-lint.toml"]).status.code(), Some(0));
    // An existing file is kept unless --force.
    std::fs::write(d.path().join(".nhi-lint.toml"), "select = [\"NHI1\"]\n").unwrap();
    let o = run(d.path(), &["init"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(d.path().join(".nhi-lint.toml")).unwrap(), "select = [\"NHI1\"]\n");
    assert_eq!(run(d.path(), &["init", "--force"]).status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(d.path().join(".nhi-lint.toml")).unwrap(), written);
    // A directory gets the file inside it; a dangling symlink is not followed to create one.
    std::fs::create_dir(d.path().join("infra")).unwrap();
    assert_eq!(run(d.path(), &["init", "infra"]).status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(d.path().join("infra/.nhi-lint.toml")).unwrap(), written);
    std::os::unix::fs::symlink(d.path().join("elsewhere.toml"), d.path().join("link.toml")).unwrap();
    assert_eq!(run(d.path(), &["init", "link.toml"]).status.code(), Some(2));
    assert!(!d.path().join("elsewhere.toml").exists());
    // Every setting uncommented at its default: still a configuration `check --config` accepts,
    // with the same results as none.
    let active: String = written
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if rest.contains(" = ") && !rest.contains(',') => format!("{rest}\n"),
            _ => format!("{l}\n"),
        })
        .collect();
    for key in [
        "select",
        "ignore",
        "non_ignorable",
        "docs_url",
        "[severity]",
        "[policy]",
        "max_lifetime",
        "static_key_max_lifetime",
        "max_token_ttl",
    ] {
        assert!(active.lines().any(|l| l.starts_with(key)), "{key} missing: {active}");
    }
    std::fs::write(d.path().join("active.toml"), &active).unwrap();
    let o = run(d.path(), &["check", "--config", "active.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", text(&o.stdout), text(&o.stderr));
    std::fs::write(d.path().join("main.tf"), KEY).unwrap();
    let with = run(d.path(), &["check", "--config", "active.toml", "--format", "json"]);
    std::fs::remove_file(d.path().join(".nhi-lint.toml")).unwrap();
    let without = run(d.path(), &["check", "--format", "json", "--config", "/dev/null"]);
    let findings = |o: &Output| serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["findings"].clone();
    assert_eq!(with.status.code(), Some(1));
    assert_eq!(findings(&with), findings(&without));
}

#[test]
fn counts_read_in_the_singular_and_the_plural() {
    let summary = |o: &Output| text(&o.stdout).lines().last().unwrap_or_default().to_owned();
    let d = risky_dir();
    std::fs::write(d.path().join("broken.tf"), "resource \"x\" \"y\" {\n").unwrap();
    // One rule, so that one key is one finding.
    let o = run(d.path(), &["check", "--color", "never", "--select", "NHI101"]);
    assert_eq!(o.status.code(), Some(2));
    let s = summary(&o);
    assert!(s.starts_with("2 files checked, 1 finding (0 critical, 1 high, 0 medium, 0 low), 1 error in "), "{s}");
    std::fs::write(d.path().join("broken.tf"), KEY.replace("ci", "ci2").replace("\n}", "\n")).unwrap();
    std::fs::write(d.path().join("more.tf"), KEY.replace("\"ci\" {", "\"ci3\" {")).unwrap();
    let s = summary(&run(d.path(), &["check", "--color", "never", "--select", "NHI101"]));
    assert!(s.starts_with("3 files checked, 2 findings (0 critical, 2 high, 0 medium, 0 low), 1 error in "), "{s}");
    let clean = tempfile::tempdir().unwrap();
    let s = summary(&run(clean.path(), &["check", "--color", "never"]));
    assert!(s.starts_with("0 files checked, 0 findings (0 critical, 0 high, 0 medium, 0 low), 0 errors in "), "{s}");
    let plan = r#"{"format_version":"1.2","resource_changes":[{"address":"aws_iam_access_key.k","mode":"managed","type":"aws_iam_access_key","name":"k","change":{"actions":["create"],"before":null,"after":{"user":"ci"},"after_unknown":{}}}]}"#;
    std::fs::write(clean.path().join("plan.json"), plan).unwrap();
    let s = summary(&run(clean.path(), &["plan", "plan.json", "--color", "never", "--select", "NHI101"]));
    assert!(s.starts_with("1 of 1 resource change linted, 1 finding ("), "{s}");
    let o = run(d.path(), &["baseline", "create", "broken.tf"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("not creating a baseline from input with errors"), "{}", text(&o.stderr));
    let o = run(d.path(), &["baseline", "create", "--select", "NHI101", "main.tf"]);
    assert!(text(&o.stderr).contains("wrote 1 baseline entry to"), "{}", text(&o.stderr));
    let o = run(d.path(), &["baseline", "create", "--select", "NHI101", "main.tf", "more.tf"]);
    assert!(text(&o.stderr).contains("wrote 2 baseline entries to"), "{}", text(&o.stderr));
}
