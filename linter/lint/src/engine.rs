//! Finding files, parsing them in parallel, evaluating each module (standalone and through
//! local module calls), running the rules, applying suppressions, and ordering the result.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use nhi_core::{Policy, Timestamp};
use rayon::prelude::*;

use crate::eval::{Env, Value};
use crate::model::{Block, Expr};
use crate::registry::{self, Entry};
use crate::rule::{Category, Ctx, ModuleView, RawFinding, Severity};
use crate::source::{Position, SourceFile};
use crate::suppress;

/// How deep local module calls are followed.
const MAX_MODULE_DEPTH: usize = 6;

/// What a run needs besides the files.
#[derive(Debug, Clone)]
pub struct Settings {
    pub policy: Policy,
    /// "Now", injected: expiry and suppression due dates are judged against it.
    pub now: Timestamp,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub non_ignorable: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    /// Root variable values from `-var` and `--var-file`.
    pub vars: BTreeMap<String, Value>,
}

impl Settings {
    pub fn new(now: Timestamp) -> Self {
        Self {
            policy: Policy::default(),
            now,
            select: Vec::new(),
            ignore: Vec::new(),
            non_ignorable: Vec::new(),
            severity: BTreeMap::new(),
            vars: BTreeMap::new(),
        }
    }

    /// Applies a configuration file's settings; command-line selections are added later.
    pub fn apply_config(&mut self, c: &crate::config::Config) -> Result<(), String> {
        self.policy = c.policy()?;
        self.select.extend(c.select.iter().cloned());
        self.ignore.extend(c.ignore.iter().cloned());
        self.non_ignorable.extend(c.non_ignorable.iter().cloned());
        self.severity.extend(c.severity.iter().map(|(k, v)| (k.clone(), *v)));
        Ok(())
    }

    pub fn enabled(&self, e: &Entry) -> bool {
        let selected = self.select.is_empty() || self.select.iter().any(|s| registry::selector_matches(s, e));
        selected && !self.ignore.iter().any(|s| registry::selector_matches(s, e))
    }

    fn severity_of(&self, e: &Entry) -> Severity {
        self.severity
            .get(e.code)
            .or_else(|| self.severity.get(e.rule.meta().name))
            .copied()
            .unwrap_or(e.rule.meta().severity)
    }

    fn ignorable(&self, e: &Entry) -> bool {
        !self.non_ignorable.iter().any(|s| registry::selector_matches(s, e))
    }
}

/// One finding, ready to print.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    /// The source file, or for a plan finding without HCL source the plan file.
    pub path: String,
    /// `None` when the finding could not be mapped to a source line (a plan linted without
    /// its configuration): then `address` is the only location.
    pub start: Option<Position>,
    pub end: Option<Position>,
    pub address: String,
    pub help: String,
    pub url: String,
    /// Plan findings: the planned instances (`x.y[0]`, `module.m["a"].x.y`) sharing this
    /// configuration block.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<String>,
    /// Plan findings: `create`, `update` or `replace`; several joined by `+` when the
    /// block's instances differ (`create+update`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Plan findings: whether every instance already had this finding in the prior state
    /// (an update that does not introduce it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preexisting: Option<bool>,
    /// Index into [`Report::files`]; `None` with `start`.
    #[serde(skip)]
    pub file: Option<usize>,
    #[serde(skip)]
    pub span: std::ops::Range<usize>,
}

/// A file that could not be read or parsed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileError {
    pub path: String,
    pub message: String,
    pub start: Option<Position>,
    #[serde(skip)]
    pub file: Option<usize>,
    #[serde(skip)]
    pub offset: usize,
}

#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// Set when the input was a plan rather than HCL files.
    pub plan: Option<crate::plan::PlanSummary>,
    /// Set when a baseline was applied to `findings`.
    pub baseline: Option<crate::baseline::Outcome>,
    pub errors: Vec<FileError>,
    /// Every file read, in the order `Finding::file` indexes.
    pub files: Vec<Arc<SourceFile>>,
    pub bytes: u64,
}

fn is_terraform_file(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    [".tf", ".tofu", ".tf.json", ".tofu.json", ".tfvars"].iter().any(|ext| name.ends_with(ext))
}

/// Removes `.` and resolves `..` lexically, keeping relative paths relative.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    let pb: PathBuf = out.iter().collect();
    if pb.as_os_str().is_empty() { PathBuf::from(".") } else { pb }
}

/// Lists the Terraform files under `paths`, respecting `.gitignore`, sorted.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<FileError>) {
    let mut files = BTreeSet::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.is_file() {
            files.insert(normalize(p));
            continue;
        }
        if !p.is_dir() {
            errors.push(FileError {
                path: p.display().to_string(),
                message: "no such file or directory".into(),
                start: None,
                file: None,
                offset: 0,
            });
            continue;
        }
        let walker = ignore::WalkBuilder::new(p).require_git(false).build();
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) && is_terraform_file(e.path()) => {
                    files.insert(normalize(e.path()));
                }
                Ok(_) => {}
                Err(err) => errors.push(FileError {
                    path: p.display().to_string(),
                    message: err.to_string(),
                    start: None,
                    file: None,
                    offset: 0,
                }),
            }
        }
    }
    (files.into_iter().collect(), errors)
}

fn read_and_parse(path: &Path) -> Result<(SourceFile, Option<FileError>), FileError> {
    let bytes = std::fs::read(path).map_err(|e| FileError {
        path: path.display().to_string(),
        message: e.to_string(),
        start: None,
        file: None,
        offset: 0,
    })?;
    let text = String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Ok(match SourceFile::parse(path.to_owned(), text) {
        (f, None) => (f, None),
        (f, Some(e)) => {
            let err = FileError {
                path: path.display().to_string(),
                message: e.message,
                start: Some(f.position(e.offset)),
                file: None,
                offset: e.offset,
            };
            (f, Some(err))
        }
    })
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
    let entries: Vec<&Entry> = registry::RULES.iter().filter(|e| settings.enabled(e)).collect();
    let results: Vec<DirResult> =
        by_dir.par_iter().map(|(dir, paths)| lint_dir(dir, paths, settings, &entries)).collect();

    let mut report = Report::default();
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
    report.findings = finish(raw, &files, settings, true);
    report.files = files;
    report
        .findings
        .sort_by(|a, b| (&a.path, a.span.start, a.code, &a.address).cmp(&(&b.path, b.span.start, b.code, &b.address)));
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

fn lint_dir(dir: &Path, paths: &[PathBuf], settings: &Settings, entries: &[&Entry]) -> DirResult {
    let mut r = DirResult { files: Vec::new(), own: Vec::new(), raw: Vec::new(), errors: Vec::new() };
    let mut by_dir: BTreeMap<PathBuf, Vec<usize>> = BTreeMap::new();
    let mut load = |r: &mut DirResult, d: &Path, paths: &[PathBuf], own: bool| {
        let parsed: Vec<_> = paths.par_iter().map(|p| read_and_parse(p)).collect();
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
    for _ in 0..MAX_MODULE_DEPTH {
        let dirs: BTreeSet<PathBuf> =
            frontier.iter().flat_map(|&i| local_module_dirs(&r.files[i])).filter(|d| !loaded.contains(d)).collect();
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
    let mut stack = vec![dir.to_owned()];
    let mut raw = Vec::new();
    run_module(&refs, &by_dir, &own_ids, Inputs::Root(inputs), "", settings, entries, &mut stack, &mut raw);
    r.raw = raw;
    for f in &mut r.files {
        f.release_tree();
    }
    r
}

pub(crate) fn parent(p: &Path) -> PathBuf {
    normalize(p.parent().unwrap_or(Path::new(".")))
}

pub(crate) fn dir_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && is_terraform_file(p))
        .map(|p| normalize(&p))
        .collect();
    v.sort();
    v
}

/// `terraform.tfvars` and `*.auto.tfvars` in a directory, as Terraform loads them for a root.
fn auto_tfvars(dir: &Path) -> HashMap<String, Value> {
    let mut out = HashMap::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            n == "terraform.tfvars" || n.ends_with(".auto.tfvars")
        })
        .collect();
    names.sort();
    for p in names {
        if let Ok(vars) = read_tfvars(&p) {
            out.extend(vars);
        }
    }
    out
}

/// Reads a `.tfvars` file (HCL attributes, literal values).
pub fn read_tfvars(path: &Path) -> Result<BTreeMap<String, Value>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (f, err) = SourceFile::parse(path.to_owned(), text);
    if let Some(e) = err {
        return Err(format!("{}: {}", path.display(), e.message));
    }
    let env = Env::new(HashMap::new(), HashMap::new(), HashMap::new());
    Ok(f.body.attrs.iter().map(|a| (a.key.clone(), env.eval(&a.expr))).collect())
}

/// Parses a `-var NAME=VALUE` value: an HCL expression when it is one, else the raw string.
pub fn parse_var_value(text: &str) -> Value {
    match crate::model::parse_hcl(&format!("v = {text}")) {
        Ok(body) if body.attrs.len() == 1 => {
            let env = Env::new(HashMap::new(), HashMap::new(), HashMap::new());
            match env.eval(&body.attrs[0].expr) {
                Value::Unknown => Value::Str(text.to_owned()),
                v => v,
            }
        }
        _ => Value::Str(text.to_owned()),
    }
}

pub(crate) fn local_source(b: &Block) -> Option<&str> {
    let s = b.body.attr("source")?.expr.as_str()?;
    (s.starts_with("./") || s.starts_with("../")).then_some(s)
}

fn local_module_dirs(f: &SourceFile) -> Vec<PathBuf> {
    f.body.blocks("module").filter_map(local_source).map(|s| normalize(&parent(&f.path).join(s))).collect()
}

enum Inputs {
    /// A root module: variables default, overridden by tfvars / `-var`.
    Root(HashMap<String, Value>),
    /// A called module: variables the caller passes, else their defaults.
    Call(HashMap<String, Value>),
}

const META_ARGS: [&str; 6] = ["source", "version", "count", "for_each", "providers", "depends_on"];

#[allow(clippy::too_many_arguments)]
fn run_module(
    files: &[&SourceFile],
    by_dir: &BTreeMap<PathBuf, Vec<usize>>,
    ids: &[usize],
    inputs: Inputs,
    prefix: &str,
    settings: &Settings,
    entries: &[&Entry],
    stack: &mut Vec<PathBuf>,
    out: &mut Vec<RawFinding>,
) {
    let mods: Vec<&SourceFile> = ids.iter().map(|&i| files[i]).collect();
    let mut vars = HashMap::new();
    let mut locals: HashMap<String, &Expr> = HashMap::new();
    let mut docs: HashMap<String, &Block> = HashMap::new();
    let empty = Env::new(HashMap::new(), HashMap::new(), HashMap::new());
    for f in &mods {
        for b in &f.body.blocks {
            match (b.ident.as_str(), b.labels.first()) {
                ("variable", Some(name)) => {
                    let default = b.body.attr("default").map_or(Value::Unknown, |a| empty.eval(&a.expr));
                    vars.insert(name.clone(), default);
                }
                ("locals", _) => {
                    for a in &b.body.attrs {
                        locals.insert(a.key.clone(), &a.expr);
                    }
                }
                ("data", Some(t)) if t == "aws_iam_policy_document" || t == "aws_iam_policy" => {
                    if let Some(n) = b.labels.get(1) {
                        docs.insert(format!("{t}.{n}"), b);
                    }
                }
                _ => {}
            }
        }
    }
    match inputs {
        Inputs::Root(given) => {
            for (k, v) in given {
                if vars.contains_key(&k) {
                    vars.insert(k, v);
                }
            }
        }
        Inputs::Call(given) => {
            for (k, v) in vars.iter_mut() {
                if let Some(g) = given.get(k) {
                    *v = g.clone();
                }
            }
        }
    }
    let dir = mods.first().map(|f| parent(&f.path));
    let mut env = Env::new(vars, locals, docs);
    if let Some(d) = dir {
        env = env.with_module_dir(d);
    }
    let view = ModuleView {
        files: &mods,
        file_ids: ids,
        env: &env,
        prefix,
        policies: Default::default(),
        index: Default::default(),
    };
    for e in entries {
        let mut cx = Ctx { view: &view, policy: &settings.policy, now: settings.now, code: e.code, out: Vec::new() };
        e.rule.check(&mut cx);
        out.append(&mut cx.out);
    }
    if stack.len() > MAX_MODULE_DEPTH {
        return;
    }
    for f in &mods {
        for b in f.body.blocks("module") {
            let (Some(src), Some(name)) = (local_source(b), b.labels.first()) else { continue };
            let dir = normalize(&parent(&f.path).join(src));
            if stack.contains(&dir) {
                continue;
            }
            let Some(child_ids) = by_dir.get(&dir) else { continue };
            let given: HashMap<String, Value> = b
                .body
                .attrs
                .iter()
                .filter(|a| !META_ARGS.contains(&a.key.as_str()))
                .map(|a| (a.key.clone(), env.eval(&a.expr)))
                .collect();
            let child_prefix = format!("{prefix}module.{name}.");
            stack.push(dir);
            run_module(files, by_dir, child_ids, Inputs::Call(given), &child_prefix, settings, entries, stack, out);
            stack.pop();
        }
    }
}

/// Deduplicates, applies suppressions, adds suppression-hygiene findings (when `hygiene`) and
/// stamps metadata.
pub(crate) fn finish(
    raw: Vec<RawFinding>,
    files: &[Arc<SourceFile>],
    settings: &Settings,
    hygiene_findings: bool,
) -> Vec<Finding> {
    // One finding per source block and code: calls of one module collapse onto the block.
    let mut best: BTreeMap<(usize, String, &'static str), RawFinding> = BTreeMap::new();
    for f in raw {
        let k = (f.file, f.key.clone(), f.code);
        match best.get(&k) {
            Some(old)
                if (old.address.len(), &old.address, old.span.start) <= (f.address.len(), &f.address, f.span.start) => {
            }
            _ => {
                best.insert(k, f);
            }
        }
    }
    let mut by_file: BTreeMap<usize, Vec<RawFinding>> = BTreeMap::new();
    for (_, f) in best {
        by_file.entry(f.file).or_default().push(f);
    }
    let today = jiff::tz::Offset::UTC.to_datetime(settings.now).date();
    let work: Vec<(usize, Vec<RawFinding>)> =
        (0..files.len()).map(|id| (id, by_file.remove(&id).unwrap_or_default())).collect();
    work.into_par_iter()
        .flat_map_iter(|(id, found)| finish_file(id, &files[id], found, today, settings, hygiene_findings))
        .collect()
}

/// Suppressions and stamping for one file.
fn finish_file(
    id: usize,
    file: &SourceFile,
    found: Vec<RawFinding>,
    today: jiff::civil::Date,
    settings: &Settings,
    hygiene_findings: bool,
) -> Vec<Finding> {
    let mut out = Vec::new();
    {
        let sups = suppress::parse(&file.text);
        let first_block = file.first_block;
        let mut used = vec![false; sups.len()];
        let valid: Vec<bool> = sups
            .iter()
            .map(|s| {
                s.reason.is_some()
                    && matches!(&s.until, Some(Ok(d)) if *d >= today)
                    && (!s.file_level || s.span.start < first_block)
            })
            .collect();
        for f in found {
            let Some(entry) = registry::find(f.code) else { continue };
            let line = file.line_of(f.span.start);
            let mut suppressed = false;
            if settings.ignorable(entry) {
                for (i, s) in sups.iter().enumerate() {
                    let names_it = s.codes.iter().any(|c| c == entry.code || c == entry.rule.meta().name);
                    if names_it && s.covers_line(line) && (!s.file_level || s.span.start < first_block) {
                        used[i] = true;
                        suppressed |= valid[i];
                    }
                }
            }
            if !suppressed {
                out.push(stamp(f, entry, file, settings));
            }
        }
        for (i, s) in sups.iter().enumerate().filter(|_| hygiene_findings) {
            for (code, message, help) in hygiene(s, used[i], today, settings) {
                let Some(entry) = registry::find(code) else { continue };
                if !settings.enabled(entry) {
                    continue;
                }
                let raw = RawFinding {
                    code,
                    file: id,
                    span: s.span.clone(),
                    message,
                    help,
                    address: format!("line {}", s.line),
                    key: String::new(),
                };
                out.push(stamp(raw, entry, file, settings));
            }
        }
    }
    out
}

fn hygiene(
    s: &suppress::Suppression,
    used: bool,
    today: jiff::civil::Date,
    settings: &Settings,
) -> Vec<(&'static str, String, String)> {
    let mut v = Vec::new();
    let codes = s.codes.join(", ");
    if s.reason.is_none() {
        v.push((
            "NHI402",
            format!("suppression of {codes} gives no reason"),
            "add reason=\"why this is acceptable, with a ticket\" to the comment".to_owned(),
        ));
    }
    match &s.until {
        None => v.push((
            "NHI403",
            format!("suppression of {codes} has no expiry date"),
            "add until=YYYY-MM-DD, the date by which the exception must be resolved".to_owned(),
        )),
        Some(Err(bad)) => v.push((
            "NHI403",
            format!("suppression of {codes} has an unreadable expiry date {bad:?}"),
            "write the date as until=YYYY-MM-DD".to_owned(),
        )),
        Some(Ok(d)) if *d < today => v.push((
            "NHI404",
            format!("suppression of {codes} expired on {d}"),
            "fix the finding, or renew the exception with a new until= date and reason".to_owned(),
        )),
        _ => {}
    }
    let unknown: Vec<&String> = s.codes.iter().filter(|c| registry::find(c).is_none()).collect();
    if s.codes.is_empty() {
        v.push((
            "NHI405",
            "suppression names no rule".to_owned(),
            "name the codes to ignore, e.g. `nhi-lint:ignore NHI101`".to_owned(),
        ));
    } else if !unknown.is_empty() {
        let list: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
        v.push((
            "NHI405",
            format!("suppression names unknown rule {}", list.join(", ")),
            "use a code listed by `nhi-lint rules`".to_owned(),
        ));
    }
    let all_enabled =
        !s.codes.is_empty() && s.codes.iter().all(|c| registry::find(c).is_some_and(|e| settings.enabled(e)));
    if !used && all_enabled {
        v.push((
            "NHI406",
            format!("suppression of {codes} matches no finding"),
            "remove the comment: the finding it was for is gone (or it is not on the same or the next line)".to_owned(),
        ));
    }
    v
}

fn stamp(f: RawFinding, entry: &Entry, file: &SourceFile, settings: &Settings) -> Finding {
    let (start, end, id) = (file.position(f.span.start), file.position(f.span.end), f.file);
    let mut out = stamp_unlocated(f, entry, file.path.display().to_string(), settings);
    (out.start, out.end, out.file) = (Some(start), Some(end), Some(id));
    out
}

/// A finding whose only location is its address (and the file it was read from).
pub(crate) fn stamp_unlocated(f: RawFinding, entry: &Entry, path: String, settings: &Settings) -> Finding {
    let meta = entry.rule.meta();
    Finding {
        code: entry.code,
        name: meta.name,
        category: meta.category,
        severity: settings.severity_of(entry),
        message: f.message,
        path,
        start: None,
        end: None,
        address: f.address,
        help: f.help,
        url: registry::docs_url(entry.code, meta.name),
        instances: Vec::new(),
        action: None,
        preexisting: None,
        file: None,
        span: f.span,
    }
}
