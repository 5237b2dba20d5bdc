//! The page importer: reads pages in the seeds' text layout, tells profile from news page,
//! parses each into plain rows and writes them through `crate::store`, one transaction a page.

pub mod article;
pub mod current_profile;
pub mod dates;
pub mod envelope;
pub mod event_dates;
pub mod event_page;
mod kept;
pub mod layout;
pub mod lines;
pub mod manifest;
pub mod network_page;
pub mod news;
pub mod profile;
pub mod programmes;
pub mod project_page;
pub(crate) mod write;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use sea_orm::{DatabaseConnection, DbErr};

use crate::resolve::known;
use crate::store;
use crate::store::network::NetworkKind;

pub use layout::Layout;
pub use manifest::{Manifest, ManifestError, PageEntry};

/// What a page made the importer doubt or skip, by line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Warnings {
    pub items: Vec<Warning>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub line: usize,
    pub message: String,
}

impl Warnings {
    pub fn push(&mut self, line: usize, message: impl Into<String>) {
        self.items.push(Warning {
            line,
            message: message.into(),
        });
    }
}

/// The two kinds of page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageKind {
    Profile,
    News,
    /// A cluster network's own page.
    Network,
    /// An article of the platform (one page, one news item).
    Article,
    /// An event's page, or an event series' page with its editions.
    Event,
    /// An EU project's profile.
    Project,
}

/// What happened to one page.
#[derive(Clone, Debug)]
pub struct PageReport {
    pub file: PathBuf,
    pub kind: PageKind,
    pub layout: Layout,
    /// Slug of the cluster, or source address of the news page.
    pub subject: String,
    /// Rows inserted or updated; 0 on a re-import of the same page.
    pub changed: usize,
    pub items: usize,
    pub warnings: Warnings,
}

/// A page that could not be imported at all; nothing of it was written.
#[derive(Debug, thiserror::Error)]
#[error("{}:{line}: {message}", file.display())]
pub struct PageError {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
    /// The page's layout, when it had one.
    pub layout: Option<Layout>,
}

impl fmt::Display for PageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Profile => "profile",
            Self::News => "news",
            Self::Network => "network",
            Self::Article => "article",
            Self::Event => "event",
            Self::Project => "project",
        })
    }
}

/// Tells what a page is, or the line and message saying why it is no page we can read.
pub fn detect(page: &str) -> Result<PageKind, (usize, String)> {
    kind_of(layout_of(page)?)
}

/// The page's layout (see [`layout`]), or why it has none.
pub fn layout_of(page: &str) -> Result<Layout, (usize, String)> {
    if let Some(fault) = lines::first_control(page) {
        return Err(fault);
    }
    layout::detect(&lines::split(page))
}

/// The kind of page the importer reads a layout as; the others are refused, saying why.
fn kind_of(layout: Layout) -> Result<PageKind, (usize, String)> {
    match layout {
        Layout::LegacyProfile | Layout::CurrentProfile => Ok(PageKind::Profile),
        Layout::NewsList => Ok(PageKind::News),
        Layout::Network | Layout::Partnership => Ok(PageKind::Network),
        Layout::Article | Layout::UndatedArticle | Layout::BreadcrumbArticle => {
            Ok(PageKind::Article)
        }
        Layout::Event => Ok(PageKind::Event),
        Layout::LegacyProject | Layout::CurrentProject => Ok(PageKind::Project),
        other if other.carries_data() => Err((
            1,
            format!("{other}: the importer does not read this layout yet"),
        )),
        other => Err((1, format!("{other}: no directory data to import"))),
    }
}

/// How many pages of each layout a run imported, refused for their layout, or failed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub imported: BTreeMap<Layout, usize>,
    pub refused: BTreeMap<Layout, usize>,
    /// Pages of a layout the importer reads that could not be imported, and pages of no
    /// layout at all.
    pub failed: usize,
}

impl Summary {
    pub fn of(imported: &[PageReport], failed: &[PageError]) -> Self {
        let mut summary = Self::default();
        for r in imported {
            *summary.imported.entry(r.layout).or_default() += 1;
        }
        for e in failed {
            match e.layout.filter(|l| kind_of(*l).is_err()) {
                Some(layout) => *summary.refused.entry(layout).or_default() += 1,
                None => summary.failed += 1,
            }
        }
        summary
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let counts = |m: &BTreeMap<Layout, usize>| {
            let total: usize = m.values().sum();
            let each: Vec<String> = m.iter().map(|(l, n)| format!("{} {n}", l.code())).collect();
            if each.is_empty() {
                "0".to_owned()
            } else {
                format!("{total} ({})", each.join(", "))
            }
        };
        write!(
            f,
            "imported {}; refused {}; failed {}",
            counts(&self.imported),
            counts(&self.refused),
            self.failed
        )
    }
}

/// Reads a page file as text; the error names the file and, for bytes that are not text,
/// the line.
pub fn read_page(file: &Path) -> Result<String, PageError> {
    let fail = |line, message| PageError {
        file: file.to_path_buf(),
        line,
        message,
        layout: None,
    };
    let bytes = std::fs::read(file).map_err(|e| fail(1, format!("cannot read: {e}")))?;
    lines::decode(bytes).map_err(|(line, message)| fail(line, message))
}

/// The manifests that apply to `paths`: an explicit one, else `manifest.toml` beside each page.
pub fn manifests_for(
    paths: &[PathBuf],
    explicit: Option<&Path>,
) -> Result<Manifest, ManifestError> {
    let mut manifest = Manifest::default();
    if let Some(path) = explicit {
        return Manifest::load(path);
    }
    let mut seen = std::collections::BTreeSet::new();
    for p in paths {
        let dir = if p.is_dir() {
            p.clone()
        } else {
            p.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let candidate = dir.join("manifest.toml");
        if candidate.is_file() && seen.insert(candidate.clone()) {
            manifest.merge(Manifest::load(&candidate)?);
        }
    }
    Ok(manifest)
}

/// Page files named by `paths` (folders are read for `*.txt`), profiles first so that news
/// can resolve the clusters it names.
pub fn page_files(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(p)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "txt"))
                .collect();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(p.clone());
        }
    }
    Ok(files)
}

/// An import run that did not import every page.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Some pages could not be imported; nothing of them was written, and the other pages
    /// were imported.
    #[error("{} pages not imported:{}", failed.len(), failed.iter().map(|e| format!("\n  {e}")).collect::<String>())]
    Pages {
        imported: Vec<PageReport>,
        failed: Vec<PageError>,
    },
    /// The database failed outside any one page: the run stopped there.
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
}

impl PageError {
    /// File and line, to sort failures in reading order.
    pub fn place(&self) -> (&Path, usize) {
        (&self.file, self.line)
    }
}

/// Imports pages given as (file, text): the manifest's networks first, then the profiles,
/// then the news pages (so that news resolve the clusters they name), each page in its own
/// transaction; finally plain mentions that now name a known cluster or network are linked.
/// A page that fails is rolled back and the run goes on; the failures come back together.
pub async fn run(
    db: &DatabaseConnection,
    manifest: &Manifest,
    pages: Vec<(PathBuf, String)>,
    progress: &indicatif::ProgressBar,
) -> Result<Vec<PageReport>, RunError> {
    let tx = store::tx::begin(db).await?;
    write::networks(&tx, manifest).await?;
    tx.commit().await?;

    let mut failed = Vec::new();
    let mut classified = Vec::with_capacity(pages.len());
    for (file, text) in pages {
        let (text, source) = envelope::open(&text);
        let layout = layout_of(&text);
        match layout.clone().and_then(kind_of) {
            Ok(kind) => classified.push((kind, layout.ok(), file, text, source)),
            Err((line, message)) => failed.push(PageError {
                file,
                line,
                message,
                layout: layout.ok(),
            }),
        }
    }
    // Networks first, then profiles, then news: each links to what came before.
    classified.sort_by_key(|(kind, ..)| match kind {
        PageKind::Network => 0,
        PageKind::Profile => 1,
        PageKind::News | PageKind::Article | PageKind::Event | PageKind::Project => 2,
    });

    let entries = manifest.index();
    let mut known = known::Known::default();
    let mut reports = Vec::with_capacity(classified.len());
    progress.set_length(classified.len() as u64);
    for (kind, layout, file, text, source) in classified {
        let entry = entries
            .get(&file)
            .copied()
            .or_else(|| {
                file.canonicalize()
                    .ok()
                    .and_then(|c| entries.get(&c).copied())
            })
            .cloned()
            .unwrap_or_default();
        let page = Page {
            kind,
            layout: layout.unwrap_or(Layout::Other),
            file: &file,
            text: &text,
            source,
        };
        match import_page(db, &mut known, &page, &entry).await? {
            Ok(r) => {
                known.page_committed();
                reports.push(r);
            }
            Err(e) => {
                known.page_rolled_back();
                failed.push(e);
            }
        }
        progress.inc(1);
    }

    let tx = store::tx::begin(db).await?;
    write::relink(&tx, &mut known).await?;
    tx.commit().await?;
    if failed.is_empty() {
        return Ok(reports);
    }
    failed.sort_by(|a, b| a.place().cmp(&b.place()));
    Err(RunError::Pages {
        imported: reports,
        failed,
    })
}

/// Reads `files` and imports them as `run` does; a file that cannot be read as text is one
/// more failed page.
pub async fn run_files(
    db: &DatabaseConnection,
    manifest: &Manifest,
    files: &[PathBuf],
    progress: &indicatif::ProgressBar,
) -> Result<Vec<PageReport>, RunError> {
    let mut unreadable = Vec::new();
    let mut pages = Vec::with_capacity(files.len());
    for f in files {
        match read_page(f) {
            Ok(text) => pages.push((f.clone(), text)),
            Err(e) => unreadable.push(e),
        }
    }
    let (imported, mut failed) = match run(db, manifest, pages, progress).await {
        Ok(reports) if unreadable.is_empty() => return Ok(reports),
        Ok(reports) => (reports, Vec::new()),
        Err(RunError::Pages { imported, failed }) => (imported, failed),
        Err(e) => return Err(e),
    };
    failed.append(&mut unreadable);
    failed.sort_by(|a, b| a.place().cmp(&b.place()));
    Err(RunError::Pages { imported, failed })
}

/// One page on its way into the store.
struct Page<'a> {
    kind: PageKind,
    layout: Layout,
    file: &'a Path,
    text: &'a str,
    /// What the page's envelope says of its source.
    source: Option<envelope::Source>,
}

/// Imports one page in its own transaction: all of it or nothing. The inner error is the
/// page's failure, its transaction rolled back; the outer one is a database that cannot go
/// on (no connection, or a failed commit or rollback), which stops the run.
async fn import_page(
    db: &DatabaseConnection,
    known: &mut known::Known,
    page: &Page<'_>,
    entry: &PageEntry,
) -> Result<Result<PageReport, PageError>, DbErr> {
    let mut warnings = Warnings::default();
    let entry = with_source(entry, page.source.as_ref(), &mut warnings);
    let tx = store::tx::begin(db).await?;
    let (line, message) = match write_page(&tx, known, page, &entry, &mut warnings).await {
        Ok((subject, changed, items)) => {
            tx.commit().await?;
            return Ok(Ok(PageReport {
                file: page.file.to_path_buf(),
                kind: page.kind,
                layout: page.layout,
                subject,
                changed,
                items,
                warnings,
            }));
        }
        Err(write::Error::Db { source, .. }) if lost_connection(&source) => return Err(source),
        Err(write::Error::Page { line, message }) => (line, message),
        Err(write::Error::Db { line, source }) => {
            (line, format!("the database refused it: {source}"))
        }
    };
    tx.rollback().await?;
    Ok(Err(PageError {
        file: page.file.to_path_buf(),
        line,
        message,
        layout: Some(page.layout),
    }))
}

/// The manifest's entry with the source the page's envelope names: the page's own word
/// wins over the manifest's, which is said when they differ. Either is normalised, so that
/// one page from two hosts is one source.
fn with_source(
    entry: &PageEntry,
    source: Option<&envelope::Source>,
    warnings: &mut Warnings,
) -> PageEntry {
    let mut entry = entry.clone();
    let Some(source) = source else {
        entry.source = entry.source.as_deref().map(envelope::normalise);
        return entry;
    };
    if let Some(listed) = entry.source.as_deref()
        && envelope::normalise(listed) != source.address
    {
        warnings.push(
            1,
            format!(
                "the manifest gives the source {listed:?}, the page {:?}; the page wins",
                source.seen
            ),
        );
    }
    entry.source = Some(source.address.clone());
    entry
}

/// Parses the page and writes it through `tx`.
async fn write_page(
    tx: &store::tx::Tx,
    known: &mut known::Known,
    page: &Page<'_>,
    entry: &PageEntry,
    warnings: &mut Warnings,
) -> Result<write::Outcome, write::Error> {
    let lines = lines::split(page.text);
    match page.kind {
        PageKind::Profile => {
            let parsed = match page.layout {
                Layout::CurrentProfile => current_profile::parse(&lines, warnings),
                _ => profile::parse(&lines, warnings),
            };
            write::profile(tx, known, parsed, page.file, entry, warnings).await
        }
        PageKind::Network if page.layout == Layout::Partnership => {
            let parsed = network_page::parse_partnership(&lines, warnings);
            write::network_page(tx, known, parsed, NetworkKind::Partnership, entry).await
        }
        PageKind::Network => {
            let parsed = network_page::parse(&lines, warnings);
            write::network_page(tx, known, parsed, NetworkKind::Network, entry).await
        }
        PageKind::News => {
            let rows = news::parse(&lines, warnings)
                .map_err(|(line, message)| write::Error::Page { line, message })?;
            write::news_page(tx, known, rows, entry, warnings).await
        }
        PageKind::Article => {
            let parsed = article::parse(&lines, page.layout, warnings)
                .map_err(|(line, message)| write::Error::Page { line, message })?;
            write::article(tx, known, parsed, entry, warnings).await
        }
        PageKind::Event => {
            let parsed = event_page::parse(&lines, warnings);
            write::event_page(tx, parsed, entry, warnings).await
        }
        PageKind::Project => {
            let parsed = project_page::parse(&lines, warnings);
            write::project_page(tx, known, parsed, entry, warnings).await
        }
    }
}

/// Errors that say the database is gone rather than that it refused this page: every page
/// after would fail the same way.
fn lost_connection(e: &DbErr) -> bool {
    matches!(e, DbErr::ConnectionAcquire(_) | DbErr::Conn(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_that_are_neither_kind_are_refused_at_the_line_that_shows_it() {
        assert_eq!(detect(""), Err((1, "empty page".into())));
        assert_eq!(detect("\n \n").map_err(|e| e.0), Err(1));
        assert_eq!(
            detect("\n\nJust prose.\n").map_err(|e| e.0),
            Err(3),
            "the first line with text"
        );
        assert_eq!(detect("Title\nMore\u{1}\n").map_err(|e| e.0), Err(2));
    }

    #[test]
    fn a_profile_cut_short_is_not_taken_for_a_news_page_because_it_holds_a_date() {
        let page = "Title\n\nThe date when the cluster organisation was established:\u{a0}\nSaturday, 26 February, 2000\nLanguages spoken:\u{a0}\nEnglish\n";
        assert_eq!(
            detect(page),
            Err((
                3,
                "only 2 of a profile's labels: a profile cut short?".into()
            ))
        );
        assert_eq!(detect("March 23, 2016\n\nA."), Ok(PageKind::News));
    }
}
