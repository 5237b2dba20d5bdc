//! The cluster profile page of the European Cluster Collaboration Platform (2016-2020 layout).
//!
//! A profile is a run of `Label:` lines, each followed by its values on the next lines. An
//! empty field is a label directly followed by the next label, so values are whatever lies
//! between two known labels or section headings; anything that looks like a label but is not
//! in the dictionary is reported, never swallowed.

use chrono::NaiveDate;

use super::lines::{Line, NAME_MAX_CHARS, is_chrome, label_key};
use super::programmes::{self, ProgrammeRow};
use super::{Warnings, dates};
use crate::geo;
use crate::store::{Scope, TermKind};
use crate::text::name_key;

/// Everything a profile page states, before it meets the store.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profile {
    pub name: Option<String>,
    pub established: Option<NaiveDate>,
    pub staff_count: Option<i32>,
    pub region: Option<String>,
    pub excellence_label: Option<String>,
    pub escp_membership: Option<String>,
    /// (line, name as written)
    pub networks: Vec<(usize, String)>,
    pub contacts: Vec<ContactRow>,
    pub terms: Vec<(TermKind, String)>,
    pub members_total: Option<i32>,
    pub members_sme: Option<i32>,
    pub members_large: Option<i32>,
    pub members_research: Option<i32>,
    pub members_other: Option<i32>,
    pub members_startups: Option<i32>,
    pub other_labels: Vec<String>,
    pub specialisation: Vec<String>,
    pub scale_up_facilities: Option<String>,
    pub major_players: Option<String>,
    pub strategy: Option<String>,
    pub objectives: Vec<String>,
    pub formalised_strategy: Option<bool>,
    pub internationalisation_strategy: Option<bool>,
    pub services: Vec<ServiceGroupRow>,
    pub cooperation_countries: Vec<(Scope, &'static str)>,
    pub cooperation_activities: Vec<(Scope, String)>,
    pub collaborates_with: Option<String>,
    pub programmes: Vec<ProgrammeRow>,
    /// The fields of a page cut short that it never reached, and the one it was cut in:
    /// they keep what the store holds. Empty for a whole page.
    pub unstated: Vec<Field>,
    /// The country the page itself names (the current layout's `Country: Region`).
    pub country: Option<&'static str>,
    /// What only the current layout states.
    pub current: crate::store::cluster::Current,
    /// Read from the current layout (L2), which wins over the old one.
    pub current_layout: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContactRow {
    pub role: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceGroupRow {
    pub heading: Option<String>,
    pub items: Vec<String>,
}

/// A field of the profile, as its label names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Established,
    Staff,
    ExcellenceLabel,
    Escp,
    OtherLabels,
    Networks,
    Team,
    Term(TermKind),
    Count(Count),
    ScaleUp,
    MajorPlayers,
    Strategy,
    Formalised,
    Internationalisation,
    ServiceDetails,
    Countries(Option<Scope>),
    Activities(Option<Scope>),
    Collaborates,
    Programmes,
    Specialisation,
    /// The current layout's own facts (`store::cluster::Current`), which old-layout pages
    /// never state.
    Current,
}

/// One of the composition's counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    Total,
    Sme,
    Startups,
    Large,
    Research,
    Other,
}

/// The label dictionary, in the normalised form of `label_key`.
const LABELS: &[(&str, Field)] = &[
    (
        "The date when the cluster organisation was established:",
        Field::Established,
    ),
    (
        "Number of staff in the management team of the cluster organisation:",
        Field::Staff,
    ),
    ("Cluster Excellence Label:", Field::ExcellenceLabel),
    ("Other Label:", Field::OtherLabels),
    (
        "Membership to European Strategic Cluster Partnerships (ESCP-4i or ESCP-S3):",
        Field::Escp,
    ),
    (
        "Membership to European Strategic Cluster Partnerships (ESCP-4i, ESCP-S3 or ESCP-4x):",
        Field::Escp,
    ),
    (
        "Membership to other networks/partnerships:",
        Field::Networks,
    ),
    ("Cluster Management Team:", Field::Team),
    ("Languages spoken:", Field::Term(TermKind::Language)),
    ("Sectoral Industries:", Field::Term(TermKind::Sector)),
    ("Technology fields:", Field::Term(TermKind::TechnologyField)),
    ("S3 EU priority areas:", Field::Term(TermKind::S3Priority)),
    (
        "Emerging industries:",
        Field::Term(TermKind::EmergingIndustry),
    ),
    (
        "Areas of specialisation of the cluster not covered above:",
        Field::Specialisation,
    ),
    ("Total number of members:", Field::Count(Count::Total)),
    ("Number of SME members:", Field::Count(Count::Sme)),
    (
        "Number of start-ups among SME members:",
        Field::Count(Count::Startups),
    ),
    (
        "Number of larger company members:",
        Field::Count(Count::Large),
    ),
    (
        "Number of research organisations/universities/technology centres:",
        Field::Count(Count::Research),
    ),
    (
        "Number of other ecosystem actors:",
        Field::Count(Count::Other),
    ),
    (
        "Entrepreneurship and scale-up support facilities in the cluster's ecosystem (see \"Organisation type\"):",
        Field::ScaleUp,
    ),
    ("Name and link of major players:", Field::MajorPlayers),
    ("Do you have a formalised strategy?:", Field::Formalised),
    (
        "Do you have a specific strategy focus that addresses internationalisation?:",
        Field::Internationalisation,
    ),
    (
        "Support services provided:",
        Field::Term(TermKind::ServiceType),
    ),
    ("Details of support services:", Field::ServiceDetails),
    (
        "The main countries addressed by the cluster organisation outside Europe:",
        Field::Countries(Some(Scope::International)),
    ),
    (
        "The main countries addressed by the cluster organisation in Europe:",
        Field::Countries(Some(Scope::European)),
    ),
    (
        "The main countries targeted by the cluster organisation:",
        Field::Countries(None),
    ),
    (
        "Our cluster organisation undertook the following international activities to support our members:",
        Field::Activities(Some(Scope::International)),
    ),
    (
        "Our cluster organisation undertook the following activities in Europe to support our members:",
        Field::Activities(Some(Scope::European)),
    ),
    (
        "Our cluster organisation undertook the following trans-national activities to support our members:",
        Field::Activities(Some(Scope::European)),
    ),
    (
        "Which clusters do you collaborate with?:",
        Field::Collaborates,
    ),
    (
        "Participation in Funded Support Programmes:",
        Field::Programmes,
    ),
];

/// Section headings; the cooperation ones tell the scope of the "targeted" labels below them.
const HEADINGS: &[(&str, Option<Scope>)] = &[
    ("General Information", None),
    ("Sectoral and Industrial Focus", None),
    ("Composition of the cluster", None),
    ("Cluster Strategy", None),
    ("Cooperation Activities", None),
    ("International Cooperation", Some(Scope::International)),
    ("European Cooperation", Some(Scope::European)),
    ("Trans-national Cooperation", Some(Scope::European)),
    ("Support Programmes", None),
];

/// Line numbers of the profile labels on the page: a profile shows every label, even empty.
pub fn label_lines(lines: &[Line<'_>]) -> Vec<usize> {
    lines
        .iter()
        .filter(|l| label_key(&l.text).is_some_and(|k| field_of(&k).is_some()))
        .map(|l| l.number)
        .collect()
}

fn field_of(key: &str) -> Option<Field> {
    LABELS.iter().find(|(l, _)| *l == key).map(|&(_, f)| f)
}

/// Reads a profile page. Never fails: what it cannot use becomes a warning.
pub fn parse(lines: &[Line<'_>], warnings: &mut Warnings) -> Profile {
    let mut profile = Profile::default();
    let mut title_lines: Vec<&Line<'_>> = Vec::new();
    let mut breadcrumb = None;
    let mut current: Option<(Field, usize)> = None;
    let mut scope: Option<Scope> = None;
    let mut values: Vec<&Line<'_>> = Vec::new();
    let mut seen_body = false;
    let mut reached: Vec<(Field, usize)> = Vec::new();

    for line in lines {
        if is_chrome(&line.text) {
            if let Some(rest) = line.text.trim().strip_prefix("Home > ") {
                breadcrumb = rest
                    .rsplit(" > ")
                    .next()
                    .map(|b| (line.number, b.to_owned()));
            }
            continue;
        }
        let trimmed = line.text.trim();
        if let Some(&(_, heading_scope)) = HEADINGS.iter().find(|(h, _)| *h == trimmed) {
            flush(&mut profile, current.take(), &mut values, warnings);
            seen_body = true;
            if heading_scope.is_some() {
                scope = heading_scope;
            }
            if trimmed == "Cluster Strategy" {
                reached.push((Field::Strategy, line.number));
                current = Some((Field::Strategy, line.number));
            }
            continue;
        }
        if let Some(key) = label_key(trimmed) {
            if let Some(field) = field_of(&key) {
                flush(&mut profile, current.take(), &mut values, warnings);
                seen_body = true;
                let field = match field {
                    Field::Countries(None) => {
                        Field::Countries(Some(scope_or_warn(scope, line, warnings)))
                    }
                    Field::Activities(None) => {
                        Field::Activities(Some(scope_or_warn(scope, line, warnings)))
                    }
                    other => other,
                };
                reached.push((field, line.number));
                current = Some((field, line.number));
                continue;
            }
            // A colon-ended line inside free text ("Mission:", "Lobbying activities:") is content.
            let free_text = matches!(
                current,
                Some((
                    Field::Strategy
                        | Field::ServiceDetails
                        | Field::Collaborates
                        | Field::Programmes,
                    _
                ))
            );
            if !free_text && line.raw.trim_end().ends_with('\u{a0}') {
                warnings.push(
                    line.number,
                    format!("unknown label {trimmed:?}: its values are skipped"),
                );
                flush(&mut profile, current.take(), &mut values, warnings);
                continue;
            }
        }
        match current {
            Some(_) => values.push(line),
            None if !seen_body && !line.is_blank() => title_lines.push(line),
            None if !line.is_blank() => warnings.push(
                line.number,
                format!("text outside any field skipped: {trimmed:?}"),
            ),
            None => {}
        }
    }
    flush(&mut profile, current.take(), &mut values, warnings);
    profile.unstated = unstated(&reached, warnings);
    // This layout never states what only the current one does.
    profile.unstated.push(Field::Current);

    profile.name = title_lines
        .first()
        .and_then(|l| page_name(l.number, l.text.trim(), "the title line", warnings))
        .or_else(|| {
            let (n, last) = breadcrumb?;
            page_name(n, &last, "the breadcrumb's last entry", warnings)
        });
    for extra in title_lines.iter().skip(1) {
        warnings.push(
            extra.number,
            format!(
                "unexpected line before the profile: {:?}",
                extra.text.trim()
            ),
        );
    }
    profile
}

/// Every field a profile may state, the scoped ones once per scope.
pub(crate) fn every_field() -> impl Iterator<Item = Field> {
    let scopes = [Scope::International, Scope::European];
    let mut fields: Vec<Field> = Vec::new();
    for &(_, field) in LABELS {
        let expanded: Vec<Field> = match field {
            Field::Countries(None) => scopes.map(|s| Field::Countries(Some(s))).to_vec(),
            Field::Activities(None) => scopes.map(|s| Field::Activities(Some(s))).to_vec(),
            other => vec![other],
        };
        for f in expanded {
            if !fields.contains(&f) {
                fields.push(f);
            }
        }
    }
    fields.push(Field::Strategy);
    fields.into_iter()
}

/// What a page cut short leaves unsaid. Every whole profile ends with the support
/// programmes' label, filled or not; a page without it was cut, and the field it was cut in
/// may hold only part of its values. Those fields and the ones never reached keep what the
/// store holds, so that a cut copy never erases what it does not show.
fn unstated(reached: &[(Field, usize)], warnings: &mut Warnings) -> Vec<Field> {
    let Some(&(cut, line)) = reached.last() else {
        return Vec::new();
    };
    if reached.iter().any(|(f, _)| *f == Field::Programmes) {
        return Vec::new();
    }
    let mut fields: Vec<Field> = every_field()
        .filter(|f| !reached.iter().any(|(r, _)| r == f))
        .collect();
    fields.push(cut);
    warnings.push(
        line,
        format!(
            "the page ends in this field: a page cut short? This field and the {} it does not reach keep their stored values",
            fields.len() - 1
        ),
    );
    fields
}

fn scope_or_warn(scope: Option<Scope>, line: &Line<'_>, warnings: &mut Warnings) -> Scope {
    scope.unwrap_or_else(|| {
        warnings.push(
            line.number,
            "cooperation field outside a cooperation section; taken as European",
        );
        Scope::European
    })
}

/// Non-empty values, trimmed, with their line numbers (a bullet with nothing after it is
/// no value).
fn items(values: &[&Line<'_>]) -> Vec<(usize, String)> {
    values
        .iter()
        .map(|l| (l.number, l.bullet().unwrap_or(l.text.trim())))
        .filter(|(_, v)| !v.is_empty())
        .map(|(n, v)| (n, v.to_owned()))
        .collect()
}

fn single(
    field_line: usize,
    values: &[&Line<'_>],
    what: &str,
    warnings: &mut Warnings,
) -> Option<(usize, String)> {
    let mut all = items(values);
    if all.len() > 1 {
        warnings.push(
            field_line,
            format!("{what}: {} values, only the first is kept", all.len()),
        );
    }
    if all.is_empty() {
        None
    } else {
        Some(all.swap_remove(0))
    }
}

fn flush(
    profile: &mut Profile,
    current: Option<(Field, usize)>,
    values: &mut Vec<&Line<'_>>,
    warnings: &mut Warnings,
) {
    let Some((field, at)) = current else {
        values.clear();
        return;
    };
    let taken = std::mem::take(values);
    match field {
        Field::Established => profile.established = established(at, &taken, warnings),
        Field::Staff => staff_or_region(profile, at, &taken, warnings),
        Field::ExcellenceLabel => profile.excellence_label = excellence(at, &taken, warnings),
        Field::Escp => profile.escp_membership = joined(&taken),
        Field::Networks => profile.networks = names(&taken, "network", warnings),
        Field::Team => profile.contacts = contacts(&items(&taken), warnings),
        Field::Term(kind) => profile.terms.extend(
            names(&taken, "value", warnings)
                .into_iter()
                .map(|(_, v)| (kind, v)),
        ),
        Field::Count(which) => {
            let value = member_count(at, &taken, warnings);
            let slot = match which {
                Count::Total => &mut profile.members_total,
                Count::Sme => &mut profile.members_sme,
                Count::Startups => &mut profile.members_startups,
                Count::Large => &mut profile.members_large,
                Count::Research => &mut profile.members_research,
                Count::Other => &mut profile.members_other,
            };
            *slot = value;
        }
        Field::ScaleUp => profile.scale_up_facilities = facilities(&taken),
        Field::MajorPlayers => profile.major_players = major_players(&taken),
        Field::OtherLabels => {
            profile.other_labels = names(&taken, "label", warnings)
                .into_iter()
                .map(|(_, v)| v)
                .collect();
        }
        Field::Specialisation => {
            profile.specialisation = taken
                .iter()
                .flat_map(|l| l.text.split(','))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
        }
        Field::Strategy => {
            let (text, bullets) = prose(&taken);
            profile.strategy = text;
            profile.objectives = bullets;
        }
        Field::Formalised => profile.formalised_strategy = yes_no(at, &taken, warnings),
        Field::Internationalisation => {
            profile.internationalisation_strategy = yes_no(at, &taken, warnings)
        }
        Field::ServiceDetails => profile.services = service_groups(&taken, warnings),
        Field::Countries(scope) => {
            let scope = scope.unwrap_or(Scope::European);
            for (n, v) in items(&taken) {
                match geo::by_name(&v) {
                    Some(c) => profile.cooperation_countries.push((scope, c.code)),
                    None => warnings.push(n, format!("unknown country {v:?}; skipped")),
                }
            }
        }
        Field::Activities(scope) => {
            let scope = scope.unwrap_or(Scope::European);
            for (_, v) in names(&taken, "activity type", warnings) {
                profile.terms.push((TermKind::ActivityType, v.clone()));
                profile.cooperation_activities.push((scope, v));
            }
        }
        Field::Collaborates => profile.collaborates_with = joined(&taken),
        Field::Programmes => profile.programmes = programmes::parse(&taken, warnings),
        // No label of this layout: the current layout's parser fills it.
        Field::Current => {}
    }
}

/// The founding date: one value, a date with a four-digit year.
fn established(at: usize, taken: &[&Line<'_>], warnings: &mut Warnings) -> Option<NaiveDate> {
    let (n, v) = single(at, taken, "establishment date", warnings)?;
    match dates::parse(&v) {
        Some(d) if !dates::four_digit_year(d.date) => {
            warnings.push(
                n,
                format!("establishment date {v:?} has no four-digit year; skipped"),
            );
            None
        }
        Some(d) => {
            if d.weekday_conflict {
                warnings.push(
                    n,
                    format!("{v:?}: the weekday does not match the date; the date is kept"),
                );
            }
            Some(d.date)
        }
        None => {
            warnings.push(
                n,
                format!("establishment date {v:?} is not a date; skipped"),
            );
            None
        }
    }
}

/// The staff count, or the region the platform renders under the staff-count label.
fn staff_or_region(profile: &mut Profile, at: usize, taken: &[&Line<'_>], warnings: &mut Warnings) {
    let Some((n, v)) = single(at, taken, "staff count", warnings) else {
        return;
    };
    match parse_count(&v) {
        Some(Ok(count)) => profile.staff_count = Some(count),
        Some(Err(why)) => warnings.push(n, format!("staff count {v:?} {why}; taken as unknown")),
        None => {
            let region = v.strip_prefix("Region of ").unwrap_or(&v).trim();
            if let Some(region) = name_value(n, region, "region", warnings) {
                warnings.push(
                    n,
                    format!("{v:?} under the staff-count label taken as the region"),
                );
                profile.region = Some(region);
            }
        }
    }
}

/// BRONZE, SILVER or GOLD, from "Bronze Label".
fn excellence(at: usize, taken: &[&Line<'_>], warnings: &mut Warnings) -> Option<String> {
    let (n, v) = single(at, taken, "excellence label", warnings)?;
    let level = v
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    if matches!(level.as_str(), "BRONZE" | "SILVER" | "GOLD") {
        Some(level)
    } else {
        warnings.push(n, format!("unknown excellence label {v:?}; skipped"));
        None
    }
}

/// A member count: a number, else unknown with a warning.
fn member_count(at: usize, taken: &[&Line<'_>], warnings: &mut Warnings) -> Option<i32> {
    let (n, v) = single(at, taken, "member count", warnings)?;
    match parse_count(&v) {
        Some(Ok(count)) => Some(count),
        Some(Err(why)) => {
            warnings.push(n, format!("member count {v:?} {why}; taken as unknown"));
            None
        }
        None => {
            warnings.push(
                n,
                format!("member count {v:?} is not a number; taken as unknown"),
            );
            None
        }
    }
}

/// The header the facility table's three columns leave glued into one line.
const FACILITY_HEADER: &str = "Organisation/Facility NameOrganisation/Facility TypeWebsite";

/// The scale-up facilities, one a line, without the table's glued header.
fn facilities(values: &[&Line<'_>]) -> Option<String> {
    let rows: Vec<&Line<'_>> = values
        .iter()
        .copied()
        .filter(|l| l.text.trim() != FACILITY_HEADER)
        .collect();
    joined(&rows)
}

/// Organisation types the major players' list puts on a line of their own.
const PLAYER_TYPES: &[&str] = &[
    "Larger Company",
    "Large Company",
    "SME",
    "Research Organisation",
    "University",
    "Technology Centre",
    "Public Authority",
    "Other",
];

/// The major players, one a line: a bare type line belongs to the name above it
/// ("Energy Agency of Plovdiv (Research Organisation)"); a list of types alone stays one.
fn major_players(values: &[&Line<'_>]) -> Option<String> {
    let mut players: Vec<String> = Vec::new();
    let mut typed_last = true;
    for line in values.iter().filter(|l| !l.is_blank()) {
        let t = line.text.trim();
        match players.last_mut() {
            Some(last) if PLAYER_TYPES.contains(&t) && !typed_last => {
                last.push_str(&format!(" ({t})"));
                typed_last = true;
            }
            _ => {
                typed_last = PLAYER_TYPES.contains(&t);
                players.push(t.to_owned());
            }
        }
    }
    (!players.is_empty()).then(|| players.join("\n"))
}

/// A count as written ("1,250"): `None` when the value is no number at all, an error when it
/// is a number no count column holds (negative, or beyond a 32-bit integer).
fn parse_count(v: &str) -> Option<Result<i32, &'static str>> {
    let digits: String = v
        .chars()
        .filter(|c| !matches!(c, ' ' | ',' | '.' | '\u{a0}'))
        .collect();
    let (negative, magnitude) = match digits.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, digits.as_str()),
    };
    if magnitude.is_empty() || !magnitude.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(match magnitude.parse::<i32>() {
        _ if negative => Err("is negative"),
        Ok(n) => Ok(n),
        Err(_) => Err("is too large"),
    })
}

/// `v` when it fits as a name; otherwise a warning at line `n` and `None`.
fn name_value(n: usize, v: &str, what: &str, warnings: &mut Warnings) -> Option<String> {
    let chars = v.chars().count();
    if chars > NAME_MAX_CHARS {
        warnings.push(
            n,
            format!("{what} of {chars} characters is too long for a name (at most {NAME_MAX_CHARS}); skipped"),
        );
        return None;
    }
    Some(v.to_owned())
}

/// The cluster's name as its title or breadcrumb gives it: one that fits as a name and has a
/// letter or digit to make the cluster's slug of.
fn page_name(n: usize, v: &str, what: &str, warnings: &mut Warnings) -> Option<String> {
    if name_key(v).is_empty() {
        warnings.push(
            n,
            format!("{what} {v:?} has no letter or digit: it names nothing"),
        );
        return None;
    }
    name_value(n, v, what, warnings)
}

/// The non-blank values that fit as names, with their lines.
fn names(values: &[&Line<'_>], what: &str, warnings: &mut Warnings) -> Vec<(usize, String)> {
    items(values)
        .into_iter()
        .filter_map(|(n, v)| name_value(n, &v, what, warnings).map(|v| (n, v)))
        .collect()
}

fn yes_no(at: usize, values: &[&Line<'_>], warnings: &mut Warnings) -> Option<bool> {
    let (n, v) = single(at, values, "yes/no answer", warnings)?;
    match v.to_ascii_lowercase().as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            warnings.push(n, format!("{v:?} is neither yes nor no; taken as unknown"));
            None
        }
    }
}

fn joined(values: &[&Line<'_>]) -> Option<String> {
    let all: Vec<String> = items(values).into_iter().map(|(_, v)| v).collect();
    (!all.is_empty()).then(|| all.join("\n"))
}

/// Free text as paragraphs (blank-line runs collapse to one break), with bullets apart.
fn prose(values: &[&Line<'_>]) -> (Option<String>, Vec<String>) {
    let mut paragraphs = Vec::new();
    let mut bullets = Vec::new();
    for line in values {
        if let Some(b) = line.bullet() {
            bullets.push(b.to_owned());
        } else if !line.is_blank() {
            paragraphs.push(line.text.trim().to_owned());
        }
    }
    (
        (!paragraphs.is_empty()).then(|| paragraphs.join("\n\n")),
        bullets,
    )
}

fn is_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    digits >= 6
        && s.chars()
            .all(|c| c.is_ascii_digit() || " +()-/.".contains(c))
}

/// Words that make a line a role rather than a person's name.
const ROLE_WORDS: &[&str] = &[
    "manager",
    "responsible",
    "director",
    "president",
    "coordinator",
    "officer",
    "head",
    "chair",
    "secretary",
    "assistant",
    "contact",
    "representative",
    "expert",
    "leader",
    "ceo",
    "executive",
];

fn is_role(s: &str) -> bool {
    let lower = s.to_lowercase();
    lower.split_whitespace().any(|w| ROLE_WORDS.contains(&w))
}

/// The team is a list of roles, each followed by a phone, an e-mail and a name where given.
fn contacts(values: &[(usize, String)], warnings: &mut Warnings) -> Vec<ContactRow> {
    let mut out: Vec<ContactRow> = Vec::new();
    for (n, v) in values {
        let current = out.last_mut();
        match current {
            Some(c) if is_phone(v) && c.phone.is_none() => c.phone = Some(v.clone()),
            Some(c) if v.contains('@') && c.email.is_none() => c.email = Some(v.clone()),
            Some(c) if !is_role(v) && !is_phone(v) && c.name.is_none() => c.name = Some(v.clone()),
            _ if is_phone(v) || v.contains('@') => {
                warnings.push(
                    *n,
                    format!("contact detail {v:?} without a role; kept under an unnamed role"),
                );
                out.push(ContactRow {
                    role: "Contact".into(),
                    phone: is_phone(v).then(|| v.clone()),
                    email: v.contains('@').then(|| v.clone()),
                    ..ContactRow::default()
                });
            }
            _ => out.push(ContactRow {
                role: v.clone(),
                ..ContactRow::default()
            }),
        }
    }
    out
}

/// Service details: a plain line opens a group under that heading; bullets fill it; bullets
/// after a blank gap open a group whose heading the page lost.
fn service_groups(values: &[&Line<'_>], warnings: &mut Warnings) -> Vec<ServiceGroupRow> {
    let mut groups: Vec<(usize, ServiceGroupRow)> = Vec::new();
    let mut gap = true;
    for line in values {
        if line.is_blank() {
            gap = true;
            continue;
        }
        if let Some(item) = line.bullet() {
            let open_new = match groups.last() {
                None => true,
                Some((_, g)) => gap && !g.items.is_empty(),
            };
            if open_new {
                groups.push((line.number, ServiceGroupRow::default()));
            }
            if let Some((_, g)) = groups.last_mut() {
                g.items.push(item.to_owned());
            }
        } else {
            let text = line.text.trim();
            if text.len() > 100 || text.ends_with('.') {
                // A paragraph, not a heading: an item of its own group.
                groups.push((
                    line.number,
                    ServiceGroupRow {
                        heading: None,
                        items: vec![text.to_owned()],
                    },
                ));
            } else {
                let heading = text.trim_end_matches(':').trim().to_owned();
                groups.push((
                    line.number,
                    ServiceGroupRow {
                        heading: Some(heading),
                        items: Vec::new(),
                    },
                ));
            }
        }
        gap = false;
    }
    groups
        .into_iter()
        .filter_map(|(n, g)| {
            if g.items.is_empty() {
                let heading = g.heading.unwrap_or_default();
                warnings.push(
                    n,
                    format!(
                        "service heading {heading:?} has no items; kept as a section title only"
                    ),
                );
                None
            } else {
                Some(g)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::lines::split;

    /// Parses `page` as it stands: cut short unless it ends with the last label.
    fn parse_cut(page: &str) -> (Profile, Warnings) {
        let mut w = Warnings::default();
        let p = parse(&split(page), &mut w);
        (p, w)
    }

    /// Parses a fragment as a whole page: the profile's last label, empty, after it.
    fn parse_text(page: &str) -> (Profile, Warnings) {
        let whole = format!("{}\n{LAST_LABEL}", page.trim_end_matches('\n'));
        parse_cut(&whole)
    }

    const LAST_LABEL: &str = "Participation in Funded Support Programmes:\u{a0}\n";

    #[test]
    fn a_whole_page_states_every_field_even_those_it_leaves_empty() {
        let (p, w) = parse_cut(&format!(
            "General Information\nLanguages spoken:\u{a0}\n{LAST_LABEL}"
        ));
        assert_eq!(
            p.unstated,
            [Field::Current],
            "all but the current layout's own"
        );
        assert!(w.items.is_empty(), "{w:?}");
    }

    #[test]
    fn a_page_cut_short_leaves_its_last_field_and_those_it_never_reached_unstated() {
        let (p, w) = parse_cut(
            "General Information\nLanguages spoken:\u{a0}\nEnglish\nSectoral Industries:\u{a0}\nBusiness Serv",
        );
        let sector = Field::Term(TermKind::Sector);
        assert!(p.unstated.contains(&sector), "the field it was cut in");
        assert!(p.unstated.contains(&Field::Programmes));
        assert!(
            p.unstated
                .contains(&Field::Countries(Some(Scope::European)))
        );
        assert!(!p.unstated.contains(&Field::Term(TermKind::Language)));
        let Some(cut) = w.items.iter().find(|w| w.message.contains("cut short")) else {
            panic!("no cut warning: {w:?}");
        };
        assert_eq!(cut.line, 4, "at the label of the field it was cut in");
    }

    #[test]
    fn the_old_layouts_later_labels_each_reach_their_field() {
        let (p, w) = parse_text(
            "Cluster Excellence Label:\u{a0}\nBronze Label\nOther Label:\u{a0}\nISO 9001:2008\nMembership to European Strategic Cluster Partnerships (ESCP-4i, ESCP-S3 or ESCP-4x):\u{a0}\nESCP-4x\nAreas of specialisation of the cluster not covered above:\u{a0}\nSustainable buildings, Biomass energy resources\nNumber of start-ups among SME members:\u{a0}\n12\nEntrepreneurship and scale-up support facilities in the cluster's ecosystem (see \"Organisation type\"):\u{a0}\nOrganisation/Facility NameOrganisation/Facility TypeWebsite\nWidget Lab\nName and link of major players:\u{a0}\nEnergy Agency of Plovdiv\nResearch Organisation\nSofena Ltd.\n",
        );
        assert_eq!(p.excellence_label.as_deref(), Some("BRONZE"));
        assert_eq!(p.other_labels, ["ISO 9001:2008"]);
        assert_eq!(p.escp_membership.as_deref(), Some("ESCP-4x"));
        assert_eq!(
            p.specialisation,
            ["Sustainable buildings", "Biomass energy resources"]
        );
        assert_eq!(p.members_startups, Some(12));
        assert_eq!(p.scale_up_facilities.as_deref(), Some("Widget Lab"));
        assert_eq!(
            p.major_players.as_deref(),
            Some("Energy Agency of Plovdiv (Research Organisation)\nSofena Ltd.")
        );
        assert!(w.items.is_empty(), "{w:?}");
    }

    #[test]
    fn major_players_of_bare_types_stay_as_they_are() {
        let (p, _) = parse_text(
            "Name and link of major players:\u{a0}\nLarger Company\nResearch Organisation\n",
        );
        assert_eq!(
            p.major_players.as_deref(),
            Some("Larger Company\nResearch Organisation")
        );
    }

    #[test]
    fn an_empty_field_is_a_label_followed_by_a_label() {
        let (p, _) = parse_text(
            "General Information\nLanguages spoken:\u{a0}\nSectoral Industries:\u{a0}\nBusiness Services\n",
        );
        assert_eq!(
            p.terms,
            vec![(TermKind::Sector, "Business Services".to_owned())]
        );
    }

    #[test]
    fn phones_without_names_attach_to_the_role_above() {
        let (p, _) = parse_text(
            "Cluster Management Team:\u{a0}\nCluster Manager\n+38975 280 505\nInternationalisation Responsible\nJane Doe\n+38975 280 506\njane@example.org\n",
        );
        assert_eq!(p.contacts.len(), 2);
        assert_eq!(p.contacts[0].phone.as_deref(), Some("+38975 280 505"));
        assert_eq!(p.contacts[0].name, None);
        assert_eq!(p.contacts[1].name.as_deref(), Some("Jane Doe"));
        assert_eq!(p.contacts[1].email.as_deref(), Some("jane@example.org"));
    }

    #[test]
    fn the_region_under_the_staff_label_is_taken_as_region_with_a_warning() {
        let (p, w) = parse_text(
            "Number of staff in the management team of the cluster organisation :\u{a0}\nRegion of Vojvodina\n",
        );
        assert_eq!(p.region.as_deref(), Some("Vojvodina"));
        assert_eq!(p.staff_count, None);
        assert_eq!(w.items.len(), 1);
    }

    #[test]
    fn counts_no_column_holds_are_unknown_with_a_warning_at_their_line() {
        let (p, w) = parse_text(
            "Number of staff in the management team of the cluster organisation:\u{a0}\n99 999 999 999\nTotal number of members:\u{a0}\n-12\nNumber of SME members:\u{a0}\n1,250\n",
        );
        assert_eq!(
            (p.staff_count, p.region),
            (None, None),
            "not a region either"
        );
        assert_eq!((p.members_total, p.members_sme), (None, Some(1250)));
        let found: Vec<_> = w
            .items
            .iter()
            .map(|x| (x.line, x.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    2,
                    "staff count \"99 999 999 999\" is too large; taken as unknown"
                ),
                (4, "member count \"-12\" is negative; taken as unknown"),
            ]
        );
    }

    #[test]
    fn a_value_too_long_for_a_name_is_skipped_at_its_line() {
        let long = "Cloud ".repeat(60);
        let (p, w) = parse_text(&format!(
            "Technology fields:\u{a0}\n{long}\nComputer Software\nMembership to other networks/partnerships:\u{a0}\n  •\n"
        ));
        assert_eq!(
            p.terms,
            vec![(TermKind::TechnologyField, "Computer Software".to_owned())]
        );
        assert!(p.networks.is_empty(), "an empty bullet is no network");
        assert_eq!(w.items.len(), 1, "{w:?}");
        assert_eq!(w.items[0].line, 2);
        assert!(w.items[0].message.contains("too long for a name"));
    }

    #[test]
    fn a_breadcrumb_names_the_cluster_only_with_a_name_that_fits() {
        let labels = "Languages spoken:\u{a0}\nSectoral Industries:\u{a0}\n";
        let named = |crumb: &str| {
            let (p, w) = parse_text(&format!("Home > Cluster Organisations > {crumb}\n{labels}"));
            (p.name, w.items.iter().map(|x| x.line).collect::<Vec<_>>())
        };
        assert_eq!(named("ICT NET"), (Some("ICT NET".into()), vec![]));
        // A paragraph pasted into the breadcrumb, as the fuzzer found, is too long a name.
        assert_eq!(named(&"Among our members ".repeat(20)), (None, vec![1]));
        assert_eq!(named("***"), (None, vec![1]), "no slug can be made of it");
        // A title without letters gives way to the breadcrumb.
        let (p, w) = parse_text(&format!("Home > ICT NET\n\u{200b}\n{labels}"));
        assert_eq!(p.name.as_deref(), Some("ICT NET"));
        assert_eq!(w.items.len(), 1);
    }

    #[test]
    fn unknown_labels_are_reported_not_swallowed() {
        let (p, w) = parse_text(
            "General Information\nFavourite colour:\u{a0}\nBlue\nLanguages spoken:\u{a0}\nEnglish\n",
        );
        assert_eq!(p.terms, vec![(TermKind::Language, "English".to_owned())]);
        assert!(
            w.items
                .iter()
                .any(|x| x.message.contains("Favourite colour")),
            "{w:?}"
        );
    }

    #[test]
    fn transnational_targets_take_the_scope_of_their_section() {
        let (p, _) = parse_text(
            "International Cooperation\nThe main countries targeted by the cluster organisation:\u{a0}\nUnited States\nTrans-national Cooperation\nThe main countries targeted by the cluster organisation:\u{a0}\nFYR of Macedonia\n",
        );
        assert_eq!(
            p.cooperation_countries,
            vec![(Scope::International, "US"), (Scope::European, "MK")]
        );
    }

    #[test]
    fn service_bullets_after_a_gap_form_a_group_without_heading() {
        let (p, _) = parse_text(
            "Details of support services:\u{a0}\n\nAcademy\n\n  • One\n  • Two\n\n\n  • Three\nLobbying:\n  • Four\n",
        );
        let headings: Vec<_> = p.services.iter().map(|g| g.heading.clone()).collect();
        assert_eq!(
            headings,
            vec![Some("Academy".into()), None, Some("Lobbying".into())]
        );
        assert_eq!(p.services[1].items, vec!["Three".to_owned()]);
    }
}
