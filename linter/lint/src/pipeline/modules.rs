//! Evaluating a module (standalone, or called with its caller's known inputs) and running the
//! rules on it, following local module calls (once per `for_each` instance of a call).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::rc::Rc;

use crate::eval::{Env, Value};
use crate::facts::secrets::{credential_read, plainly_not_secret};
use crate::facts::{Facts, FileFacts};
use crate::query::{ModuleView, OutputKind};
use crate::rule::RawFinding;
use crate::settings::Settings;
use crate::syntax::{Block, Expr, ExprKind, SourceFile, address_of};

use super::discover::{normalize, own_repository_dir, parent};
use super::{MAX_MODULE_DEPTH, RuleSet, run_rules};

/// Where a module's variables get their values.
pub(crate) enum Inputs {
    /// A root module, or a module on its own: variables default, overridden by tfvars /
    /// `-var`. A `null` default means "whoever calls or applies decides": unknown here.
    Root(HashMap<String, Value>),
    /// A called module: variables the caller passes, else their defaults; and for inputs the
    /// caller passes as a plain reference, what that reference is (see [`Env::origin`]); and
    /// the shapes, with holes, of inputs built from values the caller does not know.
    /// Last, for inputs whose value reads a credential of the caller's configuration
    /// (`environment = { DB_PASSWORD = aws_db_instance.db.password }`), what it reads.
    Call(HashMap<String, Value>, HashMap<String, String>, HashMap<String, Value>, HashMap<String, String>),
}

const META_ARGS: [&str; 6] = ["source", "version", "count", "for_each", "providers", "depends_on"];

/// A finding's identity for deduplication: file, unprefixed address, code.
type FindingKey = (usize, String, &'static str);

/// What stays the same while one directory's modules are run.
pub(super) struct ModuleRunner<'r> {
    pub files: &'r [&'r SourceFile],
    /// Module directory → ids (into `files`) of its files.
    pub by_dir: &'r BTreeMap<PathBuf, Vec<usize>>,
    pub facts: &'r FileFacts,
    pub settings: &'r Settings,
    pub rules: &'r RuleSet<'r>,
    /// Modules `terraform init` downloaded for the root: call key → directory.
    pub downloaded: &'r HashMap<String, PathBuf>,
    /// Per module directory: the findings it has on its own, with its variables' defaults.
    pub standalone: RefCell<HashMap<PathBuf, Rc<HashSet<FindingKey>>>>,
    /// Per module directory: its outputs whose value says what they return (a credential, and
    /// whether it is marked `sensitive = true`, or plainly not a secret).
    pub secret_outputs: RefCell<HashMap<PathBuf, Rc<HashMap<String, OutputKind>>>>,
    /// Per calling directory and git source: the directory of the repository being linted it
    /// names, if any ([`own_repository_dir`] reads the disk; calls are resolved once each).
    pub own_dirs: RefCell<HashMap<(PathBuf, String), Option<PathBuf>>>,
}

impl ModuleRunner<'_> {
    /// The directory of the module a `module` block in `f` calls: its local source, else the
    /// copy `terraform init` downloaded for the call (then `true`).
    fn call_dir(&self, f: &SourceFile, b: &Block, prefix: &str) -> Option<(PathBuf, bool)> {
        let name = b.labels.first()?;
        match b.local_source() {
            Some(src) => Some((normalize(&parent(&f.path).join(src)), false)),
            None => self
                .downloaded
                .get(&call_key(prefix, name))
                .map(|d| (d.clone(), true))
                .or_else(|| self.own_dir(f, b).map(|d| (d, false))),
        }
    }

    /// Names of the calls in `mods` with a local source whose directory holds no file linted.
    fn absent_local_calls(&self, mods: &[&SourceFile], prefix: &str) -> HashSet<String> {
        let mut out = HashSet::new();
        for f in mods {
            for b in f.body.blocks("module").filter(|b| b.local_source().is_some()) {
                let (Some(name), Some((dir, _))) = (b.labels.first(), self.call_dir(f, b, prefix)) else { continue };
                if self.by_dir.get(&dir).is_none_or(|ids| ids.is_empty()) {
                    out.insert(name.clone());
                }
            }
        }
        out
    }

    /// [`own_repository_dir`], resolved once per calling directory and source.
    fn own_dir(&self, f: &SourceFile, b: &Block) -> Option<PathBuf> {
        let source = b.body.attr("source")?.expr.as_str()?;
        let key = (parent(&f.path), source.to_owned());
        if let Some(known) = self.own_dirs.borrow().get(&key) {
            return known.clone();
        }
        let dir = own_repository_dir(f, b);
        self.own_dirs.borrow_mut().insert(key, dir.clone());
        dir
    }

    /// For each module call in `mods` whose code is loaded: the outputs of the called module
    /// that return a credential, each with whether it is marked `sensitive = true`, and those
    /// whose value is plainly not a secret (one level deep).
    fn credential_outputs(
        &self,
        mods: &[&SourceFile],
        prefix: &str,
    ) -> HashMap<String, Rc<HashMap<String, OutputKind>>> {
        self.credential_outputs_at(mods, prefix, 0)
    }

    /// [`Self::credential_outputs`], with the outputs that return a credential one of the
    /// module's own calls returns (`value = module.db.admin_password`) counted too, down to
    /// the depth calls are followed.
    fn credential_outputs_at(
        &self,
        mods: &[&SourceFile],
        prefix: &str,
        depth: usize,
    ) -> HashMap<String, Rc<HashMap<String, OutputKind>>> {
        let mut out = HashMap::new();
        for f in mods {
            for b in f.body.blocks("module") {
                let (Some(name), Some((dir, _))) = (b.labels.first(), self.call_dir(f, b, prefix)) else { continue };
                let Some(child_ids) = self.by_dir.get(&dir) else { continue };
                let cached = self.secret_outputs.borrow().get(&dir).cloned();
                let outputs = cached.unwrap_or_else(|| {
                    // Marked first, so that a cycle of calls ends here.
                    self.secret_outputs.borrow_mut().insert(dir.clone(), Rc::new(HashMap::new()));
                    let child_files: Vec<&SourceFile> = child_ids.iter().map(|&i| self.files[i]).collect();
                    let grandchildren = if depth < MAX_MODULE_DEPTH {
                        self.credential_outputs_at(&child_files, &format!("{prefix}module.{name}."), depth + 1)
                    } else {
                        HashMap::new()
                    };
                    // An output that passes on one of its own calls' outputs known not to be
                    // a secret (`value = module.user.encrypted_secret_out`) is not one either.
                    let passes_not_secret = |value: &Expr| {
                        value
                            .traversal_path()
                            .as_deref()
                            .and_then(|p| p.strip_prefix("module."))
                            .and_then(|rest| rest.split_once('.'))
                            .and_then(|(m, o)| grandchildren.get(m)?.get(o).copied())
                            == Some(OutputKind::NotSecret)
                    };
                    let returned = |m: &str, o: &str| {
                        grandchildren.get(m).and_then(|x| x.get(o)).map(|k| matches!(k, OutputKind::Credential { .. }))
                    };
                    let found: HashMap<String, OutputKind> = child_files
                        .iter()
                        .flat_map(|f| f.body.blocks("output"))
                        .filter_map(|o| {
                            let value = &o.body.attr("value")?.expr;
                            let kind = if credential_read(value, &returned).is_some() {
                                let sensitive = o
                                    .body
                                    .attr("sensitive")
                                    .is_some_and(|s| matches!(s.expr.kind, ExprKind::Bool(true)));
                                OutputKind::Credential { sensitive }
                            } else if plainly_not_secret(value) || passes_not_secret(value) {
                                OutputKind::NotSecret
                            } else {
                                return None;
                            };
                            Some((o.labels.first()?.clone(), kind))
                        })
                        .collect();
                    let found = Rc::new(found);
                    self.secret_outputs.borrow_mut().insert(dir.clone(), Rc::clone(&found));
                    found
                });
                if !outputs.is_empty() {
                    out.insert(name.clone(), outputs);
                }
            }
        }
        out
    }

    /// Runs the rules on the module made of files `ids`, then on each local module it calls.
    /// `stack` holds the directories being run, so a cycle of calls is not followed.
    ///
    /// A finding in a called module that the module does not have on its own comes from what
    /// the caller passes: it is reported on the call, at the input that carries the value.
    pub fn run(
        &self,
        ids: &[usize],
        inputs: Inputs,
        prefix: &str,
        stack: &mut Vec<PathBuf>,
        out: &mut Vec<RawFinding>,
    ) {
        let mods: Vec<&SourceFile> = ids.iter().map(|&i| self.files[i]).collect();
        // `path.root` is the directory the walk started from, for a called module and for one
        // of the tree judged on its own alike (Terraform runs in the root's directory).
        let env = module_env(&mods, inputs);
        let env = match stack.first() {
            Some(root) => env.with_root_dir(root.clone()),
            None => env,
        };
        let mut view = ModuleView::new(&mods, ids, &env, prefix);
        view.credential_outputs = self.credential_outputs(&mods, prefix);
        view.absent_local_calls = self.absent_local_calls(&mods, prefix);
        let facts = Facts::new(&view, self.facts);
        out.extend(run_rules(&view, &facts, self.settings, self.rules));
        if stack.len() > MAX_MODULE_DEPTH {
            return;
        }
        for (fi, f) in mods.iter().enumerate() {
            for b in f.body.blocks("module") {
                let Some(name) = b.labels.first() else { continue };
                let Some((dir, downloaded)) = self.call_dir(f, b, prefix) else { continue };
                if stack.contains(&dir) {
                    continue;
                }
                let Some(child_ids) = self.by_dir.get(&dir) else { continue };
                let intrinsic = self.standalone(&dir, child_ids, stack);
                let child_prefix = format!("{prefix}module.{name}.");
                let origins = call_origins(b, &env);
                let known = |m: &str, o: &str| {
                    view.credential_outputs
                        .get(m)
                        .and_then(|outs| outs.get(o))
                        .map(|k| matches!(k, OutputKind::Credential { .. }))
                };
                let reads = call_reads(b, &env, &known);
                for (given, shapes) in call_inputs(b, &env) {
                    let mut found = Vec::new();
                    let switched_on: Vec<String> =
                        given.iter().filter(|(_, v)| is_on(v)).map(|(k, _)| k.clone()).collect();
                    stack.push(dir.clone());
                    let inputs = Inputs::Call(given.clone(), origins.clone(), shapes.clone(), reads.clone());
                    self.run(child_ids, inputs, &child_prefix, stack, &mut found);
                    stack.pop();
                    // Per kept default: the findings the module has when that variable is
                    // unknown instead, computed when a finding first asks.
                    let mut without: HashMap<String, HashSet<FindingKey>> = HashMap::new();
                    for r in found {
                        // A downloaded module's findings belong on the call: its files are
                        // not the caller's to edit.
                        let own = intrinsic.contains(&(r.file, r.key.clone(), r.code));
                        if own && !downloaded {
                            // The module has it on its own, but this call also switches the
                            // block on explicitly (`create_access_key = true` read by its
                            // `count`): the call is where that decision is made, so it is
                            // reported there too.
                            let switches = self.presence_vars(&r);
                            let set: Vec<&String> =
                                switches.iter().filter(|v| call_sets(b, std::slice::from_ref(*v))).collect();
                            if !set.is_empty() && set.iter().all(|v| switched_on.contains(v)) {
                                out.push(self.on_call(r.clone(), ids[fi], b, name, prefix, Cause::Inputs(&switches)));
                            } else if let Some(kept) = self.kept_default(&r, b, child_ids, |var| {
                                let keys = without.entry(var.to_owned()).or_insert_with(|| {
                                    let mut given = given.clone();
                                    given.insert(var.to_owned(), Value::Unknown);
                                    let mut probe = Vec::new();
                                    stack.push(dir.clone());
                                    let inputs = Inputs::Call(given, origins.clone(), shapes.clone(), reads.clone());
                                    self.run(child_ids, inputs, &child_prefix, stack, &mut probe);
                                    stack.pop();
                                    probe.into_iter().map(|p| (p.file, p.key, p.code)).collect()
                                });
                                !keys.contains(&(r.file, r.key.clone(), r.code))
                            }) {
                                // It comes from a default of the module that this call keeps
                                // (`roles` left at `["roles/editor"]`): taking the default is
                                // the call's decision, and the call is where it is overridden.
                                let mut on_call = self.on_call(r.clone(), ids[fi], b, name, prefix, Cause::Module);
                                on_call.message = format!(
                                    "{} (in module `{name}`'s `{}`, from the default of its var.{kept}, which this call keeps)",
                                    r.message, r.key
                                );
                                out.push(on_call);
                            }
                            out.push(r);
                        } else {
                            let cause = if own { Cause::Module } else { Cause::Inputs(&[]) };
                            let on_call = self.on_call(r, ids[fi], b, name, prefix, cause);
                            out.push(self.to_default(on_call, ids, &env, b, prefix));
                        }
                    }
                }
            }
        }
    }

    /// The findings of the module in `dir` on its own (variables at their defaults), computed
    /// once per directory.
    fn standalone(&self, dir: &PathBuf, ids: &[usize], stack: &mut Vec<PathBuf>) -> Rc<HashSet<FindingKey>> {
        if let Some(keys) = self.standalone.borrow().get(dir) {
            return keys.clone();
        }
        let mut found = Vec::new();
        stack.push(dir.clone());
        self.run(ids, Inputs::Root(HashMap::new()), "", stack, &mut found);
        stack.pop();
        let keys: Rc<HashSet<FindingKey>> = Rc::new(found.into_iter().map(|r| (r.file, r.key, r.code)).collect());
        self.standalone.borrow_mut().insert(dir.clone(), keys.clone());
        keys
    }

    /// The variables the `count` / `for_each` of the finding's block reads.
    fn presence_vars(&self, r: &RawFinding) -> Vec<String> {
        let Some(block) = self.files.get(r.file).and_then(|f| f.body.blocks.iter().find(|b| address_of(b) == r.key))
        else {
            return Vec::new();
        };
        let mut vars = Vec::new();
        for meta in ["count", "for_each"] {
            if let Some(a) = block.body.attr(meta) {
                a.expr.walk(&mut |e| {
                    if let Some(v) = e.traversal_path().as_deref().and_then(|p| p.strip_prefix("var.")) {
                        vars.push(v.split(['.', '[']).next().unwrap_or(v).to_owned());
                    }
                });
            }
        }
        vars
    }

    /// The module variable a finding's value comes from, when the module declares a default for
    /// it and `call` does not set it: read by its block's `count`/`for_each` (the default decides
    /// whether the block exists), or read where the finding points and `caused` by it — the
    /// finding goes when the variable is unknown. A large value (a `templatefile()` of twenty
    /// variables) reads many defaults that have nothing to do with the credential in it.
    fn kept_default(
        &self,
        r: &RawFinding,
        call: &Block,
        child_ids: &[usize],
        mut caused: impl FnMut(&str) -> bool,
    ) -> Option<String> {
        let block = self.files.get(r.file)?.body.blocks.iter().find(|b| address_of(b) == r.key)?;
        let kept = |v: &String| {
            !self.module_switch(v, child_ids)
                && !call_sets(call, std::slice::from_ref(v))
                && child_ids.iter().any(|&i| {
                    self.files[i].body.blocks("variable").any(|d| {
                        d.labels.first() == Some(v)
                            && d.body.attr("default").is_some_and(|a| !matches!(a.expr.kind, ExprKind::Null))
                    })
                })
        };
        let mut presence = Vec::new();
        for meta in ["count", "for_each"] {
            if let Some(a) = block.body.attr(meta) {
                self.vars_read(&a.expr, child_ids, 0, &mut presence);
            }
        }
        if let Some(v) = presence.into_iter().find(kept) {
            return Some(v);
        }
        let mut read = Vec::new();
        block.body.each_attr(&mut |a| {
            if a.expr.span.start < r.span.end && r.span.start < a.expr.span.end {
                self.vars_read(&a.expr, child_ids, 0, &mut read);
            }
        });
        let mut seen = HashSet::new();
        read.into_iter().filter(|v| seen.insert(v.clone())).find(|v| kept(v) && caused(v))
    }

    /// Whether `var` switches the whole module on or off (`create`, `enabled`): the `count` or
    /// `for_each` of most of its resources reads it. Keeping such a default decides nothing about
    /// one credential of the module, unlike `create_access_key`.
    fn module_switch(&self, var: &str, child_ids: &[usize]) -> bool {
        let needle = format!("var.{var}");
        let field = format!("{needle}.");
        let (mut gated, mut all) = (0, 0);
        for b in child_ids.iter().flat_map(|&i| self.files[i].body.blocks("resource")) {
            all += 1;
            let reads = ["count", "for_each"].iter().filter_map(|m| b.body.attr(m)).any(|a| {
                let mut hit = false;
                a.expr.walk(&mut |e| {
                    hit |= e.traversal_path().is_some_and(|p| p == needle || p.starts_with(&field));
                });
                hit
            });
            gated += usize::from(reads);
        }
        gated >= 2 && gated * 2 > all
    }

    /// The module variables an expression reads, directly, through the module's locals, or
    /// through the rotation schedule it reads (`time_rotating.x.id` whose `rotation_days` is
    /// `var.rotation_days`: the schedule is the credential's lifetime).
    fn vars_read(&self, e: &Expr, ids: &[usize], depth: usize, out: &mut Vec<String>) {
        e.walk(&mut |x| {
            let Some(p) = x.traversal_path() else { return };
            let head = |p: &str| p.split(['.', '[']).next().unwrap_or(p).to_owned();
            if let Some(v) = p.strip_prefix("var.") {
                out.push(head(v));
            } else if let Some(l) = p.strip_prefix("local.").map(head)
                && depth < 4
            {
                let def = ids.iter().flat_map(|&i| self.files[i].body.blocks("locals")).find_map(|b| b.body.attr(&l));
                if let Some(def) = def {
                    self.vars_read(&def.expr, ids, depth + 1, out);
                }
            } else if let Some(name) = p.strip_prefix("time_rotating.").map(head)
                && depth < 4
            {
                let schedule = ids
                    .iter()
                    .flat_map(|&i| self.files[i].body.blocks("resource"))
                    .find(|b| b.labels.first().is_some_and(|t| t == "time_rotating") && b.labels.get(1) == Some(&name));
                if let Some(schedule) = schedule {
                    for a in schedule.body.attrs.iter().filter(|a| a.key.starts_with("rotation_")) {
                        self.vars_read(&a.expr, ids, depth + 1, out);
                    }
                }
            }
        });
    }

    /// A finding on a call's input that is only `var.NAME` of the caller, whose value is the
    /// variable's own default: the value is written at the default, so the finding goes there
    /// (an example's `variable "roles" { default = ["Contributor"] }` passed to a module). Or
    /// whose value an auto-loaded variable file of the caller's directory sets
    /// (`terraform.tfvars`, `*.auto.tfvars`): it goes to that assignment, where it is written.
    fn to_default(&self, mut r: RawFinding, ids: &[usize], env: &Env<'_>, call: &Block, prefix: &str) -> RawFinding {
        let Some(input) = call.body.attrs.iter().find(|a| a.expr.span == r.span) else { return r };
        let Some(name) = input.expr.traversal_path().and_then(|p| p.strip_prefix("var.").map(str::to_owned)) else {
            return r;
        };
        if name.contains(['.', '[']) {
            return r;
        }
        // The assignment Terraform uses: the last auto-loaded file that sets it, in load order.
        let file_name = |i: usize| self.files[i].path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let assignment = ids
            .iter()
            .filter(|&&i| super::inputs::is_auto_var_file(file_name(i)) && !file_name(i).ends_with(".json"))
            .filter_map(|&i| self.files[i].body.attr(&name).map(|a| (i, a)))
            .max_by_key(|&(i, _)| (super::inputs::load_rank(file_name(i)), file_name(i)));
        if let Some((file, assignment)) = assignment
            && env.eval(&assignment.expr) == env.var(&name)
        {
            if let Some(head) = r.message.strip_suffix(", from the value passed here)") {
                r.message = format!("{head}, from var.{name} as this variable file sets it)");
            }
            r.file = file;
            r.span = assignment.expr.span.clone();
            r.key = format!("var.{name}");
            r.address = format!("{prefix}{}", r.key);
            return r;
        }
        let declared = ids.iter().find_map(|&i| {
            self.files[i]
                .body
                .blocks("variable")
                .find(|v| v.labels.first() == Some(&name))
                .and_then(|v| v.body.attr("default").map(|d| (i, v, d)))
        });
        let Some((file, var, default)) = declared else { return r };
        // Given another value (a tfvars file, `-var`): the call is where it arrives.
        if env.eval(&default.expr) != env.var(&name) {
            return r;
        }
        if let Some(head) = r.message.strip_suffix(", from the value passed here)") {
            r.message = format!("{head}, from the default of var.{name} passed to it)");
        }
        r.file = file;
        r.span = default.expr.span.clone();
        r.key = address_of(var);
        r.address = format!("{prefix}{}", r.key);
        r
    }

    /// Moves a finding onto a module call. Caused by its inputs: at the first input named in
    /// the cause, else the first the finding's block reads (`var.NAME`), else at the call's
    /// header. Had by the (downloaded) module whatever it is given: at the call's header.
    fn on_call(
        &self,
        mut r: RawFinding,
        caller_file: usize,
        call: &Block,
        name: &str,
        prefix: &str,
        cause: Cause<'_>,
    ) -> RawFinding {
        let (from_input, prefer) = match cause {
            Cause::Module => (false, &[][..]),
            Cause::Inputs(prefer) => (true, prefer),
        };
        let inner = self.files.get(r.file).and_then(|f| f.body.blocks.iter().find(|b| address_of(b) == r.key));
        // Variables read where the finding points first, then anywhere in its block.
        let (mut at_span, mut anywhere): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
        if let Some(block) = inner {
            block.body.each_attr(&mut |a| {
                a.expr.walk(&mut |e| {
                    if let Some(p) = e.traversal_path()
                        && let Some(v) = p.strip_prefix("var.")
                    {
                        let v = v.split(['.', '[']).next().unwrap_or(v).to_owned();
                        if e.span.start < r.span.end && r.span.start < e.span.end {
                            at_span.push(v.clone());
                        }
                        anywhere.push(v);
                    }
                })
            });
        }
        let input_for = |vars: &[String]| {
            call.body.attrs.iter().find(|a| !META_ARGS.contains(&a.key.as_str()) && vars.contains(&a.key))
        };
        // A finding about the block as a whole (at its header: a secret never rotated, with
        // this call's values) is the call's as a whole, not of whichever input the block reads.
        let whole_block = inner.is_some_and(|b| r.span == b.header);
        let input = if from_input {
            input_for(prefer)
                .or_else(|| input_for(&at_span))
                .or_else(|| if whole_block { None } else { input_for(&anywhere) })
        } else {
            None
        };
        r.message = if from_input {
            format!("{} (in module `{name}`'s `{}`, from the value passed here)", r.message, r.key)
        } else {
            format!("{} (in module `{name}`'s `{}`, as downloaded by `terraform init`)", r.message, r.key)
        };
        r.span = input.map_or_else(|| call.header.clone(), |a| a.expr.span.clone());
        r.file = caller_file;
        r.key = address_of(call);
        r.address = format!("{prefix}{}", r.key);
        r
    }
}

/// Why a finding from a called module goes onto the call.
enum Cause<'a> {
    /// The module has it whatever it is given (a downloaded module: not the caller's to edit).
    Module,
    /// The caller's inputs: these first, when the call passes them.
    Inputs(&'a [String]),
}

/// Whether an input switches something on: `true` or a non-zero count. A collection a
/// `for_each` walks (`environments = ["dev", "prod"]`) says how many, not whether; unknown
/// values do not switch either.
fn is_on(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Number(n) => *n != 0.0,
        _ => false,
    }
}

/// Whether `call` passes one of `vars` as an input.
fn call_sets(call: &Block, vars: &[String]) -> bool {
    call.body.attrs.iter().any(|a| !META_ARGS.contains(&a.key.as_str()) && vars.contains(&a.key))
}

/// The key `terraform init` gives a module call in `modules.json`: the names of the calls from
/// the root, joined by dots (`module.a.` + `b` → `a.b`).
fn call_key(prefix: &str, name: &str) -> String {
    let mut names: Vec<&str> = prefix
        .split('.')
        .collect::<Vec<_>>()
        .chunks(2)
        .filter(|c| c[0] == "module" && c.len() == 2)
        .map(|c| c[1])
        .collect();
    names.push(name);
    names.join(".")
}

/// The inputs of a module call: once, or once per instance of a `for_each` whose collection
/// is known (each instance sees its own `each.key` / `each.value`).
fn call_inputs(call: &Block, env: &Env<'_>) -> Vec<(HashMap<String, Value>, HashMap<String, Value>)> {
    let eval_all = || -> (HashMap<String, Value>, HashMap<String, Value>) {
        let mut given = HashMap::new();
        let mut shapes = HashMap::new();
        for a in call.body.attrs.iter().filter(|a| !META_ARGS.contains(&a.key.as_str())) {
            let v = env.eval(&a.expr);
            if !v.is_fully_known() {
                // `"repo:${var.org}/${var.repo}:*"`: unknown as a whole, but its shape is known;
                // `["${var.project}=>roles/owner"]`: a list of such.
                let shape = env.eval_lenient_deep(&a.expr);
                if shape != Value::Unknown {
                    shapes.insert(a.key.clone(), shape);
                }
            }
            given.insert(a.key.clone(), v);
        }
        (given, shapes)
    };
    let instances = env.for_each_instances(call);
    if instances.is_empty() {
        return vec![eval_all()];
    }
    instances.into_iter().map(|(k, v)| env.with_each(k, v, eval_all)).collect()
}

/// The references a call passes as its inputs, followed back through the caller's own locals
/// and inputs: `scope_id = data.azurerm_subscription.s.id` makes the module's `var.scope_id`
/// read as that data source.
fn call_origins(call: &Block, env: &Env<'_>) -> HashMap<String, String> {
    call.body
        .attrs
        .iter()
        .filter(|a| !META_ARGS.contains(&a.key.as_str()))
        .filter_map(|a| Some((a.key.clone(), env.origin(&a.expr)?)))
        .filter(|(_, origin)| !origin.starts_with("var.") && !origin.starts_with("local."))
        .collect()
}

/// For each input of a call whose value reads a credential of the caller's configuration, what
/// it reads: a resource's or data source's secret written in the input
/// (`{ DB_PASSWORD = aws_db_instance.db.password }`) or in the local passed whole
/// (`environment = local.app_secrets`, built from a secret store's entries), a module output
/// that returns one, or one the caller was itself given.
fn call_reads(
    call: &Block,
    env: &Env<'_>,
    known: &crate::facts::secrets::ModuleOutputs<'_>,
) -> HashMap<String, String> {
    let read_here = |e: &Expr| {
        crate::facts::secrets::credential_read(e, known)
            .filter(|r| crate::facts::secrets::of_configuration(r) || r.starts_with("module."))
    };
    let local_passed = |e: &Expr| read_here(env.local_passed_whole(e)?);
    call.body
        .attrs
        .iter()
        .filter(|a| !META_ARGS.contains(&a.key.as_str()))
        .filter_map(|a| {
            let read = read_here(&a.expr)
                .or_else(|| local_passed(&a.expr))
                .or_else(|| env.input_read_in(&a.expr).map(str::to_owned))?;
            Some((a.key.clone(), read))
        })
        .collect()
}

/// The environment of one module: its variables (defaults, then `inputs`), locals and data
/// blocks (policy documents to render, lookups that echo what they were asked for).
pub(crate) fn module_env<'m>(mods: &[&'m SourceFile], inputs: Inputs) -> Env<'m> {
    let is_root = matches!(inputs, Inputs::Root(_));
    let mut vars = HashMap::new();
    let mut locals: HashMap<String, &Expr> = HashMap::new();
    let mut data_blocks: HashMap<String, &Block> = HashMap::new();
    let mut origins = HashMap::new();
    let mut shapes = HashMap::new();
    let mut reads = HashMap::new();
    let empty = Env::new(HashMap::new(), HashMap::new(), HashMap::new());
    for f in mods {
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
                // Every data source: policy documents are rendered, lookups echo what they were
                // asked for (`data.kubernetes_resource.r.object.metadata.name`).
                ("data", Some(t)) => {
                    if let Some(n) = b.labels.get(1) {
                        data_blocks.insert(format!("{t}.{n}"), b);
                    }
                }
                _ => {}
            }
        }
    }
    match inputs {
        Inputs::Root(given) => {
            for v in vars.values_mut() {
                if v.is_null() {
                    *v = Value::Unknown;
                }
            }
            for (k, v) in given {
                if vars.contains_key(&k) {
                    vars.insert(k, v);
                }
            }
        }
        // Terraform refuses an input the module does not declare, so a call's inputs are all
        // declared; when the declarations are not among the files read (a module checked in
        // part), the inputs still say what the variables hold.
        Inputs::Call(given, from, given_shapes, given_reads) => {
            vars.extend(given);
            origins = from;
            shapes = given_shapes;
            reads = given_reads;
        }
    }
    let env = Env::new(vars, locals, data_blocks).with_origins(origins).with_var_shapes(shapes).with_input_reads(reads);
    let env = if is_root { env.as_root() } else { env };
    match mods.first() {
        Some(f) => env.with_module_dir(parent(&f.path)),
        None => env,
    }
}
