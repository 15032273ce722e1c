//! Every rule: its fixture, linted with only that rule selected, against an insta snapshot.
//! Fixture blocks named `bad…` must be flagged and blocks named `ok…` must not.

use std::path::{Path, PathBuf};

use nhi_lint::codes::{self, RULES};
use nhi_lint::rule::OnPlan;
use nhi_lint::{Settings, lint_paths};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

/// Every rule runs, the opt-in ones included: each fixture tests its rule.
pub fn settings() -> Settings {
    let mut s = Settings::new(nhi_core::parse_timestamp("2026-06-01T00:00:00Z").unwrap());
    s.select = vec!["all".into()];
    s
}

/// The fixture of a rule: `CODE.tf`, or a directory `CODE/` for cases that need modules.
fn fixture(code: &str) -> Option<PathBuf> {
    let file = fixtures().join(format!("{code}.tf"));
    let dir = fixtures().join(code);
    if file.is_file() {
        Some(file)
    } else if dir.is_dir() {
        Some(dir)
    } else {
        None
    }
}

fn render(code: &str, path: &Path) -> (String, Vec<nhi_lint::Finding>) {
    // All rules run (suppressions interact with other rules); the snapshot keeps this one's.
    let s = settings();
    // Run from the fixtures directory so that paths in snapshots are short and stable.
    let rel = path.strip_prefix(fixtures()).unwrap().to_owned();
    let cwd = std::env::current_dir().unwrap();
    let report = {
        let _guard = CwdGuard::enter(&fixtures(), cwd);
        lint_paths(&[rel], &s)
    };
    assert!(report.errors.is_empty(), "{code}: fixture does not parse: {:?}", report.errors);
    let findings: Vec<nhi_lint::Finding> = report.findings.into_iter().filter(|f| f.code == code).collect();
    let mut text = String::new();
    for f in &findings {
        text.push_str(&format!(
            "{}:{}:{}-{}:{} {} {} [{}]\n    {}\n    help: {}\n",
            f.path,
            f.start.map_or(0, |p| p.line),
            f.start.map_or(0, |p| p.column),
            f.end.map_or(0, |p| p.line),
            f.end.map_or(0, |p| p.column),
            f.code,
            f.severity.as_str(),
            f.address,
            f.message,
            f.help
        ));
    }
    (text, findings)
}

static CWD: std::sync::Mutex<()> = std::sync::Mutex::new(());

struct CwdGuard {
    prev: PathBuf,
    _lock: std::sync::MutexGuard<'static, ()>,
}

impl CwdGuard {
    fn enter(dir: &Path, prev: PathBuf) -> Self {
        let lock = CWD.lock().unwrap_or_else(|e| e.into_inner());
        std::env::set_current_dir(dir).unwrap();
        Self { prev, _lock: lock }
    }
}

impl Drop for CwdGuard {
    fn drop(&mut self) {
        let _ = std::env::set_current_dir(&self.prev);
    }
}

/// Names of `bad…` blocks (resources, data, variables, locals, providers) in a fixture.
fn bad_names(path: &Path) -> Vec<String> {
    let files: Vec<PathBuf> = if path.is_dir() { walk(path) } else { vec![path.to_owned()] };
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for line in text.lines() {
            let t = line.trim_start();
            let words: Vec<&str> = t.split(|c: char| c == '"' || c.is_whitespace()).filter(|w| !w.is_empty()).collect();
            if let Some(first) = words.first()
                && ["resource", "data", "variable", "ephemeral", "module"].contains(first)
                && let Some(name) = words.iter().skip(1).take(2).rev().find(|w| **w != "{").copied()
                && name.starts_with("bad")
            {
                out.push(name.to_owned());
            }
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            v.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "tf") {
            v.push(p);
        }
    }
    v.sort();
    v
}

#[test]
fn every_rule_against_its_fixture() {
    let mut failures = Vec::new();
    for e in RULES {
        let Some(path) = fixture(e.code) else {
            failures.push(format!("{}: no fixture", e.code));
            continue;
        };
        let (text, findings) = render(e.code, &path);
        if findings.is_empty() {
            failures.push(format!("{}: the fixture produces no finding", e.code));
        }
        // Rules about suppression comments report on comments, not on named blocks.
        if e.rule.meta().on_plan != OnPlan::Never {
            for f in &findings {
                let last = f.address.rsplit('.').next().unwrap_or("");
                if !f.address.contains("bad") || last.starts_with("ok") {
                    failures.push(format!("{}: unexpected finding on {} ({})", e.code, f.address, f.message));
                }
            }
            for name in bad_names(&path) {
                if !findings.iter().any(|f| f.address.split('.').any(|seg| seg == name)) {
                    failures.push(format!("{}: `{name}` is not flagged", e.code));
                }
            }
        }
        insta::with_settings!({ snapshot_path => "snapshots/rules", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(e.code, text);
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn codes_and_names_are_unique_and_every_rule_is_documented() {
    let mut codes = std::collections::BTreeSet::new();
    let mut names = std::collections::BTreeSet::new();
    for e in RULES {
        let m = e.rule.meta();
        assert!(codes.insert(e.code), "duplicate code {}", e.code);
        assert!(names.insert(m.name), "duplicate name {}", m.name);
        assert!(e.code.len() == 6 && e.code.starts_with("NHI"), "{}", e.code);
        let expected_category = match &e.code[3..4] {
            "1" => "static-credential",
            "2" => "excessive-scope",
            "3" => "missing-ttl",
            _ => "governance",
        };
        assert_eq!(m.category.as_str(), expected_category, "{} is in the wrong code range", e.code);
        assert!(m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}", m.name);
        assert!(!m.name.starts_with("no-"), "{}: name the pattern, not the cure", m.name);
        let docs = codes::docs(e);
        for heading in ["## What it does", "## Why is this bad?", "## Example", "## Use instead"] {
            assert!(docs.contains(heading), "{}: docs lack {heading:?}", e.code);
        }
        assert!(fixture(e.code).is_some(), "{}: no fixture", e.code);
        let snap = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/snapshots/rules/{}.snap", e.code));
        assert!(snap.is_file(), "{}: no snapshot at {}", e.code, snap.display());
    }
}

/// The pages in linter/docs/rules are generated from the rules; `UPDATE_DOCS=1` rewrites them.
#[test]
fn rule_docs_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules");
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let mut expected: Vec<(PathBuf, String)> =
        RULES.iter().map(|e| (dir.join(format!("{}.md", e.code)), codes::docs_page(e))).collect();
    expected.push((dir.join("README.md"), codes::docs_index()));
    expected.push((dir.join("credential-lifecycle.md"), nhi_lint::coverage::page()));
    let mut stale = Vec::new();
    for (path, text) in &expected {
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(path, text).unwrap();
        } else if std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if !expected.iter().any(|(e, _)| *e == p) {
            stale.push(format!("{} (no such rule)", p.display()));
        }
    }
    assert!(stale.is_empty(), "run `UPDATE_DOCS=1 cargo test -p nhi-lint --test rules`; stale: {stale:?}");
}

#[test]
fn the_readme_states_the_number_of_rules() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md")).unwrap();
    let stated = format!("{} rules", RULES.len());
    assert!(
        readme.matches(stated.as_str()).count() >= 2,
        "README.md should say \"{stated}\" where it counts the rules"
    );
}
