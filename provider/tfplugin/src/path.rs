//! Attribute paths: where in a value a problem is.

use std::fmt;

use crate::proto::tfplugin6 as pb;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    Attr(String),
    Key(String),
    Index(i64),
}

/// A path such as `labels["team"]` or `scopes[2]`. The empty path is the value itself.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AttributePath(Vec<Step>);

impl AttributePath {
    pub fn root() -> Self {
        Self(Vec::new())
    }

    pub fn attr(name: impl Into<String>) -> Self {
        Self(vec![Step::Attr(name.into())])
    }

    pub fn steps(&self) -> &[Step] {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    #[must_use]
    pub fn join_attr(&self, name: impl Into<String>) -> Self {
        self.with(Step::Attr(name.into()))
    }

    #[must_use]
    pub fn join_key(&self, key: impl Into<String>) -> Self {
        self.with(Step::Key(key.into()))
    }

    #[must_use]
    pub fn join_index(&self, index: usize) -> Self {
        self.with(Step::Index(i64::try_from(index).unwrap_or(i64::MAX)))
    }

    fn with(&self, step: Step) -> Self {
        let mut steps = self.0.clone();
        steps.push(step);
        Self(steps)
    }

    pub(crate) fn to_proto(&self) -> pb::AttributePath {
        use pb::attribute_path::step::Selector;
        let steps = self
            .0
            .iter()
            .map(|s| pb::attribute_path::Step {
                selector: Some(match s {
                    Step::Attr(a) => Selector::AttributeName(a.clone()),
                    Step::Key(k) => Selector::ElementKeyString(k.clone()),
                    Step::Index(i) => Selector::ElementKeyInt(*i),
                }),
            })
            .collect();
        pb::AttributePath { steps }
    }
}

impl fmt::Display for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(root)");
        }
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Attr(a) if i == 0 => f.write_str(a)?,
                Step::Attr(a) => write!(f, ".{a}")?,
                Step::Key(k) => write!(f, "[{k:?}]")?,
                Step::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

impl fmt::Debug for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AttributePath({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_terraform_addresses() {
        let p = AttributePath::attr("policy").join_attr("max_lifetime");
        assert_eq!(p.to_string(), "policy.max_lifetime");
        assert_eq!(AttributePath::attr("labels").join_key("team").to_string(), "labels[\"team\"]");
        assert_eq!(AttributePath::attr("scopes").join_index(2).to_string(), "scopes[2]");
        assert_eq!(AttributePath::root().to_string(), "(root)");
        assert_eq!(p.to_proto().steps.len(), 2);
    }
}
