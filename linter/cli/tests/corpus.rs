//! The labelled regression corpus (`linter/eval/corpus`), scored by its own scorer
//! (`linter/eval/score.py`, python3) with the nhi-lint under test: every labelled risk found,
//! and no finding on a block whose labels do not include its category. A rule change that
//! moves a finding onto an unlabelled block fails here, not only when someone scores by hand.
//! Some labels depend on dates written in the corpus (expiries, suppressions), so it is judged
//! as of the day it was last labelled.

use std::path::Path;
use std::process::Command;

#[test]
fn the_corpus_scores_full_recall_and_precision() {
    let scratch = tempfile::tempdir().unwrap();
    let summary = scratch.path().join("summary.json");
    let score = Path::new(env!("CARGO_MANIFEST_DIR")).join("../eval/score.py");
    let o = Command::new("python3")
        .arg(&score)
        .args(["--bin", env!("CARGO_BIN_EXE_nhi-lint"), "--set", "corpus", "--show", "20", "--summary-json"])
        .arg(&summary)
        .env("NHI_LINT_NOW", "2026-12-04T00:00:00Z")
        .output()
        .expect("python3 runs");
    let report = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{report}{}", String::from_utf8_lossy(&o.stderr));
    let sets: serde_json::Value = serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
    let corpus = &sets[0];
    assert_eq!(corpus["set"], "corpus");
    assert!(corpus["tp"].as_u64().is_some_and(|n| n > 100), "{corpus}");
    assert_eq!((corpus["fn"].as_u64(), corpus["fp"].as_u64()), (Some(0), Some(0)), "{report}");
}
