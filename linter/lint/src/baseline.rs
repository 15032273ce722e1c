//! Baselines: accepted findings, recorded by fingerprint with a reason and an expiry, so CI
//! fails only on new ones. Like suppressions, a baseline is debt with a due date: expired
//! entries stop hiding their findings, and entries matching nothing are reported as stale.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::report::Finding;
pub use crate::report::{BaselineEntry as Entry, BaselineOutcome as Outcome};

pub const BASELINE_VERSION: u32 = 1;

/// A fingerprint that survives edits elsewhere in the file: rule, resource address and (for
/// findings located in a file) the file path; never the line or the message, which move
/// and change with values.
pub fn fingerprint(f: &Finding) -> String {
    // FNV-1a, 64 bit: stable across Rust versions and platforms, unlike `DefaultHasher`.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let path = if f.start.is_some() { f.path.as_str() } else { "" };
    for part in [f.code, f.address.as_str(), path] {
        for b in part.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{path}: cannot read the baseline: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: not a nhi-lint baseline: {message}")]
    Invalid { path: String, message: String },
    #[error("{path}: baseline version {version} is not supported (expected {BASELINE_VERSION})")]
    Version { path: String, version: u32 },
}

impl Baseline {
    pub fn create(findings: &[Finding], reason: &str, expires: Option<Date>) -> Self {
        let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
        for f in findings {
            let fp = fingerprint(f);
            entries.entry(fp.clone()).or_insert_with(|| Entry {
                fingerprint: fp,
                code: f.code.to_owned(),
                address: f.address.clone(),
                path: f.path.clone(),
                message: f.message.clone(),
                reason: reason.to_owned(),
                expires,
            });
        }
        Self { version: BASELINE_VERSION, entries: entries.into_values().collect() }
    }

    pub fn load(path: &std::path::Path) -> Result<Self, BaselineError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Io { path: shown.clone(), source })?;
        let b: Baseline = serde_json::from_str(&text)
            .map_err(|e| BaselineError::Invalid { path: shown.clone(), message: e.to_string() })?;
        if b.version != BASELINE_VERSION {
            return Err(BaselineError::Version { path: shown, version: b.version });
        }
        Ok(b)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Removes the findings a valid entry covers from `findings`.
    pub fn apply(&self, findings: &mut Vec<Finding>, today: Date) -> Outcome {
        let mut out = Outcome::default();
        let by_fp: BTreeMap<&str, &Entry> = self.entries.iter().map(|e| (e.fingerprint.as_str(), e)).collect();
        let mut matched: BTreeMap<&str, bool> = BTreeMap::new();
        findings.retain(|f| {
            let fp = fingerprint(f);
            let Some(e) = by_fp.get(fp.as_str()) else { return true };
            matched.insert(e.fingerprint.as_str(), true);
            let valid = e.expires.is_none_or(|d| d >= today);
            if valid {
                out.baselined += 1;
            }
            !valid
        });
        for e in &self.entries {
            if e.expires.is_some_and(|d| d < today) {
                out.expired.push(e.clone());
            } else if !matched.contains_key(e.fingerprint.as_str()) {
                out.stale.push(e.clone());
            }
        }
        out
    }
}
