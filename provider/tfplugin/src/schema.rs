//! Schemas: what attributes and blocks a provider, resource or data source has.

use std::collections::BTreeMap;

use crate::proto::tfplugin6 as pb;
use crate::value::Type;

/// How an attribute gets its value. Exactly the four legal combinations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeMode {
    Required,
    Optional,
    Computed,
    /// Set by the user or, when left out, by the provider.
    OptionalComputed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub ty: Type,
    pub mode: AttributeMode,
    pub description: String,
    pub sensitive: bool,
    /// Only ever present in configuration; never stored in plan or state (Terraform 1.11+).
    pub write_only: bool,
    pub deprecated: bool,
}

impl Attribute {
    pub fn new(name: impl Into<String>, ty: Type, mode: AttributeMode) -> Self {
        Self {
            name: name.into(),
            ty,
            mode,
            description: String::new(),
            sensitive: false,
            write_only: false,
            deprecated: false,
        }
    }

    pub fn required(name: impl Into<String>, ty: Type) -> Self {
        Self::new(name, ty, AttributeMode::Required)
    }

    pub fn optional(name: impl Into<String>, ty: Type) -> Self {
        Self::new(name, ty, AttributeMode::Optional)
    }

    pub fn computed(name: impl Into<String>, ty: Type) -> Self {
        Self::new(name, ty, AttributeMode::Computed)
    }

    pub fn optional_computed(name: impl Into<String>, ty: Type) -> Self {
        Self::new(name, ty, AttributeMode::OptionalComputed)
    }

    #[must_use]
    pub fn describe(mut self, text: impl Into<String>) -> Self {
        self.description = text.into();
        self
    }

    #[must_use]
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    #[must_use]
    pub fn write_only(mut self) -> Self {
        self.write_only = true;
        self
    }

    fn to_proto(&self) -> pb::schema::Attribute {
        use AttributeMode::*;
        pb::schema::Attribute {
            name: self.name.clone(),
            r#type: serde_json::to_vec(&self.ty.to_json()).unwrap_or_default(),
            nested_type: None,
            description: self.description.clone(),
            required: self.mode == Required,
            optional: matches!(self.mode, Optional | OptionalComputed),
            computed: matches!(self.mode, Computed | OptionalComputed),
            sensitive: self.sensitive,
            description_kind: pb::StringKind::Markdown as i32,
            deprecated: self.deprecated,
            write_only: self.write_only,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    Single,
    List,
    Set,
    Map,
    /// Like `Single`, but never null: absent means all attributes null.
    Group,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NestedBlock {
    pub name: String,
    pub block: Block,
    pub nesting: Nesting,
    pub min_items: i64,
    pub max_items: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Block {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
    pub description: String,
}

impl Block {
    pub fn new(attributes: Vec<Attribute>) -> Self {
        Self { attributes, blocks: Vec::new(), description: String::new() }
    }

    #[must_use]
    pub fn with_block(mut self, name: impl Into<String>, nesting: Nesting, block: Block) -> Self {
        let max_items = i64::from(matches!(nesting, Nesting::Single | Nesting::Group));
        self.blocks.push(NestedBlock { name: name.into(), block, nesting, min_items: 0, max_items });
        self
    }

    #[must_use]
    pub fn describe(mut self, text: impl Into<String>) -> Self {
        self.description = text.into();
        self
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The object type of values of this block.
    pub fn value_type(&self) -> Type {
        let mut attrs: BTreeMap<String, Type> =
            self.attributes.iter().map(|a| (a.name.clone(), a.ty.clone())).collect();
        for b in &self.blocks {
            let obj = b.block.value_type();
            let t = match b.nesting {
                Nesting::Single | Nesting::Group => obj,
                Nesting::List => Type::list(obj),
                Nesting::Set => Type::set(obj),
                Nesting::Map => Type::map(obj),
            };
            attrs.insert(b.name.clone(), t);
        }
        Type::Object(attrs)
    }

    fn to_proto(&self, version: i64) -> pb::schema::Block {
        use pb::schema::nested_block::NestingMode as N;
        pb::schema::Block {
            version,
            attributes: self.attributes.iter().map(Attribute::to_proto).collect(),
            block_types: self
                .blocks
                .iter()
                .map(|b| pb::schema::NestedBlock {
                    type_name: b.name.clone(),
                    block: Some(b.block.to_proto(0)),
                    nesting: match b.nesting {
                        Nesting::Single => N::Single,
                        Nesting::List => N::List,
                        Nesting::Set => N::Set,
                        Nesting::Map => N::Map,
                        Nesting::Group => N::Group,
                    } as i32,
                    min_items: b.min_items,
                    max_items: b.max_items,
                })
                .collect(),
            description: self.description.clone(),
            description_kind: pb::StringKind::Markdown as i32,
            deprecated: false,
        }
    }
}

/// A versioned block schema.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    pub version: i64,
    pub block: Block,
}

impl Schema {
    pub fn new(block: Block) -> Self {
        Self { version: 0, block }
    }

    pub fn value_type(&self) -> Type {
        self.block.value_type()
    }

    pub(crate) fn to_proto(&self) -> pb::Schema {
        pb::Schema { version: self.version, block: Some(self.block.to_proto(self.version)) }
    }
}

/// The identity of a managed resource: the few attributes that name it permanently.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentitySchema {
    pub version: i64,
    pub attributes: Vec<IdentityAttribute>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IdentityAttribute {
    pub name: String,
    pub ty: Type,
    pub required_for_import: bool,
    pub description: String,
}

impl IdentitySchema {
    pub fn value_type(&self) -> Type {
        Type::Object(self.attributes.iter().map(|a| (a.name.clone(), a.ty.clone())).collect())
    }

    pub(crate) fn to_proto(&self) -> pb::ResourceIdentitySchema {
        pb::ResourceIdentitySchema {
            version: self.version,
            identity_attributes: self
                .attributes
                .iter()
                .map(|a| pb::resource_identity_schema::IdentityAttribute {
                    name: a.name.clone(),
                    r#type: serde_json::to_vec(&a.ty.to_json()).unwrap_or_default(),
                    required_for_import: a.required_for_import,
                    optional_for_import: !a.required_for_import,
                    description: a.description.clone(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_modes_and_types() {
        let block = Block::new(vec![
            Attribute::required("name", Type::String),
            Attribute::computed("id", Type::String),
            Attribute::optional_computed("labels", Type::map(Type::String)),
            Attribute::optional("secret", Type::String).sensitive().write_only(),
        ])
        .with_block("policy", Nesting::Single, Block::new(vec![Attribute::optional("ttl", Type::String)]));
        let p = Schema::new(block.clone()).to_proto();
        let b = p.block.unwrap();
        let attr = |n: &str| b.attributes.iter().find(|a| a.name == n).unwrap().clone();
        assert!(attr("name").required && !attr("name").optional && !attr("name").computed);
        assert!(attr("id").computed && !attr("id").optional);
        assert!(attr("labels").computed && attr("labels").optional);
        assert!(attr("secret").write_only && attr("secret").sensitive);
        assert_eq!(attr("labels").r#type, br#"["map","string"]"#);
        assert_eq!(b.block_types[0].max_items, 1);
        assert_eq!(
            block.value_type(),
            Type::object([
                ("name", Type::String),
                ("id", Type::String),
                ("labels", Type::map(Type::String)),
                ("secret", Type::String),
                ("policy", Type::object([("ttl", Type::String)])),
            ])
        );
    }
}
