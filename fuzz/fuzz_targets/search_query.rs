//! Arbitrary text in the search box: parsed, searched and completed against an index of the
//! sample pages built once (`cluster_atlas_fuzz::search_query`).
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use cluster_atlas_fuzz::SearchIndex;
use libfuzzer_sys::fuzz_target;

static INDEX: LazyLock<SearchIndex> = LazyLock::new(|| {
    SearchIndex::build(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../data")))
});

fuzz_target!(|bytes: &[u8]| {
    if let Ok(query) = std::str::from_utf8(bytes) {
        cluster_atlas_fuzz::search_query(&INDEX, query);
    }
});
