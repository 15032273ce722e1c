//! Files as the engine holds them: text, parsed tree, and a line index for positions.

use std::path::PathBuf;

use super::hcl::{MAX_NESTING, too_deep};
use super::{Block, Body, SyntaxError, parse_hcl, parse_tf_json, parse_tfvars_json, recover_blocks};
use crate::span::{LineIndex, Position};

#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown to users (relative when given relative).
    pub path: PathBuf,
    pub text: String,
    pub body: Body,
    /// Line starts, computed when a position is first needed.
    lines: std::sync::OnceLock<LineIndex>,
    /// Offset of the first block: file-level suppressions must come before it.
    pub first_block: usize,
    /// Where each top-level block starts, in order: which block a finding is in, after the
    /// tree is released.
    pub block_starts: Vec<usize>,
    /// The text the parser could not read, when the file has a syntax error: the whole file,
    /// or what lies outside the blocks recovered from it.
    pub unread: Vec<std::ops::Range<usize>>,
}

impl SourceFile {
    /// Parses `text` as HCL, or as JSON when the path ends in `.json`. A file that does not
    /// parse comes back empty, with the error.
    pub fn parse(path: PathBuf, text: String) -> (Self, Option<SyntaxError>) {
        let is_json = path.extension().is_some_and(|e| e == "json");
        let result = if let Some(off) = too_deep(&text) {
            Err(SyntaxError { message: format!("nesting deeper than {MAX_NESTING} levels"), offset: off })
        } else if is_json && is_var_file(&path) {
            parse_tfvars_json(&text)
        } else if is_json {
            parse_tf_json(&text)
        } else {
            parse_hcl(&text)
        };
        let (body, err) = match result {
            Ok(body) => (body, None),
            // One malformed (or too deeply nested) block should not hide the others: parse
            // block by block.
            Err(e) if !is_json => recover_blocks(&text, e),
            Err(e) => (Body::default(), Some(e)),
        };
        let mut file = Self::synthetic(path, text, body);
        if err.is_some() {
            file.unread = file.outside_the_tree();
        }
        (file, err)
    }

    /// The byte ranges no top-level block or attribute of the tree covers.
    fn outside_the_tree(&self) -> Vec<std::ops::Range<usize>> {
        let mut covered: Vec<std::ops::Range<usize>> = self
            .body
            .blocks
            .iter()
            .map(|b| b.span.clone())
            .chain(self.body.attrs.iter().map(|a| a.span.clone()))
            .collect();
        covered.sort_by_key(|r| r.start);
        let mut out = Vec::new();
        let mut at = 0;
        for r in covered {
            if r.start > at {
                out.push(at..r.start);
            }
            at = at.max(r.end);
        }
        if at < self.text.len() {
            out.push(at..self.text.len());
        }
        out
    }

    /// Drops the syntax tree once the rules are done; text and positions stay for printing.
    pub fn release_tree(&mut self) {
        self.body = Body::default();
    }

    /// A file from its text and syntax tree: parsed above, or built from something other than
    /// text (a planned resource), where `text` is what may be shown and `body` what rules see.
    pub fn synthetic(path: PathBuf, text: String, body: Body) -> Self {
        let mut block_starts: Vec<usize> = body.blocks.iter().map(|b| b.span.start).collect();
        block_starts.sort_unstable();
        let first_block = block_starts.first().copied().unwrap_or(usize::MAX);
        Self { path, text, body, lines: Default::default(), first_block, block_starts, unread: Vec::new() }
    }

    /// The index of the top-level block an offset is in (the last block starting at or before
    /// it); `None` before the first block.
    pub fn block_at(&self, offset: usize) -> Option<usize> {
        self.block_starts.partition_point(|s| *s <= offset).checked_sub(1)
    }

    pub fn position(&self, offset: usize) -> Position {
        self.lines.get_or_init(|| LineIndex::new(&self.text)).position(&self.text, offset)
    }

    /// The one-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.position(offset).line
    }

    /// The Terraform address of a top-level block, without module prefix.
    pub fn address_of(&self, b: &Block) -> String {
        address_of(b)
    }
}

/// The Terraform address of a top-level block, without module prefix.
/// Whether a file sets variables (`.tfvars`, `.tfvars.json`) rather than declaring a module.
pub fn is_var_file(path: &std::path::Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".tfvars") || name.ends_with(".tfvars.json")
}

pub fn address_of(b: &Block) -> String {
    let l = |i: usize| b.labels.get(i).map_or("", String::as_str);
    match b.ident.as_str() {
        "resource" => format!("{}.{}", l(0), l(1)),
        "data" => format!("data.{}.{}", l(0), l(1)),
        "ephemeral" => format!("ephemeral.{}.{}", l(0), l(1)),
        "variable" => format!("var.{}", l(0)),
        "module" => format!("module.{}", l(0)),
        "output" => format!("output.{}", l(0)),
        "provider" => match b.body.attr("alias").and_then(|a| a.expr.as_str()) {
            Some(alias) => format!("provider.{}.{alias}", l(0)),
            None => format!("provider.{}", l(0)),
        },
        "locals" => "locals".to_owned(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let (f, err) = SourceFile::parse("a.tf".into(), "a = \"é\"\nb = 2\n".into());
        assert!(err.is_none());
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(f.text.find('b').unwrap()), Position { line: 2, column: 1 });
        let after = f.text.find('é').unwrap() + 'é'.len_utf8();
        assert_eq!(f.position(after), Position { line: 1, column: 7 });
    }

    #[test]
    fn deep_nesting_is_a_syntax_error() {
        let text = format!("a = {}", "[".repeat(5000));
        assert!(SourceFile::parse("a.tf".into(), text).1.is_some());
    }

    #[test]
    fn a_block_nested_too_deeply_does_not_hide_the_others() {
        let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
        let text = format!("locals {{\n  x = {deep}\n}}\nresource \"a\" \"b\" {{\n  k = 1\n}}\n");
        let (f, err) = SourceFile::parse("a.tf".into(), text);
        let err = err.expect("the deep block is an error");
        assert!(err.message.contains("nesting deeper than 200 levels"), "{}", err.message);
        assert!(err.message.contains("1 block was skipped, the other 1 checked"), "{}", err.message);
        assert_eq!(f.body.blocks.len(), 1);
        assert_eq!(f.body.blocks[0].ident, "resource");
    }
}
