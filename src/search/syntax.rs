//! The query language of the search box, read leniently into a small AST.
//!
//! Plain words must all match; `"a phrase"`; `-word` and `-"a phrase"` exclude; `a OR b` offers
//! alternatives; `name:`, `strategy:` and `news:` scope a word or phrase. Nothing typed is an
//! error: a mistake becomes a [`Warning`] beside the most sensible reading, so the box never
//! answers "syntax error". Words keep the user's spelling because the engine analyses them
//! with its own tokenizer; no Tantivy types live here.

use std::iter::Peekable;
use std::ops::Range;
use std::str::CharIndices;

/// Most words (those inside phrases included) a query may hold: the rest are dropped, so a
/// pasted essay costs no more than a short query.
pub const MAX_TERMS: usize = 32;
/// Longest word kept, in chars; a longer one is cut to this length.
pub const MAX_WORD_CHARS: usize = 64;

/// A query read into clauses, and what was odd about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// All must hold. Empty for an empty query (a search by filters alone).
    pub clauses: Vec<Clause>,
    /// At most one per code, the first occurrence, in the order they were found.
    pub warnings: Vec<Warning>,
}

/// One condition of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// Any of these may match (`a OR b`); one atom for a plain term; never empty.
    pub alternatives: Vec<Atom>,
    /// The clause must not match (`-word`). An excluded clause has exactly one alternative.
    pub excluded: bool,
}

/// A word or phrase, possibly scoped to one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atom {
    pub scope: Option<Scope>,
    pub text: Text,
    /// The word (a phrase's last word) is still being typed, or was written `word*`: match
    /// it as a prefix.
    /// Never set on an exclusion, so typing `-b` does not hide everything starting with b.
    pub prefix: bool,
    /// The chars of the query this atom was read from, scope and quotes included, `-` not.
    pub span: Range<usize>,
}

/// The user's text, unanalysed: never empty, never with leading or trailing whitespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// One word without whitespace; inner hyphens kept (`e-Government`).
    Word(String),
    /// Words separated by single spaces.
    Phrase(String),
}

/// The fields a word can be limited to; anything else before a `:` is plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Name,
    Strategy,
    News,
}

/// Something the reader did not take literally; `at` is a char offset into the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Stable and machine-readable: one of [`code`].
    pub code: &'static str,
    pub message: String,
    pub at: usize,
}

/// The warning codes clients may rely on.
pub mod code {
    pub const UNCLOSED_QUOTE: &str = "UNCLOSED_QUOTE";
    pub const EMPTY_PHRASE: &str = "EMPTY_PHRASE";
    pub const DANGLING_OR: &str = "DANGLING_OR";
    pub const OR_WITH_EXCLUSION: &str = "OR_WITH_EXCLUSION";
    pub const EMPTY_EXCLUSION: &str = "EMPTY_EXCLUSION";
    pub const ONLY_EXCLUSIONS: &str = "ONLY_EXCLUSIONS";
    pub const UNKNOWN_FIELD: &str = "UNKNOWN_FIELD";
    pub const EMPTY_SCOPE: &str = "EMPTY_SCOPE";
    pub const TOO_MANY_TERMS: &str = "TOO_MANY_TERMS";
    pub const WORD_TOO_LONG: &str = "WORD_TOO_LONG";
    pub const WILDCARD: &str = "WILDCARD";
    pub const UNSUPPORTED_GROUPING: &str = "UNSUPPORTED_GROUPING";
    /// No hit has every word: the hits have any of them.
    pub const MATCHED_ANY_WORD: &str = "MATCHED_ANY_WORD";
}

impl Scope {
    const ALL: [Scope; 3] = [Scope::Name, Scope::Strategy, Scope::News];

    /// What the user types before the `:`.
    pub const fn keyword(self) -> &'static str {
        match self {
            Scope::Name => "name",
            Scope::Strategy => "strategy",
            Scope::News => "news",
        }
    }

    fn from_keyword(word: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|scope| scope.keyword().eq_ignore_ascii_case(word))
    }
}

impl Text {
    pub fn as_str(&self) -> &str {
        match self {
            Text::Word(s) | Text::Phrase(s) => s,
        }
    }

    fn term_count(&self) -> usize {
        match self {
            Text::Word(_) => 1,
            Text::Phrase(p) => p.split(' ').count(),
        }
    }
}

/// Reads `query`; never fails, and stops reading once [`MAX_TERMS`] words are taken.
pub fn parse(query: &str) -> Parsed {
    let mut builder = Builder {
        scanner: Scanner::new(query),
        clauses: Vec::new(),
        pending_or: None,
        budget: MAX_TERMS,
    };
    builder.run();
    builder.finish()
}

/// What the scanner hands the builder: an operator or an atom.
enum Item {
    Or(usize),
    Atom { atom: Atom, excluded: bool },
}

/// Groups atoms into clauses around `OR`, and keeps the term budget.
struct Builder<'q> {
    scanner: Scanner<'q>,
    clauses: Vec<Clause>,
    /// Where an `OR` waits for its right-hand side.
    pending_or: Option<usize>,
    budget: usize,
}

impl Builder<'_> {
    fn run(&mut self) {
        while let Some(item) = self.scanner.next_item() {
            match item {
                Item::Or(at) => self.or(at),
                Item::Atom { atom, excluded } => {
                    if !self.atom(atom, excluded) {
                        return;
                    }
                }
            }
        }
        if let Some(at) = self.pending_or {
            self.dangling_or(at);
        }
    }

    fn or(&mut self, at: usize) {
        match self.clauses.last() {
            _ if self.pending_or.is_some() => self.dangling_or(at),
            None => self.dangling_or(at),
            Some(last) if last.excluded => self.or_with_exclusion(at),
            Some(_) => self.pending_or = Some(at),
        }
    }

    /// Adds the atom; false once the budget is spent and reading should stop.
    fn atom(&mut self, mut atom: Atom, excluded: bool) -> bool {
        let terms = atom.text.term_count();
        let within_budget = terms <= self.budget;
        if !within_budget {
            self.scanner.warn(
                code::TOO_MANY_TERMS,
                atom.span.start,
                format!("only the first {MAX_TERMS} words are searched; the rest were ignored"),
            );
            // A long phrase keeps the words that fit; a word that does not fit is dropped.
            let Text::Phrase(phrase) = &atom.text else {
                return false;
            };
            if self.budget == 0 {
                return false;
            }
            let kept: Vec<&str> = phrase.split(' ').take(self.budget).collect();
            atom.text = Text::Phrase(kept.join(" "));
            atom.prefix = false;
        }
        self.budget = self.budget.saturating_sub(terms);
        match (self.pending_or.take(), self.clauses.last_mut()) {
            (Some(_), Some(last)) if !excluded => last.alternatives.push(atom),
            (or, _) => {
                if let Some(at) = or {
                    self.or_with_exclusion(at);
                }
                self.clauses.push(Clause {
                    alternatives: vec![atom],
                    excluded,
                });
            }
        }
        within_budget
    }

    fn dangling_or(&mut self, at: usize) {
        let message = "`OR` needs a term on each side; it was ignored".to_owned();
        self.scanner.warn(code::DANGLING_OR, at, message);
    }

    fn or_with_exclusion(&mut self, at: usize) {
        let message = "`OR` cannot offer an excluded term as an alternative; the terms \
                       were searched separately"
            .to_owned();
        self.scanner.warn(code::OR_WITH_EXCLUSION, at, message);
    }

    fn finish(mut self) -> Parsed {
        if let Some(first) = self.clauses.first()
            && self.clauses.iter().all(|clause| clause.excluded)
        {
            let at = first.alternatives.first().map_or(0, |atom| atom.span.start);
            let message = "the query only excludes words; nothing says what to find".to_owned();
            self.scanner.warn(code::ONLY_EXCLUSIONS, at, message);
        }
        Parsed {
            clauses: self.clauses,
            warnings: self.scanner.warnings,
        }
    }
}

/// Walks the query char by char, turning it into [`Item`]s and noting warnings on the way.
struct Scanner<'q> {
    query: &'q str,
    chars: Peekable<CharIndices<'q>>,
    /// Char offset of the next char: spans count chars, not bytes.
    pos: usize,
    warnings: Vec<Warning>,
}

impl<'q> Scanner<'q> {
    fn new(query: &'q str) -> Self {
        Scanner {
            query,
            chars: query.char_indices().peekable(),
            pos: 0,
            warnings: Vec::new(),
        }
    }

    fn next_item(&mut self) -> Option<Item> {
        loop {
            let first = self.peek()?;
            let dash_at = self.pos;
            let excluded = self.skip_all('-');
            let start = self.pos;
            let item = match self.peek() {
                Some(c) if is_quote(c) => self.phrase(None, excluded, start),
                Some(c) if is_word_char(c) => self.bare(excluded, start),
                _ if excluded => {
                    let message = "a `-` must be followed by the word to exclude; a lone \
                                   `-` was ignored"
                        .to_owned();
                    self.warn(code::EMPTY_EXCLUSION, dash_at, message);
                    None
                }
                _ => {
                    self.bump();
                    self.stray(first, start);
                    None
                }
            };
            if item.is_some() {
                return item;
            }
        }
    }

    /// A word outside quotes: an `OR`, a field scope, or a plain word.
    fn bare(&mut self, excluded: bool, start: usize) -> Option<Item> {
        let word = self.read_word();
        if word == "OR" && !excluded {
            return Some(Item::Or(start));
        }
        if self.peek() == Some(':') {
            if let Some(scope) = Scope::from_keyword(word) {
                self.bump();
                return self.scoped(scope, excluded, start);
            }
            self.check_unknown_field(word, start);
        }
        Some(self.word(word, None, excluded, start))
    }

    /// What follows `name:` and the like; the scope is dropped when nothing does.
    fn scoped(&mut self, scope: Scope, excluded: bool, start: usize) -> Option<Item> {
        // `name:-word` can only mean `-name:word`.
        let excluded = self.skip_all('-') || excluded;
        match self.peek() {
            Some(c) if is_quote(c) => self.phrase(Some(scope), excluded, start),
            Some(c) if is_word_char(c) => {
                let word = self.read_word();
                Some(self.word(word, Some(scope), excluded, start))
            }
            _ => {
                let keyword = scope.keyword();
                let message =
                    format!("`{keyword}:` must be followed by a word or phrase; it was ignored");
                self.warn(code::EMPTY_SCOPE, start, message);
                None
            }
        }
    }

    /// `COSME:2014` stays two plain words, but a letters-only `x:` followed by text looks
    /// like a field the user hoped for, so say which fields exist.
    fn check_unknown_field(&mut self, word: &str, start: usize) {
        let mut ahead = self.chars.clone();
        ahead.next();
        let followed = ahead
            .peek()
            .is_some_and(|&(_, c)| is_word_char(c) || is_quote(c));
        if followed && word.chars().all(char::is_alphabetic) {
            let message = format!(
                "`{word}:` is not a field (try name:, strategy: or news:); \
                 it was searched as plain words"
            );
            self.warn(code::UNKNOWN_FIELD, start, message);
        }
    }

    fn word(&mut self, typed: &str, scope: Option<Scope>, excluded: bool, start: usize) -> Item {
        let end = self.pos;
        let (word, cut) = cut_chars(typed, MAX_WORD_CHARS);
        if cut {
            let message = format!(
                "words are cut to {MAX_WORD_CHARS} characters; `{word}` was searched instead"
            );
            self.warn(code::WORD_TOO_LONG, start, message);
        }
        let starred = self.skip_all('*');
        if starred {
            let message = if excluded {
                "`*` has no effect on an excluded word; it was ignored".to_owned()
            } else {
                format!("no `*` needed: `{word}` is matched as a prefix")
            };
            self.warn(code::WILDCARD, end, message);
        }
        // A cut word matches the words it begins, which is what the user typed.
        let prefix = !excluded && (cut || starred || self.peek().is_none());
        let atom = Atom {
            scope,
            text: Text::Word(word.to_owned()),
            prefix,
            span: start..end,
        };
        Item::Atom { atom, excluded }
    }

    /// A quoted phrase; an unclosed one runs to the end of the query.
    fn phrase(&mut self, scope: Option<Scope>, excluded: bool, start: usize) -> Option<Item> {
        let quote_at = self.pos;
        self.bump();
        let from = self.byte_pos();
        let (to, closed) = loop {
            let at = self.byte_pos();
            match self.bump() {
                Some(c) if is_quote(c) => break (at, true),
                Some(_) => {}
                None => break (at, false),
            }
        };
        if !closed {
            let message = "a quote was not closed; the phrase runs to the end".to_owned();
            self.warn(code::UNCLOSED_QUOTE, quote_at, message);
        }
        let content = &self.query[from..to];
        let mut words = content.split(is_blank).filter(|w| !w.is_empty());
        let kept: Vec<&str> = words.by_ref().take(MAX_TERMS).collect();
        if kept.is_empty() {
            if closed {
                let message = "an empty phrase was ignored".to_owned();
                self.warn(code::EMPTY_PHRASE, quote_at, message);
            }
            return None;
        }
        let overflow = words.next().is_some();
        if overflow {
            let message = format!("only the first {MAX_TERMS} words are searched");
            self.warn(code::TOO_MANY_TERMS, quote_at, message);
        }
        let mut cut_any = false;
        let mut phrase = Vec::with_capacity(kept.len());
        for word in kept {
            let (word, cut) = cut_chars(word, MAX_WORD_CHARS);
            cut_any |= cut;
            phrase.push(word);
        }
        if cut_any {
            let message = format!("words are cut to {MAX_WORD_CHARS} characters");
            self.warn(code::WORD_TOO_LONG, quote_at, message);
        }
        // Still typing the phrase's last word: nothing after it, not even a space.
        let prefix = !closed && !excluded && !overflow && !content.ends_with(is_blank);
        let atom = Atom {
            scope,
            text: Text::Phrase(phrase.join(" ")),
            prefix,
            span: start..self.pos,
        };
        Some(Item::Atom { atom, excluded })
    }

    /// Separators need no comment, but some look like syntax users expect to work.
    fn stray(&mut self, c: char, at: usize) {
        match c {
            '(' | ')' => {
                let message = "parentheses do not group terms; they were ignored".to_owned();
                self.warn(code::UNSUPPORTED_GROUPING, at, message);
            }
            '*' => {
                let message = "`*` only works right after a word; it was ignored".to_owned();
                self.warn(code::WILDCARD, at, message);
            }
            _ => {}
        }
    }

    /// One warning per code keeps a pathological query's answer small.
    fn warn(&mut self, code: &'static str, at: usize, message: String) {
        if self.warnings.iter().all(|w| w.code != code) {
            self.warnings.push(Warning { code, message, at });
        }
    }

    fn read_word(&mut self) -> &'q str {
        let from = self.byte_pos();
        while self.peek().is_some_and(is_word_char) {
            self.bump();
        }
        &self.query[from..self.byte_pos()]
    }

    fn skip_all(&mut self, c: char) -> bool {
        let mut any = false;
        while self.peek() == Some(c) {
            self.bump();
            any = true;
        }
        any
    }

    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|&(_, c)| c)
    }

    fn bump(&mut self) -> Option<char> {
        let (_, c) = self.chars.next()?;
        self.pos += 1;
        Some(c)
    }

    fn byte_pos(&mut self) -> usize {
        self.chars.peek().map_or(self.query.len(), |&(i, _)| i)
    }
}

/// The first `max` chars of `word`, and whether anything was cut.
fn cut_chars(word: &str, max: usize) -> (&str, bool) {
    match word.char_indices().nth(max) {
        Some((end, _)) => (&word[..end], true),
        None => (word, false),
    }
}

fn is_blank(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// Straight and typographic quotes alike, since phones and word processors swap them in.
fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '«' | '»')
}

/// Characters with no meaning of their own here: they split words like a space does.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        '(' | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '*'
            | '~'
            | '^'
            | '+'
            | '\\'
            | '/'
            | ':'
            | '|'
            | ','
            | ';'
    )
}

fn is_word_char(c: char) -> bool {
    !is_blank(c) && !is_separator(c) && !is_quote(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn word(w: &str) -> Text {
        Text::Word(w.to_owned())
    }

    fn phrase(p: &str) -> Text {
        Text::Phrase(p.to_owned())
    }

    /// A clause as (excluded, [(scope, text, prefix)]), spans left out.
    type Shape = (bool, Vec<(Option<Scope>, Text, bool)>);

    fn shape(query: &str) -> Vec<Shape> {
        parse(query)
            .clauses
            .into_iter()
            .map(|c| {
                let atoms = c.alternatives.into_iter();
                (
                    c.excluded,
                    atoms.map(|a| (a.scope, a.text, a.prefix)).collect(),
                )
            })
            .collect()
    }

    fn codes(query: &str) -> Vec<&'static str> {
        parse(query).warnings.iter().map(|w| w.code).collect()
    }

    fn plain(text: Text, prefix: bool) -> Shape {
        (false, vec![(None, text, prefix)])
    }

    #[test]
    fn an_empty_or_blank_query_has_no_clauses_and_no_warnings() {
        assert_eq!(parse(""), Parsed::default());
        assert_eq!(parse(" \t\n "), Parsed::default());
    }

    #[test]
    fn plain_words_are_separate_clauses_and_keep_their_spelling() {
        assert_eq!(
            shape("Wood Furniture "),
            vec![plain(word("Wood"), false), plain(word("Furniture"), false)]
        );
        assert!(codes("Wood Furniture").is_empty());
    }

    #[test]
    fn the_word_being_typed_is_a_prefix_but_a_finished_one_is_not() {
        assert_eq!(shape("train"), vec![plain(word("train"), true)]);
        assert_eq!(shape("train "), vec![plain(word("train"), false)]);
        assert_eq!(shape("\"train\""), vec![plain(phrase("train"), false)]);
        assert_eq!(
            shape("rail \"green hydrogen\""),
            vec![
                plain(word("rail"), false),
                plain(phrase("green hydrogen"), false)
            ]
        );
    }

    #[test]
    fn a_star_marks_a_prefix_anywhere_with_a_hint() {
        let parsed = parse("electr* cars");
        assert_eq!(parsed.clauses[0].alternatives[0].text, word("electr"));
        assert!(parsed.clauses[0].alternatives[0].prefix);
        assert_eq!(parsed.warnings[0].code, code::WILDCARD);
        assert_eq!(parsed.warnings[0].at, 6);
        assert_eq!(codes("* cars"), vec![code::WILDCARD]);
    }

    #[test]
    fn phrases_are_read_with_their_whitespace_normalised() {
        assert_eq!(
            shape("\"  smart   specialisation \" x"),
            vec![
                plain(phrase("smart specialisation"), false),
                plain(word("x"), true)
            ]
        );
        assert_eq!(
            shape("“smart grids”"),
            vec![plain(phrase("smart grids"), false)]
        );
    }

    #[test]
    fn an_unclosed_quote_runs_to_the_end_and_its_last_word_is_a_prefix() {
        let parsed = parse("ict \"smart gri");
        assert_eq!(parsed.clauses[1].alternatives[0].text, phrase("smart gri"));
        assert!(parsed.clauses[1].alternatives[0].prefix);
        assert_eq!(parsed.warnings[0].code, code::UNCLOSED_QUOTE);
        assert_eq!(parsed.warnings[0].at, 4);
        assert!(!parse("\"smart gri ").clauses[0].alternatives[0].prefix);
        assert_eq!(codes("ict \""), vec![code::UNCLOSED_QUOTE]);
        assert_eq!(parse("ict \"").clauses.len(), 1);
    }

    #[test]
    fn an_empty_phrase_is_ignored_with_a_warning() {
        assert_eq!(shape("\"\" a "), vec![plain(word("a"), false)]);
        assert_eq!(codes("\" \" a"), vec![code::EMPTY_PHRASE]);
    }

    #[test]
    fn exclusions_apply_to_words_phrases_and_scoped_atoms() {
        assert_eq!(
            shape("-steel -\"heavy industry\" -name:Forge"),
            vec![
                (true, vec![(None, word("steel"), false)]),
                (true, vec![(None, phrase("heavy industry"), false)]),
                (true, vec![(Some(Scope::Name), word("Forge"), false)]),
            ]
        );
        assert!(shape("a name:-b")[1].0);
    }

    #[test]
    fn an_exclusion_being_typed_is_not_a_prefix() {
        assert_eq!(shape("wood -f")[1], (true, vec![(None, word("f"), false)]));
    }

    #[test]
    fn a_hyphen_inside_a_word_is_part_of_it() {
        assert_eq!(
            shape("e-Government co-operation- "),
            vec![
                plain(word("e-Government"), false),
                plain(word("co-operation-"), false)
            ]
        );
    }

    #[test]
    fn a_lone_dash_is_ignored_with_a_warning() {
        let parsed = parse("a - b --");
        assert_eq!(parsed.clauses.len(), 2);
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].code, code::EMPTY_EXCLUSION);
        assert_eq!(parsed.warnings[0].at, 2);
    }

    #[test]
    fn or_joins_its_neighbours_and_binds_tighter_than_and() {
        assert_eq!(
            shape("a OR b c"),
            vec![
                (
                    false,
                    vec![(None, word("a"), false), (None, word("b"), false)]
                ),
                plain(word("c"), true),
            ]
        );
        let chain = shape("a OR \"b c\" OR name:d");
        assert_eq!(chain.len(), 1);
        assert_eq!(chain[0].1.len(), 3);
        assert_eq!(chain[0].1[2], (Some(Scope::Name), word("d"), true));
    }

    #[test]
    fn lower_case_or_is_a_plain_word() {
        assert_eq!(shape("a or b").len(), 3);
    }

    #[test]
    fn a_dangling_or_is_ignored_with_a_warning() {
        for query in ["OR a", "a OR", "a OR OR b", "OR"] {
            assert_eq!(codes(query), vec![code::DANGLING_OR], "{query}");
        }
        assert_eq!(shape("a OR OR b")[0].1.len(), 2);
        assert_eq!(parse("a OR").warnings[0].at, 2);
    }

    #[test]
    fn or_next_to_an_exclusion_leaves_separate_clauses() {
        for query in ["-a OR b", "a OR -b"] {
            let parsed = parse(query);
            assert_eq!(parsed.clauses.len(), 2, "{query}");
            assert!(parsed.clauses.iter().all(|c| c.alternatives.len() == 1));
            assert_eq!(codes(query), vec![code::OR_WITH_EXCLUSION], "{query}");
        }
    }

    #[test]
    fn scopes_take_a_word_or_a_phrase_in_any_letter_case() {
        assert_eq!(
            shape("name:ICT Strategy:\"smart specialisation\" NEWS:award"),
            vec![
                (false, vec![(Some(Scope::Name), word("ICT"), false)]),
                (
                    false,
                    vec![(Some(Scope::Strategy), phrase("smart specialisation"), false)]
                ),
                (false, vec![(Some(Scope::News), word("award"), true)]),
            ]
        );
        assert_eq!(
            parse("x name:\"a b\"").clauses[1].alternatives[0].span,
            2..12
        );
    }

    #[test]
    fn an_empty_scope_is_ignored_with_a_warning() {
        assert_eq!(shape("name: wood"), vec![plain(word("wood"), true)]);
        assert_eq!(codes("a name:"), vec![code::EMPTY_SCOPE]);
        assert_eq!(parse("a name:").warnings[0].at, 2);
    }

    #[test]
    fn an_unknown_field_is_searched_as_plain_words() {
        assert_eq!(
            shape("COSME:2014"),
            vec![plain(word("COSME"), false), plain(word("2014"), true)]
        );
        assert_eq!(codes("COSME:2014"), vec![code::UNKNOWN_FIELD]);
        assert!(codes("12:30 http://example.org note: x").is_empty());
    }

    #[test]
    fn a_query_of_exclusions_only_is_kept_with_a_warning() {
        let parsed = parse("-steel -coal");
        assert_eq!(parsed.clauses.len(), 2);
        assert_eq!(codes("-steel -coal"), vec![code::ONLY_EXCLUSIONS]);
        assert_eq!(parsed.warnings[0].at, 1);
    }

    #[test]
    fn stray_symbols_separate_words_and_parentheses_are_flagged() {
        assert_eq!(
            shape("(wood|paper)+pulp~2 a^3 b\\c/d, e;"),
            ["wood", "paper", "pulp", "2", "a", "3", "b", "c", "d", "e"]
                .map(|w| plain(word(w), false))
        );
        assert_eq!(codes("(wood) paper"), vec![code::UNSUPPORTED_GROUPING]);
        assert!(codes("a+b~c^d\\e/f").is_empty());
    }

    #[test]
    fn unicode_is_kept_as_typed_and_spans_count_chars() {
        let decomposed = "Nis\u{30C} \u{301}";
        let parsed = parse(&format!("Београд {decomposed}"));
        let texts: Vec<&str> = parsed
            .clauses
            .iter()
            .map(|c| c.alternatives[0].text.as_str())
            .collect();
        assert_eq!(texts, ["Београд", "Nis\u{30C}", "\u{301}"]);
        assert_eq!(parsed.clauses[1].alternatives[0].span, 8..12);
        assert_eq!(parse("Ж name:Ж").clauses[1].alternatives[0].span, 2..8);
    }

    #[test]
    fn a_long_word_is_cut_and_matched_as_a_prefix() {
        let long = "x".repeat(100);
        let parsed = parse(&format!("{long} y"));
        let atom = &parsed.clauses[0].alternatives[0];
        assert_eq!(atom.text, word(&"x".repeat(MAX_WORD_CHARS)));
        assert!(atom.prefix);
        assert_eq!(atom.span, 0..100);
        assert_eq!(parsed.warnings[0].code, code::WORD_TOO_LONG);
        let in_phrase = parse(&format!("\"a {long}\""));
        assert_eq!(
            in_phrase.clauses[0].alternatives[0]
                .text
                .as_str()
                .chars()
                .count(),
            66
        );
    }

    #[test]
    fn a_huge_query_is_cut_to_the_term_cap() {
        let parsed = parse(&"word ".repeat(10_000));
        assert_eq!(parsed.clauses.len(), MAX_TERMS);
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].code, code::TOO_MANY_TERMS);
        assert_eq!(parsed.warnings[0].at, 5 * MAX_TERMS);
    }

    #[test]
    fn a_phrase_over_the_cap_keeps_the_words_that_fit() {
        let query = format!("a b \"{}\" c", "p ".repeat(40));
        let parsed = parse(&query);
        assert_eq!(parsed.clauses.len(), 3);
        assert_eq!(
            parsed.clauses[2].alternatives[0].text.term_count(),
            MAX_TERMS - 2
        );
        assert_eq!(codes(&query), vec![code::TOO_MANY_TERMS]);
    }

    /// Single chars and short runs that exercise every rule, multi-byte ones included.
    const CHARS: &str = "\"“»-:  \t\n()*~^+\\/|,a\u{301}\u{30C}ж日🦀\u{0}\u{200B}\u{A0}";
    const RUNS: [&str; 9] = [
        "OR",
        "or",
        "name:",
        "news:",
        "x:",
        "e-Gov",
        "Москва",
        "e\u{301}",
        "1:2",
    ];

    fn random_query(rng: &mut ChaCha8Rng) -> String {
        let pieces = rng.random_range(0..40);
        let mut query = String::new();
        for _ in 0..pieces {
            match rng.random_range(0..100) {
                0 => query.push_str(&"q".repeat(rng.random_range(60..80))),
                1..50 => query.push_str(RUNS[rng.random_range(0..RUNS.len())]),
                _ => query.extend(
                    CHARS
                        .chars()
                        .nth(rng.random_range(0..CHARS.chars().count())),
                ),
            }
        }
        query
    }

    fn assert_well_formed(query: &str, parsed: &Parsed) {
        let chars: Vec<char> = query.chars().collect();
        let mut terms = 0;
        for clause in &parsed.clauses {
            assert!(!clause.alternatives.is_empty(), "{query:?}");
            assert!(
                !clause.excluded || clause.alternatives.len() == 1,
                "{query:?}"
            );
            for atom in &clause.alternatives {
                let text = atom.text.as_str();
                assert!(atom.span.start < atom.span.end, "{query:?}");
                assert!(atom.span.end <= chars.len(), "{query:?}");
                let typed: String = chars[atom.span.clone()].iter().collect();
                for word in text.split(' ') {
                    assert!(!word.is_empty() && !word.contains(is_blank), "{query:?}");
                    assert!(word.chars().count() <= MAX_WORD_CHARS, "{query:?}");
                    assert!(typed.contains(word), "{word:?} not in {typed:?}");
                }
                if let Text::Word(w) = &atom.text {
                    assert!(
                        !w.contains(is_separator) && !w.contains(is_quote),
                        "{query:?}"
                    );
                }
                terms += atom.text.term_count();
            }
        }
        assert!(terms <= MAX_TERMS, "{query:?}");
        for (i, warning) in parsed.warnings.iter().enumerate() {
            assert!(warning.at <= chars.len(), "{query:?}");
            assert!(parsed.warnings[..i].iter().all(|w| w.code != warning.code));
        }
    }

    #[test]
    fn any_random_query_parses_into_a_well_formed_ast() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..20_000 {
            let query = random_query(&mut rng);
            assert_well_formed(&query, &parse(&query));
        }
    }
}
