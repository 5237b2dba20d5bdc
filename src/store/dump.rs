//! The whole store as one file of JSON Lines, and back into an empty store of either kind:
//! how a store moves from SQLite to PostgreSQL, and a backup. Every table but the outbox
//! (an index built from the restored store needs none), the store's identity and its names'
//! stamp (the target keeps its own, and the stamp moves): entities with their versions,
//! links, token digests.
//!
//! The file: a header line (format, version, the newest migration), one line a row in the
//! order tables are restored (parents first), and a trailer with the rows per table and the
//! SHA-256 of every line before it. A restore reads the file twice: first it checks every
//! line (each row must be one of its table's), the counts and the checksum, so that a file
//! cut short or edited is refused, with its line, before anything is written; then it loads
//! the rows, one transaction a batch, and should the store refuse one, it empties the tables
//! again: the target is never left half-loaded.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::marker::PhantomData;

use async_trait::async_trait;
use futures::TryStreamExt;
use sea_orm::sea_query::ColumnType;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr,
    EntityTrait, IdenStatic, IntoActiveModel, Iterable, PaginatorTrait, PrimaryKeyToColumn,
    PrimaryKeyTrait, QueryOrder, TransactionTrait,
};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::*;

/// What the header names.
const FORMAT: &str = "cluster-atlas-export";
const VERSION: u32 = 1;

/// Rows a restore writes per transaction: well under PostgreSQL's 65,535 parameters for the
/// widest table.
const BATCH: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] DbErr),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("line {line}: {why}")]
    Line { line: usize, why: String },
    #[error(
        "the target store is not empty: {table} holds {rows} rows; restore into an empty store"
    )]
    NotEmpty { table: String, rows: u64 },
}

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    /// The newest migration of the store it came from: a store of another schema cannot
    /// take its rows.
    migration: String,
}

#[derive(Serialize, Deserialize)]
struct Row<'a> {
    table: &'a str,
    #[serde(borrow)]
    row: &'a serde_json::value::RawValue,
}

#[derive(Serialize, Deserialize)]
struct Trailer {
    rows: BTreeMap<String, u64>,
    sha256: String,
}

/// One table's rows, as the file holds them.
#[async_trait]
trait Table: Send + Sync {
    fn name(&self) -> String;
    async fn count(&self, db: &DatabaseConnection) -> Result<u64, DbErr>;
    /// Writes every row, in primary-key order, each through `line`.
    async fn export(
        &self,
        db: &DatabaseConnection,
        line: &mut (dyn FnMut(String) -> std::io::Result<()> + Send),
    ) -> Result<(), Error>;
    /// Whether `row` is one of this table's.
    fn check(&self, row: &str) -> Result<(), String>;
    async fn insert(&self, tx: &DatabaseTransaction, rows: &[String]) -> Result<(), DbErr>;
    async fn clear(&self, db: &DatabaseConnection) -> Result<(), DbErr>;
    /// PostgreSQL: moves the id sequence past the ids restored.
    async fn resequence(&self, db: &DatabaseConnection) -> Result<(), DbErr>;
}

struct Of<E>(PhantomData<E>);

impl<E: EntityTrait> Of<E> {
    /// Columns stored with a time zone: written to the microsecond, PostgreSQL's precision,
    /// so that a file reads the same whichever store wrote it.
    fn timestamps() -> Vec<String> {
        E::Column::iter()
            .filter(|c| matches!(c.def().get_column_type(), ColumnType::TimestampWithTimeZone))
            .map(|c| c.as_str().to_owned())
            .collect()
    }
}

#[async_trait]
impl<E> Table for Of<E>
where
    E: EntityTrait + Default,
    E::Model: Serialize + DeserializeOwned + IntoActiveModel<E::ActiveModel> + Send + Sync,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    fn name(&self) -> String {
        E::default().table_name().to_owned()
    }

    async fn count(&self, db: &DatabaseConnection) -> Result<u64, DbErr> {
        E::find().count(db).await
    }

    async fn export(
        &self,
        db: &DatabaseConnection,
        line: &mut (dyn FnMut(String) -> std::io::Result<()> + Send),
    ) -> Result<(), Error> {
        let mut select = E::find();
        for key in E::PrimaryKey::iter() {
            select = select.order_by_asc(key.into_column());
        }
        let timestamps = Self::timestamps();
        let table = self.name();
        let mut rows = select.stream(db).await?;
        while let Some(model) = rows.try_next().await? {
            let mut row = serde_json::to_value(&model).map_err(std::io::Error::other)?;
            for column in &timestamps {
                to_microseconds(&mut row[column.as_str()]);
            }
            line(format!(
                r#"{{"table":{},"row":{row}}}"#,
                Value::String(table.clone())
            ))?;
        }
        Ok(())
    }

    fn check(&self, row: &str) -> Result<(), String> {
        serde_json::from_str::<E::Model>(row)
            .map(|_| ())
            .map_err(|e| format!("not a row of {}: {e}", self.name()))
    }

    async fn insert(&self, tx: &DatabaseTransaction, rows: &[String]) -> Result<(), DbErr> {
        let models = rows
            .iter()
            .map(|r| serde_json::from_str::<E::Model>(r).map_err(|e| DbErr::Custom(e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        let active = models
            .into_iter()
            .map(|m| m.into_active_model().reset_all());
        E::insert_many(active).exec_without_returning(tx).await?;
        Ok(())
    }

    async fn clear(&self, db: &DatabaseConnection) -> Result<(), DbErr> {
        E::delete_many().exec(db).await.map(|_| ())
    }

    async fn resequence(&self, db: &DatabaseConnection) -> Result<(), DbErr> {
        let single = E::PrimaryKey::iter().count() == 1;
        if !single || !<E::PrimaryKey as PrimaryKeyTrait>::auto_increment() {
            return Ok(());
        }
        let (table, id) = (self.name(), "id");
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('\"{table}\"', '{id}'), \
             (SELECT COALESCE(MAX(\"{id}\"), 0) + 1 FROM \"{table}\"), false)"
        );
        db.execute_unprepared(&sql).await.map(|_| ())
    }
}

fn to_microseconds(value: &mut Value) {
    let Some(text) = value.as_str() else { return };
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(text) {
        *value = Value::String(at.to_rfc3339_opts(chrono::SecondsFormat::Micros, false));
    }
}

fn of<E>() -> Box<dyn Table>
where
    E: EntityTrait + Default,
    E::Model: Serialize + DeserializeOwned + IntoActiveModel<E::ActiveModel> + Send + Sync,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    Box::new(Of::<E>(PhantomData))
}

/// The tables, parents before the rows that point at them.
fn tables() -> Vec<Box<dyn Table>> {
    vec![
        of::<term::Entity>(),
        of::<programme::Entity>(),
        of::<network::Entity>(),
        of::<network_alias::Entity>(),
        of::<cluster::Entity>(),
        of::<cluster_alias::Entity>(),
        of::<cluster_term::Entity>(),
        of::<contact::Entity>(),
        of::<cooperation_activity::Entity>(),
        of::<cooperation_country::Entity>(),
        of::<service_group::Entity>(),
        of::<service_item::Entity>(),
        of::<participation::Entity>(),
        of::<membership::Entity>(),
        of::<news::Entity>(),
        of::<news_mention::Entity>(),
        of::<event_series::Entity>(),
        of::<event::Entity>(),
        of::<project::Entity>(),
        of::<project_partner::Entity>(),
        of::<api_token::Entity>(),
    ]
}

/// The newest migration this binary knows.
fn newest_migration() -> String {
    use migration::MigratorTrait;
    migration::Migrator::migrations()
        .last()
        .map(|m| m.name().to_owned())
        .unwrap_or_default()
}

/// Rows in the store, for a progress bar.
pub async fn rows(db: &DatabaseConnection) -> Result<u64, DbErr> {
    let mut total = 0;
    for table in tables() {
        total += table.count(db).await?;
    }
    Ok(total)
}

/// Writes the store to `out`; `progress` hears of every row. Returns the rows written.
pub async fn export(
    db: &DatabaseConnection,
    out: &mut (dyn Write + Send),
    progress: &(dyn Fn(u64) + Sync),
) -> Result<u64, Error> {
    let mut digest = Sha256::new();
    let mut write = |text: String, digest: &mut Sha256| -> std::io::Result<()> {
        digest.update(text.as_bytes());
        digest.update(b"\n");
        out.write_all(text.as_bytes())?;
        out.write_all(b"\n")
    };
    let header = Header {
        format: FORMAT.to_owned(),
        version: VERSION,
        migration: newest_migration(),
    };
    write(json(&header)?, &mut digest)?;
    let mut counts = BTreeMap::new();
    let mut total = 0;
    for table in tables() {
        let mut rows = 0;
        table
            .export(db, &mut |line| {
                rows += 1;
                progress(1);
                write(line, &mut digest)
            })
            .await?;
        counts.insert(table.name(), rows);
        total += rows;
    }
    let trailer = Trailer {
        rows: counts,
        sha256: hex(&digest.finalize()),
    };
    write(json(&trailer)?, &mut Sha256::new())?;
    out.flush()?;
    Ok(total)
}

fn json<T: Serialize>(value: &T) -> std::io::Result<String> {
    serde_json::to_string(value).map_err(std::io::Error::other)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks a whole file without writing anything: the rows it holds.
pub fn check(file: impl BufRead) -> Result<u64, Error> {
    let tables = tables();
    let mut digest = Sha256::new();
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut at_table = 0;
    let mut trailer: Option<(usize, Trailer)> = None;
    let mut last = 0;
    for (i, line) in file.lines().enumerate() {
        let n = i + 1;
        last = n;
        let line = line.map_err(|e| bad(n, &format!("unreadable: {e}")))?;
        if trailer.is_some() {
            return Err(bad(n, "a line after the trailer"));
        }
        if n == 1 {
            check_header(&line)?;
        } else if let Ok(row) = serde_json::from_str::<Row<'_>>(&line) {
            let Some(offset) = tables[at_table..]
                .iter()
                .position(|t| t.name() == row.table)
            else {
                let known = tables.iter().any(|t| t.name() == row.table);
                let why = match known {
                    true => format!("a row of {} after the rows of later tables", row.table),
                    false => format!("{:?} is no table of this store", row.table),
                };
                return Err(bad(n, &why));
            };
            at_table += offset;
            tables[at_table]
                .check(row.row.get())
                .map_err(|why| bad(n, &why))?;
            *counts.entry(row.table.to_owned()).or_default() += 1;
        } else if let Ok(end) = serde_json::from_str::<Trailer>(&line) {
            trailer = Some((n, end));
            continue;
        } else {
            return Err(bad(n, "neither a row nor the trailer"));
        }
        digest.update(line.as_bytes());
        digest.update(b"\n");
    }
    let Some((n, trailer)) = trailer else {
        return Err(bad(
            last,
            "the file ends here without its trailer: it was cut short",
        ));
    };
    if trailer.sha256 != hex(&digest.finalize()) {
        return Err(bad(
            n,
            "the checksum does not match the lines above: the file was changed",
        ));
    }
    let stated: BTreeMap<&String, &u64> = trailer.rows.iter().filter(|(_, r)| **r > 0).collect();
    let found: BTreeMap<&String, &u64> = counts.iter().collect();
    if stated != found {
        return Err(bad(
            n,
            "the rows per table are not the ones the trailer counts",
        ));
    }
    Ok(counts.values().sum())
}

fn check_header(line: &str) -> Result<(), Error> {
    let header: Header = serde_json::from_str(line)
        .map_err(|_| bad(1, "not the header of a Cluster Atlas export"))?;
    if header.format != FORMAT || header.version != VERSION {
        return Err(bad(
            1,
            &format!(
                "format {} version {}, not {FORMAT} version {VERSION}",
                header.format, header.version
            ),
        ));
    }
    let ours = newest_migration();
    if header.migration != ours {
        return Err(bad(
            1,
            &format!(
                "exported from a store at migration {}; this binary's is {ours}: export and restore with the same version",
                header.migration
            ),
        ));
    }
    Ok(())
}

fn bad(line: usize, why: &str) -> Error {
    Error::Line {
        line,
        why: why.to_owned(),
    }
}

/// Loads a file that [`check`] passed into the empty store `db`, a transaction a batch;
/// on any failure the tables are emptied again. `progress` hears of every row.
pub async fn restore(
    db: &DatabaseConnection,
    file: impl BufRead,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<u64, Error> {
    let tables = tables();
    for table in &tables {
        let rows = table.count(db).await?;
        if rows > 0 {
            return Err(Error::NotEmpty {
                table: table.name(),
                rows,
            });
        }
    }
    match load(db, &tables, file, progress).await {
        Ok(rows) => Ok(rows),
        Err(e) => {
            for table in tables.iter().rev() {
                table.clear(db).await?;
            }
            Err(e)
        }
    }
}

async fn load(
    db: &DatabaseConnection,
    tables: &[Box<dyn Table>],
    file: impl BufRead,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<u64, Error> {
    let mut batch: Vec<String> = Vec::with_capacity(BATCH);
    let mut current: Option<usize> = None;
    let mut total = 0;
    for (i, line) in file.lines().enumerate().skip(1) {
        let line = line?;
        let Ok(row) = serde_json::from_str::<Row<'_>>(&line) else {
            break; // the trailer
        };
        let at = tables
            .iter()
            .position(|t| t.name() == row.table)
            .ok_or_else(|| bad(i + 1, "no such table"))?;
        if current.is_some_and(|c| c != at) || batch.len() == BATCH {
            flush(db, tables, current, &mut batch, progress).await?;
        }
        current = Some(at);
        batch.push(row.row.get().to_owned());
        total += 1;
    }
    flush(db, tables, current, &mut batch, progress).await?;
    // Names the process's caches resolved against are not these.
    name_stamp::touch(db).await?;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        for table in tables {
            table.resequence(db).await?;
        }
    }
    Ok(total)
}

async fn flush(
    db: &DatabaseConnection,
    tables: &[Box<dyn Table>],
    table: Option<usize>,
    batch: &mut Vec<String>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(), Error> {
    let Some(table) = table.filter(|_| !batch.is_empty()) else {
        return Ok(());
    };
    let tx = db.begin().await?;
    tables[table].insert(&tx, batch).await?;
    tx.commit().await?;
    progress(batch.len() as u64);
    batch.clear();
    Ok(())
}
