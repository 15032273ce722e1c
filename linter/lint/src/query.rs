//! The small typed API over one evaluated module: which blocks exist, and their values.
//! Rules reach it through `Ctx`; the facts layer uses it directly.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use crate::eval::{DynIter, Env, Value};
use crate::span::Span;
use crate::syntax::{Attr, Block, Body, Expr, ExprKind, SourceFile, address_of};

/// How many `count` instances [`Item::values`] reads one by one; beyond them it is the first.
const MAX_COUNT_INSTANCES: usize = 64;

/// What an output of a called module whose code is loaded returns, when its value says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// A credential, marked `sensitive = true` or not.
    Credential { sensitive: bool },
    /// Plainly not a secret, whatever the output is called: an id, a name, a fingerprint,
    /// a PGP-encrypted secret (`aws_iam_access_key.k.encrypted_secret`).
    NotSecret,
}

/// One module evaluated in one context (standalone, or called with known inputs).
pub struct ModuleView<'a> {
    pub files: &'a [&'a SourceFile],
    /// Index into the run's file list for each of `files`.
    pub file_ids: &'a [usize],
    pub env: &'a Env<'a>,
    /// `""` or `module.x.` (nested calls chain).
    pub prefix: &'a str,
    /// For each module call (by name) whose code is here: its outputs whose value says what
    /// they return (see [`OutputKind`]); an output missing here is judged by its name.
    pub credential_outputs: HashMap<String, std::rc::Rc<HashMap<String, OutputKind>>>,
    /// Names of the module calls with a local source whose directory is not among the files
    /// linted (a git submodule left out of the checkout, a directory outside the walk): like a
    /// registry module's, what such a call does is known only from its inputs.
    pub absent_local_calls: HashSet<String>,
    /// Top-level blocks by (block type, first label), built on first use.
    index: OnceCell<BlockIndex<'a>>,
}

/// `(kind, first label)` → `(index into ModuleView::files, block)`, in file order. Looked up
/// by every rule for every block type it reads: hashed with foldhash (seeded per process),
/// which is several times cheaper than the standard SipHash on such short keys.
type BlockIndex<'a> = HashMap<(&'a str, &'a str), Vec<(usize, &'a Block)>, foldhash::fast::RandomState>;

impl<'a> ModuleView<'a> {
    pub fn new(files: &'a [&'a SourceFile], file_ids: &'a [usize], env: &'a Env<'a>, prefix: &'a str) -> Self {
        Self {
            files,
            file_ids,
            env,
            prefix,
            credential_outputs: HashMap::new(),
            absent_local_calls: HashSet::new(),
            index: OnceCell::new(),
        }
    }

    /// Whether a block creates nothing here: written so (`count = 0`), or — in a call into
    /// the module — turned off by what the caller passes (or leaves at its default). Only the
    /// module on its own reports what its feature flags keep off.
    fn absent(&self, b: &Block) -> bool {
        match presence(b, self.env) {
            Presence::Never => true,
            Presence::Conditional => !self.prefix.is_empty(),
            Presence::Present => false,
        }
    }

    fn item(&self, fi: usize, b: &'a Block) -> Item<'a> {
        Item {
            file: self.file_ids[fi],
            block: b,
            body: &b.body,
            env: self.env,
            top: b,
            prefix: self.prefix,
            iters: Vec::new(),
        }
    }

    /// Whether a module call's code is not here to be linted: a registry or git source, or a
    /// local one whose directory is missing. Rules then judge the call by its inputs.
    pub fn call_code_absent(&self, call: &Item<'_>) -> bool {
        call.block.local_source().is_none() || self.absent_local_calls.contains(call.label(0))
    }

    /// Top-level blocks of one kind (`resource`, `data`, `provider`, `variable`, …) and, when
    /// `ty` is given, of that first label. Blocks known to create nothing are left out.
    pub fn blocks(&self, kind: &str, ty: Option<&str>) -> Vec<Item<'a>> {
        match ty {
            Some(t) => self.index().get(&(kind, t)).map_or_else(Vec::new, |v| {
                v.iter().filter(|(_, b)| !self.absent(b)).map(|(fi, b)| self.item(*fi, b)).collect()
            }),
            None => {
                let mut out = Vec::new();
                for (fi, file) in self.files.iter().enumerate() {
                    out.extend(
                        file.body
                            .blocks
                            .iter()
                            .filter(|b| b.ident == kind && !self.absent(b))
                            .map(|b| self.item(fi, b)),
                    );
                }
                out
            }
        }
    }

    /// Top-level blocks of one kind whose type (first label) satisfies `ty`, in file order:
    /// for rules about a family of types (`github_*`), without visiting every block.
    pub fn blocks_where(&self, kind: &str, ty: impl Fn(&str) -> bool) -> Vec<Item<'a>> {
        let index = self.index();
        let mut found: Vec<(usize, &'a Block)> = index
            .iter()
            .filter(|((k, t), _)| *k == kind && ty(t))
            .flat_map(|(_, v)| v.iter().copied())
            .filter(|(_, b)| !self.absent(b))
            .collect();
        found.sort_by_key(|(fi, b)| (*fi, b.span.start));
        found.into_iter().map(|(fi, b)| self.item(fi, b)).collect()
    }

    fn index(&self) -> &BlockIndex<'a> {
        self.index.get_or_init(|| {
            let mut m: BlockIndex<'a> = HashMap::default();
            for (fi, file) in self.files.iter().enumerate() {
                for b in &file.body.blocks {
                    let label = b.labels.first().map_or("", String::as_str);
                    m.entry((b.ident.as_str(), label)).or_default().push((fi, b));
                }
            }
            m
        })
    }

    /// Every top-level block, created or not.
    pub fn all_blocks(&self) -> Vec<Item<'a>> {
        let mut out = Vec::new();
        for (fi, file) in self.files.iter().enumerate() {
            out.extend(file.body.blocks.iter().map(|b| self.item(fi, b)));
        }
        out
    }

    /// The module's files with their run-wide ids.
    pub fn files(&self) -> Vec<(usize, &'a SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (self.file_ids[i], *f)).collect()
    }
}

/// How many instances a block's `count` / `for_each` creates, as far as is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// No `count`/`for_each`, or one that creates something (or that is not known).
    Present,
    /// Written to create nothing (`count = 0`, `for_each = {}`): describes nothing.
    Never,
    /// Creates nothing with the values here, but depends on inputs (`count = var.create ? 1 :
    /// 0` with `create` off by default): a feature flag, so what it declares is still a risk.
    Conditional,
}

/// Whether a block's instances exist: see [`Presence`].
pub fn presence(b: &Block, env: &Env<'_>) -> Presence {
    let (expr, empty) = if let Some(c) = b.body.attr("count") {
        (&c.expr, env.eval(&c.expr).as_f64() == Some(0.0))
    } else if let Some(fe) = b.body.attr("for_each") {
        let empty = match env.eval(&fe.expr) {
            Value::List(l) => l.is_empty(),
            Value::Object(o) => o.is_empty(),
            _ => false,
        };
        (&fe.expr, empty)
    } else {
        return Presence::Present;
    };
    if !empty {
        return Presence::Present;
    }
    let mut refers = false;
    expr.walk(&mut |e| refers |= matches!(e.kind, ExprKind::Var(_) | ExprKind::Traversal(..)));
    if refers { Presence::Conditional } else { Presence::Never }
}

fn is_empty_collection(v: &Value) -> bool {
    match v {
        Value::List(l) => l.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// Whether a value holds a known string, number or boolean anywhere (not only unknowns).
fn has_known_leaf(v: &Value) -> bool {
    match v {
        Value::List(l) => l.iter().any(has_known_leaf),
        Value::Object(o) => o.values().any(has_known_leaf),
        Value::Str(s) => !s.contains(crate::eval::HOLE),
        Value::Number(_) | Value::Bool(_) => true,
        _ => false,
    }
}

/// The instances a feature flag keeps off: `for_each = toset(var.on ? local.roles : [])` with
/// `on` false declares `local.roles`; a block reported as conditional is judged on them.
fn flagged_instances(e: &Expr, env: &Env<'_>) -> Option<Value> {
    let mut found = None;
    e.walk(&mut |x| {
        if found.is_none()
            && let ExprKind::Cond(_, yes, no) = &x.kind
        {
            found = [yes, no]
                .into_iter()
                .map(|b| env.eval(b))
                .find(|v| matches!(v, Value::List(_) | Value::Object(_)) && !is_empty_collection(v));
        }
    });
    found
}

/// A block together with what is needed to read its values.
#[derive(Clone)]
pub struct Item<'a> {
    pub file: usize,
    pub block: &'a Block,
    pub body: &'a Body,
    pub env: &'a Env<'a>,
    /// The top-level block this item belongs to (itself, or the block it is nested in).
    pub(crate) top: &'a Block,
    prefix: &'a str,
    /// The iterators of the `dynamic` blocks this item was generated by, bound while its
    /// values are read.
    iters: Vec<DynIter>,
}

impl<'a> Item<'a> {
    /// Whether the block this item belongs to is created (see [`Presence`]).
    pub fn presence(&self) -> Presence {
        presence(self.top, self.env)
    }

    pub fn address(&self) -> String {
        format!("{}{}", self.prefix, address_of(self.top))
    }

    /// The top-level block this item belongs to, as one of its kind: unlike [`Item::address`],
    /// two blocks with the same address in different files (fixtures, templates that each
    /// stand alone) are told apart.
    pub fn block_id(&self) -> (usize, usize) {
        (self.file, self.top.span.start)
    }

    pub fn header(&self) -> Span {
        self.block.header.clone()
    }

    pub fn attr(&self, key: &str) -> Option<&'a Attr> {
        self.body.attr(key)
    }

    pub fn has(&self, key: &str) -> bool {
        self.body.attr(key).is_some()
    }

    /// The evaluated value of an attribute; `None` when the attribute is absent or null (as
    /// Terraform treats `key = null`: not set).
    pub fn value(&self, key: &str) -> Option<Value> {
        self.body.attr(key).map(|a| self.eval(&a.expr)).filter(|v| !v.is_null())
    }

    /// Evaluates an expression of this item, with the iterators of the `dynamic` blocks it
    /// was generated by bound.
    pub fn eval(&self, e: &Expr) -> Value {
        self.env.in_iterators(&self.iters, || self.env.eval(e))
    }

    /// Runs `f` with the iterators of the `dynamic` blocks this item was generated by bound,
    /// for reading its values with helpers that take the environment.
    pub fn within<T>(&self, f: impl FnOnce() -> T) -> T {
        self.env.in_iterators(&self.iters, f)
    }

    /// Every value an attribute takes across the block's `for_each` instances (when the
    /// collection is known), or its single value. Empty when the attribute is absent.
    pub fn values(&self, key: &str) -> Vec<Value> {
        self.env.in_iterators(&self.iters, || self.values_here(key))
    }

    fn values_here(&self, key: &str) -> Vec<Value> {
        let Some(attr) = self.body.attr(key) else { return Vec::new() };
        self.eval_instances_here(&attr.expr)
    }

    /// An expression of this item evaluated once per `for_each` / `count` instance (as
    /// [`Item::values`] does for an attribute): `app_role_ids[each.value]` inside a traversal.
    pub fn eval_instances(&self, e: &Expr) -> Vec<Value> {
        self.env.in_iterators(&self.iters, || self.eval_instances_here(e))
    }

    fn eval_instances_here(&self, e: &Expr) -> Vec<Value> {
        self.per_instance_here(|| self.env.eval(e))
    }

    /// Runs `f` once per `for_each` / `count` instance of the block (with `each` or
    /// `count.index` bound), or once when it has none; distinct results in instance order.
    pub fn per_instance<T: PartialEq>(&self, f: impl Fn() -> T) -> Vec<T> {
        self.env.in_iterators(&self.iters, || self.per_instance_here(f))
    }

    fn per_instance_here<T: PartialEq>(&self, f: impl Fn() -> T) -> Vec<T> {
        // The instances are the top-level block's: a nested block (`permissions { actions =
        // each.value.action }`) has one per instance of the resource it is in.
        let top = self.top;
        let instances = top.body.attr("for_each").map(|fe| match self.env.eval(&fe.expr) {
            // No instances with the values here (a module's `for_each` over an input that
            // defaults to empty): those a feature flag keeps off, else the shape of those its
            // callers would make, when the module's own code decides part of them.
            v if is_empty_collection(&v) => flagged_instances(&fe.expr, self.env)
                .or_else(|| Some(self.env.eval_shapes(&fe.expr)).filter(has_known_leaf))
                .unwrap_or(v),
            // Instances not known here: one of each shape the collection is built with, else
            // those of the branch a condition not known here would pick
            // (`var.on && local.kind == "projects" ? var.roles : toset([])`).
            Value::Unknown => {
                let shapes = self.env.eval_shapes(&fe.expr);
                if has_known_leaf(&shapes) { shapes } else { flagged_instances(&fe.expr, self.env).unwrap_or(shapes) }
            }
            v => v,
        });
        match instances {
            Some(Value::List(items)) if !items.is_empty() => {
                items.into_iter().map(|it| self.env.with_each(it.clone(), it, &f)).collect()
            }
            Some(Value::Object(map)) if !map.is_empty() => {
                map.into_iter().map(|(k, v)| self.env.with_each(Value::Str(k), v, &f)).collect()
            }
            _ => match top.body.attr("count").map(|c| self.env.eval(&c.expr)) {
                // `role = var.roles[count.index]`: each instance's value, once each.
                Some(Value::Number(n)) if n >= 1.0 && n.fract() == 0.0 => {
                    let mut out: Vec<T> = Vec::new();
                    for i in 0..(n as usize).min(MAX_COUNT_INSTANCES) {
                        let v = self.env.with_count_index(i, &f);
                        if !out.contains(&v) {
                            out.push(v);
                        }
                    }
                    out
                }
                _ => vec![f()],
            },
        }
    }

    /// Whether the attribute is `want` in the block, or in any of its `for_each` / `count`
    /// instances (`admin_enabled = each.value.admin_enabled` over a map where one entry turns
    /// it on): a switch one instance flips is flipped for that instance.
    pub fn is_set_to(&self, key: &str, want: bool) -> bool {
        self.values(key).iter().any(|v| v.as_bool() == Some(want))
    }

    /// Known strings among [`Item::values`], flattening lists.
    pub fn strs(&self, key: &str) -> Vec<String> {
        self.values(key).iter().flat_map(Value::items).filter_map(|v| v.as_str().map(str::to_owned)).collect()
    }

    /// The attribute's value when it is a known string.
    pub fn str(&self, key: &str) -> Option<String> {
        self.value(key).and_then(|v| v.as_str().map(str::to_owned))
    }

    /// Span of an attribute's value, or of the block header when the attribute is absent.
    pub fn span(&self, key: &str) -> Span {
        self.body.attr(key).map_or_else(|| self.header(), |a| a.expr.span.clone())
    }

    /// Nested blocks named `name`, including the `content` of `dynamic "name"` blocks.
    /// A `dynamic "name"` block whose `for_each` is known gives one item per element, with its
    /// iterator (`name.value`, or the one `iterator` names) bound.
    pub fn nested(&self, name: &str) -> Vec<Item<'a>> {
        let expanded = self.env.in_iterators(&self.iters, || self.env.expand_dynamic(self.body, name));
        expanded
            .into_iter()
            .map(|(b, body, it)| {
                let mut item = self.with_block(b, body);
                item.iters.extend(it);
                item
            })
            .collect()
    }

    /// The blocks at the end of a path of nested block names (`["spec", "template", "spec"]`),
    /// every instance at each step.
    pub fn nested_path(&self, path: &[&str]) -> Vec<Item<'a>> {
        let mut holders = vec![self.clone()];
        for step in path {
            holders = holders.iter().flat_map(|h| h.nested(step)).collect();
        }
        holders
    }

    fn with_block(&self, block: &'a Block, body: &'a Body) -> Item<'a> {
        Item { block, body, ..self.clone() }
    }

    /// The label at `i` (`resource "TYPE" "NAME"`).
    pub fn label(&self, i: usize) -> &'a str {
        self.block.labels.get(i).map_or("", String::as_str)
    }
}
