//! Dates and times as event pages write them inside prose: `14-16 May 2019`, `26 and 27
//! September 2022`, `30 November - 2 December 2022`, `February 18th and-19th 2016`,
//! `26 September` (the year from the context), `in May 2024` (a month), and times such as
//! `8:30 – 9:45 CET` or `9:00 to 13:00 CEST`.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate, NaiveTime};
use regex::Regex;

use crate::store::event::DatePrecision;

/// The days a phrase names, at its precision, and where in the text it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub precision: DatePrecision,
    /// Byte offsets of the phrase in the text.
    pub at: (usize, usize),
}

/// A time range and its zone as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Times {
    pub start: NaiveTime,
    pub end: Option<NaiveTime>,
    pub zone: Option<String>,
}

const MONTH: &str = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?";
const DAY: &str = r"(\d{1,2})(?:st|nd|rd|th)?";
const TO: &str = r"\s*(?:-|–|—|and-?|to|until)\s*";
const YEAR: &str = r",?\s+((?:19|20)\d{2})\b";

fn pattern(re: &str) -> Regex {
    Regex::new(re).unwrap_or_else(|_| unreachable!("the event date patterns are valid"))
}

/// The forms, most specific first; a form's groups are read by [`read`].
static FORMS: LazyLock<Vec<(Form, Regex)>> = LazyLock::new(|| {
    vec![
        (
            Form::AcrossMonths,
            pattern(&format!(r"\b{DAY}\s+{MONTH}{TO}{DAY}\s+{MONTH}{YEAR}")),
        ),
        (
            Form::DaysOfMonth,
            pattern(&format!(r"\b{DAY}{TO}{DAY}\s+{MONTH}{YEAR}")),
        ),
        (
            Form::MonthDays,
            pattern(&format!(r"\b{MONTH}\s+{DAY}{TO}{DAY}{YEAR}")),
        ),
        (Form::Day, pattern(&format!(r"\b{DAY}\s+{MONTH}{YEAR}"))),
        (
            Form::MonthDay,
            pattern(&format!(r"\b{MONTH}\s+{DAY}{YEAR}")),
        ),
        (
            Form::DayNoYear,
            pattern(&format!(r"\b{DAY}(?:{TO}{DAY})?\s+{MONTH}\b")),
        ),
        (
            Form::Month,
            pattern(&format!(r"\b(?:in|during)\s+{MONTH}{YEAR}")),
        ),
    ]
});

static TIMES: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\b(\d{1,2})[:.](\d{2})(?:\s*(?:-|–|—|to)\s*(\d{1,2})[:.](\d{2}))?\s*(CET|CEST|EET|EEST|WET|WEST|GMT|UTC|BST)?\b",
    )
});

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    AcrossMonths,
    DaysOfMonth,
    MonthDays,
    Day,
    MonthDay,
    DayNoYear,
    Month,
}

/// The first date phrase of `text` (the most specific form where several start at one
/// place); a phrase without a year takes `year`, and is skipped without one.
pub fn first_span(text: &str, year: Option<i32>) -> Option<Span> {
    spans(text, year).into_iter().next()
}

/// Every date phrase of `text`, in reading order, none overlapping.
pub fn spans(text: &str, year: Option<i32>) -> Vec<Span> {
    let mut found: Vec<Span> = Vec::new();
    for (form, re) in FORMS.iter() {
        for c in re.captures_iter(text) {
            let Some(whole) = c.get(0) else { continue };
            let at = (whole.start(), whole.end());
            if found.iter().any(|s| s.at.0 < at.1 && at.0 < s.at.1) {
                continue;
            }
            if let Some(span) = read(*form, &c, year, at) {
                found.push(span);
            }
        }
    }
    found.sort_by_key(|s| s.at);
    found
}

fn read(
    form: Form,
    c: &regex::Captures<'_>,
    year: Option<i32>,
    at: (usize, usize),
) -> Option<Span> {
    let n = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let m = |i: usize| c.get(i).and_then(|m| month(m.as_str()));
    let y = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<i32>().ok());
    let day = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d);
    let (starts_on, ends_on, precision) = match form {
        Form::AcrossMonths => {
            let y = y(5)?;
            (
                day(y, m(2)?, n(1)?)?,
                day(y, m(4)?, n(3)?)?,
                DatePrecision::Day,
            )
        }
        Form::DaysOfMonth => {
            let (y, m) = (y(4)?, m(3)?);
            (day(y, m, n(1)?)?, day(y, m, n(2)?)?, DatePrecision::Day)
        }
        Form::MonthDays => {
            let (y, m) = (y(4)?, m(1)?);
            (day(y, m, n(2)?)?, day(y, m, n(3)?)?, DatePrecision::Day)
        }
        Form::Day => {
            let d = day(y(3)?, m(2)?, n(1)?)?;
            (d, d, DatePrecision::Day)
        }
        Form::MonthDay => {
            let d = day(y(3)?, m(1)?, n(2)?)?;
            (d, d, DatePrecision::Day)
        }
        Form::DayNoYear => {
            let (y, m) = (year?, m(3)?);
            let start = day(y, m, n(1)?)?;
            let end = match n(2) {
                Some(d) => day(y, m, d)?,
                None => start,
            };
            (start, end, DatePrecision::Day)
        }
        Form::Month => {
            let start = day(y(2)?, m(1)?, 1)?;
            (start, last_of_month(start)?, DatePrecision::Month)
        }
    };
    (ends_on >= starts_on).then_some(Span {
        starts_on,
        ends_on,
        precision,
        at,
    })
}

fn month(name: &str) -> Option<u32> {
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let key = name.get(..3)?.to_ascii_lowercase();
    NAMES.iter().position(|n| *n == key).map(|i| i as u32 + 1)
}

fn last_of_month(first: NaiveDate) -> Option<NaiveDate> {
    let (y, m) = if first.month() == 12 {
        (first.year() + 1, 1)
    } else {
        (first.year(), first.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// The first time or time range of `text`.
pub fn first_times(text: &str) -> Option<Times> {
    TIMES.captures_iter(text).find_map(|c| {
        let n = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        let start = NaiveTime::from_hms_opt(n(1)?, n(2)?, 0)?;
        let end = match (n(3), n(4)) {
            (Some(h), Some(m)) => Some(NaiveTime::from_hms_opt(h, m, 0)?),
            _ => None,
        };
        // A bare "10.30" is as likely a figure as a time: only a range or a zone tells.
        let zone = c.get(5).map(|z| z.as_str().to_owned());
        (end.is_some() || zone.is_some()).then_some(Times { start, end, zone })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn days(text: &str, year: Option<i32>) -> Option<(NaiveDate, NaiveDate, DatePrecision)> {
        first_span(text, year).map(|s| (s.starts_on, s.ends_on, s.precision))
    }

    #[test]
    fn every_written_form_gives_its_days() {
        let day = DatePrecision::Day;
        assert_eq!(
            days("held on 3-5 June 2025 in Graz", None),
            Some((ymd(2025, 6, 3), ymd(2025, 6, 5), day))
        );
        assert_eq!(
            days("on 11 and 12 October 2024.", None),
            Some((ymd(2024, 10, 11), ymd(2024, 10, 12), day))
        );
        assert_eq!(
            days("from 30 November - 2 December 2022", None),
            Some((ymd(2022, 11, 30), ymd(2022, 12, 2), day))
        );
        assert_eq!(
            days("Lyon – 12-13 Oct 2023.", None),
            Some((ymd(2023, 10, 12), ymd(2023, 10, 13), day))
        );
        assert_eq!(
            days("on February 18th and-19th 2016 at", None),
            Some((ymd(2016, 2, 18), ymd(2016, 2, 19), day))
        );
        assert_eq!(
            days("on 7 March 2021", None),
            Some((ymd(2021, 3, 7), ymd(2021, 3, 7), day))
        );
        assert_eq!(
            days("March 25, 2016", None),
            Some((ymd(2016, 3, 25), ymd(2016, 3, 25), day))
        );
        assert_eq!(
            days("in May 2024", None),
            Some((ymd(2024, 5, 1), ymd(2024, 5, 31), DatePrecision::Month))
        );
    }

    #[test]
    fn a_day_without_year_takes_the_contexts_or_none() {
        assert_eq!(
            days("took place on 26 September (9:00", Some(2022)),
            Some((ymd(2022, 9, 26), ymd(2022, 9, 26), DatePrecision::Day))
        );
        assert_eq!(days("took place on 26 September", None), None);
        assert_eq!(days("31 February 2020", None), None, "no such day");
    }

    #[test]
    fn times_need_a_range_or_a_zone() {
        let t = first_times("from 8:30 – 9:45 CET").unwrap_or_else(|| unreachable!());
        assert_eq!(
            (t.start, t.end, t.zone.as_deref()),
            (
                NaiveTime::from_hms_opt(8, 30, 0).unwrap_or_default(),
                NaiveTime::from_hms_opt(9, 45, 0),
                Some("CET")
            )
        );
        assert!(first_times("(9:00 to 13:00 CEST)").is_some_and(|t| t.zone.is_some()));
        assert_eq!(first_times("a budget of 10.30 million"), None);
    }
}
