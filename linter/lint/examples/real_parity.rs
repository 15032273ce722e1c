//! Plan parity on real code: for every directory of `.tf` files under the given roots, the
//! findings of `nhi-lint check` on the directory's own files against those of `nhi-lint plan`
//! on the plan Terraform would write for it (built as the plan parity test builds one).
//!
//! ```text
//! cargo run --release -p nhi-lint --example real_parity -- [--list] ROOT...
//! ```
//! Prints, per rule, how many findings `check` makes on the roots' directories and how many
//! of them the plan makes too, then the pooled ratio. `--list` also prints every finding that
//! only one side makes, as `code path:line (hcl only|plan only)`. Findings on blocks that the
//! values here switch off (`(conditional: …)`) are left out: no plan holds them. The plan is
//! built from the HCL alone (root module only, no provider schemas, data sources other than
//! policy documents unknown, variables without a default unknown), so a gap is a lead to read,
//! not a verdict: a real plan can know more. With `REAL_PARITY_DUMP=FILE`, the last
//! directory's plan is written to FILE.

#[path = "../tests/support/plan_build.rs"]
mod plan_build;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use nhi_lint::{Finding, Settings, lint_paths, lint_plan};

/// Every directory under `root` (itself included) that holds a `.tf` file.
fn module_dirs(root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    let mut has_tf = false;
    let mut subdirs = Vec::new();
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            subdirs.push(p);
        } else if p.extension().is_some_and(|x| x == "tf") {
            has_tf = true;
        }
    }
    if has_tf {
        out.push(root.to_owned());
    }
    subdirs.sort();
    for d in subdirs {
        module_dirs(&d, out);
    }
}

/// The findings made on files directly in `dir`, as `(code, file, line)`; without those on
/// blocks that the values here switch off (`(conditional: …)`), which a plan does not hold.
fn located(findings: &[Finding], dir: &Path) -> BTreeSet<(&'static str, String, usize)> {
    findings
        .iter()
        .filter(|f| Path::new(&f.path).parent() == Some(dir) && !switched_off(f))
        .filter_map(|f| Some((f.code, f.path.clone(), f.start?.line)))
        .collect()
}

/// A finding on a block that `count`/`for_each` creates only when enabled, and that is off with
/// the values here: declared risk in HCL, absent from a plan of those values.
fn switched_off(f: &Finding) -> bool {
    f.message.contains("(conditional:") && f.message.contains("it is off with the values here")
}

fn main() {
    let mut list = false;
    let mut roots = Vec::new();
    for a in std::env::args().skip(1) {
        if a == "--list" {
            list = true;
        } else {
            roots.push(PathBuf::from(a));
        }
    }
    let mut s = Settings::new(nhi_core::parse_timestamp("2026-06-01T00:00:00Z").unwrap());
    s.select = vec!["all".into()];
    // Per rule: (in HCL, in both, in the plan only).
    let mut per_rule: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let (mut refused, mut off) = (0, 0);
    for root in &roots {
        let hcl = lint_paths(std::slice::from_ref(root), &s);
        off += hcl.findings.iter().filter(|f| switched_off(f)).count();
        let mut dirs = Vec::new();
        module_dirs(root, &mut dirs);
        for dir in dirs {
            let in_hcl = located(&hcl.findings, &dir);
            let plan = plan_build::plan_of(&dir);
            if let Some(to) = std::env::var_os("REAL_PARITY_DUMP") {
                std::fs::write(&to, &plan).unwrap_or_else(|e| panic!("{}: {e}", Path::new(&to).display()));
            }
            let report = match lint_plan(&plan, "plan.json", Some(&dir), &s) {
                Ok(r) => r,
                Err(e) => {
                    refused += 1;
                    eprintln!("{}: the built plan is refused: {e}", dir.display());
                    continue;
                }
            };
            let in_plan = located(&report.findings, &dir);
            for f in &in_hcl {
                let e = per_rule.entry(f.0).or_default();
                e.0 += 1;
                if in_plan.contains(f) {
                    e.1 += 1;
                } else if list {
                    println!("{} {}:{} (hcl only)", f.0, f.1, f.2);
                }
            }
            for f in in_plan.difference(&in_hcl) {
                per_rule.entry(f.0).or_default().2 += 1;
                if list {
                    println!("{} {}:{} (plan only)", f.0, f.1, f.2);
                }
            }
        }
    }
    let (mut hcl, mut both, mut extra) = (0, 0, 0);
    for (code, (h, b, x)) in &per_rule {
        println!("{code}  hcl {h:5}  in plan too {b:5}  plan only {x:4}");
        hcl += h;
        both += b;
        extra += x;
    }
    let ratio = if hcl == 0 { 1.0 } else { both as f64 / hcl as f64 };
    println!(
        "parity: {both}/{hcl} = {ratio:.3} of check's findings also in the plan; {extra} in the plan only; {refused} plans refused"
    );
    println!("left out: {off} findings on blocks that the values here switch off (no plan holds them)");
}
