//! Kubernetes manifests written as YAML inside strings (heredocs, `templatefile` sources,
//! files committed by `github_repository_file`), read as far as the RBAC rules need: block
//! mappings, sequences and scalars, one [`Value`] per `---` document. Flow collections,
//! anchors and multi-line scalars are not understood: what they hold reads as a plain string
//! or is skipped. Total on any input.

use std::collections::BTreeMap;

use super::Value;

/// How deep nested blocks are followed; deeper content is dropped.
const MAX_DEPTH: usize = 32;

/// One significant line: its indentation and its text without it.
struct Line<'t> {
    indent: usize,
    text: &'t str,
}

/// The documents of `text` that are mappings.
pub fn documents(text: &str) -> Vec<Value> {
    let mut docs = Vec::new();
    let mut current: Vec<Line<'_>> = Vec::new();
    for raw in text.lines() {
        let trimmed = raw.trim_end();
        if trimmed == "---" || trimmed.starts_with("--- ") || trimmed == "..." {
            docs.push(std::mem::take(&mut current));
            continue;
        }
        let body = trimmed.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        current.push(Line { indent: trimmed.len() - body.len(), text: body });
    }
    docs.push(current);
    docs.into_iter()
        .filter(|lines| !lines.is_empty())
        .filter_map(|lines| {
            let mut pos = 0;
            let indent = lines[0].indent;
            match node(&lines, &mut pos, indent, 0) {
                v @ Value::Object(_) => Some(v),
                _ => None,
            }
        })
        .collect()
}

/// The node starting at `lines[*pos]`, whose lines are indented by `indent`.
fn node(lines: &[Line<'_>], pos: &mut usize, indent: usize, depth: usize) -> Value {
    let Some(first) = lines.get(*pos) else { return Value::Null };
    if depth > MAX_DEPTH {
        skip_deeper(lines, pos, indent);
        return Value::Unknown;
    }
    if first.text == "-" || first.text.starts_with("- ") {
        sequence(lines, pos, indent, depth)
    } else {
        mapping(lines, pos, indent, depth)
    }
}

fn sequence(lines: &[Line<'_>], pos: &mut usize, indent: usize, depth: usize) -> Value {
    let mut items = Vec::new();
    while let Some(line) = lines.get(*pos) {
        if line.indent != indent || !(line.text == "-" || line.text.starts_with("- ")) {
            break;
        }
        let rest = line.text.get(1..).unwrap_or("").trim_start();
        *pos += 1;
        if rest.is_empty() {
            // `-` alone: the item is the block below.
            match lines.get(*pos) {
                Some(next) if next.indent > indent => items.push(node(lines, pos, next.indent, depth + 1)),
                _ => items.push(Value::Null),
            }
        } else if split_key(rest).is_some() {
            // `- kind: ServiceAccount` opens a mapping whose other keys line up with `kind`.
            let item_indent = indent + (line.text.len() - rest.len());
            let mut map = BTreeMap::new();
            entry(rest, lines, pos, item_indent, depth, &mut map);
            if let Value::Object(more) = mapping(lines, pos, item_indent, depth + 1) {
                map.extend(more);
            }
            items.push(Value::Object(map));
        } else {
            items.push(scalar(rest));
        }
    }
    Value::List(items)
}

fn mapping(lines: &[Line<'_>], pos: &mut usize, indent: usize, depth: usize) -> Value {
    let mut map = BTreeMap::new();
    while let Some(line) = lines.get(*pos) {
        if line.indent < indent {
            break;
        }
        if line.indent > indent || split_key(line.text).is_none() {
            // Something this reader does not follow (a continuation, a flow collection).
            *pos += 1;
            continue;
        }
        *pos += 1;
        entry(line.text, lines, pos, indent, depth, &mut map);
    }
    Value::Object(map)
}

/// Adds `key: value` (or `key:` with its block below) to `map`.
fn entry(
    text: &str,
    lines: &[Line<'_>],
    pos: &mut usize,
    indent: usize,
    depth: usize,
    map: &mut BTreeMap<String, Value>,
) {
    let Some((key, value)) = split_key(text) else { return };
    let v = if value.is_empty() {
        match lines.get(*pos) {
            // A sequence may sit at the key's own indentation (`subjects:` then `- kind: …`).
            Some(next) if next.indent > indent || (next.indent == indent && next.text.starts_with('-')) => {
                node(lines, pos, next.indent, depth + 1)
            }
            _ => Value::Null,
        }
    } else {
        scalar(value)
    };
    map.insert(unquote(key).to_owned(), v);
}

/// `key: value` → (`key`, `value`), `key:` → (`key`, ""). A colon inside quotes or a URL is
/// not a key separator.
fn split_key(text: &str) -> Option<(&str, &str)> {
    if text.starts_with(['{', '[', '-', '|', '>']) {
        return None;
    }
    let bytes = text.as_bytes();
    let mut quote = None;
    for (i, &c) in bytes.iter().enumerate() {
        match (quote, c) {
            (None, b'"' | b'\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, b':') if bytes.get(i + 1).is_none_or(|n| *n == b' ' || *n == b'\t') => {
                let key = text[..i].trim();
                return (!key.is_empty()).then(|| (key, text[i + 1..].trim()));
            }
            _ => {}
        }
    }
    None
}

fn scalar(text: &str) -> Value {
    let t = text.split(" #").next().unwrap_or(text).trim();
    match t {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" | "~" => Value::Null,
        _ => Value::Str(unquote(t).to_owned()),
    }
}

fn unquote(t: &str) -> &str {
    let t = t.trim();
    for q in ['"', '\''] {
        if let Some(inner) = t.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    t
}

fn skip_deeper(lines: &[Line<'_>], pos: &mut usize, indent: usize) {
    while lines.get(*pos).is_some_and(|l| l.indent >= indent) {
        *pos += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cluster_role_binding_reads_as_its_manifest() {
        let text = "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: x-${local.y}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n  - kind: ServiceAccount\n    name: helm-controller\n    namespace: arc-runners\n---\nkind: Kustomization\nspec:\n  path: \"./x\"\n";
        let docs = documents(text);
        assert_eq!(docs.len(), 2);
        let d = &docs[0];
        assert_eq!(d.get("kind").and_then(Value::as_str), Some("ClusterRoleBinding"));
        assert_eq!(d.get("roleRef").and_then(|r| r.get("name")).and_then(Value::as_str), Some("cluster-admin"));
        let subjects = d.get("subjects").map(Value::items).unwrap_or_default();
        assert_eq!(subjects.len(), 1);
        assert_eq!(subjects[0].get("namespace").and_then(Value::as_str), Some("arc-runners"));
        assert_eq!(docs[1].get("spec").and_then(|s| s.get("path")).and_then(Value::as_str), Some("./x"));
    }

    #[test]
    fn sequences_at_the_keys_indentation_and_odd_input_do_not_panic() {
        let d = &documents("subjects:\n- kind: Group\n  name: system:masters\n")[0];
        let s = d.get("subjects").map(Value::items).unwrap_or_default();
        assert_eq!(s[0].get("name").and_then(Value::as_str), Some("system:masters"));
        for odd in ["", "-", "- -", ":", "a:\n  - \n  -", "{a: 1}", "a: |\n  x: y\n", "  a: 1\nb: 2", "- a\n  - b:\n"] {
            let _ = documents(odd);
        }
        let deep: String = (0..100).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect();
        let _ = documents(&deep);
    }

    #[test]
    fn any_mix_of_yaml_pieces_reads_without_panicking() {
        // Deterministic pseudo-random documents built from the pieces the reader branches on.
        const PIECES: [&str; 14] =
            ["- ", "-", "a:", " b: c", "  ", "\n", "---", ":", "\"x: y\"", "'q'", " #c", "k: |", "\t", "é:"];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(seed % 24) {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                text.push_str(PIECES[(seed >> 33) as usize % PIECES.len()]);
            }
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let _ = documents(&text);
        }
    }
}
