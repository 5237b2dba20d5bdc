//! Natural keys: what makes two records one thing, whoever writes them.

use sha2::{Digest, Sha256};

use crate::text::name_key;

/// The natural key of a news item: where it was published, its date as written and its
/// text, folded so that whitespace and quote styles do not matter.
pub fn news_key(source: &str, published_as: &str, body: &str) -> String {
    let mut h = Sha256::new();
    for part in [source, "\n", published_as, "\n", &name_key(body)] {
        h.update(part.as_bytes());
    }
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The natural key of an article: its page alone (the address normalised, so that one
/// article copied to another host is one item), whatever its byline, date or text say.
pub fn article_key(source: &str) -> String {
    news_key(source, "article", "")
}

/// The natural key of an event: an edition of a series by the series and its first day
/// (`scope` the series' slug), another event by its source, name and first day (`scope`
/// the source and the folded name). Hashed: names and addresses can be long.
pub fn event_key(scope: &str, starts_on: chrono::NaiveDate) -> String {
    news_key(scope, "event", &starts_on.to_string())
}
