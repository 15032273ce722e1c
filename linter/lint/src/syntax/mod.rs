//! Syntax: our tree, its two front-ends (HCL native syntax and `.tf.json`), source files, and
//! suppression comments. Knows nothing of evaluation or rules.

mod hcl;
pub(crate) mod json;
pub mod source;
pub mod suppress;
mod tf_json;
mod tree;

pub use hcl::{parse_hcl, parse_template_text, recover_blocks};
pub use source::{SourceFile, address_of, is_var_file};
pub use tf_json::{parse_tf_json, parse_tfvars_json};
pub use tree::*;
