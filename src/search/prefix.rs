//! The word being typed, matched as a prefix: the terms that begin with it and are longer.
//!
//! The word itself is left out: the exact clause beside this one finds every document that
//! holds it (as typed, or by its stem), and reading its postings here as well cost a second
//! pass over all of them, for a common word most of a search's time.

use tantivy::query::{AutomatonWeight, EnableScoring, Query, Weight};
use tantivy::schema::Field;
use tantivy_fst::Automaton;

/// Terms strictly longer than `prefix` that begin with it, over their UTF-8 bytes.
pub struct Longer {
    prefix: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// This many bytes of the prefix read.
    Within(usize),
    /// The whole prefix and more.
    Beyond,
    Dead,
}

impl Automaton for Longer {
    type State = State;

    fn start(&self) -> State {
        State::Within(0)
    }

    fn is_match(&self, state: &State) -> bool {
        *state == State::Beyond
    }

    fn can_match(&self, state: &State) -> bool {
        *state != State::Dead
    }

    fn will_always_match(&self, state: &State) -> bool {
        *state == State::Beyond
    }

    fn accept(&self, state: &State, byte: u8) -> State {
        match *state {
            State::Within(n) => match self.prefix.get(n) {
                Some(&b) if b == byte => State::Within(n + 1),
                Some(_) => State::Dead,
                None => State::Beyond,
            },
            other => other,
        }
    }
}

/// Documents holding a term of `field` that extends `prefix`, each scoring the query's
/// boost (as Tantivy's prefix query does).
#[derive(Clone, Debug)]
pub struct PrefixQuery {
    field: Field,
    prefix: String,
}

impl PrefixQuery {
    pub fn new(field: Field, prefix: &str) -> Self {
        Self {
            field,
            prefix: prefix.to_owned(),
        }
    }
}

impl Query for PrefixQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let longer = Longer {
            prefix: self.prefix.as_bytes().to_vec(),
        };
        Ok(Box::new(AutomatonWeight::<Longer>::new(self.field, longer)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(prefix: &str, term: &str) -> bool {
        let a = Longer {
            prefix: prefix.as_bytes().to_vec(),
        };
        let end = term.bytes().fold(
            a.start(),
            |s, b| if a.can_match(&s) { a.accept(&s, b) } else { s },
        );
        a.is_match(&end)
    }

    #[test]
    fn longer_words_that_begin_with_the_prefix() {
        assert!(accepts("clust", "cluster"));
        assert!(accepts("cluster", "clusters"));
        assert!(
            !accepts("cluster", "cluster"),
            "the word itself is the exact clause's"
        );
        assert!(!accepts("cluster", "clust"));
        assert!(!accepts("cluster", "bluster"));
        assert!(accepts("niš", "nišava"));
        assert!(!accepts("niš", "nis"));
    }
}
