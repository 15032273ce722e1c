//! Conversions between protocol messages and the typed values of [`crate::provider`].

use std::time::SystemTime;

use crate::codec::{DecodeError, decode_json, decode_msgpack, encode_msgpack};
use crate::diag::{Diagnostic, Diagnostics};
use crate::proto::tfplugin6 as pb;
use crate::provider::{ClientCapabilities, Parameter, Signature};
use crate::schema::IdentitySchema;
use crate::value::{Type, Value};

/// A decoding failure as the diagnostic Terraform shows, at the attribute where it stopped.
pub(crate) fn decode_error(what: &str, e: DecodeError) -> Diagnostics {
    Diagnostic::error(
        format!("Invalid {what}"),
        format!("The value could not be read as the schema describes it: {}", e.message),
    )
    .at(e.path)
    .into()
}

/// Decodes an optional DynamicValue; absent means null.
pub(crate) fn decode(dv: Option<&pb::DynamicValue>, ty: &Type, what: &str) -> Result<Value, Diagnostics> {
    match dv {
        Some(d) if !d.msgpack.is_empty() => decode_msgpack(&d.msgpack, ty).map_err(|e| decode_error(what, e)),
        Some(d) if !d.json.is_empty() => decode_json(&d.json, ty, false).map_err(|e| decode_error(what, e)),
        _ => Ok(Value::Null),
    }
}

pub(crate) fn encode(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue { msgpack: encode_msgpack(v, ty), json: Vec::new() })
}

/// Decodes stored JSON (state or identity written by an earlier provider version) and
/// re-encodes it as msgpack. Attributes removed from the schema since are dropped.
pub(crate) fn upgrade_json(raw: &[u8], ty: &Type, what: &str) -> Result<Option<pb::DynamicValue>, Diagnostics> {
    decode_json(raw, ty, true).map(|v| encode(&v, ty)).map_err(|e| decode_error(what, e))
}

pub(crate) fn decode_identity(
    data: Option<&pb::ResourceIdentityData>,
    identity: Option<&(IdentitySchema, Type)>,
) -> Result<Option<Value>, Diagnostics> {
    match (data.and_then(|d| d.identity_data.as_ref()), identity) {
        (Some(dv), Some((_, ty))) => decode(Some(dv), ty, "resource identity").map(|v| (!v.is_null()).then_some(v)),
        _ => Ok(None),
    }
}

pub(crate) fn encode_identity(
    v: Option<&Value>,
    identity: Option<&(IdentitySchema, Type)>,
) -> Option<pb::ResourceIdentityData> {
    match (v, identity) {
        (Some(v), Some((_, ty))) if !v.is_null() => Some(pb::ResourceIdentityData { identity_data: encode(v, ty) }),
        _ => None,
    }
}

pub(crate) fn caps(c: Option<&pb::ClientCapabilities>) -> ClientCapabilities {
    c.map(|c| ClientCapabilities {
        deferral_allowed: c.deferral_allowed,
        write_only_attributes_allowed: c.write_only_attributes_allowed,
    })
    .unwrap_or_default()
}

pub(crate) fn to_timestamp(t: SystemTime) -> prost_types::Timestamp {
    let d = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    prost_types::Timestamp {
        seconds: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        nanos: i32::try_from(d.subsec_nanos()).unwrap_or(0),
    }
}

pub(crate) fn function_proto(s: &Signature) -> pb::Function {
    let param = |p: &Parameter| pb::function::Parameter {
        name: p.name.clone(),
        r#type: serde_json::to_vec(&p.ty.to_json()).unwrap_or_default(),
        allow_null_value: p.allow_null,
        allow_unknown_values: false,
        description: p.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
    };
    pb::Function {
        parameters: s.parameters.iter().map(param).collect(),
        variadic_parameter: s.variadic.as_ref().map(param),
        r#return: Some(pb::function::Return { r#type: serde_json::to_vec(&s.returns.to_json()).unwrap_or_default() }),
        summary: s.summary.clone(),
        description: s.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecation_message: String::new(),
    }
}
