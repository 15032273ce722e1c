//! Mapping plan findings back onto the HCL under the configuration directory: the block an
//! item comes from, and the narrowest span for an attribute path of a planned value.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value as Json;

use super::model::mask_in_place;
use super::{Instance, Kind};
use crate::pipeline;
use crate::span::Span;
use crate::syntax::{Block, Expr, ExprKind, SourceFile};

/// The HCL under the configuration directory, parsed on demand per module directory.
pub(super) struct Tree<'s> {
    root: Option<PathBuf>,
    pub(super) files: Vec<Arc<SourceFile>>,
    dirs: HashMap<PathBuf, Vec<usize>>,
    secrets: &'s BTreeSet<String>,
}

impl<'s> Tree<'s> {
    pub(super) fn new(root: Option<&Path>, secrets: &'s BTreeSet<String>) -> Self {
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
    pub(super) fn find(&mut self, inst: &Instance) -> Option<(usize, &Block)> {
        let mut dir = self.root.clone()?;
        for m in &inst.modules {
            let ids = self.dir(&dir);
            let next = ids.iter().find_map(|&i| {
                let f = &self.files[i];
                f.body
                    .blocks("module")
                    .find(|b| b.labels.first().map(String::as_str) == Some(m.as_str()))
                    .and_then(Block::local_source)
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
            Kind::Data => b.ident == "data" && label(b, 0) == inst.ty && label(b, 1) == inst.name,
            Kind::Variable => b.ident == "variable" && label(b, 0) == inst.name,
            Kind::Provider => {
                let alias = b.body.attr("alias").and_then(|a| a.expr.as_str()).unwrap_or("");
                b.ident == "provider" && label(b, 0) == inst.ty && alias == inst.name
            }
            Kind::ModuleCall => b.ident == "module" && label(b, 0) == inst.name,
            Kind::Output => b.ident == "output" && label(b, 0) == inst.name,
        };
        ids.into_iter().find_map(|i| files[i].body.blocks.iter().find(|b| matches(b)).map(|b| (i, b)))
    }
}

impl Tree<'_> {
    /// The parsed files of the module (directory) that `file` belongs to.
    pub(super) fn module_of(&self, file: usize) -> Vec<&SourceFile> {
        let dir = pipeline::parent(&self.files[file].path);
        let ids = self.dirs.get(&dir).map(Vec::as_slice).unwrap_or_default();
        ids.iter().map(|&i| &*self.files[i]).collect()
    }
}

/// The narrowest HCL span for an attribute path of a planned value: the attribute, the nested
/// block, the list element; the block header when the attribute is not written there.
pub(super) fn locate_in_block(block: &Block, path: &[String], after: &Json) -> Span {
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

pub(super) fn narrow(e: &Expr, rest: &[String], value: &Json) -> Span {
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
            let found = fields.iter().find(|(k, _)| k.name() == Some(step.as_str()));
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
    use crate::plan::model::mask;
    use crate::plan::read::module_names;

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
