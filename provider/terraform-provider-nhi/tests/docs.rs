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
