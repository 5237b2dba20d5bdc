//! Events in the schema: conferences, workshops and the editions of a series, listed by
//! date with `events(filter:)`, each a `Node`.

use crate::graphql::date::Date;
use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, InputObject, Object};

use super::connection::{self, ValueKind};
use super::context::{Res, db, internal};
use super::ids::GlobalId;
use super::loaders::{EditionsOf, SeriesById, load, loader};
use super::types::{Country, OrderDirection};
use crate::store::window::{Direction, Key};
use crate::store::{self, event::Model};

/// An event: a conference, a workshop, or one edition of a series.
#[derive(Clone)]
pub struct Event(pub Model);

/// A recurring event with one edition per place and date (`Clusters meet Regions`).
pub struct EventSeries(pub store::event_series::Model);

/// How precisely an event's dates are known.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::store::event::DatePrecision")]
pub enum DatePrecision {
    /// To the day.
    Day,
    /// To the month: the dates are its first and last day.
    Month,
    /// To the year: the dates are its first and last day.
    Year,
}

/// An event: a conference, a workshop, or one edition of a series, read from the
/// platform's event pages.
#[Object]
impl Event {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        GlobalId::encode("Event", self.0.id)
    }
    /// Increases with every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Name; an edition of a series is named after the series and its place.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// First day.
    async fn starts_on(&self) -> Date {
        self.0.starts_on.into()
    }
    /// Last day; the first for a one-day event.
    async fn ends_on(&self) -> Date {
        self.0.ends_on.into()
    }
    /// How precisely the two dates are known.
    async fn date_precision(&self) -> DatePrecision {
        self.0.date_precision.into()
    }
    /// Start time, "09:00", in `timeZone` where given.
    async fn start_time(&self) -> Option<&str> {
        self.0.start_time.as_deref()
    }
    /// End time, "13:00", in `timeZone` where given.
    async fn end_time(&self) -> Option<&str> {
        self.0.end_time.as_deref()
    }
    /// The time zone as the source writes it ("CET", "CEST").
    async fn time_zone(&self) -> Option<&str> {
        self.0.time_zone.as_deref()
    }
    /// The building or hall, e.g. "Palace of Parliament".
    async fn venue(&self) -> Option<&str> {
        self.0.venue.as_deref()
    }
    /// The city it takes place in.
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }
    /// The country it takes place in.
    async fn country(&self) -> Option<Country> {
        self.0.country_code.as_deref().and_then(Country::of)
    }
    /// Who organises it, as the source names them.
    async fn organiser(&self) -> Option<&str> {
        self.0.organiser.as_deref()
    }
    /// True when the source offers a summary of the edition (it has taken place).
    async fn has_summary(&self) -> bool {
        self.0.has_summary
    }
    /// What the source says of it; paragraphs separated by blank lines.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Address of the page it was read from.
    async fn source_url(&self) -> Option<&str> {
        self.0.source_url.as_deref()
    }
    /// The series it is an edition of.
    async fn series(&self, ctx: &Context<'_>) -> Res<Option<EventSeries>> {
        load(ctx, self.0.series_id.map(SeriesById), EventSeries).await
    }
}

/// A recurring event with one edition per place and date, e.g. "Clusters meet Regions".
#[Object]
impl EventSeries {
    /// Stable identifier derived from the name.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// Name, e.g. "Clusters meet Regions".
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Its editions, earliest first: the union of every version of its page read.
    async fn editions(&self, ctx: &Context<'_>) -> Res<Vec<Event>> {
        let rows = loader(ctx)?.load_one(EditionsOf(self.0.id)).await?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(|(_, e)| Event(e))
            .collect())
    }
}

/// Event filters: fields are ANDed; several values of one field are ORed.
#[derive(InputObject, Default)]
pub struct EventFilter {
    /// Events that end on or after this day (upcoming ones: today).
    pub from: Option<Date>,
    /// Events that start on or before this day.
    pub to: Option<Date>,
    /// ISO 3166-1 alpha-2 codes of the country it takes place in.
    pub country: Option<Vec<String>>,
    /// Slugs of the series it is an edition of.
    pub series: Option<Vec<String>>,
}

impl From<EventFilter> for store::event::Filter {
    fn from(f: EventFilter) -> Self {
        Self {
            from: f.from.map(|d| d.0),
            to: f.to.map(|d| d.0),
            countries: f
                .country
                .unwrap_or_default()
                .into_iter()
                .map(|c| c.to_ascii_uppercase())
                .collect(),
            series: f.series.unwrap_or_default(),
        }
    }
}

/// The count of a filtered event list.
pub struct EventTotal(store::event::Filter);

#[Object]
impl EventTotal {
    /// Number of events matching the filter, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Res<u64> {
        store::event::count(db(ctx)?, &self.0)
            .await
            .map_err(internal)
    }
}

/// A page of events by start date (earliest first unless `order_by` is DESC).
pub async fn events(
    ctx: &Context<'_>,
    filter: Option<EventFilter>,
    order_by: Option<OrderDirection>,
    (first, after, last, before): (Option<i32>, Option<String>, Option<i32>, Option<String>),
) -> Res<Connection<String, Event, EventTotal>> {
    let direction: Direction = order_by.unwrap_or(OrderDirection::Asc).into();
    let tag = format!("events:{}", direction.as_str());
    let window = connection::window(
        &tag,
        ValueKind::Date,
        first,
        after.as_deref(),
        last,
        before.as_deref(),
    )?;
    let filter = store::event::Filter::from(filter.unwrap_or_default());
    let page = store::event::page(db(ctx)?, &filter, direction, &window)
        .await
        .map_err(internal)?;
    Ok(connection::of_page(
        page,
        &tag,
        |e| Key {
            value: e.starts_on.into(),
            id: e.id,
        },
        Event,
        EventTotal(filter),
    ))
}
