//! Static evaluation of expressions: literals, `var.*` (defaults, `-var`, `.tfvars`, module
//! inputs), `local.*`, a set of pure functions, string templates and
//! `data.aws_iam_policy_document.*.json`. Whatever depends on something not known statically
//! becomes [`Value::Unknown`]; rules skip unknown values instead of guessing.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};

use crate::syntax::{BinOp, Block, Body, Expr, ExprKind, ObjKey, TemplatePart, TraverseOp, UnaryOp};

pub mod functions;
pub mod iam_policy;
pub mod vault_policy;
pub mod yaml;

/// Marks the place of an unknown interpolation inside a string evaluated leniently (heredoc
/// policies): the JSON around it can still be read, and strings containing it count as unknown.
pub const HOLE: &str = "\u{e000}unknown\u{e000}";

/// Azure built-in roles that hand out every right at their scope, by name, with the GUID
/// of their definition (the same in every tenant).
pub const AZURE_BUILTIN_ROLES: [(&str, &str); 3] = [
    ("Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"),
    ("Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c"),
    ("User Access Administrator", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"),
];

/// Other Azure built-in roles the rules judge, by name, with the GUID of their definition:
/// what `data.azurerm_role_definition` returns for one looked up by ID, and what a
/// `role_definition_id` ending in the GUID assigns.
pub const AZURE_OTHER_ROLES: [(&str, &str); 19] = [
    ("Reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7"),
    ("Role Based Access Control Administrator", "f58310d9-a9f6-439a-9e8d-f62e7b41a168"),
    ("Key Vault Administrator", "00482a5a-887f-4fb3-b363-3b7fe8e74483"),
    ("Key Vault Secrets Officer", "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"),
    ("Key Vault Secrets User", "4633458b-17de-408a-b874-0445c86b69e6"),
    ("Key Vault Crypto User", "12338af0-0e69-4776-bea7-57ae8d297424"),
    ("Key Vault Certificate User", "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba"),
    ("Storage Account Contributor", "17d1049b-9a84-46fb-8f53-869881c3d3ab"),
    ("Storage Blob Data Owner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"),
    ("Storage Blob Data Contributor", "ba92f5b4-2d11-453d-a403-e96b0029c9fe"),
    ("Storage Blob Data Reader", "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"),
    ("Reader and Data Access", "c12c1c16-33a1-487b-954d-41c89c60f349"),
    ("DocumentDB Account Contributor", "5bd9cd88-fe45-4216-938b-f97437e15450"),
    ("Azure Kubernetes Service Cluster Admin Role", "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8"),
    ("Azure Kubernetes Service Cluster User Role", "4abbcc35-e782-43d8-92c5-2d3f1bd2253f"),
    ("Azure Kubernetes Service RBAC Cluster Admin", "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b"),
    ("Virtual Machine Administrator Login", "1c0163c0-47e6-4577-8991-ea5c82e286e4"),
    ("AcrPush", "8311e382-0749-4cb8-b61a-304f252e45ec"),
    ("AcrPull", "7f951dda-4ed3-4680-a7ca-43fe172d538d"),
];

/// Every built-in role known by name and definition GUID.
pub fn azure_builtin_roles() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    AZURE_BUILTIN_ROLES.iter().chain(&AZURE_OTHER_ROLES)
}

/// The built-in role a definition ID names: a bare GUID or any ID ending in one
/// (`/subscriptions/…/providers/Microsoft.Authorization/roleDefinitions/GUID`).
pub fn azure_role_by_id(id: &str) -> Option<&'static str> {
    azure_role_entry_by_id(id).map(|(r, _)| *r)
}

/// The `(name, GUID)` of the built-in role a definition ID names.
fn azure_role_entry_by_id(id: &str) -> Option<&'static (&'static str, &'static str)> {
    let l = id.trim().trim_end_matches('/').to_ascii_lowercase();
    let guid = l.rsplit('/').next()?;
    azure_builtin_roles().find(|(_, g)| *g == guid)
}

/// A string with holes as a message shows it: each hole as `${…}`.
pub fn show_holes(s: &str) -> String {
    s.replace(HOLE, "${…}")
}

/// Longest collection a `for` expression is evaluated over.
const MAX_FOR_ITEMS: usize = 10_000;
const MAX_DEPTH: usize = 64;
/// How many locals and module inputs [`Env::origin`] follows back (a cycle stops there too).
const MAX_ORIGIN_HOPS: usize = 16;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    List(Vec<Value>),
    Object(BTreeMap<String, Value>),
    /// `jsonencode(...)` of a value that is only partly known: its structure is kept so that
    /// policy rules can still read the known parts.
    Encoded(Box<Value>),
    Unknown,
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) if !s.contains(HOLE) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            // Strings convert as Terraform does (`"true"`, `"1"`); Terraform 0.11 also took
            // Go's other spellings (`"True"`, `"FALSE"`, `"t"`).
            Value::Str(s) => match s.as_str() {
                "true" | "1" | "True" | "TRUE" | "t" | "T" => Some(true),
                "false" | "0" | "False" | "FALSE" | "f" | "F" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        match self {
            Value::Unknown => true,
            Value::Str(s) => s.contains(HOLE),
            _ => false,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether no part of the value is unknown.
    pub fn is_fully_known(&self) -> bool {
        match self {
            Value::Unknown | Value::Encoded(_) => false,
            Value::Str(s) => !s.contains(HOLE),
            Value::List(l) => l.iter().all(Value::is_fully_known),
            Value::Object(o) => o.values().all(Value::is_fully_known),
            _ => true,
        }
    }

    /// A scalar or list flattened into its elements (a single string becomes a one-item list).
    pub fn items(&self) -> Vec<Value> {
        match self {
            Value::List(l) => l.clone(),
            Value::Null => Vec::new(),
            other => vec![other.clone()],
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(o) => o.get(key),
            _ => None,
        }
    }

    /// Converts to JSON when fully known.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        Some(match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::Number::from_f64(*n)
                .map(|x| {
                    if n.fract() == 0.0 && n.abs() < 9e15 {
                        serde_json::Value::Number((*n as i64).into())
                    } else {
                        serde_json::Value::Number(x)
                    }
                })
                .unwrap_or(serde_json::Value::Null),
            Value::Str(s) if !s.contains(HOLE) => serde_json::Value::String(s.clone()),
            Value::List(l) => serde_json::Value::Array(l.iter().map(Value::to_json).collect::<Option<_>>()?),
            Value::Object(o) => serde_json::Value::Object(
                o.iter().map(|(k, v)| Some((k.clone(), v.to_json()?))).collect::<Option<_>>()?,
            ),
            _ => return None,
        })
    }

    pub fn from_json(j: &serde_json::Value) -> Value {
        match j {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) if s.contains(HOLE) => Value::Unknown,
            serde_json::Value::String(s) => Value::Str(s.clone()),
            serde_json::Value::Array(a) => Value::List(a.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(o) => {
                Value::Object(o.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect())
            }
        }
    }

    /// [`Value::from_json`] of a document written as a template: a string that is a hole and
    /// nothing else is unknown, as a reference alone is in `jsonencode`; a string with a hole
    /// and written text keeps both.
    fn from_json_with_holes(j: &serde_json::Value) -> Value {
        match j {
            serde_json::Value::String(s) if s.contains(HOLE) => {
                if s.replace(HOLE, "").trim().is_empty() {
                    Value::Unknown
                } else {
                    Value::Str(s.clone())
                }
            }
            serde_json::Value::Array(a) => Value::List(a.iter().map(Value::from_json_with_holes).collect()),
            serde_json::Value::Object(o) => {
                Value::Object(o.iter().map(|(k, v)| (k.clone(), Value::from_json_with_holes(v))).collect())
            }
            other => Value::from_json(other),
        }
    }

    /// Reads a JSON document (a policy): from a string, or the structure kept by `jsonencode`.
    pub fn as_document(&self) -> Option<Value> {
        match self {
            Value::Encoded(inner) => Some((**inner).clone()),
            Value::Object(_) => Some(self.clone()),
            Value::Str(s) => {
                let j: serde_json::Value = serde_json::from_str(s.trim()).ok()?;
                Some(Value::from_json(&j))
            }
            _ => None,
        }
    }

    fn to_template_string(&self) -> Option<String> {
        match self {
            Value::Str(s) => Some(s.clone()),
            Value::Number(n) => Some(format_number(*n)),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9e15 { format!("{}", n as i64) } else { n.to_string() }
}

/// A `dynamic` block's iterator bound to one element: name, key, value.
pub type DynIter = (String, Value, Value);

/// One block of [`Env::expand_dynamic`]: the block (`dynamic` for generated ones), its body,
/// and the iterator to bind while reading it.
pub type Expanded<'b> = (&'b Block, &'b Body, Option<DynIter>);

/// Everything an expression in one module may refer to.
pub struct Env<'m> {
    vars: HashMap<String, Value>,
    locals: HashMap<String, &'m Expr>,
    /// Every data block by `TYPE.NAME`.
    data_blocks: HashMap<String, &'m Block>,
    /// In a called module, the references its caller passes, by variable name.
    origins: HashMap<String, String>,
    /// Variables whose value, as the caller wrote it, reads a credential of the caller's
    /// configuration, with what it reads (see `pipeline::modules::call_reads`).
    input_reads: HashMap<String, String>,
    /// In a called module, the shape of an input its caller builds from values not known there
    /// (`"repo:${var.org}/${var.repo}:pull_request"`), with holes: what `var.NAME` reads as
    /// through [`Env::eval_lenient_deep`] when its value is unknown.
    var_shapes: HashMap<String, Value>,
    cache: RefCell<HashMap<String, Value>>,
    active: RefCell<HashSet<String>>,
    depth: Cell<usize>,
    lenient: Cell<bool>,
    /// Whether locals are read leniently too (see [`Env::eval_lenient_deep`]).
    deep: Cell<bool>,
    /// Whether a `for` over an unknown collection stands for one element of each shape it
    /// builds (see [`Env::eval_shapes`]).
    shapes: Cell<bool>,
    /// `each.key` / `each.value` while one `for_each` instance is evaluated.
    each: RefCell<Option<(Value, Value)>>,
    /// `count.index` while one `count` instance is evaluated.
    count_index: Cell<Option<usize>>,
    /// The module's directory: `path.module`, and where `file()` looks.
    module_dir: Option<std::path::PathBuf>,
    /// Whether the module is the root module: then `path.root` and `path.cwd` are its directory.
    is_root: bool,
    /// The directory of the root module the walk started from (`path.root`, `path.cwd`), also
    /// for a module of the tree judged on its own.
    root_dir: Option<std::path::PathBuf>,
    /// Variables of a `templatefile()` being rendered.
    template_vars: RefCell<Option<BTreeMap<String, Value>>>,
    /// What `fileset(dir, pattern)` found, by its arguments: a `for_each` over it is evaluated
    /// by many rules.
    filesets: RefCell<HashMap<(String, String), Value>>,
}

impl<'m> Env<'m> {
    pub fn new(
        vars: HashMap<String, Value>,
        locals: HashMap<String, &'m Expr>,
        data_blocks: HashMap<String, &'m Block>,
    ) -> Self {
        Self {
            vars,
            locals,
            data_blocks,
            origins: HashMap::new(),
            input_reads: HashMap::new(),
            var_shapes: HashMap::new(),
            cache: RefCell::default(),
            active: RefCell::default(),
            depth: Cell::new(0),
            lenient: Cell::new(false),
            deep: Cell::new(false),
            shapes: Cell::new(false),
            each: RefCell::new(None),
            count_index: Cell::new(None),
            module_dir: None,
            is_root: false,
            root_dir: None,
            template_vars: RefCell::new(None),
            filesets: RefCell::default(),
        }
    }

    /// Sets the module directory, enabling `path.module`, `file()` and `templatefile()`.
    pub fn with_module_dir(mut self, dir: std::path::PathBuf) -> Self {
        self.module_dir = Some(dir);
        self
    }

    /// Marks the module as the root module (`path.root`, `path.cwd`: its directory).
    pub fn as_root(mut self) -> Self {
        self.is_root = true;
        self
    }

    /// Sets the directory of the root module the walk started from (`path.root`, `path.cwd`).
    pub fn with_root_dir(mut self, dir: std::path::PathBuf) -> Self {
        self.root_dir = Some(dir);
        self
    }

    /// Sets what the caller of this module passes as plain references (see [`Env::origin`]).
    pub fn with_origins(mut self, origins: HashMap<String, String>) -> Self {
        self.origins = origins;
        self
    }

    /// Sets what the caller's inputs read (see `input_reads`).
    pub fn with_input_reads(mut self, reads: HashMap<String, String>) -> Self {
        self.input_reads = reads;
        self
    }

    /// The credential a variable an expression reads (`var.environment`,
    /// `"${var.env}"`, `merge(var.environment, {…})`) was given by the caller, if any.
    pub fn input_read_in(&self, e: &Expr) -> Option<&str> {
        if self.input_reads.is_empty() {
            return None;
        }
        let mut found = None;
        e.walk(&mut |x| {
            if found.is_none()
                && let Some(p) = x.traversal_path()
                && let Some(rest) = p.strip_prefix("var.")
            {
                let name = rest.split(['.', '[']).next().unwrap_or(rest);
                found = self.input_reads.get(name).map(String::as_str);
            }
        });
        found
    }

    /// Sets the shapes of inputs a caller builds from values not known to it (see `var_shapes`).
    pub fn with_var_shapes(mut self, shapes: HashMap<String, Value>) -> Self {
        self.var_shapes = shapes;
        self
    }

    /// The reference an expression is (`data.azurerm_subscription.s.id`, also written
    /// `"${…}"`), followed through locals and, in a called module, back to what the caller
    /// passes: a module's `var.scope_id` reads as the caller's `data.azurerm_subscription.s.id`.
    /// `None` for anything but a plain reference.
    pub fn origin(&self, e: &Expr) -> Option<String> {
        let mut path = e.plain_reference()?.traversal_path()?;
        for _ in 0..MAX_ORIGIN_HOPS {
            let (root, rest) = match path.split_once('.') {
                Some((root @ ("var" | "local"), rest)) => (root, rest),
                _ => break,
            };
            let split = rest.find(['.', '[']).unwrap_or(rest.len());
            let (name, tail) = rest.split_at(split);
            let next = if root == "var" {
                self.origins.get(name).cloned()
            } else {
                self.locals.get(name).and_then(|e| e.plain_reference()?.traversal_path())
            };
            match next {
                Some(next) => path = format!("{next}{tail}"),
                None => break,
            }
        }
        Some(path)
    }

    fn template_var(&self, name: &str) -> Option<Value> {
        self.template_vars.borrow().as_ref().and_then(|m| m.get(name).cloned())
    }

    /// Reads a file the configuration names, relative to the module directory. Terraform
    /// resolves a relative path against the directory it runs in, the root module's: a child
    /// module that writes `file("assets/policy.hcl")` means a file of the root's directory,
    /// looked up next. A path with a directory in it (`file("modules/users/policy.hcl")`) is
    /// looked up in the module's ancestors too, nearest first, for a module judged without
    /// the root that calls it.
    fn read_file(&self, path: &str) -> Option<String> {
        const MAX: u64 = 1 << 20;
        let read = |full: &std::path::Path| {
            let meta = std::fs::metadata(full).ok()?;
            if !meta.is_file() || meta.len() > MAX {
                return None;
            }
            std::fs::read_to_string(full).ok()
        };
        self.resolve(path, read)
    }

    /// `fileset(dir, pattern)`: the paths, relative to `dir` and in lexical order, of the files
    /// under it that match the glob `pattern` (`*` and `?` within one path segment, `**` across
    /// them, `{a,b}`, `[…]`), as Terraform gives them. `dir` is found as [`Env::read_file`]
    /// finds a file. Unknown when the directory is not found or the pattern is not a glob; at
    /// most [`MAX_FILESET`] files, 8 levels deep, without following linked directories.
    fn fileset(&self, dir: &str, pattern: &str) -> Value {
        let key = (dir.to_owned(), pattern.to_owned());
        if let Some(v) = self.filesets.borrow().get(&key) {
            return v.clone();
        }
        let found = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .ok()
            .map(|g| g.compile_matcher())
            .and_then(|glob| {
                self.resolve(dir, |full| {
                    std::fs::metadata(full).ok().filter(|m| m.is_dir())?;
                    let mut out = Vec::new();
                    list_files(full, std::path::Path::new(""), 0, &mut out);
                    if out.len() > MAX_FILESET {
                        return None;
                    }
                    let mut matched: Vec<String> = out.into_iter().filter(|rel| glob.is_match(rel)).collect();
                    matched.sort();
                    Some(matched)
                })
            });
        let v = match found {
            Some(paths) => Value::List(paths.into_iter().map(Value::Str).collect()),
            None => Value::Unknown,
        };
        self.filesets.borrow_mut().insert(key, v.clone());
        v
    }

    /// Finds what `path` names as [`Env::read_file`] describes, with `open` deciding whether a
    /// candidate is it.
    fn resolve<T>(&self, path: &str, open: impl Fn(&std::path::Path) -> Option<T>) -> Option<T> {
        const MAX_ROOT_LEVELS: usize = 4;
        let dir = self.module_dir.as_ref()?;
        let p = std::path::Path::new(path);
        // An absolute path elsewhere names a file of the author's machine, not of this tree;
        // one under the calling root module's directory (`"${path.root}/policies/x.json"`)
        // is of this tree.
        if p.starts_with(dir) || self.root_dir.as_ref().is_some_and(|r| p.starts_with(r)) {
            return open(p);
        }
        if !p.is_relative() {
            return None;
        }
        if let Some(text) = open(&dir.join(p)) {
            return Some(text);
        }
        if let Some(text) = self.root_dir.as_ref().filter(|r| *r != dir).and_then(|r| open(&r.join(p))) {
            return Some(text);
        }
        let nested = p.components().count() > 1 && !p.starts_with("..");
        if !nested {
            return None;
        }
        dir.ancestors()
            .skip(1)
            .take(MAX_ROOT_LEVELS)
            .filter(|root| !root.as_os_str().is_empty())
            .find_map(|root| open(&root.join(p)))
    }

    /// Evaluates `f` with `each.key` and `each.value` bound.
    /// The `(each.key, each.value)` pairs of a block's `for_each` when its collection is known
    /// here (a set or list gives each element as both); empty without one or when unknown.
    pub fn for_each_instances(&self, block: &Block) -> Vec<(Value, Value)> {
        match block.body.attr("for_each").map(|fe| self.eval(&fe.expr)) {
            Some(Value::List(items)) => items.into_iter().map(|v| (v.clone(), v)).collect(),
            Some(Value::Object(map)) => map.into_iter().map(|(k, v)| (Value::Str(k), v)).collect(),
            _ => Vec::new(),
        }
    }

    pub fn with_each<T>(&self, key: Value, value: Value, f: impl FnOnce() -> T) -> T {
        let prev = self.each.replace(Some((key, value)));
        let out = f();
        *self.each.borrow_mut() = prev;
        out
    }

    /// Evaluates `f` with the iterator of a `dynamic` block bound: `NAME.key`, `NAME.value`.
    pub fn with_iterator<T>(&self, name: &str, key: Value, value: Value, f: impl FnOnce() -> T) -> T {
        let mut scope = self.template_vars.borrow().clone().unwrap_or_default();
        let it = BTreeMap::from([("key".to_owned(), key), ("value".to_owned(), value)]);
        scope.insert(name.to_owned(), Value::Object(it));
        let prev = self.template_vars.replace(Some(scope));
        let out = f();
        *self.template_vars.borrow_mut() = prev;
        out
    }

    /// The blocks `name` of a body, with the `content` of each `dynamic "name"` once per
    /// element of its `for_each` when the collection is known (with the iterator's name, key
    /// and value to bind), or once unbound when it is not. A known empty collection makes
    /// no block.
    pub fn expand_dynamic<'b>(&self, body: &'b Body, name: &str) -> Vec<Expanded<'b>> {
        const MAX_INSTANCES: usize = 64;
        let mut out: Vec<Expanded<'b>> = Vec::new();
        for (d, content) in body.expanded(name) {
            if d.ident != "dynamic" {
                out.push((d, content, None));
                continue;
            }
            let iterator = d
                .body
                .attr("iterator")
                .and_then(|a| match &a.expr.kind {
                    ExprKind::Var(v) => Some(v.clone()),
                    _ => a.expr.traversal_path(),
                })
                .unwrap_or_else(|| name.to_owned());
            let pairs: Option<Vec<(Value, Value)>> = match d.body.attr("for_each").map(|fe| self.eval(&fe.expr)) {
                Some(Value::List(items)) => {
                    Some(items.into_iter().enumerate().map(|(i, v)| (Value::Number(i as f64), v)).collect())
                }
                Some(Value::Object(map)) => Some(map.into_iter().map(|(k, v)| (Value::Str(k), v)).collect()),
                _ => None,
            };
            match pairs {
                Some(pairs) if pairs.len() <= MAX_INSTANCES => {
                    out.extend(pairs.into_iter().map(|(k, v)| (d, content, Some((iterator.clone(), k, v)))))
                }
                _ => out.push((d, content, None)),
            }
        }
        out
    }

    /// Evaluates `f` with the iterators of the `dynamic` blocks an item sits in bound.
    pub fn in_iterators<T>(&self, iters: &[DynIter], f: impl FnOnce() -> T) -> T {
        match iters.split_first() {
            None => f(),
            Some(((name, k, v), rest)) => self.with_iterator(name, k.clone(), v.clone(), || self.in_iterators(rest, f)),
        }
    }

    /// Evaluates `f` with `count.index` bound.
    pub fn with_count_index<T>(&self, index: usize, f: impl FnOnce() -> T) -> T {
        let prev = self.count_index.replace(Some(index));
        let out = f();
        self.count_index.set(prev);
        out
    }

    pub fn var(&self, name: &str) -> Value {
        match self.vars.get(name) {
            // Not fully known: read deep, the shape the caller gave it (see `var_shapes`).
            Some(v) if self.deep.get() && !v.is_fully_known() => {
                self.var_shapes.get(name).cloned().unwrap_or_else(|| v.clone())
            }
            None if self.deep.get() => self.var_shapes.get(name).cloned().unwrap_or(Value::Unknown),
            Some(v) => v.clone(),
            None => Value::Unknown,
        }
    }

    pub fn eval(&self, e: &Expr) -> Value {
        let d = self.depth.get();
        if d >= MAX_DEPTH {
            return Value::Unknown;
        }
        self.depth.set(d + 1);
        let v = self.eval_inner(e);
        self.depth.set(d);
        v
    }

    /// Evaluates `e`, keeping unknown interpolations of templates as [`HOLE`]s in the string
    /// (`"arn:aws:ssm:${var.region}:…"` keeps its known parts) instead of making it unknown.
    pub fn eval_lenient(&self, e: &Expr) -> Value {
        let prev = self.lenient.replace(true);
        let v = self.eval(e);
        self.lenient.set(prev);
        v
    }

    /// [`Env::eval_lenient`], and the locals it reads keep their holes as well: the shape of a
    /// value built in a local (`"/subscriptions/${var.id}"`) when its parts are not known.
    pub fn eval_lenient_deep(&self, e: &Expr) -> Value {
        let prev = self.deep.replace(true);
        let v = self.eval_lenient(e);
        self.deep.set(prev);
        v
    }

    /// [`Env::eval_lenient_deep`], where a `for` over a collection not known here
    /// (`{ for id, s in data.azurerm_subscription.all : id => { role = "Owner", … } }`) gives
    /// one element of the shape it builds, its unknown parts as holes: what every instance of
    /// a `for_each` over it has in common, when the instances themselves are not known.
    pub fn eval_shapes(&self, e: &Expr) -> Value {
        let prev = self.shapes.replace(true);
        let v = self.eval_lenient_deep(e);
        self.shapes.set(prev);
        v
    }

    /// Evaluates a document-like attribute (a policy): unknown interpolations inside templates
    /// are kept as holes so that the JSON around them can still be read.
    pub fn eval_document(&self, e: &Expr) -> Option<Value> {
        // A `for` over a list not known here (`[for r in var.repos : "repo:${r}:*"]`) gives the
        // shape every element has: what a statement admits whatever the list holds.
        let prev = self.shapes.replace(true);
        let deep = self.deep.replace(true);
        let v = self.eval_document_here(e);
        self.deep.set(deep);
        self.shapes.set(prev);
        v
    }

    fn eval_document_here(&self, e: &Expr) -> Option<Value> {
        // `jsonencode({...})`: read the structure instead of encoding and decoding it again.
        if let ExprKind::Call { name, args, expand_final: false } = &e.kind
            && name == "jsonencode"
            && args.len() == 1
        {
            match self.eval_lenient(&args[0]) {
                v @ Value::Object(_) => return Some(v),
                Value::Encoded(inner) => return Some(*inner),
                _ => {}
            }
        }
        match self.eval_lenient(e) {
            // A template with parts not known here: its holes are kept in the strings they sit
            // in (`"repo:${var.org}/${var.repo}:*"` still says `*`), as `jsonencode` keeps them.
            Value::Str(s) if s.contains(HOLE) => {
                let j: serde_json::Value = serde_json::from_str(s.trim())
                    .ok()
                    // Holes placed outside of JSON strings (`"Resource": ${arns}`): quote them
                    // and try once more.
                    .or_else(|| serde_json::from_str(quote_bare_holes(&s).trim()).ok())?;
                Some(Value::from_json_with_holes(&j))
            }
            v => v.as_document(),
        }
    }

    fn eval_inner(&self, e: &Expr) -> Value {
        match &e.kind {
            ExprKind::Null => Value::Null,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Number(n) => Value::Number(*n),
            ExprKind::Str(s) => Value::Str(s.clone()),
            ExprKind::Template(parts) => self.template(parts),
            ExprKind::Array(items) => Value::List(items.iter().map(|x| self.eval(x)).collect()),
            ExprKind::Object(items) => {
                let mut out = BTreeMap::new();
                for (k, v) in items {
                    let key = match k {
                        ObjKey::Ident(i) => i.clone(),
                        ObjKey::Expr(x) => match &x.kind {
                            // `(var.x)` keys are expressions; bare words parse as variables.
                            ExprKind::Var(name) => name.clone(),
                            _ => match self.eval(x).to_template_string() {
                                Some(s) if !s.contains(HOLE) => s,
                                // A policy's `"${provider}:sub"` condition key: its known part
                                // still says which claim it tests.
                                Some(s) if self.lenient.get() && s != HOLE => s,
                                _ => return Value::Unknown,
                            },
                        },
                    };
                    out.insert(key, self.eval(v));
                }
                Value::Object(out)
            }
            ExprKind::Var(name) => self.template_var(name).unwrap_or(Value::Unknown),
            ExprKind::Traversal(root, ops) => self.traversal(root, ops),
            ExprKind::Call { name, args, expand_final } => self.call(name, args, *expand_final),
            ExprKind::Cond(c, t, f) => match self.eval(c).as_bool() {
                Some(true) => self.eval(t),
                Some(false) => self.eval(f),
                None => Value::Unknown,
            },
            ExprKind::Unary(op, x) => match (op, self.eval(x)) {
                (UnaryOp::Not, v) => v.as_bool().map_or(Value::Unknown, |b| Value::Bool(!b)),
                (UnaryOp::Neg, v) => v.as_f64().map_or(Value::Unknown, |n| Value::Number(-n)),
            },
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b),
            ExprKind::For(f) => self.for_expr(f),
        }
    }

    /// A `for` expression over a known collection. Anything unknown that decides the shape
    /// (the collection, a condition, a key) makes the whole result unknown; unknown values stay
    /// unknown elements.
    fn for_expr(&self, f: &crate::syntax::ForExpr) -> Value {
        let items: Vec<(Value, Value)> = match self.eval(&f.collection) {
            // Read for its shape, an empty collection (a module's default `[]`, filled by its
            // callers) gives the one element every caller's values would be made into.
            Value::List(l) if l.is_empty() && self.shapes.get() => return self.for_shape(f),
            Value::Object(o) if o.is_empty() && self.shapes.get() => return self.for_shape(f),
            Value::List(l) => l.into_iter().enumerate().map(|(i, v)| (Value::Number(i as f64), v)).collect(),
            Value::Object(o) => o.into_iter().map(|(k, v)| (Value::Str(k), v)).collect(),
            Value::Unknown if self.shapes.get() => return self.for_shape(f),
            _ => return Value::Unknown,
        };
        if items.len() > MAX_FOR_ITEMS {
            return Value::Unknown;
        }
        let mut list = Vec::new();
        let mut object = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        // The loop's scope: the outer template variables, copied once, with the loop variables
        // overwritten for each item (nested evaluations restore it before returning).
        let outer = self.template_vars.borrow().clone().unwrap_or_default();
        let prev = self.template_vars.replace(Some(outer));
        let mut unknown = false;
        for (k, v) in items {
            if let Some(scope) = self.template_vars.borrow_mut().as_mut() {
                if let Some(name) = &f.key_var {
                    scope.insert(name.clone(), k);
                }
                scope.insert(f.value_var.clone(), v);
            }
            let step = (|| {
                if let Some(c) = &f.cond {
                    match self.eval(c).as_bool() {
                        Some(true) => {}
                        Some(false) => return Some(None),
                        None => return None,
                    }
                }
                let key = match &f.key {
                    None => None,
                    Some(k) => Some(match self.eval(k) {
                        Value::Str(s) if !s.contains(HOLE) => s,
                        // Read for shapes, a key with parts not known here still tells the
                        // instances apart by the parts that are (`"${var.env}-${role}"`).
                        Value::Str(s) if self.shapes.get() => s,
                        Value::Number(n) => format_number(n),
                        Value::Bool(b) => b.to_string(),
                        _ => return None,
                    }),
                };
                Some(Some((key, self.eval(&f.value))))
            })();
            match step {
                None => {
                    unknown = true;
                    break;
                }
                Some(None) => {}
                Some(Some((None, value))) => list.push(value),
                Some(Some((Some(key), value))) if f.grouping => groups.entry(key).or_default().push(value),
                Some(Some((Some(key), value))) => {
                    object.insert(key, value);
                }
            }
        }
        *self.template_vars.borrow_mut() = prev;
        if unknown {
            Value::Unknown
        } else if f.key.is_none() {
            Value::List(list)
        } else if f.grouping {
            Value::Object(groups.into_iter().map(|(k, v)| (k, Value::List(v))).collect())
        } else {
            Value::Object(object)
        }
    }

    /// One element standing for every element of a `for` over an unknown collection: the
    /// loop variables unknown, a key not known as a hole, an unknown condition taken as met.
    fn for_shape(&self, f: &crate::syntax::ForExpr) -> Value {
        let mut scope = self.template_vars.borrow().clone().unwrap_or_default();
        if let Some(name) = &f.key_var {
            scope.insert(name.clone(), Value::Unknown);
        }
        scope.insert(f.value_var.clone(), Value::Unknown);
        let prev = self.template_vars.replace(Some(scope));
        let skip = f.cond.as_ref().is_some_and(|c| self.eval(c).as_bool() == Some(false));
        let value = if skip { None } else { Some(self.eval(&f.value)) };
        let key = f.key.as_ref().map(|k| self.eval(k).to_template_string().unwrap_or_else(|| HOLE.to_owned()));
        *self.template_vars.borrow_mut() = prev;
        let Some(value) = value else {
            return if f.key.is_some() { Value::Object(BTreeMap::new()) } else { Value::List(Vec::new()) };
        };
        match key {
            None => Value::List(vec![value]),
            Some(k) if f.grouping => Value::Object(BTreeMap::from([(k, Value::List(vec![value]))])),
            Some(k) => Value::Object(BTreeMap::from([(k, value)])),
        }
    }

    fn template(&self, parts: &[TemplatePart]) -> Value {
        let mut s = String::new();
        for p in parts {
            match p {
                TemplatePart::Lit(l) => s.push_str(l),
                TemplatePart::Interp(x) => match self.eval(x).to_template_string() {
                    Some(t) => s.push_str(&t),
                    None if self.lenient.get() => s.push_str(HOLE),
                    None => return Value::Unknown,
                },
                TemplatePart::Directive(Some(d)) => {
                    // A known condition picks its branch; read leniently, an unknown one takes
                    // the `if` branch (what the template writes when the feature is on).
                    let branch = match self.eval(&d.cond).as_bool() {
                        Some(true) => Some(&d.then),
                        Some(false) => d.otherwise.as_ref(),
                        None if self.lenient.get() => Some(&d.then),
                        None => return Value::Unknown,
                    };
                    match branch.map(|b| self.eval(b)) {
                        None => {}
                        Some(Value::Str(t)) => s.push_str(&t),
                        Some(_) if self.lenient.get() => s.push_str(HOLE),
                        Some(_) => return Value::Unknown,
                    }
                }
                TemplatePart::Directive(None) if self.lenient.get() => s.push_str(HOLE),
                TemplatePart::Directive(None) => return Value::Unknown,
            }
        }
        Value::Str(s)
    }

    fn binary(&self, op: BinOp, a: &Expr, b: &Expr) -> Value {
        let (x, y) = (self.eval(a), self.eval(b));
        if x.is_unknown() || y.is_unknown() {
            // `true || unknown` and `false && unknown` are still known.
            return match (op, x.as_bool(), y.as_bool()) {
                (BinOp::Or, Some(true), _) | (BinOp::Or, _, Some(true)) => Value::Bool(true),
                (BinOp::And, Some(false), _) | (BinOp::And, _, Some(false)) => Value::Bool(false),
                _ => Value::Unknown,
            };
        }
        match op {
            BinOp::Eq => Value::Bool(x == y),
            BinOp::NotEq => Value::Bool(x != y),
            BinOp::And | BinOp::Or => match (x.as_bool(), y.as_bool()) {
                (Some(p), Some(q)) => Value::Bool(if op == BinOp::And { p && q } else { p || q }),
                _ => Value::Unknown,
            },
            _ => {
                let (Some(p), Some(q)) = (x.as_f64(), y.as_f64()) else { return Value::Unknown };
                match op {
                    BinOp::Lt => Value::Bool(p < q),
                    BinOp::Le => Value::Bool(p <= q),
                    BinOp::Gt => Value::Bool(p > q),
                    BinOp::Ge => Value::Bool(p >= q),
                    BinOp::Add => Value::Number(p + q),
                    BinOp::Sub => Value::Number(p - q),
                    BinOp::Mul => Value::Number(p * q),
                    BinOp::Div if q != 0.0 => Value::Number(p / q),
                    BinOp::Mod if q != 0.0 => Value::Number(p % q),
                    _ => Value::Unknown,
                }
            }
        }
    }

    fn traversal(&self, root: &Expr, ops: &[TraverseOp]) -> Value {
        self.traversal_with(root, ops, false)
    }

    /// `strict`: an attribute a known object lacks is an error (unknown), as inside `try()`,
    /// which then falls back to its next argument.
    fn traversal_with(&self, root: &Expr, ops: &[TraverseOp], strict: bool) -> Value {
        let attr = |i: usize| match ops.get(i) {
            Some(TraverseOp::Attr(a)) => Some(a.as_str()),
            _ => None,
        };
        let (base, rest) = match &root.kind {
            ExprKind::Var(v) if v == "var" => match attr(0) {
                Some(name) => (self.var(name), &ops[1..]),
                None => return Value::Unknown,
            },
            ExprKind::Var(v) if v == "local" => match attr(0) {
                Some(name) => (self.local(name), &ops[1..]),
                None => return Value::Unknown,
            },
            ExprKind::Var(v) if v == "data" => {
                // `data.T.N.attr`, or `data.T.N[0].attr` for a counted data source.
                let (leaf, next) = match ops.get(2) {
                    Some(TraverseOp::Attr(a)) => (Some(a.as_str()), 3),
                    Some(TraverseOp::Index(_) | TraverseOp::Splat) => (attr(3), 4),
                    None => (None, 2),
                };
                let rest = ops.get(next..).unwrap_or(&[]);
                match (attr(0), attr(1), leaf) {
                    (Some("aws_iam_policy_document"), Some(name), Some("json" | "minified_json")) => {
                        (self.policy_doc(name), rest)
                    }
                    (Some("aws_iam_policy"), Some(name), Some("arn")) => (self.managed_policy_arn(name), rest),
                    (Some("template_file"), Some(name), Some("rendered")) => (self.template_file(name), rest),
                    (Some("local_file"), Some(name), Some("content")) => (self.local_file(name), rest),
                    (Some("azurerm_role_definition"), Some(name), Some("id" | "role_definition_id")) => {
                        (self.builtin_role_definition_id(name), rest)
                    }
                    (Some("azurerm_role_definition"), Some(name), Some("name")) => {
                        (self.builtin_role_definition_name(name), rest)
                    }
                    (Some(ty), Some(name), Some(leaf)) => match self.lookup_echo(ty, name, leaf, rest) {
                        Some((v, rest)) => (v, rest),
                        None => return Value::Unknown,
                    },
                    _ => return Value::Unknown,
                }
            }
            ExprKind::Var(v) if v == "each" => {
                let bound = self.each.borrow().clone();
                match (bound, attr(0)) {
                    (Some((k, _)), Some("key")) => (k, &ops[1..]),
                    (Some((_, v)), Some("value")) => (v, &ops[1..]),
                    _ => return Value::Unknown,
                }
            }
            ExprKind::Var(v) if v == "count" => match (self.count_index.get(), attr(0)) {
                (Some(i), Some("index")) => (Value::Number(i as f64), &ops[1..]),
                _ => return Value::Unknown,
            },
            ExprKind::Var(v) if v == "path" => match (attr(0), &self.module_dir) {
                (Some("module"), Some(d)) => (Value::Str(d.display().to_string()), &ops[1..]),
                (Some("root" | "cwd"), d) => match (&self.root_dir, d) {
                    (Some(r), _) => (Value::Str(r.display().to_string()), &ops[1..]),
                    (None, Some(d)) if self.is_root => (Value::Str(d.display().to_string()), &ops[1..]),
                    _ => return Value::Unknown,
                },
                _ => return Value::Unknown,
            },
            ExprKind::Var(v) => match self.template_var(v) {
                Some(val) => (val, ops),
                None => return Value::Unknown,
            },
            _ => (self.eval(root), ops),
        };
        let mut cur = base;
        for op in rest {
            cur = match (op, cur) {
                (_, Value::Unknown) => return Value::Unknown,
                // A known object without the attribute: in valid Terraform that is an `optional()`
                // attribute of a typed variable left out, which is null.
                (TraverseOp::Attr(a), Value::Object(o)) => match o.get(a) {
                    Some(v) => v.clone(),
                    None if strict => return Value::Unknown,
                    None => Value::Null,
                },
                (TraverseOp::Index(ix), v) => match (self.eval(ix), v) {
                    (Value::Number(n), Value::List(l)) if n >= 0.0 => {
                        l.get(n as usize).cloned().unwrap_or(Value::Unknown)
                    }
                    (Value::Str(k), Value::Object(o)) => o.get(&k).cloned().unwrap_or(Value::Unknown),
                    _ => Value::Unknown,
                },
                _ => return Value::Unknown,
            };
        }
        cur
    }

    /// The expression a local is written with, when this module has it.
    pub fn local_expr(&self, name: &str) -> Option<&'m Expr> {
        self.locals.get(name).copied()
    }

    /// The expression of the local an expression passes whole (`local.app_env`, also written
    /// `"${local.app_env}"`); `None` for a field of one (`local.app.host`) or anything else.
    pub fn local_passed_whole(&self, e: &Expr) -> Option<&'m Expr> {
        let ExprKind::Traversal(root, ops) = &e.plain_reference()?.kind else { return None };
        match (&root.kind, ops.as_slice()) {
            (ExprKind::Var(v), [TraverseOp::Attr(name)]) if v == "local" => self.local_expr(name),
            _ => None,
        }
    }

    fn local(&self, name: &str) -> Value {
        // Read through `eval_lenient_deep`, a local keeps its holes too (cached apart).
        let deep = self.deep.get();
        let key = match (deep, self.shapes.get()) {
            (_, true) => format!("?{name}"),
            (true, false) => format!("~{name}"),
            (false, false) => name.to_owned(),
        };
        if let Some(v) = self.cache.borrow().get(&key) {
            return v.clone();
        }
        let Some(expr) = self.locals.get(name).copied() else { return Value::Unknown };
        if !self.active.borrow_mut().insert(name.to_owned()) {
            return Value::Unknown; // a cycle
        }
        let lenient = self.lenient.replace(deep);
        let v = self.eval(expr);
        self.lenient.set(lenient);
        self.active.borrow_mut().remove(name);
        self.cache.borrow_mut().insert(key, v.clone());
        v
    }

    /// What a lookup data source returns of what it was asked for: the name it looks up by is
    /// the name of what it finds. `data.T.N.name` is the block's own `name` argument, and
    /// `metadata[0].name` / `object.metadata.name` (Kubernetes lookups) its `metadata { name }`.
    /// Anything else a data source returns is not known here.
    fn lookup_echo<'o>(
        &self,
        ty: &str,
        name: &str,
        leaf: &str,
        rest: &'o [TraverseOp],
    ) -> Option<(Value, &'o [TraverseOp])> {
        const ECHOED: [&str; 4] = ["name", "role_name", "account_id", "namespace"];
        let block = self.data_blocks.get(&format!("{ty}.{name}")).copied()?;
        let arg = |body: &crate::syntax::Body, key: &str| {
            body.attr(key).map(|a| self.eval(&a.expr)).filter(|v| v.as_str().is_some_and(|s| !s.contains(HOLE)))
        };
        if ECHOED.contains(&leaf) {
            return arg(&block.body, leaf).map(|v| (v, rest));
        }
        // `metadata[0].name`, or `object.metadata.name` of `kubernetes_resource`.
        let after = match (leaf, rest) {
            ("object", [TraverseOp::Attr(m), more @ ..]) if m == "metadata" => more,
            ("metadata", more) => more,
            _ => return None,
        };
        let after = match after {
            [TraverseOp::Index(_), more @ ..] => more,
            more => more,
        };
        let [TraverseOp::Attr(key), more @ ..] = after else { return None };
        if !ECHOED.contains(&key.as_str()) {
            return None;
        }
        let meta = block.body.blocks("metadata").next()?;
        arg(&meta.body, key).map(|v| (v, more))
    }

    /// `data.aws_iam_policy_document.NAME.json`, as the structure it encodes.
    fn policy_doc(&self, name: &str) -> Value {
        self.data_value("aws_iam_policy_document", name, |block| iam_policy::policy_doc_value(block, self))
    }

    /// The value `f` computes from data source `TYPE.NAME`, once per evaluation (cached), and
    /// unknown while it is being computed (a reference cycle) or when there is no such block.
    fn data_value(&self, ty: &str, name: &str, f: impl FnOnce(&Block) -> Value) -> Value {
        let key = format!("data.{ty}.{name}");
        if let Some(v) = self.cache.borrow().get(&key) {
            return v.clone();
        }
        let Some(block) = self.data_blocks.get(&format!("{ty}.{name}")).copied() else {
            return Value::Unknown;
        };
        if !self.active.borrow_mut().insert(key.clone()) {
            return Value::Unknown;
        }
        let v = f(block);
        self.active.borrow_mut().remove(&key);
        self.cache.borrow_mut().insert(key, v.clone());
        v
    }

    /// `data.template_file.NAME.rendered` (the legacy template provider): its `template` text
    /// rendered with its `vars`, as `templatefile()` renders a file.
    fn template_file(&self, name: &str) -> Value {
        self.data_value("template_file", name, |block| {
            let text = block.body.attr("template").map(|a| self.eval(&a.expr));
            let vars = match block.body.attr("vars").map(|a| self.eval(&a.expr)) {
                Some(Value::Object(vars)) => vars,
                None | Some(Value::Null) => BTreeMap::new(),
                Some(_) => return Value::Unknown,
            };
            let Some(text) = text.as_ref().and_then(Value::as_str).filter(|t| !t.contains(HOLE)) else {
                return Value::Unknown;
            };
            self.render(text, vars)
        })
    }

    /// `data.local_file.NAME.content`: the text of the file it reads, as `file()` reads it.
    fn local_file(&self, name: &str) -> Value {
        self.data_value("local_file", name, |block| {
            let path = block.body.attr("filename").map(|a| self.eval(&a.expr));
            match path.as_ref().and_then(Value::as_str).and_then(|p| self.read_file(p)) {
                Some(text) => Value::Str(text),
                None => Value::Unknown,
            }
        })
    }

    /// `data.azurerm_role_definition.NAME.id`: the tenant-wide ID of the built-in role it
    /// looks up, by `name` or by a bare GUID `role_definition_id`
    /// (`/providers/Microsoft.Authorization/roleDefinitions/GUID`, a form Azure accepts wherever
    /// an assignment takes a definition ID). Roles not in [`azure_builtin_roles`] looked up by
    /// name are not known here.
    fn builtin_role_definition_id(&self, name: &str) -> Value {
        let Some(block) = self.data_blocks.get(&format!("azurerm_role_definition.{name}")).copied() else {
            return Value::Unknown;
        };
        let guid = match block.body.attr("role_definition_id") {
            Some(a) => self.eval(&a.expr).as_str().and_then(azure_role_entry_by_id).map(|(_, g)| *g),
            None => block.body.attr("name").and_then(|a| {
                let role = self.eval(&a.expr);
                let n = role.as_str()?;
                azure_builtin_roles().find(|(r, _)| r.eq_ignore_ascii_case(n)).map(|(_, g)| *g)
            }),
        };
        match guid {
            Some(g) => Value::Str(format!("/providers/Microsoft.Authorization/roleDefinitions/{g}")),
            None => Value::Unknown,
        }
    }

    /// `data.azurerm_role_definition.NAME.name`: the `name` it looks up, or the built-in role
    /// its `role_definition_id` is.
    fn builtin_role_definition_name(&self, name: &str) -> Value {
        let Some(block) = self.data_blocks.get(&format!("azurerm_role_definition.{name}")).copied() else {
            return Value::Unknown;
        };
        let known = |key: &str| block.body.attr(key).map(|a| self.eval(&a.expr)).filter(|v| v.as_str().is_some());
        if let Some(n) = known("name") {
            return n;
        }
        match known("role_definition_id").as_ref().and_then(Value::as_str).and_then(azure_role_by_id) {
            Some(r) => Value::Str(r.to_owned()),
            None => Value::Unknown,
        }
    }

    /// `data.aws_iam_policy.NAME.arn`: its `arn`, or the AWS managed policy named by `name`.
    fn managed_policy_arn(&self, name: &str) -> Value {
        let Some(block) = self.data_blocks.get(&format!("aws_iam_policy.{name}")).copied() else {
            return Value::Unknown;
        };
        if let Some(a) = block.body.attr("arn") {
            return self.eval(&a.expr);
        }
        // A name under a path prefix is a customer policy, whatever it is called.
        if block.body.attr("path_prefix").is_some() {
            return Value::Unknown;
        }
        match block.body.attr("name").map(|a| self.eval(&a.expr)) {
            Some(Value::Str(n)) if !n.contains(HOLE) => Value::Str(format!("arn:aws:iam::aws:policy/{n}")),
            _ => Value::Unknown,
        }
    }

    fn call(&self, name: &str, args: &[Expr], expand_final: bool) -> Value {
        let name = name.strip_prefix("provider::terraform::").unwrap_or(name);
        // `try(each.value.name, each.key)`: an attribute the object lacks makes Terraform fall
        // back to the next argument.
        let strict = name == "try";
        let mut vals: Vec<Value> = args
            .iter()
            .map(|a| match &a.kind {
                ExprKind::Traversal(root, ops) if strict => self.traversal_with(root, ops, true),
                _ => self.eval(a),
            })
            .collect();
        // Read leniently, text built with format()/join() keeps its unknown parts as holes, as a
        // template's do.
        if self.lenient.get() && matches!(name, "format" | "join") {
            for v in &mut vals {
                if matches!(v, Value::Unknown) {
                    *v = Value::Str(HOLE.to_owned());
                }
            }
        }
        // Read for shapes, a list joined with one not known here keeps the elements that are
        // (`concat(local.common_roles, each.value.extra_roles)`), beside one element not known.
        if self.shapes.get() && name == "concat" {
            for v in &mut vals {
                if matches!(v, Value::Unknown) {
                    *v = Value::List(vec![Value::Unknown]);
                }
            }
        }
        if expand_final {
            match vals.pop() {
                Some(Value::List(l)) => vals.extend(l),
                _ => return Value::Unknown,
            }
        }
        match name {
            "file" => match vals.first().and_then(Value::as_str).and_then(|p| self.read_file(p)) {
                Some(text) => Value::Str(text),
                None => Value::Unknown,
            },
            "templatefile" => self.templatefile(&vals),
            "fileset" => match (vals.first().and_then(Value::as_str), vals.get(1).and_then(Value::as_str)) {
                (Some(dir), Some(pattern)) => self.fileset(dir, pattern),
                _ => Value::Unknown,
            },
            _ => functions::call(name, vals),
        }
    }

    /// `templatefile(path, vars)`: the file as a template, rendered with `vars` in scope.
    fn templatefile(&self, args: &[Value]) -> Value {
        let (Some(path), Some(Value::Object(vars))) = (args.first().and_then(Value::as_str), args.get(1)) else {
            return Value::Unknown;
        };
        let Some(text) = self.read_file(path) else { return Value::Unknown };
        self.render(&text, vars.clone())
    }

    /// A template's text rendered with `vars` bound, as `templatefile()` does.
    fn render(&self, text: &str, vars: BTreeMap<String, Value>) -> Value {
        let Some(template) = crate::syntax::parse_template_text(text) else { return Value::Unknown };
        let prev = self.template_vars.replace(Some(vars));
        let v = self.eval(&template);
        *self.template_vars.borrow_mut() = prev;
        v
    }
}

/// How many files `fileset()` lists at most; a pattern matching more reads as unknown.
const MAX_FILESET: usize = 1000;

/// The files under `dir` (`rel` below the directory `fileset()` was asked for), as `/`-joined
/// relative paths, into `out`: [`MAX_FILESET`] files at most, 8 levels deep, without following
/// linked directories.
fn list_files(dir: &std::path::Path, rel: &std::path::Path, depth: usize, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        if out.len() > MAX_FILESET {
            return;
        }
        let Ok(kind) = e.file_type() else { continue };
        let rel = rel.join(e.file_name());
        if kind.is_dir() {
            if depth < 8 {
                list_files(&e.path(), &rel, depth + 1, out);
            }
        } else if std::fs::metadata(e.path()).is_ok_and(|m| m.is_file())
            && let Some(text) = rel.to_str()
        {
            out.push(text.replace(std::path::MAIN_SEPARATOR, "/"));
        }
    }
}

/// JSON text with the holes that stand outside of strings quoted, so that it parses with
/// each of them as one unknown string; holes inside strings are left as they are.
fn quote_bare_holes(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let (mut in_string, mut escaped) = (false, false);
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if !in_string && rest.starts_with(HOLE) {
            out.push('"');
            out.push_str(HOLE);
            out.push('"');
            rest = &rest[HOLE.len()..];
            continue;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod for_tests {
    use super::*;
    use crate::syntax::{parse_hcl, parse_template_text};

    /// Evaluates `local.out` of `locals { … }` text, with `var.known` = {a = "x", b = "y"}.
    fn local_out(locals: &str) -> Value {
        let body = parse_hcl(&format!("locals {{\n{locals}\n}}\n")).unwrap();
        let block = &body.blocks[0];
        let locals: HashMap<String, &Expr> = block.body.attrs.iter().map(|a| (a.key.clone(), &a.expr)).collect();
        let known =
            Value::Object(BTreeMap::from([("a".into(), Value::Str("x".into())), ("b".into(), Value::Str("y".into()))]));
        let env = Env::new(HashMap::from([("known".to_owned(), known)]), locals, HashMap::new());
        env.local("out")
    }

    fn s(x: &str) -> Value {
        Value::Str(x.into())
    }

    #[test]
    fn for_expressions_over_known_collections() {
        assert_eq!(local_out("out = [for v in [\"a\", \"b\"] : upper(v)]"), Value::List(vec![s("A"), s("B")]));
        assert_eq!(
            local_out("out = [for i, v in [\"a\", \"b\"] : \"${i}-${v}\"]"),
            Value::List(vec![s("0-a"), s("1-b")]),
            "the key of a list is its index"
        );
        assert_eq!(
            local_out("out = { for k, v in var.known : v => k if k != \"b\" }"),
            Value::Object(BTreeMap::from([("x".into(), s("a"))]))
        );
        assert_eq!(
            local_out("out = { for k, v in var.known : \"all\" => v... }"),
            Value::Object(BTreeMap::from([("all".into(), Value::List(vec![s("x"), s("y")]))])),
            "grouping"
        );
        assert_eq!(local_out("out = [for v in var.unknown : v]"), Value::Unknown, "unknown collection");
        assert_eq!(local_out("out = [for v in [1] : v if var.unknown]"), Value::Unknown, "unknown condition");
        assert_eq!(local_out("out = [for v in [1, 2] : v if false]"), Value::List(vec![]));
        assert_eq!(
            local_out("x = 1\nout = [for x in [\"inner\"] : x]"),
            Value::List(vec![s("inner")]),
            "the loop variable shadows nothing outside the loop"
        );
    }

    #[test]
    fn a_for_over_an_unknown_collection_has_a_shape() {
        let body = parse_hcl(
            "locals {\n  grants = merge({ for k, v in var.unknown : \"owner_${k}\" => { role = \"Owner\", scope = v.id } }, { fixed = { role = \"Reader\" } })\n  none = [for v in var.unknown : v if false]\n}\n",
        )
        .unwrap();
        let locals: HashMap<String, &Expr> =
            body.blocks[0].body.attrs.iter().map(|a| (a.key.clone(), &a.expr)).collect();
        let env = Env::new(HashMap::new(), locals, HashMap::new());
        let refs = parse_hcl("g = local.grants\nn = local.none\n").unwrap();
        let (grants, none) = (&refs.attrs[0].expr, &refs.attrs[1].expr);
        assert_eq!(env.eval(grants), Value::Unknown, "strictly, the instances are not known");
        let Value::Object(shapes) = env.eval_shapes(grants) else { panic!("an object of shapes") };
        assert_eq!(shapes.len(), 2);
        let owner = shapes.iter().find(|(k, _)| k.starts_with("owner_")).map(|(_, v)| v.clone()).unwrap();
        assert_eq!(owner.get("role"), Some(&s("Owner")));
        assert!(owner.get("scope").and_then(Value::as_str).is_none(), "the scope is not known");
        assert_eq!(env.eval_shapes(none), Value::List(vec![]));
        // Over a known empty collection (a default of `[]`), the shape of what callers fill in.
        let body = parse_hcl("locals {\n  subs = [for r in [] : \"repo:${r}:*\"]\n}\n").unwrap();
        let locals: HashMap<String, &Expr> =
            body.blocks[0].body.attrs.iter().map(|a| (a.key.clone(), &a.expr)).collect();
        let env = Env::new(HashMap::new(), locals, HashMap::new());
        let subs = parse_hcl("s = local.subs\n").unwrap();
        assert_eq!(env.eval(&subs.attrs[0].expr), Value::List(vec![]), "strictly, there are none");
        assert_eq!(env.eval_shapes(&subs.attrs[0].expr), Value::List(vec![s(&format!("repo:{HOLE}:*"))]));
        // The strict reading is not changed by the shapes read before it (cached apart).
        assert_eq!(env.eval(grants), Value::Unknown);
    }

    #[test]
    fn template_directives_render_their_branch() {
        let env = Env::new(HashMap::new(), HashMap::new(), HashMap::new());
        let t = |text: &str| parse_template_text(text).unwrap();
        // A known condition picks its branch, read strictly or leniently.
        assert_eq!(env.eval(&t("a%{ if 1 == 1 }b%{ else }c%{ endif }")), s("ab"));
        assert_eq!(env.eval(&t("a%{ if 1 == 2 }b%{ endif }")), s("a"));
        // An unknown one: unknown strictly, the `if` branch leniently.
        let unknown = t("a%{ if var.on }b${var.x}%{ endif }");
        assert_eq!(env.eval(&unknown), Value::Unknown);
        assert_eq!(env.eval_lenient(&unknown), s(&format!("ab{HOLE}")));
        // `for` directives stay unknown.
        assert_eq!(env.eval_lenient(&t("%{ for x in var.l }${x}%{ endfor }")), s(HOLE));
    }

    #[test]
    fn holes_outside_json_strings_are_quoted_and_inside_ones_kept() {
        let text = format!("{{\"Resource\": {HOLE}, \"Arn\": \"arn:{HOLE}/*\", \"Q\": \"a\\\"{HOLE}\"}}");
        let quoted = quote_bare_holes(&text);
        let j: serde_json::Value = serde_json::from_str(&quoted).unwrap();
        assert_eq!(j["Resource"], serde_json::Value::String(HOLE.into()));
        assert_eq!(j["Arn"], serde_json::Value::String(format!("arn:{HOLE}/*")));
        assert_eq!(j["Q"], serde_json::Value::String(format!("a\"{HOLE}")));
    }

    #[test]
    fn a_policy_keeps_condition_keys_built_from_unknown_values() {
        let body = parse_hcl(
            "p = jsonencode({ Condition = { StringEquals = { \"${var.provider}:sub\" = \"system:serviceaccount:a:b\" } } })\n",
        )
        .unwrap();
        let env = Env::new(HashMap::new(), HashMap::new(), HashMap::new());
        let e = &body.attrs[0].expr;
        // Read as a document, the key's known part says which claim it tests.
        let doc = env.eval_document(e).unwrap();
        let eq = doc.get("Condition").and_then(|c| c.get("StringEquals")).unwrap();
        let Value::Object(keys) = eq else { panic!("{eq:?}") };
        assert!(keys.keys().all(|k| k.ends_with(":sub") && k.contains(HOLE)), "{keys:?}");
        // As a plain value, the object with that key is not known.
        let plain = env.eval(e);
        let Value::Encoded(inner) = &plain else { panic!("{plain:?}") };
        assert_eq!(inner.get("Condition").and_then(|c| c.get("StringEquals")), Some(&Value::Unknown));
    }
}
