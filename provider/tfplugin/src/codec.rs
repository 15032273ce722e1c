//! DynamicValue encoding: msgpack (with unknowns) and JSON, directed by the cty type.
//!
//! Decoding is total: malformed bytes, wrong types, unknown attributes and excessive nesting
//! all become a [`DecodeError`] carrying the attribute path where decoding stopped.

use std::collections::BTreeMap;
use std::fmt;

use rmpv::Value as Mp;

use crate::path::AttributePath;
use crate::value::{Number, Type, Value};

/// msgpack extension type Terraform uses for unknown values; refined unknowns use 12.
const EXT_UNKNOWN: i8 = 0;
const EXT_UNKNOWN_REFINED: i8 = 12;
/// Values nest no deeper than this; deeper input is rejected rather than recursed into.
const MAX_DEPTH: usize = 256;

#[derive(Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub path: AttributePath,
    pub message: String,
}

impl DecodeError {
    fn new(path: &AttributePath, message: impl Into<String>) -> Self {
        Self { path: path.clone(), message: message.into() }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_root() { write!(f, "{}", self.message) } else { write!(f, "{}: {}", self.path, self.message) }
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DecodeError({self})")
    }
}

impl std::error::Error for DecodeError {}

// ---------------------------------------------------------------- msgpack

/// Decodes msgpack bytes of type `ty`.
pub fn decode_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    let root = AttributePath::root();
    let mut rd = bytes;
    let mp = rmpv::decode::read_value_with_max_depth(&mut rd, MAX_DEPTH)
        .map_err(|e| DecodeError::new(&root, format!("malformed msgpack: {e}")))?;
    if !rd.is_empty() {
        return Err(DecodeError::new(&root, format!("{} unexpected bytes after the msgpack value", rd.len())));
    }
    from_mp(&mp, ty, &root)
}

fn from_mp(mp: &Mp, ty: &Type, path: &AttributePath) -> Result<Value, DecodeError> {
    if let Mp::Ext(code, _) = mp {
        return if *code == EXT_UNKNOWN || *code == EXT_UNKNOWN_REFINED {
            Ok(Value::Unknown)
        } else {
            Err(DecodeError::new(path, format!("unsupported msgpack extension type {code}")))
        };
    }
    if mp.is_nil() {
        return Ok(Value::Null);
    }
    let wrong = |want: &str| DecodeError::new(path, format!("expected {want}, found {}", mp_kind(mp)));
    match ty {
        Type::Bool => mp.as_bool().map(Value::Bool).ok_or_else(|| wrong("a bool")),
        Type::String => match mp {
            Mp::String(s) => {
                s.as_str().map(Value::string).ok_or_else(|| DecodeError::new(path, "string is not valid UTF-8"))
            }
            _ => Err(wrong("a string")),
        },
        Type::Number => match mp {
            Mp::Integer(i) => Ok(Value::Number(match i.as_i64() {
                Some(v) => Number::Int(v),
                None => Number::Big(i.as_u64().map_or_else(String::new, |u| u.to_string())),
            })),
            Mp::F32(f) => Ok(Value::Number(Number::Float(f64::from(*f)))),
            Mp::F64(f) => Ok(Value::Number(Number::Float(*f))),
            Mp::String(s) => s
                .as_str()
                .and_then(Number::parse_decimal)
                .map(Value::Number)
                .ok_or_else(|| DecodeError::new(path, "number string is not a decimal number")),
            _ => Err(wrong("a number")),
        },
        Type::List(et) | Type::Set(et) => {
            let items = mp.as_array().ok_or_else(|| wrong("a list"))?;
            let out = items
                .iter()
                .enumerate()
                .map(|(i, v)| from_mp(v, et, &path.join_index(i)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if matches!(ty, Type::Set(_)) { Value::Set(out) } else { Value::List(out) })
        }
        Type::Tuple(ets) => {
            let items = mp.as_array().ok_or_else(|| wrong("a tuple"))?;
            if items.len() != ets.len() {
                return Err(DecodeError::new(
                    path,
                    format!("expected a tuple of {} elements, found {}", ets.len(), items.len()),
                ));
            }
            let out = items
                .iter()
                .zip(ets)
                .enumerate()
                .map(|(i, (v, t))| from_mp(v, t, &path.join_index(i)))
                .collect::<Result<_, _>>()?;
            Ok(Value::Tuple(out))
        }
        Type::Map(et) => {
            let entries = mp.as_map().ok_or_else(|| wrong("a map"))?;
            let mut out = BTreeMap::new();
            for (k, v) in entries {
                let key = mp_key(k, path)?;
                let val = from_mp(v, et, &path.join_key(key))?;
                out.insert(key.to_owned(), val);
            }
            Ok(Value::Map(out))
        }
        Type::Object(attrs) => {
            let entries = mp.as_map().ok_or_else(|| wrong("an object"))?;
            let mut out: BTreeMap<String, Value> = attrs.keys().map(|k| (k.clone(), Value::Null)).collect();
            for (k, v) in entries {
                let key = mp_key(k, path)?;
                let at = path.join_attr(key);
                let t = attrs.get(key).ok_or_else(|| DecodeError::new(&at, "unsupported attribute"))?;
                out.insert(key.to_owned(), from_mp(v, t, &at)?);
            }
            Ok(Value::Object(out))
        }
        Type::Dynamic => {
            // A dynamic value travels as [type as JSON bytes, value].
            let pair = mp
                .as_array()
                .filter(|a| a.len() == 2)
                .ok_or_else(|| wrong("a [type, value] pair for a dynamic value"))?;
            let type_bytes = match &pair[0] {
                Mp::Binary(b) => b.as_slice(),
                Mp::String(s) => s.as_bytes(),
                _ => return Err(DecodeError::new(path, "dynamic value type must be JSON bytes")),
            };
            let tj: serde_json::Value = serde_json::from_slice(type_bytes)
                .map_err(|e| DecodeError::new(path, format!("dynamic value type is not JSON: {e}")))?;
            let t = Type::from_json(&tj).map_err(|e| DecodeError::new(path, format!("dynamic value type: {e}")))?;
            if t == Type::Dynamic {
                return Err(DecodeError::new(path, "dynamic value must name a concrete type"));
            }
            from_mp(&pair[1], &t, path)
        }
    }
}

fn mp_key<'a>(k: &'a Mp, path: &AttributePath) -> Result<&'a str, DecodeError> {
    match k {
        Mp::String(s) => s.as_str().ok_or_else(|| DecodeError::new(path, "map key is not valid UTF-8")),
        other => Err(DecodeError::new(path, format!("map keys must be strings, found {}", mp_kind(other)))),
    }
}

fn mp_kind(mp: &Mp) -> &'static str {
    match mp {
        Mp::Nil => "null",
        Mp::Boolean(_) => "a bool",
        Mp::Integer(_) | Mp::F32(_) | Mp::F64(_) => "a number",
        Mp::String(_) => "a string",
        Mp::Binary(_) => "binary data",
        Mp::Array(_) => "a list",
        Mp::Map(_) => "a map",
        Mp::Ext(..) => "an extension value",
    }
}

/// Encodes a value of type `ty` as msgpack. Object attributes missing from the value are
/// written as null so the result always has the full shape of the type.
pub fn encode_msgpack(value: &Value, ty: &Type) -> Vec<u8> {
    let mut buf = Vec::with_capacity(64);
    // Writing into a Vec cannot fail.
    let _ = rmpv::encode::write_value(&mut buf, &to_mp(value, ty));
    buf
}

fn to_mp(value: &Value, ty: &Type) -> Mp {
    match (value, ty) {
        (Value::Null, _) => Mp::Nil,
        (Value::Unknown, _) => Mp::Ext(EXT_UNKNOWN, vec![0]),
        (v, Type::Dynamic) => {
            let t = Type::infer(v);
            let tj = serde_json::to_vec(&t.to_json()).unwrap_or_default();
            Mp::Array(vec![Mp::Binary(tj), to_mp(v, &t)])
        }
        (Value::Bool(b), _) => Mp::Boolean(*b),
        (Value::Number(n), _) => match n {
            Number::Int(i) => Mp::from(*i),
            Number::Float(f) => Mp::F64(*f),
            Number::Big(s) => Mp::from(s.as_str()),
        },
        (Value::String(s), _) => Mp::from(s.as_str()),
        (Value::List(items) | Value::Set(items), Type::List(et) | Type::Set(et)) => {
            Mp::Array(items.iter().map(|v| to_mp(v, et)).collect())
        }
        (Value::List(items) | Value::Set(items) | Value::Tuple(items), Type::Tuple(ets)) => {
            Mp::Array(items.iter().zip(ets).map(|(v, t)| to_mp(v, t)).collect())
        }
        (Value::Map(m) | Value::Object(m), Type::Map(et)) => {
            Mp::Map(m.iter().map(|(k, v)| (Mp::from(k.as_str()), to_mp(v, et))).collect())
        }
        (Value::Object(m) | Value::Map(m), Type::Object(attrs)) => Mp::Map(
            attrs.iter().map(|(k, t)| (Mp::from(k.as_str()), m.get(k).map_or(Mp::Nil, |v| to_mp(v, t)))).collect(),
        ),
        // A value that does not fit its type is a provider bug; encode it by its own shape so
        // Terraform reports the mismatch instead of us panicking.
        (v, _) => to_mp(v, &Type::infer(v)),
    }
}

// ---------------------------------------------------------------- JSON

/// Decodes JSON (as found in stored state) of type `ty`. Attributes that the type no longer
/// has are dropped when `lenient_attrs` is set (state written by an older schema).
pub fn decode_json(bytes: &[u8], ty: &Type, lenient_attrs: bool) -> Result<Value, DecodeError> {
    let root = AttributePath::root();
    let j: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| DecodeError::new(&root, format!("malformed JSON: {e}")))?;
    from_json(&j, ty, &root, lenient_attrs, 0)
}

fn from_json(
    j: &serde_json::Value,
    ty: &Type,
    path: &AttributePath,
    lenient: bool,
    depth: usize,
) -> Result<Value, DecodeError> {
    use serde_json::Value as J;
    if depth > MAX_DEPTH {
        return Err(DecodeError::new(path, "value nests too deeply"));
    }
    if j.is_null() {
        return Ok(Value::Null);
    }
    let kind = match j {
        J::Null => "null",
        J::Bool(_) => "a bool",
        J::Number(_) => "a number",
        J::String(_) => "a string",
        J::Array(_) => "a list",
        J::Object(_) => "an object",
    };
    let wrong = |want: &str| DecodeError::new(path, format!("expected {want}, found {kind}"));
    let d = depth + 1;
    match ty {
        Type::Bool => j.as_bool().map(Value::Bool).ok_or_else(|| wrong("a bool")),
        Type::String => j.as_str().map(Value::string).ok_or_else(|| wrong("a string")),
        Type::Number => match j {
            J::Number(n) => Ok(Value::Number(match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => Number::Int(i),
                (None, Some(f)) => Number::Float(f),
                (None, None) => Number::Big(n.to_string()),
            })),
            J::String(s) => Number::parse_decimal(s).map(Value::Number).ok_or_else(|| wrong("a number")),
            _ => Err(wrong("a number")),
        },
        Type::List(et) | Type::Set(et) => {
            let items = j.as_array().ok_or_else(|| wrong("a list"))?;
            let out = items
                .iter()
                .enumerate()
                .map(|(i, v)| from_json(v, et, &path.join_index(i), lenient, d))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if matches!(ty, Type::Set(_)) { Value::Set(out) } else { Value::List(out) })
        }
        Type::Tuple(ets) => {
            let items =
                j.as_array().filter(|a| a.len() == ets.len()).ok_or_else(|| wrong("a tuple of matching length"))?;
            let out = items
                .iter()
                .zip(ets)
                .enumerate()
                .map(|(i, (v, t))| from_json(v, t, &path.join_index(i), lenient, d))
                .collect::<Result<_, _>>()?;
            Ok(Value::Tuple(out))
        }
        Type::Map(et) => {
            let m = j.as_object().ok_or_else(|| wrong("a map"))?;
            let mut out = BTreeMap::new();
            for (k, v) in m {
                out.insert(k.clone(), from_json(v, et, &path.join_key(k), lenient, d)?);
            }
            Ok(Value::Map(out))
        }
        Type::Object(attrs) => {
            let m = j.as_object().ok_or_else(|| wrong("an object"))?;
            let mut out: BTreeMap<String, Value> = attrs.keys().map(|k| (k.clone(), Value::Null)).collect();
            for (k, v) in m {
                let at = path.join_attr(k);
                match attrs.get(k) {
                    Some(t) => {
                        out.insert(k.clone(), from_json(v, t, &at, lenient, d)?);
                    }
                    None if lenient => {}
                    None => return Err(DecodeError::new(&at, "unsupported attribute")),
                }
            }
            Ok(Value::Object(out))
        }
        Type::Dynamic => {
            // Stored dynamic values are {"value": …, "type": …}.
            let tj = j.get("type").ok_or_else(|| wrong("a {\"value\", \"type\"} object for a dynamic value"))?;
            let t = Type::from_json(tj).map_err(|e| DecodeError::new(path, format!("dynamic value type: {e}")))?;
            from_json(j.get("value").unwrap_or(&J::Null), &t, path, lenient, d)
        }
    }
}

/// Encodes a wholly known value as JSON (unknown values become null).
pub fn encode_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Null | Value::Unknown => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(Number::Int(i)) => J::from(*i),
        Value::Number(Number::Float(f)) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::Number(Number::Big(s)) => {
            s.parse::<serde_json::Number>().map_or_else(|_| J::String(s.clone()), J::Number)
        }
        Value::String(s) => J::String(s.clone()),
        Value::List(v) | Value::Set(v) | Value::Tuple(v) => J::Array(v.iter().map(encode_json).collect()),
        Value::Map(m) | Value::Object(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), encode_json(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account_type() -> Type {
        Type::object([
            ("id", Type::String),
            ("name", Type::String),
            ("scopes", Type::list(Type::String)),
            ("labels", Type::map(Type::String)),
            ("disabled", Type::Bool),
            ("count", Type::Number),
            ("tags", Type::set(Type::String)),
            ("any", Type::Dynamic),
        ])
    }

    fn sample() -> Value {
        Value::object([
            ("id", Value::Unknown),
            ("name", Value::from("exporter")),
            ("scopes", Value::List(vec![Value::from("a:read"), Value::Unknown])),
            ("labels", Value::Map([("team".to_owned(), Value::from("fin"))].into())),
            ("disabled", Value::Bool(false)),
            ("count", Value::from(-7)),
            ("tags", Value::Null),
            ("any", Value::List(vec![Value::from("x")])),
        ])
    }

    #[test]
    fn msgpack_round_trip_with_unknowns() {
        let ty = account_type();
        let bytes = encode_msgpack(&sample(), &ty);
        assert_eq!(decode_msgpack(&bytes, &ty).unwrap(), sample());
    }

    /// Golden bytes, written out by hand from the msgpack spec, as Terraform would send them.
    #[test]
    fn decodes_golden_msgpack() {
        let ty = Type::object([("a", Type::String), ("b", Type::Number), ("c", Type::list(Type::Bool))]);
        let golden: &[u8] = &[
            0x83, // map of 3
            0xa1, b'a', 0xa2, b'h', b'i', // "a": "hi"
            0xa1, b'b', 0xd4, 0x00, 0x00, // "b": unknown (fixext1, type 0)
            0xa1, b'c', 0x92, 0xc3, 0xc0, // "c": [true, null]
        ];
        let v = decode_msgpack(golden, &ty).unwrap();
        assert_eq!(
            v,
            Value::object([
                ("a", Value::from("hi")),
                ("b", Value::Unknown),
                ("c", Value::List(vec![Value::Bool(true), Value::Null])),
            ])
        );
        assert_eq!(encode_msgpack(&v, &ty), golden);
    }

    #[test]
    fn numbers_arrive_in_three_forms() {
        let ty = Type::Number;
        assert_eq!(decode_msgpack(&[0x2a], &ty).unwrap(), Value::from(42));
        let f = [0xcb, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18];
        assert_eq!(decode_msgpack(&f, &ty).unwrap(), Value::Number(Number::Float(std::f64::consts::PI)));
        let big = encode_msgpack(&Value::Number(Number::Big("123456789012345678901234567890".into())), &ty);
        assert_eq!(
            decode_msgpack(&big, &ty).unwrap(),
            Value::Number(Number::Big("123456789012345678901234567890".into()))
        );
        let u = [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
        assert_eq!(decode_msgpack(&u, &ty).unwrap(), Value::Number(Number::Big(u64::MAX.to_string())));
        let e = decode_msgpack(&[0xa3, b'a', b'b', b'c'], &ty).unwrap_err();
        assert_eq!(e.message, "number string is not a decimal number");
    }

    #[test]
    fn errors_carry_the_attribute_path() {
        let ty = account_type();
        // Encoded by inferred type below, so the dynamic attribute is left null.
        let sample = || {
            let mut v = sample();
            v.set_attr("any", Value::Null);
            v
        };
        let mut v = sample();
        v.set_attr("labels", Value::Map([("team".to_owned(), Value::Bool(true))].into()));
        let bytes = encode_msgpack(&v, &Type::infer(&v));
        let e = decode_msgpack(&bytes, &ty).unwrap_err();
        assert_eq!(e.to_string(), "labels[\"team\"]: expected a string, found a bool");

        let mut v = sample();
        v.set_attr("surprise", Value::from("x"));
        let e = decode_msgpack(&encode_msgpack(&v, &Type::infer(&v)), &ty).unwrap_err();
        assert_eq!(e.to_string(), "surprise: unsupported attribute");

        let mut v = sample();
        v.set_attr("scopes", Value::List(vec![Value::from("ok"), Value::from(3)]));
        let e = decode_msgpack(&encode_msgpack(&v, &Type::infer(&v)), &ty).unwrap_err();
        assert_eq!(e.to_string(), "scopes[1]: expected a string, found a number");
    }

    #[test]
    fn malformed_input_never_panics() {
        let ty = account_type();
        let good = encode_msgpack(&sample(), &ty);
        for cut in 0..good.len() {
            assert!(decode_msgpack(&good[..cut], &ty).is_err(), "truncated at {cut}");
        }
        let mut trailing = good.clone();
        trailing.push(0xc0);
        assert!(decode_msgpack(&trailing, &ty).unwrap_err().message.contains("unexpected bytes"));
        // Every single-byte corruption decodes or fails cleanly.
        for i in 0..good.len() {
            for b in [0x00, 0xc1, 0xff, 0xdd, 0xd4] {
                let mut bad = good.clone();
                bad[i] = b;
                let _ = decode_msgpack(&bad, &ty);
            }
        }
        // Deep nesting is refused, not recursed into.
        let mut deep = vec![0x91; 100_000];
        deep.push(0xc0);
        let nested = Type::list(Type::Dynamic);
        assert!(decode_msgpack(&deep, &nested).is_err());
        assert!(decode_msgpack(&[0xd4, 0x05, 0x00], &Type::String).unwrap_err().message.contains("extension type 5"));
        assert!(decode_msgpack(&[0xa2, 0xff, 0xfe], &Type::String).unwrap_err().message.contains("UTF-8"));
    }

    #[test]
    fn json_state_decodes_leniently_when_asked() {
        let ty = Type::object([("name", Type::String), ("n", Type::Number), ("any", Type::Dynamic)]);
        let json = br#"{"name":"x","n":"12.5","old":"gone","any":{"value":["a"],"type":["list","string"]}}"#;
        let v = decode_json(json, &ty, true).unwrap();
        assert_eq!(v.attr("name"), &Value::from("x"));
        assert_eq!(v.attr("n"), &Value::Number(Number::Big("12.5".into())));
        assert_eq!(v.attr("any"), &Value::List(vec![Value::from("a")]));
        assert_eq!(decode_json(json, &ty, false).unwrap_err().to_string(), "old: unsupported attribute");
        assert!(decode_json(b"{", &ty, true).unwrap_err().message.starts_with("malformed JSON"));
        assert_eq!(encode_json(&v)["name"], serde_json::json!("x"));
    }
}
