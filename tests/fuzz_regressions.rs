#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

//! What the fuzz targets found, replayed on stable: every input under
//! `tests/fixtures/fuzz/<target>/` once made a target panic, and runs here through the
//! target's own code path, `fuzz/src/lib.rs`, included by path (so CI compiles the fuzz
//! harness too, without nightly or cargo-fuzz). A new finding: fix it, then save the
//! input there under a name saying what it holds.

#[allow(dead_code, reason = "each test file uses part of the shared helpers")]
mod support;

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::path::PathBuf;

/// The saved inputs of `target`, sorted by name. Its folder must exist (a `.gitkeep` holds
/// it while the target has found nothing): a missing or misspelt folder would pass
/// silently, running nothing.
fn saved(target: &str) -> Vec<PathBuf> {
    let dir = support::root().join("tests/fixtures/fuzz").join(target);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: the saved inputs' folder is missing",
            dir.display()
        )
    });
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != ".gitkeep"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_page_the_importer_fuzzer_saved_is_read_without_a_panic() {
    for file in saved("import_page") {
        eprintln!("{}", file.display());
        harness::import_page(&std::fs::read(&file).unwrap());
    }
}

#[test]
fn the_sample_pages_pass_the_importer_fuzzers_checks() {
    for file in import_pages(&support::sample_dir()) {
        harness::import_page(&std::fs::read(&file).unwrap());
    }
}

#[test]
fn the_real_seed_pages_pass_the_importer_fuzzers_checks() {
    let Some(seeds) = support::real_seeds() else {
        return;
    };
    for file in import_pages(&seeds) {
        harness::import_page(&std::fs::read(&file).unwrap());
    }
}

/// Every page cut at every seventh character: an excerpt may end anywhere, inside a word or a
/// label, and a cut page must never make a parser panic or point a warning off the page.
#[test]
fn every_page_cut_anywhere_passes_the_importer_fuzzers_checks() {
    let mut files = import_pages(&support::root().join("tests/fixtures/pages"));
    if let Some(pages) = support::real_platform_pages() {
        files.extend(import_pages(&pages));
    }
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (at, _) in text.char_indices().step_by(7) {
            harness::import_page(&text.as_bytes()[..at]);
        }
    }
}

fn import_pages(dir: &std::path::Path) -> Vec<PathBuf> {
    cluster_atlas::import::page_files(&[dir.to_path_buf()]).unwrap()
}

#[test]
fn every_query_the_syntax_fuzzer_saved_is_parsed_without_a_panic() {
    for file in saved("search_syntax") {
        eprintln!("{}", file.display());
        let text = String::from_utf8(std::fs::read(&file).unwrap()).unwrap();
        harness::search_syntax(&text);
    }
}

#[test]
fn every_query_the_search_fuzzer_saved_is_answered_without_a_panic() {
    let index = harness::SearchIndex::build(&support::root().join("data"));
    let seeds = [
        "",
        "cluster",
        "\"ict cluster\" -masit OR name:Niš",
        "strategy:(a",
    ];
    for query in seeds {
        harness::search_query(&index, query);
    }
    for file in saved("search_query") {
        eprintln!("{}", file.display());
        // The target skips input that is not UTF-8: so do its saved inputs.
        let text = String::from_utf8(std::fs::read(&file).unwrap()).unwrap();
        harness::search_query(&index, &text);
    }
}
