//! Text folding shared by the importer, the store and the search analysers: one notion of
//! "the same word", so a name matched at import time is matched the same way by search.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds `s` to lower-case ASCII-ish letters and digits separated by single spaces:
/// diacritics dropped (Niš = Nis), Cyrillic transliterated (Ниш = Nis), apostrophes removed
/// (Clusters' = Clusters), and every other punctuation a word break. Two spellings of one name
/// fold to the same key.
pub fn name_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (_, word) in words(s) {
        let before_space = out.len();
        if !out.is_empty() {
            out.push(' ');
        }
        let start = out.len();
        fold_word(word, &mut out);
        if out.len() == start {
            out.truncate(before_space);
        }
    }
    out
}

/// A URL-safe identifier made of the name's key: "ICT NET" -> "ict-net".
pub fn slugify(s: &str) -> String {
    name_key(s).replace(' ', "-")
}

/// The words of `text` with their byte offsets: runs of letters and digits, carrying the
/// combining marks that follow them (decomposed "s\u{30C}" stays one word) and apostrophes that
/// sit between letters (O'Brien is one word; the quote in "Clusters' " is not part of it).
pub fn words(text: &str) -> Words<'_> {
    Words { text, pos: 0 }
}

/// Iterator returned by [`words`].
pub struct Words<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for Words<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        // ASCII a byte at a time, characters decoded only past it: most of any text, and
        // most of the time of tokenizing in a rebuild and in highlighting.
        let bytes = self.text.as_bytes();
        let mut at = self.pos;
        let start = loop {
            match *bytes.get(at)? {
                b if b.is_ascii_alphanumeric() => break at,
                b if b.is_ascii() => at += 1,
                _ => {
                    let c = self.char_at(at)?;
                    if c.is_alphanumeric() {
                        break at;
                    }
                    at += c.len_utf8();
                }
            }
        };
        let mut end = start;
        loop {
            while bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
                end += 1;
            }
            let Some(c) = self.char_at(end) else { break };
            let after = end + c.len_utf8();
            let continues = (!c.is_ascii() && (c.is_alphanumeric() || is_combining_mark(c)))
                || (is_apostrophe(c) && self.char_at(after).is_some_and(char::is_alphanumeric));
            if !continues {
                break;
            }
            end = after;
        }
        self.pos = end;
        Some((start, &self.text[start..end]))
    }
}

impl Words<'_> {
    /// The character at byte `at` (a character boundary); ASCII without decoding, which is
    /// most of any text and most of the time of a rebuild's tokenizing.
    fn char_at(&self, at: usize) -> Option<char> {
        match self.text.as_bytes().get(at) {
            Some(&b) if b.is_ascii() => Some(char::from(b)),
            Some(_) => self.text.get(at..)?.chars().next(),
            None => None,
        }
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | '`' | '´' | 'ʼ')
}

/// Appends the folded form of `word` to `out`: lower-cased, compatibility-decomposed with the
/// combining marks dropped (š = s, ﬁ = fi), Cyrillic transliterated the way Serbian and
/// Macedonian Latin spell it once its diacritics are dropped (Ђорђе = Đorđe = djordje),
/// and anything that is not a letter or digit (apostrophes, hyphens) removed.
pub fn fold_word(word: &str, out: &mut String) {
    if word.bytes().all(|b| b.is_ascii_alphanumeric()) {
        // Copied and lowered in place: char by char it was a twentieth of a rebuild.
        let from = out.len();
        out.push_str(word);
        out[from..].make_ascii_lowercase();
        return;
    }
    // Composed first, so a decomposed ѓ or ǵ still reaches its two-letter spelling.
    for c in word.nfc().flat_map(char::to_lowercase) {
        if let Some(spelling) = spelled_before_decomposing(c) {
            out.push_str(spelling);
            continue;
        }
        for base in c.nfkd().filter(|&d| !is_combining_mark(d)) {
            for lower in base.to_lowercase() {
                push_folded(out, lower);
            }
        }
    }
}

/// Letters whose decomposition would lose a sound their Latin spelling keeps: Macedonian ѓ/ќ
/// and their Latin twins ǵ/ḱ are written gj/kj, й is j, Ukrainian ї is ji.
fn spelled_before_decomposing(c: char) -> Option<&'static str> {
    Some(match c {
        'ѓ' | 'ǵ' => "gj",
        'ќ' | 'ḱ' => "kj",
        'й' => "j",
        'ї' => "ji",
        _ => return None,
    })
}

/// Pushes one lower-case, mark-free letter: Latin letters with no decomposition get their plain
/// spelling, Cyrillic its Serbian Latin spelling with diacritics folded (ж = ž = z, ч = ć = č
/// = c, џ = dž = dz). Letters Serbian lacks follow the same Serbo-Croatian habit (ю = ju,
/// я = ja, є = je); щ and ъ follow Bulgarian, the EU's Cyrillic language (щ = sht, ъ = a);
/// the soft sign ь carries no letter and is dropped.
fn push_folded(out: &mut String, c: char) {
    let spelling = match c {
        'đ' | 'ђ' => "dj",
        'ł' => "l",
        'ø' => "o",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ı' => "i",
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ґ' => "g",
        'д' => "d",
        'е' | 'э' => "e",
        'є' => "je",
        'ж' | 'з' => "z",
        'ѕ' | 'џ' => "dz",
        'и' | 'і' => "i",
        'ј' => "j",
        'к' => "k",
        'л' => "l",
        'љ' => "lj",
        'м' => "m",
        'н' => "n",
        'њ' => "nj",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'ћ' | 'ц' | 'ч' => "c",
        'у' => "u",
        'ф' => "f",
        'х' => "h",
        'ш' => "s",
        'щ' => "sht",
        'ъ' => "a",
        'ы' => "y",
        'ь' => "",
        'ю' => "ju",
        'я' => "ja",
        _ => {
            if c.is_alphanumeric() && !is_apostrophe(c) {
                out.push(c);
            }
            return;
        }
    };
    out.push_str(spelling);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(word: &str) -> String {
        let mut out = String::new();
        fold_word(word, &mut out);
        out
    }

    #[test]
    fn spellings_of_one_name_share_a_key() {
        assert_eq!(
            name_key("Balkan and Black Sea ICT Clusters’ Network"),
            name_key("Balkan and Black Sea ICT Clusters Network")
        );
        assert_eq!(name_key("Niš"), "nis");
        assert_eq!(name_key("Šolaja"), name_key("Solaja"));
        assert_eq!(name_key("Đorđe"), "djordje");
        assert_eq!(name_key("ESCP – 4i"), name_key("ESCP-4i"));
        assert_eq!(name_key("  MASIT - ICT  chamber "), "masit ict chamber");
    }

    #[test]
    fn slugs_are_lowercase_words_joined_by_dashes() {
        assert_eq!(slugify("ICT NET"), "ict-net");
        assert_eq!(slugify("Grün & Söhne"), "grun-sohne");
    }

    #[test]
    fn serbian_cyrillic_folds_to_what_its_latin_spelling_folds_to() {
        for (cyrillic, latin, key) in [
            ("Ниш", "Niš", "nis"),
            ("Шолаја", "Šolaja", "solaja"),
            ("Ђорђе", "Đorđe", "djordje"),
            ("Чачак", "Čačak", "cacak"),
            ("Ћуприја", "Ćuprija", "cuprija"),
            ("Жабљак", "Žabljak", "zabljak"),
            ("Њујорк", "Njujork", "njujork"),
            ("Џеп", "Džep", "dzep"),
            ("ХЕРЦЕГ НОВИ", "Herceg Novi", "herceg novi"),
        ] {
            assert_eq!(name_key(cyrillic), key, "{cyrillic}");
            assert_eq!(name_key(latin), key, "{latin}");
        }
    }

    #[test]
    fn macedonian_cyrillic_folds_to_its_latin_spelling() {
        assert_eq!(name_key("Скопје"), name_key("Skopje"));
        assert_eq!(name_key("Ѓорѓи"), "gjorgji");
        assert_eq!(name_key("Ǵorǵi"), "gjorgji");
        assert_eq!(name_key("Ќерка"), "kjerka");
        assert_eq!(name_key("Ѕвезда"), "dzvezda");
    }

    #[test]
    fn decomposed_cyrillic_folds_like_precomposed() {
        assert_eq!(folded("г\u{301}"), folded("ѓ"));
        assert_eq!(folded("и\u{306}"), folded("й"));
    }

    #[test]
    fn other_cyrillic_letters_get_a_serbo_croatian_style_spelling() {
        assert_eq!(name_key("Юрий"), "jurij");
        assert_eq!(name_key("Київ"), "kijiv");
        assert_eq!(name_key("Європа"), "jevropa");
        assert_eq!(name_key("България"), "balgarija");
        assert_eq!(name_key("Пловдив ёлка"), "plovdiv elka");
        assert_eq!(name_key("Щука Гоголь"), "shtuka gogol");
    }

    #[test]
    fn a_decomposed_mark_is_part_of_its_word() {
        assert_eq!(folded("Nis\u{30C}"), folded("Niš"));
        let found: Vec<_> = words("Nis\u{30C} grad").collect();
        assert_eq!(found, [(0, "Nis\u{30C}"), (6, "grad")]);
    }

    /// The byte-at-a-time scan finds the words the definition does, a character at a time,
    /// over text mixing ASCII, accents, combining marks, Cyrillic, apostrophes and symbols.
    #[test]
    fn ascii_scanning_finds_the_words_of_the_definition() {
        fn by_definition(text: &str) -> Vec<(usize, &str)> {
            let chars: Vec<(usize, char)> = text.char_indices().collect();
            let mut out = Vec::new();
            let mut i = 0;
            while i < chars.len() {
                if !chars[i].1.is_alphanumeric() {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < chars.len() {
                    let c = chars[i].1;
                    let next_alnum = chars.get(i + 1).is_some_and(|n| n.1.is_alphanumeric());
                    if c.is_alphanumeric()
                        || (!c.is_ascii() && is_combining_mark(c))
                        || (is_apostrophe(c) && next_alnum)
                    {
                        i += 1;
                    } else {
                        break;
                    }
                }
                let from = chars[start].0;
                let to = chars.get(i).map_or(text.len(), |c| c.0);
                out.push((from, &text[from..to]));
            }
            out
        }
        let pieces = [
            "a", "Z9", " ", "-", "'", "’", "s\u{30C}", "š", "Ниш", "ﬁ", "…", "\u{301}", "42", ".",
            "Đ", "`", "x", "é", "\t", "😀",
        ];
        let mut state = 7u64;
        for _ in 0..2_000 {
            let mut text = String::new();
            for _ in 0..12 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            let found: Vec<_> = words(&text).collect();
            assert_eq!(found, by_definition(&text), "{text:?}");
        }
    }

    #[test]
    fn apostrophes_join_letters_but_do_not_end_words() {
        let found: Vec<_> = words("O'Brien's Clusters' ‘x’").collect();
        assert_eq!(found, [(0, "O'Brien's"), (10, "Clusters"), (23, "x")]);
        assert_eq!(folded("O'Brien's"), "obriens");
    }

    #[test]
    fn a_word_of_only_an_apostrophe_letter_leaves_no_empty_key_part() {
        assert_eq!(name_key("a ʼ b"), "a b");
    }
}
