//! What the two SQL baselines share: the row they load, the statement that counts the total
//! and the facets, and reading both answers back.

use sea_orm::{QueryResult, Value};

use crate::Answer;
use crate::corpus::Row;

/// How a baseline's table came to be: loaded in this run (seconds) or found loaded.
pub struct Loaded {
    pub seconds: Option<f64>,
    pub bytes: u64,
}

/// Values in the order `title, body, kind, item_id, country, year, network`.
pub fn values(row: &Row) -> [Value; 7] {
    [
        row.title.clone().into(),
        row.body.clone().into(),
        row.kind.facet_value().into(),
        row.id.into(),
        row.country.clone().into(),
        row.year.into(),
        row.network.clone().into(),
    ]
}

/// The total and the 25 most frequent values of each facet, in one statement over the
/// matches (`from_where` selects them), which are found once and then grouped four ways.
pub fn counts(from_where: &str) -> String {
    let facet = |name: &str, column: &str| {
        format!(
            " UNION ALL SELECT * FROM (SELECT '{name}', CAST({column} AS TEXT), count(*) AS n \
             FROM m WHERE {column} IS NOT NULL GROUP BY {column} ORDER BY n DESC LIMIT 25) f_{name}"
        )
    };
    format!(
        "WITH m AS MATERIALIZED (SELECT kind, country, year, network FROM {from_where}) \
         SELECT 'total', CAST(NULL AS TEXT), count(*) FROM m{}{}{}{}",
        facet("kind", "kind"),
        facet("country", "country"),
        facet("year", "year"),
        facet("network", "network"),
    )
}

/// The answer of a top-10 statement (kind, id, title fragment, body fragment) and a
/// [`counts`] statement.
pub fn answer(top: &[QueryResult], counts: &[QueryResult]) -> anyhow::Result<Answer> {
    let mut highlighted = 0;
    for row in top {
        let title: Option<String> = row.try_get_by_index(2)?;
        let body: Option<String> = row.try_get_by_index(3)?;
        if [title, body].iter().flatten().any(|f| f.contains("<mark>")) {
            highlighted += 1;
        }
    }
    let mut total = 0;
    let mut facet_values = 0;
    for row in counts {
        let name: String = row.try_get_by_index(0)?;
        let n: i64 = row.try_get_by_index(2)?;
        if name == "total" {
            total = u64::try_from(n).unwrap_or(0);
        } else {
            facet_values += 1;
        }
    }
    Ok(Answer {
        total,
        hits: top.len(),
        highlighted,
        facet_values,
        note: None,
    })
}

/// The count in the first column of a one-row answer (0 without a row).
pub fn count(row: Option<QueryResult>) -> anyhow::Result<u64> {
    let n = row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?;
    Ok(n.map_or(0, |n| u64::try_from(n).unwrap_or(0)))
}

/// Rows of (word, items holding it): a baseline's vocabulary.
pub fn counted(rows: &[QueryResult]) -> anyhow::Result<Vec<(String, u64)>> {
    (rows.iter())
        .map(|r| {
            let n: i64 = r.try_get_by_index(1)?;
            Ok((r.try_get_by_index(0)?, u64::try_from(n).unwrap_or(0)))
        })
        .collect()
}
