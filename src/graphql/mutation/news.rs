//! News writes; the clusters and networks an item names are resolved as on import.

use crate::graphql::date::Date;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};

use super::input::{clearable, clearable_text, given_text, id_of};
use super::{Deleted, admit, wrote};
use crate::auth::Scope;
use crate::graphql::context::{Res, db};
use crate::graphql::types::NewsItem;
use crate::write;
use crate::write::check::{self, LINE, PROSE};
use crate::write::news::Edit;

#[derive(Default)]
pub struct NewsMutation;

/// A news item. To publish, `body` and `publishedOn` are required; on update, fields left
/// out stay as they are.
#[derive(InputObject, Default)]
pub struct NewsInput {
    /// The item's title; most items have none.
    pub title: MaybeUndefined<String>,
    /// The item's text; required to publish.
    pub body: Option<String>,
    /// At most a day ahead of today.
    pub published_on: Option<Date>,
    /// Slug of the publishing network; `null` for none.
    pub publisher: MaybeUndefined<String>,
    /// The page it appeared on; items published through the API have
    /// "urn:cluster-atlas:api".
    pub source_url: Option<String>,
}

#[Object]
impl NewsMutation {
    /// Publishes a news item (write).
    async fn publish_news(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The news item: its body and date are required.")] input: NewsInput,
    ) -> Res<NewsItem> {
        admit(ctx, Scope::Write).await?;
        let row = wrote(ctx, write::news::create(db(ctx)?, checked(input)?).await)?;
        Ok(NewsItem(row))
    }

    /// Changes a news item (write), if it is still at `version`.
    async fn update_news(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id of the news item to change.")] id: ID,
        #[graphql(
            desc = "The version the news item was read at: a newer stored one fails with CONFLICT."
        )]
        version: i32,
        #[graphql(
            desc = "The fields to change: an absent field stays as it is, `null` clears it."
        )]
        input: NewsInput,
    ) -> Res<NewsItem> {
        admit(ctx, Scope::Write).await?;
        let id = id_of("id", "NewsItem", &id)?;
        let row = wrote(
            ctx,
            write::news::update(db(ctx)?, id, version, checked(input)?).await,
        )?;
        Ok(NewsItem(row))
    }

    /// Deletes a news item (admin), if it is still at `version`.
    async fn delete_news(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id of the news item to delete.")] id: ID,
        #[graphql(
            desc = "The version the news item was read at: a newer stored one fails with CONFLICT."
        )]
        version: i32,
    ) -> Res<Deleted> {
        admit(ctx, Scope::Admin).await?;
        let row = id_of("id", "NewsItem", &id)?;
        wrote(ctx, write::news::remove(db(ctx)?, row, version).await)?;
        Ok(Deleted { id })
    }
}

fn checked(input: NewsInput) -> Res<Edit> {
    let latest = check::today() + chrono::Days::new(1);
    Ok(Edit {
        title: clearable_text("input.title", input.title, LINE)?,
        body: given_text("input.body", input.body, PROSE)?,
        published_on: input
            .published_on
            .map(|d| check::date("input.publishedOn", d.0, latest))
            .transpose()?,
        publisher: clearable("input.publisher", input.publisher, |p, v: String| {
            check::slug(p, &v)
        })?,
        source_url: input
            .source_url
            .map(|u| check::url("input.sourceUrl", &u))
            .transpose()?,
    })
}
