//! Dates as the pages write them.

use chrono::{Datelike, NaiveDate, Weekday};

/// Formats seen on profiles and news pages, tried in order, once a leading weekday is off.
const FORMATS: &[&str] = &[
    "%B %d, %Y", // December 04, 2016
    "%b %d, %Y", // Dec 04, 2016
    "%d %B %Y",  // 4 December 2016
    "%d %B, %Y", // 26 February, 2000 (after "Saturday, ")
    "%Y-%m-%d",  // 2016-12-04
    "%d.%m.%Y",  // 04.12.2016
    "%d/%m/%Y",  // 04/12/2016
];

/// A date line as read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dated {
    pub date: NaiveDate,
    /// The line names a weekday that the date does not fall on. The weekday is redundant,
    /// so the date stands, but the importer reports the doubt.
    pub weekday_conflict: bool,
}

/// Parses a whole line as a date ("Saturday, 26 February, 2000", "December 04, 2016", ...),
/// or `None` when it is anything else.
pub fn parse(text: &str) -> Option<Dated> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.len() > 40 || !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let (weekday, rest) = match text.split_once(", ") {
        Some((first, rest)) => match first.parse::<Weekday>() {
            Ok(day) => (Some(day), rest),
            Err(_) => (None, text.as_str()),
        },
        None => (None, text.as_str()),
    };
    let date = FORMATS
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(rest, f).ok())?;
    Some(Dated {
        date,
        weekday_conflict: weekday.is_some_and(|w| w != date.weekday()),
    })
}

/// True for the years a page means and the store can order: four digits. SQLite keeps a
/// date as text, which sorts right only for those, and "December 04, 16" is a year cut short,
/// not the year 16.
pub fn four_digit_year(date: NaiveDate) -> bool {
    (1000..=9999).contains(&date.year())
}

/// Indexes of the dates that break a newest-first order: those outside one longest
/// non-increasing run through the list. Where several runs are equally long the earliest
/// dates are kept, so a lone far-future date is the one flagged.
pub fn out_of_order(dates: &[NaiveDate]) -> Vec<usize> {
    let n = dates.len();
    // best[i]: length of the longest non-increasing subsequence ending at i.
    let mut best = vec![1usize; n];
    let mut prev = vec![usize::MAX; n];
    for i in 0..n {
        for j in 0..i {
            if dates[j] >= dates[i] && best[j] + 1 > best[i] {
                best[i] = best[j] + 1;
                prev[i] = j;
            }
        }
    }
    let Some(mut at) = (0..n).max_by_key(|&i| (best[i], std::cmp::Reverse(i))) else {
        return Vec::new();
    };
    let mut keep = vec![false; n];
    loop {
        keep[at] = true;
        if prev[at] == usize::MAX {
            break;
        }
        at = prev[at];
    }
    (0..n).filter(|&i| !keep[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn date(text: &str) -> Option<NaiveDate> {
        parse(text).map(|p| p.date)
    }

    #[test]
    fn profile_and_news_formats_parse() {
        assert_eq!(date("Saturday, 26 February, 2000"), Some(d(2000, 2, 26)));
        assert_eq!(date("December 04, 2016"), Some(d(2016, 12, 4)));
        assert_eq!(date("2016-12-04"), Some(d(2016, 12, 4)));
        assert_eq!(date("4 December 2016"), Some(d(2016, 12, 4)));
        assert_eq!(date("The meeting was on December 04, 2016"), None);
        assert_eq!(date("February 30, 2016"), None);
    }

    #[test]
    fn a_year_cut_short_parses_but_is_not_four_digits() {
        let short = parse("December 04, 16").map(|p| p.date);
        assert_eq!(short, Some(d(16, 12, 4)));
        assert!(!short.is_some_and(four_digit_year));
        assert!(four_digit_year(d(2016, 12, 4)));
        assert_eq!(date("December 04, 20166"), None);
    }

    #[test]
    fn a_wrong_weekday_keeps_the_date_and_is_flagged() {
        assert_eq!(
            parse("Saturday, 26 February, 2000").map(|p| p.weekday_conflict),
            Some(false)
        );
        let wrong = parse("Monday, 26 February, 2000");
        assert_eq!(wrong.map(|p| p.date), Some(d(2000, 2, 26)));
        assert_eq!(wrong.map(|p| p.weekday_conflict), Some(true));
    }

    #[test]
    fn dates_that_break_newest_first_order_are_found() {
        let dates = [
            d(2016, 3, 23),
            d(2016, 2, 23),
            d(2020, 1, 1),
            d(2020, 1, 1),
            d(2015, 12, 2),
        ];
        assert_eq!(out_of_order(&dates), vec![2, 3]);
        assert!(out_of_order(&[d(2016, 1, 1), d(2016, 1, 1), d(2015, 1, 1)]).is_empty());
        assert!(out_of_order(&[]).is_empty());
    }
}
