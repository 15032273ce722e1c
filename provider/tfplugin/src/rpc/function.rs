//! GetFunctions and CallFunction. Function failures travel as a `FunctionError`, as the
//! protocol asks, not as diagnostics.

use std::sync::Arc;

use super::{State, blocking};
use crate::convert::{decode, encode, function_proto};
use crate::proto::tfplugin6 as pb;
use crate::provider::FunctionError;

pub(crate) fn get_functions<P>(s: &State<P>) -> pb::get_functions::Response {
    let functions = s.functions.iter().map(|(n, (_, sig))| ((*n).into(), function_proto(sig))).collect();
    pb::get_functions::Response { functions, diagnostics: Vec::new() }
}

fn fail(text: String, argument: Option<usize>) -> pb::call_function::Response {
    pb::call_function::Response {
        result: None,
        error: Some(pb::FunctionError { text, function_argument: argument.and_then(|a| i64::try_from(a).ok()) }),
    }
}

pub(crate) async fn call<P>(s: &State<P>, req: pb::call_function::Request) -> pb::call_function::Response {
    let Some((f, sig)) = s.functions.get(req.name.as_str()) else {
        return fail(format!("this provider has no function named {:?}", req.name), None);
    };
    let mut args = Vec::with_capacity(req.arguments.len());
    for (i, dv) in req.arguments.iter().enumerate() {
        let Some(param) = sig.parameters.get(i).or(sig.variadic.as_ref()) else {
            return fail(format!("too many arguments: expected {}", sig.parameters.len()), Some(i));
        };
        match decode(Some(dv), &param.ty, "function argument") {
            Ok(v) => args.push(v),
            Err(d) => {
                let msg = d.iter().next().map(|d| d.detail.clone()).unwrap_or_default();
                return fail(format!("argument {:?}: {msg}", param.name), Some(i));
            }
        }
    }
    let f = Arc::clone(f);
    let result = blocking(
        "CallFunction",
        move || f.call(args),
        |d| {
            Err(FunctionError {
                text: d.iter().map(|d| d.detail.clone()).collect::<Vec<_>>().join("; "),
                argument: None,
            })
        },
    )
    .await;
    match result {
        Ok(v) => pb::call_function::Response { result: encode(&v, &sig.returns), error: None },
        Err(e) => fail(e.text, e.argument),
    }
}
