#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

//! The importer on bad input, on SQLite and (with `TEST_DATABASE_URL`) PostgreSQL. Malformed
//! pages among good ones each fail at their file and line, nothing of them is written, the
//! good pages land exactly as they do alone, a second run changes nothing, and the `import`
//! command exits non-zero with one `FILE:LINE: message` line per bad page.

#[expect(dead_code, reason = "the server helpers serve tests/api.rs")]
#[macro_use]
mod support;

use cluster_atlas::store::network::NetworkKind;
use std::collections::BTreeMap;
use std::path::Path;

use cluster_atlas::import::{self, PageError, PageReport, RunError};
use indicatif::ProgressBar;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use support::{Backend, TestStore};

/// A malformed page: its file, its bytes, and where and why the importer must refuse it.
struct Bad {
    file: &'static str,
    bytes: Vec<u8>,
    line: usize,
    /// The message, or for a database's refusal its beginning.
    message: String,
}

/// ICT NET's sample profile: the base of the made-up ones.
fn ict_net() -> String {
    support::sample(support::ICT_NET)
}

/// The page with a technology field no seed has.
fn with_new_term(page: &str) -> String {
    let label = "Technology fields:\u{a0}\n";
    assert!(page.contains(label));
    page.replace(label, &format!("{label}Quantum Widgets\n"))
}

/// The number of the first line holding `needle`, counted the way editors do.
fn line_of(page: &str, needle: &str) -> usize {
    page.split('\n').position(|l| l.contains(needle)).unwrap() + 1
}

/// The profile whose programme a test trigger makes the database refuse: it fails late,
/// after its cluster, contacts and a new term were written in its transaction.
const REFUSED_PROGRAMME: &str = "Tripwire";

const EXTRA_MANIFEST: &str = r#"
[[page]]
file = "quantum.txt"
slug = "quantum"
name = "Quantum Cluster"
country = "RS"

[[page]]
file = "late.txt"
slug = "late"
name = "Late Failure Cluster"
country = "RS"
"#;

/// The sample pages with their manifest, and one more good profile that shares its new term with
/// the page that fails late ("quantum.txt" sorts after "late.txt": imported after it, it
/// would trip over a term id the rolled-back page left in the run's cache).
fn write_good_pages(dir: &Path) {
    for name in [support::MASIT, support::NEWS, support::ICT_NET] {
        std::fs::write(dir.join(name), support::sample(name)).unwrap();
    }
    let manifest = std::fs::read_to_string(support::sample_dir().join("manifest.toml")).unwrap();
    std::fs::write(dir.join("manifest.toml"), manifest + EXTRA_MANIFEST).unwrap();
    std::fs::write(dir.join("quantum.txt"), with_new_term(&ict_net())).unwrap();
}

/// Malformed pages, in file-name order; with `late`, also the page the database refuses.
fn bad_pages(late: bool) -> Vec<Bad> {
    let profile = ict_net();
    let news = support::sample(support::NEWS);
    let mut pages = vec![
        Bad {
            file: "binary.txt",
            bytes: profile
                .replace("Cluster Manager", "Cluster\0Manager")
                .into(),
            line: line_of(&profile, "Cluster Manager"),
            message: "control character U+0000 at column 8: not a text page".into(),
        },
        Bad {
            file: "cut-short.txt",
            bytes: profile
                .split('\n')
                .take(6)
                .collect::<Vec<_>>()
                .join("\n")
                .into(),
            line: 3,
            message: "only 2 of a profile's labels: a profile cut short?".into(),
        },
        Bad {
            file: "empty.txt",
            bytes: Vec::new(),
            line: 1,
            message: "empty page".into(),
        },
        // The profile saved as Latin-1: the first byte that is not UTF-8 is the
        // non-breaking space after the first label.
        Bad {
            file: "latin1.txt",
            bytes: profile
                .chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                .collect(),
            line: line_of(&profile, "\u{a0}"),
            message: format!(
                "not UTF-8: byte 0xA0 at column {} (save the page as UTF-8)",
                "The date when the cluster organisation was established:".len() + 1
            ),
        },
        Bad {
            file: "nameless.txt",
            bytes: profile.clone().into(),
            line: 1,
            message: "the profile does not name its cluster and no manifest entry does".into(),
        },
        Bad {
            file: "prose.txt",
            bytes: b"\n\nMinutes of the meeting.\nNothing else.\n".to_vec(),
            line: 3,
            message: "no known layout: neither a profile, an article, an event, a network or \
                      project page, nor a news list"
                .into(),
        },
        Bad {
            file: "short-year.txt",
            bytes: news.replace("October 25, 2016", "October 25, 16").into(),
            line: line_of(&news, "October 25, 2016"),
            message: "date \"October 25, 16\" has no four-digit year".into(),
        },
    ];
    if late {
        let page = format!(
            "{}\n  • {REFUSED_PROGRAMME} EU funded project (FP7)",
            with_new_term(&profile)
        );
        pages.push(Bad {
            file: "late.txt",
            line: line_of(&page, REFUSED_PROGRAMME),
            bytes: page.into(),
            message: "the database refused it: ".into(),
        });
        pages.sort_by_key(|b| b.file);
    }
    pages
}

/// Makes the database refuse one programme, as a broken database would.
async fn refuse_programme(db: &DatabaseConnection, name: &str) {
    let statements = match db.get_database_backend() {
        DbBackend::Sqlite => vec![format!(
            "CREATE TRIGGER refuse BEFORE INSERT ON programme WHEN NEW.name = '{name}' \
             BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END"
        )],
        _ => vec![
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'refused by a test trigger'; END $$"
                .to_owned(),
            format!(
                "CREATE TRIGGER refuse BEFORE INSERT ON programme FOR EACH ROW \
                 WHEN (NEW.name = '{name}') EXECUTE FUNCTION refuse()"
            ),
        ],
    };
    for sql in statements {
        db.execute_unprepared(&sql).await.unwrap();
    }
}

/// Imports a folder as the `import` command does.
async fn import_folder(db: &DatabaseConnection, dir: &Path) -> Result<Vec<PageReport>, RunError> {
    let paths = [dir.to_path_buf()];
    let manifest = import::manifests_for(&paths, None).unwrap();
    let files = import::page_files(&paths).unwrap();
    import::run_files(db, &manifest, &files, &ProgressBar::hidden()).await
}

fn partly_failed(run: Result<Vec<PageReport>, RunError>) -> (Vec<PageReport>, Vec<PageError>) {
    match run {
        Err(RunError::Pages { imported, failed }) => (imported, failed),
        other => panic!("expected failed pages, got {other:?}"),
    }
}

/// Every failure is the expected one: same file, same line, same message.
fn assert_failures(failed: &[PageError], bad: &[Bad], dir: &Path) {
    let got: Vec<(String, usize)> = failed
        .iter()
        .map(|e| (e.file.display().to_string(), e.line))
        .collect();
    let wanted: Vec<(String, usize)> = bad
        .iter()
        .map(|b| (dir.join(b.file).display().to_string(), b.line))
        .collect();
    assert_eq!(got, wanted);
    for (e, b) in failed.iter().zip(bad) {
        assert!(
            e.message.starts_with(&b.message),
            "{e} (wanted {:?})",
            b.message
        );
    }
}

/// Rows in every table of the store, by table.
async fn row_counts(db: &DatabaseConnection) -> BTreeMap<String, i64> {
    let backend = db.get_database_backend();
    let tables = match backend {
        DbBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        _ => {
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
    };
    let mut counts = BTreeMap::new();
    for row in db
        .query_all(Statement::from_string(backend, tables))
        .await
        .unwrap()
    {
        let table: String = row.try_get("", "name").unwrap();
        let count = db
            .query_one(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM \"{table}\""),
            ))
            .await
            .unwrap()
            .unwrap();
        counts.insert(table, count.try_get::<i64>("", "n").unwrap());
    }
    counts
}

async fn bad_pages_fail_at_their_line_and_leave_no_trace(backend: Backend) {
    // Arrange: the good pages alone in one store; the same with the bad ones in another,
    // whose database refuses the late page's programme.
    let good = tempfile::tempdir().unwrap();
    write_good_pages(good.path());
    let mixed = tempfile::tempdir().unwrap();
    write_good_pages(mixed.path());
    let bad = bad_pages(true);
    for b in &bad {
        std::fs::write(mixed.path().join(b.file), &b.bytes).unwrap();
    }
    let alone = TestStore::open(backend).await;
    let together = TestStore::open(backend).await;
    refuse_programme(&together.db, REFUSED_PROGRAMME).await;

    // Act
    let good_reports = import_folder(&alone.db, good.path())
        .await
        .expect("the good pages import");
    let (imported, failed) = partly_failed(import_folder(&together.db, mixed.path()).await);

    // Assert
    assert_failures(&failed, &bad, mixed.path());
    assert_eq!(
        imported.len(),
        good_reports.len(),
        "every good page imported"
    );
    let counts = row_counts(&together.db).await;
    assert!(counts.len() >= 16, "every table: {counts:?}");
    assert_eq!(counts["cluster"], 3, "MASIT, ICT NET and Quantum");
    assert_eq!(
        counts,
        row_counts(&alone.db).await,
        "the bad pages wrote nothing, the good ones all they write alone"
    );

    // Act again: the same folder a second time.
    let (again, failed_again) = partly_failed(import_folder(&together.db, mixed.path()).await);

    // Assert: the same failures, no change, the same rows.
    assert_failures(&failed_again, &bad, mixed.path());
    let changed: usize = again.iter().map(|r| r.changed).sum();
    assert_eq!(changed, 0, "re-importing the good pages changes nothing");
    assert_eq!(row_counts(&together.db).await, counts);
}

#[test]
fn the_import_command_prints_each_bad_page_as_file_and_line_and_exits_non_zero() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();
    write_good_pages(dir.path());
    let bad = bad_pages(false);
    for b in &bad {
        std::fs::write(dir.path().join(b.file), &b.bytes).unwrap();
    }

    // Act
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cluster-atlas"))
        .arg("import")
        .arg(dir.path())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("x.db").display()),
        )
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .output()
        .unwrap();

    // Assert
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "stdout: {stdout}\nstderr: {stderr}");
    let wanted: Vec<String> = bad
        .iter()
        .map(|b| {
            format!(
                "{}:{}: {}",
                dir.path().join(b.file).display(),
                b.line,
                b.message
            )
        })
        .collect();
    let reported: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with(&*dir.path().to_string_lossy()))
        .collect();
    assert_eq!(reported, wanted);
    assert!(
        stderr.contains(&format!(
            "Error: {} of {} pages not imported; nothing of them was written",
            bad.len(),
            bad.len() + 4
        )),
        "{stderr}"
    );
    for good in [
        "(profile L1, masit)",
        "(profile L1, ict-net)",
        "(profile L1, quantum)",
        "(news news list, ",
        "imported 4 (L1 3, news list 1); refused 0; failed 7",
    ] {
        assert!(stdout.contains(good), "{good} missing from: {stdout}");
    }
}

/// Pages that would overwrite a cluster or a network they do not describe.
async fn pages_never_overwrite_what_they_do_not_describe(backend: Backend) {
    // Arrange: the sample pages, then ICT NET's page twice more: once under ICT NET's slug in the
    // same run, once from another address in a later run; and a profile naming "BBS-ICT",
    // no known name of the BBS network but the letters of its slug.
    let dir = tempfile::tempdir().unwrap();
    write_good_pages(dir.path());
    let twin = ict_net().replace("Vojvodina", "Šumadija");
    std::fs::write(dir.path().join("twin.txt"), &twin).unwrap();
    let extra = r#"
[[page]]
file = "twin.txt"
slug = "ict-net"
name = "ICT NET"
country = "RS"
source = "https://www.clustercollaboration.eu/cluster-organisations/ict-net"
"#;
    let manifest = std::fs::read_to_string(dir.path().join("manifest.toml")).unwrap();
    std::fs::write(dir.path().join("manifest.toml"), manifest + extra).unwrap();
    let store = TestStore::open(backend).await;

    // Act: one run with both pages for ict-net.
    let (imported, failed) = partly_failed(import_folder(&store.db, dir.path()).await);

    // Assert: the first page (in reading order) wrote ICT NET, the second was refused.
    assert_eq!(imported.len(), 4, "{imported:?}");
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].file, dir.path().join("twin.txt"));
    assert!(
        failed[0].message.starts_with(&format!(
            "{} already wrote the cluster \"ict-net\" in this import",
            dir.path().join(support::ICT_NET).display()
        )),
        "{}",
        failed[0]
    );
    let region = || async {
        store
            .db
            .query_one(Statement::from_string(
                store.db.get_database_backend(),
                "SELECT region FROM cluster WHERE slug = 'ict-net'",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<String>("", "region")
            .unwrap()
    };
    assert_eq!(region().await, "Vojvodina");

    // Act: the twin alone in a later run, now from another address.
    let later = tempfile::tempdir().unwrap();
    std::fs::write(later.path().join("twin.txt"), &twin).unwrap();
    std::fs::write(
        later.path().join("manifest.toml"),
        extra.replace("/ict-net\"", "/another-ict-net\""),
    )
    .unwrap();
    let (_, failed) = partly_failed(import_folder(&store.db, later.path()).await);

    // Assert
    assert_eq!(failed.len(), 1);
    assert!(
        // Both addresses as the store keeps them: one form for every host of the platform.
        failed[0].message.starts_with("the cluster \"ict-net\" was imported from https://clustercollaboration.eu/cluster-organisations/ict-net, this page comes from https://clustercollaboration.eu/cluster-organisations/another-ict-net"),
        "{}",
        failed[0]
    );
    assert_eq!(region().await, "Vojvodina");

    // Act: a profile naming the network by its slug's letters only.
    let spelled = tempfile::tempdir().unwrap();
    let page = ict_net().replace("BBS ICT Cluster Network", "BBS-ICT");
    assert_ne!(page, ict_net());
    std::fs::write(spelled.path().join("spelled.txt"), page).unwrap();
    std::fs::write(
        spelled.path().join("manifest.toml"),
        "[[page]]\nfile = \"spelled.txt\"\nslug = \"spelled\"\nname = \"Spelled\"\ncountry = \"RS\"\n",
    )
    .unwrap();
    let reports = import_folder(&store.db, spelled.path()).await.unwrap();

    // Assert: the known network keeps its name, gains the member (beside MASIT, which names
    // it among its collaborations), and the page says so.
    let messages: Vec<&str> = reports[0]
        .warnings
        .items
        .iter()
        .map(|w| w.message.as_str())
        .collect();
    assert!(
        messages.contains(&"network \"BBS-ICT\" is not a known name; taken as \"Balkan and Black Sea ICT Clusters Network\", whose slug it shares"),
        "{messages:?}"
    );
    let rows = store
        .db
        .query_all(Statement::from_string(
            store.db.get_database_backend(),
            "SELECT n.name AS name, c.slug AS member FROM network n \
             JOIN membership m ON m.network_id = n.id JOIN cluster c ON c.id = m.cluster_id \
             WHERE n.slug = 'bbs-ict' ORDER BY c.slug",
        ))
        .await
        .unwrap();
    let members: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get("", "name").unwrap(),
                r.try_get("", "member").unwrap(),
            )
        })
        .collect();
    let name = "Balkan and Black Sea ICT Clusters Network".to_owned();
    assert_eq!(
        members,
        [
            (name.clone(), "ict-net".to_owned()),
            (name.clone(), "masit".to_owned()),
            (name.clone(), "quantum".to_owned()),
            (name, "spelled".to_owned()),
        ]
    );
}

/// MASIT's sample page cut in the middle of its services' details, as a crawler that
/// stopped early saves it, with one fact above the cut changed.
fn masit_cut_in_its_services() -> String {
    let page = support::sample(support::MASIT);
    let cut = page.find("Business opportunities:").unwrap();
    page[..cut].replace("Saturday, 26 February, 2000", "Sunday, 27 February, 2000")
}

/// A page cut short imports what it reaches and erases nothing it does not.
async fn a_cut_page_never_erases_what_it_does_not_reach(backend: Backend) {
    // Arrange: the sample pages, then MASIT's page cut short in a folder of its own.
    let store = TestStore::open(backend).await;
    let whole = tempfile::tempdir().unwrap();
    write_good_pages(whole.path());
    std::fs::remove_file(whole.path().join("quantum.txt")).unwrap();
    let _ = import_folder(&store.db, whole.path()).await;
    let before = row_counts(&store.db).await;
    let cut = tempfile::tempdir().unwrap();
    std::fs::write(cut.path().join(support::MASIT), masit_cut_in_its_services()).unwrap();
    let manifest = std::fs::read_to_string(support::sample_dir().join("manifest.toml")).unwrap();
    std::fs::write(cut.path().join("manifest.toml"), manifest).unwrap();

    // Act
    let reports = import_folder(&store.db, cut.path()).await.unwrap();

    // Assert: the date above the cut changed; every row below it is as it was.
    let masit = cluster_atlas::store::cluster::find_by_slug(&store.db, "masit")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(masit.established.unwrap().to_string(), "2000-02-27");
    let mut after = row_counts(&store.db).await;
    assert_eq!(
        after.remove("outbox"),
        before.get("outbox").map(|n| n + 1),
        "the change announced"
    );
    let mut before = before;
    before.remove("outbox");
    assert_eq!(after, before);
    let warnings: Vec<&str> = reports[0]
        .warnings
        .items
        .iter()
        .map(|w| w.message.as_str())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("a page cut short?") && w.contains("keep their stored values")),
        "{warnings:?}"
    );
    assert!(
        before["service_item"] > 10 && before["participation"] == 4,
        "{before:?}"
    );
}

/// The layout column of the real pages' README, by file name.
fn readme_layouts(dir: &Path) -> BTreeMap<String, String> {
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    readme
        .lines()
        .filter_map(|row| {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let file = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            let layout = cells.get(4)?.split_whitespace().next()?;
            Some((file.to_owned(), layout.to_owned()))
        })
        .collect()
}

#[test]
fn every_real_platform_page_is_told_its_layout_by_its_text() {
    let Some(dir) = support::real_platform_pages() else {
        return;
    };
    let expected = readme_layouts(&dir);
    assert_eq!(expected.len(), 25, "{expected:?}");
    for (file, layout) in &expected {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let (page, source) = import::envelope::open(&text);
        assert!(source.is_some_and(|s| s.address.starts_with("https://clustercollaboration.eu")));
        let found = import::layout_of(&page).map(|l| l.code()).unwrap_or("none");
        // The byline-first variant of L5 states author and date: it is read as an article
        // with its byline (L4).
        let layout = if file.starts_with("040_") {
            "L4"
        } else {
            layout.as_str()
        };
        assert_eq!(found, layout, "{file}");
    }
}

/// ICT NET's sample page in a crawler's envelope naming `address`, in a folder of its own
/// with a manifest that gives no source.
fn enveloped_ict_net(address: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let page = format!("URL: {address}\n\n{}", support::sample(support::ICT_NET));
    std::fs::write(dir.path().join(support::ICT_NET), page).unwrap();
    let manifest = "[[page]]\nfile = \"ict-net.txt\"\nslug = \"ict-net\"\nname = \"ICT NET\"\ncountry = \"RS\"\n";
    std::fs::write(dir.path().join("manifest.toml"), manifest).unwrap();
    dir
}

/// The envelope's address is the page's source, one for every host that serves the page.
async fn one_page_from_two_hosts_is_one_source(backend: Backend) {
    // Arrange
    let store = TestStore::open(backend).await;
    let temporary = enveloped_ict_net(
        "https://impr-0001-1260-partners.eccp.hosted-temp.com/cluster-organisations/ict-net",
    );
    let main = enveloped_ict_net(
        "https://www.clustercollaboration.eu/cluster-organisations/ict-net?page=0%2C0%2C0%2C1",
    );

    // Act
    let first = import_folder(&store.db, temporary.path()).await.unwrap();
    let again = import_folder(&store.db, main.path()).await.unwrap();

    // Assert: one cluster, its source normalised, nothing changed the second time.
    let ict_net = cluster_atlas::store::cluster::find_by_slug(&store.db, "ict-net")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        ict_net.source_url.as_deref(),
        Some("https://clustercollaboration.eu/cluster-organisations/ict-net")
    );
    assert!(first[0].changed > 0);
    assert_eq!(again[0].changed, 0, "{:?}", again[0].warnings);
    assert_eq!(
        ict_net.region.as_deref(),
        Some("Vojvodina"),
        "the page read past its envelope"
    );
}

/// Imports one page of `tests/fixtures/pages/` alone, with no manifest: what it says of
/// itself is all there is.
async fn import_fixture(db: &DatabaseConnection, file: &str) -> PageReport {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(support::root().join("tests/fixtures/pages").join(file));
    std::fs::write(dir.path().join(file), text.unwrap()).unwrap();
    let mut reports = import_folder(db, dir.path()).await.unwrap();
    reports.remove(0)
}

fn said(report: &PageReport, words: &str) -> bool {
    report
        .warnings
        .items
        .iter()
        .any(|w| w.message.contains(words))
}

/// An organisation with a page in each layout is one cluster; the current layout wins
/// where they disagree, every disagreement is said, and what only the old page states stays.
async fn one_organisation_in_two_layouts_is_one_cluster(backend: Backend) {
    // Arrange: the old-layout page first (95 members, services, no country).
    let store = TestStore::open(backend).await;
    let old = import_fixture(&store.db, "alpine-old.txt").await;
    assert_eq!(old.layout, import::Layout::LegacyProfile);
    let services = row_counts(&store.db).await["service_item"];
    let cluster = || async {
        cluster_atlas::store::cluster::find_by_slug(&store.db, "alpine-widgets-cluster")
            .await
            .unwrap()
            .unwrap()
    };
    assert_eq!(cluster().await.members_total, Some(95));

    // Act: the current-layout page, from another path and host.
    let current = import_fixture(&store.db, "alpine-current.txt").await;

    // Assert: one cluster, the current layout's figures, the old page's services kept.
    assert_eq!(current.layout, import::Layout::CurrentProfile);
    assert_eq!(current.subject, "alpine-widgets-cluster");
    let c = cluster().await;
    assert_eq!(
        (c.members_total, c.members_startups, c.completeness),
        (Some(120), Some(7), Some(85))
    );
    assert_eq!(c.country_code.as_deref(), Some("AT"));
    assert_eq!((c.staff_min, c.staff_max), (Some(6), Some(10)));
    assert_eq!(c.native_name.as_deref(), Some("Alpen Widget Cluster"));
    assert!(
        said(&current, "replaces the old-layout page's \"95\""),
        "{:?}",
        current.warnings
    );
    assert_eq!(row_counts(&store.db).await["service_item"], services);

    // Act: the old page once more.
    let again = import_fixture(&store.db, "alpine-old.txt").await;

    // Assert: the current layout's values stay, and the old page is told so.
    let c = cluster().await;
    assert_eq!((c.members_total, c.completeness), (Some(120), Some(85)));
    assert_eq!(c.country_code.as_deref(), Some("AT"));
    assert_eq!(
        c.source_url.as_deref(),
        Some("https://clustercollaboration.eu/content/alpine-widgets-cluster")
    );
    assert!(
        said(&again, "is kept over this old-layout page's \"95\""),
        "{:?}",
        again.warnings
    );
}

/// A store with these real platform pages imported, and their reports; None (said as
/// SKIPPED) where the pages are missing.
async fn with_real_pages(files: &[&str]) -> Option<(TestStore, Vec<PageReport>)> {
    let pages = support::real_platform_pages()?;
    let store = TestStore::open(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    for file in files {
        std::fs::copy(pages.join(file), dir.path().join(file)).unwrap();
    }
    let reports = import_folder(&store.db, dir.path()).await.unwrap();
    assert_eq!(reports.len(), files.len());
    Some((store, reports))
}

async fn stored_cluster(store: &TestStore, slug: &str) -> cluster_atlas::store::cluster::Model {
    cluster_atlas::store::cluster::find_by_slug(&store.db, slug)
        .await
        .unwrap()
        .unwrap()
}

/// The real current-layout profiles land with the facts their README row lists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_current_layout_profiles_land_with_their_facts() {
    let files = [
        "005_profile_ict-cluster.txt",
        "011_profile_pole-vehicule-du-futur.txt",
    ];
    let Some((store, _)) = with_real_pages(&files).await else {
        return;
    };
    let ict = stored_cluster(&store, "ict-cluster").await;
    assert_eq!(
        (
            ict.name.as_str(),
            ict.native_name.as_deref(),
            ict.country_code.as_deref()
        ),
        ("ICT Cluster", Some("IKT Klaster"), Some("BG"))
    );
    assert_eq!(ict.region.as_deref(), Some("South-West (Bulgaria)"));
    assert_eq!(ict.contact_person.as_deref(), Some("Anna Naydenova"));
    assert_eq!(
        (ict.completeness, ict.staff_min, ict.staff_max),
        (Some(90), Some(1), Some(5))
    );
    assert_eq!(ict.established.unwrap().to_string(), "2005-01-31");
    assert_eq!(
        ict.upskilling.as_deref(),
        Some("Competence development\nStaff mobility\nMentoring")
    );
    assert_eq!(
        (
            ict.members_total,
            ict.members_sme,
            ict.members_startups,
            ict.members_research
        ),
        (Some(293), Some(280), Some(5), Some(6))
    );
    assert_eq!(
        (ict.members_civil_society, ict.members_other),
        (Some(5), Some(2))
    );
    assert!(
        !ict.strategy.unwrap().contains("Webinar"),
        "the teaser is not the profile's"
    );
    let pvf = stored_cluster(&store, "pole-vehicule-du-futur").await;
    assert_eq!(pvf.name, "Pôle Véhicule du Futur");
    assert_eq!(pvf.country_code.as_deref(), Some("FR"));
    assert_eq!(pvf.region.as_deref(), Some("Burgundy-Franche-Comté"));
    assert_eq!(pvf.contact_person.as_deref(), Some("Thomas RÖHR"));
    assert_eq!(
        (pvf.completeness, pvf.staff_min, pvf.staff_max),
        (Some(100), Some(11), Some(20))
    );
    assert_eq!(pvf.upskilling.as_deref(), Some("Vocational training"));
    assert_eq!(
        [
            pvf.members_total,
            pvf.members_sme,
            pvf.members_startups,
            pvf.members_large,
            pvf.members_research,
            pvf.members_other
        ],
        [
            Some(435),
            Some(222),
            Some(42),
            Some(160),
            Some(22),
            Some(31)
        ]
    );
}

/// The real old-layout page with the labels the seeds lack lands with its README facts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_old_layout_variant_lands_with_its_facts() {
    let Some((store, reports)) = with_real_pages(&["007_profile_green-synergy-cluster.txt"]).await
    else {
        return;
    };
    assert_eq!(reports[0].subject, "green-synergy-cluster");
    let c = stored_cluster(&store, "green-synergy-cluster").await;
    assert_eq!(c.name, "Green Synergy Cluster");
    assert_eq!(c.established.unwrap().to_string(), "2011-09-13");
    assert_eq!(
        c.region.as_deref(),
        Some("Южен централен (Yuzhen tsentralen)")
    );
    assert_eq!(c.staff_count, None);
    assert_eq!(c.excellence_label.as_deref(), Some("BRONZE"));
    assert_eq!(
        c.other_labels.as_deref(),
        Some("European Strategic Cluster Partnership - Going International (ESCP-4i) Label")
    );
    assert_eq!(c.escp_membership, None);
    assert!(
        c.major_players
            .unwrap()
            .starts_with("Energy Agency of Plovdiv (Research Organisation)\nInstall Engineering")
    );
    let roles: Vec<String> = cluster_atlas::store::contact::for_clusters(&store.db, &[c.id])
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.role)
        .collect();
    assert_eq!(
        roles,
        ["Project Manager", "Cluster Manager", "Project Manager"]
    );
}

/// The real network pages land on their network with the facts their README rows list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_network_pages_land_with_their_facts() {
    let files = [
        "012_network_serbian-cluster-network.txt",
        "015_network_france-clusters.txt",
    ];
    let Some((store, _)) = with_real_pages(&files).await else {
        return;
    };
    let get = |slug: &'static str| {
        let db = store.db.clone();
        async move {
            cluster_atlas::store::network::find_by_slug(&db, slug)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let serbian = get("serbian-cluster-network").await;
    assert_eq!(serbian.name, "SERBIAN CLUSTER NETWORK");
    assert_eq!(
        serbian.website.as_deref(),
        Some("https://www.clusterhouse.rs")
    );
    assert_eq!(serbian.email, None, "obfuscated on the page");
    assert_eq!(serbian.coordinator.as_deref(), Some("The Cluster House"));
    assert_eq!(serbian.member_organisations, Some(47));
    assert!(
        serbian
            .description
            .unwrap()
            .contains("Balkan Cluster Day in Nis, March 25, 2016")
    );
    let france = get("france-clusters").await;
    assert_eq!(france.name, "France Clusters");
    assert_eq!(
        (france.founded_year, france.member_organisations),
        (Some(1997), Some(150))
    );
}

/// A network's page fills in the network the manifest named, under its own slug.
async fn a_network_page_fills_in_the_known_network(backend: Backend) {
    // Arrange: the sample pages (the BBS network from the manifest), then its page.
    let store = TestStore::open(backend).await;
    let whole = tempfile::tempdir().unwrap();
    write_good_pages(whole.path());
    std::fs::remove_file(whole.path().join("quantum.txt")).unwrap();
    let _ = import_folder(&store.db, whole.path()).await;
    let page = "Home > Cluster Networks > BBS ICT Clusters Network\n\nBBS ICT Clusters Network\n\nwww.bbs-ict.example  office@bbs-ict.example\n\nThe Cluster Foundation is a coordinator of the network. Since 2011 it is a network of 12 cluster organisations.\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bbs.txt"), page).unwrap();

    // Act
    let reports = import_folder(&store.db, dir.path()).await.unwrap();

    // Assert: the known network, its manifest name and slug kept, the page's facts added.
    assert_eq!(reports[0].kind, import::PageKind::Network);
    assert_eq!(reports[0].subject, "bbs-ict");
    let n = cluster_atlas::store::network::find_by_slug(&store.db, "bbs-ict")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n.name, "Balkan and Black Sea ICT Clusters Network");
    assert_eq!(n.email.as_deref(), Some("office@bbs-ict.example"));
    assert_eq!(n.coordinator.as_deref(), Some("The Cluster Foundation"));
    assert_eq!(
        (n.founded_year, n.member_organisations),
        (Some(2011), Some(12))
    );

    // A later run with the manifest keeps what the page said.
    let _ = import_folder(&store.db, whole.path()).await;
    let again = cluster_atlas::store::network::find_by_slug(&store.db, "bbs-ict")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.coordinator.as_deref(), Some("The Cluster Foundation"));
}

async fn stored_article(
    db: &DatabaseConnection,
    address: &str,
) -> cluster_atlas::store::news::Model {
    let key = cluster_atlas::resolve::keys::article_key(address);
    cluster_atlas::store::news::find_by_key(db, &key)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no article from {address}"))
}

/// An article is one news item whichever host it was copied to; a copy without byline and
/// cut short keeps the author, date and body the whole copy stated; the footer files it
/// under its cluster; a byline that cut the author's name short gets the whole name.
async fn one_article_from_two_hosts_is_one_item(backend: Backend) {
    // Arrange: the cluster the articles are filed under.
    let store = TestStore::open(backend).await;
    import_fixture(&store.db, "alpine-old.txt").await;
    const ADDRESS: &str = "https://clustercollaboration.eu/community-news/alpine-widgets-meet-graz";

    // Act: the article, its cut copy from a temporary host, and another article.
    let whole = import_fixture(&store.db, "alpine-article.txt").await;
    let copy = import_fixture(&store.db, "alpine-article-copy.txt").await;
    let cut_author = import_fixture(&store.db, "alpine-article-cut-author.txt").await;
    let survey = import_fixture(&store.db, "alpine-survey.txt").await;

    // Assert: one item, as the whole copy stated it.
    assert_eq!(
        (whole.layout, copy.layout, survey.layout),
        (
            import::Layout::Article,
            import::Layout::UndatedArticle,
            import::Layout::BreadcrumbArticle
        )
    );
    assert_eq!(
        (whole.subject.as_str(), copy.subject.as_str()),
        (ADDRESS, ADDRESS)
    );
    let item = stored_article(&store.db, ADDRESS).await;
    assert_eq!(
        item.title.as_deref(),
        Some("Alpine widget makers meet in Graz")
    );
    assert_eq!(item.author.as_deref(), Some("Johanna Beispielfrau"));
    assert_eq!(item.published_on.unwrap().to_string(), "2019-03-12");
    assert!(item.body.ends_with("within a year."), "{}", item.body);
    assert!(!item.body.contains("2 4"), "the caption is not text");
    assert!(
        said(&copy, "the stored body is kept"),
        "{:?}",
        copy.warnings
    );
    assert_eq!(item.filed_under.as_deref(), Some("Alpine Widgets Cluster"));
    let cluster = cluster_atlas::store::cluster::find_by_slug(&store.db, "alpine-widgets-cluster")
        .await
        .unwrap()
        .unwrap();
    let mentions = cluster_atlas::store::news_mention::for_news(&store.db, &[item.id])
        .await
        .unwrap();
    assert!(
        mentions
            .iter()
            .any(|m| m.name == "Alpine Widgets Cluster" && m.cluster_id == Some(cluster.id)),
        "{mentions:?}"
    );
    let news_items = row_counts(&store.db).await["news"];
    assert_eq!(news_items, 3);

    // The cut name is made whole; the empty footer files the article under nothing.
    let abroad = stored_article(
        &store.db,
        "https://clustercollaboration.eu/profile-articles/alpine-springs-go-abroad",
    )
    .await;
    assert_eq!(abroad.author.as_deref(), Some("Johanna Beispielfrau"));
    assert!(said(&cut_author, "taken as"), "{:?}", cut_author.warnings);
    assert_eq!(abroad.filed_under, None);

    // An article without byline has no date, and its breadcrumb gives its title.
    let survey = stored_article(
        &store.db,
        "https://clustercollaboration.eu/news/alpine-survey-results",
    )
    .await;
    assert_eq!((survey.published_on, survey.author), (None, None));
    assert_eq!(
        survey.title.as_deref(),
        Some("What Alpine clusters plan for 2021")
    );

    // Importing all again changes nothing.
    for file in [
        "alpine-article.txt",
        "alpine-article-copy.txt",
        "alpine-survey.txt",
    ] {
        let again = import_fixture(&store.db, file).await;
        assert_eq!(again.changed, 0, "{file}: {:?}", again.warnings);
    }
}

/// The real articles land as news items with the facts their README rows list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_articles_land_with_their_facts() {
    let files = [
        "005_profile_ict-cluster.txt",
        "007_profile_green-synergy-cluster.txt",
        "023_news_2nd-inter-consortia-meeting-within-cluster-excel.txt",
        "024_news_ht-eccp-news-flash.txt",
        "025_news_ht-strategic-ict-clusters-meeting-danube-ict-cluste.txt",
        "027_news_ht-eacn-partnership-meets-european-clusters-allianc.txt",
        "030_news_cluster-go-international-eu-commission-launches-.txt",
        "031_news_eu-commission-action-clusters-go-international-c.txt",
        "034_news_results-first-consultation-among-clusters-go-int.txt",
        "040_news_ht-clamtex-starts-terrassa-boost-cluster-management.txt",
        "044_news_exxtra-clusterxchange-scheme.txt",
        "049_news_give-kick-meeting.txt",
    ];
    let Some((store, reports)) = with_real_pages(&files).await else {
        return;
    };
    let article = |path: &'static str| {
        let db = store.db.clone();
        async move { stored_article(&db, &format!("https://clustercollaboration.eu{path}")).await }
    };
    assert_eq!(reports.len(), files.len());
    let meeting =
        article("/community-news/2nd-inter-consortia-meeting-within-cluster-excellence-projects")
            .await;
    assert_eq!(
        meeting.title.as_deref(),
        Some("2nd Inter-consortia meeting within Cluster excellence projects")
    );
    assert_eq!(meeting.author.as_deref(), Some("Daniela Kostova"));
    assert_eq!(meeting.published_on.unwrap().to_string(), "2018-11-02");
    assert_eq!(
        meeting.filed_under.as_deref(),
        Some("Green Synergy Cluster")
    );
    assert!(
        !meeting.body.contains("\n\n3 1\n\n"),
        "the stray caption is not text"
    );
    let green = stored_cluster(&store, "green-synergy-cluster").await;
    let mentions = cluster_atlas::store::news_mention::for_news(&store.db, &[meeting.id])
        .await
        .unwrap();
    assert!(
        mentions.iter().any(|m| m.cluster_id == Some(green.id)),
        "{mentions:?}"
    );

    let flash = article("/content/eccp-news-flash").await;
    assert_eq!(flash.title.as_deref(), Some("ECCP News Flash!"));
    assert_eq!(flash.author.as_deref(), Some("Lucia Seel"));
    assert_eq!(flash.published_on.unwrap().to_string(), "2015-10-05");
    assert!(
        !flash.body.starts_with("ECCP News Flash!"),
        "the repeated title"
    );

    let danube = article("/community-news/strategic-ict-clusters-meeting-danube-ict-clusters-sustainable-cooperation-smart").await;
    assert_eq!(
        (danube.published_on, danube.author.as_deref()),
        (None, None)
    );
    assert!(danube.title.unwrap().starts_with("Strategic ICT Clusters"));
    assert!(danube.body.contains("Art Hotel Belgrade"));

    let eacn = article("/community-news/eacn-partnership-meets-european-clusters-alliance").await;
    assert_eq!(
        eacn.title.as_deref(),
        Some("The EACN Partnership meets the European Clusters Alliance")
    );
    assert_eq!(
        eacn.published_on, None,
        "'Last Tuesday 2nd of June' names no year"
    );

    let launch =
        article("/profile-articles/cluster-go-international-eu-commission-launches-24-european")
            .await;
    assert_eq!(launch.author.as_deref(), Some("Chryssa Stavrakaki"));
    assert_eq!(launch.published_on.unwrap().to_string(), "2016-04-06");
    assert_eq!(launch.filed_under, None, "the footer names no organisation");

    let action = article(
        "/news/eu-commission-action-clusters-go-international-contributes-strongly-boost-smes",
    )
    .await;
    assert_eq!(
        (
            action.author.as_deref(),
            action.published_on.unwrap().to_string()
        ),
        (Some("Eva Fadil"), "2018-02-21".to_owned())
    );

    let results =
        article("/news/results-first-consultation-among-clusters-go-international-partnerships")
            .await;
    assert_eq!(
        results.title.as_deref(),
        Some(
            "The Results of the First Consultation Among ‘Clusters Go International’ Partnerships"
        )
    );
    assert_eq!(results.published_on, None);
    assert!(
        !results.body.starts_with("The Results of"),
        "the repeated title"
    );

    let clamtex = article("/community-news/clamtex-starts-terrassa-boost-cluster-management-skills-support-smes-textile-and").await;
    assert_eq!(clamtex.title, None, "the page opens on its byline");
    assert_eq!(clamtex.author.as_deref(), Some("Josep Casamada"));
    assert_eq!(clamtex.published_on.unwrap().to_string(), "2020-05-04");

    let exxtra = article("/community-news/exxtra-clusterxchange-scheme").await;
    assert_eq!(exxtra.author.as_deref(), Some("Veronica Elena Bocci"));
    assert_eq!(exxtra.published_on.unwrap().to_string(), "2020-06-03");

    let give = article("/community-news/give-kick-meeting").await;
    assert_eq!(give.author.as_deref(), Some("Anna Naydenova"));
    assert_eq!(give.published_on.unwrap().to_string(), "2018-01-23");
    assert_eq!(give.filed_under, None, "an empty organisation block");
    let ict = stored_cluster(&store, "ict-cluster").await;
    let mentions = cluster_atlas::store::news_mention::for_news(&store.db, &[give.id])
        .await
        .unwrap();
    assert!(
        mentions.iter().any(|m| m.cluster_id == Some(ict.id)),
        "{mentions:?}"
    );
}

/// The migration that lets an item be undated keeps every item, both ways, and refuses to
/// go back while an undated item exists (the old schema could not hold it).
async fn the_undated_news_migration_keeps_every_item(backend: Backend) {
    use migration::MigratorTrait;
    // Arrange: the sample pages' news, and one undated article.
    let store = TestStore::open(backend).await;
    let dir = tempfile::tempdir().unwrap();
    write_good_pages(dir.path());
    let _ = import_folder(&store.db, dir.path()).await;
    let dated = row_counts(&store.db).await["news"];
    assert!(dated > 0);
    let survey = import_fixture(&store.db, "alpine-survey.txt").await;

    // Act + Assert: down is refused while the undated item exists.
    let migrations = migration::Migrator::migrations();
    let at = migrations
        .iter()
        .position(|m| m.name() == "m0009_articles")
        .unwrap();
    let to_before = Some(u32::try_from(migrations.len() - at).unwrap());
    let refused = migration::Migrator::down(&store.db, to_before).await;
    assert!(
        refused.is_err_and(|e| e.to_string().contains("no publication date")),
        "down must refuse"
    );
    assert_eq!(row_counts(&store.db).await["news"], dated + 1);

    // Without it, down and up again keep every dated item and its date.
    let before = cluster_atlas::store::news::find_by_ids(&store.db, &[1])
        .await
        .unwrap();
    cluster_atlas::store::news::delete_others(&store.db, &survey.subject, &[])
        .await
        .unwrap();
    migration::Migrator::down(&store.db, to_before)
        .await
        .unwrap();
    assert_eq!(row_counts(&store.db).await["news"], dated);
    migration::Migrator::up(&store.db, None).await.unwrap();
    let after = cluster_atlas::store::news::find_by_ids(&store.db, &[1])
        .await
        .unwrap();
    assert_eq!(before, after);
    assert!(after[0].published_on.is_some());
}

async fn events_of(
    db: &DatabaseConnection,
    series: &str,
) -> Vec<cluster_atlas::store::event::Model> {
    let filter = cluster_atlas::store::event::Filter {
        series: vec![series.to_owned()],
        ..Default::default()
    };
    let window = cluster_atlas::store::window::Window {
        after: None,
        before: None,
        limit: 100,
        from_end: false,
    };
    cluster_atlas::store::event::page(
        db,
        &filter,
        cluster_atlas::store::window::Direction::Asc,
        &window,
    )
    .await
    .unwrap()
    .rows
}

/// A series is the union of its editions over every crawl of its page; an edition read
/// from its own page and from the series' list is one event, with what each states.
async fn one_series_is_the_union_of_its_crawls(backend: Backend) {
    // Arrange: an edition's own page, then the series' page.
    let store = TestStore::open(backend).await;
    import_fixture(&store.db, "alpine-days-2025.txt").await;
    let first = import_fixture(&store.db, "alpine-days-series.txt").await;
    assert!(said(&first, "cut short"), "{:?}", first.warnings);
    let cities = |events: &[cluster_atlas::store::event::Model]| -> Vec<String> {
        events
            .iter()
            .map(|e| e.city.clone().unwrap_or_default())
            .collect()
    };
    assert_eq!(
        cities(&events_of(&store.db, "alpine-cluster-days").await),
        ["Annecy", "Graz", "Innsbruck", "Bolzano"]
    );

    // Act: a later crawl of the series' page, with another list of editions.
    let text = std::fs::read_to_string(
        support::root().join("tests/fixtures/pages/alpine-days-series.txt"),
    )
    .unwrap()
    .replace("Annecy, France – 10-11 October 2024\n", "")
    .replace(
        "📅 Bolzano",
        "📅 Chamonix, France – 8-9 October 2026 SAVE THE DATE!\n📅 Bolzano",
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("later.txt"), text).unwrap();
    let later = import_folder(&store.db, dir.path()).await.unwrap();

    // Assert: the union, Graz as its own page and the list state it together.
    assert_eq!(later[0].subject, "alpine-cluster-days");
    let events = events_of(&store.db, "alpine-cluster-days").await;
    assert_eq!(
        cities(&events),
        ["Annecy", "Graz", "Innsbruck", "Bolzano", "Chamonix"]
    );
    let graz = &events[1];
    assert_eq!(graz.venue.as_deref(), Some("Congress Hall"));
    assert!(graz.has_summary);
    assert_eq!(
        graz.source_url.as_deref(),
        Some(
            "https://clustercollaboration.eu/event-calendar/alpine-cluster-days-3-5-june-2025-graz"
        ),
        "its own page stays its source"
    );
    assert_eq!(graz.country_code.as_deref(), Some("AT"));

    // Importing the same again changes nothing.
    assert_eq!(
        import_folder(&store.db, dir.path()).await.unwrap()[0].changed,
        0
    );
}

/// The real event pages land as events with the facts their README rows list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_event_pages_land_with_their_facts() {
    let files = [
        "054_event_european-cluster-conference.txt",
        "055_event_european-cluster-conference-14-16-may-2019-conne.txt",
        "058_event_clusters-meet-regions.txt",
    ];
    let Some((store, _)) = with_real_pages(&files).await else {
        return;
    };
    let regions = events_of(&store.db, "clusters-meet-regions").await;
    let editions: Vec<(String, String, String, String)> = regions
        .iter()
        .map(|e| {
            (
                e.city.clone().unwrap_or_default(),
                e.country_code.clone().unwrap_or_default(),
                e.starts_on.to_string(),
                e.ends_on.to_string(),
            )
        })
        .collect();
    let expected = [
        ("Malaga", "ES", "2022-02-16", "2022-02-17"),
        ("Vilnius", "LT", "2022-04-26", "2022-04-27"),
        ("Katowice", "PL", "2022-11-07", "2022-11-08"),
        ("Zagreb", "HR", "2022-11-29", "2022-11-30"),
        ("Barcelona", "ES", "2022-12-14", "2022-12-16"),
        ("Kosice", "SK", "2023-03-29", "2023-03-30"),
        ("Kittilä", "FI", "2023-04-25", "2023-04-27"),
        ("Skåne", "SE", "2023-06-15", "2023-06-16"),
        ("Burgas", "BG", "2023-09-13", "2023-09-15"),
        ("Lyon", "FR", "2023-10-12", "2023-10-13"),
        ("Prague", "CZ", "2023-10-23", "2023-10-24"),
        ("Düsseldorf", "DE", "2023-11-08", "2023-11-09"),
        ("Iași", "RO", "2023-11-21", "2023-11-23"),
    ]
    .map(|(a, b, c, d)| (a.to_owned(), b.to_owned(), c.to_owned(), d.to_owned()));
    assert_eq!(editions, expected);
    assert!(
        regions[0].has_summary && !regions[1].has_summary,
        "Malaga has a summary, Vilnius none"
    );

    let conference = events_of(&store.db, "european-cluster-conference").await;
    let bucharest = &conference[0];
    assert_eq!(
        (
            bucharest.starts_on.to_string(),
            bucharest.ends_on.to_string()
        ),
        ("2019-05-14".to_owned(), "2019-05-16".to_owned())
    );
    assert_eq!(bucharest.venue.as_deref(), Some("Palace of Parliament"));
    assert_eq!(
        (bucharest.city.as_deref(), bucharest.country_code.as_deref()),
        (Some("Bucharest"), Some("RO"))
    );
    assert_eq!(bucharest.organiser.as_deref(), Some("European Commission"));
    let prague = &conference[1];
    assert_eq!(prague.name, "European Cluster Conference 2022");
    assert_eq!(
        (
            prague.starts_on.to_string(),
            prague.ends_on.to_string(),
            prague.city.as_deref()
        ),
        (
            "2022-09-26".to_owned(),
            "2022-09-27".to_owned(),
            Some("Prague")
        )
    );
    assert_eq!(
        prague.organiser.as_deref(),
        Some("Czech Ministry for Industry and Trade")
    );
    assert_eq!(conference.len(), 2, "the side events are no editions");
    let side = cluster_atlas::store::event::find_by_ids(&store.db, &(1..=40).collect::<Vec<_>>())
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.name == "Meeting of the European Cluster Associations and Networks")
        .expect("the side event of 26 September");
    assert_eq!(side.starts_on.to_string(), "2022-09-26");
    assert_eq!(
        (
            side.start_time.as_deref(),
            side.end_time.as_deref(),
            side.time_zone.as_deref()
        ),
        (Some("09:00"), Some("13:00"), Some("CEST"))
    );
}

async fn partners_of(
    db: &DatabaseConnection,
    slug: &str,
) -> (
    cluster_atlas::store::project::Model,
    Vec<cluster_atlas::store::project_partner::Model>,
) {
    let project = cluster_atlas::store::project::find_by_slug(db, slug)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no project {slug}"));
    let partners = cluster_atlas::store::project_partner::for_projects(db, &[project.id])
        .await
        .unwrap();
    (project, partners)
}

/// A project's old and current profiles are one project; its partners name clusters, found
/// also when the cluster is imported after the project.
async fn one_project_in_two_layouts_with_its_partners(backend: Backend) {
    // Arrange + Act: the old profile, the cluster it names, then the current profile.
    let store = TestStore::open(backend).await;
    let old = import_fixture(&store.db, "alpclean-project.txt").await;
    import_fixture(&store.db, "alpine-old.txt").await;
    let current = import_fixture(&store.db, "alpclean-project-current.txt").await;

    // Assert
    assert_eq!(
        (old.layout, current.layout),
        (
            import::Layout::LegacyProject,
            import::Layout::CurrentProject
        )
    );
    assert_eq!(
        (old.subject.as_str(), current.subject.as_str()),
        ("alpclean", "alpclean")
    );
    let (p, partners) = partners_of(&store.db, "alpclean").await;
    assert_eq!(
        p.programme.as_deref(),
        Some("COSME/Cluster Excellence/3rd call")
    );
    assert_eq!(
        (
            p.starts_on.unwrap().to_string(),
            p.ends_on.unwrap().to_string()
        ),
        ("2019-03-01".to_owned(), "2021-02-28".to_owned())
    );
    assert_eq!(
        (p.total_budget_eur, p.eu_contribution_eur),
        (Some(1_250_000), Some(999_500))
    );
    assert_eq!(
        (p.country_code.as_deref(), p.completeness),
        (Some("AT"), Some(70))
    );
    assert!(
        p.summary.unwrap().starts_with("Five clusters"),
        "the newer page's summary"
    );
    let cluster = cluster_atlas::store::cluster::find_by_slug(&store.db, "alpine-widgets-cluster")
        .await
        .unwrap()
        .unwrap();
    let named: Vec<(&str, Option<&str>, Option<i32>)> = partners
        .iter()
        .map(|r| (r.name.as_str(), r.country_code.as_deref(), r.cluster_id))
        .collect();
    assert_eq!(
        named,
        [
            ("Alpine Widgets Cluster", Some("AT"), Some(cluster.id)),
            ("Lake Garda Energy Cluster", Some("IT"), None),
            ("Savoie Solar Network", None, None),
        ],
        "the current profile lists no partners: the old page's stay"
    );
    assert_eq!(
        import_fixture(&store.db, "alpclean-project.txt")
            .await
            .changed,
        0
    );
}

/// The real old-layout project profile lands with the facts of its README row.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_project_profile_lands_with_its_facts() {
    let files = ["018_network_cosmenerg-cluster-excellence-project-central-and.txt"];
    let Some((store, _)) = with_real_pages(&files).await else {
        return;
    };
    let (p, partners) = partners_of(&store.db, "cosmenerg").await;
    assert!(
        p.name
            .starts_with("COSMENERG - Cluster Excellence project in Central and Eastern")
    );
    assert_eq!(
        p.programme.as_deref(),
        Some("COSME/Cluster Excellence/2nd call")
    );
    assert_eq!(
        (
            p.starts_on.unwrap().to_string(),
            p.ends_on.unwrap().to_string()
        ),
        ("2016-11-16".to_owned(), "2018-11-15".to_owned())
    );
    assert_eq!((p.total_budget_eur, p.eu_contribution_eur), (None, None));
    let names: Vec<&str> = partners.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "GREEN ENERGY Innovative Biomass Cluster",
            "ECOPANONIA - Eco-energy and eco-culture cluster"
        ]
    );
    assert!(
        p.summary
            .unwrap()
            .starts_with("To strengthen the participating clusters")
    );
}

/// A network's page lists its members: those that name clusters become memberships, also
/// when the cluster is imported after the page, and a profile re-import keeps them.
async fn a_network_pages_member_list_links_its_clusters(backend: Backend) {
    // Arrange + Act: the network's page first, the cluster after it.
    let store = TestStore::open(backend).await;
    let network = import_fixture(&store.db, "alpine-network-members.txt").await;
    import_fixture(&store.db, "alpine-old.txt").await;

    // Assert
    let n = cluster_atlas::store::network::find_by_slug(&store.db, &network.subject)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n.kind, NetworkKind::Network);
    assert_eq!(
        n.listed_members.as_deref(),
        Some("Alpine Widgets Cluster\nLake Garda Energy Cluster")
    );
    let cluster = cluster_atlas::store::cluster::find_by_slug(&store.db, "alpine-widgets-cluster")
        .await
        .unwrap()
        .unwrap();
    let members = cluster_atlas::store::membership::clusters_of(&store.db, n.id)
        .await
        .unwrap();
    assert_eq!(members, [cluster.id]);

    // The profile again (it names another network): the page's membership stays.
    import_fixture(&store.db, "alpine-old.txt").await;
    let members = cluster_atlas::store::membership::clusters_of(&store.db, n.id)
        .await
        .unwrap();
    assert_eq!(members, [cluster.id]);
}

/// The real partnership landing page lands as a partnership with its README facts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_partnership_page_lands_as_a_partnership() {
    let Some((store, reports)) = with_real_pages(&["016_network_first-generation.txt"]).await
    else {
        return;
    };
    assert_eq!(reports[0].layout, import::Layout::Partnership);
    let n = cluster_atlas::store::network::find_by_slug(&store.db, &reports[0].subject)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n.name, "ESCP-4i: First Generation (2016-2017)");
    assert_eq!(
        (n.kind, n.founded_year),
        (NetworkKind::Partnership, Some(2016))
    );
    assert_eq!(n.member_organisations, None, "it counts partnerships");
    let description = n.description.unwrap();
    assert!(description.contains("COS-CLUSTER-2014-3-03"));
    assert!(description.contains("• including the 15 co-funded projects"));
}

on_both_backends! {
    a_network_pages_member_list_links_its_clusters => super::a_network_pages_member_list_links_its_clusters;
    one_project_in_two_layouts_with_its_partners => super::one_project_in_two_layouts_with_its_partners;
    one_series_is_the_union_of_its_crawls => super::one_series_is_the_union_of_its_crawls;
    the_undated_news_migration_keeps_every_item => super::the_undated_news_migration_keeps_every_item;
    one_article_from_two_hosts_is_one_item => super::one_article_from_two_hosts_is_one_item;
    bad_pages_fail_at_their_line_and_leave_no_trace => super::bad_pages_fail_at_their_line_and_leave_no_trace;
    pages_never_overwrite_what_they_do_not_describe => super::pages_never_overwrite_what_they_do_not_describe;
    a_cut_page_never_erases_what_it_does_not_reach => super::a_cut_page_never_erases_what_it_does_not_reach;
    one_page_from_two_hosts_is_one_source => super::one_page_from_two_hosts_is_one_source;
    one_organisation_in_two_layouts_is_one_cluster => super::one_organisation_in_two_layouts_is_one_cluster;
    a_network_page_fills_in_the_known_network => super::a_network_page_fills_in_the_known_network;
}
