//! Arbitrary text in the search box, through the query parser only
//! (`cluster_atlas_fuzz::search_syntax`): fast, so it reaches deep into the syntax.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(query) = std::str::from_utf8(bytes) {
        cluster_atlas_fuzz::search_syntax(query);
    }
});
