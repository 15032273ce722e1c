//! A small, owned syntax tree shared by `.tf` (HCL native syntax, parsed with `hcl-edit`) and
//! `.tf.json` files. Every node keeps the byte range it came from, so findings point at the
//! narrowest span. Rules never see `hcl-edit` types.

use std::ops::Range;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{BlockLabel, Structure};
use hcl_edit::template::Element;

/// A byte range into a file's text.
pub type Span = Range<usize>;

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
    /// A `for` expression; never evaluated.
    For,
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
    /// `%{ if }` / `%{ for }`: the result is unknown.
    Directive,
}

#[derive(Debug, Clone)]
pub enum ObjKey {
    Ident(String),
    Expr(Expr),
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

impl Body {
    pub fn attr(&self, key: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.key == key)
    }

    pub fn blocks<'s: 'n, 'n>(&'s self, ident: &'n str) -> impl Iterator<Item = &'s Block> + 'n {
        self.blocks.iter().filter(move |b| b.ident == ident)
    }
}

impl Expr {
    fn new(kind: ExprKind, span: Span) -> Self {
        Self { kind, span }
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
        match &self.kind {
            ExprKind::Var(v) => Some(v.clone()),
            ExprKind::Traversal(root, ops) => {
                let mut out = root.traversal_path()?;
                for op in ops {
                    match op {
                        TraverseOp::Attr(a) => {
                            out.push('.');
                            out.push_str(a);
                        }
                        TraverseOp::Index(_) | TraverseOp::Splat => out.push_str("[]"),
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

    /// Visits this expression and every sub-expression.
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Template(parts) => {
                for p in parts {
                    if let TemplatePart::Interp(e) = p {
                        e.walk(f);
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

pub fn parse_hcl(src: &str) -> Result<Body, SyntaxError> {
    match hcl_edit::parser::parse_body(src) {
        Ok(body) => Ok(convert_body(body, src)),
        Err(e) => {
            let loc = e.location();
            Err(SyntaxError { message: e.message().to_owned(), offset: loc.offset().min(src.len()) })
        }
    }
}

fn span_of(s: Option<Span>, fallback: &Span) -> Span {
    match s {
        Some(s) => s,
        None => fallback.clone(),
    }
}

/// Converts by moving out of the `hcl-edit` tree: strings are moved, not copied.
fn convert_body(body: hcl_edit::structure::Body, src: &str) -> Body {
    let whole = 0..src.len();
    let mut out = Body { attrs: Vec::with_capacity(body.len()), blocks: Vec::new() };
    for st in body {
        match st {
            Structure::Attribute(a) => {
                let span = span_of(a.span(), &whole);
                let expr = convert_expr(a.value, &span);
                out.attrs.push(Attr { key: a.key.value_into::<hcl_edit::Ident>().into_string(), expr, span });
            }
            Structure::Block(b) => {
                let span = span_of(b.span(), &whole);
                let labels = b
                    .labels
                    .into_iter()
                    .map(|l| match l {
                        BlockLabel::Ident(i) => i.value_into::<hcl_edit::Ident>().into_string(),
                        BlockLabel::String(s) => s.value_into(),
                    })
                    .collect();
                let header = header_span(src, &span);
                out.blocks.push(Block {
                    ident: b.ident.value_into::<hcl_edit::Ident>().into_string(),
                    labels,
                    body: convert_body(b.body, src),
                    span,
                    header,
                });
            }
        }
    }
    out
}

/// From the start of a block to just before its `{`, without trailing blanks.
fn header_span(src: &str, block: &Span) -> Span {
    let text = src.get(block.clone()).unwrap_or("");
    let end = text.find('{').unwrap_or(text.len());
    let trimmed = text[..end].trim_end().len();
    block.start..block.start + trimmed.max(1).min(text.len())
}

fn convert_expr(e: Expression, parent: &Span) -> Expr {
    let span = span_of(e.span(), parent);
    let kind = match e {
        Expression::Null(_) => ExprKind::Null,
        Expression::Bool(b) => ExprKind::Bool(*b.value()),
        Expression::Number(n) => ExprKind::Number(n.value().as_f64().unwrap_or(0.0)),
        Expression::String(s) => ExprKind::Str(s.value_into()),
        Expression::Array(a) => ExprKind::Array(a.into_iter().map(|x| convert_expr(x, &span)).collect()),
        Expression::Object(o) => ExprKind::Object(
            o.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        ObjectKey::Ident(i) => ObjKey::Ident(i.value_into::<hcl_edit::Ident>().into_string()),
                        ObjectKey::Expression(x) => ObjKey::Expr(convert_expr(x, &span)),
                    };
                    (key, convert_expr(v.into_expr(), &span))
                })
                .collect(),
        ),
        Expression::StringTemplate(t) => return template_expr(t.into_iter(), span),
        Expression::HeredocTemplate(h) => return template_expr(h.template.into_iter(), span),
        Expression::Parenthesis(p) => return convert_expr(p.into_inner(), &span),
        Expression::Variable(v) => ExprKind::Var(v.value_into::<hcl_edit::Ident>().into_string()),
        Expression::Conditional(c) => {
            let c = *c;
            ExprKind::Cond(
                Box::new(convert_expr(c.cond_expr, &span)),
                Box::new(convert_expr(c.true_expr, &span)),
                Box::new(convert_expr(c.false_expr, &span)),
            )
        }
        Expression::FuncCall(f) => {
            let f = *f;
            let expand_final = f.args.expand_final();
            let mut name = String::new();
            for ns in &f.name.namespace {
                name.push_str(ns.as_str());
                name.push_str("::");
            }
            name.push_str(f.name.name.as_str());
            ExprKind::Call { name, args: f.args.into_iter().map(|x| convert_expr(x, &span)).collect(), expand_final }
        }
        Expression::Traversal(t) => {
            let t = *t;
            ExprKind::Traversal(
                Box::new(convert_expr(t.expr, &span)),
                t.operators
                    .into_iter()
                    .map(|op| match op.value_into::<TraversalOperator>() {
                        TraversalOperator::GetAttr(i) => {
                            TraverseOp::Attr(i.value_into::<hcl_edit::Ident>().into_string())
                        }
                        TraversalOperator::Index(x) => TraverseOp::Index(convert_expr(x, &span)),
                        TraversalOperator::LegacyIndex(n) => {
                            TraverseOp::Index(Expr::new(ExprKind::Number(*n.value() as f64), span.clone()))
                        }
                        TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => TraverseOp::Splat,
                    })
                    .collect(),
            )
        }
        Expression::UnaryOp(u) => {
            let u = *u;
            let op = match u.operator.value() {
                hcl_edit::expr::UnaryOperator::Neg => UnaryOp::Neg,
                hcl_edit::expr::UnaryOperator::Not => UnaryOp::Not,
            };
            ExprKind::Unary(op, Box::new(convert_expr(u.expr, &span)))
        }
        Expression::BinaryOp(b) => {
            use hcl_edit::expr::BinaryOperator as B;
            let b = *b;
            let op = match b.operator.value() {
                B::Eq => BinOp::Eq,
                B::NotEq => BinOp::NotEq,
                B::And => BinOp::And,
                B::Or => BinOp::Or,
                B::Less => BinOp::Lt,
                B::LessEq => BinOp::Le,
                B::Greater => BinOp::Gt,
                B::GreaterEq => BinOp::Ge,
                B::Plus => BinOp::Add,
                B::Minus => BinOp::Sub,
                B::Mul => BinOp::Mul,
                B::Div => BinOp::Div,
                B::Mod => BinOp::Mod,
            };
            ExprKind::Binary(op, Box::new(convert_expr(b.lhs_expr, &span)), Box::new(convert_expr(b.rhs_expr, &span)))
        }
        Expression::ForExpr(_) => ExprKind::For,
    };
    Expr::new(kind, span)
}

/// Parses template text (a `templatefile()` file) into an expression; spans are empty.
pub fn parse_template_text(text: &str) -> Option<Expr> {
    let t = hcl_edit::parser::parse_template(text).ok()?;
    Some(template_expr(t.into_iter(), 0..0))
}

fn template_expr(elements: impl Iterator<Item = Element>, span: Span) -> Expr {
    let mut parts = Vec::new();
    for el in elements {
        match el {
            Element::Literal(l) => parts.push(TemplatePart::Lit(l.value_into())),
            Element::Interpolation(i) => parts.push(TemplatePart::Interp(convert_expr(i.expr, &span))),
            Element::Directive(_) => parts.push(TemplatePart::Directive),
        }
    }
    simplify_template(parts, span)
}

fn simplify_template(parts: Vec<TemplatePart>, span: Span) -> Expr {
    if parts.iter().all(|p| matches!(p, TemplatePart::Lit(_))) {
        let mut s = String::new();
        for p in parts {
            if let TemplatePart::Lit(l) = p {
                if s.is_empty() {
                    s = l;
                } else {
                    s.push_str(&l);
                }
            }
        }
        return Expr::new(ExprKind::Str(s), span);
    }
    Expr::new(ExprKind::Template(parts), span)
}

// ---------------------------------------------------------------------------------------------
// JSON syntax (`.tf.json`)

/// Parses a `.tf.json` file into the same tree. Objects that hold objects are exposed both as
/// attributes and as nested blocks, because JSON does not say which one the schema means.
pub fn parse_tf_json(src: &str) -> Result<Body, SyntaxError> {
    let value = crate::json::parse(src)?;
    let crate::json::Json::Object(top) = &value.value else {
        return Err(SyntaxError { message: "a .tf.json file must hold an object".into(), offset: value.span.start });
    };
    let mut body = Body::default();
    for (key, key_span, v) in top {
        let labels_depth = match key.as_str() {
            "resource" | "data" | "ephemeral" => 2,
            "module" | "provider" | "variable" | "output" => 1,
            "locals" | "terraform" => 0,
            _ => continue,
        };
        collect_json_blocks(key, key_span.clone(), v, labels_depth, Vec::new(), &mut body.blocks);
    }
    Ok(body)
}

fn collect_json_blocks(
    ident: &str,
    header: Span,
    v: &crate::json::Spanned,
    depth: usize,
    labels: Vec<String>,
    out: &mut Vec<Block>,
) {
    use crate::json::Json;
    match &v.value {
        Json::Array(items) => {
            for it in items {
                collect_json_blocks(ident, header.clone(), it, depth, labels.clone(), out);
            }
        }
        Json::Object(fields) if depth > 0 => {
            for (k, kspan, inner) in fields {
                let mut l = labels.clone();
                l.push(k.clone());
                collect_json_blocks(ident, kspan.clone(), inner, depth - 1, l, out);
            }
        }
        Json::Object(_) => {
            out.push(Block { ident: ident.to_owned(), labels, body: json_body(v), span: v.span.clone(), header });
        }
        _ => {}
    }
}

fn json_body(v: &crate::json::Spanned) -> Body {
    use crate::json::Json;
    let mut body = Body::default();
    let Json::Object(fields) = &v.value else { return body };
    for (k, kspan, inner) in fields {
        if k == "//" {
            continue;
        }
        let span = kspan.start..inner.span.end;
        body.attrs.push(Attr { key: k.clone(), expr: json_expr(inner), span: span.clone() });
        let nested: Vec<&crate::json::Spanned> = match &inner.value {
            Json::Object(_) => vec![inner],
            Json::Array(items) if !items.is_empty() && items.iter().all(|i| matches!(i.value, Json::Object(_))) => {
                items.iter().collect()
            }
            _ => Vec::new(),
        };
        for n in nested {
            if k == "dynamic" {
                continue;
            }
            body.blocks.push(Block {
                ident: k.clone(),
                labels: Vec::new(),
                body: json_body(n),
                span: n.span.clone(),
                header: kspan.clone(),
            });
        }
    }
    body
}

fn json_expr(v: &crate::json::Spanned) -> Expr {
    use crate::json::Json;
    let span = v.span.clone();
    let kind = match &v.value {
        Json::Null => ExprKind::Null,
        Json::Bool(b) => ExprKind::Bool(*b),
        Json::Number(n) => ExprKind::Number(*n),
        Json::String(s) => {
            if s.contains("${") || s.contains("%{") {
                return match hcl_edit::parser::parse_template(s) {
                    Ok(t) => {
                        let mut e = template_expr(t.into_iter(), span.clone());
                        respan(&mut e, &span);
                        e
                    }
                    Err(_) => Expr::new(ExprKind::Str(s.clone()), span),
                };
            }
            ExprKind::Str(s.clone())
        }
        Json::Array(items) => ExprKind::Array(items.iter().map(json_expr).collect()),
        Json::Object(fields) => {
            ExprKind::Object(fields.iter().map(|(k, _, v)| (ObjKey::Ident(k.clone()), json_expr(v))).collect())
        }
    };
    Expr::new(kind, span)
}

/// Template sub-expressions parsed out of a JSON string get the string's span.
fn respan(e: &mut Expr, span: &Span) {
    e.span = span.clone();
    match &mut e.kind {
        ExprKind::Template(parts) => {
            for p in parts {
                if let TemplatePart::Interp(x) = p {
                    respan(x, span);
                }
            }
        }
        ExprKind::Array(items) => items.iter_mut().for_each(|x| respan(x, span)),
        ExprKind::Object(items) => {
            for (k, v) in items {
                if let ObjKey::Expr(k) = k {
                    respan(k, span);
                }
                respan(v, span);
            }
        }
        ExprKind::Traversal(root, ops) => {
            respan(root, span);
            for op in ops {
                if let TraverseOp::Index(x) = op {
                    respan(x, span);
                }
            }
        }
        ExprKind::Call { args, .. } => args.iter_mut().for_each(|x| respan(x, span)),
        ExprKind::Cond(a, b, c) => {
            respan(a, span);
            respan(b, span);
            respan(c, span);
        }
        ExprKind::Unary(_, x) => respan(x, span),
        ExprKind::Binary(_, a, b) => {
            respan(a, span);
            respan(b, span);
        }
        _ => {}
    }
}
