//! The text every engine indexes, read once from the store into memory: every item ours
//! returns (news items, clusters, service groups, programme participations) with the text
//! ours indexes of it, and the few facet values the SQL baselines count. Cluster names and
//! regions also feed the autocomplete prefixes.

use std::collections::HashMap;
use std::time::Instant;

use chrono::{Datelike, NaiveDate};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, QueryResult, Statement};

/// Rows read per statement; clusters are read in stretches of this many ids.
const PAGE: usize = 5_000;
/// Pages [`stream`] reads ahead of whoever takes them.
const PAGES_AHEAD: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    News,
    Cluster,
    Service,
    Participation,
}

impl Kind {
    /// As our search's `kind` facet spells it.
    pub fn facet_value(self) -> &'static str {
        match self {
            Self::News => "NEWS",
            Self::Cluster => "CLUSTER",
            Self::Service => "SERVICE",
            Self::Participation => "PROGRAMME_PARTICIPATION",
        }
    }
}

/// One item. Facet values are single here: a news item's country is that of the first
/// cluster it names (ours counts every one), a cluster's network its first; a service
/// group and a participation take their cluster's.
pub struct Row {
    pub kind: Kind,
    pub id: i32,
    /// What ours indexes as a name or title: a news title (empty when it has none), a
    /// cluster's name and aliases, a service group's heading, a programme's name and title.
    pub title: String,
    /// Everything else ours indexes of the item, one text per line: a news body; a cluster's
    /// strategy, objectives and other prose, its taxonomy terms and its places; a service
    /// group's items; a programme's description.
    pub body: String,
    pub country: Option<String>,
    pub year: Option<i32>,
    pub network: Option<String>,
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
        self.rows.iter().map(|r| r.title.len() + r.body.len()).sum()
    }
}

/// Every item with its text, held in memory for the engines that index from memory.
pub async fn read(
    db: &DatabaseConnection,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<Corpus> {
    let started = Instant::now();
    let (pages, mut receiving) = tokio::sync::mpsc::channel(PAGES_AHEAD);
    let collect = async {
        let mut rows = Vec::new();
        while let Some(page) = receiving.recv().await {
            rows.extend(page);
        }
        rows
    };
    let (regions, rows) = tokio::join!(stream(db, progress, pages), collect);
    let mut regions = regions?;
    regions.sort_unstable();
    regions.dedup();
    Ok(Corpus {
        rows,
        regions,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Reads every item a page at a time, sending each page as soon as it is read: clusters
/// (with their service groups and participations) first, then news. Returns the clusters'
/// regions. Stops early, without an error, when the receiving side has gone.
pub async fn stream(
    db: &DatabaseConnection,
    progress: &indicatif::ProgressBar,
    pages: tokio::sync::mpsc::Sender<Vec<Row>>,
) -> anyhow::Result<Vec<String>> {
    let last = last_id(db, "cluster").await?;
    let regions = stream_clusters(db, progress, &pages, 0..last + 1).await?;
    stream_news(db, progress, &pages, 0..i32::MAX).await?;
    Ok(regions)
}

/// [`stream`]'s clusters with ids in `ids.start < id < ids.end`, with their service groups
/// and participations; `ids.end` at most one past the last cluster id, since it reads each
/// stretch of [`PAGE`] ids up to there.
pub async fn stream_clusters(
    db: &DatabaseConnection,
    progress: &indicatif::ProgressBar,
    pages: &tokio::sync::mpsc::Sender<Vec<Row>>,
    ids: std::ops::Range<i32>,
) -> anyhow::Result<Vec<String>> {
    let mut regions = Vec::new();
    // Stretches of ids, not pages of rows: a stretch may hold none.
    let (mut after, last) = (ids.start, ids.end - 1);
    while after < last {
        let below = after.saturating_add(PAGE as i32).min(last);
        let read = clusters(db, after, below, &mut regions).await?;
        progress.inc(read.iter().filter(|r| r.kind == Kind::Cluster).count() as u64);
        if pages.send(read).await.is_err() {
            break;
        }
        after = below;
    }
    Ok(regions)
}

/// [`stream`]'s news items with ids in `ids.start < id < ids.end`.
pub async fn stream_news(
    db: &DatabaseConnection,
    progress: &indicatif::ProgressBar,
    pages: &tokio::sync::mpsc::Sender<Vec<Row>>,
    ids: std::ops::Range<i32>,
) -> anyhow::Result<()> {
    let mut after = ids.start;
    loop {
        let page = db
            .query_all(statement(db, &news_sql(after, ids.end)))
            .await?;
        let Some(last) = page.last() else { break };
        after = last.try_get_by_index(0)?;
        let mut read = Vec::with_capacity(page.len());
        for r in &page {
            let title: Option<String> = r.try_get_by_index(1)?;
            let day: NaiveDate = r.try_get_by_index(3)?;
            read.push(Row {
                kind: Kind::News,
                id: r.try_get_by_index(0)?,
                title: title.unwrap_or_default(),
                body: r.try_get_by_index(2)?,
                country: r.try_get_by_index(5)?,
                year: Some(day.year()),
                network: r.try_get_by_index(4)?,
            });
        }
        progress.inc(page.len() as u64);
        if pages.send(read).await.is_err() {
            break;
        }
    }
    Ok(())
}

/// The highest id of `table`, 0 when it is empty.
pub async fn last_id(db: &DatabaseConnection, table: &str) -> anyhow::Result<i32> {
    let sql = format!("SELECT max(id) FROM {table}");
    let last: Option<i32> = db
        .query_one(statement(db, &sql))
        .await?
        .map(|r| r.try_get_by_index::<Option<i32>>(0))
        .transpose()?
        .flatten();
    Ok(last.unwrap_or(0))
}

/// The clusters with ids in `after < id <= below`, then their service groups, then their
/// participations.
async fn clusters(
    db: &DatabaseConnection,
    after: i32,
    below: i32,
    regions: &mut Vec<String>,
) -> anyhow::Result<Vec<Row>> {
    let within = |column: &str| format!("{column} > {after} AND {column} <= {below}");
    let by_cluster = |sql: String| async move {
        let mut texts: HashMap<i32, Vec<String>> = HashMap::new();
        for r in db.query_all(statement(db, &sql)).await? {
            texts
                .entry(r.try_get_by_index(0)?)
                .or_default()
                .push(r.try_get_by_index(1)?);
        }
        anyhow::Ok(texts)
    };
    let mut aliases = by_cluster(format!(
        "SELECT cluster_id, alias FROM cluster_alias WHERE {} ORDER BY id",
        within("cluster_id")
    ))
    .await?;
    let mut terms = by_cluster(format!(
        "SELECT ct.cluster_id, {} FROM cluster_term ct JOIN term t ON t.id = ct.term_id \
         WHERE {} GROUP BY ct.cluster_id",
        lines(db, "t.name", "t.id"),
        within("ct.cluster_id")
    ))
    .await?;
    // (kind, id, cluster, title texts, body texts) of each item read.
    let mut items = Vec::new();
    // Each cluster's country and network: its items' facets.
    let mut context: HashMap<i32, (Option<String>, Option<String>)> = HashMap::new();
    let sql = format!(
        "SELECT c.id, c.name, c.country_code, c.region, \
           (SELECT min(w.slug) FROM membership s JOIN network w ON w.id = s.network_id \
            WHERE s.cluster_id = c.id), \
           c.strategy, c.objectives, c.collaborates_with, c.major_players, c.scale_up_facilities \
         FROM cluster c WHERE {} ORDER BY c.id",
        within("c.id")
    );
    for r in db.query_all(statement(db, &sql)).await? {
        let id: i32 = r.try_get_by_index(0)?;
        let country: Option<String> = r.try_get_by_index(2)?;
        let region: Option<String> = r.try_get_by_index(3)?;
        let network: Option<String> = r.try_get_by_index(4)?;
        let mut title = vec![r.try_get_by_index::<String>(1)?];
        title.extend(aliases.remove(&id).unwrap_or_default());
        let mut body = texts(&r, 5..10)?;
        body.extend(terms.remove(&id).unwrap_or_default());
        body.extend(region.clone());
        body.extend(
            (country.as_deref())
                .and_then(cluster_atlas::geo::by_code)
                .map(|c| c.name.to_owned()),
        );
        regions.extend(region);
        context.insert(id, (country, network));
        items.push((Kind::Cluster, id, id, title, body));
    }
    // A group with its items in order, a line each (none for a group without items).
    let sql = format!(
        "SELECT g.id, g.cluster_id, g.heading, \
           (SELECT {} FROM service_item i WHERE i.group_id = g.id) \
         FROM service_group g WHERE {} ORDER BY g.id",
        lines(db, "i.text", "i.position"),
        within("g.cluster_id")
    );
    for r in db.query_all(statement(db, &sql)).await? {
        let title = Vec::from_iter(r.try_get_by_index::<Option<String>>(2)?);
        let body = Vec::from_iter(r.try_get_by_index::<Option<String>>(3)?);
        let (id, cluster) = (r.try_get_by_index(0)?, r.try_get_by_index(1)?);
        items.push((Kind::Service, id, cluster, title, body));
    }
    let sql = format!(
        "SELECT p.id, p.cluster_id, g.name, g.title, g.description FROM participation p \
         JOIN programme g ON g.id = p.programme_id WHERE {} ORDER BY p.id",
        within("p.cluster_id")
    );
    for r in db.query_all(statement(db, &sql)).await? {
        let mut title = vec![r.try_get_by_index::<String>(2)?];
        title.extend(r.try_get_by_index::<Option<String>>(3)?);
        let body = texts(&r, 4..5)?;
        let (id, cluster) = (r.try_get_by_index(0)?, r.try_get_by_index(1)?);
        items.push((Kind::Participation, id, cluster, title, body));
    }
    let rows = (items.into_iter()).map(|(kind, id, cluster, title, body)| {
        let (country, network) = context.get(&cluster).cloned().unwrap_or_default();
        Row {
            kind,
            id,
            title: title.join("\n"),
            body: body.join("\n"),
            country,
            year: None,
            network,
        }
    });
    Ok(rows.collect())
}

/// The non-empty texts of the nullable columns `columns`.
fn texts(r: &QueryResult, columns: std::ops::Range<usize>) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for i in columns {
        out.extend(r.try_get_by_index::<Option<String>>(i)?);
    }
    out.retain(|t| !t.trim().is_empty());
    Ok(out)
}

/// An aggregate of `column` over a group's rows in `order`, one per line: a row a group
/// instead of a row each (3.15M service items and as many terms at 100x).
fn lines(db: &DatabaseConnection, column: &str, order: &str) -> String {
    match db.get_database_backend() {
        DbBackend::Postgres => format!("string_agg({column}, chr(10) ORDER BY {order})"),
        _ => format!("group_concat({column}, char(10) ORDER BY {order})"),
    }
}

fn statement(db: &DatabaseConnection, sql: &str) -> Statement {
    Statement::from_string(db.get_database_backend(), sql.to_owned())
}

// Plain SQL that SQLite and PostgreSQL both read; `after` and `below` are integers we
// produced.
fn news_sql(after: i32, below: i32) -> String {
    format!(
        "SELECT n.id, n.title, n.body, n.published_on, p.slug, \
           (SELECT min(c.country_code) FROM news_mention m JOIN cluster c ON c.id = m.cluster_id \
            WHERE m.news_id = n.id) \
         FROM news n LEFT JOIN network p ON p.id = n.publisher_id \
         WHERE n.id > {after} AND n.id < {below} ORDER BY n.id LIMIT {PAGE}"
    )
}
