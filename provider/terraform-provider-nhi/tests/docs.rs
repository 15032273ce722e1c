//! The reference pages in `docs/` are generated from the schemas and the `examples/` files.
//! This test fails when they are stale; `UPDATE_DOCS=1` rewrites them.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use nhi_testkit::workspace_root;

fn read_examples(dir: &Path, base: &Path, out: &mut BTreeMap<String, String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            read_examples(&path, base, out);
        } else {
            let rel = path.strip_prefix(base).unwrap().to_string_lossy().into_owned();
            out.insert(rel, fs::read_to_string(&path).unwrap());
        }
    }
}

#[test]
fn docs_are_generated_from_the_schemas() {
    let root = workspace_root();
    let mut examples = BTreeMap::new();
    read_examples(&root.join("examples"), &root.join("examples"), &mut examples);
    let pages = terraform_provider_nhi::docs::pages(&examples);
    assert!(pages.contains_key("resources/service_account.md"));
    assert!(pages["resources/service_account.md"].contains("- `owner` (String)"));
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let mut stale = Vec::new();
    for (rel, body) in &pages {
        let path = root.join("docs").join(rel);
        if update {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, body).unwrap();
        } else if fs::read_to_string(&path).ok().as_deref() != Some(body.as_str()) {
            stale.push(rel.clone());
        }
    }
    assert!(
        stale.is_empty(),
        "stale docs: {stale:?}; run `UPDATE_DOCS=1 cargo test -p terraform-provider-nhi --test docs`"
    );
}

/// The Terraform Registry's layout: only provider pages under `docs/`, each with front matter,
/// and an example for every resource, data source and function.
#[test]
fn docs_follow_the_registry_layout() {
    let root = workspace_root();
    let docs = root.join("docs");
    let mut files = Vec::new();
    let mut stack = vec![docs.clone()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { stack.push(path) } else { files.push(path) }
        }
    }
    assert!(files.len() >= 4, "{files:?}");
    for path in files {
        let rel = path.strip_prefix(&docs).unwrap().to_string_lossy().into_owned();
        let allowed = rel == "index.md"
            || ["resources/", "data-sources/", "functions/", "guides/", "ephemeral-resources/"]
                .iter()
                .any(|d| rel.starts_with(d) && rel.ends_with(".md") && !rel[d.len()..].contains('/'));
        assert!(allowed, "docs/{rel} is not a provider page the registry accepts");
        let text = fs::read_to_string(&path).unwrap();
        let front = text.strip_prefix("---\n").and_then(|t| t.split_once("\n---\n")).map(|(f, _)| f);
        let front = front.unwrap_or_else(|| panic!("docs/{rel} has no front matter"));
        for key in ["page_title:", "subcategory:", "description:"] {
            assert!(front.lines().any(|l| l.starts_with(key)), "docs/{rel} front matter lacks {key}");
        }
        let needs_example = !rel.starts_with("guides/");
        assert!(!needs_example || text.contains("## Example Usage"), "docs/{rel} has no example");
    }
}
