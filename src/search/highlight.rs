//! Marks the words that matched in a stored text: as typed, by stem, by typo or by prefix,
//! the same rules as the query (Tantivy's snippet generator knows only exact terms), and cuts
//! a fragment around the densest run of marks.

use std::collections::HashMap;

use tantivy::tokenizer::{TokenStream, Tokenizer};

use super::analysis::{Analyzers, WordTokenizer};
use super::query::Marks;
use super::typo;
use crate::text;

/// A fragment longer than this is cut around the marks.
const FRAGMENT_CHARS: usize = 200;

/// One stored text with its marks: `text` is the fragment, `marks` are UTF-16 offsets into
/// it (what JavaScript's `String.prototype.slice` takes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marked {
    pub text: String,
    pub marks: Vec<(usize, usize)>,
    pub cut_before: bool,
    pub cut_after: bool,
}

impl Marked {
    /// The fragment as HTML: text escaped, matched words in `<mark>`, "…" where cut.
    pub fn html(&self) -> String {
        let units: Vec<u16> = self.text.encode_utf16().collect();
        let mut out = String::with_capacity(self.text.len() + 16 * self.marks.len());
        if self.cut_before {
            out.push('…');
        }
        let mut at = 0;
        for &(start, end) in &self.marks {
            escape(&mut out, &String::from_utf16_lossy(&units[at..start]));
            out.push_str("<mark>");
            escape(&mut out, &String::from_utf16_lossy(&units[start..end]));
            out.push_str("</mark>");
            at = end;
        }
        escape(&mut out, &String::from_utf16_lossy(&units[at..]));
        if self.cut_after {
            out.push('…');
        }
        out
    }
}

fn escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

pub struct Highlighter {
    /// Splits the stored text as the analysers do; words are folded only when they may match.
    words: WordTokenizer,
    folded: String,
    judge: Judge,
}

/// Whether a folded word is one to mark.
struct Judge {
    /// Stems the words (the prose analyser).
    analyzers: Analyzers,
    marks: Marks,
    /// The wanted stems' first letters: English stemming keeps a word's first letter, so a
    /// word beginning otherwise need not be stemmed (stemming every word of ten hits' text
    /// was most of a rare word's search).
    stem_initials: Vec<char>,
    /// Words of this search's hits already judged by typo and stem, and the verdict.
    judged: HashMap<String, bool>,
    /// What an ASCII word may begin with to match: folding it only lowercases it, and every
    /// mark keeps the first letter except a typo of two edits.
    initials: [bool; 128],
    /// Lengths in letters and distances of the typos that may change the first letter.
    wide_typos: Vec<(usize, usize)>,
}

impl Highlighter {
    pub fn new(marks: Marks) -> Self {
        let mut stem_initials: Vec<char> = marks
            .stems
            .iter()
            .filter_map(|s| s.chars().next())
            .collect();
        stem_initials.dedup();
        let mut initials = [false; 128];
        let firsts = (marks.exact.iter())
            .chain(&marks.prefixes)
            .chain(&marks.stems)
            .chain(marks.typos.iter().filter(|(_, d)| *d < 2).map(|(w, _)| w))
            .filter_map(|w| w.bytes().next());
        for b in firsts.filter(u8::is_ascii) {
            initials[usize::from(b)] = true;
        }
        let wide_typos = (marks.typos.iter())
            .filter(|(_, d)| *d >= 2)
            .map(|(w, d)| (w.chars().count(), usize::from(*d)))
            .collect();
        Self {
            words: WordTokenizer::default(),
            folded: String::new(),
            judge: Judge {
                analyzers: Analyzers::default(),
                marks,
                stem_initials,
                judged: HashMap::new(),
                initials,
                wide_typos,
            },
        }
    }

    /// The marked fragment of `text`, or `None` when no word in it matched.
    pub fn mark(&mut self, text: &str) -> Option<Marked> {
        // Byte ranges of matched words, from the unstemmed tokens' offsets.
        let mut hits: Vec<(usize, usize)> = Vec::new();
        let mut stream = self.words.token_stream(text);
        while let Some(t) = stream.next() {
            if !self.judge.may_match(&t.text) {
                continue;
            }
            self.folded.clear();
            text::fold_word(&t.text, &mut self.folded);
            if self.judge.matches(&self.folded) {
                let (from, to) = (t.offset_from, t.offset_to);
                // A compound and its parts share bytes: keep the widest.
                match hits.last_mut() {
                    Some(last) if from < last.1 => last.1 = last.1.max(to),
                    _ => hits.push((from, to)),
                }
            }
        }
        if hits.is_empty() {
            return None;
        }
        let (start, end) = window(text, &hits);
        let fragment = &text[start..end];
        let mut marks = Vec::new();
        for &(from, to) in hits.iter().filter(|(f, t)| *f >= start && *t <= end) {
            let a = utf16_len(&text[start..from]);
            let b = a + utf16_len(&text[from..to]);
            marks.push((a, b));
        }
        Some(Marked {
            text: fragment.to_owned(),
            marks,
            cut_before: start > 0,
            cut_after: end < text.len(),
        })
    }
}

impl Judge {
    /// Whether the word as written may match: most of a long text's words are ruled out
    /// here by their first letter, without folding or judging them (marking the hits'
    /// stored texts was most of the time of a search for a rare word).
    fn may_match(&self, written: &str) -> bool {
        let bytes = written.as_bytes();
        let Some(&first) = bytes.first() else {
            return false;
        };
        if !bytes.iter().all(u8::is_ascii_alphanumeric) {
            return true;
        }
        self.initials[usize::from(first.to_ascii_lowercase())]
            || (self.wide_typos.iter()).any(|&(letters, d)| bytes.len().abs_diff(letters) <= d)
    }

    fn matches(&mut self, folded: &str) -> bool {
        let m = &self.marks;
        if m.exact.contains(folded) || m.prefixes.iter().any(|p| folded.starts_with(p.as_str())) {
            return true;
        }
        // Texts repeat their words: the typo distances and the stem are worked out once.
        if let Some(&verdict) = self.judged.get(folded) {
            return verdict;
        }
        let verdict = m
            .typos
            .iter()
            .any(|(word, d)| typo::matches(word, folded, *d))
            || (folded
                .chars()
                .next()
                .is_some_and(|c| self.stem_initials.contains(&c))
                && m.stems.contains(&self.analyzers.stem(folded)));
        self.judged.insert(folded.to_owned(), verdict);
        verdict
    }
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// The byte range of the fragment: the whole text when short, else about FRAGMENT_CHARS
/// around the place with the most marks, cut at word boundaries.
fn window(text: &str, hits: &[(usize, usize)]) -> (usize, usize) {
    if text.chars().count() <= FRAGMENT_CHARS {
        return (0, text.len());
    }
    let span = FRAGMENT_CHARS * 3 / 2; // bytes, roughly: most text here is one byte a char
    let best = (0..hits.len())
        .max_by_key(|&i| {
            let count = hits[i..]
                .iter()
                .take_while(|h| h.1 <= hits[i].0 + span)
                .count();
            (count, std::cmp::Reverse(i))
        })
        .unwrap_or(0);
    let first = hits[best].0;
    let mut start = first.saturating_sub(span / 4);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    if start > 0 {
        start = text[..start]
            .rfind(char::is_whitespace)
            .map_or(0, |i| i + 1)
            .max(first.saturating_sub(span / 2));
        while !text.is_char_boundary(start) {
            start -= 1;
        }
    }
    let mut end = (start + span).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    if end < text.len()
        && let Some(i) = text[start..end].rfind(char::is_whitespace)
        && start + i > first
    {
        end = start + i;
    }
    (start, end)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn marks(exact: &[&str], typos: &[(&str, u8)], prefixes: &[&str]) -> Marks {
        let mut m = Marks::default();
        for e in exact {
            m.exact.insert((*e).to_owned());
        }
        m.typos = typos.iter().map(|(w, d)| ((*w).to_owned(), *d)).collect();
        m.prefixes = prefixes.iter().map(|p| (*p).to_owned()).collect();
        m
    }

    #[test]
    fn words_as_typed_by_typo_and_by_prefix_are_marked_with_utf16_offsets() {
        let mut h = Highlighter::new(marks(&["nis"], &[("embeded", 1)], &["danu"]));
        let m = h
            .mark("Meeting in Niš on embedded systems & the DANUBE <region>")
            .unwrap();
        assert_eq!(
            m.html(),
            "Meeting in <mark>Niš</mark> on <mark>embedded</mark> systems &amp; the <mark>DANUBE</mark> &lt;region&gt;"
        );
        let units: Vec<u16> = m.text.encode_utf16().collect();
        let marked: Vec<String> = m
            .marks
            .iter()
            .map(|&(a, b)| String::from_utf16_lossy(&units[a..b]))
            .collect();
        assert_eq!(marked, ["Niš", "embedded", "DANUBE"]);
        assert!(h.mark("nothing here").is_none());
    }

    #[test]
    fn words_are_marked_by_their_stem() {
        let mut m = marks(&[], &[], &[]);
        m.stems.insert("train".into());
        let mut h = Highlighter::new(m);
        let marked = h
            .mark("Trainings, a trainer and the trained; not a rain")
            .unwrap();
        assert_eq!(
            marked.html(),
            "<mark>Trainings</mark>, a trainer and the <mark>trained</mark>; not a rain"
        );
        // Judged once per word, then remembered.
        assert_eq!(h.judge.judged.get("trainings"), Some(&true));
        assert!(!h.judge.judged.contains_key("rain"));
    }

    /// Words are ruled out by their first letter before folding, except where a typo of two
    /// edits may have changed it.
    #[test]
    fn a_typo_of_two_edits_may_change_the_first_letter() {
        let mut h = Highlighter::new(marks(&["danube"], &[("xmbedded", 2)], &[]));
        let m = h
            .mark("Embedded work on the Danube, not elsewhere")
            .unwrap();
        assert_eq!(
            m.html(),
            "<mark>Embedded</mark> work on the <mark>Danube</mark>, not elsewhere"
        );
        assert!(!h.judge.may_match("work"));
        assert!(h.judge.may_match("Ниш"));
    }

    /// The highlighter splits and folds as the name analyser does (it does it by hand, to
    /// fold only the words that may match): the same words, at the same offsets.
    #[test]
    fn words_are_split_and_folded_as_the_name_analyser_does() {
        use crate::search::analysis::{self, Analyzers};
        let sample = "Đorđe's e-Government in Niš, Ниш and Brașov: O'Brien's ﬁrst 4G-Hub…";
        let mut analyzers = Analyzers::default();
        let mut expected = Vec::new();
        let mut stream = analyzers.of(analysis::NAME).token_stream(sample);
        while let Some(t) = stream.next() {
            expected.push((t.text.clone(), t.offset_from, t.offset_to));
        }
        let mut h = Highlighter::new(marks(&[], &[], &[]));
        let mut found = Vec::new();
        let mut stream = h.words.token_stream(sample);
        while let Some(t) = stream.next() {
            let mut folded = String::new();
            text::fold_word(&t.text, &mut folded);
            if !folded.is_empty() {
                found.push((folded, t.offset_from, t.offset_to));
            }
        }
        assert_eq!(found, expected);
    }

    #[test]
    fn long_texts_are_cut_around_the_marks() {
        let text = format!("{} Danube {}", "word ".repeat(200), "more ".repeat(200));
        let mut h = Highlighter::new(marks(&["danube"], &[], &[]));
        let m = h.mark(&text).unwrap();
        assert!(m.cut_before && m.cut_after);
        assert!(m.text.len() < 400, "{}", m.text.len());
        assert!(m.html().contains("<mark>Danube</mark>"));
    }
}
