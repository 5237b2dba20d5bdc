//! Response maps in the order of the selection. async-graphql resolves an object's fields
//! concurrently and inserts each into the map as it completes (its issue #612), so a field
//! that waits on the store comes after one that does not. The specification asks for the
//! order its CollectFields gives; this walks the response beside the operation and sorts
//! each map into that order. Fields skipped by `@skip`/`@include` and fragments whose type
//! condition does not hold take no place, as in CollectFields.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use async_graphql::parser::types::{
    BaseType, Directive, DocumentOperations, ExecutableDocument, Field, OperationType, Selection,
    SelectionSet, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, Positioned, Value, Variables};

/// What ordering needs of the schema: each type's fields with the named type they return,
/// and the abstract types each object type belongs to.
#[derive(Default)]
struct Types {
    fields: HashMap<String, HashMap<String, String>>,
    /// Object type -> the interfaces it implements and the unions it is a member of.
    belongs_to: HashMap<String, HashSet<String>>,
    /// Interface or union -> its object types.
    possible: HashMap<String, Vec<String>>,
    roots: [String; 3],
}

fn types() -> &'static Types {
    static TYPES: OnceLock<Types> = OnceLock::new();
    TYPES.get_or_init(|| Types::of_sdl(&super::sdl()))
}

impl Types {
    fn of_sdl(sdl: &str) -> Self {
        let mut types = Self {
            roots: ["QueryRoot", "MutationRoot", "SubscriptionRoot"].map(String::from),
            ..Self::default()
        };
        // Our own SDL: it parses, or the schema test fails long before this runs.
        let Ok(document) = async_graphql::parser::parse_schema(sdl) else {
            return types;
        };
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => types.read_roots(&schema.node),
                TypeSystemDefinition::Type(ty) => types.read_type(ty.node),
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        types
    }

    fn read_roots(&mut self, schema: &async_graphql::parser::types::SchemaDefinition) {
        let named = [&schema.query, &schema.mutation, &schema.subscription];
        for (root, name) in self.roots.iter_mut().zip(named) {
            if let Some(name) = name {
                *root = name.node.to_string();
            }
        }
    }

    fn read_type(&mut self, ty: async_graphql::parser::types::TypeDefinition) {
        let name = ty.name.node.to_string();
        let (fields, supertypes) = match ty.kind {
            TypeKind::Object(object) => (object.fields, object.implements),
            TypeKind::Interface(interface) => (interface.fields, Vec::new()),
            TypeKind::Union(union) => {
                for member in union.members {
                    self.join(member.node.to_string(), &name);
                }
                return;
            }
            TypeKind::Scalar | TypeKind::Enum(_) | TypeKind::InputObject(_) => return,
        };
        for interface in supertypes {
            self.join(name.clone(), interface.node.as_str());
        }
        let fields = fields
            .into_iter()
            .map(|f| {
                (
                    f.node.name.node.to_string(),
                    named_type(&f.node.ty.node.base),
                )
            })
            .collect();
        self.fields.insert(name, fields);
    }

    fn join(&mut self, object: String, abstract_type: &str) {
        self.possible
            .entry(abstract_type.to_owned())
            .or_default()
            .push(object.clone());
        self.belongs_to
            .entry(object)
            .or_default()
            .insert(abstract_type.to_owned());
    }

    /// Whether a fragment on `condition` applies to an object of type `ty`; an object
    /// whose type is unknown (introspection's) takes every fragment.
    fn applies(&self, condition: &str, ty: Option<&str>) -> bool {
        ty.is_none_or(|ty| {
            condition == ty
                || self
                    .belongs_to
                    .get(ty)
                    .is_some_and(|s| s.contains(condition))
        })
    }

    fn field_type(&self, ty: Option<&str>, field: &str) -> Option<&str> {
        self.fields.get(ty?)?.get(field).map(String::as_str)
    }
}

fn named_type(base: &BaseType) -> String {
    match base {
        BaseType::Named(name) => name.to_string(),
        BaseType::List(inner) => named_type(&inner.base),
    }
}

/// Sorts every map of `data` into the order `document`'s operation selects it. A request
/// that names no operation of the document leaves `data` as it is: it was refused before
/// execution, so there is nothing to order.
pub fn restore(
    data: &mut Value,
    document: &ExecutableDocument,
    operation: Option<&str>,
    variables: &Variables,
) {
    if matches!(data, Value::Null) {
        return;
    }
    let Some((ty, selection)) = operation_of(document, operation) else {
        return;
    };
    let types = types();
    let root = &types.roots[match ty {
        OperationType::Query => 0,
        OperationType::Mutation => 1,
        OperationType::Subscription => 2,
    }];
    let walk = Walk {
        types,
        document,
        variables,
    };
    walk.value(data, &[selection], Some(root));
}

fn operation_of<'d>(
    document: &'d ExecutableDocument,
    name: Option<&str>,
) -> Option<(OperationType, &'d SelectionSet)> {
    let operation = match (&document.operations, name) {
        (DocumentOperations::Single(op), _) => op,
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name)?,
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next()?,
        (DocumentOperations::Multiple(_), None) => return None,
    };
    Some((operation.node.ty, &operation.node.selection_set.node))
}

struct Walk<'a> {
    types: &'a Types,
    document: &'a ExecutableDocument,
    variables: &'a Variables,
}

/// A response key with the fields that share it, in the order CollectFields meets them.
type Collected<'a> = Vec<(&'a Name, Vec<&'a Field>)>;

impl<'a> Walk<'a> {
    /// Orders `value`, the result of `selections` (the fields sharing one response key) on
    /// an object, list of objects or leaf of type `ty`.
    fn value(&self, value: &mut Value, selections: &[&'a SelectionSet], ty: Option<&str>) {
        // The items of a list share their selection: collected once per object type.
        let mut collected = Vec::new();
        match value {
            Value::List(items) => {
                for item in items {
                    self.item(item, selections, ty, &mut collected);
                }
            }
            _ => self.item(value, selections, ty, &mut collected),
        }
    }

    /// Orders one value of `value`'s position; `collected` keeps CollectFields' answer for
    /// each object type met so far at this position.
    fn item(
        &self,
        value: &mut Value,
        selections: &[&'a SelectionSet],
        ty: Option<&str>,
        collected: &mut Vec<(Option<String>, Collected<'a>)>,
    ) {
        let map = match value {
            Value::List(_) => return self.value(value, selections, ty),
            Value::Object(map) => map,
            _ => return,
        };
        let ty = self.concrete(map, selections, ty);
        let at = match collected.iter().position(|(t, _)| *t == ty) {
            Some(at) => at,
            None => {
                collected.push((ty.clone(), self.collect(selections, ty.as_deref())));
                collected.len() - 1
            }
        };
        let fields_by_key = &collected[at].1;
        // A key the selection does not name (none should exist) goes last.
        let position = |key: &Name| {
            fields_by_key
                .iter()
                .position(|(k, _)| *k == key)
                .unwrap_or(usize::MAX)
        };
        map.sort_by(|a, _, b, _| position(a).cmp(&position(b)));
        for (key, fields) in fields_by_key {
            let Some(child) = map.get_mut(*key) else {
                continue;
            };
            let field_type = self
                .types
                .field_type(ty.as_deref(), fields[0].name.node.as_str());
            let sets: Vec<&SelectionSet> = fields.iter().map(|f| &f.selection_set.node).collect();
            self.value(child, &sets, field_type);
        }
    }

    /// The object type of `map` where its position's type is abstract: its `__typename`
    /// when selected, else the one possible type that has every key the map holds (all
    /// the possible types having them means no fragment tells them apart).
    fn concrete(
        &self,
        map: &async_graphql::indexmap::IndexMap<Name, Value>,
        selections: &[&'a SelectionSet],
        ty: Option<&str>,
    ) -> Option<String> {
        let ty = ty?;
        let Some(possible) = self.types.possible.get(ty) else {
            return Some(ty.to_owned());
        };
        let typename = self
            .collect(selections, None)
            .into_iter()
            .find(|(_, fields)| fields[0].name.node == "__typename")
            .and_then(|(key, _)| match map.get(key) {
                Some(Value::String(name)) => Some(name.clone()),
                _ => None,
            });
        if typename.is_some() {
            return typename;
        }
        let fits: Vec<&String> = possible
            .iter()
            .filter(|object| {
                let keys: HashSet<&Name> = self
                    .collect(selections, Some(object))
                    .into_iter()
                    .map(|(k, _)| k)
                    .collect();
                map.keys().all(|k| keys.contains(k))
            })
            .collect();
        match fits.as_slice() {
            [only] => Some((*only).clone()),
            // Ordered as if every fragment applied: right unless two fits order apart.
            _ => None,
        }
    }

    /// CollectFields of `selections` on an object of type `ty`.
    fn collect(&self, selections: &[&'a SelectionSet], ty: Option<&str>) -> Collected<'a> {
        let mut out = Collected::new();
        let mut visited = HashSet::new();
        for set in selections {
            self.collect_into(set, ty, &mut out, &mut visited);
        }
        out
    }

    fn collect_into(
        &self,
        set: &'a SelectionSet,
        ty: Option<&str>,
        out: &mut Collected<'a>,
        visited: &mut HashSet<&'a str>,
    ) {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    if !self.included(&field.node.directives) {
                        continue;
                    }
                    let key = &field.node.response_key().node;
                    match out.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, fields)) => fields.push(&field.node),
                        None => out.push((key, vec![&field.node])),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if !self.included(&spread.node.directives) || !visited.insert(name) {
                        continue;
                    }
                    let Some(fragment) = self.document.fragments.get(name) else {
                        continue;
                    };
                    let condition = fragment.node.type_condition.node.on.node.as_str();
                    if self.types.applies(condition, ty) {
                        self.collect_into(&fragment.node.selection_set.node, ty, out, visited);
                    }
                }
                Selection::InlineFragment(inline) => {
                    let condition = inline.node.type_condition.as_ref();
                    let applies =
                        condition.is_none_or(|c| self.types.applies(c.node.on.node.as_str(), ty));
                    if self.included(&inline.node.directives) && applies {
                        self.collect_into(&inline.node.selection_set.node, ty, out, visited);
                    }
                }
            }
        }
    }

    /// Whether `@skip` and `@include` keep a selection.
    fn included(&self, directives: &[Positioned<Directive>]) -> bool {
        directives.iter().all(|d| {
            let condition = || {
                d.node.get_argument("if").map(|v| {
                    let value = v
                        .node
                        .clone()
                        .into_const_with(|name| self.variables.get(&name).cloned().ok_or(()));
                    matches!(value, Ok(Value::Boolean(true)))
                })
            };
            match d.node.name.node.as_str() {
                "skip" => condition() != Some(true),
                "include" => condition() != Some(false),
                _ => true,
            }
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    /// `data` (JSON, in the order it is written) ordered by `query`.
    fn ordered(query: &str, data: &str) -> String {
        let mut value: Value = serde_json::from_str(data).unwrap();
        // A document that does not parse never reaches execution: nothing to order.
        if let Ok(document) = async_graphql::parser::parse_query(query) {
            restore(&mut value, &document, None, &Variables::default());
        }
        serde_json::to_string(&value).unwrap()
    }

    #[test]
    fn maps_follow_the_selection_at_every_depth() {
        let query = "{ cluster(slug: \"x\") { name contacts { name role } established } }";
        let data = r#"{ "cluster": { "established": "2000-02-26",
            "contacts": [{ "role": "r", "name": "n" }], "name": "MASIT" } }"#;
        assert_eq!(
            ordered(query, data),
            r#"{"cluster":{"name":"MASIT","contacts":[{"name":"n","role":"r"}],"established":"2000-02-26"}}"#
        );
    }

    #[test]
    fn fragments_aliases_and_skips_take_their_place() {
        let query = "query($no: Boolean!) { cluster(slug: \"x\") { ...F b: name \
                     slug @skip(if: $no) established } } \
                     fragment F on Cluster { slug id }";
        let data =
            r#"{ "cluster": { "b": "MASIT", "established": "2000", "id": "1", "slug": "masit" } }"#;
        let mut value: Value = serde_json::from_str(data).unwrap();
        let variables = Variables::from_json(serde_json::json!({ "no": false }));
        let document = async_graphql::parser::parse_query(query).unwrap();
        restore(&mut value, &document, None, &variables);
        let json = serde_json::to_string(&value).unwrap();
        assert_eq!(
            json,
            r#"{"cluster":{"slug":"masit","id":"1","b":"MASIT","established":"2000"}}"#
        );
    }

    #[test]
    fn a_union_member_is_ordered_by_its_own_fragments() {
        // For a NewsItem, `title` comes first: the Cluster fragment does not apply to it.
        let query = "{ search(query: \"x\") { edges { node { entity { \
                     ... on Cluster { title: name } kind: __typename ... on NewsItem { title } \
                     } } } } }";
        let data = r#"{ "search": { "edges": [{ "node": { "entity": { "title": "t", "kind": "NewsItem" } } }] } }"#;
        let json = ordered(query, data);
        assert!(
            json.contains(r#"{"kind":"NewsItem","title":"t"}"#),
            "{json}"
        );
    }

    #[test]
    fn what_is_not_an_operation_of_the_document_stays_as_it_is() {
        let data = r#"{ "b": 1, "a": 2 }"#;
        assert_eq!(ordered("{ a b", data), r#"{"b":1,"a":2}"#);
        assert_eq!(ordered("{ a b }", data), r#"{"a":2,"b":1}"#);
        let two = "query A { a b } query B { b a }";
        assert_eq!(ordered(two, data), r#"{"b":1,"a":2}"#);
    }
}
