//! The one pipeline `check` and `plan` share: modules in, one rule loop ([`run_rules`]), one
//! end ([`finish`]): dedupe, suppress, stamp, sort. `check` builds its modules from files
//! ([`discover`], [`inputs`], [`modules`]); `plan` builds them from planned instances.

mod discover;
mod finish;
mod grants;
mod inputs;
mod modules;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

pub use discover::{dir_files, discover, normalize, parent};
pub use finish::{Hygiene, finish};
pub(crate) use grants::reader_reported;
pub use inputs::{TfvarsError, parse_var_value, read_tfvars};
pub(crate) use modules::{Inputs, module_env};

use crate::codes::{self, Entry};
use crate::eval::Value;
use crate::facts::{Facts, FileFacts};
use crate::query::ModuleView;
use crate::report::{FileError, Report};
use crate::rule::{Ctx, OnPlan, RawFinding};
use crate::settings::Settings;
use crate::syntax::SourceFile;
use discover::{downloaded_modules, local_module_dirs, read_and_parse};
use inputs::{auto_tfvars, is_auto_var_file};
use modules::ModuleRunner;

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
    fold_same_risk(&mut out);
    let grants = grants::grant_findings(view, &out);
    fold_grants(&mut out, grants);
    let memberships = grants::membership_findings(view, &out);
    out.extend(memberships);
    let trusts = grants::trust_findings(view, &out);
    out.extend(trusts);
    out
}

/// Findings of one block that are one risk, as (kept, folded into it): blind readers label each
/// pair once on the block (35 policies and 8 IAM grants over the committed batches).
/// - a policy that allows every action of a service and actions on every resource: one policy
///   too broad;
/// - an IAM grant of a basic role, an impersonation role and a service's admin role (one
///   `for_each` over a list of roles): one grant too broad.
///
/// Pairs that are different risks of one block stay apart: a node pool on the default account
/// (NHI209) in a cluster with legacy ABAC (NHI245) is two changes.
const SAME_RISK: [(&str, &str); 4] =
    [("NHI201", "NHI202"), ("NHI206", "NHI207"), ("NHI206", "NHI228"), ("NHI207", "NHI228")];

/// Folds each [`SAME_RISK`] pair on one block into the kept finding, whose message adds the
/// other's words ("…; also `ec2:RunInstances` allowed on every resource").
fn fold_same_risk(out: &mut Vec<RawFinding>) {
    // Most modules have no finding to fold: one pass tells.
    if !out.iter().any(|f| SAME_RISK.iter().any(|(_, folded)| f.code == *folded)) {
        return;
    }
    for (kept, folded) in SAME_RISK {
        if !out.iter().any(|f| f.code == kept) {
            continue;
        }
        let mut gone = vec![false; out.len()];
        for i in 0..out.len() {
            if out[i].code != folded {
                continue;
            }
            let Some(j) =
                out.iter().position(|w| w.code == kept && w.file == out[i].file && w.address == out[i].address)
            else {
                continue;
            };
            let other = out[i].message.clone();
            add_words(&mut out[j], &other);
            gone[i] = true;
        }
        let mut flags = gone.into_iter();
        out.retain(|_| !flags.next().unwrap_or(false));
    }
}

/// Adds another finding's own words to `f`'s message ("…; also …"), before the clauses the
/// engine appends to both (where a module call's value came from, a feature flag).
fn add_words(f: &mut RawFinding, other: &str) {
    let core_end =
        |m: &str| [" (in module `", " (conditional: "].iter().filter_map(|c| m.find(c)).min().unwrap_or(m.len());
    let also = &other[..core_end(other)];
    let at = core_end(&f.message);
    f.message.insert_str(at, &format!("; also {also}"));
}

/// Adds the grants of broad definitions, each folded into a scope finding its block already
/// has (a role that any subject may log in to, and that grants a broad policy, is one risk of
/// that block, labelled once by blind readers): "…; also grants `vault_policy.admin`, which is
/// broad: …".
fn fold_grants(out: &mut Vec<RawFinding>, grants: Vec<RawFinding>) {
    for g in grants {
        let own = out.iter_mut().find(|f| {
            f.file == g.file
                && f.address == g.address
                && codes::find(f.code).is_some_and(|e| e.rule.meta().category == crate::rule::Category::ExcessiveScope)
        });
        match own {
            Some(f) => add_words(f, &g.message),
            None => out.push(g),
        }
    }
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

/// A variable file that Terraform loads only when told to (`-var-file`): not
/// `terraform.tfvars` nor `*.auto.tfvars` (or their `.json` forms).
fn is_named_var_file(path: &Path) -> bool {
    crate::syntax::is_var_file(path) && !is_auto_var_file(path.file_name().and_then(|n| n.to_str()).unwrap_or(""))
}

/// How far above a directory of variable files its root module may be (`env/prod/` → `../..`).
const VAR_FILE_DEPTH: usize = 3;

/// The root module that the variable files of `dir` are for, when `dir` holds variable files
/// only: the nearest directory above it, within [`VAR_FILE_DEPTH`], that declares at least half
/// of the variables the files set (and one at the least).
fn var_file_owner(dir: &Path, own: &[SourceFile]) -> Option<PathBuf> {
    if own.is_empty() || !own.iter().all(|f| crate::syntax::is_var_file(&f.path)) {
        return None;
    }
    let assigned: BTreeSet<&str> = own.iter().flat_map(|f| f.body.attrs.iter().map(|a| a.key.as_str())).collect();
    if assigned.is_empty() {
        return None;
    }
    let mut candidate = dir.parent();
    for _ in 0..VAR_FILE_DEPTH {
        let d = candidate.filter(|d| !d.as_os_str().is_empty())?;
        let declared: BTreeSet<String> = dir_files(d)
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "tf"))
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .flat_map(|text| {
                let (f, _) = SourceFile::parse(PathBuf::new(), text);
                f.body.blocks("variable").filter_map(|b| b.labels.first().cloned()).collect::<Vec<_>>()
            })
            .collect();
        let known = assigned.iter().filter(|a| declared.contains(**a)).count();
        if known > 0 && known * 2 >= assigned.len() {
            return Some(d.to_owned());
        }
        candidate = d.parent();
    }
    None
}

/// What the root module `owner` does wrong only with the values of variable files (findings it
/// has with its own defaults are reported for it already), each reported at the value in the
/// variable file that causes it. Each group of `groups` is one set of files applied together
/// (`-var-file` each); the module on its own is run once for all of them.
fn var_file_findings(
    runner: &ModuleRunner<'_>,
    files: &[&SourceFile],
    owner: &Path,
    owner_ids: &[usize],
    groups: &[Vec<usize>],
    settings: &Settings,
) -> Vec<RawFinding> {
    let mut base_inputs: HashMap<String, Value> = auto_tfvars(owner);
    base_inputs.extend(settings.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
    let run = |inputs| {
        let mut out = Vec::new();
        runner.run(owner_ids, Inputs::Root(inputs), "", &mut vec![owner.to_owned()], &mut out);
        out
    };
    let base: HashSet<(&str, usize, usize, usize)> =
        run(base_inputs.clone()).iter().map(|f| (f.code, f.file, f.span.start, f.span.end)).collect();
    let mut out = Vec::new();
    for group in groups {
        // Where each variable is set: (file id, span of the assignment).
        let mut set_at: BTreeMap<String, (usize, crate::span::Span)> = BTreeMap::new();
        let mut with_files = base_inputs.clone();
        for &id in group {
            let env = crate::eval::Env::new(HashMap::new(), HashMap::new(), HashMap::new());
            for a in &files[id].body.attrs {
                with_files.insert(a.key.clone(), env.eval(&a.expr));
                set_at.insert(a.key.clone(), (id, a.span.clone()));
            }
        }
        with_files.extend(settings.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
        out.extend(group_findings(run(with_files), &base, &set_at, files, owner));
    }
    out
}

/// The findings of one run with variable files that the module's own run did not have, moved
/// to the variable file value they come from.
fn group_findings(
    found: Vec<RawFinding>,
    base: &HashSet<(&str, usize, usize, usize)>,
    set_at: &BTreeMap<String, (usize, crate::span::Span)>,
    files: &[&SourceFile],
    owner: &Path,
) -> Vec<RawFinding> {
    let mut out = Vec::new();
    for f in found {
        if base.contains(&(f.code, f.file, f.span.start, f.span.end)) {
            continue;
        }
        // The variable these files set that the finding's expression reads, else that its
        // block reads (`for_each = toset(var.roles)` behind `role = each.value`).
        let source = &files[f.file];
        let block = source.body.blocks.iter().find(|b| b.span.start <= f.span.start && f.span.end <= b.span.end);
        let texts = [Some(f.span.clone()), block.map(|b| b.span.clone())];
        let Some((name, (file, span))) = texts.into_iter().flatten().find_map(|range| {
            let text = source.text.get(range).unwrap_or("");
            set_at.iter().find(|(name, _)| reads_variable(text, name))
        }) else {
            continue;
        };
        let shown = files[f.file].path.strip_prefix(owner).unwrap_or(&files[f.file].path).display().to_string();
        out.push(RawFinding {
            message: format!("{} (var.{name}, set here, reaches `{}` in {shown})", f.message, f.address),
            file: *file,
            span: span.clone(),
            key: format!("var.{name}"),
            ..f
        });
    }
    out
}

/// Whether `text` reads `var.NAME` (not a longer name that starts with it).
fn reads_variable(text: &str, name: &str) -> bool {
    let needle = format!("var.{name}");
    text.match_indices(&needle).any(|(i, _)| {
        let after = text[i + needle.len()..].chars().next();
        let before = text[..i].chars().next_back();
        !after.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
            && !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
    })
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
    // A directory of variable files only (`env/prod/terraform.tfvars`) holds the values a root
    // module above it is applied with (`-var-file`): that module is loaded too, to be judged
    // with them.
    let owner = var_file_owner(dir, &r.files);
    let mut loaded: HashSet<PathBuf> = HashSet::from([dir.to_owned()]);
    if let Some(owner) = &owner {
        loaded.insert(owner.clone());
        load(&mut r, owner, &dir_files(owner), false);
    }
    // The local modules called from here, transitively, up to the depth calls are followed.
    let mut frontier: Vec<usize> = (0..r.files.len()).collect();
    // Registry and git modules that `terraform init` downloaded for this root.
    let downloaded = downloaded_modules(dir);
    let owner_downloaded = owner.as_deref().map(downloaded_modules).unwrap_or_default();
    let mut pending: BTreeSet<PathBuf> = downloaded.values().chain(owner_downloaded.values()).cloned().collect();
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
        secret_outputs: Default::default(),
        own_dirs: Default::default(),
    };
    let mut stack = vec![dir.to_owned()];
    let mut raw = Vec::new();
    runner.run(&own_ids, Inputs::Root(inputs), "", &mut stack, &mut raw);
    if let Some(owner) = &owner {
        let owner_ids = by_dir.get(owner).cloned().unwrap_or_default();
        let runner = ModuleRunner { downloaded: &owner_downloaded, ..runner };
        raw.extend(var_file_findings(&runner, &refs, owner, &owner_ids, std::slice::from_ref(&own_ids), settings));
    } else {
        // Variable files beside the module that Terraform does not load on its own
        // (`fixtures.us-east-2.tfvars`, `prod.tfvars`): what the module is applied with by
        // `-var-file`, each on its own.
        let named: Vec<Vec<usize>> =
            own_ids.iter().filter(|&&id| is_named_var_file(&refs[id].path)).map(|&id| vec![id]).collect();
        if !named.is_empty() {
            raw.extend(var_file_findings(&runner, &refs, dir, &own_ids, &named, settings));
        }
    }
    r.raw = raw;
    for f in &mut r.files {
        f.release_tree();
    }
    r
}
