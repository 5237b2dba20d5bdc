//! Relay connection arguments: page-size caps, cursor codecs and the store window they make.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{ObjectType, OutputType};
use sea_orm::Value;

use super::ids::{decode_cursor, encode_cursor};
use crate::store::window::{Key, Page, Window};
use crate::{Error, Result};

pub const DEFAULT_PAGE_SIZE: i32 = 20;
pub const MAX_PAGE_SIZE: i32 = 100;

/// The type of a sort value, to read it back from a cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    Text,
    Int,
    Date,
}

/// A list cursor: the row's id, the ordering it belongs to (the sort field and direction)
/// and its sort value. Fields in this order and named so that cursors stay as they were
/// written when they were JSON objects built by hand.
#[derive(serde::Serialize, serde::Deserialize)]
struct ListCursor {
    i: i32,
    o: String,
    v: Option<SortValue>,
}

/// A sort value as a cursor holds it: dates as ISO 8601 text.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
enum SortValue {
    Int(i32),
    Text(String),
}

/// Cursor of `key` in the ordering named `tag`.
pub fn cursor(tag: &str, key: &Key) -> String {
    let v = match &key.value {
        Value::String(Some(s)) => Some(SortValue::Text(s.to_string())),
        Value::Int(Some(i)) => Some(SortValue::Int(*i)),
        Value::ChronoDate(Some(d)) => Some(SortValue::Text(d.to_string())),
        _ => None,
    };
    encode_cursor(&ListCursor {
        i: key.id,
        o: tag.to_owned(),
        v,
    })
}

fn key(field: &str, tag: &str, kind: ValueKind, cursor: &str) -> Result<Key> {
    let payload: ListCursor = decode_cursor(field, cursor)?;
    let bad = |why: &str| Error::invalid_field(field, format!("cursor {cursor:?} {why}"));
    if payload.o != tag {
        return Err(bad("belongs to another ordering or list"));
    }
    let value = match (kind, payload.v) {
        (ValueKind::Text, None) => Value::String(None),
        (ValueKind::Int, None) => Value::Int(None),
        (ValueKind::Date, None) => Value::ChronoDate(None),
        (ValueKind::Text, Some(SortValue::Text(s))) => Value::String(Some(Box::new(s))),
        (ValueKind::Int, Some(SortValue::Int(i))) => Value::Int(Some(i)),
        (ValueKind::Date, Some(SortValue::Text(s))) => {
            Value::ChronoDate(Some(Box::new(s.parse().map_err(|_| bad("is damaged"))?)))
        }
        _ => return Err(bad("is damaged")),
    };
    Ok(Key {
        value,
        id: payload.i,
    })
}

/// A page size given as `field`, checked against the cap.
pub fn page_size(field: &str, n: i32) -> Result<u64> {
    if !(0..=MAX_PAGE_SIZE).contains(&n) {
        return Err(Error::invalid_field(
            field,
            format!("{field} must be between 0 and {MAX_PAGE_SIZE}, not {n}"),
        ));
    }
    Ok(u64::try_from(n).unwrap_or_default())
}

/// Ceiling of one field's cost: high enough to refuse anything that reaches it, low enough
/// that async-graphql's unchecked sums of costs cannot overflow.
const MOST_COST: usize = 1 << 32;

/// The cost of a page of `size` items (the default when not given; the cap when above it,
/// which the resolver refuses with a clearer error) whose item selection costs `item`.
pub fn page_cost(size: Option<i32>, item: usize) -> usize {
    let n = size.unwrap_or(DEFAULT_PAGE_SIZE).clamp(0, MAX_PAGE_SIZE);
    list_cost(usize::try_from(n).unwrap_or(0), item)
}

/// The cost of a list of `n` items whose selection costs `item` each.
pub fn list_cost(n: usize, item: usize) -> usize {
    n.saturating_mul(item).saturating_add(1).min(MOST_COST)
}

/// The store window for `first/after/last/before` over the ordering `tag`.
pub fn window(
    tag: &str,
    kind: ValueKind,
    first: Option<i32>,
    after: Option<&str>,
    last: Option<i32>,
    before: Option<&str>,
) -> Result<Window> {
    let (limit, from_end) = match (first, last) {
        (Some(_), Some(_)) => return Err(Error::invalid("give first or last, not both")),
        (Some(n), None) => (page_size("first", n)?, false),
        (None, Some(n)) => (page_size("last", n)?, true),
        (None, None) => (u64::try_from(DEFAULT_PAGE_SIZE).unwrap_or(20), false),
    };
    Ok(Window {
        after: after.map(|c| key("after", tag, kind, c)).transpose()?,
        before: before.map(|c| key("before", tag, kind, c)).transpose()?,
        limit,
        from_end,
    })
}

/// The Relay connection of a store page: each row becomes a node with its cursor in the
/// ordering `tag`; `total` answers `totalCount` (and only when asked).
pub fn of_page<M, N: OutputType, T: ObjectType>(
    page: Page<M>,
    tag: &str,
    key: impl Fn(&M) -> Key,
    node: impl Fn(M) -> N,
    total: T,
) -> Connection<String, N, T> {
    let mut conn = Connection::with_additional_fields(page.has_previous, page.has_next, total);
    conn.edges.extend(
        page.rows
            .into_iter()
            .map(|row| Edge::new(cursor(tag, &key(&row)), node(row))),
    );
    conn
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_costs_its_size_capped_times_its_item() {
        assert_eq!(page_cost(None, 5), 20 * 5 + 1);
        assert_eq!(page_cost(Some(100), 48), 4801);
        assert_eq!(page_cost(Some(i32::MAX), 10), page_cost(Some(100), 10));
        assert_eq!(page_cost(Some(-7), 10), 1);
        assert_eq!(list_cost(usize::MAX, usize::MAX), MOST_COST);
    }

    #[test]
    fn cursors_round_trip_including_null_values() {
        let k = Key {
            value: Value::Int(None),
            id: 7,
        };
        let w = window(
            "members:asc",
            ValueKind::Int,
            Some(5),
            Some(&cursor("members:asc", &k)),
            None,
            None,
        );
        assert_eq!(w.ok().and_then(|w| w.after), Some(k));
    }

    #[test]
    fn cursors_read_as_they_were_written_before_the_typed_codec() {
        use base64::Engine;
        let written = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(r#"{"i":1,"o":"name:asc","v":"a"}"#);
        let k = Key {
            value: "a".into(),
            id: 1,
        };
        assert_eq!(cursor("name:asc", &k), written);
    }

    #[test]
    fn a_cursor_of_another_ordering_or_a_forged_one_is_bad_input() {
        let c = cursor(
            "name:asc",
            &Key {
                value: "a".into(),
                id: 1,
            },
        );
        assert!(window("members:asc", ValueKind::Int, None, Some(&c), None, None).is_err());
        assert!(
            window(
                "name:asc",
                ValueKind::Text,
                None,
                Some("Zm9yZ2Vk"),
                None,
                None
            )
            .is_err()
        );
    }

    #[test]
    fn page_sizes_are_capped() {
        assert!(window("t", ValueKind::Int, Some(101), None, None, None).is_err());
        assert!(window("t", ValueKind::Int, Some(-1), None, None, None).is_err());
        assert!(window("t", ValueKind::Int, Some(1), None, Some(1), None).is_err());
    }
}
