//! Terraform values and types (cty), independent of their wire encoding.

use std::collections::BTreeMap;
use std::fmt;

/// A cty type. Serialised to JSON in schemas (`"string"`, `["list","string"]`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    Bool,
    Number,
    String,
    /// Any type; values carry their type on the wire.
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Type>),
    Tuple(Vec<Type>),
}

impl Type {
    pub fn list(t: Type) -> Self {
        Self::List(Box::new(t))
    }

    pub fn set(t: Type) -> Self {
        Self::Set(Box::new(t))
    }

    pub fn map(t: Type) -> Self {
        Self::Map(Box::new(t))
    }

    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Type)>) -> Self {
        Self::Object(attrs.into_iter().map(|(k, t)| (k.into(), t)).collect())
    }

    /// The JSON form Terraform uses in schemas and for dynamic values.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::{Value as J, json};
        match self {
            Self::Bool => J::from("bool"),
            Self::Number => J::from("number"),
            Self::String => J::from("string"),
            Self::Dynamic => J::from("dynamic"),
            Self::List(t) => json!(["list", t.to_json()]),
            Self::Set(t) => json!(["set", t.to_json()]),
            Self::Map(t) => json!(["map", t.to_json()]),
            Self::Object(attrs) => {
                let m: serde_json::Map<String, J> = attrs.iter().map(|(k, t)| (k.clone(), t.to_json())).collect();
                json!(["object", m])
            }
            Self::Tuple(ts) => json!(["tuple", ts.iter().map(Type::to_json).collect::<Vec<_>>()]),
        }
    }

    /// Parses the JSON form. Optional-attribute annotations (a third array element on
    /// objects) are accepted and ignored.
    pub fn from_json(j: &serde_json::Value) -> Result<Self, String> {
        use serde_json::Value as J;
        match j {
            J::String(s) => match s.as_str() {
                "bool" => Ok(Self::Bool),
                "number" => Ok(Self::Number),
                "string" => Ok(Self::String),
                "dynamic" => Ok(Self::Dynamic),
                other => Err(format!("unknown primitive type {other:?}")),
            },
            J::Array(parts) if parts.len() >= 2 => {
                let kind = parts[0].as_str().ok_or("type kind must be a string")?;
                match kind {
                    "list" => Ok(Self::list(Self::from_json(&parts[1])?)),
                    "set" => Ok(Self::set(Self::from_json(&parts[1])?)),
                    "map" => Ok(Self::map(Self::from_json(&parts[1])?)),
                    "object" => {
                        let attrs = parts[1].as_object().ok_or("object type needs a map of attributes")?;
                        let mut out = BTreeMap::new();
                        for (k, v) in attrs {
                            out.insert(k.clone(), Self::from_json(v)?);
                        }
                        Ok(Self::Object(out))
                    }
                    "tuple" => {
                        let elems = parts[1].as_array().ok_or("tuple type needs a list of element types")?;
                        Ok(Self::Tuple(elems.iter().map(Self::from_json).collect::<Result<_, _>>()?))
                    }
                    other => Err(format!("unknown type kind {other:?}")),
                }
            }
            _ => Err("a type is a string or an array".to_owned()),
        }
    }

    /// The best type describing a value, for encoding dynamic values.
    pub fn infer(v: &Value) -> Self {
        match v {
            Value::Null | Value::Unknown => Self::Dynamic,
            Value::Bool(_) => Self::Bool,
            Value::Number(_) => Self::Number,
            Value::String(_) => Self::String,
            Value::List(items) => Self::list(items.first().map_or(Self::Dynamic, Self::infer)),
            Value::Set(items) => Self::set(items.first().map_or(Self::Dynamic, Self::infer)),
            Value::Map(m) => Self::map(m.values().next().map_or(Self::Dynamic, Self::infer)),
            Value::Object(m) => Self::Object(m.iter().map(|(k, v)| (k.clone(), Self::infer(v))).collect()),
            Value::Tuple(items) => Self::Tuple(items.iter().map(Self::infer).collect()),
        }
    }
}

/// A Terraform number. Terraform numbers are arbitrary precision; they arrive as msgpack
/// integers, floats or decimal strings, and each form is kept as it came.
#[derive(Clone, PartialEq)]
pub enum Number {
    Int(i64),
    Float(f64),
    /// A decimal that fits neither i64 nor f64 exactly, kept as text (validated).
    Big(String),
}

impl Number {
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Int(i) => Some(*i),
            Self::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(*f as i64),
            Self::Float(_) => None,
            Self::Big(s) => s.parse().ok(),
        }
    }

    pub fn as_f64(&self) -> f64 {
        match self {
            Self::Int(i) => *i as f64,
            Self::Float(f) => *f,
            Self::Big(s) => s.parse().unwrap_or(f64::NAN),
        }
    }

    /// Accepts a decimal number in the forms Terraform writes (`12`, `-3.5`, `1e400`).
    pub fn parse_decimal(s: &str) -> Option<Self> {
        if let Ok(i) = s.parse::<i64>() {
            return Some(Self::Int(i));
        }
        let t = s.strip_prefix('-').unwrap_or(s);
        let (mantissa, exp) = match t.find(['e', 'E']) {
            Some(i) => (&t[..i], Some(&t[i + 1..])),
            None => (t, None),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits_ok =
            !int.is_empty() && int.bytes().all(|b| b.is_ascii_digit()) && frac.bytes().all(|b| b.is_ascii_digit());
        let exp_ok = exp.is_none_or(|e| {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
        });
        (digits_ok && exp_ok).then(|| Self::Big(s.to_owned()))
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(i) => write!(f, "{i}"),
            Self::Float(x) => write!(f, "{x}"),
            Self::Big(s) => f.write_str(s),
        }
    }
}

/// A Terraform value. `Unknown` is a value not known until apply; `Null` is an absent one.
#[derive(Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Unknown,
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    Set(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Object(BTreeMap<String, Value>),
    Tuple(Vec<Value>),
}

static NULL: Value = Value::Null;

impl Value {
    pub fn string(s: impl Into<String>) -> Self {
        Self::String(s.into())
    }

    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Value)>) -> Self {
        Self::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Self::Unknown)
    }

    /// True when neither this value nor anything inside it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Self::Unknown => false,
            Self::List(v) | Self::Set(v) | Self::Tuple(v) => v.iter().all(Self::is_wholly_known),
            Self::Map(m) | Self::Object(m) => m.values().all(Self::is_wholly_known),
            _ => true,
        }
    }

    /// An object attribute; `Null` when this is not an object or lacks the attribute.
    pub fn attr(&self, name: &str) -> &Value {
        match self {
            Self::Object(m) => m.get(name).unwrap_or(&NULL),
            _ => &NULL,
        }
    }

    /// Sets an object attribute (no-op on non-objects).
    pub fn set_attr(&mut self, name: &str, v: Value) {
        if let Self::Object(m) = self {
            m.insert(name.to_owned(), v);
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Elements of a list, set or tuple.
    pub fn as_elements(&self) -> Option<&[Value]> {
        match self {
            Self::List(v) | Self::Set(v) | Self::Tuple(v) => Some(v),
            _ => None,
        }
    }

    /// Entries of a map or object.
    pub fn as_entries(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Self::Map(m) | Self::Object(m) => Some(m),
            _ => None,
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("null"),
            Self::Unknown => f.write_str("(unknown)"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Number(n) => write!(f, "{n}"),
            Self::String(s) => write!(f, "{s:?}"),
            Self::List(v) | Self::Tuple(v) => f.debug_list().entries(v).finish(),
            Self::Set(v) => f.debug_set().entries(v).finish(),
            Self::Map(m) | Self::Object(m) => f.debug_map().entries(m).finish(),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Self::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Self::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Self::Number(Number::Int(i))
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Self {
        o.map_or(Self::Null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_json_round_trips() {
        let t = Type::object([
            ("name", Type::String),
            ("scopes", Type::list(Type::String)),
            ("labels", Type::map(Type::String)),
            ("pair", Type::Tuple(vec![Type::Bool, Type::Number])),
            ("any", Type::Dynamic),
            ("tags", Type::set(Type::String)),
        ]);
        let j = t.to_json();
        assert_eq!(Type::from_json(&j).unwrap(), t);
        assert_eq!(serde_json::to_string(&Type::list(Type::String).to_json()).unwrap(), r#"["list","string"]"#);
        assert!(Type::from_json(&serde_json::json!("strong")).is_err());
        assert!(Type::from_json(&serde_json::json!(["list"])).is_err());
        assert!(Type::from_json(&serde_json::json!(42)).is_err());
    }

    #[test]
    fn numbers_in_every_form() {
        assert_eq!(Number::parse_decimal("42"), Some(Number::Int(42)));
        assert_eq!(Number::parse_decimal("-1.5e10").map(|n| n.to_string()), Some("-1.5e10".into()));
        assert_eq!(Number::parse_decimal("99999999999999999999").unwrap().as_i64(), None);
        for bad in ["", "-", "1.2.3", "e5", "1e", "0x10", "NaN", " 1"] {
            assert!(Number::parse_decimal(bad).is_none(), "{bad}");
        }
        assert_eq!(Number::Float(3.0).as_i64(), Some(3));
        assert_eq!(Number::Float(3.5).as_i64(), None);
    }

    #[test]
    fn known_ness_looks_inside() {
        let v = Value::object([("a", Value::List(vec![Value::from("x"), Value::Unknown]))]);
        assert!(!v.is_wholly_known());
        assert!(Value::object([("a", Value::Null)]).is_wholly_known());
        assert_eq!(v.attr("missing"), &Value::Null);
    }
}
