//! What a profile page cut short keeps as stored: the fields it never reached, and the one it
//! was cut in (see `profile::Profile::unstated`). The writer takes the page's values for every
//! other field and these from the store, so a cut copy never erases what it does not show.

use std::collections::BTreeSet;

use sea_orm::{ConnectionTrait, DbErr};

use super::profile::{Count, Field};
use crate::store::{self, Scope, TermKind};

/// The fields to keep; none for a whole page or a cluster not stored yet.
pub struct Kept {
    pub fields: Vec<Field>,
}

/// What both layouts state: where an old-layout page and a current-layout page of one
/// cluster disagree, the current one wins.
const SHARED: [Field; 11] = [
    Field::Established,
    Field::Staff,
    Field::Count(Count::Total),
    Field::Count(Count::Sme),
    Field::Count(Count::Startups),
    Field::Count(Count::Large),
    Field::Count(Count::Research),
    Field::Count(Count::Other),
    Field::Strategy,
    Field::Formalised,
    Field::Internationalisation,
];

impl Kept {
    /// Settles a page of the other layout than the one that wrote the stored cluster: a
    /// current-layout page replaces what the old one said, an old-layout page keeps what
    /// the current one said. Either way every disagreement is a warning, never dropped
    /// silently.
    pub fn settle_layouts(
        &mut self,
        current_layout: bool,
        page: &store::cluster::Fields,
        stored: &store::cluster::Fields,
        warnings: &mut super::Warnings,
    ) {
        for field in SHARED {
            if self.has(field) {
                continue;
            }
            let (new, old) = (value_of(field, page), value_of(field, stored));
            if new == old || old.is_none() {
                continue;
            }
            let what = name_of(field);
            let (new, old) = (shown(new), shown(old));
            if current_layout {
                warnings.push(
                    1,
                    format!("{what} {new} replaces the old-layout page's {old}"),
                );
            } else {
                self.fields.push(field);
                warnings.push(
                    1,
                    format!("{what}: the current-layout page's {old} is kept over this old-layout page's {new}"),
                );
            }
        }
    }

    pub fn has(&self, field: Field) -> bool {
        self.fields.contains(&field)
    }

    /// Whether the stored terms of `kind` stay: activity types are the activities' terms.
    pub fn keeps_terms_of(&self, kind: TermKind) -> bool {
        match kind {
            TermKind::ActivityType => self
                .fields
                .iter()
                .any(|f| matches!(f, Field::Activities(_))),
            kind => self.has(Field::Term(kind)),
        }
    }

    /// Copies the kept plain fields of the stored cluster over the page's.
    pub fn scalars(&self, page: &mut store::cluster::Fields, stored: &store::cluster::Fields) {
        for &field in &self.fields {
            match field {
                Field::Established => page.established = stored.established,
                // The region sits under the staff label: one field on the page.
                Field::Staff => {
                    page.staff_count = stored.staff_count;
                    page.region.clone_from(&stored.region);
                }
                Field::ExcellenceLabel => {
                    page.excellence_label.clone_from(&stored.excellence_label)
                }
                Field::Escp => page.escp_membership.clone_from(&stored.escp_membership),
                Field::Count(Count::Startups) => page.members_startups = stored.members_startups,
                Field::Count(count) => {
                    let i = count_index(count);
                    page.members[i] = stored.members[i];
                }
                Field::OtherLabels => page.other_labels.clone_from(&stored.other_labels),
                Field::Specialisation => page.specialisation.clone_from(&stored.specialisation),
                Field::ScaleUp => page
                    .scale_up_facilities
                    .clone_from(&stored.scale_up_facilities),
                Field::MajorPlayers => page.major_players.clone_from(&stored.major_players),
                Field::Strategy => {
                    page.strategy.clone_from(&stored.strategy);
                    page.objectives.clone_from(&stored.objectives);
                }
                Field::Formalised => page.formalised_strategy = stored.formalised_strategy,
                Field::Internationalisation => {
                    page.internationalisation_strategy = stored.internationalisation_strategy;
                }
                Field::Collaborates => page.collaborates_with.clone_from(&stored.collaborates_with),
                Field::Current => page.current.clone_from(&stored.current),
                // Lists: kept by the functions below, or not replaced at all.
                Field::Networks
                | Field::Team
                | Field::Term(_)
                | Field::ServiceDetails
                | Field::Countries(_)
                | Field::Activities(_)
                | Field::Programmes => {}
            }
        }
    }

    /// The stored terms of the kept taxonomies.
    pub async fn terms(
        &self,
        db: &impl ConnectionTrait,
        cluster: i32,
    ) -> Result<BTreeSet<i32>, DbErr> {
        if self.fields.is_empty() {
            return Ok(BTreeSet::new());
        }
        Ok(store::term::for_clusters(db, &[cluster])
            .await?
            .into_iter()
            .filter(|(_, t)| TermKind::parse(&t.kind).is_some_and(|k| self.keeps_terms_of(k)))
            .map(|(_, t)| t.id)
            .collect())
    }

    /// The stored target countries of the kept scopes, as (scope, code).
    pub async fn countries(
        &self,
        db: &impl ConnectionTrait,
        cluster: i32,
    ) -> Result<BTreeSet<(String, String)>, DbErr> {
        if !self.fields.iter().any(|f| matches!(f, Field::Countries(_))) {
            return Ok(BTreeSet::new());
        }
        Ok(store::cooperation_country::for_clusters(db, &[cluster])
            .await?
            .into_iter()
            .filter(|c| self.keeps_scope(Field::Countries, &c.scope))
            .map(|c| (c.scope, c.country_code))
            .collect())
    }

    /// The stored cooperation activities of the kept scopes, as (scope, term id).
    pub async fn activities(
        &self,
        db: &impl ConnectionTrait,
        cluster: i32,
    ) -> Result<BTreeSet<(String, i32)>, DbErr> {
        if !self
            .fields
            .iter()
            .any(|f| matches!(f, Field::Activities(_)))
        {
            return Ok(BTreeSet::new());
        }
        Ok(store::cooperation_activity::for_clusters(db, &[cluster])
            .await?
            .into_iter()
            .filter(|(_, scope, _)| self.keeps_scope(Field::Activities, scope))
            .map(|(_, scope, term)| (scope, term.id))
            .collect())
    }

    /// The stored memberships that kept fields stated: the networks field's, the
    /// collaboration field's, or both.
    pub async fn memberships(
        &self,
        db: &impl ConnectionTrait,
        cluster: i32,
    ) -> Result<Vec<store::membership::Row>, DbErr> {
        let bases: Vec<&str> = [
            (Field::Networks, "MEMBERSHIP_FIELD"),
            (Field::Collaborates, "COLLABORATION_FIELD"),
        ]
        .into_iter()
        .filter(|(f, _)| self.has(*f))
        .map(|(_, basis)| basis)
        .collect();
        if bases.is_empty() {
            return Ok(Vec::new());
        }
        Ok(
            store::membership::with_networks_for_clusters(db, &[cluster])
                .await?
                .into_iter()
                .map(|(m, _)| m)
                .filter(|m| bases.contains(&m.basis.as_str()))
                .map(|m| (m.network_id, m.basis, m.as_written))
                .collect(),
        )
    }

    fn keeps_scope(&self, field: fn(Option<Scope>) -> Field, scope: &str) -> bool {
        Scope::parse(scope).is_some_and(|s| self.has(field(Some(s))))
    }
}

/// A value as a warning quotes it.
fn shown(value: Option<String>) -> String {
    value.map_or_else(|| "unknown".to_owned(), |v| format!("{v:?}"))
}

/// A shared field's value, as text to compare and to report.
fn value_of(field: Field, f: &store::cluster::Fields) -> Option<String> {
    match field {
        Field::Established => f.established.map(|d| d.to_string()),
        Field::Staff => f.region.clone(),
        Field::Count(Count::Startups) => f.members_startups.map(|n| n.to_string()),
        Field::Count(c) => f.members[count_index(c)].map(|n| n.to_string()),
        Field::Strategy => f.strategy.clone(),
        Field::Formalised => f.formalised_strategy.map(|b| b.to_string()),
        Field::Internationalisation => f.internationalisation_strategy.map(|b| b.to_string()),
        _ => None,
    }
}

fn name_of(field: Field) -> &'static str {
    match field {
        Field::Established => "the founding date",
        Field::Staff => "the region",
        Field::Count(Count::Total) => "the member count",
        Field::Count(Count::Sme) => "the SME count",
        Field::Count(Count::Startups) => "the start-up count",
        Field::Count(Count::Large) => "the large-company count",
        Field::Count(Count::Research) => "the research-organisation count",
        Field::Count(Count::Other) => "the other-actors count",
        Field::Strategy => "the strategy",
        Field::Formalised => "the formalised-strategy flag",
        Field::Internationalisation => "the internationalisation flag",
        _ => "a field",
    }
}

fn count_index(count: Count) -> usize {
    match count {
        Count::Total => 0,
        // Kept beside the array, not in it.
        Count::Startups => usize::MAX,
        Count::Sme => 1,
        Count::Large => 2,
        Count::Research => 3,
        Count::Other => 4,
    }
}
