//! Provider functions (Terraform 1.8+): the policy vocabulary, available in expressions.
//!
//! ```hcl
//! locals {
//!   ttl_ok = provider::nhi::duration_seconds("15m") <= provider::nhi::duration_seconds("1h")
//!   broad  = provider::nhi::is_broad_scope("invoices:*")  # true
//! }
//! ```

use nhi_core::{Scope, Ttl};
use tfplugin::{Function, FunctionError, Number, Parameter, Signature, Type, Value};

fn string_param(name: &str, description: &str) -> Parameter {
    Parameter { name: name.into(), ty: Type::String, allow_null: false, description: description.into() }
}

fn string_arg(args: &[Value], i: usize) -> Result<&str, FunctionError> {
    args.get(i)
        .and_then(Value::as_str)
        .ok_or_else(|| FunctionError { text: "expected a string".into(), argument: Some(i) })
}

/// `duration_seconds("1h30m")` → `5400`: nhi's duration syntax, as the provider reads it.
pub struct DurationSeconds;

impl Function for DurationSeconds {
    fn name(&self) -> &'static str {
        "duration_seconds"
    }

    fn signature(&self) -> Signature {
        Signature {
            parameters: vec![string_param("duration", "A duration such as `15m`, `1h30m` or `90d`.")],
            variadic: None,
            returns: Type::Number,
            summary: "Number of seconds in an nhi duration".into(),
            description: "Parses a duration the way the provider's policy does (units w, d, h, m, s, largest first; or a bare number of seconds) and returns its length in seconds.".into(),
        }
    }

    fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError> {
        let ttl =
            Ttl::parse(string_arg(&args, 0)?).map_err(|e| FunctionError { text: e.to_string(), argument: Some(0) })?;
        let secs = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX);
        Ok(Value::Number(Number::Int(secs)))
    }
}

/// `is_broad_scope("invoices:*")` → `true`: the same judgement the linter makes.
pub struct IsBroadScope;

impl Function for IsBroadScope {
    fn name(&self) -> &'static str {
        "is_broad_scope"
    }

    fn signature(&self) -> Signature {
        Signature {
            parameters: vec![string_param("scope", "A scope such as `invoices:read`.")],
            variadic: None,
            returns: Type::Bool,
            summary: "Whether a scope grants more than one named action".into(),
            description: "True for wildcards anywhere (`*`, `invoices:*`) and administrative actions (`admin`, `invoices:owner`).".into(),
        }
    }

    fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError> {
        let scope = Scope::parse(string_arg(&args, 0)?)
            .map_err(|e| FunctionError { text: e.to_string(), argument: Some(0) })?;
        Ok(Value::Bool(scope.is_broad()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_scopes() {
        assert_eq!(DurationSeconds.call(vec![Value::from("1h30m")]), Ok(Value::from(5400)));
        let e = DurationSeconds.call(vec![Value::from("soon")]).unwrap_err();
        assert_eq!(e.argument, Some(0));
        assert!(e.text.contains("\"soon\""), "{}", e.text);
        assert_eq!(IsBroadScope.call(vec![Value::from("invoices:*")]), Ok(Value::Bool(true)));
        assert_eq!(IsBroadScope.call(vec![Value::from("invoices:read")]), Ok(Value::Bool(false)));
        assert_eq!(IsBroadScope.call(vec![Value::from("a b")]).unwrap_err().argument, Some(0));
    }
}
