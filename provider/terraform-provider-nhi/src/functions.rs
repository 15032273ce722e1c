//! Provider functions (Terraform 1.8+): the policy vocabulary, available in expressions.
//!
//! ```hcl
//! locals {
//!   ttl_ok = provider::nhi::duration_seconds("15m") <= provider::nhi::duration_seconds("1h")
//!   broad  = provider::nhi::is_broad_scope("invoices:*")  # true
//!   left   = provider::nhi::days_until(nhi_service_account.a.expires_at, plantimestamp())
//!   status = provider::nhi::expiry_status(nhi_service_account.a.expires_at, plantimestamp(), "30d")
//! }
//! ```
//!
//! Functions are pure: the time is always an argument, never read from the clock.

use nhi_core::{ExpiryStatus, Scope, Timestamp, Ttl};
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

fn timestamp_arg(args: &[Value], i: usize) -> Result<Timestamp, FunctionError> {
    nhi_core::parse_timestamp(string_arg(args, i)?)
        .map_err(|e| FunctionError { text: e.to_string(), argument: Some(i) })
}

fn expires_at_param() -> Parameter {
    string_param("expires_at", "An expiry, RFC 3339, such as an account's `expires_at`.")
}

fn now_param() -> Parameter {
    string_param("now", "The moment to judge at, RFC 3339: usually `plantimestamp()`.")
}

/// `days_until(expires_at, now)` → whole days left, rounded down (negative once past).
pub struct DaysUntil;

impl Function for DaysUntil {
    fn name(&self) -> &'static str {
        "days_until"
    }

    fn signature(&self) -> Signature {
        Signature {
            parameters: vec![expires_at_param(), now_param()],
            variadic: None,
            returns: Type::Number,
            summary: "Whole days from now until an expiry".into(),
            description: "Whole days from `now` until `expires_at`, rounded down: `0` with less than a day left, `-1` up to a day after the expiry. Pure: pass the time, e.g. `plantimestamp()`.".into(),
        }
    }

    fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError> {
        let (expires_at, now) = (timestamp_arg(&args, 0)?, timestamp_arg(&args, 1)?);
        Ok(Value::Number(Number::Int(nhi_core::days_until(expires_at, now))))
    }
}

/// `expiry_status(expires_at, now, warn_before)` → `"ok"`, `"expiring"` or `"expired"`.
pub struct ExpiryStatusFunction;

impl Function for ExpiryStatusFunction {
    fn name(&self) -> &'static str {
        "expiry_status"
    }

    fn signature(&self) -> Signature {
        Signature {
            parameters: vec![
                expires_at_param(),
                now_param(),
                string_param("warn_before", "The warning window, an nhi duration such as `30d`."),
            ],
            variadic: None,
            returns: Type::String,
            summary: "Whether an expiry is ok, expiring or expired".into(),
            description: "`\"expired\"` when `expires_at` is at or before `now`, `\"expiring\"` when it falls within `warn_before` after `now` (the window's end included), `\"ok\"` otherwise: the judgement `nhi audit` makes. Pure: pass the time, e.g. `plantimestamp()`.".into(),
        }
    }

    fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError> {
        let (expires_at, now) = (timestamp_arg(&args, 0)?, timestamp_arg(&args, 1)?);
        let window =
            Ttl::parse(string_arg(&args, 2)?).map_err(|e| FunctionError { text: e.to_string(), argument: Some(2) })?;
        Ok(Value::from(ExpiryStatus::at(expires_at, now, window.as_signed_duration()).as_str()))
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

    #[test]
    fn expiry_functions_take_the_time_as_an_argument() {
        let now = Value::from("2026-06-01T00:00:00Z");
        let days = |e: &str| DaysUntil.call(vec![Value::from(e), now.clone()]);
        assert_eq!(days("2026-06-11T12:00:00Z"), Ok(Value::from(10)));
        assert_eq!(days("2026-05-31T12:00:00Z"), Ok(Value::from(-1)));
        assert_eq!(days("2026-06-11T14:00:00+02:00"), Ok(Value::from(10)), "offsets are honoured");
        assert_eq!(days("June 11").unwrap_err().argument, Some(0));
        assert_eq!(
            DaysUntil.call(vec![Value::from("2026-06-11T00:00:00Z"), Value::from("now")]).unwrap_err().argument,
            Some(1)
        );

        let status = |e: &str, w: &str| ExpiryStatusFunction.call(vec![Value::from(e), now.clone(), Value::from(w)]);
        assert_eq!(status("2026-06-01T00:00:00Z", "30d"), Ok(Value::from("expired")));
        assert_eq!(status("2026-07-01T00:00:00Z", "30d"), Ok(Value::from("expiring")));
        assert_eq!(status("2026-07-01T00:00:01Z", "30d"), Ok(Value::from("ok")));
        assert_eq!(status("2026-07-01T00:00:00Z", "a month").unwrap_err().argument, Some(2));
    }
}
