//! What a rule is and the small typed API rules use to query a module. Rules report a message,
//! the narrowest span and a help sentence; code, severity, URL and suppressions are added by the
//! engine.

use std::ops::Range;

use nhi_core::{Policy, Timestamp};
use serde::{Deserialize, Serialize};

use crate::eval::{Env, Value};
use crate::model::{Attr, Block, Body, Span};
use crate::source::SourceFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    StaticCredential,
    ExcessiveScope,
    MissingTtl,
    Governance,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::StaticCredential => "static-credential",
            Category::ExcessiveScope => "excessive-scope",
            Category::MissingTtl => "missing-ttl",
            Category::Governance => "governance",
        }
    }
}

/// Everything about a rule except its code, which lives in the code table.
#[derive(Debug, Clone, Copy)]
pub struct RuleMeta {
    /// Kebab-case name of the pattern found (`aws-access-key`), never of the cure.
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// One line for `nhi-lint rules`.
    pub summary: &'static str,
    /// The rule's own source file; its `///` comment is the rule's documentation.
    pub source: &'static str,
}

pub trait Rule: Sync + Send {
    fn meta(&self) -> RuleMeta;
    fn check(&self, cx: &mut Ctx<'_>);
}

/// A finding as a rule reports it, before the engine stamps code, severity and position.
#[derive(Debug, Clone)]
pub struct RawFinding {
    pub code: &'static str,
    pub file: usize,
    pub span: Range<usize>,
    pub message: String,
    pub help: String,
    pub address: String,
    /// The address without module prefix: findings from several calls of one module collapse
    /// on it, so each source block is reported once per code.
    pub key: String,
}

impl RawFinding {
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = help.into();
        self
    }
}

/// One module evaluated in one context (standalone, or called with known inputs).
pub struct ModuleView<'a> {
    pub files: &'a [&'a SourceFile],
    /// Index into the engine's file list for each of `files`.
    pub file_ids: &'a [usize],
    pub env: &'a Env<'a>,
    /// `""` or `module.x.` (nested calls chain).
    pub prefix: &'a str,
    /// AWS policy statements, read once per module view and shared by the policy rules.
    pub(crate) policies: std::cell::OnceCell<Vec<crate::rules::aws_policies::PolicySource<'a>>>,
    /// Top-level blocks by (block type, first label), built on first use.
    pub(crate) index: std::cell::OnceCell<BlockIndex<'a>>,
}

/// `(kind, first label)` → `(index into ModuleView::files, block)`, in file order.
pub(crate) type BlockIndex<'a> = std::collections::HashMap<(&'a str, &'a str), Vec<(usize, &'a Block)>>;

pub struct Ctx<'a> {
    pub(crate) view: &'a ModuleView<'a>,
    pub policy: &'a Policy,
    pub now: Timestamp,
    pub(crate) code: &'static str,
    pub(crate) out: Vec<RawFinding>,
}

/// A block together with what is needed to read its values.
#[derive(Clone)]
pub struct Item<'a> {
    pub file: usize,
    pub block: &'a Block,
    pub body: &'a Body,
    pub env: &'a Env<'a>,
    /// The top-level block this item belongs to (itself, or the block it is nested in).
    top: &'a Block,
    prefix: &'a str,
}

impl<'a> Item<'a> {
    pub fn address(&self) -> String {
        format!("{}{}", self.prefix, crate::source::address_of(self.top))
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

    /// The evaluated value of an attribute; `None` when the attribute is absent.
    pub fn value(&self, key: &str) -> Option<Value> {
        self.body.attr(key).map(|a| self.env.eval(&a.expr))
    }

    /// Every value an attribute takes across the block's `for_each` instances (when the
    /// collection is known), or its single value. Empty when the attribute is absent.
    pub fn values(&self, key: &str) -> Vec<Value> {
        let Some(attr) = self.body.attr(key) else { return Vec::new() };
        let top = self.block;
        let instances = top.body.attr("for_each").map(|fe| self.env.eval(&fe.expr));
        match instances {
            Some(Value::List(items)) if !items.is_empty() => {
                items.into_iter().map(|it| self.env.with_each(it.clone(), it, || self.env.eval(&attr.expr))).collect()
            }
            Some(Value::Object(map)) if !map.is_empty() => map
                .into_iter()
                .map(|(k, v)| self.env.with_each(Value::Str(k), v, || self.env.eval(&attr.expr)))
                .collect(),
            _ => vec![self.env.eval(&attr.expr)],
        }
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
    pub fn nested(&self, name: &str) -> Vec<Item<'a>> {
        let mut out: Vec<Item<'a>> = self.body.blocks(name).map(|b| self.with_block(b, &b.body)).collect();
        for d in self.body.blocks("dynamic") {
            if d.labels.first().map(String::as_str) == Some(name) {
                for c in d.body.blocks("content") {
                    out.push(self.with_block(d, &c.body));
                }
            }
        }
        out
    }

    fn with_block(&self, block: &'a Block, body: &'a Body) -> Item<'a> {
        Item { block, body, ..self.clone() }
    }

    /// The label at `i` (`resource "TYPE" "NAME"`).
    pub fn label(&self, i: usize) -> &'a str {
        self.block.labels.get(i).map_or("", String::as_str)
    }
}

/// Whether `count` or `for_each` is known to create no instance (`count = var.enabled ? 1 : 0`
/// with `enabled` false): such a block describes nothing that will exist.
fn never_created(b: &Block, env: &Env<'_>) -> bool {
    if let Some(c) = b.body.attr("count") {
        return env.eval(&c.expr).as_f64() == Some(0.0);
    }
    if let Some(fe) = b.body.attr("for_each") {
        return match env.eval(&fe.expr) {
            Value::List(l) => l.is_empty(),
            Value::Object(o) => o.is_empty(),
            _ => false,
        };
    }
    false
}

impl<'a> Ctx<'a> {
    /// Top-level blocks of one kind (`resource`, `data`, `provider`, `variable`, …) and, when
    /// `ty` is given, of that first label.
    pub fn blocks(&self, kind: &str, ty: Option<&str>) -> Vec<Item<'a>> {
        let view = self.view;
        let make = |fi: usize, b: &'a Block| Item {
            file: view.file_ids[fi],
            block: b,
            body: &b.body,
            env: view.env,
            top: b,
            prefix: view.prefix,
        };
        match ty {
            Some(t) => {
                let index = view.index.get_or_init(|| {
                    let mut m: BlockIndex<'a> = std::collections::HashMap::new();
                    for (fi, file) in view.files.iter().enumerate() {
                        for b in &file.body.blocks {
                            let label = b.labels.first().map_or("", String::as_str);
                            m.entry((b.ident.as_str(), label)).or_default().push((fi, b));
                        }
                    }
                    m
                });
                index.get(&(kind, t)).map_or_else(Vec::new, |v| {
                    v.iter().filter(|(_, b)| !never_created(b, view.env)).map(|(fi, b)| make(*fi, b)).collect()
                })
            }
            None => {
                let mut out = Vec::new();
                for (fi, file) in view.files.iter().enumerate() {
                    out.extend(
                        file.body
                            .blocks
                            .iter()
                            .filter(|b| b.ident == kind && !never_created(b, view.env))
                            .map(|b| make(fi, b)),
                    );
                }
                out
            }
        }
    }

    pub fn resources(&self, ty: &str) -> Vec<Item<'a>> {
        self.blocks("resource", Some(ty))
    }

    pub fn data(&self, ty: &str) -> Vec<Item<'a>> {
        self.blocks("data", Some(ty))
    }

    /// Resources of any of `types`.
    pub fn resources_of(&self, types: &[&str]) -> Vec<Item<'a>> {
        types.iter().flat_map(|t| self.resources(t)).collect()
    }

    /// Every top-level block: for rules that look at all values (hard-coded secrets).
    pub fn all_blocks(&self) -> Vec<Item<'a>> {
        let mut out = Vec::new();
        for (fi, file) in self.view.files.iter().enumerate() {
            for b in &file.body.blocks {
                out.push(Item {
                    file: self.view.file_ids[fi],
                    block: b,
                    body: &b.body,
                    env: self.view.env,
                    top: b,
                    prefix: self.view.prefix,
                });
            }
        }
        out
    }

    /// The module view, for caches that live as long as it.
    pub(crate) fn view(&self) -> &'a ModuleView<'a> {
        self.view
    }

    /// The module's files with their engine ids.
    pub fn files(&self) -> Vec<(usize, &'a SourceFile)> {
        self.view.files.iter().enumerate().map(|(i, f)| (self.view.file_ids[i], *f)).collect()
    }

    /// Whether this module evaluation is the module itself rather than a call into it.
    pub fn is_standalone(&self) -> bool {
        self.view.prefix.is_empty()
    }

    pub fn report(&mut self, item: &Item<'_>, span: Span, message: impl Into<String>) -> &mut RawFinding {
        let key = crate::source::address_of(item.top);
        self.report_at(item.file, &key, span, message)
    }

    /// Reports under an explicit unprefixed address (e.g. `local.token` inside a `locals` block).
    pub fn report_at(&mut self, file: usize, key: &str, span: Span, message: impl Into<String>) -> &mut RawFinding {
        self.out.push(RawFinding {
            code: self.code,
            file,
            span,
            message: message.into(),
            help: String::new(),
            address: format!("{}{}", self.view.prefix, key),
            key: key.to_owned(),
        });
        let last = self.out.len() - 1;
        &mut self.out[last]
    }
}
