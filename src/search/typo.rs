//! Typo tolerance: which words count as a typo of a typed word. One rule for the query (an
//! automaton walked over the term dictionary) and the highlighter (a word at a time).
//!
//! A typo in the first letter counts twice, as in Meilisearch: a word forgiven one typo must
//! begin with the letter typed; a word forgiven two either begins with it and is within two
//! edits, or begins otherwise and is within one. People seldom get the first letter wrong,
//! and anchoring on it is most of the speed: a two-edit automaton is alive on every branch
//! of the dictionary two bytes deep, an anchored one on one branch.
//!
//! Edits are insertions, deletions, substitutions and swaps of neighbours, each counting one.

use std::sync::LazyLock;

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use tantivy::query::{AutomatonWeight, EnableScoring, Query, Weight};
use tantivy::schema::Field;
use tantivy_fst::Automaton;

/// Whether `word` is within `distance` typos of `typed` (both folded), the first letter
/// counting twice.
pub fn matches(typed: &str, word: &str, distance: u8) -> bool {
    let (Some(a), Some(b)) = (typed.chars().next(), word.chars().next()) else {
        return false;
    };
    let edits = match (a == b, distance) {
        (true, d) => d,
        (false, d) if d >= 2 => d - 1,
        (false, _) => return false,
    };
    within(typed, word, usize::from(edits))
}

/// Whether `a` and `b` are within `d` edits (the restricted Damerau-Levenshtein distance,
/// as the automata count it), on three rows of the table.
fn within(a: &str, b: &str, d: usize) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > d {
        return false;
    }
    let mut before = vec![0; b.len() + 1];
    let mut last: Vec<usize> = (0..=b.len()).collect();
    let mut row = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (last[j] + 1).min(row[j - 1] + 1).min(last[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            row[j] = best;
        }
        // A whole row over the bound: no later row can come back under it.
        if row.iter().all(|&c| c > d) {
            return false;
        }
        std::mem::swap(&mut before, &mut last);
        std::mem::swap(&mut last, &mut row);
    }
    last[b.len()] <= d
}

/// Building an automaton builder takes milliseconds (two edits); each is built once.
static BUILDERS: LazyLock<[LevenshteinAutomatonBuilder; 2]> = LazyLock::new(|| {
    [
        LevenshteinAutomatonBuilder::new(1, true),
        LevenshteinAutomatonBuilder::new(2, true),
    ]
});

fn dfa(word: &str, edits: u8) -> Option<DFA> {
    match edits {
        1 | 2 => Some(BUILDERS[usize::from(edits) - 1].build_dfa(word)),
        _ => None,
    }
}

/// The terms [`matches`] accepts, as an automaton over a term's UTF-8 bytes.
pub struct Typos {
    first: Vec<u8>,
    /// Within `distance` edits: for terms beginning with the typed letter.
    same: DFA,
    /// Within one edit fewer: for terms beginning otherwise (none under two typos).
    other: Option<DFA>,
}

impl Typos {
    /// `None` for an empty word or a distance outside 1..=2.
    pub fn new(typed: &str, distance: u8) -> Option<Self> {
        let first = typed.chars().next()?;
        Some(Self {
            first: first.to_string().into_bytes(),
            same: dfa(typed, distance)?,
            other: dfa(typed, distance.saturating_sub(1)),
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum First {
    /// `read` of the `len` bytes of the term's first letter seen, whether all equal to the
    /// typed letter's.
    Reading {
        read: u8,
        len: u8,
        equal: bool,
    },
    Same,
    Other,
}

#[derive(Clone, Debug)]
pub struct State {
    same: u32,
    other: u32,
    first: First,
}

/// The length of a UTF-8 sequence from its lead byte.
fn utf8_len(lead: u8) -> u8 {
    match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

impl Automaton for Typos {
    type State = State;

    fn start(&self) -> State {
        State {
            same: self.same.initial_state(),
            other: self.other.as_ref().map_or(SINK_STATE, DFA::initial_state),
            first: First::Reading {
                read: 0,
                len: 0,
                equal: true,
            },
        }
    }

    fn is_match(&self, state: &State) -> bool {
        let exact = |dfa: &DFA, s| matches!(dfa.distance(s), Distance::Exact(_));
        match state.first {
            First::Same => exact(&self.same, state.same),
            First::Other => self.other.as_ref().is_some_and(|o| exact(o, state.other)),
            First::Reading { .. } => false,
        }
    }

    fn can_match(&self, state: &State) -> bool {
        let same = state.same != SINK_STATE;
        let other = state.other != SINK_STATE;
        match state.first {
            First::Same => same,
            First::Other => other,
            First::Reading { equal, .. } => (equal && same) || other,
        }
    }

    fn accept(&self, state: &State, byte: u8) -> State {
        let first = match state.first {
            First::Reading { read, len, equal } => {
                let equal = equal && self.first.get(usize::from(read)) == Some(&byte);
                let len = if read == 0 { utf8_len(byte) } else { len };
                let read = read + 1;
                match (read >= len, equal && usize::from(len) == self.first.len()) {
                    (false, _) => First::Reading { read, len, equal },
                    (true, true) => First::Same,
                    (true, false) => First::Other,
                }
            }
            done => done,
        };
        State {
            same: self.same.transition(state.same, byte),
            other: self
                .other
                .as_ref()
                .map_or(SINK_STATE, |o| o.transition(state.other, byte)),
            first,
        }
    }
}

/// Documents holding a term of `field` within `distance` typos of `word`, each scoring the
/// query's boost (as Tantivy's fuzzy query does).
#[derive(Clone, Debug)]
pub struct TypoQuery {
    field: Field,
    word: String,
    distance: u8,
}

impl TypoQuery {
    pub fn new(field: Field, word: &str, distance: u8) -> Self {
        Self {
            field,
            word: word.to_owned(),
            distance,
        }
    }
}

impl Query for TypoQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let typos = Typos::new(&self.word, self.distance).ok_or_else(|| {
            tantivy::TantivyError::InvalidArgument(format!(
                "no typo automaton for {:?} at distance {}",
                self.word, self.distance
            ))
        })?;
        Ok(Box::new(AutomatonWeight::<Typos>::new(self.field, typos)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn automaton_accepts(typed: &str, word: &str, distance: u8) -> bool {
        let typos = Typos::new(typed, distance).unwrap();
        let mut state = typos.start();
        for &b in word.as_bytes() {
            if !typos.can_match(&state) {
                return false;
            }
            state = typos.accept(&state, b);
        }
        typos.is_match(&state)
    }

    #[test]
    fn edit_distance_counts_a_swap_as_one() {
        assert!(within("embeded", "embedded", 1));
        assert!(within("sytsems", "systems", 1));
        assert!(!within("budva", "bulgaria", 2));
        assert!(within("", "ab", 2));
        assert!(!within("abc", "", 2));
    }

    #[test]
    fn the_first_letter_counts_twice() {
        // One typo: the first letter must be right.
        assert!(matches("embeded", "embedded", 1));
        assert!(!matches("mbedded", "embedded", 1));
        assert!(!matches("imbedded", "embedded", 1));
        // Two typos: two edits after a right first letter, or a wrong one and nothing else.
        assert!(matches("ukrainain", "ukrainian", 2));
        assert!(matches("ukrajnain", "ukrainian", 2));
        assert!(matches("jkrainian", "ukrainian", 2));
        assert!(!matches("jkrainain", "ukrainian", 2));
        assert!(matches("krainians", "ukrainians", 2));
    }

    #[test]
    fn the_automaton_accepts_what_the_rule_accepts() {
        let words = [
            "embedded",
            "embeded",
            "imbedded",
            "mbedded",
            "ukrainian",
            "ukrainain",
            "jkrainian",
            "jkrainain",
            "krainian",
            "uukrainian",
            "ukrainians",
            "šolaja",
            "solaja",
            "ščolaja",
            "žolaja",
            "ωmega",
            "omega",
            "ωmegas",
            "ab",
            "",
        ];
        for typed in [
            "embeded",
            "ukrainain",
            "ukrainian",
            "solaja",
            "šolaja",
            "ωmega",
        ] {
            for distance in [1, 2] {
                for word in words {
                    assert_eq!(
                        automaton_accepts(typed, word, distance),
                        matches(typed, word, distance),
                        "{typed:?} -> {word:?} at {distance}"
                    );
                }
            }
        }
    }
}
