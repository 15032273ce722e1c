//! Planned values as the linter's tree: synthetic blocks with virtual spans, and what each span
//! stands for (which instance, which attribute path), with sensitive values collected for
//! masking.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value as Json;

use super::read::reference_expr;
use super::{Instance, Kind};
use crate::rules::common::ROTATION_TRIGGERS;
use crate::syntax::{Attr, Block, Body, Expr, ExprKind, ObjKey};

/// The synthetic model: blocks with virtual spans, and what each span stands for.
#[derive(Default)]
pub(super) struct Builder {
    next: usize,
    /// Span start → (instance, attribute path).
    spans: HashMap<usize, (usize, Vec<String>)>,
    /// Strings from sensitive values, to mask wherever text is shown.
    pub(super) secrets: BTreeSet<String>,
}

/// One value of a planned object with what the plan says about it, walked in parallel.
#[derive(Clone, Copy)]
pub(super) struct Node<'j> {
    after: &'j Json,
    /// `after_unknown` at this place.
    unknown: Option<&'j Json>,
    /// `after_sensitive` at this place.
    sensitive: Option<&'j Json>,
    /// The configuration's expressions at this place, when known.
    config: Option<&'j Json>,
}

/// Shorter sensitive values are not masked in text: they would mask unrelated words.
const MIN_SECRET_LEN: usize = 4;

pub(super) fn is_true(v: Option<&Json>) -> bool {
    matches!(v, Some(Json::Bool(true)))
}

impl Builder {
    fn mark(&mut self, inst: usize, path: &[String]) -> usize {
        let at = self.next;
        self.next += 1;
        self.spans.insert(at, (inst, path.to_vec()));
        at
    }

    pub(super) fn locate(&self, offset: usize) -> Option<(usize, Vec<String>)> {
        self.spans.get(&offset).cloned()
    }

    /// The block of one linted item. `config`: the resource's configuration expressions, when
    /// the plan has them: an attribute the configuration does not set is absent even when the
    /// provider computes it, and an unknown value keeps what it refers to.
    pub(super) fn resource(
        &mut self,
        i: usize,
        inst: &Instance,
        values: &Json,
        unknown: &Json,
        sensitive: &Json,
        config: Option<&Json>,
    ) -> Block {
        let header = self.mark(i, &[]);
        if is_true(Some(sensitive)) {
            collect_strings(values, &mut self.secrets);
        }
        let node = Node { after: values, unknown: Some(unknown), sensitive: Some(sensitive), config };
        let body = self.body(i, node, &mut Vec::new());
        let (ident, labels) = match inst.kind {
            Kind::Resource => ("resource", vec![inst.ty.clone(), inst.name.clone()]),
            Kind::Data => ("data", vec![inst.ty.clone(), inst.name.clone()]),
            Kind::Variable => ("variable", vec![inst.name.clone()]),
            Kind::Provider => ("provider", vec![inst.ty.clone()]),
            Kind::ModuleCall => ("module", vec![inst.name.clone()]),
            Kind::Output => ("output", vec![inst.name.clone()]),
        };
        Block { ident: ident.to_owned(), labels, body, span: header..self.next, header: header..header + 1 }
    }

    fn body(&mut self, inst: usize, node: Node<'_>, path: &mut Vec<String>) -> Body {
        let Node { after, unknown, sensitive, config } = node;
        let mut body = Body::default();
        let mut keys: BTreeSet<&String> = BTreeSet::new();
        if let Json::Object(o) = after {
            keys.extend(o.keys());
        }
        if let Some(Json::Object(u)) = unknown {
            keys.extend(u.keys());
        }
        for k in keys {
            let a = after.get(k).unwrap_or(&Json::Null);
            let u = unknown.and_then(|u| u.get(k));
            let s = sensitive.and_then(|s| s.get(k));
            if a.is_null() && !is_true(u) {
                continue;
            }
            let c = config.and_then(|c| c.get(k));
            // Computed by the provider, not set in the configuration: absent, as in the HCL.
            if a.is_null() && config.is_some() && c.is_none() {
                continue;
            }
            // A string the provider stores transformed (`user_data` as its hash) is judged as
            // written: the configuration's constant.
            let written = c.and_then(|c| c.get("constant_value")).filter(|cv| cv.is_string() && a.is_string());
            let a = written.unwrap_or(a);
            path.push(k.clone());
            let mut expr = self.expr(inst, a, u, s, path);
            // Unknown values, and rotation triggers whatever their value, keep what they refer
            // to: a key whose keepers come from a `time_rotating` rotates.
            let by_reference = is_true(u) || (path.len() == 1 && ROTATION_TRIGGERS.contains(&k.as_str()));
            if by_reference && let Some(r) = c.and_then(reference_expr) {
                expr.kind = r;
            } else if u.is_some_and(|u| u.is_object() || u.is_array())
                && let Some(r) = c.and_then(reference_expr)
            {
                // A map or list known in part (`{ KEY = aws_iam_access_key.x.secret }`): its
                // unknown members read what the written expression refers to.
                expr.walk_mut(&mut |e| {
                    if matches!(&e.kind, ExprKind::Var(v) if v == "(known after apply)") {
                        e.kind = r.clone();
                    }
                });
            }
            body.attrs.push(Attr { key: k.clone(), span: expr.span.clone(), expr });
            match a {
                Json::Object(_) if !is_true(u) => {
                    let node = Node { after: a, unknown: u, sensitive: s, config: c.and_then(|c| c.get(0)).or(c) };
                    let b = self.nested(inst, k, node, path);
                    body.blocks.push(b);
                }
                Json::Array(items) if !items.is_empty() && items.iter().all(Json::is_object) && !is_true(u) => {
                    for (n, item) in items.iter().enumerate() {
                        path.push(n.to_string());
                        let node = Node {
                            after: item,
                            unknown: u.and_then(|u| u.get(n)),
                            sensitive: s.and_then(|s| if is_true(Some(s)) { Some(s) } else { s.get(n) }),
                            config: c.and_then(|c| c.get(n)),
                        };
                        let b = self.nested(inst, k, node, path);
                        body.blocks.push(b);
                        path.pop();
                    }
                }
                _ => {}
            }
            path.pop();
        }
        body
    }

    /// A `provisioner "TYPE"` block of the configuration (the `n`th of the resource), with the
    /// constants written in it; what it refers to is unknown, as in the HCL.
    pub(super) fn provisioner(&mut self, inst: usize, n: usize, ty: &str, exprs: &Json) -> Block {
        let constants: serde_json::Map<String, Json> = exprs
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(k, e)| Some((k.clone(), e.get("constant_value")?.clone())))
            .collect();
        let after = Json::Object(constants);
        let node = Node { after: &after, unknown: None, sensitive: None, config: Some(exprs) };
        let mut path = vec!["provisioner".to_owned(), n.to_string()];
        let mut b = self.nested(inst, "provisioner", node, &mut path);
        b.labels = vec![ty.to_owned()];
        b
    }

    fn nested(&mut self, inst: usize, ident: &str, node: Node<'_>, path: &mut Vec<String>) -> Block {
        let header = self.mark(inst, path);
        let sensitive = if is_true(node.sensitive) { None } else { node.sensitive };
        // A nested block's configuration is an object of expressions; a leaf is not.
        let config =
            node.config.filter(|c| c.is_object() && c.get("references").is_none() && c.get("constant_value").is_none());
        let body = self.body(inst, Node { sensitive, config, ..node }, path);
        Block { ident: ident.to_owned(), labels: Vec::new(), body, span: header..self.next, header: header..header + 1 }
    }

    fn expr(
        &mut self,
        inst: usize,
        v: &Json,
        unknown: Option<&Json>,
        sensitive: Option<&Json>,
        path: &mut Vec<String>,
    ) -> Expr {
        let start = self.mark(inst, path);
        if is_true(sensitive) {
            collect_strings(v, &mut self.secrets);
        }
        let kind = if is_true(unknown) {
            // Evaluates to unknown, as a reference in HCL does.
            ExprKind::Var("(known after apply)".to_owned())
        } else {
            match v {
                Json::Null => ExprKind::Null,
                Json::Bool(b) => ExprKind::Bool(*b),
                Json::Number(n) => ExprKind::Number(n.as_f64().unwrap_or(0.0)),
                Json::String(s) => ExprKind::Str(s.clone()),
                Json::Array(items) => ExprKind::Array(
                    items
                        .iter()
                        .enumerate()
                        .map(|(n, item)| {
                            path.push(n.to_string());
                            let e = self.expr(
                                inst,
                                item,
                                unknown.and_then(|u| u.get(n)),
                                sensitive.and_then(|s| s.get(n)),
                                path,
                            );
                            path.pop();
                            e
                        })
                        .collect(),
                ),
                Json::Object(fields) => {
                    let mut keys: BTreeSet<&String> = fields.keys().collect();
                    if let Some(Json::Object(u)) = unknown {
                        keys.extend(u.keys());
                    }
                    ExprKind::Object(
                        keys.into_iter()
                            .map(|k| {
                                path.push(k.clone());
                                let e = self.expr(
                                    inst,
                                    fields.get(k).unwrap_or(&Json::Null),
                                    unknown.and_then(|u| u.get(k)),
                                    sensitive.and_then(|s| s.get(k)),
                                    path,
                                );
                                path.pop();
                                (ObjKey::Ident(k.clone()), e)
                            })
                            .collect(),
                    )
                }
            }
        };
        Expr { kind, span: start..self.next.max(start + 1) }
    }
}

pub(super) fn collect_strings(v: &Json, out: &mut BTreeSet<String>) {
    match v {
        Json::String(s) if s.len() >= MIN_SECRET_LEN => {
            out.insert(s.clone());
        }
        Json::Number(n) if n.to_string().len() >= MIN_SECRET_LEN => {
            out.insert(n.to_string());
        }
        Json::Array(items) => items.iter().for_each(|i| collect_strings(i, out)),
        Json::Object(o) => o.values().for_each(|i| collect_strings(i, out)),
        _ => {}
    }
}

/// Replaces every sensitive value in `text` by `(sensitive)`.
pub(super) fn mask(text: &str, secrets: &BTreeSet<String>) -> String {
    let mut out = text.to_owned();
    // Longest first, so a secret containing another is masked whole.
    let mut list: Vec<&String> = secrets.iter().collect();
    list.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for s in list {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), "(sensitive)");
        }
    }
    out
}

/// Replaces sensitive values by asterisks of the same byte length, so spans stay valid.
pub(super) fn mask_in_place(text: &str, secrets: &BTreeSet<String>) -> String {
    let mut out = text.to_owned();
    for s in secrets {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), &"*".repeat(s.len()));
        }
    }
    out
}
