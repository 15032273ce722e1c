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

mod map;
mod model;
mod read;
mod recover;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::codes;
use crate::eval::Env;
use crate::facts::{Facts, FileFacts};
use crate::pipeline::{Hygiene, RuleSet, finish, run_rules};
use crate::query::ModuleView;
use crate::report::{PlanSummary, Report};
use crate::rule::{OnPlan, RawFinding};
use crate::settings::Settings;
use crate::syntax::{Block, Body, SourceFile};
use map::{Tree, locate_in_block};
use model::{Builder, collect_strings, mask};
use read::{
    config_expressions, config_provisioners, configuration_items, data_reads, data_sources_read, has_references,
    instance, module_prefix, parse, prior_state,
};
use recover::{apply, overridden_variables, pinned, recover, written_in_code};

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
    /// A data source instance: read while planning (`prior_state`) or during apply (a `read`
    /// change).
    Data,
    /// A variable of the configuration (`configuration…variables`): its default.
    Variable,
    /// A provider configuration (`configuration.provider_config`): `ty` is the provider's name.
    Provider,
    /// A module call's arguments (`configuration…module_calls`): `name` is the call's name.
    ModuleCall,
    /// An output of the configuration (`configuration…outputs`): `name` is the output's name;
    /// its `value` is what its expression refers to first.
    Output,
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
    let deferred: BTreeSet<String> =
        instances.iter().filter(|i| i.kind == Kind::Data).map(|i| i.address.clone()).collect();
    instances.extend(data_reads(&doc).into_iter().filter(|d| !deferred.contains(&d.address)));
    let exprs = config_expressions(&doc);
    let provisioners = config_provisioners(&doc);
    let mut model = Builder::default();
    // Provider configurations and module call arguments: their constants are what was written.
    for item in configuration_items(&doc) {
        for (k, v) in item.after.as_object().into_iter().flatten() {
            if crate::facts::secrets::is_credential_key(k) {
                collect_strings(v, &mut model.secrets);
            }
        }
        let sensitive = item.after.get("sensitive").and_then(Json::as_bool) == Some(true);
        if item.kind == Kind::Variable
            && (sensitive || crate::facts::secrets::is_credential_key(&item.name))
            && let Some(default) = item.after.get("default")
        {
            collect_strings(default, &mut model.secrets);
        }
        instances.push(item);
    }

    // What the plan leaves unknown, and the `lifecycle` blocks, from the HCL when it is here.
    let no_secrets = BTreeSet::new();
    let mut hcl = Tree::new(config_dir, &no_secrets);
    let recovered = recover(&instances, &doc, &mut hcl);
    let overridden = overridden_variables(&doc);

    let blocks: Vec<Block> = instances
        .iter()
        .enumerate()
        .map(|(i, inst)| {
            let config = matches!(inst.kind, Kind::Resource | Kind::Data | Kind::Output | Kind::Provider)
                .then(|| exprs.get(&inst.config_address))
                .flatten();
            let mut b = model.resource(i, inst, &inst.after, &inst.unknown, &inst.sensitive, config);
            if inst.kind == Kind::Resource {
                for (n, (ty, e)) in provisioners.get(&inst.config_address).into_iter().flatten().enumerate() {
                    let p = model.provisioner(i, n, ty, e);
                    b.span.end = b.span.end.max(p.span.end);
                    b.body.blocks.push(p);
                }
            }
            if let Some(r) = recovered.get(&i) {
                apply(&mut b, r);
            }
            b
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
            let mut b = before_model.resource(i, inst, values, &Json::Null, sensitive, None);
            if let Some(l) = recovered.get(&i).and_then(|r| r.lifecycle.as_ref()) {
                b.body.blocks.push(pinned(l.clone(), b.header.start));
            }
            Some(b)
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
        if on_plan != OnPlan::Values && matches!(instance.kind, Kind::Resource | Kind::Data) {
            let written = match attr_path.as_slice() {
                // `provisioner.N.command`: the provisioner's own expressions.
                [p, n, k, ..] if p == "provisioner" => n
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| provisioners.get(&instance.config_address)?.get(n))
                    .and_then(|(_, e)| e.get(k)),
                _ => attr_path.first().and_then(|k| exprs.get(&instance.config_address).and_then(|e| e.get(k))),
            };
            let refs = written.map(has_references);
            let keep = match on_plan {
                OnPlan::NeedsConstant => {
                    refs == Some(false)
                        || (refs == Some(true)
                            && written_in_code(instance, &attr_path, &mut hcl, &overridden) == Some(true))
                }
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
        if matches!(instance.kind, Kind::Resource | Kind::Data) {
            g.instances.insert(instance.address.clone());
            g.actions.insert(instance.action);
        }
        g.introduced |= !had_before.contains(&(inst, code));
    }

    // A reader of a flagged data source (`policy = data.aws_iam_policy_document.x.json`) is
    // not flagged again for what it read: the finding is on the data source, as in the HCL;
    // except the readers the HCL reports too (an inline policy, a role's trust policy).
    let flagged_data: BTreeSet<(String, &'static str)> = groups
        .iter()
        .filter(|(_, g)| instances[g.first].kind == Kind::Data)
        .map(|((address, code), _)| (address.clone(), *code))
        .collect();
    groups.retain(|(_, code), g| {
        let inst = &instances[g.first];
        if crate::pipeline::reader_reported(&inst.ty, g.path.first().map(String::as_str), code) {
            return true;
        }
        let Some(e) = g.path.first().and_then(|k| exprs.get(&inst.config_address)?.get(k)) else { return true };
        let mut read = BTreeSet::new();
        data_sources_read(e, &mut read);
        let prefix = module_prefix(&inst.modules);
        !read.iter().any(|d| flagged_data.contains(&(format!("{prefix}{d}"), *code)))
    });

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
        if matches!(inst.kind, Kind::Resource | Kind::Data) {
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
        docs_base: settings.docs_base.clone(),
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
