//! Reference documentation generated from the schemas, so the docs cannot drift from the code.
//! `cargo test -p terraform-provider-nhi --test docs` checks `docs/` is current; run it with
//! `UPDATE_DOCS=1` to rewrite the pages.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use tfplugin::{Attribute, AttributeMode, Block, Function, Provider, Schema, Type};

use crate::NhiProvider;

fn type_name(t: &Type) -> String {
    match t {
        Type::Bool => "Boolean".into(),
        Type::Number => "Number".into(),
        Type::String => "String".into(),
        Type::Dynamic => "Dynamic".into(),
        Type::List(e) => format!("List of {}", type_name(e)),
        Type::Set(e) => format!("Set of {}", type_name(e)),
        Type::Map(e) => format!("Map of {}", type_name(e)),
        Type::Object(_) => "Object".into(),
        Type::Tuple(_) => "Tuple".into(),
    }
}

fn attribute_line(a: &Attribute) -> String {
    let mut flags = vec![type_name(&a.ty)];
    if a.sensitive {
        flags.push("Sensitive".into());
    }
    if a.write_only {
        flags.push("Write-only".into());
    }
    format!("- `{}` ({}) {}\n", a.name, flags.join(", "), a.description)
}

fn block_section(out: &mut String, block: &Block, heading: &str) {
    type Pick = fn(AttributeMode) -> bool;
    let groups: [(&str, Pick); 3] = [
        ("Required", |m| m == AttributeMode::Required),
        ("Optional", |m| matches!(m, AttributeMode::Optional | AttributeMode::OptionalComputed)),
        ("Read-only", |m| m == AttributeMode::Computed),
    ];
    for (title, pick) in groups {
        let attrs: Vec<&Attribute> = block.attributes.iter().filter(|a| pick(a.mode)).collect();
        if attrs.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{heading} {title}\n");
        for a in attrs {
            out.push_str(&attribute_line(a));
        }
        out.push('\n');
    }
    for nested in &block.blocks {
        let _ = writeln!(out, "{heading} Nested block `{}`\n", nested.name);
        if !nested.block.description.is_empty() {
            let _ = writeln!(out, "{}\n", nested.block.description);
        }
        block_section(out, &nested.block, &format!("{heading}#"));
    }
}

/// The YAML front matter the Terraform Registry reads from every page.
fn front_matter(page_title: &str, description: &str) -> String {
    let mut out = format!("---\npage_title: \"{page_title}\"\nsubcategory: \"\"\ndescription: |-\n");
    for line in description.lines() {
        let _ = writeln!(out, "  {line}");
    }
    out.push_str("---\n\n");
    out
}

fn page(title: &str, page_title: &str, schema: &Schema, example: Option<&str>, import: Option<&str>) -> String {
    let mut out = front_matter(page_title, &schema.block.description);
    let _ = write!(out, "# {title}\n\n{}\n\n", schema.block.description);
    if let Some(ex) = example {
        let _ = write!(out, "## Example Usage\n\n```hcl\n{}```\n\n", ex);
    }
    out.push_str("## Schema\n\n");
    block_section(&mut out, &schema.block, "###");
    if let Some(imp) = import {
        let _ = write!(out, "## Import\n\n```shell\n{}```\n", imp);
    }
    format!("{}\n", out.trim_end())
}

fn function_page(f: &dyn Function, example: Option<&str>) -> String {
    let sig = f.signature();
    let params: Vec<String> =
        sig.parameters.iter().map(|p| format!("{} {}", p.name, type_name(&p.ty).to_lowercase())).collect();
    let mut out = front_matter(&format!("{} function - nhi", f.name()), &sig.summary);
    let _ = write!(out, "# provider::nhi::{}\n\n{}\n\n", f.name(), sig.summary);
    if let Some(ex) = example {
        let _ = write!(out, "## Example Usage\n\n```hcl\n{ex}```\n\n");
    }
    let _ = write!(
        out,
        "## Signature\n\n```text\n{name}({}) {}\n```\n\n{}\n\n## Arguments\n\n",
        params.join(", "),
        type_name(&sig.returns).to_lowercase(),
        sig.description,
        name = f.name()
    );
    for p in &sig.parameters {
        let _ = writeln!(out, "1. `{}` ({}) {}", p.name, type_name(&p.ty), p.description);
    }
    out
}

/// Every page, keyed by its path under `docs/`. `examples` maps example paths (relative to the
/// repository's `examples/`) to their contents.
pub fn pages(examples: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let p = NhiProvider::new();
    let ex = |path: &str| examples.get(path).map(String::as_str);
    let mut out = BTreeMap::new();
    out.insert(
        "index.md".to_owned(),
        page("nhi Provider", "Provider: nhi", &p.schema(), ex("provider/provider.tf"), None),
    );
    for r in p.resources() {
        let name = r.type_name();
        let short = name.trim_start_matches("nhi_");
        let body = page(
            &format!("{name} (Resource)"),
            &format!("{name} Resource - nhi"),
            &r.schema(),
            ex(&format!("resources/{name}/resource.tf")),
            ex(&format!("resources/{name}/import.sh")),
        );
        out.insert(format!("resources/{short}.md"), body);
    }
    for d in p.data_sources() {
        let name = d.type_name();
        let short = name.trim_start_matches("nhi_");
        let body = page(
            &format!("{name} (Data Source)"),
            &format!("{name} Data Source - nhi"),
            &d.schema(),
            ex(&format!("data-sources/{name}/data-source.tf")),
            None,
        );
        out.insert(format!("data-sources/{short}.md"), body);
    }
    for e in p.ephemeral_resources() {
        let name = e.type_name();
        let short = name.trim_start_matches("nhi_");
        let body = page(
            &format!("{name} (Ephemeral Resource)"),
            &format!("{name} Ephemeral Resource - nhi"),
            &e.schema(),
            ex(&format!("ephemeral-resources/{name}/ephemeral-resource.tf")),
            None,
        );
        out.insert(format!("ephemeral-resources/{short}.md"), body);
    }
    for f in p.functions() {
        let example = ex(&format!("functions/{}/function.tf", f.name()));
        out.insert(format!("functions/{}.md", f.name()), function_page(f.as_ref(), example));
    }
    out
}
