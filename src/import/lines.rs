//! A page as numbered lines, with the site's chrome recognised and the label dictionary's
//! notion of a label line.

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

/// Splits a page into lines; `\r\n` and a missing final newline are both fine.
pub fn split(page: &str) -> Vec<Line<'_>> {
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
