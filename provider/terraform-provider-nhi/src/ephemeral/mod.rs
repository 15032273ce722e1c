//! Ephemeral resources: values that exist for one Terraform run and are never written to
//! state or plan files.

pub mod api_key_secret;
pub mod token;
