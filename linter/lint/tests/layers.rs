//! The linter's modules form layers that import one way only (see `src/lib.rs`): a module may
//! use its own layer's modules and the layers below, never one above. This test reads every
//! source file's `crate::` paths, so a back-edge fails here instead of growing into a circle.

use std::collections::BTreeMap;
use std::path::Path;

/// Top-level modules by layer, bottom first. Modules of one layer may use each other only when
/// they are the same top-level module (its submodules).
const LAYERS: &[&[&str]] = &[
    &["span"],
    &["syntax"],
    &["eval"],
    &["query"],
    &["facts"],
    &["rule"],
    &["rules"],
    &["codes", "coverage"],
    &["report", "settings"],
    &["pipeline", "baseline", "config"],
    &["plan"],
    &["lib"],
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The top-level module a source file belongs to (`src/syntax/hcl.rs` → `syntax`).
fn top_module(rel: &Path) -> String {
    let first = rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
    first.trim_end_matches(".rs").to_owned()
}

/// The top-level modules a source text names through `crate::`, outside `#[cfg(test)]` code.
fn imports(text: &str) -> Vec<(usize, String)> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut out = Vec::new();
    for (i, line) in code.lines().enumerate() {
        let l = line.trim_start();
        if l.starts_with("//") {
            continue;
        }
        let mut rest = l;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    let name: String = item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    out.push((i + 1, name));
                }
            } else {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                out.push((i + 1, name));
            }
        }
    }
    out
}

#[test]
fn modules_import_only_their_own_layer_and_below() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("src is readable").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() > 40, "the walk found the sources ({} files)", files.len());
    let mut problems = Vec::new();
    let mut edges: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let rel = f.strip_prefix(&src).expect("under src");
        let me = top_module(rel);
        let Some(my_rank) = rank(&me) else {
            problems.push(format!("{}: module `{me}` is in no layer; add it to LAYERS", rel.display()));
            continue;
        };
        let text = std::fs::read_to_string(f).expect("readable");
        for (line, used) in imports(&text) {
            // Re-exports at the crate root (`crate::Config`) count as the root itself.
            let used_rank =
                rank(&used).or_else(|| used.starts_with(char::is_uppercase).then(|| rank("lib").unwrap_or(0)));
            let Some(used_rank) = used_rank else {
                problems.push(format!("{}:{line}: `crate::{used}` is in no layer", rel.display()));
                continue;
            };
            if used != me {
                edges.entry(me.clone()).or_default().insert(used.clone());
            }
            if used_rank > my_rank || (used_rank == my_rank && used != me) {
                problems.push(format!(
                    "{}:{line}: `{me}` (layer {my_rank}) uses `crate::{used}` (layer {used_rank}): imports must point down",
                    rel.display()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "layering violations:\n{}", problems.join("\n"));
    // With every edge pointing down, there is no circle; say so explicitly as well.
    for (from, tos) in &edges {
        for to in tos {
            assert!(!edges.get(to).is_some_and(|back| back.contains(from)), "{from} and {to} import each other");
        }
    }
}

#[test]
fn the_import_scanner_sees_grouped_and_inline_paths() {
    let text = "use crate::{eval, span::Span};\nlet x = crate::syntax::address_of(b);\n// crate::plan in a comment\n#[cfg(test)]\nuse crate::plan;";
    let names: Vec<String> = imports(text).into_iter().map(|(_, n)| n).collect();
    assert_eq!(names, vec!["eval", "span", "syntax"]);
}
