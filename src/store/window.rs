//! Keyset pagination shared by every list: a total order of (value, id) with NULL values
//! last, seek conditions for "after" and "before" a key, and the page bookkeeping.

use sea_orm::sea_query::{Expr, IntoColumnRef, SimpleExpr};
use sea_orm::{Condition, Order, Value};

/// A position in an ordered list: the sort value of a row (NULL allowed) and its id.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub value: Value,
    pub id: i32,
}

/// Direction of the sort value; the id tie-break always ascends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

impl Direction {
    /// The direction's name in cursors: a cursor is good only for the order it came from.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Asc => "Asc",
            Self::Desc => "Desc",
        }
    }
}

/// What to fetch: `limit` rows after `after` and before `before`, from the start or, with
/// `from_end`, from the end (for `last`).
#[derive(Clone, Debug)]
pub struct Window {
    pub after: Option<Key>,
    pub before: Option<Key>,
    pub limit: u64,
    pub from_end: bool,
}

/// One page of rows in list order, and whether rows lie beyond it.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub has_next: bool,
    pub has_previous: bool,
}

/// The seek condition and ORDER BY terms for a sort column and id column.
pub struct Ordering<C, I> {
    pub column: C,
    pub id: I,
    pub direction: Direction,
    /// Whether the column may hold NULL. Only then do the seeks and the ORDER BY spell out
    /// "NULLs last": that spelling keeps the database off a `(column, id)` index, so at scale
    /// every page of a NOT NULL column would sort the whole table.
    pub nullable: bool,
}

impl<C: IntoColumnRef + Clone, I: IntoColumnRef + Clone> Ordering<C, I> {
    fn col(&self) -> Expr {
        Expr::col(self.column.clone())
    }

    fn id(&self) -> Expr {
        Expr::col(self.id.clone())
    }

    fn beyond(&self, v: Value, forward: bool) -> SimpleExpr {
        match (self.direction == Direction::Asc) == forward {
            true => self.col().gt(v),
            false => self.col().lt(v),
        }
    }

    /// Rows strictly after `key` in list order.
    pub fn after(&self, key: &Key) -> Condition {
        if !self.nullable {
            return self.seek_not_null(key, true);
        }
        if is_null(&key.value) {
            return Condition::all()
                .add(self.col().is_null())
                .add(self.id().gt(key.id));
        }
        Condition::any()
            .add(self.col().is_null())
            .add(self.beyond(key.value.clone(), true))
            .add(
                Condition::all()
                    .add(self.col().eq(key.value.clone()))
                    .add(self.id().gt(key.id)),
            )
    }

    /// Rows strictly before `key` in list order.
    pub fn before(&self, key: &Key) -> Condition {
        if !self.nullable {
            return self.seek_not_null(key, false);
        }
        if is_null(&key.value) {
            return Condition::any().add(self.col().is_not_null()).add(
                Condition::all()
                    .add(self.col().is_null())
                    .add(self.id().lt(key.id)),
            );
        }
        Condition::all().add(self.col().is_not_null()).add(
            Condition::any()
                .add(self.beyond(key.value.clone(), false))
                .add(
                    Condition::all()
                        .add(self.col().eq(key.value.clone()))
                        .add(self.id().lt(key.id)),
                ),
        )
    }

    /// ORDER BY terms: NULLs last, the value, then the id; all reversed when `reverse`.
    pub fn order_by(&self, reverse: bool) -> Vec<(SimpleExpr, Order)> {
        let flip = |o: Order| match (reverse, o) {
            (false, o) => o,
            (true, Order::Asc) => Order::Desc,
            (true, _) => Order::Asc,
        };
        let value_order = match self.direction {
            Direction::Asc => Order::Asc,
            Direction::Desc => Order::Desc,
        };
        let mut terms = vec![
            (self.col().into(), flip(value_order)),
            (self.id().into(), flip(Order::Asc)),
        ];
        if self.nullable {
            let nulls_last = Expr::case(self.col().is_null(), 1).finally(0).into();
            terms.insert(0, (nulls_last, flip(Order::Asc)));
        }
        terms
    }

    /// Rows beyond `key` (after it when `forward`) on a NOT NULL column. Ascending, value and
    /// id compare as one row value, which both databases seek in a `(column, id)` index.
    fn seek_not_null(&self, key: &Key, forward: bool) -> Condition {
        if self.direction == Direction::Asc {
            let row = Expr::tuple([self.col().into(), self.id().into()]);
            let at = Expr::tuple([
                Expr::val(key.value.clone()).into(),
                Expr::val(key.id).into(),
            ]);
            let cond = match forward {
                true => row.gt(at),
                false => row.lt(at),
            };
            return Condition::all().add(cond);
        }
        let id = match forward {
            true => self.id().gt(key.id),
            false => self.id().lt(key.id),
        };
        Condition::any()
            .add(self.beyond(key.value.clone(), forward))
            .add(
                Condition::all()
                    .add(self.col().eq(key.value.clone()))
                    .add(id),
            )
    }

    /// Adds the window's seek conditions to `cond`.
    pub fn seek(&self, mut cond: Condition, window: &Window) -> Condition {
        if let Some(k) = &window.after {
            cond = cond.add(self.after(k));
        }
        if let Some(k) = &window.before {
            cond = cond.add(self.before(k));
        }
        cond
    }
}

/// Cuts the one extra row fetched to learn whether more exist, and restores list order.
pub fn finish<T>(mut rows: Vec<T>, window: &Window) -> Page<T> {
    let more = rows.len() as u64 > window.limit;
    rows.truncate(usize::try_from(window.limit).unwrap_or(usize::MAX));
    if window.from_end {
        rows.reverse();
        Page {
            rows,
            has_next: window.before.is_some(),
            has_previous: more,
        }
    } else {
        Page {
            rows,
            has_next: more,
            has_previous: window.after.is_some(),
        }
    }
}

fn is_null(v: &Value) -> bool {
    match v {
        Value::Int(x) => x.is_none(),
        Value::String(x) => x.is_none(),
        Value::ChronoDate(x) => x.is_none(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::cluster::{Column, Entity};
    use sea_orm::{DbBackend, EntityTrait, QueryFilter, QueryOrder, QueryTrait};

    fn sql(nullable: bool) -> String {
        let order = Ordering {
            column: Column::NameKey,
            id: Column::Id,
            direction: Direction::Asc,
            nullable,
        };
        let key = Key {
            value: "m".into(),
            id: 7,
        };
        let mut query = Entity::find().filter(order.seek(
            Condition::all(),
            &Window {
                after: Some(key),
                before: None,
                limit: 100,
                from_end: false,
            },
        ));
        for (expr, o) in order.order_by(false) {
            query = query.order_by(expr, o);
        }
        query.build(DbBackend::Postgres).to_string()
    }

    #[test]
    fn a_not_null_column_seeks_as_a_row_value_and_sorts_without_a_null_case() {
        let s = sql(false);
        assert!(s.contains(r#"("name_key", "id") > ('m', 7)"#), "{s}");
        assert!(!s.contains("CASE") && !s.contains("IS NULL"), "{s}");
        let s = sql(true);
        assert!(s.contains("CASE") && s.contains("IS NULL"), "{s}");
    }
}
