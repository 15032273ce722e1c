//! What a plan does not know yet, read from the configuration it came from.
//!
//! A plan shows a value that depends on something not yet created as unknown as a whole:
//! `policy = jsonencode({ … Resource = aws_s3_bucket.b.arn })` is "known after apply", and so
//! is every `Action` inside it. The HCL still says how the value is built. When the
//! configuration directory is at hand, each unknown top-level value of a planned resource or
//! data source is evaluated from its HCL expression (with the plan's root variables, the
//! instance's `count.index` / `each`), and what becomes known replaces the unknown. The
//! `lifecycle` block, which the plan's configuration leaves out, is taken from the HCL too: a
//! key replaced by `replace_triggered_by = [time_rotating.x]` rotates.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::map::Tree;
use super::{Instance, Kind};
use crate::eval::{Env, HOLE, Value};
use crate::pipeline::{Inputs, module_env};
use crate::syntax::{Block, Expr, ExprKind, ObjKey, SourceFile};

/// What the HCL adds to the plan's model of one instance.
#[derive(Default)]
pub(super) struct Recovered {
    /// Top-level attributes the plan does not fully know, rebuilt from the HCL.
    pub(super) attrs: Vec<(String, Expr)>,
    /// The HCL `lifecycle` block.
    pub(super) lifecycle: Option<Block>,
}

/// For each instance (by index) that its HCL tells more about: what it tells.
pub(super) fn recover(
    instances: &[Instance],
    doc: &serde_json::Map<String, Json>,
    tree: &mut Tree<'_>,
) -> HashMap<usize, Recovered> {
    let root_vars: HashMap<String, Value> = doc
        .get("variables")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), Value::from_json(v.get("value")?))))
        .collect();
    let mut out = HashMap::new();
    for (i, inst) in instances.iter().enumerate() {
        if !matches!(inst.kind, Kind::Resource | Kind::Data) {
            continue;
        }
        let Some((file, block)) = tree.find(inst).map(|(f, b)| (f, b.clone())) else { continue };
        let mut r = Recovered { attrs: Vec::new(), lifecycle: block.body.blocks("lifecycle").next().cloned() };
        let unknown: Vec<&String> = match &inst.unknown {
            Json::Object(u) => u.iter().filter(|(_, v)| has_unknown(v)).map(|(k, _)| k).collect(),
            _ => Vec::new(),
        };
        if !unknown.is_empty() {
            let files = tree.module_of(file);
            let env = instance_env(&files, inst, Some(&root_vars));
            r.attrs = bound(&env, &block, inst, || {
                unknown
                    .iter()
                    .filter_map(|k| {
                        let e = &block.body.attr(k)?.expr;
                        // Written without variables, locals or data sources: the expression reads
                        // the same in the plan's model as in its module.
                        if !["var.", "local.", "each.", "count.", "path.", "data."].iter().any(|p| e.mentions(p)) {
                            return Some(((*k).clone(), e.clone()));
                        }
                        let v = env.eval_lenient(e);
                        // Nothing known: the plan's own reading (what it refers to) stands.
                        let opaque = matches!(v, Value::Unknown)
                            && !matches!(e.kind, ExprKind::Traversal(..) | ExprKind::Var(_) | ExprKind::Template(_));
                        (!opaque).then(|| ((*k).clone(), rebuild(&v, e)))
                    })
                    .collect()
            });
        }
        if r.lifecycle.is_some() || !r.attrs.is_empty() {
            out.insert(i, r);
        }
    }
    out
}

/// The environment an instance's expressions are read in: its module's locals and data
/// sources; the root module's variables as the plan gives them (`root_vars`), or unknown
/// (`None`); a called module's variables unknown (they hold what the caller passes).
fn instance_env<'m>(files: &[&'m SourceFile], inst: &Instance, root_vars: Option<&HashMap<String, Value>>) -> Env<'m> {
    match root_vars {
        Some(vars) if inst.modules.is_empty() => module_env(files, Inputs::Root(vars.clone())),
        _ => {
            let given = files
                .iter()
                .flat_map(|f| f.body.blocks("variable"))
                .filter_map(|b| Some((b.labels.first()?.clone(), Value::Unknown)))
                .collect();
            module_env(files, Inputs::Call(given, HashMap::new(), HashMap::new(), HashMap::new()))
        }
    }
}

/// Runs `f` with the instance's `count.index` or `each` bound, from its address.
fn bound<T>(env: &Env<'_>, block: &Block, inst: &Instance, f: impl FnOnce() -> T) -> T {
    match (instance_key(&inst.address, &inst.ty, &inst.name), block.body.attr("count"), block.body.attr("for_each")) {
        (Some(Value::Number(n)), Some(_), _) => env.with_count_index(n as usize, f),
        (Some(k), None, Some(fe)) => {
            let each = match (env.eval(&fe.expr), &k) {
                (Value::Object(o), Value::Str(s)) => o.get(s).cloned().unwrap_or(Value::Unknown),
                (Value::List(_), _) => k.clone(),
                _ => Value::Unknown,
            };
            env.with_each(k, each, f)
        }
        _ => f(),
    }
}

/// The root variables the plan was given a value for other than their default, as unknown: read
/// with these, an expression's known parts are those written in the code (defaults included).
pub(super) fn overridden_variables(doc: &serde_json::Map<String, Json>) -> HashMap<String, Value> {
    let defaults = doc.get("configuration").and_then(|c| c.get("root_module")).and_then(|m| m.get("variables"));
    doc.get("variables")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
        .filter(|(k, v)| defaults.and_then(|d| d.get(k.as_str())).and_then(|d| d.get("default")) != v.get("value"))
        .map(|(k, _)| (k.clone(), Value::Unknown))
        .collect()
}

/// Whether the value at `path` of an instance is written in the code — a constant, built from
/// locals of constants, or a variable's default the plan kept — rather than given at plan time
/// or taken from another resource. `None` when the HCL is not at hand or has no such place.
/// A plan's configuration only says that an expression has references; a local holding a
/// literal secret is one.
pub(super) fn written_in_code(
    inst: &Instance,
    path: &[String],
    tree: &mut Tree<'_>,
    overridden: &HashMap<String, Value>,
) -> Option<bool> {
    let (file, block) = tree.find(inst).map(|(f, b)| (f, b.clone()))?;
    let files = tree.module_of(file);
    let env = instance_env(&files, inst, Some(overridden));
    bound(&env, &block, inst, || {
        let mut body = &block.body;
        let mut i = 0;
        loop {
            let key = path.get(i)?;
            if let Some(a) = body.attr(key) {
                let mut v = env.eval(&a.expr);
                for step in &path[i + 1..] {
                    v = match v {
                        Value::Object(mut o) => o.remove(step)?,
                        Value::List(mut l) => {
                            let n: usize = step.parse().ok()?;
                            (n < l.len()).then(|| l.swap_remove(n))?
                        }
                        Value::Encoded(inner) => *inner,
                        _ => break,
                    };
                }
                // A document with known parts counts: the literal a rule found in it is one of them.
                return Some(match &v {
                    Value::Unknown => false,
                    Value::Str(s) => !s.contains(HOLE),
                    _ => true,
                });
            }
            let n: usize = path.get(i + 1)?.parse().ok()?;
            let nested = body.expanded(key);
            body = nested.get(n)?.1;
            i += 2;
        }
    })
}

fn has_unknown(u: &Json) -> bool {
    match u {
        Json::Bool(b) => *b,
        Json::Array(a) => a.iter().any(has_unknown),
        Json::Object(o) => o.values().any(has_unknown),
        _ => false,
    }
}

/// The instance key of an address: `aws_x.y[2]` → 2, `aws_x.y["a"]` → "a".
fn instance_key(address: &str, ty: &str, name: &str) -> Option<Value> {
    let at = address.rfind(&format!("{ty}.{name}["))? + ty.len() + name.len() + 1;
    let inner = address[at..].strip_prefix('[')?.strip_suffix(']')?;
    if inner.starts_with('"') {
        serde_json::from_str::<String>(inner).ok().map(Value::Str)
    } else {
        inner.parse::<f64>().ok().map(Value::Number)
    }
}

/// An expression for the model from what the HCL evaluates to: known parts as literals, and
/// where a part is unknown and written as a reference (`google_service_account.app.member`),
/// the reference itself, which rules read as HCL rules do.
fn rebuild(v: &Value, e: &Expr) -> Expr {
    let kind = match (v, &e.kind) {
        (Value::List(items), ExprKind::Array(exprs)) if items.len() == exprs.len() && !v.is_fully_known() => {
            ExprKind::Array(items.iter().zip(exprs).map(|(v, e)| rebuild(v, e)).collect())
        }
        (Value::Object(fields), ExprKind::Object(pairs)) if !v.is_fully_known() => ExprKind::Object(
            pairs
                .iter()
                .filter_map(|(k, e)| {
                    let name = k.name()?.to_owned();
                    Some((ObjKey::Ident(name.clone()), rebuild(fields.get(&name)?, e)))
                })
                .collect(),
        ),
        (Value::Unknown, ExprKind::Traversal(..) | ExprKind::Var(_)) => e.kind.clone(),
        // `"serviceAccount:${google_service_account.app.email}"`: what it is built from.
        (_, ExprKind::Template(_)) if v.is_unknown() => e.kind.clone(),
        _ => return literal(v, e.span.clone()),
    };
    Expr { kind, span: e.span.clone() }
}

/// A value as a literal expression; unknown parts stay unknown.
fn literal(v: &Value, span: crate::span::Span) -> Expr {
    let kind = match v {
        Value::Null => ExprKind::Null,
        Value::Bool(b) => ExprKind::Bool(*b),
        Value::Number(n) => ExprKind::Number(*n),
        Value::Str(s) => ExprKind::Str(s.clone()),
        Value::List(items) => ExprKind::Array(items.iter().map(|x| literal(x, span.clone())).collect()),
        Value::Object(o) => {
            ExprKind::Object(o.iter().map(|(k, x)| (ObjKey::Ident(k.clone()), literal(x, span.clone()))).collect())
        }
        Value::Encoded(inner) => {
            ExprKind::Call { name: "jsonencode".into(), args: vec![literal(inner, span.clone())], expand_final: false }
        }
        Value::Unknown => ExprKind::Str(HOLE.to_owned()),
    };
    Expr { kind, span }
}

/// An HCL expression moved into the plan's model: every span becomes `at`, so a finding about
/// it lands where the model's own node for it is.
fn pin_expr(e: &mut Expr, at: usize) {
    e.walk_mut(&mut |x| x.span = at..at + 1);
}

/// An HCL block moved into the plan's model: every span becomes `at` (the instance's header),
/// so a finding about it lands on the instance.
pub(super) fn pinned(mut b: Block, at: usize) -> Block {
    fn pin(body: &mut crate::syntax::Body, at: usize) {
        for a in &mut body.attrs {
            a.span = at..at + 1;
            pin_expr(&mut a.expr, at);
        }
        for b in &mut body.blocks {
            b.span = at..at + 1;
            b.header = at..at + 1;
            pin(&mut b.body, at);
        }
    }
    b.span = at..at + 1;
    b.header = at..at + 1;
    pin(&mut b.body, at);
    b
}

/// Puts what the HCL told into an instance's block of the model: a rebuilt attribute takes the
/// place of the model's own (at its span), or joins the block at its header.
pub(super) fn apply(b: &mut Block, r: &Recovered) {
    for (k, e) in &r.attrs {
        let mut e = e.clone();
        match b.body.attrs.iter_mut().find(|a| &a.key == k) {
            Some(a) => {
                pin_expr(&mut e, a.span.start);
                a.expr = e;
            }
            None => {
                let at = b.header.start;
                pin_expr(&mut e, at);
                b.body.attrs.push(crate::syntax::Attr { key: k.clone(), span: at..at + 1, expr: e });
            }
        }
    }
    if let Some(l) = &r.lifecycle {
        b.body.blocks.push(pinned(l.clone(), b.header.start));
    }
}
