//! The platform's event pages (layout L7): a single event's page (an image's alternative
//! text, `Description`, then prose stating name, dates, place and organiser), or a series'
//! landing page (prose naming the series, then its editions: one line each, `City, Country
//! – 21-23 November 2023 📑 Read the event summary.`, or an edition's heading such as
//! `European Cluster Conference 2022` over the paragraph that dates it).
//!
//! An edition of a series is named "<series> <city>" when its line gives a city, else
//! "<series> <year>". A page is an edition of a series when it names the event together
//! with a year ("the 2019 European Cluster Conference"): the event's name is the series'.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::Datelike;
use regex::Regex;

use super::Warnings;
use super::event_dates::{self, Span};
use super::lines::{Line, NAME_MAX_CHARS};
pub use crate::store::event::DatePrecision;

/// What an event page states.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventPage {
    /// The series the page presents or the event belongs to.
    pub series: Option<String>,
    pub events: Vec<EventRow>,
}

/// One event as a page states it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    /// Line the event is stated on.
    pub line: usize,
    pub name: String,
    pub starts_on: chrono::NaiveDate,
    /// The last day; the first for a one-day event.
    pub ends_on: chrono::NaiveDate,
    pub precision: DatePrecision,
    pub start_time: Option<chrono::NaiveTime>,
    pub end_time: Option<chrono::NaiveTime>,
    /// As written: "CET", "CEST".
    pub time_zone: Option<String>,
    pub venue: Option<String>,
    pub city: Option<String>,
    /// The country's name as written.
    pub country: Option<String>,
    pub organiser: Option<String>,
    /// The page offers a summary of the edition: it took place.
    pub has_summary: bool,
    /// The page's prose about this event (an event's own page).
    pub description: Option<String>,
    /// An edition of the page's series (a side event of an edition is not).
    pub edition: bool,
}

fn pattern(re: &str) -> Regex {
    Regex::new(re).unwrap_or_else(|_| unreachable!("the event page's patterns are valid"))
}

/// `Place, Country – dates …`: an edition's line. Other crawls of a series' page glue the
/// dash to the country (`Moldova- 10-11 …`) or leave it out (`Kraków, Poland 11-12 …`).
static EDITION: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"^[^\p{L}]*(\p{Lu}[^–\-\d.;:!?]*?,\s*[^–\-\d.;:!?]+?)\s*[–\-—]?\s*(\d.*)$")
});
/// A series named in quotes: ‘Clusters meet Regions’.
static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| pattern(r#"[‘'"“]\s*(\p{Lu}[^‘’'"“”]{3,60}?)\s*[’'"”]"#));
/// "The European Cluster Conference is a bi-yearly event".
static RECURRING: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^The (\p{Lu}[\w ]{3,60}?) is an? (?:bi-yearly|biennial|yearly|annual|monthly|recurring|regular) (?:event|conference|meeting)",
    )
});
/// "The European Cluster Conference on 14-16 May 2019 will take place at the Palace of
/// Parliament in Bucharest, Romania".
static HAPPENS: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\b(?:The |the )?(\p{Lu}[\w ]{3,80}?) (?:on|from) [^.]{4,40}? (?:will take place|takes place|took place|will be held|was held|is held) (?:at|in) (?:the )?([^.,]+(?:, [\p{Lu}][\w ]+)?)",
    )
});
static ORGANISED_BY: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"\borgani[sz]ed by (?:the )?(\p{Lu}[\w ]{3,60}?)(?: in cooperation| with|,|\.|$)")
});
static ORGANISER_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^(?:The )?(\p{Lu}[\w ]{3,60}?)(?: under [^,]+?)?(?: and the [\w ]+?)? organi[sz]ed the",
    )
});
/// "… 26 and 27 September 2022 in Prague".
static IN_CITY: LazyLock<Regex> = LazyLock::new(|| pattern(r"^,?\s+in (\p{Lu}[\p{L}-]+)"));

/// Reads an event page. Never fails: a page of no event gives none, with a warning.
pub fn parse(lines: &[Line<'_>], warnings: &mut Warnings) -> EventPage {
    let content: Vec<&Line<'_>> = lines.iter().filter(|l| !l.is_blank()).collect();
    let series = series_name(&content);
    let mut page = EventPage {
        series: series.clone(),
        events: Vec::new(),
    };
    if let Some(series) = &series {
        page.events
            .extend(edition_lines(&content, series, warnings));
        page.events.extend(edition_headings(&content, series));
    }
    if page.events.is_empty()
        && let Some(event) = own_page(&content)
    {
        page.series = page
            .series
            .or_else(|| named_with_year(&content, &event.name));
        page.events.push(event);
    }
    if page.events.is_empty() {
        let line = content.first().map_or(1, |l| l.number);
        warnings.push(line, "no event whose dates could be read");
    }
    page
}

/// The series a landing page names: the name it quotes most, or the one it calls a
/// recurring event.
fn series_name(content: &[&Line<'_>]) -> Option<String> {
    let mut quoted: HashMap<String, usize> = HashMap::new();
    for line in content {
        for c in QUOTED.captures_iter(&line.text) {
            *quoted.entry(c[1].trim().to_owned()).or_default() += 1;
        }
    }
    let most = quoted
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
    if let Some((name, count)) = most
        && count >= 2
    {
        return Some(name);
    }
    content
        .iter()
        .find_map(|l| RECURRING.captures(l.text.trim()).map(|c| c[1].to_owned()))
}

/// The editions listed one a line.
fn edition_lines(content: &[&Line<'_>], series: &str, warnings: &mut Warnings) -> Vec<EventRow> {
    let mut rows = Vec::new();
    for line in content {
        let text = line.text.trim();
        let Some(c) = EDITION.captures(text) else {
            continue;
        };
        let Some(span) = event_dates::first_span(&c[2], None).filter(|s| s.at.0 == 0) else {
            // A sentence with a comma before a figure is prose, not a cut edition.
            if text.chars().count() > 80 {
                continue;
            }
            warnings.push(
                line.number,
                format!("an edition's line without a whole date (cut short?): {text:?}"),
            );
            continue;
        };
        // A place is a few words; a longer one is a sentence that looked like an edition.
        if c[1].chars().count() > NAME_MAX_CHARS / 2 {
            continue;
        }
        let places: Vec<&str> = c[1].split(',').map(str::trim).collect();
        let city = places.first().map(|c| (*c).to_owned());
        let country = places
            .last()
            .filter(|_| places.len() > 1)
            .map(|c| (*c).to_owned());
        rows.push(EventRow {
            name: format!("{series} {}", city.as_deref().unwrap_or_default()),
            city,
            country,
            has_summary: text.contains("event summary"),
            ..row(line.number, span)
        });
    }
    rows
}

/// Editions headed `<series> <year>` over the paragraph that dates them.
fn edition_headings(content: &[&Line<'_>], series: &str) -> Vec<EventRow> {
    let mut rows = Vec::new();
    for (i, line) in content.iter().enumerate() {
        let Some(year) = line
            .text
            .trim()
            .strip_prefix(series)
            .and_then(|rest| rest.trim().parse::<i32>().ok())
        else {
            continue;
        };
        let Some(paragraph) = content.get(i + 1) else {
            continue;
        };
        let text = paragraph.text.trim();
        let Some(span) = event_dates::spans(text, Some(year))
            .into_iter()
            .find(|s| s.starts_on.year() == year)
        else {
            continue;
        };
        let after = text.get(span.at.1..).unwrap_or_default();
        rows.push(EventRow {
            name: format!("{series} {year}"),
            city: IN_CITY.captures(after).map(|c| c[1].to_owned()),
            organiser: ORGANISER_FIRST
                .captures(text)
                .map(|c| c[1].trim().to_owned()),
            description: Some(text.to_owned()),
            ..row(paragraph.number, span)
        });
        rows.extend(side_events(&content[i + 2..], year));
    }
    rows
}

/// Side events of an edition: bullets that say when they "took place" or "take place".
fn side_events(content: &[&Line<'_>], year: i32) -> Vec<EventRow> {
    content
        .iter()
        .filter_map(|line| {
            let text = line.bullet()?;
            let when = text.find(" place on ")?;
            let span = event_dates::first_span(text.get(when..)?, Some(year))?;
            let name = text.split(". ").next()?.trim_end_matches('.').to_owned();
            if name.chars().count() > NAME_MAX_CHARS {
                return None;
            }
            let times = event_dates::first_times(text.get(when..)?);
            Some(EventRow {
                name,
                start_time: times.as_ref().map(|t| t.start),
                end_time: times.as_ref().and_then(|t| t.end),
                time_zone: times.and_then(|t| t.zone),
                description: Some(text.to_owned()),
                edition: false,
                ..row(line.number, span)
            })
        })
        .collect()
}

/// An event's own page: `Description`, then prose stating what happens where and when.
fn own_page(content: &[&Line<'_>]) -> Option<EventRow> {
    let start = content
        .iter()
        .take(3)
        .position(|l| l.text.trim() == "Description")
        .map_or(0, |i| i + 1);
    let prose = content.get(start..)?;
    let (line, c) = prose
        .iter()
        .find_map(|l| HAPPENS.captures(l.text.trim()).map(|c| (l, c)))?;
    let span = event_dates::first_span(c.get(0)?.as_str(), None)?;
    let (venue, city, country) = place(&c[2]);
    let description: Vec<&str> = prose.iter().map(|l| l.text.trim()).collect();
    let times = description.iter().find_map(|t| event_dates::first_times(t));
    Some(EventRow {
        name: c[1].trim().to_owned(),
        venue,
        city,
        country,
        organiser: prose.iter().find_map(|l| {
            ORGANISED_BY
                .captures(&l.text)
                .map(|c| c[1].trim().to_owned())
        }),
        start_time: times.as_ref().map(|t| t.start),
        end_time: times.as_ref().and_then(|t| t.end),
        time_zone: times.and_then(|t| t.zone),
        description: Some(description.join("\n\n")),
        ..row(line.number, span)
    })
}

/// "Palace of Parliament in Bucharest, Romania": venue, city, country.
fn place(text: &str) -> (Option<String>, Option<String>, Option<String>) {
    let (venue, town) = match text.rsplit_once(" in ") {
        Some((venue, town)) => (Some(venue.trim().to_owned()), town),
        None => (None, text),
    };
    let parts: Vec<&str> = town.split(',').map(str::trim).collect();
    let city = parts
        .first()
        .filter(|c| !c.is_empty())
        .map(|c| (*c).to_owned());
    let country = parts
        .get(1..)
        .and_then(<[&str]>::last)
        .map(|c| (*c).to_owned());
    (venue, city, country)
}

/// The event's name as a series, when the page names it with a year ("the 2019 …").
fn named_with_year(content: &[&Line<'_>], name: &str) -> Option<String> {
    let with_year = pattern(&format!(
        r"\b(?:(?:19|20)\d{{2}} {0}|{0} (?:19|20)\d{{2}})\b",
        regex::escape(name)
    ));
    content
        .iter()
        .any(|l| with_year.is_match(&l.text))
        .then(|| name.to_owned())
}

fn row(line: usize, span: Span) -> EventRow {
    EventRow {
        line,
        name: String::new(),
        starts_on: span.starts_on,
        ends_on: span.ends_on,
        precision: span.precision,
        start_time: None,
        end_time: None,
        time_zone: None,
        venue: None,
        city: None,
        country: None,
        organiser: None,
        has_summary: false,
        description: None,
        edition: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::envelope;
    use crate::import::lines::split;
    use chrono::NaiveDate;

    fn read(text: &str) -> (EventPage, Warnings) {
        let (text, _) = envelope::open(text);
        let mut w = Warnings::default();
        let page = parse(&split(&text), &mut w);
        (page, w)
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn a_series_page_lists_its_editions() {
        let (page, w) = read(include_str!(
            "../../tests/fixtures/pages/alpine-days-series.txt"
        ));
        assert_eq!(page.series.as_deref(), Some("Alpine Cluster Days"));
        let editions: Vec<(&str, NaiveDate, NaiveDate, bool)> = page
            .events
            .iter()
            .map(|e| {
                (
                    e.city.as_deref().unwrap_or(""),
                    e.starts_on,
                    e.ends_on,
                    e.has_summary,
                )
            })
            .collect();
        assert_eq!(
            editions,
            [
                ("Bolzano", ymd(2026, 3, 4), ymd(2026, 3, 5), false),
                ("Innsbruck", ymd(2025, 11, 30), ymd(2025, 12, 2), true),
                ("Graz", ymd(2025, 6, 3), ymd(2025, 6, 5), true),
                ("Annecy", ymd(2024, 10, 10), ymd(2024, 10, 11), false),
            ]
        );
        assert_eq!(page.events[0].name, "Alpine Cluster Days Bolzano");
        assert_eq!(page.events[2].country.as_deref(), Some("Austria"));
        assert!(
            w.items.iter().any(|w| w.message.contains("cut short")),
            "{w:?}"
        );
    }

    #[test]
    fn an_event_page_states_name_dates_place_and_organiser() {
        let (page, w) = read(include_str!(
            "../../tests/fixtures/pages/alpine-days-2025.txt"
        ));
        assert!(w.items.is_empty(), "{w:?}");
        assert_eq!(page.series.as_deref(), Some("Alpine Cluster Days"));
        let e = &page.events[0];
        assert_eq!(e.name, "Alpine Cluster Days");
        assert_eq!((e.starts_on, e.ends_on), (ymd(2025, 6, 3), ymd(2025, 6, 5)));
        assert_eq!(e.venue.as_deref(), Some("Congress Hall"));
        assert_eq!(
            (e.city.as_deref(), e.country.as_deref()),
            (Some("Graz"), Some("Austria"))
        );
        assert_eq!(e.organiser.as_deref(), Some("Alpine Widgets Cluster"));
        assert_eq!(e.start_time, chrono::NaiveTime::from_hms_opt(9, 30, 0));
        assert_eq!(e.time_zone.as_deref(), Some("CEST"));
    }

    #[test]
    fn an_edition_heading_dates_the_edition_and_its_side_events() {
        let page = "The Danube Widget Forum is a yearly event, in a new city each time.\n\nDanube Widget Forum 2024\n\nThe Widget Office organised the 5th edition on 11 and 12 October 2024 in Linz. It went well.\n\n  • Meeting of the widget testers. It took place on 11 October (9:00 to 12:30 CEST).\n";
        let (page, _) = read(page);
        assert_eq!(page.series.as_deref(), Some("Danube Widget Forum"));
        let e = &page.events[0];
        assert_eq!(e.name, "Danube Widget Forum 2024");
        assert_eq!(
            (e.starts_on, e.ends_on),
            (ymd(2024, 10, 11), ymd(2024, 10, 12))
        );
        assert_eq!(e.city.as_deref(), Some("Linz"));
        assert_eq!(e.organiser.as_deref(), Some("Widget Office"));
        let side = &page.events[1];
        assert_eq!(side.name, "Meeting of the widget testers");
        assert_eq!(side.starts_on, ymd(2024, 10, 11));
        assert_eq!(side.end_time, chrono::NaiveTime::from_hms_opt(12, 30, 0));
    }

    #[test]
    fn edition_lines_of_other_crawls_are_read_too() {
        let page = "The ‘Widget Weeks’ come to you. Every ‘Widget Weeks’ edition is local.\n- 📅 Chisinau, Moldova- 10-11 June 2024 SAVE THE DATE!\nKraków, Poland 11-12 December 2023\nBrno, Czech Republic - 13 - 14 November 2024 - SAVE THE DATE!\n";
        let (page, w) = read(page);
        assert!(w.items.is_empty(), "{w:?}");
        let read: Vec<(&str, &str, NaiveDate)> = page
            .events
            .iter()
            .map(|e| {
                (
                    e.city.as_deref().unwrap_or(""),
                    e.country.as_deref().unwrap_or(""),
                    e.starts_on,
                )
            })
            .collect();
        assert_eq!(
            read,
            [
                ("Chisinau", "Moldova", ymd(2024, 6, 10)),
                ("Kraków", "Poland", ymd(2023, 12, 11)),
                ("Brno", "Czech Republic", ymd(2024, 11, 13)),
            ]
        );
    }

    #[test]
    fn a_page_of_no_event_says_so() {
        let (page, w) = read("Description\n\nNothing is dated here.\n");
        assert!(page.events.is_empty());
        assert!(w.items[0].message.contains("no event"));
    }
}
