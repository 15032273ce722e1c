//! Reading typed fields out of Terraform values, with diagnostics at the attribute's path.

use std::collections::BTreeMap;

use nhi_core::Timestamp;
use tfplugin::{AttributePath, Diagnostics, Value};

/// A field as Terraform holds it: known, null, or not known until apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field<T> {
    Known(T),
    Null,
    Unknown,
}

fn wrong_type(d: &mut Diagnostics, path: AttributePath, want: &str) {
    d.error("Invalid attribute type", format!("`{path}` must be {want}."), path);
}

pub fn string(obj: &Value, name: &str, d: &mut Diagnostics) -> Field<String> {
    match obj.attr(name) {
        Value::Null => Field::Null,
        Value::Unknown => Field::Unknown,
        Value::String(s) => Field::Known(s.clone()),
        _ => {
            wrong_type(d, AttributePath::attr(name), "a string");
            Field::Null
        }
    }
}

pub fn boolean(obj: &Value, name: &str, d: &mut Diagnostics) -> Field<bool> {
    match obj.attr(name) {
        Value::Null => Field::Null,
        Value::Unknown => Field::Unknown,
        Value::Bool(b) => Field::Known(*b),
        _ => {
            wrong_type(d, AttributePath::attr(name), "a bool");
            Field::Null
        }
    }
}

/// A list of strings; unknown when the list or any element is unknown.
pub fn string_list(obj: &Value, name: &str, d: &mut Diagnostics) -> Field<Vec<String>> {
    match obj.attr(name) {
        Value::Null => Field::Null,
        Value::Unknown => Field::Unknown,
        v => match v.as_elements() {
            Some(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) => out.push(s.clone()),
                        Value::Unknown => return Field::Unknown,
                        _ => {
                            let path = AttributePath::attr(name).join_index(i);
                            d.error("Invalid list element", format!("`{path}` must be a non-null string."), path);
                        }
                    }
                }
                Field::Known(out)
            }
            None => {
                wrong_type(d, AttributePath::attr(name), "a list of strings");
                Field::Null
            }
        },
    }
}

/// A map of strings; unknown when the map or any value is unknown.
pub fn string_map(obj: &Value, name: &str, d: &mut Diagnostics) -> Field<BTreeMap<String, String>> {
    match obj.attr(name) {
        Value::Null => Field::Null,
        Value::Unknown => Field::Unknown,
        v => match v.as_entries() {
            Some(entries) => {
                let mut out = BTreeMap::new();
                for (k, item) in entries {
                    match item {
                        Value::String(s) => {
                            out.insert(k.clone(), s.clone());
                        }
                        Value::Unknown => return Field::Unknown,
                        _ => {
                            let path = AttributePath::attr(name).join_key(k);
                            d.error("Invalid map value", format!("`{path}` must be a non-null string."), path);
                        }
                    }
                }
                Field::Known(out)
            }
            None => {
                wrong_type(d, AttributePath::attr(name), "a map of strings");
                Field::Null
            }
        },
    }
}

/// Parses an RFC 3339 timestamp field, reporting a located error when it is malformed.
pub fn timestamp(obj: &Value, name: &str, d: &mut Diagnostics) -> Field<Timestamp> {
    match string(obj, name, d) {
        Field::Known(s) => match nhi_core::parse_timestamp(&s) {
            Ok(t) => Field::Known(t),
            Err(e) => {
                d.error(format!("Invalid `{name}`"), e.to_string(), AttributePath::attr(name));
                Field::Null
            }
        },
        Field::Null => Field::Null,
        Field::Unknown => Field::Unknown,
    }
}

pub fn list_value(items: &[String]) -> Value {
    Value::List(items.iter().map(|s| Value::from(s.as_str())).collect())
}

pub fn map_value(m: &BTreeMap<String, String>) -> Value {
    Value::Map(m.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))).collect())
}

/// Timestamps in state are whole-second RFC 3339 UTC (`2027-03-01T00:00:00Z`).
pub fn timestamp_value(t: Timestamp) -> Value {
    Value::String(Timestamp::from_second(t.as_second()).unwrap_or(t).to_string())
}
