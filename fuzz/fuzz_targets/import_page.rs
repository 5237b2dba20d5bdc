//! Arbitrary bytes as a page file, through the importer's reading and parsing
//! (`cluster_atlas_fuzz::import_page`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| cluster_atlas_fuzz::import_page(bytes));
