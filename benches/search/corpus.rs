//! The text every engine indexes, read once from the store into memory: news titles and
//! bodies, cluster names, strategies and objectives, with the few facet values the SQL
//! baselines count. Cluster names and regions also feed the autocomplete prefixes.

use std::time::Instant;

use chrono::{Datelike, NaiveDate};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

/// Rows read per statement.
const PAGE: usize = 5_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    News,
    Cluster,
}

impl Kind {
    /// As our search's `kind` facet spells it.
    pub fn facet_value(self) -> &'static str {
        match self {
            Self::News => "NEWS",
            Self::Cluster => "CLUSTER",
        }
    }
}

/// One news item or cluster. Facet values are single here: a news item's country is that of
/// the first cluster it names (ours counts every one), a cluster's network its first.
pub struct Row {
    pub kind: Kind,
    pub id: i32,
    /// News title (empty when it has none) or cluster name.
    pub title: String,
    /// News body or cluster strategy.
    pub body: String,
    /// Cluster objectives.
    pub objectives: Option<String>,
    pub country: Option<String>,
    pub year: Option<i32>,
    pub network: Option<String>,
}

impl Row {
    /// The body column of the SQL baselines: strategy and objectives together.
    pub fn full_body(&self) -> String {
        match &self.objectives {
            Some(o) => format!("{}\n{o}", self.body),
            None => self.body.clone(),
        }
    }
}

pub struct Corpus {
    pub rows: Vec<Row>,
    pub regions: Vec<String>,
    pub seconds: f64,
}

impl Corpus {
    pub fn clusters(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| r.kind == Kind::Cluster)
    }

    /// Bytes of text, for the throughput note.
    pub fn text_bytes(&self) -> usize {
        self.rows
            .iter()
            .map(|r| r.title.len() + r.body.len() + r.objectives.as_ref().map_or(0, String::len))
            .sum()
    }
}

pub async fn read(
    db: &DatabaseConnection,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<Corpus> {
    let started = Instant::now();
    let mut rows = Vec::new();
    let mut regions = Vec::new();
    let mut after = 0;
    loop {
        let page = db.query_all(statement(db, &clusters_sql(after))).await?;
        let Some(last) = page.last() else { break };
        after = last.try_get_by_index(0)?;
        for r in &page {
            let strategy: Option<String> = r.try_get_by_index(2)?;
            if let Some(region) = r.try_get_by_index::<Option<String>>(5)? {
                regions.push(region);
            }
            rows.push(Row {
                kind: Kind::Cluster,
                id: r.try_get_by_index(0)?,
                title: r.try_get_by_index(1)?,
                body: strategy.unwrap_or_default(),
                objectives: r.try_get_by_index(3)?,
                country: r.try_get_by_index(4)?,
                year: None,
                network: r.try_get_by_index(6)?,
            });
        }
        progress.inc(page.len() as u64);
    }
    after = 0;
    loop {
        let page = db.query_all(statement(db, &news_sql(after))).await?;
        let Some(last) = page.last() else { break };
        after = last.try_get_by_index(0)?;
        for r in &page {
            let title: Option<String> = r.try_get_by_index(1)?;
            let day: NaiveDate = r.try_get_by_index(3)?;
            rows.push(Row {
                kind: Kind::News,
                id: r.try_get_by_index(0)?,
                title: title.unwrap_or_default(),
                body: r.try_get_by_index(2)?,
                objectives: None,
                country: r.try_get_by_index(5)?,
                year: Some(day.year()),
                network: r.try_get_by_index(4)?,
            });
        }
        progress.inc(page.len() as u64);
    }
    regions.sort_unstable();
    regions.dedup();
    Ok(Corpus {
        rows,
        regions,
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn statement(db: &DatabaseConnection, sql: &str) -> Statement {
    Statement::from_string(db.get_database_backend(), sql.to_owned())
}

// Plain SQL that SQLite and PostgreSQL both read; `after` is an integer we produced.
fn clusters_sql(after: i32) -> String {
    format!(
        "SELECT c.id, c.name, c.strategy, c.objectives, c.country_code, c.region, \
           (SELECT min(w.slug) FROM membership s JOIN network w ON w.id = s.network_id \
            WHERE s.cluster_id = c.id) \
         FROM cluster c WHERE c.id > {after} ORDER BY c.id LIMIT {PAGE}"
    )
}

fn news_sql(after: i32) -> String {
    format!(
        "SELECT n.id, n.title, n.body, n.published_on, p.slug, \
           (SELECT min(c.country_code) FROM news_mention m JOIN cluster c ON c.id = m.cluster_id \
            WHERE m.news_id = n.id) \
         FROM news n LEFT JOIN network p ON p.id = n.publisher_id \
         WHERE n.id > {after} ORDER BY n.id LIMIT {PAGE}"
    )
}
