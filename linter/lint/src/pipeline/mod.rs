//! The one pipeline `check` and `plan` share: modules in, one rule loop ([`run_rules`]), one
//! end ([`finish`]): dedupe, suppress, stamp, sort. `check` builds its modules from files
//! ([`discover`], [`inputs`], [`modules`]); `plan` builds them from planned instances.

mod discover;
mod finish;
mod inputs;
mod modules;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

pub use discover::{dir_files, discover, local_source, normalize, parent};
pub use finish::{Hygiene, finish};
pub use inputs::{TfvarsError, parse_var_value, read_tfvars};

use crate::codes::{self, Entry};
use crate::eval::Value;
use crate::facts::{Facts, FileFacts};
use crate::query::ModuleView;
use crate::report::{FileError, Report};
use crate::rule::{Ctx, OnPlan, RawFinding};
use crate::settings::Settings;
use crate::syntax::SourceFile;
use discover::{downloaded_modules, local_module_dirs, read_and_parse};
use inputs::auto_tfvars;
use modules::{Inputs, ModuleRunner};

/// How deep local module calls are followed.
pub(crate) const MAX_MODULE_DEPTH: usize = 6;

/// The rules a run applies, in code order.
pub struct RuleSet<'s> {
    entries: Vec<&'s Entry>,
}

impl RuleSet<'static> {
    /// The rules `settings` enable, for HCL.
    pub fn for_check(settings: &Settings) -> Self {
        Self { entries: codes::RULES.iter().filter(|e| settings.enabled(e)).collect() }
    }

    /// The rules `settings` enable that mean something on a plan.
    pub fn for_plan(settings: &Settings) -> Self {
        let on_plan = |e: &Entry| e.rule.meta().on_plan != OnPlan::Never;
        Self { entries: codes::RULES.iter().filter(|e| settings.enabled(e) && on_plan(e)).collect() }
    }
}

impl<'s> RuleSet<'s> {
    pub fn entries(&self) -> &[&'s Entry] {
        &self.entries
    }
}

/// The one rule loop: every rule of `rules` over one module view and its facts.
pub fn run_rules<'a>(
    view: &'a ModuleView<'a>,
    facts: &'a Facts<'a>,
    settings: &'a Settings,
    rules: &RuleSet<'_>,
) -> Vec<RawFinding> {
    let mut out = Vec::new();
    for e in rules.entries() {
        let mut cx = Ctx::new(view, facts, &settings.policy, settings.now, e.code);
        e.rule.check(&mut cx);
        out.extend(cx.into_findings());
    }
    out
}

/// Lints the files and directories in `paths`.
pub fn lint_paths(paths: &[PathBuf], settings: &Settings) -> Report {
    let (list, mut errors) = discover(paths);
    let mut report = lint_files(&list, settings);
    errors.append(&mut report.errors);
    report.errors = errors;
    report
}

/// Lints an explicit list of files (plus the local modules they call).
///
/// Each directory is one task: its files, plus the local modules it calls (read again for
/// each caller). Its syntax trees are dropped as soon as its rules have run, so memory stays
/// flat however large the tree is.
pub fn lint_files(list: &[PathBuf], settings: &Settings) -> Report {
    let mut by_dir: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for p in list {
        by_dir.entry(parent(p)).or_default().push(p.clone());
    }
    let rules = RuleSet::for_check(settings);
    let task = |(dir, paths): (&PathBuf, &Vec<PathBuf>)| lint_dir(dir, paths, settings, &rules);
    // The thread pool costs more to start than one directory takes to lint.
    let results: Vec<DirResult> =
        if by_dir.len() > 1 { by_dir.par_iter().map(task).collect() } else { by_dir.iter().map(task).collect() };

    let mut report = Report { docs_base: settings.docs_base.clone(), ..Report::default() };
    let mut ids: HashMap<PathBuf, usize> = HashMap::new();
    let mut files: Vec<Arc<SourceFile>> = Vec::new();
    let mut raw = Vec::new();
    for r in results {
        let mut map = Vec::with_capacity(r.files.len());
        for (f, own) in r.files.into_iter().zip(r.own) {
            if own {
                report.bytes += f.text.len() as u64;
            }
            let id = match ids.get(&f.path) {
                Some(id) => *id,
                None => {
                    ids.insert(f.path.clone(), files.len());
                    files.push(Arc::new(f));
                    files.len() - 1
                }
            };
            map.push(id);
        }
        for mut e in r.errors {
            e.file = e.file.map(|local| map[local]);
            report.errors.push(e);
        }
        for mut f in r.raw {
            f.file = map[f.file];
            raw.push(f);
        }
    }
    report.findings = finish(raw, Vec::new(), "", &files, settings, &rules, Hygiene::Judge);
    report.files = files;
    report.errors.sort_by(|a, b| (&a.path, a.offset).cmp(&(&b.path, b.offset)));
    report
}

/// What one directory task produces; file ids are indices into `files`.
struct DirResult {
    files: Vec<SourceFile>,
    /// Whether each file belongs to the task's own directory (not a called module).
    own: Vec<bool>,
    raw: Vec<RawFinding>,
    errors: Vec<FileError>,
}

fn lint_dir(dir: &Path, paths: &[PathBuf], settings: &Settings, rules: &RuleSet<'_>) -> DirResult {
    let mut r = DirResult { files: Vec::new(), own: Vec::new(), raw: Vec::new(), errors: Vec::new() };
    let mut by_dir: BTreeMap<PathBuf, Vec<usize>> = BTreeMap::new();
    let mut load = |r: &mut DirResult, d: &Path, paths: &[PathBuf], own: bool| {
        let parsed: Vec<_> = if paths.len() > 1 {
            paths.par_iter().map(|p| read_and_parse(p, settings.overlay.as_ref())).collect()
        } else {
            paths.iter().map(|p| read_and_parse(p, settings.overlay.as_ref())).collect()
        };
        let ids = by_dir.entry(d.to_owned()).or_default();
        for p in parsed {
            match p {
                Ok((f, err)) => {
                    if let Some(mut e) = err
                        && own
                    {
                        e.file = Some(r.files.len());
                        r.errors.push(e);
                    }
                    ids.push(r.files.len());
                    r.files.push(f);
                    r.own.push(own);
                }
                Err(e) if own => r.errors.push(e),
                Err(_) => {}
            }
        }
    };
    load(&mut r, dir, paths, true);
    // The local modules called from here, transitively, up to the depth calls are followed.
    let mut frontier: Vec<usize> = (0..r.files.len()).collect();
    let mut loaded: HashSet<PathBuf> = HashSet::from([dir.to_owned()]);
    // Registry and git modules that `terraform init` downloaded for this root.
    let downloaded = downloaded_modules(dir);
    let mut pending: BTreeSet<PathBuf> = downloaded.values().cloned().collect();
    for _ in 0..MAX_MODULE_DEPTH {
        let dirs: BTreeSet<PathBuf> = frontier
            .iter()
            .flat_map(|&i| local_module_dirs(&r.files[i]))
            .chain(std::mem::take(&mut pending))
            .filter(|d| !loaded.contains(d))
            .collect();
        if dirs.is_empty() {
            break;
        }
        let before = r.files.len();
        for d in dirs {
            loaded.insert(d.clone());
            load(&mut r, &d, &dir_files(&d), false);
        }
        frontier = (before..r.files.len()).collect();
    }
    let by_dir = by_dir;
    let mut inputs: HashMap<String, Value> = auto_tfvars(dir);
    inputs.extend(settings.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
    let own_ids: Vec<usize> = by_dir.get(dir).cloned().unwrap_or_default();
    let refs: Vec<&SourceFile> = r.files.iter().collect();
    let facts = FileFacts::new(refs.len());
    let runner = ModuleRunner {
        files: &refs,
        by_dir: &by_dir,
        facts: &facts,
        settings,
        rules,
        downloaded: &downloaded,
        standalone: Default::default(),
    };
    let mut stack = vec![dir.to_owned()];
    let mut raw = Vec::new();
    runner.run(&own_ids, Inputs::Root(inputs), "", &mut stack, &mut raw);
    r.raw = raw;
    for f in &mut r.files {
        f.release_tree();
    }
    r
}
