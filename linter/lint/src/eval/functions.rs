//! The pure Terraform functions the evaluator knows. Any other function, or any argument that
//! is not known, gives [`Value::Unknown`].

use std::collections::BTreeMap;

use super::Value;

pub fn call(name: &str, args: Vec<Value>) -> Value {
    match name {
        "jsonencode" => match args.into_iter().next() {
            Some(v) => match v.to_json() {
                Some(j) => Value::Str(j.to_string()),
                None => Value::Encoded(Box::new(v)),
            },
            None => Value::Unknown,
        },
        "jsondecode" => match args.first() {
            Some(Value::Str(s)) => serde_json::from_str(s).map(|j| Value::from_json(&j)).unwrap_or(Value::Unknown),
            Some(Value::Encoded(inner)) => (**inner).clone(),
            _ => Value::Unknown,
        },
        "yamldecode" => match args.first() {
            Some(Value::Str(s)) => super::yaml::decode(s),
            _ => Value::Unknown,
        },
        "merge" => {
            let mut out = BTreeMap::new();
            for a in args {
                match a {
                    Value::Object(o) => out.extend(o),
                    Value::Null => {}
                    _ => return Value::Unknown,
                }
            }
            Value::Object(out)
        }
        "concat" => {
            let mut out = Vec::new();
            for a in args {
                match a {
                    Value::List(l) => out.extend(l),
                    _ => return Value::Unknown,
                }
            }
            Value::List(out)
        }
        "flatten" => match args.into_iter().next() {
            Some(Value::List(l)) => {
                let mut out = Vec::new();
                flatten_into(l, &mut out);
                Value::List(out)
            }
            _ => Value::Unknown,
        },
        "toset" | "distinct" => match args.into_iter().next() {
            Some(Value::List(l)) => {
                let mut out: Vec<Value> = Vec::new();
                for v in l {
                    if !out.contains(&v) {
                        out.push(v);
                    }
                }
                Value::List(out)
            }
            _ => Value::Unknown,
        },
        // Strings in lexical order; a list with anything else is not sorted here.
        "sort" => match args.into_iter().next() {
            Some(Value::List(l)) => {
                let mut strs: Vec<String> = Vec::with_capacity(l.len());
                for v in l {
                    match v {
                        Value::Str(s) => strs.push(s),
                        _ => return Value::Unknown,
                    }
                }
                strs.sort();
                Value::List(strs.into_iter().map(Value::Str).collect())
            }
            _ => Value::Unknown,
        },
        "tolist" | "tomap" | "sensitive" | "nonsensitive" | "tostring" => {
            args.into_iter().next().unwrap_or(Value::Unknown)
        }
        "compact" => match args.into_iter().next() {
            Some(Value::List(l)) => {
                Value::List(l.into_iter().filter(|v| !matches!(v, Value::Null) && v.as_str() != Some("")).collect())
            }
            _ => Value::Unknown,
        },
        "lower" | "upper" | "trimspace" => match args.first().and_then(Value::as_str) {
            Some(s) => Value::Str(match name {
                "lower" => s.to_lowercase(),
                "upper" => s.to_uppercase(),
                _ => s.trim().to_owned(),
            }),
            None => Value::Unknown,
        },
        // `trimprefix(var.oidc_url, "https://")`: an issuer's host, as condition keys name it.
        "trimprefix" | "trimsuffix" | "trim" => {
            match (args.first().and_then(Value::as_str), args.get(1).and_then(Value::as_str)) {
                (Some(s), Some(cut)) => Value::Str(match name {
                    "trimprefix" => s.strip_prefix(cut).unwrap_or(s).to_owned(),
                    "trimsuffix" => s.strip_suffix(cut).unwrap_or(s).to_owned(),
                    _ => s.trim_matches(|c: char| cut.contains(c)).to_owned(),
                }),
                _ => Value::Unknown,
            }
        }
        "join" => match (args.first().and_then(Value::as_str), args.get(1)) {
            (Some(sep), Some(Value::List(l))) => {
                let parts: Option<Vec<&str>> = l.iter().map(Value::as_str).collect();
                parts.map_or(Value::Unknown, |p| Value::Str(p.join(sep)))
            }
            _ => Value::Unknown,
        },
        "split" => match (args.first().and_then(Value::as_str), args.get(1).and_then(Value::as_str)) {
            (Some(sep), Some(s)) if !sep.is_empty() => {
                Value::List(s.split(sep).map(|p| Value::Str(p.into())).collect())
            }
            _ => Value::Unknown,
        },
        "format" => format(&args),
        "formatlist" => formatlist(&args),
        "coalesce" => {
            for a in args {
                match a {
                    Value::Unknown => return Value::Unknown,
                    Value::Null => {}
                    Value::Str(s) if s.is_empty() => {}
                    other => return other,
                }
            }
            Value::Unknown
        }
        "coalescelist" => {
            for a in args {
                match a {
                    Value::List(l) if l.is_empty() => {}
                    Value::List(l) => return Value::List(l),
                    _ => return Value::Unknown,
                }
            }
            Value::Unknown
        }
        // The first argument that evaluates: an attribute missing from a known object reads as
        // unknown here, so `try(each.value.scope, "owner")` falls back to `"owner"`.
        "try" => args.into_iter().find(|a| !a.is_unknown()).unwrap_or(Value::Unknown),
        "lookup" => match (args.first(), args.get(1).and_then(Value::as_str)) {
            (Some(Value::Object(o)), Some(k)) => {
                o.get(k).cloned().or_else(|| args.get(2).cloned()).unwrap_or(Value::Unknown)
            }
            _ => Value::Unknown,
        },
        "element" => match (args.first(), args.get(1).and_then(Value::as_f64)) {
            (Some(Value::List(l)), Some(i)) if !l.is_empty() && i >= 0.0 => l[(i as usize) % l.len()].clone(),
            _ => Value::Unknown,
        },
        "length" => match args.first() {
            Some(Value::List(l)) => Value::Number(l.len() as f64),
            Some(Value::Object(o)) => Value::Number(o.len() as f64),
            Some(Value::Str(s)) => Value::Number(s.chars().count() as f64),
            _ => Value::Unknown,
        },
        "contains" => match (args.first(), args.get(1)) {
            (Some(Value::List(l)), Some(v)) if l.iter().all(Value::is_fully_known) && v.is_fully_known() => {
                Value::Bool(l.contains(v))
            }
            _ => Value::Unknown,
        },
        "keys" | "values" => match args.into_iter().next() {
            Some(Value::Object(o)) => Value::List(if name == "keys" {
                o.into_keys().map(Value::Str).collect()
            } else {
                o.into_values().collect()
            }),
            _ => Value::Unknown,
        },
        "replace" => match (
            args.first().and_then(Value::as_str),
            args.get(1).and_then(Value::as_str),
            args.get(2).and_then(Value::as_str),
        ) {
            (Some(s), Some(from), Some(to)) if !from.starts_with('/') && !from.is_empty() => {
                Value::Str(s.replace(from, to))
            }
            _ => Value::Unknown,
        },
        _ => Value::Unknown,
    }
}

fn flatten_into(items: Vec<Value>, out: &mut Vec<Value>) {
    for v in items {
        match v {
            Value::List(inner) => flatten_into(inner, out),
            other => out.push(other),
        }
    }
}

/// `format` with `%s`, `%d`, `%v` and `%%`; anything else is unknown.
/// `formatlist(spec, a, b…)`: `format` over the elements of the list arguments (all of one
/// length), with other arguments repeated for each.
fn formatlist(args: &[Value]) -> Value {
    let lens: Vec<usize> =
        args.iter().skip(1).filter_map(|a| if let Value::List(l) = a { Some(l.len()) } else { None }).collect();
    let Some(&n) = lens.first() else { return Value::List(vec![format(args)]) };
    if lens.iter().any(|&l| l != n) {
        return Value::Unknown;
    }
    let items = (0..n).map(|i| {
        let row: Vec<Value> = args
            .iter()
            .enumerate()
            .map(|(j, a)| match a {
                Value::List(l) if j > 0 => l[i].clone(),
                other => other.clone(),
            })
            .collect();
        format(&row)
    });
    Value::List(items.collect())
}

fn format(args: &[Value]) -> Value {
    let Some(spec) = args.first().and_then(Value::as_str) else { return Value::Unknown };
    let mut out = String::new();
    let mut rest = args[1..].iter();
    let mut chars = spec.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('s' | 'd' | 'v') => match rest.next() {
                Some(Value::Str(s)) => out.push_str(s),
                Some(Value::Number(n)) => out.push_str(&n.to_string()),
                Some(Value::Bool(b)) => out.push_str(&b.to_string()),
                _ => return Value::Unknown,
            },
            _ => return Value::Unknown,
        }
    }
    Value::Str(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::Str(x.into())
    }

    #[test]
    fn known_functions() {
        assert_eq!(
            call("concat", vec![Value::List(vec![s("a")]), Value::List(vec![s("b")])]),
            Value::List(vec![s("a"), s("b")])
        );
        assert_eq!(call("toset", vec![Value::List(vec![s("a"), s("a")])]), Value::List(vec![s("a")]));
        assert_eq!(call("format", vec![s("arn:%s:%d"), s("x"), Value::Number(3.0)]), s("arn:x:3"));
        assert_eq!(
            call("formatlist", vec![s("sa:%s:%s"), Value::List(vec![s("a"), s("b")]), s("x")]),
            Value::List(vec![s("sa:a:x"), s("sa:b:x")])
        );
        assert_eq!(call("formatlist", vec![s("%s"), Value::List(vec![s("a")]), Value::List(vec![])]), Value::Unknown);
        assert_eq!(call("jsonencode", vec![Value::List(vec![s("*")])]), s("[\"*\"]"));
        assert!(matches!(call("jsonencode", vec![Value::List(vec![Value::Unknown])]), Value::Encoded(_)));
        assert_eq!(call("merge", vec![Value::Object(BTreeMap::new()), Value::Unknown]), Value::Unknown);
        assert_eq!(call("file", vec![s("x")]), Value::Unknown);
        assert_eq!(call("try", vec![Value::Unknown, s("owner")]), s("owner"));
        assert_eq!(call("try", vec![s("reporter"), s("owner")]), s("reporter"));
        assert_eq!(call("trimprefix", vec![s("https://token.example"), s("https://")]), s("token.example"));
        assert_eq!(call("trimprefix", vec![s("token.example"), s("https://")]), s("token.example"));
        assert_eq!(call("trimsuffix", vec![s("app.json"), s(".json")]), s("app"));
        assert_eq!(call("trim", vec![s("?!hello?!"), s("!?")]), s("hello"));
        assert_eq!(call("trimprefix", vec![Value::Unknown, s("x")]), Value::Unknown);
    }
}
