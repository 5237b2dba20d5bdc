//! Writes an event page's events: each by its natural key (a series' edition by the series
//! and its start date, another event by its source, name and date), so the editions of a
//! series page crawled several times add up to their union and one edition read from its
//! own page and from its series' list is one event. What a source does not state keeps what
//! another stated.

use sea_orm::ConnectionTrait;

use super::{Error, Outcome};
use crate::import::Warnings;
use crate::import::event_page::{EventPage, EventRow};
use crate::import::manifest::PageEntry;
use crate::resolve::keys::event_key;
use crate::store;
use crate::store::event::Fields;
use crate::store::outbox::Changed;
use crate::store::versioned::Versioned;
use crate::text::{name_key, slugify};

pub async fn event_page(
    db: &impl ConnectionTrait,
    page: EventPage,
    entry: &PageEntry,
    warnings: &mut Warnings,
) -> Result<Outcome, Error> {
    let Some(first) = page.events.first() else {
        return Err(Error::Page {
            line: 1,
            message: "an event page with no event whose dates could be read".into(),
        });
    };
    let series = match &page.series {
        Some(name) => Some(store::event_series::get_or_create(db, &slugify(name), name).await?),
        None => None,
    };
    let subject = series
        .as_ref()
        .map_or_else(|| first.name.clone(), |s| s.slug.clone());
    let mut changed = 0;
    let mut touched = Vec::new();
    for row in &page.events {
        let series = series.as_ref().filter(|_| row.edition);
        let scope = match series {
            Some(s) => format!("series {}", s.slug),
            None => format!(
                "{} {}",
                entry.source.as_deref().unwrap_or_default(),
                name_key(&row.name)
            ),
        };
        let key = event_key(&scope, row.starts_on);
        let stored = store::event::find_by_key(db, &key).await?;
        let fields = merged(
            row,
            key,
            series.map(|s| s.id),
            entry,
            stored.as_ref(),
            warnings,
        );
        let (event, written) =
            store::event::upsert(db, fields, stored)
                .await
                .map_err(|source| Error::Db {
                    line: row.line,
                    source,
                })?;
        if written {
            changed += 1;
            touched.push(event.id);
        }
    }
    store::outbox::record(db, Changed::Event, touched).await?;
    Ok((subject, changed, page.events.len()))
}

/// The row's fields over what is stored: a value the row does not state stays.
fn merged(
    row: &EventRow,
    key: String,
    series_id: Option<i32>,
    entry: &PageEntry,
    stored: Option<&store::event::Model>,
    warnings: &mut Warnings,
) -> Fields {
    let before = stored.map(Fields::of);
    let kept = |f: fn(&Fields) -> &Option<String>| before.as_ref().and_then(|b| f(b).clone());
    let country_code = row.country.as_deref().and_then(|name| {
        let code = crate::geo::by_name(name).map(|c| c.code.to_owned());
        if code.is_none() {
            warnings.push(
                row.line,
                format!("{name:?} is no country we know; none recorded"),
            );
        }
        code
    });
    // An event's own page names it and is its source; a series' list only where no own
    // page was read (else each would undo the other's, import after import).
    let own_page_read =
        row.description.is_none() && before.as_ref().is_some_and(|b| b.description.is_some());
    let (name, source_url) = match &before {
        Some(b) if own_page_read => (b.name.clone(), b.source_url.clone()),
        _ => (row.name.clone(), entry.source.clone()),
    };
    Fields {
        key,
        series_id: series_id.or(before.as_ref().and_then(|b| b.series_id)),
        name,
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        date_precision: row.precision,
        start_time: time(row.start_time).or_else(|| kept(|b| &b.start_time)),
        end_time: time(row.end_time).or_else(|| kept(|b| &b.end_time)),
        time_zone: row.time_zone.clone().or_else(|| kept(|b| &b.time_zone)),
        venue: row.venue.clone().or_else(|| kept(|b| &b.venue)),
        city: row.city.clone().or_else(|| kept(|b| &b.city)),
        country_code: country_code.or_else(|| kept(|b| &b.country_code)),
        organiser: row.organiser.clone().or_else(|| kept(|b| &b.organiser)),
        has_summary: row.has_summary || before.as_ref().is_some_and(|b| b.has_summary),
        description: row.description.clone().or_else(|| kept(|b| &b.description)),
        source_url,
    }
}

fn time(t: Option<chrono::NaiveTime>) -> Option<String> {
    t.map(|t| t.format("%H:%M").to_string())
}
