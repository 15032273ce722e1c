//! A Terraform plugin protocol 6 server for Rust providers.
//!
//! This crate knows nothing about any particular provider. It speaks the wire protocol
//! (our own `proto/` files, compiled with protox), performs the go-plugin handshake with real
//! AutoMTLS, encodes and decodes `DynamicValue`s, and hands providers typed requests through
//! the traits in [`provider`]. Problems reach Terraform as [`Diagnostics`] with attribute
//! paths, never as transport errors.

pub mod codec;
mod convert;
pub mod diag;
mod framework;
pub mod log;
pub mod path;
pub mod provider;
mod rpc;
pub mod schema;
pub mod serve;
pub mod server;
pub mod tls;
pub mod value;

pub use diag::{Diagnostic, Diagnostics, Severity};
pub use path::AttributePath;
pub use provider::*;
pub use schema::{Attribute, AttributeMode, Block, IdentityAttribute, IdentitySchema, Nesting, Schema};
pub use serve::{ServeOptions, serve};
pub use value::{Number, Type, Value};

/// Generated protocol types (from `proto/`).
pub mod proto {
    #![allow(clippy::all, clippy::pedantic, missing_docs)]
    pub mod tfplugin6 {
        tonic::include_proto!("tfplugin6");
    }
    pub mod plugin {
        tonic::include_proto!("plugin");
    }
}
