//! How a baseline spells a query of the mix so that it matches what ours matches, as a user
//! of that engine would have to write it: the last word also as a prefix (ours completes the
//! word being typed), and a word the engine's vocabulary holds in fewer than 10 items also
//! as the vocabulary's words within ours's typo distance (one edit from 5 letters, two from
//! 9, anchored on the first letter). Ours also forgives a two-typo word beginning with
//! another letter if it is within one edit; the mix's typo is a word of fewer than 9
//! letters, so no shape needs it, and the vocabulary is read by the typed first letter only.
//! Looking the words up is part of each search, timed.
//!
//! Until the sixth session of 2026-11-26 the baselines searched the words as typed
//! (`--as-typed` still does): then a typo found nothing in them and thousands of items in
//! ours, and a rare word's prefix matches were ours only, so those shapes compared unequal
//! work.

use crate::mix::Query;

/// How the baselines spell the mix's queries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spelling {
    /// The words as typed: no prefix, no typos.
    AsTyped,
    /// As ours matches them.
    SameMatches,
}

/// Ours: a word found in this many items is taken as meant (`search::query::TYPOS_BELOW`).
const TYPOS_BELOW: u64 = 10;
/// Ours: shorter words are not completed as prefixes.
const MIN_PREFIX: usize = 3;

/// A word of the query and what it also matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub typed: String,
    /// Vocabulary words within the typo distance.
    pub typos: Vec<String>,
    pub prefix: bool,
}

/// What a baseline engine tells of its own words, for the lookup of typos.
pub(crate) trait Vocabulary {
    /// How many items hold `typed`, counted up to [`TYPOS_BELOW`] at least.
    async fn holding(&self, typed: &str) -> anyhow::Result<u64>;
    /// Its words from `from` up to (not including) `to`, each with the items holding it.
    async fn between(&self, from: &str, to: &str) -> anyhow::Result<Vec<(String, u64)>>;
}

/// The words of a plain query: each with the typos `vocabulary` holds of it when it holds
/// the word itself in fewer than [`TYPOS_BELOW`] items, the last also as a prefix.
pub(crate) async fn words(q: &Query, vocabulary: &impl Vocabulary) -> anyhow::Result<Vec<Word>> {
    let last = q.words.len().saturating_sub(1);
    let mut out = Vec::with_capacity(q.words.len());
    for (i, typed) in q.words.iter().enumerate() {
        let distance = distance(typed.chars().count());
        let typos = match letter_range(typed) {
            Some((from, to)) if distance > 0 && vocabulary.holding(typed).await? < TYPOS_BELOW => {
                typos(typed, distance, &vocabulary.between(&from, &to).await?)
            }
            _ => Vec::new(),
        };
        out.push(Word {
            typed: typed.to_lowercase(),
            typos,
            prefix: i == last && typed.chars().count() >= MIN_PREFIX,
        });
    }
    Ok(out)
}

/// The words of `vocabulary` within `distance` typos of `typed`.
fn typos(typed: &str, distance: u8, vocabulary: &[(String, u64)]) -> Vec<String> {
    let typed = typed.to_lowercase();
    (vocabulary.iter())
        .filter(|(w, _)| *w != typed && within(&typed, w, usize::from(distance)))
        .map(|(w, _)| w.clone())
        .collect()
}

/// The first letter of `word` and the string just past every word beginning with it: the
/// range of a vocabulary to read for its typos.
fn letter_range(word: &str) -> Option<(String, String)> {
    let first = word.to_lowercase().chars().next()?;
    let next = char::from_u32(u32::from(first) + 1)?;
    Some((first.to_string(), next.to_string()))
}

fn distance(chars: usize) -> u8 {
    match chars {
        0..5 => 0,
        5..9 => 1,
        _ => 2,
    }
}

/// Whether `a` and `b` are within `d` edits: insertions, deletions, substitutions and swaps
/// of neighbours (the distance ours counts).
fn within(a: &str, b: &str, d: usize) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > d {
        return false;
    }
    let mut rows = vec![(0..=b.len()).collect::<Vec<usize>>()];
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let up = &rows[i - 1];
            let mut best = (up[j] + 1)
                .min(row[j - 1] + 1)
                .min(up[j - 1] + usize::from(a[i - 1] != b[j - 1]));
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            row[j] = best;
        }
        rows.push(row);
    }
    rows[a.len()][b.len()] <= d
}
