//! Cluster writes: the profile, its services, programme participations and memberships.

use crate::graphql::date::Date;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};

use super::input::{clearable, clearable_text, each, given_text, id_of, slug};
use super::{Deleted, admit, wrote};
use crate::auth::Scope;
use crate::graphql::GlobalId;
use crate::graphql::context::{Res, db};
use crate::graphql::types::{
    Cluster, ExcellenceLabel, ProgrammeParticipation, ReachScope, Service, TaxonomyKind,
};
use crate::store::{self, TermKind};
use crate::write::check::{self, LINE, PROSE};
use crate::write::cluster::{Edit, ParticipationEdit, Reach, ServiceEdit, TermRef};
use crate::{Error, write};

#[derive(Default)]
pub struct ClusterMutation;

/// A cluster's profile. On create, `name` is required; on update, fields left out stay as
/// they are, `null` clears a field, and a list given replaces the stored one.
#[derive(InputObject, Default)]
pub struct ClusterInput {
    /// Lower-case letters, digits and hyphens; derived from the name on create when left out.
    pub slug: Option<String>,
    /// The cluster organisation's name; required on create.
    pub name: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    pub country: MaybeUndefined<String>,
    /// Region within the country.
    pub region: MaybeUndefined<String>,
    /// Not in the future.
    pub established: MaybeUndefined<Date>,
    /// Staff in the management team.
    pub staff_count: MaybeUndefined<i32>,
    /// Cluster Excellence Label.
    pub excellence_label: MaybeUndefined<ExcellenceLabel>,
    /// Membership of European Strategic Cluster Partnerships, as written.
    pub escp_membership: MaybeUndefined<String>,
    /// Member counts.
    pub composition: Option<CompositionInput>,
    /// Entrepreneurship and scale-up support facilities in the ecosystem.
    pub scale_up_facilities: MaybeUndefined<String>,
    /// Names and links of major players.
    pub major_players: MaybeUndefined<String>,
    /// Strategy text: vision, mission, goals.
    pub strategy: MaybeUndefined<String>,
    /// Strategic objectives, one an entry; the list given replaces the stored one.
    pub objectives: Option<Vec<String>>,
    /// Whether the cluster has a formalised strategy.
    pub formalised_strategy: MaybeUndefined<bool>,
    /// Whether its strategy addresses internationalisation.
    pub internationalisation_strategy: MaybeUndefined<bool>,
    /// Which clusters it collaborates with, as free text.
    pub collaborates_with: MaybeUndefined<String>,
    /// An http or https address.
    pub source_url: MaybeUndefined<String>,
    /// Other names news use for the cluster.
    pub aliases: Option<Vec<String>>,
    /// The management team; the list given replaces the stored one.
    pub contacts: Option<Vec<ContactInput>>,
    /// Taxonomy terms of every kind but ACTIVITY_TYPE (those go under `cooperation`).
    pub terms: Option<Vec<TermInput>>,
    /// Cooperation targets per scope; the list given replaces the stored one.
    pub cooperation: Option<Vec<CooperationInput>>,
    /// Add terms no taxonomy has yet, instead of refusing them.
    #[graphql(default)]
    pub add_terms: bool,
}

/// Member counts; each left out stays, `null` makes it unknown.
#[derive(InputObject, Default)]
pub struct CompositionInput {
    /// Total number of members.
    pub total: MaybeUndefined<i32>,
    /// Number of SME members.
    pub sme: MaybeUndefined<i32>,
    /// Number of larger company members.
    pub large_companies: MaybeUndefined<i32>,
    /// Number of research organisations, universities and technology centres.
    pub research_organisations: MaybeUndefined<i32>,
    /// Number of other ecosystem actors.
    pub other_actors: MaybeUndefined<i32>,
}

/// A member of the management team.
#[derive(InputObject)]
pub struct ContactInput {
    /// Role in the team, e.g. "Cluster Manager".
    pub role: String,
    /// The person's name, where the profile gives it.
    pub name: Option<String>,
    /// Phone number as written.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
}

/// A taxonomy term, by its name (case and diacritics ignored).
#[derive(InputObject)]
pub struct TermInput {
    /// The taxonomy the term belongs to.
    pub taxonomy: TaxonomyKind,
    /// The term's name.
    pub name: String,
}

/// Target countries and activity types of one scope (INTERNATIONAL or EUROPEAN).
#[derive(InputObject)]
pub struct CooperationInput {
    /// Outside Europe (international) or within it (European).
    pub scope: ReachScope,
    #[graphql(default)]
    /// ISO 3166-1 alpha-2 codes of the main countries addressed.
    pub countries: Vec<String>,
    /// ACTIVITY_TYPE terms.
    #[graphql(default)]
    pub activities: Vec<String>,
}

/// A group of support services.
#[derive(InputObject, Default)]
pub struct ServiceInput {
    /// The group's heading; `null` for a group without one.
    pub heading: MaybeUndefined<String>,
    /// Replaces the group's items when given.
    pub items: Option<Vec<String>>,
}

/// A cluster's part in a funded programme; the programme is found by name, or added.
#[derive(InputObject)]
pub struct ParticipationInput {
    /// The programme's name, e.g. "Horizon 2020".
    pub programme: String,
    /// The programme's full title.
    pub title: Option<String>,
    /// The framework it belongs to, e.g. "FP7".
    pub framework: Option<String>,
    /// An http or https address.
    pub url: Option<String>,
    /// What the cluster did in it.
    pub description: Option<String>,
    #[graphql(default_with = "ReachScope::European")]
    /// European, or regional/national.
    pub scope: ReachScope,
    /// The row as a profile would write it; the programme's name when left out.
    pub as_written: Option<String>,
}

/// A written service group and its cluster at its new version.
#[derive(SimpleObject)]
pub struct ServicePayload {
    /// The cluster, at the version the write moved it to.
    pub cluster: Cluster,
    /// The service group as written.
    pub service: Service,
}

/// A written programme participation and its cluster at its new version.
#[derive(SimpleObject)]
pub struct ParticipationPayload {
    /// The cluster, at the version the write moved it to.
    pub cluster: Cluster,
    /// The participation as written.
    pub participation: ProgrammeParticipation,
}

#[Object]
impl ClusterMutation {
    /// Creates a cluster (write).
    async fn create_cluster(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The new cluster's profile; `name` is required, the slug is made from it unless given."
        )]
        input: ClusterInput,
    ) -> Res<Cluster> {
        admit(ctx, Scope::Write).await?;
        let edit = checked(input)?;
        let row = wrote(ctx, write::cluster::create(db(ctx)?, edit).await)?;
        Ok(Cluster(row))
    }

    /// Changes the cluster `slug` (write), if it is still at `version`: `CONFLICT` otherwise,
    /// with the current version in `extensions.currentVersion`.
    async fn update_cluster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug of the cluster to change.")] slug: String,
        #[graphql(
            desc = "The version the cluster was read at: a newer stored one fails with CONFLICT."
        )]
        version: i32,
        #[graphql(
            desc = "The fields to change: an absent field stays as it is, `null` clears it."
        )]
        input: ClusterInput,
    ) -> Res<Cluster> {
        admit(ctx, Scope::Write).await?;
        let edit = checked(input)?;
        let row = wrote(
            ctx,
            write::cluster::update(db(ctx)?, &slug, version, edit).await,
        )?;
        Ok(Cluster(row))
    }

    /// Deletes the cluster `slug` with its services, participations and memberships
    /// (admin), if it is still at `version`.
    async fn delete_cluster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug of the cluster to delete.")] slug: String,
        #[graphql(
            desc = "The version the cluster was read at: a newer stored one fails with CONFLICT."
        )]
        version: i32,
    ) -> Res<Deleted> {
        admit(ctx, Scope::Admin).await?;
        let id = wrote(ctx, write::cluster::remove(db(ctx)?, &slug, version).await)?;
        Ok(Deleted {
            id: GlobalId::encode("Cluster", id),
        })
    }

    /// Adds a group of support services to the cluster `cluster` at `version` (write).
    async fn add_service(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug of the cluster the service group joins.")] cluster: String,
        #[graphql(
            desc = "The version of the cluster it belongs to, as read: a part's write moves its cluster to the next version."
        )]
        version: i32,
        #[graphql(desc = "The service group: its heading and items.")] input: ServiceInput,
    ) -> Res<ServicePayload> {
        admit(ctx, Scope::Write).await?;
        let edit = service(input)?;
        let (row, group) = wrote(
            ctx,
            write::cluster::add_service(db(ctx)?, &cluster, version, edit).await,
        )?;
        service_payload(ctx, row, group).await
    }

    /// Changes a group of support services (write); `version` is its cluster's.
    async fn update_service(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id of the service group.")] id: ID,
        #[graphql(
            desc = "The version of the cluster it belongs to, as read: a part's write moves its cluster to the next version."
        )]
        version: i32,
        #[graphql(desc = "The fields of the group to change.")] input: ServiceInput,
    ) -> Res<ServicePayload> {
        admit(ctx, Scope::Write).await?;
        let id = id_of("id", "Service", &id)?;
        let edit = service(input)?;
        let (row, group) = wrote(
            ctx,
            write::cluster::update_service(db(ctx)?, id, version, edit).await,
        )?;
        service_payload(ctx, row, group).await
    }

    /// Deletes a group of support services (admin); `version` is its cluster's.
    async fn delete_service(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id of the service group to delete.")] id: ID,
        #[graphql(
            desc = "The version of the cluster it belongs to, as read: a part's write moves its cluster to the next version."
        )]
        version: i32,
    ) -> Res<Cluster> {
        admit(ctx, Scope::Admin).await?;
        let id = id_of("id", "Service", &id)?;
        let row = wrote(
            ctx,
            write::cluster::remove_service(db(ctx)?, id, version).await,
        )?;
        Ok(Cluster(row))
    }

    /// Records the cluster's part in a programme (write): added, or restated when the
    /// cluster already has that programme.
    async fn set_participation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug of the cluster taking part.")] cluster: String,
        #[graphql(
            desc = "The version of the cluster it belongs to, as read: a part's write moves its cluster to the next version."
        )]
        version: i32,
        #[graphql(desc = "The programme and how the cluster takes part in it.")]
        input: ParticipationInput,
    ) -> Res<ParticipationPayload> {
        admit(ctx, Scope::Write).await?;
        let edit = participation(input)?;
        let (row, part) = wrote(
            ctx,
            write::cluster::set_participation(db(ctx)?, &cluster, version, edit).await,
        )?;
        Ok(ParticipationPayload {
            cluster: Cluster(row),
            participation: ProgrammeParticipation(part, None),
        })
    }

    /// Deletes a programme participation (admin); `version` is its cluster's.
    async fn delete_participation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id of the participation to delete.")] id: ID,
        #[graphql(
            desc = "The version of the cluster it belongs to, as read: a part's write moves its cluster to the next version."
        )]
        version: i32,
    ) -> Res<Cluster> {
        admit(ctx, Scope::Admin).await?;
        let id = id_of("id", "Participation", &id)?;
        let row = wrote(
            ctx,
            write::cluster::remove_participation(db(ctx)?, id, version).await,
        )?;
        Ok(Cluster(row))
    }

    /// Makes the cluster a member of the network `network`, a slug (write).
    async fn join_network(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug of the cluster joining.")] cluster: String,
        #[graphql(
            desc = "The version of the cluster it belongs to, as read: a part's write moves its cluster to the next version."
        )]
        version: i32,
        #[graphql(desc = "Slug of the network it joins.")] network: String,
    ) -> Res<Cluster> {
        admit(ctx, Scope::Write).await?;
        let row = wrote(
            ctx,
            write::cluster::join(db(ctx)?, &cluster, version, &network).await,
        )?;
        Ok(Cluster(row))
    }

    /// Ends the cluster's membership of the network `network` (admin, as every removal).
    async fn leave_network(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug of the cluster leaving.")] cluster: String,
        #[graphql(
            desc = "The version of the cluster it belongs to, as read: a part's write moves its cluster to the next version."
        )]
        version: i32,
        #[graphql(desc = "Slug of the network it leaves.")] network: String,
    ) -> Res<Cluster> {
        admit(ctx, Scope::Admin).await?;
        let row = wrote(
            ctx,
            write::cluster::leave(db(ctx)?, &cluster, version, &network).await,
        )?;
        Ok(Cluster(row))
    }
}

async fn service_payload(
    ctx: &Context<'_>,
    row: store::cluster::Model,
    group: store::service_group::Model,
) -> Res<ServicePayload> {
    let mut with = store::service_group::with_items(db(ctx)?, vec![group])
        .await
        .map_err(Error::from)?;
    let (group, items) = with
        .pop()
        .ok_or_else(|| Error::Invariant("service vanished"))?;
    Ok(ServicePayload {
        cluster: Cluster(row),
        service: Service::of(group, items),
    })
}

fn bad(path: &str, message: String) -> async_graphql::Error {
    Error::invalid_field(path, message).into()
}

fn ext<T>(r: crate::Result<T>) -> Res<T> {
    Ok(r?)
}

/// Checks every field of `input`, naming the first that fails.
fn checked(input: ClusterInput) -> Res<Edit> {
    let today = check::today();
    let mut edit = Edit {
        slug: input.slug.map(|s| slug("input.slug", &s)).transpose()?,
        name: given_text("input.name", input.name, LINE)?,
        country: clearable("input.country", input.country, |p, v: String| {
            check::country(p, &v)
        })?,
        region: clearable_text("input.region", input.region, LINE)?,
        established: clearable("input.established", input.established, |p, d: Date| {
            check::date(p, d.0, today)
        })?,
        staff_count: clearable("input.staffCount", input.staff_count, check::count)?,
        excellence_label: clearable("input.excellenceLabel", input.excellence_label, |_, l| {
            Ok(l.as_str().to_owned())
        })?,
        escp_membership: clearable_text("input.escpMembership", input.escp_membership, LINE)?,
        scale_up_facilities: clearable_text(
            "input.scaleUpFacilities",
            input.scale_up_facilities,
            PROSE,
        )?,
        major_players: clearable_text("input.majorPlayers", input.major_players, PROSE)?,
        strategy: clearable_text("input.strategy", input.strategy, PROSE)?,
        objectives: each("input.objectives", input.objectives, |p, o| {
            ext(check::text(p, &o, LINE))
        })?,
        formalised_strategy: clearable(
            "input.formalisedStrategy",
            input.formalised_strategy,
            |_, b| Ok(b),
        )?,
        internationalisation_strategy: clearable(
            "input.internationalisationStrategy",
            input.internationalisation_strategy,
            |_, b| Ok(b),
        )?,
        collaborates_with: clearable_text(
            "input.collaboratesWith",
            input.collaborates_with,
            PROSE,
        )?,
        source_url: clearable("input.sourceUrl", input.source_url, |p, v: String| {
            check::url(p, &v)
        })?,
        aliases: each("input.aliases", input.aliases, |p, a| {
            ext(check::text(p, &a, LINE))
        })?,
        contacts: each("input.contacts", input.contacts, contact)?,
        terms: each("input.terms", input.terms, term)?,
        cooperation: each("input.cooperation", input.cooperation, reach)?,
        add_terms: input.add_terms,
        ..Edit::default()
    };
    if let Some(c) = input.composition {
        edit.members = composition(c)?;
    }
    if let Some(cooperation) = &edit.cooperation {
        scopes_once(cooperation)?;
    }
    Ok(edit)
}

/// A taxonomy term of the input; activity types belong to cooperation instead.
fn term(p: &str, t: TermInput) -> Res<TermRef> {
    if t.taxonomy == TaxonomyKind::ActivityType {
        return Err(bad(
            &format!("{p}.taxonomy"),
            format!("{p}.taxonomy: activity types go under `cooperation`"),
        ));
    }
    Ok(TermRef {
        kind: t.taxonomy.into(),
        name: ext(check::text(&format!("{p}.name"), &t.name, LINE))?,
        path: format!("{p}.name"),
    })
}

/// A cooperation target: international or European, with its countries and activities.
fn reach(p: &str, c: CooperationInput) -> Res<Reach> {
    if c.scope == ReachScope::National {
        return Err(bad(
            &format!("{p}.scope"),
            format!("{p}.scope: cooperation is INTERNATIONAL or EUROPEAN"),
        ));
    }
    let countries = each(&format!("{p}.countries"), Some(c.countries), |q, code| {
        ext(check::country(q, &code))
    })?
    .unwrap_or_default();
    let activities = each(&format!("{p}.activities"), Some(c.activities), |q, a| {
        Ok(TermRef {
            kind: TermKind::ActivityType,
            name: ext(check::text(q, &a, LINE))?,
            path: q.to_owned(),
        })
    })?
    .unwrap_or_default();
    Ok(Reach {
        scope: c.scope.into(),
        countries,
        activities,
    })
}

/// The member counts of `c`, each given, cleared or left as stored.
fn composition(c: CompositionInput) -> Res<[Option<Option<i32>>; 5]> {
    let counts = [
        ("total", c.total),
        ("sme", c.sme),
        ("largeCompanies", c.large_companies),
        ("researchOrganisations", c.research_organisations),
        ("otherActors", c.other_actors),
    ];
    let mut members = [None; 5];
    for (slot, (name, value)) in members.iter_mut().zip(counts) {
        *slot = clearable(&format!("input.composition.{name}"), value, check::count)?;
    }
    Ok(members)
}

/// Each cooperation scope appears at most once.
fn scopes_once(cooperation: &[Reach]) -> Res<()> {
    let mut scopes = std::collections::HashSet::new();
    for (i, reach) in cooperation.iter().enumerate() {
        if !scopes.insert(reach.scope) {
            return Err(bad(
                &format!("input.cooperation.{i}.scope"),
                "each scope may appear once".into(),
            ));
        }
    }
    Ok(())
}

fn contact(path: &str, c: ContactInput) -> Res<store::contact::Row> {
    let optional = |field: &str, v: Option<String>, f: fn(&str, &str) -> crate::Result<String>| {
        let p = format!("{path}.{field}");
        match v.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(v) => ext(f(&p, v)).map(Some),
        }
    };
    Ok((
        ext(check::text(&format!("{path}.role"), &c.role, LINE))?,
        optional("name", c.name, |p, v| check::text(p, v, LINE))?,
        optional("phone", c.phone, check::phone)?,
        optional("email", c.email, check::email)?,
    ))
}

fn service(input: ServiceInput) -> Res<ServiceEdit> {
    Ok(ServiceEdit {
        heading: clearable_text("input.heading", input.heading, LINE)?,
        items: each("input.items", input.items, |p, i| {
            ext(check::text(p, &i, PROSE))
        })?,
    })
}

fn participation(input: ParticipationInput) -> Res<ParticipationEdit> {
    let opt = |p: &str, v: Option<String>, max| ext(check::optional_text(p, v.as_deref(), max));
    Ok(ParticipationEdit {
        programme: store::programme::Fields {
            name: ext(check::text("input.programme", &input.programme, LINE))?,
            title: opt("input.title", input.title, LINE)?,
            framework: opt("input.framework", input.framework, LINE)?,
            url: input
                .url
                .filter(|u| !u.trim().is_empty())
                .map(|u| ext(check::url("input.url", &u)))
                .transpose()?,
            description: opt("input.description", input.description, PROSE)?,
        },
        scope: input.scope.into(),
        as_written: opt("input.asWritten", input.as_written, PROSE)?,
    })
}
