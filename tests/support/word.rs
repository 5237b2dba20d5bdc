//! Words that name one write each, for tests and benchmarks that find writes by search.

/// Ten pseudo-random letters from `seed` (splitmix64): no other seed's word is within the
/// two typos or the prefix that search forgives, so a search for it finds exactly its item.
pub fn unique_word(seed: u64) -> String {
    let mut x = seed;
    (0..10)
        .map(|_| {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            char::from(b'a' + (z % 26) as u8)
        })
        .collect()
}
