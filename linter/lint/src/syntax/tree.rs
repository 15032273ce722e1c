//! The linter's own syntax tree, shared by `.tf` (HCL native syntax) and `.tf.json` files.
//! Every node keeps the byte range it came from, so findings point at the narrowest span.
//! Rules never see `hcl-edit` types.

use crate::span::Span;

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    /// A string with interpolations or directives.
    Template(Vec<TemplatePart>),
    Array(Vec<Expr>),
    Object(Vec<(ObjKey, Expr)>),
    /// A root variable such as `var`, `local`, `each`, or a resource type.
    Var(String),
    Traversal(Box<Expr>, Vec<TraverseOp>),
    Call {
        name: String,
        args: Vec<Expr>,
        expand_final: bool,
    },
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// A `for` expression: `[for v in c : v.x if cond]` or `{for k, v in c : k => v}`.
    For(Box<ForExpr>),
}

/// The parts of a `for` expression.
#[derive(Debug, Clone)]
pub struct ForExpr {
    /// `k` in `for k, v in …` (the index of a list, the key of a map).
    pub key_var: Option<String>,
    pub value_var: String,
    pub collection: Expr,
    /// The key expression of an object `for` (`k => …`); `None` for a list.
    pub key: Option<Expr>,
    pub value: Expr,
    pub cond: Option<Expr>,
    /// `...` after the value: values with the same key are grouped into lists.
    pub grouping: bool,
}

impl ForExpr {
    fn children(&self) -> impl Iterator<Item = &Expr> {
        std::iter::once(&self.collection)
            .chain(self.key.as_ref())
            .chain(std::iter::once(&self.value))
            .chain(self.cond.as_ref())
    }

    fn children_mut(&mut self) -> impl Iterator<Item = &mut Expr> {
        std::iter::once(&mut self.collection)
            .chain(self.key.as_mut())
            .chain(std::iter::once(&mut self.value))
            .chain(self.cond.as_mut())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Eq,
    NotEq,
    And,
    Or,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

#[derive(Debug, Clone)]
pub enum TemplatePart {
    Lit(String),
    Interp(Expr),
    /// `%{ if }` (with its condition and branches) or `%{ for }` (`None`: what it writes is
    /// not known).
    Directive(Option<Box<IfDirective>>),
}

/// `%{ if cond }then%{ else }otherwise%{ endif }` of a template.
#[derive(Debug, Clone)]
pub struct IfDirective {
    pub cond: Expr,
    pub then: Expr,
    pub otherwise: Option<Expr>,
}

#[derive(Debug, Clone)]
pub enum ObjKey {
    Ident(String),
    Expr(Expr),
}

impl ObjKey {
    /// The key's name when it is written out: a bare identifier or a quoted string.
    pub fn name(&self) -> Option<&str> {
        match self {
            ObjKey::Ident(i) => Some(i),
            ObjKey::Expr(x) => x.as_str(),
        }
    }
}

#[derive(Debug, Clone)]
pub enum TraverseOp {
    Attr(String),
    Index(Expr),
    Splat,
}

#[derive(Debug, Clone, Default)]
pub struct Body {
    pub attrs: Vec<Attr>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub struct Attr {
    pub key: String,
    pub expr: Expr,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Block {
    pub ident: String,
    pub labels: Vec<String>,
    pub body: Body,
    pub span: Span,
    /// From the block type to the last label: where "missing X" findings point.
    pub header: Span,
}

impl Block {
    /// A module call's `source` when it is a local path (`./…`, `../…`): the module's code is in
    /// this tree. Registry and git sources are not.
    pub fn local_source(&self) -> Option<&str> {
        let s = self.body.attr("source")?.expr.as_str()?;
        (s.starts_with("./") || s.starts_with("../")).then_some(s)
    }
}

impl Body {
    pub fn attr(&self, key: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.key == key)
    }

    /// The map a Terraform 0.11 configuration wrote as a block (`config_vars { KEY = value }`,
    /// `variables { … }`): the one unlabelled block of that name, holding attributes only, as
    /// the object `key = { … }` writes today. `None` when the name is a real nested block (it
    /// has labels or blocks of its own) or written more than once.
    pub fn map_written_as_block(&self, key: &str) -> Option<Expr> {
        let mut found = self.blocks(key);
        let b = found.next().filter(|b| b.labels.is_empty() && b.body.blocks.is_empty())?;
        if found.next().is_some() {
            return None;
        }
        let entries = b.body.attrs.iter().map(|a| (ObjKey::Ident(a.key.clone()), a.expr.clone())).collect();
        Some(Expr { kind: ExprKind::Object(entries), span: b.span.clone() })
    }

    /// Visits every attribute of the body and of its nested blocks, at any depth.
    pub fn each_attr<'s>(&'s self, f: &mut dyn FnMut(&'s Attr)) {
        for a in &self.attrs {
            f(a);
        }
        for b in &self.blocks {
            b.body.each_attr(f);
        }
    }

    pub fn blocks<'s: 'n, 'n>(&'s self, ident: &'n str) -> impl Iterator<Item = &'s Block> + 'n {
        self.blocks.iter().filter(move |b| b.ident == ident)
    }

    /// Nested blocks named `name` with `dynamic "name"` blocks expanded: each plain block with
    /// its own body, then each `content` of a `dynamic "name"` paired with the `dynamic` block
    /// (whose header is where it is written). The one place `dynamic` is understood.
    pub fn expanded<'s>(&'s self, name: &str) -> Vec<(&'s Block, &'s Body)> {
        let mut out: Vec<(&Block, &Body)> = self.blocks(name).map(|b| (b, &b.body)).collect();
        for d in self.blocks("dynamic") {
            if d.labels.first().map(String::as_str) == Some(name) {
                out.extend(d.body.blocks("content").map(|c| (d, &c.body)));
            }
        }
        out
    }

    /// Moves every span by `offset` (a body parsed from a slice of the file).
    pub fn shift(&mut self, offset: usize) {
        let mv = |s: &mut Span| *s = s.start + offset..s.end + offset;
        for a in &mut self.attrs {
            mv(&mut a.span);
            a.expr.shift(offset);
        }
        for b in &mut self.blocks {
            mv(&mut b.span);
            mv(&mut b.header);
            b.body.shift(offset);
        }
    }

    /// The `dynamic "name"` block, if there is one.
    pub fn dynamic(&self, name: &str) -> Option<&Block> {
        self.blocks("dynamic").find(|d| d.labels.first().map(String::as_str) == Some(name))
    }
}

impl Expr {
    pub(crate) fn new(kind: ExprKind, span: Span) -> Self {
        Self { kind, span }
    }

    /// The value of field `key` when this expression is an object (`{ key = … }`,
    /// `{ "key" = … }`).
    pub fn field(&self, key: &str) -> Option<&Expr> {
        let ExprKind::Object(items) = &self.kind else { return None };
        items.iter().find_map(|(k, v)| (k.name() == Some(key)).then_some(v))
    }

    /// The text a string or heredoc is written with, interpolations and directives kept as
    /// `${…}`: what a reader sees of a value built from parts not known here.
    pub fn written_text(&self) -> Option<String> {
        match &self.kind {
            ExprKind::Str(s) => Some(s.clone()),
            ExprKind::Template(parts) => Some(
                parts
                    .iter()
                    .map(|p| match p {
                        TemplatePart::Lit(l) => l.as_str(),
                        TemplatePart::Interp(_) | TemplatePart::Directive(_) => "${…}",
                    })
                    .collect(),
            ),
            _ => None,
        }
    }

    /// The expression itself, or what a template that is only `"${x}"` interpolates (Terraform
    /// 0.11 wrote references that way); `None` for any other template.
    pub fn plain_reference(&self) -> Option<&Expr> {
        match &self.kind {
            ExprKind::Template(parts) => match parts.as_slice() {
                [TemplatePart::Interp(x)] => Some(x),
                _ => None,
            },
            _ => Some(self),
        }
    }

    /// Calls `f` with the name and the arguments of every object attribute a type expression
    /// declares `optional(…)` (`map(object({ end_date = optional(string) }))`), at any depth,
    /// until it returns `true`. Returns whether it stopped.
    pub fn any_optional_attr(&self, f: &mut dyn FnMut(&str, &[Expr]) -> bool) -> bool {
        match &self.kind {
            ExprKind::Call { args, .. } => args.iter().any(|a| a.any_optional_attr(f)),
            ExprKind::Object(items) => items.iter().any(|(k, v)| {
                let here = match &v.kind {
                    ExprKind::Call { name, args, .. } if name == "optional" => f(k.name().unwrap_or(""), args),
                    _ => false,
                };
                here || v.any_optional_attr(f)
            }),
            _ => false,
        }
    }

    /// The literal string, if this expression is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// `a.b.c` as a dotted path when this is a plain traversal of attribute names.
    pub fn traversal_path(&self) -> Option<String> {
        self.path_with(&|_, out| out.push_str("[]"))
    }

    /// [`Expr::traversal_path`] with the keys it looks up written out, as a message shows the
    /// reference: `data.kubernetes_secret.v.data["root-token"]`, `x[*].id`, `y[…]` for a key
    /// that is not a literal.
    pub fn keyed_path(&self) -> Option<String> {
        self.path_with(&|op, out| match op {
            Some(Expr { kind: ExprKind::Str(k), .. }) => {
                out.push_str("[\"");
                out.push_str(k);
                out.push_str("\"]");
            }
            Some(_) => out.push_str("[…]"),
            None => out.push_str("[*]"),
        })
    }

    /// The path of a reference, each index (`Some(key)`) or splat (`None`) written by `index`.
    fn path_with(&self, index: &dyn Fn(Option<&Expr>, &mut String)) -> Option<String> {
        match &self.kind {
            ExprKind::Var(v) => Some(v.clone()),
            ExprKind::Traversal(root, ops) => {
                let mut out = root.path_with(&|_, out| out.push_str("[]"))?;
                for op in ops {
                    match op {
                        TraverseOp::Attr(a) => {
                            out.push('.');
                            out.push_str(a);
                        }
                        TraverseOp::Index(i) => index(Some(i), &mut out),
                        TraverseOp::Splat => index(None, &mut out),
                    }
                }
                Some(out)
            }
            _ => None,
        }
    }

    /// Whether any traversal inside this expression starts with `prefix` (e.g. `time_rotating.`).
    pub fn mentions(&self, prefix: &str) -> bool {
        let mut found = false;
        self.walk(&mut |e| {
            if let Some(p) = e.traversal_path()
                && p.starts_with(prefix)
            {
                found = true;
            }
        });
        found
    }

    /// Moves this expression's spans, and its sub-expressions', by `offset`.
    pub fn shift(&mut self, offset: usize) {
        self.walk_mut(&mut |e| e.span = e.span.start + offset..e.span.end + offset);
    }

    /// Visits this expression and every sub-expression, mutably.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Expr)) {
        f(self);
        match &mut self.kind {
            ExprKind::Template(parts) => {
                for p in parts {
                    match p {
                        TemplatePart::Interp(e) => e.walk_mut(f),
                        TemplatePart::Directive(Some(d)) => {
                            d.cond.walk_mut(f);
                            d.then.walk_mut(f);
                            if let Some(o) = &mut d.otherwise {
                                o.walk_mut(f);
                            }
                        }
                        _ => {}
                    }
                }
            }
            ExprKind::Array(items) => items.iter_mut().for_each(|e| e.walk_mut(f)),
            ExprKind::Object(items) => {
                for (k, v) in items {
                    if let ObjKey::Expr(k) = k {
                        k.walk_mut(f);
                    }
                    v.walk_mut(f);
                }
            }
            ExprKind::Traversal(root, ops) => {
                root.walk_mut(f);
                for op in ops {
                    if let TraverseOp::Index(e) = op {
                        e.walk_mut(f);
                    }
                }
            }
            ExprKind::Call { args, .. } => args.iter_mut().for_each(|e| e.walk_mut(f)),
            ExprKind::Cond(a, b, c) => {
                a.walk_mut(f);
                b.walk_mut(f);
                c.walk_mut(f);
            }
            ExprKind::Unary(_, e) => e.walk_mut(f),
            ExprKind::Binary(_, a, b) => {
                a.walk_mut(f);
                b.walk_mut(f);
            }
            ExprKind::For(fe) => fe.children_mut().for_each(|e| e.walk_mut(f)),
            _ => {}
        }
    }

    /// Visits this expression and every sub-expression.
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Template(parts) => {
                for p in parts {
                    match p {
                        TemplatePart::Interp(e) => e.walk(f),
                        TemplatePart::Directive(Some(d)) => {
                            d.cond.walk(f);
                            d.then.walk(f);
                            if let Some(o) = &d.otherwise {
                                o.walk(f);
                            }
                        }
                        _ => {}
                    }
                }
            }
            ExprKind::Array(items) => items.iter().for_each(|e| e.walk(f)),
            ExprKind::Object(items) => {
                for (k, v) in items {
                    if let ObjKey::Expr(k) = k {
                        k.walk(f);
                    }
                    v.walk(f);
                }
            }
            ExprKind::Traversal(root, ops) => {
                root.walk(f);
                for op in ops {
                    if let TraverseOp::Index(e) = op {
                        e.walk(f);
                    }
                }
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|e| e.walk(f)),
            ExprKind::Cond(a, b, c) => {
                a.walk(f);
                b.walk(f);
                c.walk(f);
            }
            ExprKind::Unary(_, e) => e.walk(f),
            ExprKind::Binary(_, a, b) => {
                a.walk(f);
                b.walk(f);
            }
            ExprKind::For(fe) => fe.children().for_each(|e| e.walk(f)),
            _ => {}
        }
    }
}

/// A parse failure with the byte offset where it was detected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub offset: usize,
}

// ---------------------------------------------------------------------------------------------
// HCL native syntax
