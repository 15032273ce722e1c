//! Root module inputs: `terraform.tfvars`, `*.auto.tfvars` (and their `.json` forms), `--var-file`
//! and `-var` values.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::eval::{Env, Value};
use crate::syntax::SourceFile;

/// Why a variables file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TfvarsError {
    #[error("{path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}:{line}:{column}: {message}")]
    Syntax { path: String, line: usize, column: usize, message: String },
}

/// `terraform.tfvars`, `*.auto.tfvars` and their `.json` forms in a directory, as Terraform loads
/// them for a root (`terraform.tfvars` first, then `terraform.tfvars.json`, then the auto files in
/// name order).
pub(super) fn auto_tfvars(dir: &Path) -> HashMap<String, Value> {
    let mut out = HashMap::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| is_auto_var_file(p.file_name().and_then(|n| n.to_str()).unwrap_or("")))
        .collect();
    let rank = |p: &PathBuf| load_rank(p.file_name().and_then(|n| n.to_str()).unwrap_or(""));
    names.sort_by(|a, b| (rank(a), a).cmp(&(rank(b), b)));
    for p in names {
        if let Ok(vars) = read_tfvars(&p) {
            out.extend(vars);
        }
    }
    out
}

/// Where an auto-loaded variable file comes in Terraform's load order (a later one wins):
/// `terraform.tfvars`, then `terraform.tfvars.json`, then the `*.auto.tfvars` files by name.
pub(super) fn load_rank(name: &str) -> u8 {
    match name {
        "terraform.tfvars" => 0,
        "terraform.tfvars.json" => 1,
        _ => 2,
    }
}

/// Whether a file name is one Terraform loads for a root on its own: `terraform.tfvars`,
/// `*.auto.tfvars` and their `.json` forms.
pub(super) fn is_auto_var_file(name: &str) -> bool {
    ["terraform.tfvars", "terraform.tfvars.json"].contains(&name)
        || name.ends_with(".auto.tfvars")
        || name.ends_with(".auto.tfvars.json")
}

/// Reads a `.tfvars` file (HCL attributes, literal values).
pub fn read_tfvars(path: &Path) -> Result<BTreeMap<String, Value>, TfvarsError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| TfvarsError::Read { path: path.display().to_string(), source })?;
    let (f, err) = SourceFile::parse(path.to_owned(), text);
    if let Some(e) = err {
        let at = f.position(e.offset);
        return Err(TfvarsError::Syntax {
            path: path.display().to_string(),
            line: at.line,
            column: at.column,
            message: e.message,
        });
    }
    let env = Env::new(HashMap::new(), HashMap::new(), HashMap::new());
    Ok(f.body.attrs.iter().map(|a| (a.key.clone(), env.eval(&a.expr))).collect())
}

/// Parses a `-var NAME=VALUE` value: an HCL expression when it is one, else the raw string.
pub fn parse_var_value(text: &str) -> Value {
    match crate::syntax::parse_hcl(&format!("v = {text}")) {
        Ok(body) if body.attrs.len() == 1 => {
            let env = Env::new(HashMap::new(), HashMap::new(), HashMap::new());
            match env.eval(&body.attrs[0].expr) {
                Value::Unknown => Value::Str(text.to_owned()),
                v => v,
            }
        }
        _ => Value::Str(text.to_owned()),
    }
}
