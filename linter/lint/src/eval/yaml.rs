//! YAML read into [`Value`]s with `yaml-rust2`: the argument of `yamldecode(…)`, and
//! Kubernetes manifests written as YAML inside strings (heredocs, `templatefile` sources, files
//! committed by `github_repository_file`). Text that is only partly known keeps its holes: a
//! scalar that is a hole and nothing else is unknown, as in `jsondecode`. Total on any input.

use std::collections::{BTreeMap, HashMap};

use yaml_rust2::{Event, Yaml, YamlLoader};

use super::{HOLE, Value};

/// How deep nested collections are followed; deeper content reads as unknown.
const MAX_DEPTH: usize = 32;

/// Lines whose leading indentation and indicators (`- `, `? `) are wider than this are not
/// parsed at all: block nesting is bounded by that width, and a document nested thousands of
/// levels deep would cost a deep recursion to build and drop.
const MAX_PREFIX: usize = 512;

/// `yamldecode(text)`: the one document `text` holds, or unknown when it holds several (an
/// error in Terraform) or is not YAML.
pub fn decode(text: &str) -> Value {
    let mut docs = load(text);
    if docs.len() == 1 { docs.pop().map_or(Value::Unknown, |d| convert(&d, 0)) } else { Value::Unknown }
}

/// The documents of a multi-document manifest that are mappings, each read on its own so that
/// one document this reader cannot parse does not hide the others. A line that is only a
/// template directive (`%{ for … }`, written here as `${…}`) is skipped: it is not YAML, and
/// what it repeats is written between such lines.
pub fn documents(text: &str) -> Vec<Value> {
    let mut docs = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed.starts_with("--- ") || trimmed == "..." {
            docs.push(std::mem::take(&mut current));
            continue;
        }
        if is_directive_line(trimmed) {
            continue;
        }
        current.push_str(line);
        current.push('\n');
    }
    docs.push(current);
    docs.iter().flat_map(|d| load(d)).map(|d| convert(&d, 0)).filter(|v| matches!(v, Value::Object(_))).collect()
}

fn is_directive_line(line: &str) -> bool {
    let t = line.trim_start();
    (t == "${…}" || t == HOLE) || (t.starts_with("%{") && t.ends_with('}'))
}

/// How many nodes the documents of one text may hold once their aliases are expanded: the
/// loader copies an anchored node for every alias, so a few lines of nested aliases would
/// otherwise expand to billions of nodes.
const MAX_EXPANDED_NODES: u64 = 200_000;

/// Every document of `text`, or none when it does not parse, is nested too deep to read, or
/// its aliases expand past [`MAX_EXPANDED_NODES`].
fn load(text: &str) -> Vec<Yaml> {
    let too_deep = text
        .lines()
        .any(|l| l.bytes().take_while(|b| matches!(b, b' ' | b'\t' | b'-' | b'?' | b':')).count() > MAX_PREFIX);
    if too_deep {
        return Vec::new();
    }
    // Aliases need an anchor (`&a`) and a use (`*a`): only then is the expansion counted.
    if text.contains('&') && text.contains('*') && expanded_nodes(text).is_none_or(|n| n > MAX_EXPANDED_NODES) {
        return Vec::new();
    }
    YamlLoader::load_from_str(text).unwrap_or_default()
}

/// The number of nodes the documents of `text` hold with every alias replaced by a copy of
/// its anchored node, as the loader builds them; `None` when it does not parse. Counting stops
/// once past [`MAX_EXPANDED_NODES`].
fn expanded_nodes(text: &str) -> Option<u64> {
    let mut parser = yaml_rust2::parser::Parser::new_from_str(text);
    // Nodes per anchor id, and per open collection (its anchor id and its count so far).
    let mut sizes: HashMap<usize, u64> = HashMap::new();
    let mut open: Vec<(usize, u64)> = Vec::new();
    let mut total: u64 = 0;
    loop {
        let (event, _) = parser.next_token().ok()?;
        let closed = match event {
            Event::StreamEnd => return Some(total),
            Event::Scalar(_, _, anchor, _) => {
                if anchor > 0 {
                    sizes.insert(anchor, 1);
                }
                Some(1)
            }
            Event::Alias(anchor) => Some(sizes.get(&anchor).copied().unwrap_or(1)),
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                open.push((anchor, 1));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (anchor, n) = open.pop()?;
                if anchor > 0 {
                    sizes.insert(anchor, n);
                }
                Some(n)
            }
            _ => None,
        };
        if let Some(n) = closed {
            let count = match open.last_mut() {
                Some((_, parent)) => parent,
                None => &mut total,
            };
            *count = count.saturating_add(n);
            if *count > MAX_EXPANDED_NODES {
                return Some(*count);
            }
        }
    }
}

fn convert(y: &Yaml, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Unknown;
    }
    match y {
        Yaml::Null => Value::Null,
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Integer(i) => Value::Number(*i as f64),
        Yaml::Real(r) => r.parse().map_or_else(|_| Value::Str(r.clone()), Value::Number),
        Yaml::String(s) if s.contains(HOLE) && s.replace(HOLE, "").trim().is_empty() => Value::Unknown,
        Yaml::String(s) => Value::Str(s.clone()),
        Yaml::Array(items) => Value::List(items.iter().map(|i| convert(i, depth + 1)).collect()),
        Yaml::Hash(map) => {
            let mut out = BTreeMap::new();
            for (k, v) in map {
                if let Some(key) = key_text(k) {
                    out.insert(key, convert(v, depth + 1));
                }
            }
            Value::Object(out)
        }
        Yaml::Alias(_) | Yaml::BadValue => Value::Unknown,
    }
}

/// A mapping key as Terraform's `yamldecode` names it: scalars by their text; a collection
/// used as a key has no name.
fn key_text(k: &Yaml) -> Option<String> {
    match k {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        Yaml::Null => Some("null".to_owned()),
        _ => None,
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
    fn flow_sequences_and_compact_sequences_read_as_lists() {
        let d = &documents("rules:\n- apiGroups: [\"\"]\n  resources: [secrets, pods]\n  verbs: ['*']\n")[0];
        let rule = &d.get("rules").map(Value::items).unwrap_or_default()[0];
        let strs = |k: &str| -> Vec<String> {
            rule.get(k)
                .map(Value::items)
                .unwrap_or_default()
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        };
        assert_eq!(strs("apiGroups"), [""]);
        assert_eq!(strs("resources"), ["secrets", "pods"]);
        assert_eq!(strs("verbs"), ["*"]);
    }

    #[test]
    fn one_bad_document_does_not_hide_the_others_and_directive_lines_are_skipped() {
        let text = "a: [unclosed\n---\nkind: ClusterRoleBinding\nsubjects:\n%{ for n in names ~}\n- kind: Group\n  name: ${n}\n%{ endfor ~}\n";
        let docs = documents(text);
        assert_eq!(docs.len(), 1);
        let s = docs[0].get("subjects").map(Value::items).unwrap_or_default();
        assert_eq!(s[0].get("kind").and_then(Value::as_str), Some("Group"));
    }

    #[test]
    fn decode_gives_one_document_with_terraform_types_and_holes_unknown() {
        let hole = format!("token: {HOLE}\nport: 8080\nratio: 0.5\non: true\nnone: ~\nname: x-{HOLE}\n");
        let v = decode(&hole);
        assert_eq!(v.get("token"), Some(&Value::Unknown));
        assert_eq!(v.get("port"), Some(&Value::Number(8080.0)));
        assert_eq!(v.get("ratio"), Some(&Value::Number(0.5)));
        assert_eq!(v.get("on"), Some(&Value::Bool(true)));
        assert_eq!(v.get("none"), Some(&Value::Null));
        assert!(matches!(v.get("name"), Some(Value::Str(s)) if s.contains(HOLE)));
        assert_eq!(decode("a: 1\n---\nb: 2\n"), Value::Unknown);
        assert_eq!(decode("a: [1"), Value::Unknown);
    }

    #[test]
    fn deep_or_odd_input_reads_without_panicking() {
        for odd in [
            "",
            "-",
            "- -",
            ":",
            "a:\n  - \n  -",
            "{a: 1}",
            "a: |\n  x: y\n",
            "  a: 1\nb: 2",
            "- a\n  - b:\n",
            "*x",
            "&a [*a]",
        ] {
            let _ = documents(odd);
            let _ = decode(odd);
        }
        let deep_block: String = (0..2000).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect();
        assert!(documents(&deep_block).is_empty());
        let deep_flow = format!("a: {}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(decode(&deep_flow), Value::Unknown);
        let compact = format!("{}x", "- ".repeat(100_000));
        assert_eq!(decode(&compact), Value::Unknown);
        let nested = format!("a: {}1{}", "[".repeat(200), "]".repeat(200));
        assert!(matches!(decode(&nested).get("a"), Some(Value::List(_))));
    }

    #[test]
    fn aliases_read_as_their_anchors_until_they_would_expand_past_the_limit() {
        let v = decode("base: &b {verbs: [get]}\nrole: *b\n");
        assert_eq!(v.get("role").and_then(|r| r.get("verbs")).map(|i| i.items().len()), Some(1));
        // Each anchor holds two copies of the one before: 2^40 nodes once expanded.
        let mut laughs = String::from("a0: &a0 [x, x]\n");
        for i in 1..40 {
            laughs.push_str(&format!("a{i}: &a{i} [*a{}, *a{}]\n", i - 1, i - 1));
        }
        assert_eq!(decode(&laughs), Value::Unknown);
        assert!(documents(&laughs).is_empty());
    }

    #[test]
    fn any_mix_of_yaml_pieces_reads_without_panicking() {
        // Deterministic pseudo-random documents built from the pieces YAML branches on.
        const PIECES: [&str; 20] = [
            "- ", "-", "a:", " b: c", "  ", "\n", "---", ":", "\"x: y\"", "'q'", " #c", "k: |", "\t", "é:", "[", "]",
            "{", "}", ", ", "&x *x",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(seed % 24) {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                text.push_str(PIECES[(seed >> 33) as usize % PIECES.len()]);
            }
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let _ = documents(&text);
            let _ = decode(&text);
        }
    }
}
