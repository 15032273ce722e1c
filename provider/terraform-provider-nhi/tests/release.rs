//! Release artifacts as a user gets them: `scripts/release.sh` builds the archives, the provider
//! zip installs from a filesystem mirror (packed layout) with an offline `terraform init` and
//! manages an account on both Terraform versions, the linter tarball runs, the checksums hold,
//! and a second run of the script writes the same bytes.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::days_from_now;
use nhi_testkit::{Terraform, Workdir, workspace_root};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn release(out: &Path) {
    let o = Command::new("bash")
        .arg(workspace_root().join("scripts/release.sh"))
        .arg(VERSION)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run scripts/release.sh");
    if !o.status.success() {
        // Cargo's progress lines bury the error a CI log keeps only the ends of: leave them out.
        let stderr = String::from_utf8_lossy(&o.stderr);
        let said: Vec<&str> = stderr
            .lines()
            .filter(|l| !["Compiling ", "Downloaded ", "Downloading "].iter().any(|p| l.trim_start().starts_with(p)))
            .collect();
        panic!("release.sh failed ({})\n{}", o.status, said[said.len().saturating_sub(60)..].join("\n"));
    }
}

fn run(cmd: &mut Command) -> (bool, String) {
    let o = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    (o.status.success(), text)
}

#[test]
fn release_archives_install_from_a_mirror_and_are_repeatable() {
    let scratch = tempfile::tempdir().unwrap();
    let dist = scratch.path().join("dist");
    release(&dist);

    let zip = format!("terraform-provider-nhi_{VERSION}_linux_amd64.zip");
    let tarball = format!("nhi-lint_{VERSION}_linux_amd64.tar.gz");
    let mut names: Vec<String> =
        fs::read_dir(&dist).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let admin_tarball = format!("nhi_{VERSION}_linux_amd64.tar.gz");
    let mut expected = [
        tarball.clone(),
        format!("nhi-lint_{VERSION}_SHA256SUMS"),
        admin_tarball.clone(),
        format!("nhi_{VERSION}_SHA256SUMS"),
        format!("terraform-provider-nhi_{VERSION}_SHA256SUMS"),
        zip.clone(),
        format!("terraform-provider-nhi_{VERSION}_manifest.json"),
    ];
    expected.sort();
    assert_eq!(names, expected);

    // The checksums cover the archives and the manifest, in the format sha256sum checks.
    for sums in [
        format!("terraform-provider-nhi_{VERSION}_SHA256SUMS"),
        format!("nhi-lint_{VERSION}_SHA256SUMS"),
        format!("nhi_{VERSION}_SHA256SUMS"),
    ] {
        let (ok, text) = run(Command::new("sha256sum").arg("--check").arg("--strict").arg(&sums).current_dir(&dist));
        assert!(ok, "{sums}: {text}");
    }
    let provider_sums = fs::read_to_string(dist.join(format!("terraform-provider-nhi_{VERSION}_SHA256SUMS"))).unwrap();
    assert!(provider_sums.contains(&zip) && provider_sums.contains("_manifest.json"), "{provider_sums}");
    let manifest: serde_json::Value = serde_json::from_slice(
        &fs::read(dist.join(format!("terraform-provider-nhi_{VERSION}_manifest.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["metadata"]["protocol_versions"], serde_json::json!(["6.0"]));

    // A filesystem mirror in the packed layout holds the zip itself, as a user would copy it.
    let mirror = scratch.path().join("mirror");
    let packed = mirror.join("registry.terraform.io/nhi/nhi");
    fs::create_dir_all(&packed).unwrap();
    fs::copy(dist.join(&zip), packed.join(&zip)).unwrap();
    let cli_config = format!(
        "provider_installation {{\n  filesystem_mirror {{\n    path    = {:?}\n    include = [\"registry.terraform.io/nhi/*\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/nhi/*\"]\n  }}\n}}\n",
        mirror.display().to_string()
    );
    for tf in Terraform::all() {
        let mut wd = Workdir::with_cli_config(&tf, &cli_config);
        wd.set_env("NHI_REGISTRY", format!("sqlite://{}", wd.path().join("r.db").display()));
        wd.write(
            "main.tf",
            format!(
                "terraform {{\n  required_providers {{\n    nhi = {{\n      source  = \"nhi/nhi\"\n      version = \"{VERSION}\"\n    }}\n  }}\n}}\n\nresource \"nhi_service_account\" \"a\" {{\n  name       = \"released\"\n  owner      = \"o@example.com\"\n  purpose    = \"Installed from the release zip\"\n  expires_at = \"{}\"\n}}\n",
                days_from_now(60)
            ),
        );
        wd.init().assert_contains(&format!("Installed nhi/nhi v{VERSION}"));
        let lock = fs::read_to_string(wd.path().join(".terraform.lock.hcl")).expect("init writes the lock file");
        assert!(lock.contains("h1:"), "the lock file records the package hash:\n{lock}");
        wd.apply().assert_contains("1 added");
        wd.assert_plan_empty();
        wd.destroy().assert_contains("1 destroyed");
        // The test clock does not exist in a release build: setting it is refused, not obeyed.
        wd.set_env("NHI_TEST_CLOCK_OFFSET", "31d");
        wd.run_expect(&["plan"], 1)
            .assert_contains("The provider's clock cannot be set up")
            .assert_contains("exists only in debug builds");
    }

    // The linter tarball: one directory holding the binary, which runs and finds a key.
    let unpacked = scratch.path().join("lint");
    fs::create_dir_all(&unpacked).unwrap();
    let (ok, text) = run(Command::new("tar").arg("-xzf").arg(dist.join(&tarball)).arg("-C").arg(&unpacked));
    assert!(ok, "{text}");
    let bin = unpacked.join(format!("nhi-lint_{VERSION}_linux_amd64/nhi-lint"));
    let (ok, text) = run(Command::new(&bin).arg("--version"));
    assert!(ok && text.contains(VERSION), "{text}");
    let project = scratch.path().join("project");
    fs::create_dir_all(&project).unwrap();
    fs::write(project.join("main.tf"), "resource \"aws_iam_access_key\" \"ci\" {\n  user = \"ci\"\n}\n").unwrap();
    let o = Command::new(&bin).args(["check", "--format", "json", "."]).current_dir(&project).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"NHI101\""));

    // The admin tarball: nhi runs and reads the registry the mirror-installed provider used.
    let (ok, text) = run(Command::new("tar").arg("-xzf").arg(dist.join(&admin_tarball)).arg("-C").arg(&unpacked));
    assert!(ok, "{text}");
    let nhi = unpacked.join(format!("nhi_{VERSION}_linux_amd64/nhi"));
    let (ok, text) = run(Command::new(&nhi).arg("--version"));
    assert!(ok && text.contains(VERSION), "{text}");
    let registry = scratch.path().join("admin.db");
    let o = Command::new(&nhi)
        .args(["--registry", &format!("sqlite://{}", registry.display()), "inventory"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "a missing registry is an error");
    assert!(!registry.exists(), "and is not created");
    let o = Command::new(&nhi).args(["verify-key", "nhik_x"]).env("NHI_TEST_CLOCK_OFFSET", "31d").output().unwrap();
    assert_eq!(o.status.code(), Some(2), "a release nhi refuses the test clock");
    assert!(String::from_utf8_lossy(&o.stderr).contains("exists only in debug builds"));

    // Same commit, same bytes.
    let again = scratch.path().join("again");
    release(&again);
    for name in &names {
        assert!(
            fs::read(dist.join(name)).unwrap() == fs::read(again.join(name)).unwrap(),
            "{name} differs between two runs"
        );
    }
}
