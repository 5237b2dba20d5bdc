//! Event series' pages (L7): a series named in quotes, then its editions one a line,
//! `City, Country – 21-23 November 2023`, past ones with their summary, upcoming ones to
//! save the date.

use std::fmt::Write as _;

use chrono::{Datelike, Days, NaiveDate};
use rand::Rng;
use rand::seq::IndexedRandom;

use super::{Page, file, words};
use crate::import::PageEntry;
use crate::text::slugify;

pub fn page(i: usize, rng: &mut impl Rng) -> Page {
    let (place, _, _) = words::PLACES
        .get(i % words::PLACES.len())
        .copied()
        .unwrap_or(words::PLACES[0]);
    let theme = words::THEMES
        .get(i % words::THEMES.len())
        .copied()
        .unwrap_or("ICT");
    let series = format!("{place} {theme} Days");
    let mut out = String::with_capacity(2_048);
    let _ = writeln!(
        out,
        "The ‘{series}’ bring the clusters of {theme} and their regions together, each time in another city, to plan joint projects, visits and trainings.\nPast and upcoming \"{series}\" editions\n"
    );
    let mut day = NaiveDate::from_ymd_opt(2027, 6, 1)
        .and_then(|d| d.checked_sub_days(Days::new(rng.random_range(0..300))))
        .unwrap_or_default();
    let editions = rng.random_range(4..14);
    for k in 0..editions {
        let (city, code, _) = words::PLACES
            .choose(rng)
            .copied()
            .unwrap_or(words::PLACES[0]);
        let country = crate::geo::by_code(code).map_or(code, |c| c.name);
        let days = rng.random_range(1..3);
        let end = day.checked_add_days(Days::new(days)).unwrap_or(day);
        let dates = if end.month0() == day.month0() {
            format!("{}-{}", day.format("%-d"), end.format("%-d %B %Y"))
        } else {
            format!("{} - {}", day.format("%-d %B"), end.format("%-d %B %Y"))
        };
        let mark = if k < 2 {
            " 📅 SAVE THE DATE!"
        } else if rng.random_bool(0.7) {
            " 📑 Read the event summary."
        } else {
            ""
        };
        let _ = writeln!(out, "{city}, {country} – {dates}{mark}");
        day = day
            .checked_sub_days(Days::new(rng.random_range(40..200)))
            .unwrap_or(day);
    }
    Page {
        entry: PageEntry {
            file: file("events", i),
            source: Some(format!(
                "https://clustercollaboration.eu/events/organised-by-eccp/{}",
                slugify(&series)
            )),
            ..PageEntry::default()
        },
        text: out,
    }
}
