//! The shape of a query document, measured before anything runs: how deep its fields nest,
//! how many root fields and aliases it has, how many fields it expands to. Each fragment is
//! measured once and reused, so a fragment bomb (fragments spreading others many times over)
//! costs no more to measure than to read, and a cycle of fragments is found, not followed.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// Levels of selection sets and fragments a document may nest, as async-graphql's own
/// recursion check counts them: deeper is refused here before anything recurses further.
pub const MAX_NESTING: usize = 32;

/// Brackets (`{`, `[`, `(`) a document's text may nest. The parser recurses once per
/// level and nothing bounds its recursion into list and object values: a list nested a few
/// thousand deep overflowed the stack.
pub const MAX_BRACKETS: usize = 64;

/// How deep the brackets of a document's text nest, strings and comments aside: a scan
/// that needs no stack, to run before the parser does.
pub fn bracket_depth(text: &str) -> usize {
    let b = text.as_bytes();
    let (mut i, mut depth, mut most) = (0, 0usize, 0);
    while i < b.len() {
        match b[i] {
            b'#' => {
                while i < b.len() && !matches!(b[i], b'\n' | b'\r') {
                    i += 1;
                }
            }
            b'"' if b[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < b.len() && !b[i..].starts_with(b"\"\"\"") {
                    i += if b[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < b.len() && !matches!(b[i], b'"' | b'\n') {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                most = most.max(depth);
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    most
}

/// A document's measure: the largest of its operations', and the fields of all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shape {
    /// Fields at the top level (root fields, for an operation).
    pub top: u64,
    /// Fields at every level, each fragment counted as often as it is spread: the work the
    /// validator does, which walks fragments inline.
    pub fields: u64,
    pub aliases: u64,
    /// The longest chain of nested fields. Introspection's own nesting does not count: it
    /// is bounded by the schema, not the store, and GraphiQL's query nests 15 deep.
    pub depth: usize,
    /// Whether the top level asks for `__schema` or `__type`.
    pub introspects: bool,
    /// Levels of selection sets and fragments below this one.
    nesting: usize,
}

impl Shape {
    /// Adds what a fragment or inline fragment contributes at this level.
    fn absorb(&mut self, inner: Shape) {
        self.top = self.top.saturating_add(inner.top);
        self.fields = self.fields.saturating_add(inner.fields);
        self.aliases = self.aliases.saturating_add(inner.aliases);
        self.depth = self.depth.max(inner.depth);
        self.introspects |= inner.introspects;
        self.nesting = self.nesting.max(inner.nesting + 1);
    }
}

/// Why a document cannot be measured.
#[derive(Debug, PartialEq, Eq)]
pub enum Unmeasurable {
    /// Selection sets and fragments nest deeper than [`MAX_NESTING`].
    TooDeep,
    /// The named fragment spreads itself, directly or through others.
    Cycle(String),
}

/// Measures every operation and fragment definition of `doc`: the validator visits them
/// all, the executed operation or not.
pub fn measure(doc: &ExecutableDocument) -> Result<Shape, Unmeasurable> {
    let mut walk = Walk {
        doc,
        fragments: HashMap::new(),
    };
    let mut whole = Shape::default();
    for (_, operation) in doc.operations.iter() {
        let op = walk.set(&operation.node.selection_set.node, 0)?;
        whole.top = whole.top.max(op.top);
        whole.aliases = whole.aliases.max(op.aliases);
        whole.depth = whole.depth.max(op.depth);
        whole.introspects |= op.introspects;
        whole.fields = whole.fields.saturating_add(op.fields);
    }
    for name in doc.fragments.keys() {
        if let Some(fragment) = walk.fragment(name, 0)? {
            whole.fields = whole.fields.saturating_add(fragment.fields);
        }
    }
    Ok(whole)
}

struct Walk<'a> {
    doc: &'a ExecutableDocument,
    /// Each fragment's shape once measured; `None` while it is being measured.
    fragments: HashMap<&'a str, Option<Shape>>,
}

impl<'a> Walk<'a> {
    fn set(&mut self, set: &'a SelectionSet, level: usize) -> Result<Shape, Unmeasurable> {
        if level > MAX_NESTING {
            return Err(Unmeasurable::TooDeep);
        }
        let mut shape = Shape::default();
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let introspection = matches!(field.name.node.as_str(), "__schema" | "__type");
                    let children = &field.selection_set.node;
                    let inner = if children.items.is_empty() {
                        Shape::default()
                    } else {
                        let inner = self.set(children, level + 1)?;
                        shape.nesting = shape.nesting.max(inner.nesting + 1);
                        inner
                    };
                    shape.top = shape.top.saturating_add(1);
                    shape.fields = shape.fields.saturating_add(1).saturating_add(inner.fields);
                    shape.aliases = shape
                        .aliases
                        .saturating_add(u64::from(field.alias.is_some()))
                        .saturating_add(inner.aliases);
                    let depth = if introspection { 1 } else { 1 + inner.depth };
                    shape.depth = shape.depth.max(depth);
                    shape.introspects |= introspection;
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    // An unknown fragment is the validator's to report.
                    if let Some(inner) = self.fragment(name, level + 1)? {
                        shape.absorb(inner);
                    }
                }
                Selection::InlineFragment(inline) => {
                    let inner = self.set(&inline.node.selection_set.node, level + 1)?;
                    shape.absorb(inner);
                }
            }
        }
        Ok(shape)
    }

    /// The named fragment's shape, its selection set at `level`; `None` if there is none.
    fn fragment(&mut self, name: &'a str, level: usize) -> Result<Option<Shape>, Unmeasurable> {
        match self.fragments.get(name) {
            Some(Some(shape)) if level + shape.nesting > MAX_NESTING => {
                return Err(Unmeasurable::TooDeep);
            }
            Some(Some(shape)) => return Ok(Some(*shape)),
            Some(None) => return Err(Unmeasurable::Cycle(name.to_owned())),
            None => {}
        }
        let Some((key, definition)) = self.doc.fragments.get_key_value(name) else {
            return Ok(None);
        };
        self.fragments.insert(key.as_str(), None);
        let shape = self.set(&definition.node.selection_set.node, level)?;
        self.fragments.insert(key.as_str(), Some(shape));
        Ok(Some(shape))
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a test should fail loudly")]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn shape(query: &str) -> Result<Shape, Unmeasurable> {
        measure(&parse_query(query).unwrap())
    }

    #[test]
    fn fields_aliases_depth_and_root_fields_count_through_fragments() {
        let s = shape(
            "{ a: cluster(slug: \"x\") { ...F } b: cluster(slug: \"y\") { ...F } __typename }
             fragment F on Cluster { name n: slug news { edges { node { title } } } }",
        );
        let s = s.unwrap();
        assert_eq!((s.top, s.aliases, s.depth), (3, 4, 5));
        // 3 root fields and F twice (6 fields each) in the operation, F once more on its own.
        assert_eq!(s.fields, 3 + 12 + 6);
        assert!(!s.introspects);
    }

    #[test]
    fn a_fragment_bomb_is_measured_without_expanding_it() {
        let mut query = String::from("{ cluster(slug: \"x\") { ...F0 } }");
        for i in 0..30 {
            let next = i + 1;
            query.push_str(&format!(
                " fragment F{i} on Cluster {{ ...F{next} ...F{next} }}"
            ));
        }
        query.push_str(" fragment F30 on Cluster { name }");
        let s = shape(&query).unwrap();
        assert!(s.fields > 1 << 30, "{s:?}");
    }

    #[test]
    fn a_cycle_of_fragments_is_found() {
        let s = shape(
            "{ cluster(slug: \"x\") { ...A } } fragment A on Cluster { ...B } fragment B on Cluster { name ...A }",
        );
        assert!(matches!(s, Err(Unmeasurable::Cycle(_))), "{s:?}");
    }

    #[test]
    fn a_long_chain_of_fragments_is_too_deep() {
        let mut query = String::from("{ ...F0 }");
        for i in 0..40 {
            query.push_str(&format!(" fragment F{i} on QueryRoot {{ ...F{} }}", i + 1));
        }
        query.push_str(" fragment F40 on QueryRoot { __typename }");
        assert_eq!(shape(&query), Err(Unmeasurable::TooDeep));
    }

    #[test]
    fn brackets_count_outside_strings_and_comments_only() {
        assert_eq!(bracket_depth("{ a(b: [[1]]) { c } }"), 4);
        assert_eq!(
            bracket_depth(
                r#"{ a(b: "{{{[[[") # {{{{
            { c(d: """ {{{ \""" [[[ """) } }"#
            ),
            3
        );
        let deep = format!(
            "{{ nodes(ids: {}1{}) {{ id }} }}",
            "[".repeat(5000),
            "]".repeat(5000)
        );
        assert_eq!(bracket_depth(&deep), 5002);
    }

    #[test]
    fn introspection_is_seen_and_its_nesting_does_not_count_as_depth() {
        let s = shape("{ __schema { types { fields { type { ofType { ofType { name } } } } } } }");
        let s = s.unwrap();
        assert!(s.introspects);
        assert_eq!(s.depth, 1);
    }
}
