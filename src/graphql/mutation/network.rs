//! Network writes.

use async_graphql::{Context, InputObject, MaybeUndefined, Object};

use super::input::{clearable, clearable_text, each, given_text, slug};
use super::{Deleted, admit, wrote};
use crate::auth::Scope;
use crate::graphql::GlobalId;
use crate::graphql::context::{Res, db};
use crate::graphql::types::{Network, NetworkKind};
use crate::write;
use crate::write::check::{self, LINE};
use crate::write::network::Edit;

#[derive(Default)]
pub struct NetworkMutation;

/// A network or partnership. On create, `name` is required; on update, fields left out stay.
#[derive(InputObject, Default)]
pub struct NetworkInput {
    /// Lower-case letters, digits and hyphens; derived from the name on create when left out.
    pub slug: Option<String>,
    /// The network's name; required on create.
    pub name: Option<String>,
    /// What it is; NETWORK when left out on create.
    pub kind: Option<NetworkKind>,
    /// Its label, e.g. "ESCP-4i".
    pub label: MaybeUndefined<String>,
    /// An http or https address.
    pub website: MaybeUndefined<String>,
    /// More spellings news use for it, added to those it has.
    pub aliases: Option<Vec<String>>,
}

#[Object]
impl NetworkMutation {
    /// Creates a network (write).
    async fn create_network(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The new network; `name` is required, the slug is made from it unless given."
        )]
        input: NetworkInput,
    ) -> Res<Network> {
        admit(ctx, Scope::Write).await?;
        let row = wrote(ctx, write::network::create(db(ctx)?, checked(input)?).await)?;
        Ok(Network(row))
    }

    /// Changes the network `slug` (write), if it is still at `version`.
    async fn update_network(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug of the network to change.")] slug: String,
        #[graphql(
            desc = "The version the network was read at: a newer stored one fails with CONFLICT."
        )]
        version: i32,
        #[graphql(
            desc = "The fields to change: an absent field stays as it is, `null` clears it."
        )]
        input: NetworkInput,
    ) -> Res<Network> {
        admit(ctx, Scope::Write).await?;
        let row = wrote(
            ctx,
            write::network::update(db(ctx)?, &slug, version, checked(input)?).await,
        )?;
        Ok(Network(row))
    }

    /// Deletes the network `slug` and its memberships (admin), if it is still at `version`;
    /// its news stay, without a publisher.
    async fn delete_network(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug of the network to delete.")] slug: String,
        #[graphql(
            desc = "The version the network was read at: a newer stored one fails with CONFLICT."
        )]
        version: i32,
    ) -> Res<Deleted> {
        admit(ctx, Scope::Admin).await?;
        let id = wrote(ctx, write::network::remove(db(ctx)?, &slug, version).await)?;
        Ok(Deleted {
            id: GlobalId::encode("Network", id),
        })
    }
}

fn checked(input: NetworkInput) -> Res<Edit> {
    let kind = input.kind.map(Into::into);
    Ok(Edit {
        slug: input.slug.map(|s| slug("input.slug", &s)).transpose()?,
        name: given_text("input.name", input.name, LINE)?,
        kind,
        label: clearable_text("input.label", input.label, LINE)?,
        website: clearable("input.website", input.website, |p, v: String| {
            check::url(p, &v)
        })?,
        aliases: each("input.aliases", input.aliases, |p, a| {
            Ok(check::text(p, &a, LINE)?)
        })?
        .unwrap_or_default(),
    })
}
