#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

//! The schema describes itself: every type, field, argument, input field and enum value of
//! `schema.graphql` has a description (GraphiQL shows them to every user), and no description
//! stands twice within one type, which is how a comment slid onto the wrong field shows.

use std::collections::BTreeMap;

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};

/// Where something lacks a description, or shares one with a sibling, one line each.
fn findings(sdl: &str) -> Vec<String> {
    let document = parse_schema(sdl).unwrap();
    let mut found = Vec::new();
    for definition in &document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        let ty = &ty.node;
        let name = ty.name.node.as_str();
        if ty.description.is_none() {
            found.push(format!("type {name}: no description"));
        }
        // (member, description) of each field, argument, input field or enum value.
        let mut members: Vec<(String, Option<String>)> = Vec::new();
        match &ty.kind {
            TypeKind::Object(o) => {
                for f in &o.fields {
                    let f = &f.node;
                    members.push((
                        f.name.node.to_string(),
                        f.description.as_ref().map(|d| d.node.clone()),
                    ));
                    for a in &f.arguments {
                        let a = &a.node;
                        let arg = format!("{}({}:)", f.name.node, a.name.node);
                        if a.description.is_none() {
                            found.push(format!("{name}.{arg}: no description"));
                        }
                    }
                }
            }
            TypeKind::Interface(i) => {
                for f in &i.fields {
                    let f = &f.node;
                    members.push((
                        f.name.node.to_string(),
                        f.description.as_ref().map(|d| d.node.clone()),
                    ));
                }
            }
            TypeKind::InputObject(i) => {
                for f in &i.fields {
                    let f = &f.node;
                    members.push((
                        f.name.node.to_string(),
                        f.description.as_ref().map(|d| d.node.clone()),
                    ));
                }
            }
            TypeKind::Enum(e) => {
                for v in &e.values {
                    let v = &v.node;
                    members.push((
                        v.value.node.to_string(),
                        v.description.as_ref().map(|d| d.node.clone()),
                    ));
                }
            }
            TypeKind::Scalar | TypeKind::Union(_) => {}
        }
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for (member, description) in &members {
            match description {
                None => found.push(format!("{name}.{member}: no description")),
                Some(d) => {
                    if let Some(first) = seen.insert(d.as_str(), member.as_str()) {
                        found.push(format!(
                            "{name}.{member}: the same description as {name}.{first}: {d:?}"
                        ));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn every_part_of_the_schema_has_a_description_of_its_own() {
    let sdl = cluster_atlas::graphql::sdl();
    let found = findings(&sdl);
    assert!(
        found.is_empty(),
        "{} findings:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn a_missing_or_repeated_description_is_found() {
    let sdl = "\"A\" type A { \"x\" x: Int \"x\" y: Int z(n: Int): Int }";
    let found = findings(sdl);
    assert_eq!(found.len(), 3, "{found:?}");
}
