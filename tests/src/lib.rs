//! Test harness that drives real Terraform binaries against a locally built provider.
//!
//! Two Terraform versions are supported, installed into `<workspace>/.tools/bin` by
//! `scripts/get-terraform.sh`: 1.15.5 (the current one) and 1.0.3 (the oldest we support, speaking
//! protocol 6 without ephemeral resources or write-only attributes).
//!
//! A [`Workdir`] is a temporary Terraform working directory with its own CLI configuration, whose
//! `dev_overrides` point `registry.terraform.io/nhi/nhi` at a directory holding the provider
//! binary. No `terraform init` is needed for the provider then (Terraform prints a warning about the
//! override on every command). Each [`Workdir`] also has its own `HOME`, so nothing from the
//! developer's machine (`~/.terraformrc`, plugin caches, credentials) leaks in.
//!
//! ```no_run
//! use std::path::Path;
//! use nhi_testkit::{Terraform, Workdir};
//!
//! // In the provider crate's integration tests Cargo builds the binary and names it:
//! // Path::new(env!("CARGO_BIN_EXE_terraform-provider-nhi")).parent().unwrap()
//! let provider_dir = Path::new("target/debug");
//! for tf in Terraform::all() {
//!     let mut wd = Workdir::new(&tf, provider_dir);
//!     wd.set_env("NHI_REGISTRY", "sqlite://test.db");
//!     wd.write("main.tf", r#"resource "nhi_service_account" "a" { name = "a" }"#);
//!     wd.apply();
//!     assert_eq!(wd.plan_detailed_exitcode().code, 0, "second plan must be empty");
//!     let state = wd.state_json();
//!     assert_eq!(state["values"]["root_module"]["resources"][0]["values"]["name"], "a");
//! }
//! ```
//!
//! Missing binaries are a test failure, never a skip: [`Terraform::v1_15`] and
//! [`Terraform::v1_0`] panic with a message telling to run `scripts/get-terraform.sh`.
//!
//! Environment knobs:
//! - `NHI_TERRAFORM_1_15`, `NHI_TERRAFORM_1_0`: paths of the binaries, overriding `.tools/bin`.
//! - `NHI_TESTKIT_KEEP=1`: keep every working directory after the test and print its path.
//! - `TF_LOG`, `TF_LOG_PROVIDER`, `TF_LOG_PATH`, `RUST_LOG`, `RUST_BACKTRACE`: passed through to
//!   Terraform (and from it to the provider) for debugging; all other variables of the test process
//!   are dropped so tests are reproducible.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub mod postgres;

/// The provider address the `dev_overrides` of every [`Workdir`] redirect.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/nhi/nhi";

/// Variables of the test process passed on to Terraform; everything else is dropped.
const PASSED_THROUGH_ENV: &[&str] = &[
    "PATH",
    "TMPDIR",
    "LANG",
    "LC_ALL",
    "RUST_BACKTRACE",
    "RUST_LOG",
    "LLVM_PROFILE_FILE",
    "TF_LOG",
    "TF_LOG_CORE",
    "TF_LOG_PROVIDER",
    "TF_LOG_PATH",
];

/// Subcommands that accept `-no-color` in every supported version; [`Workdir::run`] adds the flag.
const NO_COLOR_COMMANDS: &[&str] =
    &["plan", "apply", "destroy", "refresh", "import", "init", "validate", "show", "output", "get", "fmt", "test"];

/// How long one Terraform command may run before it is killed and the test fails.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(180);

/// A Terraform binary of a known version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terraform {
    path: PathBuf,
    version: &'static str,
}

impl Terraform {
    /// Terraform 1.15.5: `$NHI_TERRAFORM_1_15`, else `<workspace>/.tools/bin/terraform-1.15.5`.
    ///
    /// # Panics
    /// If the binary does not exist (run `scripts/get-terraform.sh`).
    pub fn v1_15() -> Self {
        Self::locate("NHI_TERRAFORM_1_15", "1.15.5")
    }

    /// Terraform 1.0.3: `$NHI_TERRAFORM_1_0`, else `<workspace>/.tools/bin/terraform-1.0.3`.
    ///
    /// # Panics
    /// If the binary does not exist (run `scripts/get-terraform.sh`).
    pub fn v1_0() -> Self {
        Self::locate("NHI_TERRAFORM_1_0", "1.0.3")
    }

    /// Every supported version, newest first.
    ///
    /// # Panics
    /// If any binary is missing.
    pub fn all() -> [Self; 2] {
        [Self::v1_15(), Self::v1_0()]
    }

    /// A binary at an explicit path, claimed to be `version` (`"1.15.5"`); not checked.
    pub fn at(path: impl Into<PathBuf>, version: &'static str) -> Self {
        Self { path: path.into(), version }
    }

    fn locate(var: &str, version: &'static str) -> Self {
        let (path, origin) = match std::env::var_os(var) {
            Some(p) if !p.is_empty() => (PathBuf::from(p), format!("from ${var}")),
            _ => {
                let p = workspace_root().join(".tools/bin").join(format!("terraform-{version}"));
                (p, format!("default location; ${var} is not set"))
            }
        };
        assert!(
            path.is_file(),
            "Terraform {version} not found at {} ({origin}).\n\
             Run `scripts/get-terraform.sh` (or `scripts/test.sh`, which runs it) to install it.",
            path.display()
        );
        Self { path, version }
    }

    /// Path of the executable.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Version string, e.g. `"1.15.5"`.
    pub fn version(&self) -> &'static str {
        self.version
    }

    /// `(major, minor, patch)` of [`Self::version`], for feature gates such as
    /// `tf.version_tuple() >= (1, 11, 0)` (write-only attributes).
    pub fn version_tuple(&self) -> (u32, u32, u32) {
        let mut parts = self.version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0))
    }
}

/// Root of the Cargo workspace (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().expect("nhi-testkit lives one level below the workspace root").to_path_buf()
}

/// The result of one Terraform command.
#[derive(Debug, Clone)]
pub struct Output {
    /// The command line, for messages (binary file name and arguments).
    pub command: String,
    /// Exit code; `-1` if Terraform was killed by a signal.
    pub code: i32,
    /// Everything Terraform wrote to stdout.
    pub stdout: String,
    /// Everything Terraform wrote to stderr.
    pub stderr: String,
}

impl Output {
    /// Asserts the exit code is `expected`, printing both streams otherwise.
    #[track_caller]
    pub fn assert_code(&self, expected: i32) -> &Self {
        assert!(self.code == expected, "expected exit code {expected}\n{self}");
        self
    }

    /// Asserts exit code 0.
    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        self.assert_code(0)
    }

    /// Asserts exit code 1 (Terraform's code for errors, including error diagnostics).
    #[track_caller]
    pub fn assert_failure(&self) -> &Self {
        self.assert_code(1)
    }

    /// Asserts stdout or stderr contains `needle`.
    #[track_caller]
    pub fn assert_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle) || self.stderr.contains(needle),
            "expected the output to contain {needle:?}\n{self}"
        );
        self
    }

    /// Parses stdout as JSON.
    ///
    /// # Panics
    /// If stdout is not JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON: {e}\n{self}"))
    }
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "`{}` exited with code {}", self.command, self.code)?;
        writeln!(f, "----- stdout -----\n{}", self.stdout.trim_end())?;
        write!(f, "----- stderr -----\n{}\n------------------", self.stderr.trim_end())
    }
}

/// A temporary Terraform working directory with an isolated CLI configuration and `HOME`.
///
/// Layout of the temporary directory: `work/` (the working directory, [`Workdir::path`]),
/// `home/`, `terraform.tfrc` (the CLI configuration) and `out/` (captured output).
#[derive(Debug)]
pub struct Workdir {
    tf: Terraform,
    root: TempDir,
    work: PathBuf,
    env: BTreeMap<String, String>,
    timeout: Duration,
    runs: AtomicU32,
}

impl Workdir {
    /// A working directory where `registry.terraform.io/nhi/nhi` resolves to the
    /// `terraform-provider-nhi` binary inside `provider_dir` (through `dev_overrides`, so no
    /// `terraform init` is needed) and every other provider is installed directly.
    ///
    /// # Panics
    /// If the temporary directory cannot be created.
    pub fn new(tf: &Terraform, provider_dir: &Path) -> Self {
        let provider_dir = std::path::absolute(provider_dir).expect("absolute provider directory");
        let config = format!(
            "provider_installation {{\n  dev_overrides {{\n    \"{PROVIDER_ADDRESS}\" = {}\n  }}\n  direct {{}}\n}}\n",
            hcl_string(&provider_dir.to_string_lossy())
        );
        Self::with_cli_config(tf, &config)
    }

    /// A working directory whose CLI configuration file holds exactly `cli_config` (HCL), e.g. a
    /// `filesystem_mirror` block for tests that run `terraform init`.
    ///
    /// # Panics
    /// If the temporary directory cannot be created.
    pub fn with_cli_config(tf: &Terraform, cli_config: &str) -> Self {
        let root = tempfile::Builder::new()
            .prefix(&format!("nhi-tf-{}-", tf.version))
            .disable_cleanup(keep_workdirs())
            .tempdir()
            .expect("create temporary directory");
        let work = root.path().join("work");
        let home = root.path().join("home");
        let tmp = root.path().join("tmp");
        for dir in [&work, &home, &tmp, &root.path().join("out")] {
            fs::create_dir_all(dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        }
        let config_file = root.path().join("terraform.tfrc");
        fs::write(&config_file, cli_config).expect("write CLI configuration");
        if keep_workdirs() {
            eprintln!("nhi-testkit: keeping Terraform {} working directory {}", tf.version, work.display());
        }

        let path = |p: &Path| p.to_string_lossy().into_owned();
        let env = BTreeMap::from([
            ("HOME".to_owned(), path(&home)),
            ("TF_CLI_CONFIG_FILE".to_owned(), path(&config_file)),
            ("CHECKPOINT_DISABLE".to_owned(), "1".to_owned()),
            ("TF_IN_AUTOMATION".to_owned(), "1".to_owned()),
            ("TF_INPUT".to_owned(), "0".to_owned()),
            // Terraform's and the provider's temporary files (the provider's unix socket among
            // them) stay in this directory: tests see only their own, and nothing outlives them.
            ("TMPDIR".to_owned(), path(&tmp)),
        ]);
        Self { tf: tf.clone(), root, work, env, timeout: DEFAULT_TIMEOUT, runs: AtomicU32::new(0) }
    }

    /// The Terraform this directory runs.
    pub fn terraform(&self) -> &Terraform {
        &self.tf
    }

    /// The working directory (where configuration files go and Terraform runs).
    pub fn path(&self) -> &Path {
        &self.work
    }

    /// The `TMPDIR` of every command run here, and so of the provider it starts.
    pub fn temp_dir(&self) -> PathBuf {
        self.root.path().join("tmp")
    }

    /// Writes `contents` to `name` (relative to [`Self::path`]), creating parent directories.
    ///
    /// # Panics
    /// On I/O errors.
    pub fn write(&self, name: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> &Self {
        let path = self.work.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap_or_else(|e| panic!("create {}: {e}", parent.display()));
        }
        fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        self
    }

    /// Removes `name` (relative to [`Self::path`]).
    ///
    /// # Panics
    /// On I/O errors, including a missing file.
    pub fn remove(&self, name: impl AsRef<Path>) -> &Self {
        let path = self.work.join(name);
        fs::remove_file(&path).unwrap_or_else(|e| panic!("remove {}: {e}", path.display()));
        self
    }

    /// Sets an environment variable for every later command (and the provider it starts).
    pub fn set_env(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.env.insert(key.into(), value.into());
        self
    }

    /// Removes a variable set with [`Self::set_env`] or by default (e.g. `TF_IN_AUTOMATION`).
    pub fn remove_env(&mut self, key: &str) -> &mut Self {
        self.env.remove(key);
        self
    }

    /// Limits how long each later command may run (default [`DEFAULT_TIMEOUT`]).
    pub fn set_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.timeout = timeout;
        self
    }

    /// Runs `terraform <args>` in [`Self::path`] and captures its output, whatever the exit code.
    ///
    /// `-no-color` is added after the subcommand when it accepts it (`plan`, `apply`, `destroy`,
    /// `import`, `init`, `show`, `output`, …). Standard input is empty and `TF_INPUT=0`, so
    /// Terraform never waits for a prompt.
    ///
    /// # Panics
    /// If Terraform cannot be started or runs longer than the timeout.
    pub fn run(&self, args: &[&str]) -> Output {
        let args = with_no_color(args);
        let n = self.runs.fetch_add(1, Ordering::Relaxed) + 1;
        let out_dir = self.root.path().join("out");
        let stdout_path = out_dir.join(format!("{n:03}.stdout"));
        let stderr_path = out_dir.join(format!("{n:03}.stderr"));
        let create = |p: &Path| fs::File::create(p).unwrap_or_else(|e| panic!("create {}: {e}", p.display()));
        let command = format!(
            "{} {}",
            self.tf.path.file_name().map_or_else(|| self.tf.path.to_string_lossy(), |f| f.to_string_lossy()),
            args.join(" ")
        );

        let mut cmd = self.command(&args);
        cmd.stdout(create(&stdout_path)).stderr(create(&stderr_path));
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start `{command}`: {e}"));

        let start = Instant::now();
        let mut pause = Duration::from_millis(1);
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for terraform") {
                break status;
            }
            if start.elapsed() > self.timeout {
                let _ = child.kill();
                let _ = child.wait();
                let partial =
                    Output { command, code: -1, stdout: read_lossy(&stdout_path), stderr: read_lossy(&stderr_path) };
                panic!("killed after the {:?} timeout\n{partial}", self.timeout);
            }
            thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(20));
        };
        Output {
            command,
            code: status.code().unwrap_or(-1),
            stdout: read_lossy(&stdout_path),
            stderr: read_lossy(&stderr_path),
        }
    }

    /// `terraform <args>` in this directory with its environment; output is discarded.
    fn command(&self, args: &[impl AsRef<std::ffi::OsStr>]) -> Command {
        let mut cmd = Command::new(&self.tf.path);
        cmd.args(args)
            .current_dir(&self.work)
            .env_clear()
            .envs(PASSED_THROUGH_ENV.iter().filter_map(|k| std::env::var_os(k).map(|v| (OsString::from(k), v))))
            .envs(&self.env)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    }

    /// Starts `terraform <args>` in the background (output discarded), for tests that need to
    /// act while it runs, such as killing it.
    ///
    /// # Panics
    /// If Terraform cannot be started.
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        self.command(&with_no_color(args)).spawn().expect("start terraform")
    }

    /// Runs `terraform <args>` and asserts exit code `expected`, printing both streams otherwise.
    #[track_caller]
    pub fn run_expect(&self, args: &[&str], expected: i32) -> Output {
        let out = self.run(args);
        out.assert_code(expected);
        out
    }

    /// `terraform init`; asserts success. Not needed for the provider under `dev_overrides`.
    #[track_caller]
    pub fn init(&self) -> Output {
        self.run_expect(&["init"], 0)
    }

    /// `terraform plan -detailed-exitcode`; asserts the code is 0 (no changes) or 2 (changes).
    /// Check [`Output::code`] for which.
    #[track_caller]
    pub fn plan_detailed_exitcode(&self) -> Output {
        let out = self.run(&["plan", "-detailed-exitcode"]);
        assert!(out.code == 0 || out.code == 2, "expected exit code 0 or 2 from a plan\n{out}");
        out
    }

    /// Asserts `terraform plan -detailed-exitcode` reports no changes (code 0).
    #[track_caller]
    pub fn assert_plan_empty(&self) -> Output {
        self.run_expect(&["plan", "-detailed-exitcode"], 0)
    }

    /// `terraform plan -out=<file>` then `terraform show -json <file>`: the JSON plan.
    #[track_caller]
    pub fn plan_json(&self) -> serde_json::Value {
        let plan_file = self.root.path().join("out/plan.tfplan");
        let plan_file = plan_file.to_string_lossy();
        self.run_expect(&["plan", &format!("-out={plan_file}")], 0);
        self.run_expect(&["show", "-json", &plan_file], 0).json()
    }

    /// `terraform apply -auto-approve`; asserts success.
    #[track_caller]
    pub fn apply(&self) -> Output {
        self.run_expect(&["apply", "-auto-approve"], 0)
    }

    /// `terraform destroy -auto-approve`; asserts success.
    #[track_caller]
    pub fn destroy(&self) -> Output {
        self.run_expect(&["destroy", "-auto-approve"], 0)
    }

    /// `terraform import <address> <id>`; asserts success.
    #[track_caller]
    pub fn import(&self, address: &str, id: &str) -> Output {
        self.run_expect(&["import", address, id], 0)
    }

    /// `terraform show -json` parsed: the state (`values.root_module.resources`, `values.outputs`).
    /// Without state it is `{"format_version": "…"}`.
    #[track_caller]
    pub fn show_json(&self) -> serde_json::Value {
        self.run_expect(&["show", "-json"], 0).json()
    }

    /// Alias of [`Self::show_json`].
    #[track_caller]
    pub fn state_json(&self) -> serde_json::Value {
        self.show_json()
    }

    /// `terraform output -json` parsed: `{"name": {"value": …, "type": …, "sensitive": …}}`.
    #[track_caller]
    pub fn output_json(&self) -> serde_json::Value {
        self.run_expect(&["output", "-json"], 0).json()
    }
}

/// Inserts `-no-color` after the subcommand when the subcommand accepts it and it is not there.
fn with_no_color(args: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    if args.contains(&"-no-color") {
        return out;
    }
    if let Some(i) = args.iter().position(|a| !a.starts_with('-'))
        && NO_COLOR_COMMANDS.contains(&args[i])
    {
        out.insert(i + 1, "-no-color".to_owned());
    }
    out
}

/// `s` as an HCL string literal.
fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn keep_workdirs() -> bool {
    std::env::var_os("NHI_TESTKIT_KEEP").is_some_and(|v| !v.is_empty() && v != "0")
}

fn read_lossy(path: &Path) -> String {
    String::from_utf8_lossy(&fs::read(path).unwrap_or_default()).into_owned()
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    #[test]
    fn no_color_goes_after_the_subcommand() {
        assert_eq!(with_no_color(&["plan", "-detailed-exitcode"]), ["plan", "-no-color", "-detailed-exitcode"]);
        assert_eq!(with_no_color(&["-chdir=x", "apply"]), ["-chdir=x", "apply", "-no-color"]);
        assert_eq!(with_no_color(&["version"]), ["version"]);
        assert_eq!(with_no_color(&["state", "list"]), ["state", "list"]);
        assert_eq!(with_no_color(&["show", "-no-color", "-json"]), ["show", "-no-color", "-json"]);
    }

    #[test]
    fn hcl_strings_are_escaped() {
        assert_eq!(hcl_string("/tmp/a"), r#""/tmp/a""#);
        assert_eq!(hcl_string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(hcl_string("${x}%{y}$z"), r#""$${x}%%{y}$z""#);
    }

    #[test]
    fn version_tuples_compare() {
        assert_eq!(Terraform::at("/x", "1.15.5").version_tuple(), (1, 15, 5));
        assert!(Terraform::at("/x", "1.0.3").version_tuple() < (1, 11, 0));
    }

    #[test]
    fn missing_binary_panics_with_the_install_hint() {
        let err = std::panic::catch_unwind(|| {
            // Only this test reads an unset, test-specific variable; locate is the code under test.
            Terraform::locate("NHI_TESTKIT_UNSET_VARIABLE_FOR_TEST", "9.9.9")
        })
        .expect_err("must panic");
        let msg = err.downcast_ref::<String>().expect("formatted panic message");
        assert!(msg.contains("scripts/get-terraform.sh"), "{msg}");
        assert!(msg.contains("terraform-9.9.9"), "{msg}");
    }
}
