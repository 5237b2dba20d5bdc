//! Text folding shared by the importer and the store: one notion of "the same name".

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds `s` to lower-case ASCII-ish letters and digits separated by single spaces:
/// diacritics dropped (Niš = Nis), apostrophes removed (Clusters' = Clusters), and every other
/// punctuation a word break. Two spellings of one name fold to the same key.
pub fn name_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfkd() {
        if is_combining_mark(c) || matches!(c, '\'' | '’' | '‘' | '`' | '´') {
            continue;
        }
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            push_folded(&mut out, c);
        } else {
            pending_space = true;
        }
    }
    out
}

/// Letters that carry no combining mark in NFKD but still have a plain spelling.
fn push_folded(out: &mut String, c: char) {
    match c {
        'đ' | 'Đ' => out.push_str("dj"),
        'ł' | 'Ł' => out.push('l'),
        'ø' | 'Ø' => out.push('o'),
        'ß' => out.push_str("ss"),
        'æ' | 'Æ' => out.push_str("ae"),
        'œ' | 'Œ' => out.push_str("oe"),
        'ı' => out.push('i'),
        _ => out.extend(c.to_lowercase()),
    }
}

/// A URL-safe identifier made of the name's key: "ICT NET" -> "ict-net".
pub fn slugify(s: &str) -> String {
    name_key(s).replace(' ', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
