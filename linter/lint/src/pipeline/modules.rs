//! Evaluating a module (standalone, or called with its caller's known inputs) and running the
//! rules on it, following local module calls.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::eval::{Env, Value};
use crate::facts::{Facts, FileFacts};
use crate::query::ModuleView;
use crate::rule::RawFinding;
use crate::settings::Settings;
use crate::syntax::{Block, Expr, SourceFile};

use super::discover::{local_source, normalize, parent};
use super::{MAX_MODULE_DEPTH, RuleSet, run_rules};

/// Where a module's variables get their values.
pub(super) enum Inputs {
    /// A root module: variables default, overridden by tfvars / `-var`.
    Root(HashMap<String, Value>),
    /// A called module: variables the caller passes, else their defaults.
    Call(HashMap<String, Value>),
}

const META_ARGS: [&str; 6] = ["source", "version", "count", "for_each", "providers", "depends_on"];

/// What stays the same while one directory's modules are run.
pub(super) struct ModuleRunner<'r> {
    pub files: &'r [&'r SourceFile],
    /// Module directory → ids (into `files`) of its files.
    pub by_dir: &'r BTreeMap<PathBuf, Vec<usize>>,
    pub facts: &'r FileFacts,
    pub settings: &'r Settings,
    pub rules: &'r RuleSet<'r>,
}

impl ModuleRunner<'_> {
    /// Runs the rules on the module made of files `ids`, then on each local module it calls.
    /// `stack` holds the directories being run, so a cycle of calls is not followed.
    pub fn run(
        &self,
        ids: &[usize],
        inputs: Inputs,
        prefix: &str,
        stack: &mut Vec<PathBuf>,
        out: &mut Vec<RawFinding>,
    ) {
        let mods: Vec<&SourceFile> = ids.iter().map(|&i| self.files[i]).collect();
        let env = module_env(&mods, inputs);
        let view = ModuleView::new(&mods, ids, &env, prefix);
        let facts = Facts::new(&view, self.facts);
        out.extend(run_rules(&view, &facts, self.settings, self.rules));
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
                let Some(child_ids) = self.by_dir.get(&dir) else { continue };
                let given: HashMap<String, Value> = b
                    .body
                    .attrs
                    .iter()
                    .filter(|a| !META_ARGS.contains(&a.key.as_str()))
                    .map(|a| (a.key.clone(), env.eval(&a.expr)))
                    .collect();
                let child_prefix = format!("{prefix}module.{name}.");
                stack.push(dir);
                self.run(child_ids, Inputs::Call(given), &child_prefix, stack, out);
                stack.pop();
            }
        }
    }
}

/// The environment of one module: its variables (defaults, then `inputs`), locals and policy
/// documents.
fn module_env<'m>(mods: &[&'m SourceFile], inputs: Inputs) -> Env<'m> {
    let mut vars = HashMap::new();
    let mut locals: HashMap<String, &Expr> = HashMap::new();
    let mut docs: HashMap<String, &Block> = HashMap::new();
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
    let env = Env::new(vars, locals, docs);
    match mods.first() {
        Some(f) => env.with_module_dir(parent(&f.path)),
        None => env,
    }
}
