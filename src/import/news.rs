//! A network's news page: items newest first, each an optional title line, a date line, then
//! the body.
//!
//! A title sits *above* its date, so splitting on dates alone would hand it to the item
//! before. The line right above a date is a title when it reads like one (short, no closing
//! punctuation); otherwise it is the end of the previous body.

use chrono::NaiveDate;

use super::lines::{Line, is_chrome};
use super::{Warnings, dates};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewsRow {
    pub line: usize,
    pub position: i32,
    pub title: Option<String>,
    pub published_on: NaiveDate,
    pub published_as: String,
    pub date_suspect: bool,
    pub body: String,
}

/// True when the page is a list of dated items.
pub fn looks_like_news(lines: &[Line<'_>]) -> bool {
    lines.iter().any(|l| dates::parse(&l.text).is_some())
}

fn reads_like_title(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && t.chars().count() <= 160
        && !t.starts_with('•')
        && !t.ends_with(['.', ':', ';', ',', '!', '?', '–', '-', '—'])
}

/// Reads a news page: its items, or the line and message saying why the page cannot be
/// stored (no dated item at all, or a date line whose year is cut short: its item could be
/// neither dated nor dropped without losing news).
pub fn parse(lines: &[Line<'_>], warnings: &mut Warnings) -> Result<Vec<NewsRow>, (usize, String)> {
    let content: Vec<&Line<'_>> = lines.iter().filter(|l| !is_chrome(&l.text)).collect();
    let dated: Vec<(usize, dates::Dated)> = content
        .iter()
        .enumerate()
        .filter_map(|(i, l)| dates::parse(&l.text).map(|d| (i, d)))
        .collect();
    if dated.is_empty() {
        return Err((1, "news page without any dated item".into()));
    }
    if let Some(&(i, _)) = dated.iter().find(|(_, d)| !dates::four_digit_year(d.date)) {
        let line = content[i];
        return Err((
            line.number,
            format!("date {:?} has no four-digit year", line.text.trim()),
        ));
    }
    let date_at: Vec<usize> = dated.iter().map(|&(i, _)| i).collect();
    // For each date: where its title is (if any), so the body before it stops there.
    let mut title_at: Vec<Option<usize>> = Vec::with_capacity(date_at.len());
    for (k, &d) in date_at.iter().enumerate() {
        let floor = if k == 0 { 0 } else { date_at[k - 1] + 1 };
        let above = (floor..d).rev().find(|&i| !content[i].is_blank());
        let is_title = above.is_some_and(|i| {
            reads_like_title(&content[i].text)
                // The previous item needs some body of its own.
                && (k == 0 || (floor..i).any(|j| !content[j].is_blank()))
        });
        title_at.push(if is_title { above } else { None });
    }
    if let Some(&first) = date_at.first() {
        let stop = title_at[0].unwrap_or(first);
        for line in content.iter().take(stop).filter(|l| !l.is_blank()) {
            warnings.push(
                line.number,
                format!(
                    "text before the first dated item skipped: {:?}",
                    line.text.trim()
                ),
            );
        }
    }

    let mut rows = Vec::with_capacity(date_at.len());
    for (k, &(d, parsed)) in dated.iter().enumerate() {
        let end = match date_at.get(k + 1) {
            Some(&next) => title_at[k + 1].unwrap_or(next),
            None => content.len(),
        };
        let body = paragraphs(&content[d + 1..end]);
        let date_line = content[d];
        if body.is_empty() {
            warnings.push(date_line.number, "news item without a body");
        }
        if parsed.weekday_conflict {
            warnings.push(
                date_line.number,
                "the weekday does not match the date; the date is kept",
            );
        }
        rows.push(NewsRow {
            line: date_line.number,
            position: i32::try_from(k).unwrap_or(i32::MAX),
            title: title_at[k].map(|i| content[i].text.trim().to_owned()),
            published_on: parsed.date,
            published_as: date_line.text.trim().to_owned(),
            date_suspect: false,
            body,
        });
    }
    let published: Vec<NaiveDate> = rows.iter().map(|r| r.published_on).collect();
    for i in dates::out_of_order(&published) {
        let row = &mut rows[i];
        row.date_suspect = true;
        warnings.push(
            row.line,
            format!("date {:?} breaks the page's newest-first order; kept as published, flagged suspect", row.published_as),
        );
    }
    Ok(rows)
}

/// Body lines joined as paragraphs: a blank-line run is one paragraph break, bullets stay
/// on lines of their own.
fn paragraphs(lines: &[&Line<'_>]) -> String {
    let mut out = String::new();
    let mut pending_break = false;
    for line in lines {
        if line.is_blank() {
            pending_break = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if pending_break { "\n\n" } else { "\n" });
        }
        match line.bullet() {
            Some(b) => {
                out.push_str("• ");
                out.push_str(b);
            }
            None => out.push_str(line.text.trim()),
        }
        pending_break = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::lines::split;

    fn rows(page: &str) -> (Vec<NewsRow>, Warnings) {
        let mut w = Warnings::default();
        let r = parse(&split(page), &mut w).unwrap_or_default();
        (r, w)
    }

    #[test]
    fn a_date_with_its_year_cut_short_fails_the_page_at_its_line() {
        let mut w = Warnings::default();
        let got = parse(
            &split("March 23, 2016\n\nA.\n\nFebruary 23, 16\n\nB."),
            &mut w,
        );
        assert_eq!(
            got,
            Err((5, "date \"February 23, 16\" has no four-digit year".into()))
        );
    }

    #[test]
    fn a_title_above_a_date_belongs_to_the_item_below_it() {
        let page = "top of page\n\n\nFirst title\n\nDecember 04, 2016\n\nFirst body.\n\nSecond title\n\nOctober 25, 2016\n\nSecond body ends here.\n\nOctober 23, 2016\n\nThird body";
        let (r, w) = rows(page);
        assert!(w.items.is_empty(), "{w:?}");
        let titles: Vec<_> = r.iter().map(|x| x.title.as_deref()).collect();
        assert_eq!(
            titles,
            vec![Some("First title"), Some("Second title"), None]
        );
        assert_eq!(r[0].body, "First body.");
        assert_eq!(r[1].body, "Second body ends here.");
        assert_eq!(r[2].body, "Third body");
    }

    #[test]
    fn a_body_ending_without_a_full_stop_still_needs_text_before_it_to_be_a_title() {
        let (r, _) = rows("March 23, 2016\n\nBody without stop\n\nFebruary 23, 2016\n\nNext.");
        assert_eq!(r[0].body, "Body without stop");
        assert_eq!(r[1].title, None);
    }

    #[test]
    fn dates_out_of_order_are_kept_and_flagged() {
        let (r, w) = rows(
            "March 23, 2016\n\nA.\n\nFebruary 23, 2016\n\nB.\n\nJanuary 01, 2020\n\nC.\n\nDecember 02, 2015\n\nD.",
        );
        assert_eq!(
            r[2].published_on,
            NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default()
        );
        assert!(r[2].date_suspect);
        assert_eq!(r.iter().filter(|x| x.date_suspect).count(), 1);
        assert_eq!(w.items.len(), 1);
    }
}
