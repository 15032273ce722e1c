//! The HCL native syntax front-end: `hcl-edit`'s tree converted into ours.

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{BlockLabel, Structure};
use hcl_edit::template::{Directive, Element};

use super::tree::*;
use crate::span::Span;

pub fn parse_hcl(src: &str) -> Result<Body, SyntaxError> {
    match hcl_edit::parser::parse_body(src) {
        Ok(body) => Ok(convert_body(body, src)),
        Err(e) => {
            let err = SyntaxError { message: e.message().to_owned(), offset: e.location().offset().min(src.len()) };
            if err.message.contains("redefined object key") {
                return parse_with_duplicate_keys(src, err);
            }
            if hcl1_map_fix(src, err.offset).is_some() {
                return parse_with_map_blocks(src, err);
            }
            Err(err)
        }
    }
}

/// Terraform accepts an object constructor that repeats a key (`{ a = 1, a = 2 }`: the last
/// one wins); `hcl-edit` rejects it. The earlier occurrence of each repeated key is renamed
/// in a copy of the text, to a name of the same length so that every position stays true,
/// until the text parses: the key keeps the value Terraform gives it, and the value it
/// replaced is still read (a literal secret in it is found) under the new name.
fn parse_with_duplicate_keys(src: &str, first: SyntaxError) -> Result<Body, SyntaxError> {
    let mut text = src.to_owned();
    let mut err = first.clone();
    for _ in 0..64 {
        if !err.message.contains("redefined object key") {
            return Err(first);
        }
        let at = earlier_key(&text, err.offset).unwrap_or(err.offset);
        if !rename_key_at(&mut text, at) {
            return Err(first);
        }
        match hcl_edit::parser::parse_body(&text) {
            Ok(body) => return Ok(convert_body(body, &text)),
            Err(e) => {
                err = SyntaxError { message: e.message().to_owned(), offset: e.location().offset().min(text.len()) }
            }
        }
    }
    Err(first)
}

/// Terraform 0.11 wrote a map argument as a block with quoted keys (`annotations {
/// "iam.amazonaws.com/permitted" = ".*" }`), and a map inside a map as a block too
/// (`terragrunt = { remote_state { … } }`); HCL 2 rejects both. Each such header `name {` is
/// turned, in a copy of the text, into `name={` (the space becomes `=`, so every position
/// stays true), one at a time until the text parses; a header that is not a bare name followed
/// by one space is left alone and the first error stands.
fn parse_with_map_blocks(src: &str, first: SyntaxError) -> Result<Body, SyntaxError> {
    // Every header whose body opens with a quoted key is one at once (a file may hold
    // thousands); the parser's errors then lead to the rest, a bounded number of times.
    let mut text = quoted_key_blocks_as_maps(src);
    let mut err = match hcl_edit::parser::parse_body(&text) {
        Ok(body) => return Ok(convert_body(body, &text)),
        Err(e) => SyntaxError { message: e.message().to_owned(), offset: e.location().offset().min(text.len()) },
    };
    for _ in 0..64 {
        let Some(space) = hcl1_map_fix(&text, err.offset) else { return Err(first) };
        text.replace_range(space..space + 1, "=");
        match hcl_edit::parser::parse_body(&text) {
            Ok(body) => return Ok(convert_body(body, &text)),
            Err(e) => {
                err = SyntaxError { message: e.message().to_owned(), offset: e.location().offset().min(text.len()) }
            }
        }
    }
    Err(first)
}

/// `src` with every `name {` line whose next line opens with a quoted key (`"key" = …`) turned
/// into `name={`, in one pass.
fn quoted_key_blocks_as_maps(src: &str) -> String {
    let mut text = src.to_owned();
    let mut offset = 0;
    let mut lines = src.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        let next_quoted = lines.peek().is_some_and(|n| {
            let n = n.trim_start();
            n.starts_with('"') && n[1..].split_once('"').is_some_and(|(_, rest)| rest.trim_start().starts_with('='))
        });
        if next_quoted && let Some(space) = map_header_space(line) {
            text.replace_range(offset + space..offset + space + 1, "=");
        }
        offset += line.len();
    }
    text
}

/// Where an HCL 1 map written as a block makes HCL 2 fail at `at`: the offset of the space of
/// its header `name {` — the block around a quoted key at `at`, or a `name {` inside an object
/// whose `{` is at (or just before) `at`.
fn hcl1_map_fix(text: &str, at: usize) -> Option<usize> {
    // The parser may point just past the brace.
    let at = if at > 0 && text.as_bytes().get(at - 1) == Some(&b'{') { at - 1 } else { at };
    match text.as_bytes().get(at)? {
        b'"' => map_block_header(text, at),
        b'{' => {
            let before = text.get(..at)?.strip_suffix(' ')?;
            let name_start =
                before.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).map_or(0, |i| i + 1);
            let name = &before[name_start..];
            // On a line of its own and indented (a nested map), or right after `{` or `,`.
            let lead = &before[..name_start];
            let indent = lead.rsplit('\n').next().unwrap_or(lead);
            let alone = (!indent.is_empty() && indent.chars().all(|c| c == ' ' || c == '\t'))
                || lead.trim_end().ends_with(['{', ',']);
            (bare_name(name) && alone).then_some(at - 1)
        }
        _ => None,
    }
}

/// The offset, within `line`, of the space in a nested block header `name {` with a bare name:
/// where an HCL 1 map block becomes `name={`. A top-level `locals {` is not one.
fn map_header_space(line: &str) -> Option<usize> {
    if !line.starts_with([' ', '\t']) {
        return None;
    }
    let name = line.trim().strip_suffix(" {")?;
    bare_name(name).then(|| line.len() - line.trim_start().len() + name.len())
}

/// Whether a block header's name is a bare identifier (`annotations`, `remote_state`).
fn bare_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

/// The offset of the space in `name {`, the header of the block whose body holds the quoted
/// key at `at`: the nearest line above that ends with `{`, when it is a bare name, one space and
/// the brace; the lines between are the map's other entries, which open nothing.
fn map_block_header(text: &str, at: usize) -> Option<usize> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut end = line_start.checked_sub(1)?;
    loop {
        let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end];
        let trimmed = line.trim_end();
        if trimmed.ends_with('{') {
            return map_header_space(line).map(|space| start + space);
        }
        if trimmed.contains(['{', '}']) && !trimmed.contains("${") {
            return None;
        }
        end = start.checked_sub(1)?;
    }
}

/// The key at `at` (an identifier or a quoted string), as written.
fn key_at(text: &str, at: usize) -> Option<&str> {
    let rest = text.get(at..)?;
    let len = if let Some(q) = rest.strip_prefix('"') {
        q.find('"')? + 2
    } else {
        rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?
    };
    (len > 0).then(|| &rest[..len])
}

/// The offset of the same key written earlier in the object the key at `at` belongs to: the
/// nearest one before it at the same nesting, followed by `=` or `:`.
fn earlier_key(text: &str, at: usize) -> Option<usize> {
    let key = key_at(text, at)?;
    let bytes = text.as_bytes();
    let mut depth = 0i32;
    let mut i = at;
    while i > 0 {
        i -= 1;
        match bytes[i] {
            b'}' | b']' | b')' => depth += 1,
            b'{' | b'[' | b'(' => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            _ => {}
        }
        if depth == 0
            && text.is_char_boundary(i)
            && text[i..].starts_with(key)
            && (i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b',' | b'{'))
            && text[i + key.len()..].trim_start_matches([' ', '\t']).starts_with(['=', ':'])
        {
            return Some(i);
        }
    }
    None
}

/// Replaces the identifier (or quoted key) starting at `at` with `_` followed by digits and
/// underscores, of the same length. `false` when there is no key there.
fn rename_key_at(text: &mut String, at: usize) -> bool {
    let bytes = text.as_bytes();
    let quoted = bytes.get(at) == Some(&b'"');
    let start = if quoted { at + 1 } else { at };
    let len = bytes[start.min(bytes.len())..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'-')
        .count();
    if len == 0 {
        return false;
    }
    // `_` then the offset's digits, padded with `_`: unique per position, a valid identifier.
    let mut name = format!("_{at}");
    name.truncate(len);
    while name.len() < len {
        name.push('_');
    }
    text.replace_range(start..start + len, &name);
    true
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
        Expression::ForExpr(fe) => {
            let fe = *fe;
            ExprKind::For(Box::new(ForExpr {
                key_var: fe.intro.key_var.map(|k| k.value().to_string()),
                value_var: fe.intro.value_var.value().to_string(),
                collection: convert_expr(fe.intro.collection_expr, &span),
                key: fe.key_expr.map(|k| convert_expr(k, &span)),
                value: convert_expr(fe.value_expr, &span),
                cond: fe.cond.map(|c| convert_expr(c.expr, &span)),
                grouping: fe.grouping,
            }))
        }
    };
    Expr::new(kind, span)
}

/// Parses template text (a `templatefile()` file) into an expression; spans are empty.
pub fn parse_template_text(text: &str) -> Option<Expr> {
    let t = hcl_edit::parser::parse_template(text).ok()?;
    Some(template_expr(t.into_iter(), 0..0))
}

pub(super) fn template_expr(elements: impl Iterator<Item = Element>, span: Span) -> Expr {
    let mut parts = Vec::new();
    for el in elements {
        match el {
            Element::Literal(l) => parts.push(TemplatePart::Lit(l.value_into())),
            Element::Interpolation(i) => parts.push(TemplatePart::Interp(convert_expr(i.expr, &span))),
            Element::Directive(d) => parts.push(TemplatePart::Directive(match *d {
                Directive::If(d) => Some(Box::new(IfDirective {
                    cond: convert_expr(d.if_expr.cond_expr, &span),
                    then: template_expr(d.if_expr.template.into_iter(), span.clone()),
                    otherwise: d.else_expr.map(|e| template_expr(e.template.into_iter(), span.clone())),
                })),
                Directive::For(_) => None,
            })),
        }
    }
    simplify_template(parts, span)
}

fn simplify_template(mut parts: Vec<TemplatePart>, span: Span) -> Expr {
    // `"${x}"` is `x` itself, unconverted (HCL's rule for a template that is one interpolation
    // and nothing else): Terraform 0.11 wrote every expression this way.
    if parts.len() == 1
        && let Some(TemplatePart::Interp(inner)) = parts.pop_if(|p| matches!(p, TemplatePart::Interp(_)))
    {
        return Expr { span, ..inner };
    }
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

/// Top-level keywords that start a block at the beginning of a line.
const BLOCK_KEYWORDS: [&str; 11] = [
    "resource",
    "data",
    "module",
    "provider",
    "variable",
    "output",
    "locals",
    "terraform",
    "ephemeral",
    "check",
    "import",
];

/// Refuse nesting deeper than this before parsing: the parser recurses.
pub(crate) const MAX_NESTING: usize = 200;

/// The offset where bracket nesting first exceeds the limit, if it does.
pub(crate) fn too_deep(text: &str) -> Option<usize> {
    // Nesting cannot exceed the number of openers; counting them is cheap and usually enough.
    let openers = memchr::memchr3_iter(b'{', b'[', b'(', text.as_bytes()).count();
    if openers <= MAX_NESTING {
        return None;
    }
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// After `parse_hcl` failed on the whole text: parses each top-level block on its own (a block
/// starts at a line beginning with a block keyword, outside heredocs), keeps those that parse,
/// and says in the error which part was skipped.
pub fn recover_blocks(src: &str, whole: SyntaxError) -> (Body, Option<SyntaxError>) {
    let starts = block_starts(src);
    if starts.len() < 2 {
        let message = format!("{}; the rest of this file was not checked", whole.message);
        return (Body::default(), Some(SyntaxError { message, offset: whole.offset }));
    }
    let mut body = Body::default();
    let mut first_error: Option<SyntaxError> = None;
    let mut skipped = 0usize;
    let bounds: Vec<(usize, usize)> =
        starts.iter().enumerate().map(|(i, &s)| (s, starts.get(i + 1).copied().unwrap_or(src.len()))).collect();
    let lead = (0, starts[0]);
    for (from, to) in std::iter::once(lead).chain(bounds) {
        let chunk = &src[from..to];
        if chunk.trim().is_empty() {
            continue;
        }
        // A block nested too deeply for the parser is skipped like a malformed one.
        let parsed = match too_deep(chunk) {
            Some(off) => Err(SyntaxError { message: format!("nesting deeper than {MAX_NESTING} levels"), offset: off }),
            None => parse_hcl(chunk),
        };
        match parsed {
            Ok(mut part) => {
                part.shift(from);
                body.attrs.append(&mut part.attrs);
                body.blocks.append(&mut part.blocks);
            }
            Err(e) => {
                skipped += 1;
                first_error.get_or_insert(SyntaxError { message: e.message, offset: from + e.offset.min(chunk.len()) });
            }
        }
    }
    let Some(e) = first_error else {
        // Every block parses alone: the error lies between them; report the original.
        let message = format!("{}; the rest of this file was not checked", whole.message);
        return (Body::default(), Some(SyntaxError { message, offset: whole.offset }));
    };
    let checked = body.blocks.len();
    let message = format!(
        "{}; {skipped} block{} skipped, the other {checked} checked",
        e.message,
        if skipped == 1 { " was" } else { "s were" }
    );
    (body, Some(SyntaxError { message, offset: e.offset }))
}

/// Byte offsets of lines that start a top-level block, outside heredocs.
fn block_starts(src: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut heredoc: Option<String> = None;
    let mut offset = 0;
    for line in src.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let t = line.trim_end();
        if let Some(end) = &heredoc {
            if t.trim_start() == end {
                heredoc = None;
            }
            continue;
        }
        if let Some(i) = t.find("<<") {
            let tag = t[i + 2..].trim_start_matches('-');
            let tag: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !tag.is_empty() {
                heredoc = Some(tag);
            }
        }
        let word: String = line.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        if BLOCK_KEYWORDS.contains(&word.as_str()) && line[word.len()..].starts_with([' ', '\t', '{']) {
            out.push(at);
        }
    }
    out
}
