//! `terraform show -json` plans, linted by the same rules as HCL.
//!
//! Each planned instance that is created, updated or replaced becomes a synthetic `resource`
//! [`Block`] whose attributes are the literal values of `change.after`: values in
//! `after_unknown` become unknown (a reference, to the evaluator), nulls are left out (absent,
//! as in HCL), and objects and lists of objects are also exposed as nested blocks, as for
//! `.tf.json`. Every node gets its own virtual span, so a rule's finding tells which instance
//! and which attribute path it is about. Findings are then grouped per configuration block
//! (all `count`/`for_each` instances and module calls of one block are one finding listing the
//! instance addresses) and mapped back onto the HCL under the configuration directory: the
//! block, the attribute, the list element, with that file's inline suppressions applied.
//! Without HCL a finding keeps its address and has no line.
//!
//! Values marked in `after_sensitive` are evaluated but never shown: they are masked in
//! messages and in the HCL text kept for snippets.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value as Json;

use crate::codes;
use crate::eval::Env;
use crate::facts::{Facts, FileFacts};
use crate::pipeline::{self, Hygiene, RuleSet, finish, run_rules};
use crate::query::ModuleView;
use crate::report::{PlanSummary, Report};
use crate::rule::{OnPlan, RawFinding};
use crate::rules::common::ROTATION_TRIGGERS;
use crate::settings::Settings;
use crate::span::Span;
use crate::syntax::{Attr, Block, Body, Expr, ExprKind, ObjKey, SourceFile};

/// Why a plan could not be read. Nothing is linted then.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{path}:{line}:{column}: not valid JSON: {message}")]
    Syntax { path: String, line: usize, column: usize, message: String },
    #[error("{path}: the JSON ends early at line {line}: the plan is truncated")]
    Truncated { path: String, line: usize },
    #[error(
        "{path}: this is {what}, not a plan; lint a saved plan: `terraform plan -out tfplan && terraform show -json tfplan > plan.json`"
    )]
    StateFile { path: String, what: &'static str },
    #[error(
        "{path}: plan format_version {version:?} is not supported; nhi-lint reads format 1.x (and 0.2, from Terraform 1.0)"
    )]
    UnsupportedVersion { path: String, version: String },
    #[error("{path}: not a Terraform plan: {reason}")]
    NotAPlan { path: String, reason: String },
}

/// What a linted item of the plan is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A planned resource instance (`resource_changes`).
    Resource,
    /// A provider configuration (`configuration.provider_config`): `ty` is the provider's name.
    Provider,
    /// A module call's arguments (`configuration…module_calls`): `name` is the call's name.
    ModuleCall,
}

/// A planned instance, or a provider configuration or module call of the plan's
/// `configuration`, linted.
struct Instance {
    kind: Kind,
    address: String,
    /// `module.a.module.b.TYPE.NAME`, without instance keys.
    config_address: String,
    /// Module call names from the root, without instance keys.
    modules: Vec<String>,
    ty: String,
    name: String,
    action: &'static str,
    after: Json,
    /// `after_unknown`: `true` where a value is known only after apply.
    unknown: Json,
    /// `after_sensitive`: `true` where a value must not be shown.
    sensitive: Json,
    /// Updates and replacements: the applied values and their sensitivity.
    before: Option<(Json, Json)>,
}

/// Lints a plan read from `text`. `path` is how the plan is named in output; HCL is looked
/// up under `config_dir` (findings keep only their address when there is none).
pub fn lint_plan(text: &str, path: &str, config_dir: Option<&Path>, settings: &Settings) -> Result<Report, PlanError> {
    let doc = parse(text, path)?;
    let format_version = doc.get("format_version").and_then(Json::as_str).unwrap_or_default().to_owned();
    let terraform_version = doc.get("terraform_version").and_then(Json::as_str).unwrap_or_default().to_owned();
    let changes = doc.get("resource_changes").and_then(Json::as_array).map(Vec::as_slice).unwrap_or(&[]);
    let prior = prior_state(&doc);
    let mut instances: Vec<Instance> = changes.iter().filter_map(|rc| instance(rc, &prior)).collect();
    let linted = instances.len();
    let exprs = config_expressions(&doc);
    let mut model = Builder::default();
    // Provider configurations and module call arguments: their constants are what was written.
    for item in configuration_items(&doc) {
        for (k, v) in item.after.as_object().into_iter().flatten() {
            if crate::facts::secrets::is_credential_key(k) {
                collect_strings(v, &mut model.secrets);
            }
        }
        instances.push(item);
    }

    let blocks: Vec<Block> = instances
        .iter()
        .enumerate()
        .map(|(i, inst)| {
            let config = (inst.kind == Kind::Resource).then(|| exprs.get(&inst.config_address)).flatten();
            model.resource(i, inst, &inst.after, &inst.unknown, &inst.sensitive, config)
        })
        .collect();
    let rules = RuleSet::for_plan(settings);
    let raw = run_plan_rules(path, blocks, settings, &rules);

    // The same rules on the prior state of updated and replaced instances: which findings
    // this change introduces, and which were already applied.
    let mut before_model = Builder::default();
    let before_blocks: Vec<Block> = instances
        .iter()
        .enumerate()
        .filter_map(|(i, inst)| {
            let (values, sensitive) = inst.before.as_ref()?;
            Some(before_model.resource(i, inst, values, &Json::Null, sensitive, None))
        })
        .collect();
    let had_before: BTreeSet<(usize, &'static str)> = run_plan_rules(path, before_blocks, settings, &rules)
        .into_iter()
        .filter_map(|r| before_model.locate(r.span.start).map(|(i, _)| (i, r.code)))
        .collect();
    model.secrets.append(&mut before_model.secrets);

    // One group per configuration block and code, listing the instances.
    let mut groups: BTreeMap<(String, &'static str), Group> = BTreeMap::new();
    for r in raw {
        let Some((inst, attr_path)) = model.locate(r.span.start) else { continue };
        let instance = &instances[inst];
        let on_plan = codes::find(r.code).map_or(OnPlan::Values, |e| e.rule.meta().on_plan);
        // Configuration items hold only what was written: constants are literals.
        if on_plan != OnPlan::Values && instance.kind == Kind::Resource {
            let refs = attr_path
                .first()
                .and_then(|k| exprs.get(&instance.config_address).and_then(|e| e.get(k)))
                .map(has_references);
            let keep = match on_plan {
                OnPlan::NeedsConstant => refs == Some(false),
                OnPlan::DroppedByReference => refs != Some(true),
                OnPlan::Values | OnPlan::Never => true,
            };
            if !keep {
                continue;
            }
        }
        let code = r.code;
        let g = groups.entry((instance.config_address.clone(), code)).or_insert_with(|| Group {
            raw: r,
            first: inst,
            path: attr_path,
            instances: BTreeSet::new(),
            actions: BTreeSet::new(),
            introduced: false,
        });
        if instance.kind == Kind::Resource {
            g.instances.insert(instance.address.clone());
            g.actions.insert(instance.action);
        }
        g.introduced |= !had_before.contains(&(inst, code));
    }

    let mut tree = Tree::new(config_dir, &model.secrets);
    let mut located: Vec<RawFinding> = Vec::new();
    let mut unlocated: Vec<RawFinding> = Vec::new();
    let mut extra: HashMap<(String, &'static str), Extra> = HashMap::new();
    // Module calls of one module land on one block: merge their groups.
    let mut by_block: BTreeMap<(usize, usize, &'static str), usize> = BTreeMap::new();
    for ((config_address, code), g) in groups {
        let inst = &instances[g.first];
        let mut raw = g.raw;
        raw.address = config_address.clone();
        raw.key = config_address.clone();
        match tree.find(inst) {
            Some((file, block)) => {
                raw.span = locate_in_block(block, &g.path, &inst.after);
                raw.file = file;
                let k = (file, block.header.start, code);
                match by_block.get(&k) {
                    Some(&first) => {
                        let addr = located[first].address.clone();
                        if let Some(e) = extra.get_mut(&(addr, code)) {
                            e.instances.extend(g.instances);
                            e.actions.extend(g.actions);
                            e.preexisting &= !g.introduced;
                        }
                        continue;
                    }
                    None => {
                        by_block.insert(k, located.len());
                        located.push(raw);
                    }
                }
            }
            None => unlocated.push(raw),
        }
        if inst.kind == Kind::Resource {
            let e =
                Extra { instances: g.instances.into_iter().collect(), actions: g.actions, preexisting: !g.introduced };
            extra.insert((config_address, code), e);
        }
    }

    let mut findings = finish(located, unlocated, path, &tree.files, settings, &rules, Hygiene::Skip);
    for f in &mut findings {
        if let Some(mut e) = extra.remove(&(f.address.clone(), f.code)) {
            e.instances.sort();
            e.instances.dedup();
            f.instances = e.instances;
            f.action = Some(e.actions.into_iter().collect::<Vec<_>>().join("+"));
            f.preexisting = Some(e.preexisting);
        }
        f.message = mask(&f.message, &model.secrets);
        f.help = mask(&f.help, &model.secrets);
    }
    Ok(Report {
        findings,
        errors: Vec::new(),
        bytes: text.len() as u64,
        plan: Some(PlanSummary {
            path: path.to_owned(),
            format_version,
            terraform_version,
            resource_changes: changes.len(),
            linted,
            mapped_to_source: !tree.files.is_empty(),
        }),
        files: tree.files,
        baseline: None,
    })
}

struct Group {
    raw: RawFinding,
    first: usize,
    path: Vec<String>,
    instances: BTreeSet<String>,
    actions: BTreeSet<&'static str>,
    /// Whether some instance did not have this finding before the change.
    introduced: bool,
}

/// What a plan finding carries besides what the engine stamps.
struct Extra {
    instances: Vec<String>,
    actions: BTreeSet<&'static str>,
    preexisting: bool,
}

fn parse(text: &str, path: &str) -> Result<serde_json::Map<String, Json>, PlanError> {
    let doc: Json = serde_json::from_str(text).map_err(|e| {
        if e.is_eof() {
            PlanError::Truncated { path: path.to_owned(), line: e.line() }
        } else {
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
            PlanError::Syntax { path: path.to_owned(), line: e.line(), column: e.column(), message }
        }
    })?;
    let Json::Object(doc) = doc else {
        return Err(PlanError::NotAPlan { path: path.to_owned(), reason: "the JSON is not an object".into() });
    };
    if doc.contains_key("lineage") || doc.contains_key("serial") {
        return Err(PlanError::StateFile { path: path.to_owned(), what: "a state file (terraform.tfstate)" });
    }
    let Some(version) = doc.get("format_version").and_then(Json::as_str) else {
        return Err(PlanError::NotAPlan { path: path.to_owned(), reason: "it has no format_version".into() });
    };
    let major = version.split('.').next().unwrap_or("");
    if !(major == "1" || version == "0.2") {
        return Err(PlanError::UnsupportedVersion { path: path.to_owned(), version: version.to_owned() });
    }
    if !doc.contains_key("planned_values") && !doc.contains_key("resource_changes") {
        if doc.contains_key("values") {
            return Err(PlanError::StateFile { path: path.to_owned(), what: "`terraform show -json` of a state" });
        }
        return Err(PlanError::NotAPlan {
            path: path.to_owned(),
            reason: "it has neither planned_values nor resource_changes".into(),
        });
    }
    if let Some(rc) = doc.get("resource_changes")
        && !rc.is_array()
    {
        return Err(PlanError::NotAPlan { path: path.to_owned(), reason: "resource_changes is not a list".into() });
    }
    Ok(doc)
}

/// A resource change worth linting: a managed resource created, updated or replaced.
/// `prior_state` resources by address: `(values, sensitive_values)`.
fn prior_state(doc: &serde_json::Map<String, Json>) -> HashMap<String, (Json, Json)> {
    fn walk(module: &Json, out: &mut HashMap<String, (Json, Json)>, depth: usize) {
        if depth > 32 {
            return;
        }
        for r in module.get("resources").and_then(Json::as_array).into_iter().flatten() {
            if let (Some(addr), Some(v)) = (r.get("address").and_then(Json::as_str), r.get("values")) {
                let sensitive = r.get("sensitive_values").cloned().unwrap_or(Json::Null);
                out.insert(addr.to_owned(), (v.clone(), sensitive));
            }
        }
        for child in module.get("child_modules").and_then(Json::as_array).into_iter().flatten() {
            walk(child, out, depth + 1);
        }
    }
    let mut out = HashMap::new();
    if let Some(root) = doc.get("prior_state").and_then(|p| p.get("values")).and_then(|v| v.get("root_module")) {
        walk(root, &mut out, 0);
    }
    out
}

fn instance(rc: &Json, prior: &HashMap<String, (Json, Json)>) -> Option<Instance> {
    if rc.get("mode").and_then(Json::as_str) != Some("managed") || rc.get("deposed").is_some() {
        return None;
    }
    let change = rc.get("change")?;
    let actions: Vec<&str> = change.get("actions")?.as_array()?.iter().filter_map(Json::as_str).collect();
    let action = match actions.as_slice() {
        ["create"] => "create",
        ["update"] => "update",
        ["delete", "create"] | ["create", "delete"] => "replace",
        _ => return None, // delete, no-op, read, forget
    };
    let address = rc.get("address")?.as_str()?.to_owned();
    let ty = rc.get("type")?.as_str()?.to_owned();
    let name = rc.get("name")?.as_str()?.to_owned();
    let modules = module_names(rc.get("module_address").and_then(Json::as_str).unwrap_or(""));
    let mut config_address = String::new();
    for m in &modules {
        config_address.push_str("module.");
        config_address.push_str(m);
        config_address.push('.');
    }
    config_address.push_str(&format!("{ty}.{name}"));
    let part = |k: &str| change.get(k).cloned().unwrap_or(Json::Null);
    // The applied values of what is updated or replaced: from prior_state, else `before`.
    let before = match action {
        "create" => None,
        _ => prior
            .get(&address)
            .cloned()
            .or_else(|| change.get("before").filter(|b| b.is_object()).map(|b| (b.clone(), part("before_sensitive")))),
    };
    Some(Instance {
        kind: Kind::Resource,
        address,
        config_address,
        modules,
        ty,
        name,
        action,
        after: part("after"),
        unknown: part("after_unknown"),
        sensitive: part("after_sensitive"),
        before,
    })
}

/// `module.a["x"].module.b[0]` → `["a", "b"]`. Instance keys may hold any text in quotes.
fn module_names(addr: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    for c in addr.chars() {
        if quoted {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => quoted = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' if depth > 0 => quoted = true,
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => parts.push(std::mem::take(&mut cur)),
            _ if depth == 0 => cur.push(c),
            _ => {}
        }
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    parts.chunks(2).filter(|p| p[0] == "module" && p.len() == 2).map(|p| p[1].clone()).collect()
}

/// The planned instances as one synthetic module, through the pipeline's rule loop.
fn run_plan_rules(path: &str, blocks: Vec<Block>, settings: &Settings, rules: &RuleSet<'_>) -> Vec<RawFinding> {
    if blocks.is_empty() {
        return Vec::new();
    }
    let file = SourceFile::synthetic(PathBuf::from(path), String::new(), Body { attrs: Vec::new(), blocks });
    let env = Env::new(HashMap::new(), HashMap::new(), HashMap::new());
    let files = [&file];
    let view = ModuleView::new(&files, &[0], &env, "");
    let file_facts = FileFacts::new(1);
    let facts = Facts::new(&view, &file_facts);
    run_rules(&view, &facts, settings, rules)
}

/// The synthetic model: blocks with virtual spans, and what each span stands for.
#[derive(Default)]
struct Builder {
    next: usize,
    /// Span start → (instance, attribute path).
    spans: HashMap<usize, (usize, Vec<String>)>,
    /// Strings from sensitive values, to mask wherever text is shown.
    secrets: BTreeSet<String>,
}

/// One value of a planned object with what the plan says about it, walked in parallel.
#[derive(Clone, Copy)]
struct Node<'j> {
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

fn is_true(v: Option<&Json>) -> bool {
    matches!(v, Some(Json::Bool(true)))
}

impl Builder {
    fn mark(&mut self, inst: usize, path: &[String]) -> usize {
        let at = self.next;
        self.next += 1;
        self.spans.insert(at, (inst, path.to_vec()));
        at
    }

    fn locate(&self, offset: usize) -> Option<(usize, Vec<String>)> {
        self.spans.get(&offset).cloned()
    }

    /// The block of one linted item. `config`: the resource's configuration expressions, when
    /// the plan has them: an attribute the configuration does not set is absent even when the
    /// provider computes it, and an unknown value keeps what it refers to.
    fn resource(
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
            Kind::Provider => ("provider", vec![inst.ty.clone()]),
            Kind::ModuleCall => ("module", vec![inst.name.clone()]),
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
            if by_reference && let Some(r) = c.and_then(first_reference) {
                expr.kind = r;
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

fn collect_strings(v: &Json, out: &mut BTreeSet<String>) {
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
fn mask(text: &str, secrets: &BTreeSet<String>) -> String {
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
fn mask_in_place(text: &str, secrets: &BTreeSet<String>) -> String {
    let mut out = text.to_owned();
    for s in secrets {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), &"*".repeat(s.len()));
        }
    }
    out
}

/// `configuration.root_module` flattened: config address → `expressions`.
fn config_expressions(doc: &serde_json::Map<String, Json>) -> HashMap<String, Json> {
    fn walk(module: &Json, prefix: &str, out: &mut HashMap<String, Json>, depth: usize) {
        if depth > 16 {
            return;
        }
        for r in module.get("resources").and_then(Json::as_array).into_iter().flatten() {
            if let (Some(addr), Some(e)) = (r.get("address").and_then(Json::as_str), r.get("expressions")) {
                out.insert(format!("{prefix}{addr}"), e.clone());
            }
        }
        for (name, call) in module.get("module_calls").and_then(Json::as_object).into_iter().flatten() {
            if let Some(m) = call.get("module") {
                walk(m, &format!("{prefix}module.{name}."), out, depth + 1);
            }
        }
    }
    let mut out = HashMap::new();
    if let Some(root) = doc.get("configuration").and_then(|c| c.get("root_module")) {
        walk(root, "", &mut out, 0);
    }
    out
}

/// Whether a configuration expression (or any expression nested in a block) refers to
/// something.
/// What an unknown value refers to, from its configuration expression: the first reference
/// (`google_service_account.x.email`), as a traversal the rules can read.
fn first_reference(e: &Json) -> Option<ExprKind> {
    let r = e.get("references")?.as_array()?.iter().find_map(Json::as_str)?;
    let body = crate::syntax::parse_hcl(&format!("v = {r}")).ok()?;
    let expr = body.attrs.into_iter().next()?.expr;
    matches!(expr.kind, ExprKind::Traversal(..) | ExprKind::Var(_)).then_some(expr.kind)
}

/// A configuration expression object (`{"constant_value": …}` / `{"references": […]}`, or
/// nested blocks of them) as planned values: constants known, references unknown.
fn expression_values(e: &Json) -> (Json, Json) {
    match e {
        Json::Object(o) if o.contains_key("constant_value") => {
            (o.get("constant_value").cloned().unwrap_or(Json::Null), Json::Bool(false))
        }
        Json::Object(o) if o.contains_key("references") => (Json::Null, Json::Bool(true)),
        Json::Object(o) => {
            let (mut after, mut unknown) = (serde_json::Map::new(), serde_json::Map::new());
            for (k, v) in o {
                let (a, u) = expression_values(v);
                after.insert(k.clone(), a);
                unknown.insert(k.clone(), u);
            }
            (Json::Object(after), Json::Object(unknown))
        }
        Json::Array(items) => {
            let (after, unknown): (Vec<Json>, Vec<Json>) = items.iter().map(expression_values).unzip();
            (Json::Array(after), Json::Array(unknown))
        }
        _ => (Json::Null, Json::Bool(false)),
    }
}

/// Provider configurations and module calls of the plan's `configuration`, as items to lint:
/// a literal credential in a provider block or a module argument is in the code whatever the
/// plan resolves.
fn configuration_items(doc: &serde_json::Map<String, Json>) -> Vec<Instance> {
    let mut out = Vec::new();
    let Some(config) = doc.get("configuration") else { return out };
    for p in config.get("provider_config").and_then(Json::as_object).into_iter().flat_map(|m| m.values()) {
        let (Some(name), Some(exprs)) = (p.get("name").and_then(Json::as_str), p.get("expressions")) else {
            continue;
        };
        let modules = module_names(p.get("module_address").and_then(Json::as_str).unwrap_or(""));
        let alias = p.get("alias").and_then(Json::as_str);
        let mut address: String = modules.iter().map(|m| format!("module.{m}.")).collect();
        address.push_str(&format!("provider.{name}"));
        if let Some(a) = alias {
            address.push_str(&format!(".{a}"));
        }
        let mut it = config_item(Kind::Provider, modules, name, alias.unwrap_or(""), address, exprs);
        if let (Some(a), Json::Object(after)) = (alias, &mut it.after) {
            after.insert("alias".to_owned(), Json::String(a.to_owned()));
        }
        out.push(it);
    }
    fn calls(module: &Json, modules: &[String], out: &mut Vec<Instance>, depth: usize) {
        if depth > 16 {
            return;
        }
        for (name, call) in module.get("module_calls").and_then(Json::as_object).into_iter().flatten() {
            let mut address: String = modules.iter().map(|m| format!("module.{m}.")).collect();
            address.push_str(&format!("module.{name}"));
            if let Some(exprs) = call.get("expressions") {
                out.push(config_item(Kind::ModuleCall, modules.to_vec(), "", name, address, exprs));
            }
            if let Some(child) = call.get("module") {
                let mut deeper = modules.to_vec();
                deeper.push(name.clone());
                calls(child, &deeper, out, depth + 1);
            }
        }
    }
    if let Some(root) = config.get("root_module") {
        calls(root, &[], &mut out, 0);
    }
    out
}

/// One configuration item with its expressions as values.
fn config_item(kind: Kind, modules: Vec<String>, ty: &str, name: &str, address: String, exprs: &Json) -> Instance {
    let (after, unknown) = expression_values(exprs);
    Instance {
        kind,
        config_address: address.clone(),
        address,
        modules,
        ty: ty.to_owned(),
        name: name.to_owned(),
        action: "configure",
        after,
        unknown,
        sensitive: Json::Null,
        before: None,
    }
}

fn has_references(e: &Json) -> bool {
    match e {
        Json::Object(o) => {
            o.get("references").and_then(Json::as_array).is_some_and(|r| !r.is_empty())
                || o.iter().any(|(k, v)| k != "constant_value" && has_references(v))
        }
        Json::Array(a) => a.iter().any(has_references),
        _ => false,
    }
}

/// The HCL under the configuration directory, parsed on demand per module directory.
struct Tree<'s> {
    root: Option<PathBuf>,
    files: Vec<Arc<SourceFile>>,
    dirs: HashMap<PathBuf, Vec<usize>>,
    secrets: &'s BTreeSet<String>,
}

impl<'s> Tree<'s> {
    fn new(root: Option<&Path>, secrets: &'s BTreeSet<String>) -> Self {
        Self { root: root.map(pipeline::normalize), files: Vec::new(), dirs: HashMap::new(), secrets }
    }

    fn dir(&mut self, dir: &Path) -> Vec<usize> {
        if let Some(ids) = self.dirs.get(dir) {
            return ids.clone();
        }
        let mut ids = Vec::new();
        for p in pipeline::dir_files(dir) {
            let Ok(bytes) = std::fs::read(&p) else { continue };
            let text = mask_in_place(&String::from_utf8_lossy(&bytes), self.secrets);
            let (f, _syntax_error) = SourceFile::parse(p, text);
            ids.push(self.files.len());
            self.files.push(Arc::new(f));
        }
        self.dirs.insert(dir.to_owned(), ids.clone());
        ids
    }

    /// The block an item comes from (`resource "TYPE" "NAME"`, `provider "NAME"` with its
    /// alias, `module "NAME"`) in the module reached through its module calls (local sources).
    fn find(&mut self, inst: &Instance) -> Option<(usize, &Block)> {
        let mut dir = self.root.clone()?;
        for m in &inst.modules {
            let ids = self.dir(&dir);
            let next = ids.iter().find_map(|&i| {
                let f = &self.files[i];
                f.body
                    .blocks("module")
                    .find(|b| b.labels.first().map(String::as_str) == Some(m.as_str()))
                    .and_then(pipeline::local_source)
                    .map(|src| pipeline::normalize(&pipeline::parent(&f.path).join(src)))
            })?;
            dir = next;
        }
        let ids = self.dir(&dir);
        let files = &self.files;
        fn label(b: &Block, n: usize) -> &str {
            b.labels.get(n).map_or("", String::as_str)
        }
        let matches = |b: &Block| match inst.kind {
            Kind::Resource => b.ident == "resource" && label(b, 0) == inst.ty && label(b, 1) == inst.name,
            Kind::Provider => {
                let alias = b.body.attr("alias").and_then(|a| a.expr.as_str()).unwrap_or("");
                b.ident == "provider" && label(b, 0) == inst.ty && alias == inst.name
            }
            Kind::ModuleCall => b.ident == "module" && label(b, 0) == inst.name,
        };
        ids.into_iter().find_map(|i| files[i].body.blocks.iter().find(|b| matches(b)).map(|b| (i, b)))
    }
}

/// The narrowest HCL span for an attribute path of a planned value: the attribute, the nested
/// block, the list element; the block header when the attribute is not written there.
fn locate_in_block(block: &Block, path: &[String], after: &Json) -> Span {
    let mut body = &block.body;
    let mut best = block.header.clone();
    let mut i = 0;
    let mut value = after;
    while i < path.len() {
        let key = &path[i];
        value = value.get(key.as_str()).unwrap_or(&Json::Null);
        if let Some(a) = body.attr(key) {
            return narrow(&a.expr, &path[i + 1..], value);
        }
        let blocks: Vec<&Block> = body.blocks(key).collect();
        if blocks.is_empty() {
            if let Some(d) = body.dynamic(key) {
                best = d.header.clone();
            }
            break;
        }
        let index = path.get(i + 1).and_then(|n| n.parse::<usize>().ok());
        let b = match index {
            Some(n) => blocks.get(n).copied().unwrap_or(blocks[0]),
            None => blocks[0],
        };
        if let Some(n) = index {
            value = value.get(n).unwrap_or(&Json::Null);
        }
        best = b.header.clone();
        body = &b.body;
        i += if index.is_some() { 2 } else { 1 };
    }
    best
}

fn narrow(e: &Expr, rest: &[String], value: &Json) -> Span {
    let Some(step) = rest.first() else { return e.span.clone() };
    match &e.kind {
        ExprKind::Array(items) => {
            let Ok(n) = step.parse::<usize>() else { return e.span.clone() };
            let leaf = value.get(n).unwrap_or(&Json::Null);
            // Sets are ordered differently in plans: match a literal by value when it differs.
            let same = |x: &Expr| match (&x.kind, leaf) {
                (ExprKind::Str(a), Json::String(b)) => a == b,
                _ => false,
            };
            match items.get(n) {
                Some(x) if same(x) || !matches!(x.kind, ExprKind::Str(_)) => narrow(x, &rest[1..], leaf),
                _ => match items.iter().find(|x| same(x)) {
                    Some(x) => x.span.clone(),
                    None => e.span.clone(),
                },
            }
        }
        ExprKind::Object(fields) => {
            let found = fields.iter().find(|(k, _)| match k {
                ObjKey::Ident(i) => i == step,
                ObjKey::Expr(x) => x.as_str() == Some(step.as_str()),
            });
            match found {
                Some((_, x)) => narrow(x, &rest[1..], value.get(step.as_str()).unwrap_or(&Json::Null)),
                None => e.span.clone(),
            }
        }
        _ => e.span.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_skip_instance_keys_even_with_dots_and_brackets() {
        assert_eq!(module_names(r#"module.a["x.y]"].module.b[0]"#), vec!["a", "b"]);
        assert_eq!(module_names(""), Vec::<String>::new());
    }

    #[test]
    fn set_elements_are_found_by_value_and_nested_blocks_by_index() {
        let src = "resource \"x\" \"y\" {\n  scopes = [\"b:read\", \"a:*\"]\n  rule {\n    n = 1\n  }\n  rule {\n    n = 2\n  }\n}\n";
        let body = crate::syntax::parse_hcl(src).unwrap();
        let block = &body.blocks[0];
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // Terraform orders sets its own way: element 0 of the plan is the HCL's second.
        let after = serde_json::json!({"scopes": ["a:*", "b:read"], "rule": [{"n": 1}, {"n": 2}]});
        let span = locate_in_block(block, &path(&["scopes", "0"]), &after);
        assert_eq!(&src[span], "\"a:*\"");
        let span = locate_in_block(block, &path(&["rule", "1", "n"]), &after);
        assert_eq!(&src[span], "2");
        // An attribute not written in the block: its header.
        let span = locate_in_block(block, &path(&["ttl"]), &after);
        assert_eq!(&src[span], "resource \"x\" \"y\"");
    }

    #[test]
    fn masking_replaces_longest_secrets_first() {
        let secrets: BTreeSet<String> = ["hunter2-long".to_owned(), "hunter2-long-er".to_owned()].into();
        assert_eq!(mask("a hunter2-long-er b", &secrets), "a (sensitive) b");
        assert_eq!(mask_in_place("x=\"hunter2-long\"", &secrets), "x=\"************\"");
    }
}
