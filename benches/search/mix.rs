//! The query mix: nine shapes of query whose words are picked from the data by how many items
//! hold them (counted over every row; word pairs over a sample), and how each engine spells
//! them. Words are folded as our index folds them; stop words are left out, since PostgreSQL
//! drops them and the others would not.

use std::collections::{BTreeMap, HashMap};

use cluster_atlas::text::{fold_word, words};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::corpus::Corpus;

/// Items whose word sequences are kept for pairs and the three-word query.
const SAMPLE: usize = 20_000;

/// English stop words (PostgreSQL's list, the words of three letters or more).
const STOP: &[&str] = &[
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "and",
    "any",
    "are",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "can",
    "did",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "into",
    "its",
    "itself",
    "just",
    "more",
    "most",
    "myself",
    "nor",
    "not",
    "now",
    "off",
    "once",
    "only",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "too",
    "under",
    "until",
    "very",
    "was",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Rare,
    Medium,
    Fifth,
    TwoCommon,
    CommonPhrase,
    SelectivePhrase,
    Place,
    Typo,
    ThreeWords,
}

impl Shape {
    pub const ALL: [Shape; 9] = [
        Self::Rare,
        Self::Medium,
        Self::Fifth,
        Self::TwoCommon,
        Self::CommonPhrase,
        Self::SelectivePhrase,
        Self::Place,
        Self::Typo,
        Self::ThreeWords,
    ];

    /// What `--only` takes.
    pub fn key(self) -> &'static str {
        match self {
            Self::Rare => "rare",
            Self::Medium => "medium",
            Self::Fifth => "fifth",
            Self::TwoCommon => "two-common",
            Self::CommonPhrase => "common-phrase",
            Self::SelectivePhrase => "selective-phrase",
            Self::Place => "place",
            Self::Typo => "typo",
            Self::ThreeWords => "three-words",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Rare => "rare word",
            Self::Medium => "medium word",
            Self::Fifth => "word in a fifth",
            Self::TwoCommon => "two common words",
            Self::CommonPhrase => "common phrase",
            Self::SelectivePhrase => "selective phrase",
            Self::Place => "place without diacritics",
            Self::Typo => "typo",
            Self::ThreeWords => "three mixed words",
        }
    }
}

/// One query of the mix, as typed.
pub struct Query {
    pub shape: Shape,
    pub words: Vec<String>,
    pub phrase: bool,
    /// How it was picked, for the report.
    pub why: String,
}

impl Query {
    /// Our search box: plain words must all match; quotes make a phrase.
    pub fn ours(&self) -> String {
        self.websearch()
    }

    /// FTS5 MATCH: each word quoted (so no word is read as an operator), implicit AND.
    pub fn fts5(&self) -> String {
        if self.phrase {
            format!("\"{}\"", self.words.join(" "))
        } else {
            let quoted: Vec<String> = self.words.iter().map(|w| format!("\"{w}\"")).collect();
            quoted.join(" ")
        }
    }

    /// `websearch_to_tsquery`: the same spelling as ours.
    pub fn postgres(&self) -> String {
        self.websearch()
    }

    fn websearch(&self) -> String {
        if self.phrase {
            format!("\"{}\"", self.words.join(" "))
        } else {
            self.words.join(" ")
        }
    }
}

/// Folded words with the number of items holding each, and the sampled items' word sequences.
struct Stats {
    items: usize,
    df: HashMap<String, u32>,
    /// Capitalised spellings with diacritics (places, mostly), lower-cased, and the items
    /// holding them.
    accented: HashMap<String, u32>,
    /// Folded words in order; a stop word or number leaves an empty string (no pair across it).
    sample: Vec<Vec<String>>,
}

impl Stats {
    fn of(corpus: &Corpus) -> Self {
        let items = corpus.rows.len();
        let stride = items.div_ceil(SAMPLE).max(1);
        let mut stats = Self {
            items,
            df: HashMap::new(),
            accented: HashMap::new(),
            sample: Vec::new(),
        };
        for (i, row) in corpus.rows.iter().enumerate() {
            let mut sequence = Vec::new();
            let mut spellings = Vec::new();
            // Lines too: a row's values (a cluster's terms, a group's items) are joined by
            // line breaks, and ours never matches a phrase across two values, where the
            // baselines would ("cooperation" ending one term, "Joint" starting the next).
            for line in [&row.title, &row.body].into_iter().flat_map(|t| t.lines()) {
                for (_, word) in words(line) {
                    let mut folded = String::new();
                    fold_word(word, &mut folded);
                    if !eligible(&folded) {
                        folded.clear();
                    } else if !word.is_ascii() && is_capitalised(word) {
                        spellings.push(word.to_lowercase());
                    }
                    sequence.push(folded);
                }
                // No pair across fields or lines.
                sequence.push(String::new());
            }
            if i % stride == 0 {
                stats.sample.push(sequence.clone());
            }
            for set in [&mut sequence, &mut spellings] {
                set.sort_unstable();
                set.dedup();
            }
            for w in sequence.into_iter().filter(|w| !w.is_empty()) {
                *stats.df.entry(w).or_default() += 1;
            }
            for s in spellings {
                *stats.accented.entry(s).or_default() += 1;
            }
        }
        stats
    }

    fn df(&self, word: &str) -> u32 {
        self.df.get(word).copied().unwrap_or(0)
    }

    fn share(&self, n: u32) -> f64 {
        f64::from(n) / self.items.max(1) as f64
    }

    fn why(&self, n: u32) -> String {
        format!("{n} items ({:.3} %)", 100.0 * self.share(n))
    }

    /// Words of at least `min_len` letters, in a stable order.
    fn words(&self, min_len: usize) -> Vec<(&str, u32)> {
        let mut out: Vec<(&str, u32)> = self
            .df
            .iter()
            .filter(|(w, _)| w.len() >= min_len)
            .map(|(w, &n)| (w.as_str(), n))
            .collect();
        out.sort_unstable();
        out
    }

    /// The word whose share of items is closest to `share`.
    fn closest(&self, share: f64, min_len: usize) -> Option<(String, u32)> {
        self.words(min_len)
            .into_iter()
            .min_by(|a, b| {
                let d = |n: u32| (self.share(n) - share).abs();
                d(a.1).total_cmp(&d(b.1))
            })
            .map(|(w, n)| (w.to_owned(), n))
    }

    /// Items of the sample holding each pair of neighbouring words.
    fn pairs(&self) -> BTreeMap<(&str, &str), u32> {
        let mut pairs = BTreeMap::new();
        for sequence in &self.sample {
            let mut seen: Vec<(&str, &str)> = sequence
                .windows(2)
                .filter(|p| !p[0].is_empty() && !p[1].is_empty() && p[0] != p[1])
                .map(|p| (p[0].as_str(), p[1].as_str()))
                .collect();
            seen.sort_unstable();
            seen.dedup();
            for p in seen {
                *pairs.entry(p).or_default() += 1;
            }
        }
        pairs
    }
}

/// A name's spelling ("Brașov"), not an acronym ("İRSC") nor a common word.
fn is_capitalised(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.all(|c| !c.is_uppercase())
}

/// Letters only, three or more, not a stop word.
fn eligible(folded: &str) -> bool {
    folded.len() >= 3 && folded.bytes().all(|b| b.is_ascii_lowercase()) && !STOP.contains(&folded)
}

/// Picks the mix from `corpus`; the shapes the data cannot fill are left out.
pub fn choose(corpus: &Corpus) -> Vec<Query> {
    let stats = Stats::of(corpus);
    let mut out = Vec::new();
    let mut add = |shape: Shape, words: Vec<String>, phrase: bool, why: String| {
        out.push(Query {
            shape,
            words,
            phrase,
            why,
        });
    };
    if let Some((w, n)) = rare(&stats) {
        add(Shape::Rare, vec![w], false, stats.why(n));
    }
    let medium = stats.closest(0.0075, 6);
    if let Some((w, n)) = &medium {
        add(Shape::Medium, vec![w.clone()], false, stats.why(*n));
    }
    let fifth = stats.closest(0.2, 4);
    if let Some((w, n)) = &fifth {
        add(Shape::Fifth, vec![w.clone()], false, stats.why(*n));
    }
    let mut common = stats.words(4);
    common.retain(|(w, _)| Some(*w) != fifth.as_ref().map(|f| f.0.as_str()));
    common.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if let [a, b, ..] = common.as_slice() {
        let why = format!("{} and {}", stats.why(a.1), stats.why(b.1));
        add(Shape::TwoCommon, vec![a.0.into(), b.0.into()], false, why);
    }
    let pairs = stats.pairs();
    let sampled = stats.sample.len();
    let in_sample = |n: u32| format!("{n} of {sampled} sampled items");
    if let Some(((a, b), n)) = pairs.iter().max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0))) {
        add(
            Shape::CommonPhrase,
            vec![(*a).into(), (*b).into()],
            true,
            in_sample(*n),
        );
    }
    if let Some(((a, b), n)) = selective(&stats, &pairs) {
        let why = format!(
            "{}; the words alone: {} and {}",
            in_sample(n),
            stats.why(stats.df(a)),
            stats.why(stats.df(b))
        );
        add(Shape::SelectivePhrase, vec![a.into(), b.into()], true, why);
    }
    if let Some((typed, spelled, n)) = place(&stats) {
        add(
            Shape::Place,
            vec![typed],
            false,
            format!("{spelled}: {}", stats.why(n)),
        );
    }
    if let Some((w, _)) = &medium
        && let Some(typo) = typo(&stats, w)
    {
        add(
            Shape::Typo,
            vec![typo],
            false,
            format!("`{w}` with a letter dropped"),
        );
    }
    if let Some((w, _)) = &medium
        && let Some(three) = three_words(&stats, w)
    {
        let why: Vec<String> = three.iter().map(|w| stats.why(stats.df(w))).collect();
        add(Shape::ThreeWords, three, false, why.join(", "));
    }
    out
}

/// A word in a handful of items (about 5), else the least frequent.
fn rare(stats: &Stats) -> Option<(String, u32)> {
    let words = stats.words(5);
    let handful = words
        .iter()
        .filter(|(_, n)| (2..=10).contains(n))
        .min_by_key(|(_, n)| n.abs_diff(5));
    handful
        .or_else(|| words.iter().min_by_key(|(_, n)| *n))
        .map(|(w, n)| ((*w).to_owned(), *n))
}

/// Two words that are each common but rarely together (at most 0.2 % of the sample).
fn selective<'a>(
    stats: &Stats,
    pairs: &BTreeMap<(&'a str, &'a str), u32>,
) -> Option<((&'a str, &'a str), u32)> {
    let limit = (stats.sample.len() as f64 * 0.002).max(1.0) as u32;
    pairs
        .iter()
        .filter(|(_, n)| **n <= limit)
        .max_by_key(|((a, b), _)| stats.df(a).min(stats.df(b)))
        .map(|(p, n)| (*p, *n))
}

/// A name with diacritics as someone types it without them ("Brasov" for "Brașov"): the
/// one in about 1 % of items. Letters that do not decompose (ł) are left out: no one types
/// those differently by accident.
fn place(stats: &Stats) -> Option<(String, String, u32)> {
    let mut candidates: Vec<(String, &str, u32)> = stats
        .accented
        .iter()
        .filter_map(|(spelled, &n)| {
            let typed: String = spelled.nfd().filter(|c| !is_combining_mark(*c)).collect();
            (typed.len() >= 4 && typed.bytes().all(|b| b.is_ascii_lowercase())).then_some((
                typed,
                spelled.as_str(),
                n,
            ))
        })
        .collect();
    candidates.sort_unstable();
    let d = |n: u32| (stats.share(n) - 0.01).abs();
    let (typed, spelled, n) = candidates
        .into_iter()
        .min_by(|a, b| d(a.2).total_cmp(&d(b.2)))?;
    let mut chars = typed.chars();
    let capital: String = chars.next()?.to_uppercase().chain(chars).collect();
    Some((capital, spelled.to_owned(), n))
}

/// `word` with one letter dropped, from the middle outwards, that is not itself a word here.
fn typo(stats: &Stats, word: &str) -> Option<String> {
    let middle = word.len() / 2;
    (0..word.len())
        .map(|k| {
            if k % 2 == 0 {
                middle + k / 2
            } else {
                middle - k.div_ceil(2)
            }
        })
        .filter(|&i| i > 0 && i < word.len() - 1)
        .map(|i| format!("{}{}", &word[..i], &word[i + 1..]))
        .find(|t| stats.df(t) == 0)
}

/// Three words of one sampled item holding `medium`: the item's most common word, `medium`
/// and one in about 3 % of items, in the item's order, so at least one item has all three.
fn three_words(stats: &Stats, medium: &str) -> Option<Vec<String>> {
    let item = stats
        .sample
        .iter()
        .find(|s| s.iter().any(|w| w == medium))?;
    let others = item.iter().filter(|w| !w.is_empty() && *w != medium);
    let common = others.clone().max_by_key(|w| stats.df(w))?;
    let d = |w: &str| (stats.share(stats.df(w)) - 0.03).abs();
    let mid = others
        .filter(|w| *w != common)
        .min_by(|a, b| d(a).total_cmp(&d(b)))?;
    let mut three = vec![common.clone(), medium.to_owned(), mid.clone()];
    three.sort_by_key(|w| item.iter().position(|x| x == w));
    Some(three)
}
