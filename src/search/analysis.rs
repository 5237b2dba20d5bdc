//! The search index's text analysers: how names and prose become terms.
//!
//! Every analyser splits the original text into words and only then folds each word with
//! [`text::fold_word`], so token offsets stay byte offsets into the original text (highlights
//! rely on them) while terms match the importer's notion of "the same word" (Niš = Nis = Ниш).
//! A hyphenated compound is indexed both ways: "e-Government" gives `egovernment` and `e` at
//! one position and `government` at the next, so "egovernment", "e-government" and
//! "government" all find it and phrases across it still line up.

use std::mem;

use rustc_hash::FxHashMap;
use tantivy::Index;
use tantivy::tokenizer::{
    Language, RawTokenizer, RemoveLongFilter, Stemmer, StopWordFilter, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};

use crate::text;

/// Names and places: words and folding, no stemming (a surname is not a plural).
pub const NAME: &str = "atlas_name";
/// Descriptions and news: words, folding and English stemming (trainings = training).
pub const PROSE: &str = "atlas_prose";
/// Autocomplete, index side only: every word also as its first 1..=20 characters. Queries
/// analyse the typed prefix with [`NAME`], or every prefix would match every longer one.
pub const PREFIX: &str = "atlas_prefix";

/// Version of the analysers in this module. Bump it when any analyser changes: the index is
/// rebuilt, because terms written by the old analysers would no longer meet the new queries.
pub const ANALYSIS_VERSION: u32 = 1;

/// Longer prose "words" are mostly URLs and base64; they only bloat the term dictionary.
const LONGEST_PROSE_TERM: usize = 40;
/// Nobody types more than this before picking a suggestion.
const LONGEST_PREFIX: usize = 20;

type BuildAnalyzer = fn() -> TextAnalyzer;

const ANALYZERS: [(&str, BuildAnalyzer); 3] = [
    (NAME, name_analyzer),
    (PROSE, prose_analyzer),
    (PREFIX, prefix_analyzer),
];

/// Registers [`NAME`], [`PROSE`] and [`PREFIX`] on `index`; call it after opening or creating
/// the index and before indexing or parsing queries.
pub fn register(index: &Index) {
    for (name, build) in ANALYZERS {
        index.tokenizers().register(name, build());
    }
}

/// A word typed in a query as the one term the index holds for it: folded, a hyphenated
/// compound joined ("e-Government" -> "egovernment"); `None` for a word of no letter or digit.
pub fn fold(word: &str) -> Option<String> {
    let mut folded = String::new();
    text::fold_word(word, &mut folded);
    (!folded.is_empty()).then_some(folded)
}

/// The query side's analysers, built once per query: unstemmed names, stemmed prose.
pub struct Analyzers {
    name: TextAnalyzer,
    prose: TextAnalyzer,
}

impl Default for Analyzers {
    fn default() -> Self {
        Self {
            name: name_analyzer(),
            prose: prose_analyzer(),
        }
    }
}

impl Analyzers {
    /// The analyser registered as `name` ([`NAME`] or [`PROSE`]).
    pub fn of(&mut self, name: &str) -> &mut TextAnalyzer {
        if name == NAME {
            &mut self.name
        } else {
            &mut self.prose
        }
    }

    /// The stem the prose fields hold for a folded word.
    pub fn stem(&mut self, folded: &str) -> String {
        let mut stream = self.prose.token_stream(folded);
        match stream.next() {
            Some(t) => t.text.clone(),
            None => folded.to_owned(),
        }
    }
}

fn name_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(folding())
        .build()
}

fn prose_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(folding())
        .filter(RemoveLongFilter::limit(LONGEST_PROSE_TERM))
        .filter(remembered_stems())
        .build()
}

/// [`PROSE`] without English stop words: the words that can tell one text from another, as
/// the prose fields hold them (for matchmaking).
pub fn keywords() -> TextAnalyzer {
    let builder = TextAnalyzer::builder(WordTokenizer::default())
        .filter(folding())
        .filter(RemoveLongFilter::limit(LONGEST_PROSE_TERM))
        .dynamic();
    let builder = match StopWordFilter::new(Language::English) {
        Some(stop) => builder.filter_dynamic(stop),
        None => builder,
    };
    builder
        .filter_dynamic(Stemmer::new(Language::English))
        .build()
}

fn prefix_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(folding())
        .filter(EdgePrefixes {
            longest: LONGEST_PREFIX,
        })
        .build()
}

/// Splits text into [`text::words`] and adds the joined form of each hyphenated compound at
/// the position of its first part. Token text is the original spelling; [`folding`] normalises it.
/// Tokens are kept between runs and overwritten: a fresh `String` per word was most of the
/// allocations of a rebuild.
#[derive(Clone, Default)]
pub struct WordTokenizer {
    tokens: Vec<Token>,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokens<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokens<'a> {
        let used = push_word_tokens(text, &mut self.tokens);
        WordTokens {
            tokens: &mut self.tokens[..used],
            next: 0,
        }
    }
}

/// Writes the tokens of `text` over the first slots of `tokens`; returns how many.
fn push_word_tokens(text: &str, tokens: &mut Vec<Token>) -> usize {
    let mut used = 0;
    let mut position = 0;
    let mut words = text::words(text).peekable();
    while let Some((start, word)) = words.next() {
        let first_part = used;
        let (mut offset_to, mut parts) = (start + word.len(), 1);
        set_token(tokens, &mut used, start, word, position);
        while let Some(&(next_start, next)) = words.peek()
            && is_compound_hyphen(&text[offset_to..next_start])
        {
            words.next();
            position += 1;
            set_token(tokens, &mut used, next_start, next, position);
            offset_to = next_start + next.len();
            parts += 1;
        }
        if parts > 1 {
            let compound = next_slot(tokens, &mut used);
            compound.offset_from = start;
            compound.offset_to = offset_to;
            compound.position = position + 1 - parts;
            compound.position_length = parts;
            // The parts joined, as written: they are the slots just before this one.
            let (written, joined) = tokens[first_part..used].split_at_mut(parts);
            if let Some(joined) = joined.first_mut() {
                joined.text.clear();
                for part in written.iter() {
                    joined.text.push_str(&part.text);
                }
            }
            // Before its parts, so positions never decrease along the stream.
            tokens[first_part..used].rotate_right(1);
        }
        position += 1;
    }
    used
}

/// The next unused token, reset by the caller.
fn next_slot<'t>(tokens: &'t mut Vec<Token>, used: &mut usize) -> &'t mut Token {
    if *used == tokens.len() {
        tokens.push(Token::default());
    }
    *used += 1;
    &mut tokens[*used - 1]
}

fn set_token(tokens: &mut Vec<Token>, used: &mut usize, start: usize, word: &str, position: usize) {
    let token = next_slot(tokens, used);
    token.offset_from = start;
    token.offset_to = start + word.len();
    token.position = position;
    token.position_length = 1;
    token.text.clear();
    token.text.push_str(word);
}

/// Only a hyphen touching both words joins them: "ESCP - 4i" and en dashes stay separate.
fn is_compound_hyphen(between: &str) -> bool {
    matches!(between, "-" | "\u{2010}" | "\u{2011}")
}

/// The tokens of one [`WordTokenizer`] run.
pub struct WordTokens<'a> {
    tokens: &'a mut [Token],
    next: usize,
}

impl TokenStream for WordTokens<'_> {
    fn advance(&mut self) -> bool {
        let more = self.next < self.tokens.len();
        if more {
            self.next += 1;
        }
        more
    }

    // Like every Tantivy stream, valid only after `advance` returned true.
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// A change made to each token's text by [`EachToken`]; `false` drops the token.
pub trait Rewrite: Clone + Send + Sync + 'static {
    fn rewrite(&mut self, text: &mut String) -> bool;
}

/// The filter that applies a [`Rewrite`] to every token; offsets are left alone.
#[derive(Clone)]
pub struct EachToken<R>(R);

impl<R: Rewrite> TokenFilter for EachToken<R> {
    type Tokenizer<T: Tokenizer> = EachTokenizer<T, R>;

    fn transform<T: Tokenizer>(self, inner: T) -> EachTokenizer<T, R> {
        EachTokenizer {
            inner,
            rewrite: self.0,
        }
    }
}

/// A tokenizer followed by an [`EachToken`].
#[derive(Clone)]
pub struct EachTokenizer<T, R> {
    inner: T,
    rewrite: R,
}

impl<T: Tokenizer, R: Rewrite> Tokenizer for EachTokenizer<T, R> {
    type TokenStream<'a> = EachTokenStream<'a, T::TokenStream<'a>, R>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        EachTokenStream {
            tail: self.inner.token_stream(text),
            rewrite: &mut self.rewrite,
        }
    }
}

/// The tokens of an [`EachTokenizer`] run.
pub struct EachTokenStream<'a, T, R> {
    tail: T,
    rewrite: &'a mut R,
}

impl<T: TokenStream, R: Rewrite> TokenStream for EachTokenStream<'_, T, R> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            if self.rewrite.rewrite(&mut self.tail.token_mut().text) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Folds each token with [`text::fold_word`] (case, marks, Cyrillic, đ/ß/æ...) and drops
/// tokens that fold to nothing.
fn folding() -> EachToken<Fold> {
    EachToken(Fold::default())
}

/// The rewrite of [`folding`], with its buffer kept from token to token.
#[derive(Clone, Default)]
pub struct Fold {
    buffer: String,
}

impl Rewrite for Fold {
    fn rewrite(&mut self, text: &mut String) -> bool {
        self.buffer.clear();
        text::fold_word(text, &mut self.buffer);
        mem::swap(text, &mut self.buffer);
        !text.is_empty()
    }
}

/// Words an analyser remembers the stem of; past this it starts over. Prose repeats its
/// words (Zipf), so the most frequent few thousand are nearly every token.
const REMEMBERED_STEMS: usize = 20_000;

/// English stemming (Tantivy's Snowball [`Stemmer`]) that remembers each word's stem: the
/// stemmer was a tenth of a rebuild's CPU, stemming the same words over and over.
fn remembered_stems() -> EachToken<Stems> {
    EachToken(Stems::default())
}

/// Stems met so far, and the stemmer for the words not met yet.
struct Stems {
    /// Fx, not SipHash: looked up once per prose word, with nothing adversarial to guard
    /// against in a word's hash.
    known: FxHashMap<String, String>,
    stemmer: TextAnalyzer,
    /// Words remembered at most.
    room: usize,
}

impl Default for Stems {
    fn default() -> Self {
        Self::with_room(REMEMBERED_STEMS)
    }
}

/// A copy starts with nothing remembered: Tantivy clones an analyser per field and thread.
impl Clone for Stems {
    fn clone(&self) -> Self {
        Self::with_room(self.room)
    }
}

impl Stems {
    fn with_room(room: usize) -> Self {
        Self {
            known: FxHashMap::default(),
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
            room,
        }
    }

    /// Rewrites `word` as its stem.
    fn stem(&mut self, word: &mut String) {
        if let Some(stem) = self.known.get(word.as_str()) {
            word.clear();
            word.push_str(stem);
            return;
        }
        let stem = match self.stemmer.token_stream(word).next() {
            Some(token) => token.text.clone(),
            None => word.clone(),
        };
        if self.known.len() >= self.room {
            self.known.clear();
        }
        let unstemmed = mem::replace(word, stem);
        self.known.insert(unstemmed, word.clone());
    }
}

impl Rewrite for Stems {
    fn rewrite(&mut self, text: &mut String) -> bool {
        self.stem(text);
        true
    }
}

/// Replaces each token by its first 1..=`longest` characters (not bytes), all at the token's
/// position and with the whole word's offsets.
#[derive(Clone)]
pub struct EdgePrefixes {
    longest: usize,
}

impl TokenFilter for EdgePrefixes {
    type Tokenizer<T: Tokenizer> = EdgePrefixTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> EdgePrefixTokenizer<T> {
        EdgePrefixTokenizer {
            inner,
            longest: self.longest,
        }
    }
}

/// A tokenizer followed by [`EdgePrefixes`].
#[derive(Clone)]
pub struct EdgePrefixTokenizer<T> {
    inner: T,
    longest: usize,
}

impl<T: Tokenizer> Tokenizer for EdgePrefixTokenizer<T> {
    type TokenStream<'a> = EdgePrefixStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        EdgePrefixStream {
            tail: self.inner.token_stream(text),
            longest: self.longest,
            word: String::new(),
            prefix_end: 0,
            emitted: 0,
        }
    }
}

/// The tokens of an [`EdgePrefixTokenizer`] run.
pub struct EdgePrefixStream<T> {
    tail: T,
    longest: usize,
    /// The current word; its prefixes are written into the tail's token one by one.
    word: String,
    prefix_end: usize,
    emitted: usize,
}

impl<T: TokenStream> TokenStream for EdgePrefixStream<T> {
    fn advance(&mut self) -> bool {
        loop {
            if self.emitted < self.longest
                && let Some(next_char) = self.word[self.prefix_end..].chars().next()
            {
                self.prefix_end += next_char.len_utf8();
                self.emitted += 1;
                let token = self.tail.token_mut();
                token.text.clear();
                token.text.push_str(&self.word[..self.prefix_end]);
                return true;
            }
            if !self.tail.advance() {
                return false;
            }
            mem::swap(&mut self.word, &mut self.tail.token_mut().text);
            self.prefix_end = 0;
            self.emitted = 0;
        }
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a test should fail loudly")]
mod tests {
    use tantivy::collector::Count;
    use tantivy::query::{QueryParser, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
    use tantivy::{IndexWriter, Term, doc};

    use super::*;

    /// The analyser registered under `name`; `None` for a name this module does not define.
    fn analyzer(name: &str) -> Option<TextAnalyzer> {
        ANALYZERS
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, build)| build())
    }

    fn tokens(analyzer_name: &str, text: &str) -> Vec<Token> {
        let mut analyzer = analyzer(analyzer_name).unwrap();
        let mut stream = analyzer.token_stream(text);
        let mut tokens = Vec::new();
        stream.process(&mut |token| tokens.push(token.clone()));
        tokens
    }

    fn terms(analyzer_name: &str, text: &str) -> Vec<String> {
        tokens(analyzer_name, text)
            .into_iter()
            .map(|token| token.text)
            .collect()
    }

    /// (term, position, original text under the offsets) for each token.
    fn layout<'t>(analyzer_name: &str, text: &'t str) -> Vec<(String, usize, &'t str)> {
        tokens(analyzer_name, text)
            .into_iter()
            .map(|t| (t.text, t.position, &text[t.offset_from..t.offset_to]))
            .collect()
    }

    #[test]
    fn names_match_across_diacritics_scripts_and_letters_without_marks() {
        for (spellings, term) in [
            (&["Niš", "Nis", "Ниш", "NIŠ"][..], "nis"),
            (&["Šolaja", "Solaja", "Шолаја"], "solaja"),
            (&["Bra\u{219}ov", "Bra\u{15F}ov", "Brasov"], "brasov"),
            (&["Grün", "Grun"], "grun"),
            (&["Đorđe", "Ђорђе", "Djordje"], "djordje"),
            (&["Скопје", "Skopje"], "skopje"),
        ] {
            for spelling in spellings {
                assert_eq!(terms(NAME, spelling), [term], "{spelling}");
            }
        }
    }

    #[test]
    fn a_decomposed_letter_is_one_word_folded_like_the_precomposed_one() {
        let text = "Nis\u{30C}";
        assert_eq!(layout(NAME, text), [("nis".to_owned(), 0, text)]);
        assert_eq!(terms(NAME, text), terms(NAME, "Niš"));
    }

    #[test]
    fn offsets_point_at_the_original_words() {
        let text = "Ниш – Nis\u{30C}, Clusters' Đorđe";
        let originals: Vec<_> = layout(NAME, text).into_iter().map(|l| l.2).collect();
        assert_eq!(originals, ["Ниш", "Nis\u{30C}", "Clusters", "Đorđe"]);
    }

    #[test]
    fn a_hyphenated_compound_gives_the_joined_word_and_its_parts() {
        assert_eq!(
            layout(NAME, "the e-Government portal"),
            [
                ("the".to_owned(), 0, "the"),
                ("egovernment".to_owned(), 1, "e-Government"),
                ("e".to_owned(), 1, "e"),
                ("government".to_owned(), 2, "Government"),
                ("portal".to_owned(), 3, "portal"),
            ]
        );
        assert_eq!(terms(NAME, "ESCP – 4i"), ["escp", "4i"]);
    }

    /// Tokens are reused from run to run: a long compound then a short text leaves nothing
    /// of the first behind, and a compound of three spans its three positions.
    #[test]
    fn a_reused_tokenizer_starts_each_text_afresh() {
        let mut analyzer = analyzer(NAME).unwrap();
        let mut run = |text: &str| {
            let mut out = Vec::new();
            analyzer.token_stream(text).process(&mut |t| {
                out.push((t.text.clone(), t.position, t.position_length, t.offset_to));
            });
            out
        };
        assert_eq!(
            run("Rhein-Main-Neckar region"),
            [
                ("rheinmainneckar".to_owned(), 0, 3, 17),
                ("rhein".to_owned(), 0, 1, 5),
                ("main".to_owned(), 1, 1, 10),
                ("neckar".to_owned(), 2, 1, 17),
                ("region".to_owned(), 3, 1, 24),
            ]
        );
        assert_eq!(run("Niš"), [("nis".to_owned(), 0, 1, 4)]);
        assert!(run("").is_empty());
    }

    /// Remembered stems are Snowball's, also once the memory has filled and started over.
    #[test]
    fn remembered_stems_are_the_stemmers_own() {
        // The sample pages: the seeds' words in the repository's own text.
        let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let mut text = String::new();
        for entry in std::fs::read_dir(&sample).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "txt") {
                text.push_str(&std::fs::read_to_string(path).unwrap());
            }
        }
        let mut plain = TextAnalyzer::builder(WordTokenizer::default())
            .filter(folding())
            .filter(Stemmer::new(Language::English))
            .build();
        let mut expected = Vec::new();
        plain
            .token_stream(&text)
            .process(&mut |t| expected.push(t.text.clone()));
        let mut stems = Stems::with_room(50);
        let mut words = TextAnalyzer::builder(WordTokenizer::default())
            .filter(folding())
            .build();
        let mut found = Vec::new();
        words.token_stream(&text).process(&mut |t| {
            let mut word = t.text.clone();
            stems.stem(&mut word);
            found.push(word);
        });
        assert!(expected.len() > 1_000, "{} words", expected.len());
        assert_eq!(found, expected);
    }

    #[test]
    fn a_trailing_apostrophe_is_not_part_of_the_word() {
        assert_eq!(
            layout(NAME, "Clusters' Network"),
            [
                ("clusters".to_owned(), 0, "Clusters"),
                ("network".to_owned(), 1, "Network"),
            ]
        );
        assert_eq!(terms(PROSE, "Clusters'"), ["cluster"]);
    }

    #[test]
    fn prose_stems_english_and_drops_very_long_words() {
        assert_eq!(terms(PROSE, "trainings"), terms(PROSE, "training"));
        assert_eq!(
            terms(PROSE, &"a".repeat(LONGEST_PROSE_TERM)),
            [] as [&str; 0]
        );
    }

    #[test]
    fn prefixes_are_counted_in_characters_at_the_word_position() {
        assert_eq!(
            layout(PREFIX, "Niš"),
            [
                ("n".to_owned(), 0, "Niš"),
                ("ni".to_owned(), 0, "Niš"),
                ("nis".to_owned(), 0, "Niš"),
            ]
        );
        assert_eq!(terms(PREFIX, "αβγ ok"), ["α", "αβ", "αβγ", "o", "ok"]);
        let long = terms(PREFIX, &"x".repeat(30));
        assert_eq!(long.len(), LONGEST_PREFIX);
        assert_eq!(long.last().unwrap().len(), LONGEST_PREFIX);
    }

    #[test]
    fn unknown_analyzer_names_are_none() {
        assert!(analyzer("default").is_none());
    }

    fn count_hits(index: &Index, query: &str) -> usize {
        let field = index.schema().get_field("text").unwrap();
        let query = QueryParser::for_index(index, vec![field])
            .parse_query(query)
            .unwrap();
        let searcher = index.reader().unwrap().searcher();
        searcher.search(&query, &Count).unwrap()
    }

    fn index_one(analyzer_name: &str, text: &str) -> Index {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(analyzer_name)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let mut schema = Schema::builder();
        let field = schema.add_text_field(
            "text",
            TextOptions::default().set_indexing_options(indexing),
        );
        let index = Index::create_in_ram(schema.build());
        register(&index);
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.add_document(doc!(field => text)).unwrap();
        writer.commit().unwrap();
        index
    }

    #[test]
    fn an_indexed_compound_is_found_joined_hyphenated_or_by_a_part() {
        let index = index_one(NAME, "Serbian e-Government portal");
        for query in [
            "egovernment",
            "e-government",
            "government",
            "\"e-government portal\"",
            "\"serbian e government\"",
        ] {
            assert_eq!(count_hits(&index, query), 1, "{query}");
        }
        assert_eq!(count_hits(&index, "\"egovernment serbian\""), 0);
    }

    #[test]
    fn an_indexed_latin_name_is_found_in_cyrillic_and_without_marks() {
        let index = index_one(NAME, "Niš Clusters' Network");
        for query in ["Ниш", "nis", "Nis\u{30C}", "clusters", "\"ниш clusters\""] {
            assert_eq!(count_hits(&index, query), 1, "{query}");
        }
    }

    #[test]
    fn an_indexed_prefix_is_found_by_the_typed_start_of_a_word() {
        let index = index_one(PREFIX, "Ђорђе Петровић");
        let typed = terms(NAME, "Đor");
        assert_eq!(typed, ["djor"]);
        let field = index.schema().get_field("text").unwrap();
        let query = TermQuery::new(
            Term::from_field_text(field, &typed[0]),
            IndexRecordOption::Basic,
        );
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.search(&query, &Count).unwrap(), 1);
    }
}
