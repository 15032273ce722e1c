//! Reading a plan: checking it is one, the instances it creates, updates or replaces, their
//! prior state, and what its `configuration` section says was written.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value as Json;

use super::{Instance, Kind, PlanError};
use crate::syntax::{ExprKind, TemplatePart};

pub(super) fn parse(text: &str, path: &str) -> Result<serde_json::Map<String, Json>, PlanError> {
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

/// Every resource of the plan's `prior_state`, with the address of the module it is in
/// (`""` for the root module).
fn prior_resources(doc: &serde_json::Map<String, Json>) -> Vec<(&str, &Json)> {
    fn walk<'j>(module: &'j Json, out: &mut Vec<(&'j str, &'j Json)>, depth: usize) {
        if depth > 32 {
            return;
        }
        let at = module.get("address").and_then(Json::as_str).unwrap_or("");
        out.extend(module.get("resources").and_then(Json::as_array).into_iter().flatten().map(|r| (at, r)));
        for child in module.get("child_modules").and_then(Json::as_array).into_iter().flatten() {
            walk(child, out, depth + 1);
        }
    }
    let mut out = Vec::new();
    if let Some(root) = doc.get("prior_state").and_then(|p| p.get("values")).and_then(|v| v.get("root_module")) {
        walk(root, &mut out, 0);
    }
    out
}

/// `prior_state` resources by address: `(values, sensitive_values)`.
pub(super) fn prior_state(doc: &serde_json::Map<String, Json>) -> HashMap<String, (Json, Json)> {
    prior_resources(doc)
        .into_iter()
        .filter_map(|(_, r)| {
            let (addr, v) = (r.get("address").and_then(Json::as_str)?, r.get("values")?);
            let sensitive = r.get("sensitive_values").cloned().unwrap_or(Json::Null);
            Some((addr.to_owned(), (v.clone(), sensitive)))
        })
        .collect()
}

/// A resource change worth linting: a managed resource created, updated or replaced, or a data
/// source read during apply.
pub(super) fn instance(rc: &Json, prior: &HashMap<String, (Json, Json)>) -> Option<Instance> {
    let managed = match rc.get("mode").and_then(Json::as_str) {
        Some("managed") => true,
        Some("data") => false,
        _ => return None,
    };
    if rc.get("deposed").is_some() {
        return None;
    }
    let change = rc.get("change")?;
    let actions: Vec<&str> = change.get("actions")?.as_array()?.iter().filter_map(Json::as_str).collect();
    let action = match (managed, actions.as_slice()) {
        (true, ["create"]) => "create",
        (true, ["update"]) => "update",
        (true, ["delete", "create"] | ["create", "delete"]) => "replace",
        // A data source read during apply: its arguments wait for other resources.
        (false, ["read"]) => "read",
        _ => return None, // delete, no-op, forget
    };
    let address = rc.get("address")?.as_str()?.to_owned();
    let ty = rc.get("type")?.as_str()?.to_owned();
    let name = rc.get("name")?.as_str()?.to_owned();
    let modules = module_names(rc.get("module_address").and_then(Json::as_str).unwrap_or(""));
    let config_address = config_address(&modules, managed, &ty, &name);
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
        kind: if managed { Kind::Resource } else { Kind::Data },
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

/// `module.a.module.b.TYPE.NAME` (`…data.TYPE.NAME` for a data source): the address of the
/// configuration block, without instance keys.
fn config_address(modules: &[String], managed: bool, ty: &str, name: &str) -> String {
    let mut out = module_prefix(modules);
    if !managed {
        out.push_str("data.");
    }
    out.push_str(&format!("{ty}.{name}"));
    out
}

/// `module.a.module.b.`: the address prefix of a module reached through these calls.
pub(super) fn module_prefix(modules: &[String]) -> String {
    modules.iter().map(|m| format!("module.{m}.")).collect()
}

/// Data sources read while planning (`prior_state`, mode `data`): what the configuration's
/// readers see. Those read during apply are `read` changes (see [`instance`]).
pub(super) fn data_reads(doc: &serde_json::Map<String, Json>) -> Vec<Instance> {
    let mut out = Vec::new();
    for (module, r) in prior_resources(doc) {
        if r.get("mode").and_then(Json::as_str) != Some("data") {
            continue;
        }
        let text = |k: &str| r.get(k).and_then(Json::as_str).map(str::to_owned);
        let (Some(address), Some(ty), Some(name), Some(values)) =
            (text("address"), text("type"), text("name"), r.get("values"))
        else {
            continue;
        };
        let modules = module_names(module);
        out.push(Instance {
            kind: Kind::Data,
            config_address: config_address(&modules, false, &ty, &name),
            address,
            modules,
            ty,
            name,
            action: "read",
            after: values.clone(),
            unknown: Json::Null,
            sensitive: r.get("sensitive_values").cloned().unwrap_or(Json::Null),
            before: None,
        });
    }
    out
}

/// `module.a["x"].module.b[0]` → `["a", "b"]`. Instance keys may hold any text in quotes.
pub(super) fn module_names(addr: &str) -> Vec<String> {
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

/// Calls `f` with every module of `configuration` (the root first) and its address prefix
/// (`""`, `"module.db."`).
fn each_config_module(doc: &serde_json::Map<String, Json>, f: &mut dyn FnMut(&Json, &str)) {
    fn walk(module: &Json, prefix: &str, f: &mut dyn FnMut(&Json, &str), depth: usize) {
        if depth > 16 {
            return;
        }
        f(module, prefix);
        for (name, call) in module.get("module_calls").and_then(Json::as_object).into_iter().flatten() {
            if let Some(m) = call.get("module") {
                walk(m, &format!("{prefix}module.{name}."), f, depth + 1);
            }
        }
    }
    if let Some(root) = doc.get("configuration").and_then(|c| c.get("root_module")) {
        walk(root, "", f, 0);
    }
}

/// The provisioners of the configuration's resources: config address → `(type, expressions)`
/// in order. They run on the machine of the apply and are in no planned value.
pub(super) fn config_provisioners(doc: &serde_json::Map<String, Json>) -> HashMap<String, Vec<(String, Json)>> {
    let mut out = HashMap::new();
    each_config_module(doc, &mut |module, prefix| {
        for r in module.get("resources").and_then(Json::as_array).into_iter().flatten() {
            let (Some(addr), Some(list)) =
                (r.get("address").and_then(Json::as_str), r.get("provisioners").and_then(Json::as_array))
            else {
                continue;
            };
            let found: Vec<(String, Json)> = list
                .iter()
                .filter_map(|p| {
                    let ty = p.get("type").and_then(Json::as_str)?;
                    Some((ty.to_owned(), p.get("expressions").cloned().unwrap_or(Json::Null)))
                })
                .collect();
            out.insert(format!("{prefix}{addr}"), found);
        }
    });
    out
}

/// `configuration.root_module` flattened: config address → `expressions`.
pub(super) fn config_expressions(doc: &serde_json::Map<String, Json>) -> HashMap<String, Json> {
    let mut out = HashMap::new();
    each_config_module(doc, &mut |module, prefix| {
        for r in module.get("resources").and_then(Json::as_array).into_iter().flatten() {
            if let (Some(addr), Some(e)) = (r.get("address").and_then(Json::as_str), r.get("expressions")) {
                out.insert(format!("{prefix}{addr}"), e.clone());
            }
        }
        for (name, o) in module.get("outputs").and_then(Json::as_object).into_iter().flatten() {
            out.insert(format!("{prefix}output.{name}"), output_expressions(o));
        }
    });
    // Provider configurations, at the addresses `configuration_items` gives them.
    let config = doc.get("configuration");
    for p in
        config.and_then(|c| c.get("provider_config")).and_then(Json::as_object).into_iter().flat_map(|m| m.values())
    {
        if let (Some(_), Some(exprs)) = (p.get("name").and_then(Json::as_str), p.get("expressions")) {
            out.insert(provider_address(p), exprs.clone());
        }
    }
    out
}

/// A provider configuration's address among the items: `module.a.provider.NAME.ALIAS`.
fn provider_address(p: &Json) -> String {
    let name = p.get("name").and_then(Json::as_str).unwrap_or("");
    let modules = module_names(p.get("module_address").and_then(Json::as_str).unwrap_or(""));
    let mut address = format!("{}provider.{name}", module_prefix(&modules));
    if let Some(a) = p.get("alias").and_then(Json::as_str) {
        address.push_str(&format!(".{a}"));
    }
    address
}

/// What an unknown value refers to, from its configuration expression: its reference
/// (`google_service_account.x.email`) as a traversal the rules can read, or, when it names
/// several things (a template such as `"--password ${x.value} --tenant ${y.id}"`), all of them
/// as the interpolations of a template. Terraform also lists the object of each attribute it
/// references (`x.value`, then `x`): those prefixes add nothing.
pub(super) fn reference_expr(e: &Json) -> Option<ExprKind> {
    let refs: Vec<&str> = e.get("references")?.as_array()?.iter().filter_map(Json::as_str).collect();
    let distinct: Vec<&str> = refs
        .iter()
        .enumerate()
        .filter(|(i, r)| {
            !refs.iter().any(|o| o.len() > r.len() && o.starts_with(**r) && o[r.len()..].starts_with(['.', '[']))
                && !refs[..*i].contains(r)
        })
        .map(|(_, r)| *r)
        .collect();
    let parse = |r: &str| {
        let body = crate::syntax::parse_hcl(&format!("v = {r}")).ok()?;
        let expr = body.attrs.into_iter().next()?.expr;
        matches!(expr.kind, ExprKind::Traversal(..) | ExprKind::Var(_)).then_some(expr)
    };
    match distinct.as_slice() {
        [] => None,
        [one] => parse(one).map(|x| x.kind),
        _ if distinct.len() <= 32 => {
            let parts: Vec<TemplatePart> = distinct.iter().filter_map(|r| parse(r)).map(TemplatePart::Interp).collect();
            (!parts.is_empty()).then_some(ExprKind::Template(parts))
        }
        _ => parse(distinct[0]).map(|x| x.kind),
    }
}

/// A configuration expression object (`{"constant_value": …}` / `{"references": […]}`, or
/// nested blocks of them) as planned values: constants known, references unknown.
pub(super) fn expression_values(e: &Json) -> (Json, Json) {
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
pub(super) fn configuration_items(doc: &serde_json::Map<String, Json>) -> Vec<Instance> {
    let mut out = Vec::new();
    let Some(config) = doc.get("configuration") else { return out };
    for p in config.get("provider_config").and_then(Json::as_object).into_iter().flat_map(|m| m.values()) {
        let (Some(name), Some(exprs)) = (p.get("name").and_then(Json::as_str), p.get("expressions")) else {
            continue;
        };
        let modules = module_names(p.get("module_address").and_then(Json::as_str).unwrap_or(""));
        let alias = p.get("alias").and_then(Json::as_str);
        let address = provider_address(p);
        let exprs = if modules.is_empty() { with_root_variables(name, exprs, doc) } else { exprs.clone() };
        let mut it = config_item(Kind::Provider, modules, name, alias.unwrap_or(""), address, &exprs);
        if let (Some(a), Json::Object(after)) = (alias, &mut it.after) {
            after.insert("alias".to_owned(), Json::String(a.to_owned()));
        }
        out.push(it);
    }
    fn calls(module: &Json, modules: &[String], out: &mut Vec<Instance>, depth: usize) {
        if depth > 16 {
            return;
        }
        let prefix = module_prefix(modules);
        // A variable's default is written in the code, whatever value the plan was given.
        for (name, v) in module.get("variables").and_then(Json::as_object).into_iter().flatten() {
            let Some(default) = v.get("default") else { continue };
            let mut exprs = serde_json::Map::new();
            exprs.insert("default".to_owned(), serde_json::json!({ "constant_value": default }));
            if let Some(sensitive) = v.get("sensitive") {
                exprs.insert("sensitive".to_owned(), serde_json::json!({ "constant_value": sensitive }));
            }
            let address = format!("{prefix}var.{name}");
            out.push(config_item(Kind::Variable, modules.to_vec(), "", name, address, &Json::Object(exprs)));
        }
        for (name, o) in module.get("outputs").and_then(Json::as_object).into_iter().flatten() {
            let address = format!("{prefix}output.{name}");
            out.push(config_item(Kind::Output, modules.to_vec(), "", name, address, &output_expressions(o)));
        }
        for (name, call) in module.get("module_calls").and_then(Json::as_object).into_iter().flatten() {
            let address = format!("{prefix}module.{name}");
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

/// A root provider configuration's arguments that are a root variable and nothing else
/// (`role = var.snowflake_role`), given the value the plan holds for it, as a constant: the
/// provider is configured with it. Not sensitive variables, nor credential arguments: those
/// stay references, which is what the rules on credentials judge.
fn with_root_variables(provider: &str, exprs: &Json, doc: &serde_json::Map<String, Json>) -> Json {
    use crate::facts::secrets::{is_credential_key, provider_credential_arg};
    let Json::Object(args) = exprs else { return exprs.clone() };
    let declared = doc.get("configuration").and_then(|c| c.get("root_module")).and_then(|m| m.get("variables"));
    let given = doc.get("variables");
    let mut out = args.clone();
    for (k, e) in args {
        if is_credential_key(k) || provider_credential_arg(provider) == Some(k.as_str()) {
            continue;
        }
        let refs: Vec<&str> =
            e.get("references").and_then(Json::as_array).into_iter().flatten().filter_map(Json::as_str).collect();
        let [only] = refs.as_slice() else { continue };
        let Some(var) = only.strip_prefix("var.").filter(|v| !v.contains(['.', '['])) else { continue };
        let sensitive = declared.and_then(|d| d.get(var)).and_then(|v| v.get("sensitive")) == Some(&Json::Bool(true));
        if let Some(value) = given.and_then(|g| g.get(var)).and_then(|v| v.get("value")).filter(|_| !sensitive) {
            out.insert(k.clone(), serde_json::json!({ "constant_value": value }));
        }
    }
    Json::Object(out)
}

/// An output of the configuration as expressions of a block: its `value` expression and its
/// `sensitive` flag as a constant.
fn output_expressions(o: &Json) -> Json {
    let mut exprs = serde_json::Map::new();
    exprs.insert("value".to_owned(), o.get("expression").cloned().unwrap_or(Json::Null));
    let sensitive = o.get("sensitive").and_then(Json::as_bool).unwrap_or(false);
    exprs.insert("sensitive".to_owned(), serde_json::json!({ "constant_value": sensitive }));
    Json::Object(exprs)
}

/// One configuration item with its expressions as values.
pub(super) fn config_item(
    kind: Kind,
    modules: Vec<String>,
    ty: &str,
    name: &str,
    address: String,
    exprs: &Json,
) -> Instance {
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

/// Whether a configuration expression (or any expression nested in a block) refers to
/// something.
pub(super) fn has_references(e: &Json) -> bool {
    match e {
        Json::Object(o) => {
            o.get("references").and_then(Json::as_array).is_some_and(|r| !r.is_empty())
                || o.iter().any(|(k, v)| k != "constant_value" && has_references(v))
        }
        Json::Array(a) => a.iter().any(has_references),
        _ => false,
    }
}

/// The data sources (`data.TYPE.NAME`) a configuration expression, or any expression nested in
/// a block, refers to.
pub(super) fn data_sources_read(e: &Json, out: &mut BTreeSet<String>) {
    match e {
        Json::Object(o) => {
            for r in o.get("references").and_then(Json::as_array).into_iter().flatten().filter_map(Json::as_str) {
                let parts: Vec<&str> = r.splitn(4, '.').collect();
                if parts.len() >= 3 && parts[0] == "data" {
                    out.insert(parts[..3].join("."));
                }
            }
            o.iter().filter(|(k, _)| *k != "constant_value").for_each(|(_, v)| data_sources_read(v, out));
        }
        Json::Array(a) => a.iter().for_each(|v| data_sources_read(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::with_root_variables;
    use serde_json::json;

    #[test]
    fn a_root_variable_becomes_the_provider_argument_unless_it_is_a_credential_or_sensitive() {
        let doc = json!({
            "variables": {
                "role": { "value": "ACCOUNTADMIN" },
                "auth": { "value": "admin:hunter2" },
                "token": { "value": "t0ken" },
                "region": { "value": "eu-west-1" }
            },
            "configuration": { "root_module": { "variables": {
                "role": {}, "auth": {}, "token": {}, "region": { "sensitive": true }
            } } }
        });
        let doc = doc.as_object().unwrap();
        let exprs = json!({
            "role": { "references": ["var.role"] },
            "auth": { "references": ["var.auth"] },
            "token": { "references": ["var.token"] },
            "region": { "references": ["var.region"] }
        });
        let out = with_root_variables("grafana", &exprs, doc);
        assert_eq!(out["role"], json!({ "constant_value": "ACCOUNTADMIN" }));
        // Grafana's `auth` and any credential-named argument stay references.
        assert_eq!(out["auth"], exprs["auth"]);
        assert_eq!(out["token"], exprs["token"]);
        // So does a sensitive variable's value.
        assert_eq!(out["region"], exprs["region"]);
    }
}
