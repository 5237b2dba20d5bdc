//! The code paths the fuzz targets drive, in one file that `tests/fuzz_regressions.rs`
//! includes by path: every input a fuzzer saved replays through exactly this code in
//! `cargo test`, on stable, without cargo-fuzz. A path returns nothing; refusing an input is
//! a fine outcome, and a panic (a failed check below included) is the finding.

use std::path::Path;

use cluster_atlas::import::lines::{self, Line, NAME_MAX_CHARS};
use cluster_atlas::import::{
    self, Layout, Manifest, Warnings, article, current_profile, envelope, event_page, network_page,
    news, profile, project_page,
};
use cluster_atlas::resolve::mentions::{Directory, Target};
use cluster_atlas::search::{Request, Search};
use cluster_atlas::text::slugify;

/// A page file's bytes through everything the importer does before it meets the store:
/// decoded, its envelope taken off, its layout told, parsed, and the names it yields made
/// into slugs and resolved or scanned for mentions as the writer does with them.
pub fn import_page(bytes: &[u8]) {
    let Ok(text) = lines::decode(bytes.to_vec()) else {
        return;
    };
    let (text, _) = envelope::open(&text);
    let Ok(layout) = import::layout_of(&text) else {
        return;
    };
    if import::detect(&text).is_err() {
        return;
    }
    let lines = lines::split(&text);
    let mut warnings = Warnings::default();
    let directory = directory();
    match layout {
        Layout::Network | Layout::Partnership => {
            let page = if layout == Layout::Network {
                network_page::parse(&lines, &mut warnings)
            } else {
                network_page::parse_partnership(&lines, &mut warnings)
            };
            for member in page.about.listed_members.iter().flat_map(|m| m.lines()) {
                directory.resolve(member);
            }
            if let Some(name) = &page.name {
                check_name(name);
                slugify(name);
            }
        }
        Layout::LegacyProfile | Layout::CurrentProfile => {
            let p = if layout == Layout::CurrentProfile {
                current_profile::parse(&lines, &mut warnings)
            } else {
                profile::parse(&lines, &mut warnings)
            };
            if let Some(name) = &p.name {
                check_name(name);
            }
            for (_, network) in &p.networks {
                slugify(network);
                directory.resolve(network);
            }
            if let Some(text) = &p.collaborates_with {
                directory.mentions(text);
            }
        }
        Layout::Article | Layout::UndatedArticle | Layout::BreadcrumbArticle => {
            let Ok(a) = article::parse(&lines, layout, &mut warnings) else {
                return;
            };
            let text = format!("{}\n\n{}", a.title.unwrap_or_default(), a.body);
            directory.mentions(&text);
            if let Some(name) = &a.filed_under {
                directory.resolve(name);
            }
        }
        Layout::LegacyProject | Layout::CurrentProject => {
            let page = project_page::parse(&lines, &mut warnings);
            for partner in &page.partners {
                assert!(partner.name.chars().count() <= NAME_MAX_CHARS);
                directory.resolve(&partner.name);
            }
            if let (Some(from), Some(to)) = (page.starts_on, page.ends_on) {
                assert!(from <= to, "a project that ends before it starts");
            }
        }
        Layout::Event => {
            let page = event_page::parse(&lines, &mut warnings);
            if let Some(series) = &page.series {
                check_name(series);
            }
            for e in &page.events {
                let chars = e.name.chars().count();
                assert!(
                    chars <= NAME_MAX_CHARS,
                    "an event name of {chars} characters"
                );
                assert!(e.starts_on <= e.ends_on, "{e:?} ends before it starts");
            }
        }
        _ => {
            let Ok(rows) = news::parse(&lines, &mut warnings) else {
                return;
            };
            for row in rows {
                let text = match &row.title {
                    Some(t) => format!("{t}\n\n{}", row.body),
                    None => row.body,
                };
                directory.mentions(&text);
            }
        }
    }
    check_warnings(&lines, &warnings);
}

/// A cluster's name from its page is what the writer can store and make a slug of: no
/// longer than a name may be, and with a letter or digit.
fn check_name(name: &str) {
    let chars = name.chars().count();
    assert!(chars <= NAME_MAX_CHARS, "a name of {chars} characters");
    assert!(!slugify(name).is_empty(), "the name {name:?} has no slug");
}

/// A warning points at a line of the page.
fn check_warnings(lines: &[Line<'_>], warnings: &Warnings) {
    for w in &warnings.items {
        assert!(
            (1..=lines.len().max(1)).contains(&w.line),
            "warning at line {} of {}: {}",
            w.line,
            lines.len(),
            w.message
        );
    }
}

/// The names the sample pages know, as the writer's directory holds them.
fn directory() -> Directory {
    Directory::new([
        ("MASIT".to_owned(), Target::Cluster(1)),
        ("ICT NET".to_owned(), Target::Cluster(2)),
        (
            "Balkan and Black Sea ICT Clusters Network".to_owned(),
            Target::Network(1),
        ),
        ("BBS ICT Clusters Network".to_owned(), Target::Network(1)),
        ("GIVE Partnership".to_owned(), Target::Network(2)),
    ])
}

/// The longest `query` and `prefix` the API accepts (`graphql/query.rs`): longer ones never
/// reach the engine.
const MAX_QUERY_CHARS: usize = 1000;
const MAX_PREFIX_CHARS: usize = 200;

/// A search index of the sample pages in `data/`, built once, with a runtime to query it.
pub struct SearchIndex {
    runtime: tokio::runtime::Runtime,
    search: Search,
    _dir: tempfile::TempDir,
}

impl SearchIndex {
    /// Imports the pages of `data` (a folder with its `manifest.toml`) into a fresh SQLite
    /// store in a temporary folder, and builds the index beside it.
    pub fn build(data: &Path) -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime");
        let search = runtime.block_on(async {
            let url = format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("atlas.db").display()
            );
            let db = cluster_atlas::app::open_store(&url).await.expect("a store");
            let manifest = Manifest::load(&data.join("manifest.toml")).expect("the manifest");
            let files = import::page_files(&[data.to_path_buf()]).expect("the pages");
            import::run_files(&db, &manifest, &files, &indicatif::ProgressBar::hidden())
                .await
                .expect("the pages import");
            let search = Search::start(&db, dir.path().join("index"))
                .await
                .expect("the index");
            search.caught_up(&db).await.expect("the index catches up");
            search
        });
        Self {
            runtime,
            search,
            _dir: dir,
        }
    }
}

/// A search-box string through the query parser alone: thousands a second, where a search
/// takes milliseconds. Spans and warnings point inside the text.
pub fn search_syntax(query: &str) {
    let chars = query.chars().count();
    let parsed = cluster_atlas::search::syntax::parse(query);
    for atom in parsed.clauses.iter().flat_map(|c| &c.alternatives) {
        assert!(atom.span.start <= atom.span.end, "span {:?}", atom.span);
        assert!(atom.span.end <= chars, "span {:?} of {chars}", atom.span);
    }
    for w in &parsed.warnings {
        assert!(w.at <= chars, "{} at {} of {chars}", w.code, w.at);
    }
}

/// A search-box string through the query parser, then (within the API's length limits) as a
/// search with facets and highlights and as a suggest prefix: never an error, and offsets
/// that stay inside the text they point into.
pub fn search_query(index: &SearchIndex, query: &str) {
    search_syntax(query);
    let chars = query.chars().count();
    if chars > MAX_QUERY_CHARS {
        return;
    }
    index.runtime.block_on(async {
        let request = Request {
            query: query.to_owned(),
            // Highlights are most of a search's cost here; five hits' worth exercise them.
            limit: 5,
            facets: true,
            highlights: true,
            ..Request::default()
        };
        let results = index.search.search(request).await.expect("a search");
        for h in results.hits.iter().flat_map(|hit| &hit.highlights) {
            let len = h.text.encode_utf16().count();
            for &(start, end) in &h.marks {
                assert!(start < end && end <= len, "mark {start}..{end} of {len}");
            }
        }
        if chars <= MAX_PREFIX_CHARS {
            index
                .search
                .suggest(query.to_owned(), 10)
                .await
                .expect("suggestions");
        }
    });
}
