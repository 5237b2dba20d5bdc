//! A page as numbered lines, with the site's chrome recognised and the label dictionary's
//! notion of a label line.

/// The longest value kept as a name (a term, a network, a region, a programme). Names are
/// indexed, and PostgreSQL refuses an index entry beyond about 2,700 bytes: a longer "name" is
/// a paragraph that lost its line breaks, not a name.
pub const NAME_MAX_CHARS: usize = 200;

/// One line of a page: its 1-based number and its text with non-breaking spaces made plain
/// and trailing blanks removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line<'a> {
    pub number: usize,
    pub raw: &'a str,
    pub text: String,
}

impl Line<'_> {
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// The item text of a "  • item" bullet line.
    pub fn bullet(&self) -> Option<&str> {
        self.text.trim_start().strip_prefix('•').map(str::trim)
    }
}

/// Splits a page into lines; `\r\n`, a missing final newline and a leading byte-order mark
/// are all fine.
pub fn split(page: &str) -> Vec<Line<'_>> {
    let page = page.strip_prefix('\u{feff}').unwrap_or(page);
    page.split('\n')
        .enumerate()
        .map(|(i, raw)| {
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            Line {
                number: i + 1,
                raw,
                text: raw.replace('\u{a0}', " ").trim_end().to_owned(),
            }
        })
        .collect()
}

/// A page file's bytes as text, or the line and message saying why they are not: a text page
/// is UTF-8, and a decoder that guessed would import mojibake.
pub fn decode(bytes: Vec<u8>) -> Result<String, (usize, String)> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err((1, "UTF-16 text: save the page as UTF-8".into()));
    }
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let valid = bytes.get(..at).unwrap_or_default();
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        // The prefix is valid UTF-8, so its characters count the column as an editor does.
        let column = String::from_utf8_lossy(valid.get(line_start..).unwrap_or_default())
            .chars()
            .count()
            + 1;
        let byte = bytes.get(at).copied().unwrap_or_default();
        (
            line,
            format!("not UTF-8: byte 0x{byte:02X} at column {column} (save the page as UTF-8)"),
        )
    })
}

/// The first control character a text page never holds (anything but tab and line breaks;
/// a carriage return only before a line feed): its line and message. One means the file is
/// binary or damaged, and PostgreSQL would refuse a NUL in the middle of the write anyway.
pub fn first_control(page: &str) -> Option<(usize, String)> {
    page.split('\n').enumerate().find_map(|(i, raw)| {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let (column, c) = raw
            .chars()
            .enumerate()
            .find(|&(_, c)| c.is_control() && c != '\t')?;
        Some((
            i + 1,
            format!(
                "control character U+{:04X} at column {}: not a text page",
                u32::from(c),
                column + 1
            ),
        ))
    })
}

/// Navigation and widget text of the source sites, never content.
pub fn is_chrome(text: &str) -> bool {
    let t = text.trim();
    matches!(
        t,
        "Primary tabs"
            | "Printer-friendly versionPrinter-friendly version"
            | "Printer-friendly version"
            | "top of page"
            | "bottom of page"
            | "Please reload"
    ) || t.starts_with("Home > ")
}

/// The normalised form of a label line ("Number of members :" -> "Number of members:"),
/// or `None` when the line does not end with a colon.
pub fn label_key(text: &str) -> Option<String> {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let key = collapsed.replace(" :", ":").replace(" ?", "?");
    key.ends_with(':').then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_breaking_spaces_and_crlf_are_plain_text() {
        let lines = split("Label :\u{a0}\r\n  • item\u{a0}one");
        assert_eq!(lines[0].text, "Label :");
        assert_eq!(lines[1].bullet(), Some("item one"));
        assert_eq!(lines[1].number, 2);
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_line() {
        assert_eq!(split("\u{feff}MASIT\nx")[0].text, "MASIT");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_located_by_line_and_column() {
        let latin1 = b"Title\nLanguages spoken:\nFran\xe7ais\n".to_vec();
        assert_eq!(
            decode(latin1),
            Err((
                3,
                "not UTF-8: byte 0xE7 at column 5 (save the page as UTF-8)".into()
            ))
        );
        // Columns count characters, not bytes.
        assert_eq!(
            decode(b"\xc5\xa0a\xff".to_vec()).map_err(|e| e.1.contains("column 3")),
            Err(true)
        );
        assert_eq!(decode(b"\xff\xfeT\x00".to_vec()).map_err(|e| e.0), Err(1));
        assert_eq!(decode("Niš\r\n".as_bytes().to_vec()), Ok("Niš\r\n".into()));
    }

    #[test]
    fn control_characters_are_found_but_tabs_and_crlf_are_text() {
        assert_eq!(first_control("a\tb\r\nc\n"), None);
        assert_eq!(
            first_control("a\nbc\0d"),
            Some((
                2,
                "control character U+0000 at column 3: not a text page".into()
            ))
        );
        assert_eq!(first_control("a\rb\n").map(|e| e.0), Some(1));
        assert_eq!(first_control("x\n\u{92}").map(|e| e.0), Some(2));
    }

    #[test]
    fn labels_ignore_spaces_before_colon_and_question_mark() {
        assert_eq!(
            label_key(
                "Do you have a specific strategy focus that addresses internationalisation ?:"
            ),
            Some(
                "Do you have a specific strategy focus that addresses internationalisation?:"
                    .into()
            )
        );
        assert_eq!(label_key("Cluster Manager"), None);
    }
}
