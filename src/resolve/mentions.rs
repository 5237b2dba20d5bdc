//! Which organisations a news item names: known clusters and networks found by any of their
//! names, and other organisation-like names kept as plain mentions.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;

use crate::text::name_key;

/// What a known name points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Cluster(i32),
    Network(i32),
}

/// A name found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    pub name: String,
    pub target: Option<Target>,
}

impl Mention {
    /// The stored form: the name as written, and the cluster or network it resolved to.
    pub fn into_row(self) -> crate::store::news_mention::Row {
        match self.target {
            Some(Target::Cluster(c)) => (self.name, Some(c), None),
            Some(Target::Network(n)) => (self.name, None, Some(n)),
            None => (self.name, None, None),
        }
    }
}

/// Every known name of every cluster and network, folded, in one automaton.
pub struct Directory {
    /// Folded names, in the automaton's pattern order.
    keys: Vec<String>,
    targets: HashMap<String, Target>,
    matcher: Option<AhoCorasick>,
}

impl Directory {
    /// `names` are (name as written, target); spellings that fold alike are one pattern.
    pub fn new(names: impl IntoIterator<Item = (String, Target)>) -> Self {
        let mut keys = Vec::new();
        let mut targets = HashMap::new();
        for (name, target) in names {
            let key = name_key(&name);
            if !key.is_empty() && !targets.contains_key(&key) {
                targets.insert(key.clone(), target);
                keys.push(key);
            }
        }
        let patterns = keys.iter().map(|k| format!(" {k} "));
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns)
            .ok();
        Self {
            keys,
            targets,
            matcher,
        }
    }

    /// The target a name resolves to, compared folded.
    pub fn resolve(&self, name: &str) -> Option<Target> {
        self.targets.get(&name_key(name)).copied()
    }

    /// Mentions in `text`: resolved ones first (one per target), then plain candidates not
    /// already covered by a resolved name.
    pub fn mentions(&self, text: &str) -> Vec<Mention> {
        let folded = format!(" {} ", name_key(text));
        let mut found: Vec<Mention> = Vec::new();
        let mut resolved_keys: Vec<String> = Vec::new();
        let mut targets = HashSet::new();
        if let Some(matcher) = &self.matcher {
            for m in scan(matcher, &folded) {
                let key = &self.keys[m];
                let Some(&target) = self.targets.get(key) else {
                    continue;
                };
                if targets.insert(target) {
                    found.push(Mention {
                        name: written_form(text, key),
                        target: Some(target),
                    });
                }
                resolved_keys.push(key.clone());
            }
        }
        let mut seen: HashSet<String> = resolved_keys.iter().cloned().collect();
        let candidates = candidates(text);
        for candidate in &candidates {
            let key = name_key(candidate);
            let covered = resolved_keys.iter().any(|r| contains_words(r, &key));
            let inside_other = candidates
                .iter()
                .any(|o| o != candidate && contains_words(&name_key(o), &key));
            if key.is_empty() || covered || inside_other || !seen.insert(key) {
                continue;
            }
            let target = self.resolve(candidate);
            if target.is_some_and(|t| !targets.insert(t)) {
                continue;
            }
            found.push(Mention {
                name: candidate.clone(),
                target,
            });
        }
        found
    }
}

/// Pattern indexes of the non-overlapping leftmost-longest matches. Patterns carry their
/// own surrounding spaces, so the next search starts on the space the last match ended with.
fn scan(matcher: &AhoCorasick, haystack: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < haystack.len() {
        let input = aho_corasick::Input::new(haystack).span(start..haystack.len());
        let Some(m) = matcher.find(input) else {
            break;
        };
        out.push(m.pattern().as_usize());
        start = m.end().saturating_sub(1).max(m.start() + 1);
    }
    out
}

fn contains_words(haystack_key: &str, needle_key: &str) -> bool {
    format!(" {haystack_key} ").contains(&format!(" {needle_key} "))
}

/// The text's own spelling of a folded name, found word by word; the key itself if the
/// words cannot be lined up.
fn written_form(text: &str, key: &str) -> String {
    let wanted = key.split(' ').count();
    let words: Vec<(usize, usize)> = word_spans(text);
    for i in 0..words.len() {
        for j in i + wanted..=(i + wanted + 4).min(words.len()) {
            let slice = &text[words[i].0..words[j - 1].1];
            if name_key(slice) == key {
                return slice.to_owned();
            }
        }
    }
    key.to_owned()
}

fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() || c == '\'' || c == '’' {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            spans.push((s, i));
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

#[expect(
    clippy::expect_used,
    reason = "literal patterns, each exercised by the unit tests"
)]
fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a valid literal pattern")
}

static QUOTED: LazyLock<Regex> = LazyLock::new(|| re(r#"[“"„«]\s*([^”"“»\n]{2,80}?)\s*[”"“»]"#));
static ACRONYM: LazyLock<Regex> = LazyLock::new(|| re(r"\b[A-Z][A-Z0-9]{2,}\b"));
static ORG_PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:[A-Z][\w-]*\s+){1,5}(?:Cluster|Clusters|Network|Alliance|Partnership|Association|Chamber)(?:\s+[A-Z][\w-]*){0,3}\b",
    )
});

/// Words that end an organisation's name.
const ORG_WORDS: &[&str] = &[
    "cluster",
    "clusters",
    "network",
    "alliance",
    "partnership",
    "association",
    "chamber",
];
/// Words that make a name an event, a project or a call rather than an organisation.
const NOT_ORG_WORDS: &[&str] = &[
    "conference",
    "meeting",
    "meetings",
    "matchmaking",
    "festival",
    "award",
    "days",
    "project",
    "programme",
    "program",
    "strategy",
    "go",
    "call",
    "conferences",
];
/// Capitalised words that are not names.
const STOP_ACRONYMS: &[&str] = &[
    "ICT", "IT", "SME", "SMES", "EU", "EC", "BSEC", "USAID", "REG", "COSME", "START", "DANUBE",
    "SEE", "CEO", "TV", "ESL", "NIP", "ESCP", "RTD", "FP6", "FP7", "H2020", "B2B", "THE", "AND",
];
const LEADING_WORDS: &[&str] = &[
    "The",
    "A",
    "An",
    "Its",
    "Our",
    "This",
    "Their",
    "With",
    "Representatives",
    "Mr",
    "Dr",
];

fn candidates(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |name: &str| {
        let name = name.trim().trim_matches(|c: char| !c.is_alphanumeric());
        if !name.is_empty() && !out.iter().any(|o| o == name) {
            out.push(name.to_owned());
        }
    };
    for c in QUOTED.captures_iter(text) {
        let inner = c.get(1).map_or("", |m| m.as_str());
        let words: Vec<String> = inner.split_whitespace().map(str::to_lowercase).collect();
        let starts_upper = inner.trim_start().starts_with(|c: char| c.is_uppercase());
        let first_is_acronym = inner.split_whitespace().next().is_some_and(|w| {
            w.len() >= 3
                && w.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        });
        let org_like = words.iter().any(|w| ORG_WORDS.contains(&w.as_str())) || first_is_acronym;
        let event_like = words.iter().any(|w| NOT_ORG_WORDS.contains(&w.as_str()));
        if starts_upper && org_like && !event_like && words.len() <= 8 {
            push(inner);
        }
    }
    for m in ORG_PHRASE.find_iter(text) {
        let mut words: Vec<&str> = m.as_str().split_whitespace().collect();
        while words.first().is_some_and(|w| LEADING_WORDS.contains(w)) {
            words.remove(0);
        }
        // Trailing capitalised words only belong to the name if none is an event word.
        if words
            .iter()
            .any(|w| NOT_ORG_WORDS.contains(&w.to_lowercase().as_str()))
        {
            continue;
        }
        if words.len() >= 2 {
            push(&words.join(" "));
        }
    }
    for m in ACRONYM.find_iter(text) {
        if !STOP_ACRONYMS.contains(&m.as_str()) {
            push(m.as_str());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory() -> Directory {
        Directory::new([
            ("MASIT".to_owned(), Target::Cluster(1)),
            ("ICT NET".to_owned(), Target::Cluster(2)),
            (
                "Balkan and Black Sea ICT Clusters Network".to_owned(),
                Target::Network(7),
            ),
            ("BBS ICT Clusters Network".to_owned(), Target::Network(7)),
        ])
    }

    #[test]
    fn known_names_resolve_in_any_spelling_once_per_target() {
        let m = directory().mentions(
            "The Balkan and Black Sea ICT Clusters’ Network met. BBS ICT Clusters Network was hosted by MASIT.",
        );
        let targets: Vec<_> = m.iter().map(|x| x.target).collect();
        assert_eq!(
            targets,
            vec![Some(Target::Network(7)), Some(Target::Cluster(1))]
        );
        assert_eq!(m[0].name, "Balkan and Black Sea ICT Clusters’ Network");
    }

    #[test]
    fn a_different_organisation_with_a_similar_name_stays_unresolved() {
        let m = directory()
            .mentions("Milan Solaja “Vojvodina ICT Cluster” and Peter Indovski “MACES” attended.");
        let names: Vec<_> = m.iter().map(|x| (x.name.as_str(), x.target)).collect();
        assert_eq!(
            names,
            vec![("Vojvodina ICT Cluster", None), ("MACES", None)]
        );
    }

    #[test]
    fn events_and_calls_are_not_organisations() {
        let m = directory().mentions("At the European Cluster Conference 2016 and the COSME call „ Cluster Go International” the ICT NET spoke.");
        let names: Vec<_> = m.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, vec!["ICT NET"]);
    }
}
