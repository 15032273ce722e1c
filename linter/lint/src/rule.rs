//! What a rule is ([`Rule`], [`RuleMeta`]) and what it works with ([`Ctx`]): the module's
//! blocks and values (query layer), shared facts, the lifetime policy and "now". Rules report
//! a message, the narrowest span and a help sentence; code, severity, URL and suppressions are
//! added by the pipeline.

use jiff::civil::Date;
use nhi_core::{Policy, Timestamp};
use serde::{Deserialize, Serialize};

use crate::facts::Facts;
use crate::query::{Item, ModuleView, OutputKind, Presence};
use crate::span::Span;
use crate::syntax::SourceFile;
use crate::syntax::suppress::Suppression;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    StaticCredential,
    ExcessiveScope,
    MissingTtl,
    Governance,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::StaticCredential => "static-credential",
            Category::ExcessiveScope => "excessive-scope",
            Category::MissingTtl => "missing-ttl",
            Category::Governance => "governance",
        }
    }
}

/// How a rule's findings hold up on a plan, where values are resolved and the way they were
/// written is known only from the plan's `configuration` section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnPlan {
    /// The rule judges values: planned values are judged as HCL literals are.
    Values,
    /// The finding is about a literal: it stands only when the configuration writes the
    /// attribute as a constant (a resolved plan cannot tell a literal from a variable).
    NeedsConstant,
    /// The finding is about something missing from the configuration: it is dropped when the
    /// configuration's attribute refers to anything (a rotation keeper fed by a reference).
    DroppedByReference,
    /// Not about values at all (suppression comments): never run on a plan.
    Never,
}

/// Everything about a rule except its code, which lives in the code table.
#[derive(Debug, Clone, Copy)]
pub struct RuleMeta {
    /// Kebab-case name of the pattern found (`aws-access-key`), never of the cure.
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// One line for `nhi-lint rules`.
    pub summary: &'static str,
    /// The rule's own source file; its `///` comment is the rule's documentation.
    pub source: &'static str,
    pub on_plan: OnPlan,
}

/// What a code named in a suppression or a configuration is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeStatus {
    Active,
    /// A retired rule: the note says why, or what replaced it.
    Removed(&'static str),
    Unknown,
}

/// One suppression comment, with what the pipeline learnt about it, for the rules that judge
/// suppressions themselves.
#[derive(Debug)]
pub struct SuppressionFacts<'a> {
    pub suppression: &'a Suppression,
    /// Whether it named a finding on the lines it covers.
    pub used: bool,
    pub today: Date,
    /// Each code or name it lists, with what it is.
    pub codes: Vec<(&'a str, CodeStatus)>,
    /// Whether every rule it names is enabled in this run (else "unused" proves nothing).
    pub all_enabled: bool,
}

/// A finding about a suppression comment: message and help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuppressionFinding {
    pub message: String,
    pub help: String,
}

pub trait Rule: Sync + Send {
    fn meta(&self) -> RuleMeta;

    /// Looks at a module and reports findings. Rules about suppression comments have nothing to
    /// look at here.
    fn check(&self, _cx: &mut Ctx<'_>) {}

    /// Judges one suppression comment (rules about suppression hygiene only).
    fn check_suppression(&self, _s: &SuppressionFacts<'_>) -> Option<SuppressionFinding> {
        None
    }
}

/// A finding as a rule reports it, before the pipeline stamps code, severity and position.
#[derive(Debug, Clone)]
pub struct RawFinding {
    pub code: &'static str,
    pub file: usize,
    pub span: Span,
    pub message: String,
    pub help: String,
    pub address: String,
    /// The address without module prefix: findings from several calls of one module collapse
    /// on it, so each source block is reported once per code.
    pub key: String,
}

impl RawFinding {
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = help.into();
        self
    }
}

/// What a rule's `check` works with.
pub struct Ctx<'a> {
    view: &'a ModuleView<'a>,
    facts: &'a Facts<'a>,
    pub policy: &'a Policy,
    pub now: Timestamp,
    code: &'static str,
    out: Vec<RawFinding>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        view: &'a ModuleView<'a>,
        facts: &'a Facts<'a>,
        policy: &'a Policy,
        now: Timestamp,
        code: &'static str,
    ) -> Self {
        Self { view, facts, policy, now, code, out: Vec::new() }
    }

    /// The findings reported so far.
    pub fn into_findings(self) -> Vec<RawFinding> {
        self.out
    }

    /// Top-level blocks of one kind (`resource`, `data`, `provider`, `variable`, …) and, when
    /// `ty` is given, of that first label.
    pub fn blocks(&self, kind: &str, ty: Option<&str>) -> Vec<Item<'a>> {
        self.view.blocks(kind, ty)
    }

    pub fn resources(&self, ty: &str) -> Vec<Item<'a>> {
        self.view.blocks("resource", Some(ty))
    }

    /// Whether a module call's code is not here (see [`ModuleView::call_code_absent`]).
    pub fn call_code_absent(&self, call: &Item<'_>) -> bool {
        self.view.call_code_absent(call)
    }

    pub fn data(&self, ty: &str) -> Vec<Item<'a>> {
        self.view.blocks("data", Some(ty))
    }

    /// Resources whose type satisfies `ty` (a family of types: `|t| t.starts_with("github_")`).
    pub fn resources_where(&self, ty: impl Fn(&str) -> bool) -> Vec<Item<'a>> {
        self.view.blocks_where("resource", ty)
    }

    /// Resources of any of `types`.
    pub fn resources_of(&self, types: &[&str]) -> Vec<Item<'a>> {
        types.iter().flat_map(|t| self.resources(t)).collect()
    }

    /// Every top-level block: for rules that look at all values.
    pub fn all_blocks(&self) -> Vec<Item<'a>> {
        self.view.all_blocks()
    }

    /// The module's files with their run-wide ids.
    pub fn files(&self) -> Vec<(usize, &'a SourceFile)> {
        self.view.files()
    }

    /// The text of one of the module's files, by its run-wide id (an item's `file`): what a
    /// value's span was written as, where the value itself is not known.
    pub fn file_text(&self, file: usize) -> Option<&'a str> {
        self.view.files().into_iter().find(|(id, _)| *id == file).map(|(_, f)| f.text.as_str())
    }

    /// Facts shared by the rules: policy statements, literal secrets.
    pub fn facts(&self) -> &'a Facts<'a> {
        self.facts
    }

    /// A test of whether output `output` of module call `call` returns a credential without
    /// being marked sensitive (the called module's own output reads one), for `credential_read`:
    /// what an output of this module may not pass on unmarked. `None` when the module's code
    /// or that output's value does not say (its name is judged instead).
    pub fn module_credentials(&self) -> impl Fn(&str, &str) -> Option<bool> + 'a {
        let known = &self.view.credential_outputs;
        move |call, output| {
            known.get(call).and_then(|o| o.get(output)).map(|k| *k == OutputKind::Credential { sensitive: false })
        }
    }

    /// A test of whether output `output` of module call `call` returns a credential at all,
    /// marked sensitive or not: what must not be written into a file or shared data, where the
    /// mark does not follow it. `None` as for [`Self::module_credentials`].
    pub fn module_credentials_any(&self) -> impl Fn(&str, &str) -> Option<bool> + 'a {
        let known = &self.view.credential_outputs;
        move |call, output| {
            known.get(call).and_then(|o| o.get(output)).map(|k| matches!(k, OutputKind::Credential { .. }))
        }
    }

    /// Whether this module evaluation is the module itself rather than a call into it.
    pub fn is_standalone(&self) -> bool {
        self.view.prefix.is_empty()
    }

    /// Reports a finding on `item`. A finding in a block that only a feature flag creates
    /// says so.
    pub fn report(&mut self, item: &Item<'_>, span: Span, message: impl Into<String>) -> &mut RawFinding {
        let key = crate::syntax::address_of(item.top);
        let mut message = message.into();
        if item.presence() == Presence::Conditional {
            message.push_str(" (conditional: the block's `count`/`for_each` creates it only when enabled, and it is off with the values here)");
        }
        self.report_at(item.file, &key, span, message)
    }

    /// Reports under an explicit unprefixed address (e.g. `local.token` inside a `locals` block).
    pub fn report_at(&mut self, file: usize, key: &str, span: Span, message: impl Into<String>) -> &mut RawFinding {
        self.out.push(RawFinding {
            code: self.code,
            file,
            span,
            message: shorten_values(message.into()),
            help: String::new(),
            address: format!("{}{}", self.view.prefix, key),
            key: key.to_owned(),
        });
        let last = self.out.len() - 1;
        &mut self.out[last]
    }
}

/// Longest run of non-blank characters a message keeps whole: names and values quoted from the
/// code (`for user "…"`) are shortened past it, so a 200,000-character value does not become a
/// 200,000-character message.
const MAX_RUN: usize = 200;
/// Longest message kept whole, whatever it is made of.
const MAX_MESSAGE: usize = 4_000;

/// A message with each overlong run of non-blank characters cut to its first `MAX_RUN` and
/// `…`, and the whole cut at `MAX_MESSAGE` characters.
fn shorten_values(message: String) -> String {
    let overlong = message.split_whitespace().any(|w| w.chars().count() > MAX_RUN);
    if !overlong && message.chars().count() <= MAX_MESSAGE {
        return message;
    }
    let mut out = String::with_capacity(MAX_MESSAGE + 8);
    let (mut run, mut kept) = (0, 0);
    for c in message.chars() {
        if kept >= MAX_MESSAGE {
            out.push('…');
            break;
        }
        if c.is_whitespace() {
            run = 0;
        } else {
            run += 1;
            if run == MAX_RUN + 1 {
                out.push('…');
                kept += 1;
            }
            if run > MAX_RUN {
                continue;
            }
        }
        out.push(c);
        kept += 1;
    }
    out
}

#[cfg(test)]
mod shorten_tests {
    use super::{MAX_RUN, shorten_values};

    #[test]
    fn overlong_values_are_cut_and_short_messages_kept() {
        assert_eq!(shorten_values("static key for user \"ci\"".to_owned()), "static key for user \"ci\"");
        let long = format!("static key for user \"{}\", never rotated", "A".repeat(200_000));
        let expected = format!("static key for user \"{}… never rotated", "A".repeat(MAX_RUN - 1));
        assert_eq!(shorten_values(long), expected);
        // Many short words: the whole is cut instead.
        let cut = shorten_values("word ".repeat(5_000));
        assert_eq!(cut.chars().count(), super::MAX_MESSAGE + 1);
        assert!(cut.ends_with('…'));
    }
}
