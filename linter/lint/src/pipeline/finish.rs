//! The end of every run, `check` and `plan` alike: one finding per source block and code,
//! inline suppressions applied, suppression comments judged by the rules that judge them,
//! metadata stamped, and one order.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;

use crate::codes::{self, Entry};
use crate::report::Finding;
use crate::rule::{RawFinding, SuppressionFacts};
use crate::settings::Settings;
use crate::syntax::SourceFile;
use crate::syntax::suppress::{self, Suppression};

use super::RuleSet;

/// Whether suppression comments are themselves judged (reason, expiry, unknown and unused
/// codes). A plan's findings are mapped onto only part of the HCL, so "unused" means nothing
/// there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hygiene {
    Judge,
    Skip,
}

/// Turns raw findings into the report's findings. `located` findings index `files`;
/// `unlocated` ones have only an address and are shown under `unlocated_path` (a plan linted
/// without its HCL).
pub fn finish(
    located: Vec<RawFinding>,
    unlocated: Vec<RawFinding>,
    unlocated_path: &str,
    files: &[Arc<SourceFile>],
    settings: &Settings,
    rules: &RuleSet<'_>,
    hygiene: Hygiene,
) -> Vec<Finding> {
    // One finding per source block and code: calls of one module collapse onto the block.
    // Blocks with one address (two `provider "aws"` without alias) stay apart.
    // Of several, the one that points into the block (an input of a call) rather than at its
    // header says more: it wins, then the shortest address, then the first place.
    let mut best: BTreeMap<(usize, String, &'static str, Option<usize>), RawFinding> = BTreeMap::new();
    fn rank<'f>(f: &'f RawFinding, files: &[Arc<SourceFile>], block: Option<usize>) -> (bool, usize, &'f str, usize) {
        let at_header =
            block.and_then(|b| files.get(f.file)?.block_starts.get(b)).is_some_and(|start| *start == f.span.start);
        (at_header, f.address.len(), &f.address, f.span.start)
    }
    for f in located {
        let block = files.get(f.file).and_then(|file| file.block_at(f.span.start));
        let k = (f.file, f.key.clone(), f.code, block);
        match best.get(&k) {
            Some(old) if rank(old, files, block) <= rank(&f, files, block) => {}
            _ => {
                best.insert(k, f);
            }
        }
    }
    let mut by_file: BTreeMap<usize, Vec<RawFinding>> = BTreeMap::new();
    for (_, f) in best {
        by_file.entry(f.file).or_default().push(f);
    }
    let today = jiff::tz::Offset::UTC.to_datetime(settings.now).date();
    let work: Vec<(usize, Vec<RawFinding>)> =
        (0..files.len()).map(|id| (id, by_file.remove(&id).unwrap_or_default())).collect();
    let one =
        |(id, found): (usize, Vec<RawFinding>)| finish_file(id, &files[id], found, today, settings, rules, hygiene);
    let mut out: Vec<Finding> = if work.len() > 1 {
        work.into_par_iter().flat_map_iter(one).collect()
    } else {
        work.into_iter().flat_map(one).collect()
    };
    for r in unlocated {
        let Some(entry) = codes::find(r.code) else { continue };
        out.push(stamp_unlocated(r, entry, unlocated_path.to_owned(), settings));
    }
    out.sort_by(|a, b| (&a.path, a.start, a.code, &a.address).cmp(&(&b.path, b.start, b.code, &b.address)));
    out
}

/// Suppressions and stamping for one file.
fn finish_file(
    id: usize,
    file: &SourceFile,
    found: Vec<RawFinding>,
    today: Date,
    settings: &Settings,
    rules: &RuleSet<'_>,
    hygiene: Hygiene,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let sups = suppress::parse(&file.text);
    let in_place = |s: &Suppression| !s.file_level || s.span.start < file.first_block;
    let mut used = vec![false; sups.len()];
    let valid: Vec<bool> = sups
        .iter()
        .map(|s| s.reason.is_some() && matches!(&s.until, Some(Ok(d)) if *d >= today) && in_place(s))
        .collect();
    for f in found {
        let Some(entry) = codes::find(f.code) else { continue };
        let line = file.line_of(f.span.start);
        let mut suppressed = false;
        if settings.ignorable(entry) {
            for (i, s) in sups.iter().enumerate() {
                let names_it = s.codes.iter().any(|c| c == entry.code || c == entry.rule.meta().name);
                if names_it && s.covers_line(line) && in_place(s) {
                    used[i] = true;
                    suppressed |= valid[i];
                }
            }
        }
        if !suppressed {
            out.push(stamp(f, entry, file, settings));
        }
    }
    if hygiene == Hygiene::Skip {
        return out;
    }
    for (s, used) in sups.iter().zip(used) {
        let facts = SuppressionFacts {
            suppression: s,
            used,
            today,
            codes: s.codes.iter().map(|c| (c.as_str(), codes::status(c))).collect(),
            all_enabled: !s.codes.is_empty()
                && s.codes.iter().all(|c| codes::find(c).is_some_and(|e| settings.enabled(e))),
        };
        for entry in rules.entries() {
            let Some(judged) = entry.rule.check_suppression(&facts) else { continue };
            let raw = RawFinding {
                code: entry.code,
                file: id,
                span: s.span.clone(),
                message: judged.message,
                help: judged.help,
                address: format!("line {}", s.line),
                key: String::new(),
            };
            out.push(stamp(raw, entry, file, settings));
        }
    }
    out
}

fn stamp(f: RawFinding, entry: &Entry, file: &SourceFile, settings: &Settings) -> Finding {
    let (start, end, id) = (file.position(f.span.start), file.position(f.span.end), f.file);
    let mut out = stamp_unlocated(f, entry, file.path.display().to_string(), settings);
    (out.start, out.end, out.file) = (Some(start), Some(end), Some(id));
    out
}

/// A finding whose only location is its address (and the file it was read from).
fn stamp_unlocated(f: RawFinding, entry: &Entry, path: String, settings: &Settings) -> Finding {
    let meta = entry.rule.meta();
    Finding {
        code: entry.code,
        name: meta.name,
        category: meta.category,
        severity: settings.severity_of(entry),
        message: f.message,
        path,
        start: None,
        end: None,
        address: f.address,
        help: f.help,
        url: codes::docs_url(&settings.docs_base, entry.code),
        instances: Vec::new(),
        action: None,
        preexisting: None,
        file: None,
        span: f.span,
    }
}
