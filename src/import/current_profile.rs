//! The current profile layout of the platform (2021 on, layout L2): no labels with colons,
//! but a header, prose under `About us`, `Key - value` lines, and the composition as bullets
//! of numbers each followed by its label.
//!
//! ```text
//! [image alt]  NAME  [native name]  Country: Region  contact person  NN% completed
//! About us / prose / Established - 31 January 2005 / Staff in the management team - 1-5
//! [Support services for upskilling ... + bullets] [Formalised strategy]
//! [Strategy focus on internationalisation] / Cluster composition / • 293 / Cluster Members ...
//! ```
//!
//! It fills the same [`Profile`] as the old layout. What this layout never states (sectors,
//! services, programmes, cooperation, the team's phones...) is left unstated, so a cluster
//! that also has an old-layout page keeps those facts.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::Warnings;
use super::lines::{Line, is_chrome};
use super::profile::{Count, Field, Profile};
use crate::geo;

/// The fields of the old layout this one states; all others stay as stored.
const STATED: &[Field] = &[
    Field::Established,
    Field::Staff,
    Field::Strategy,
    Field::Count(Count::Total),
    Field::Count(Count::Sme),
    Field::Count(Count::Startups),
    Field::Count(Count::Large),
    Field::Count(Count::Research),
    Field::Count(Count::Other),
    Field::Current,
];

const ABOUT: &str = "About us";
const UPSKILLING: &str = "Support services for upskilling and reskilling of companies workforce";
const FORMALISED: &str = "Formalised strategy";
const INTERNATIONAL: &str = "Strategy focus on internationalisation";
const COMPOSITION: &str = "Cluster composition";

static COMPLETED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,3})% completed$")
        .unwrap_or_else(|_| unreachable!("the completeness pattern is valid"))
});

/// A composition count's label, and where its number goes.
enum Counted {
    Old(Count),
    CivilSociety,
}

fn counted(label: &str) -> Option<Counted> {
    Some(match label {
        "Cluster Members" => Counted::Old(Count::Total),
        "Large Companies" => Counted::Old(Count::Large),
        "Research Organisations, Universities, Technology Centers" => Counted::Old(Count::Research),
        "Other Ecosystem Actors" => Counted::Old(Count::Other),
        "Number of start-ups among SME's" | "Number of start-ups among SMEs" => {
            Counted::Old(Count::Startups)
        }
        "Number of civil society members" => Counted::CivilSociety,
        _ => return None,
    })
}

/// Reads a current-layout profile. Never fails: what it cannot use becomes a warning.
pub fn parse(lines: &[Line<'_>], warnings: &mut Warnings) -> Profile {
    let content: Vec<&Line<'_>> = lines
        .iter()
        .filter(|l| !l.is_blank() && !is_chrome(&l.text))
        .collect();
    let mut profile = Profile::default();
    let body = header(&content, &mut profile, warnings);
    // The header states the current layout's own facts: a page cut after it keeps them.
    let mut reached: Vec<(Field, usize)> = body
        .checked_sub(1)
        .and_then(|i| content.get(i))
        .filter(|_| profile.current.completeness.is_some())
        .map(|l| (Field::Current, l.number))
        .into_iter()
        .collect();
    reached.extend(body_fields(&content[body..], &mut profile, warnings));
    profile.unstated = unstated(&reached, content.last().map_or(1, |l| l.number), warnings);
    profile.current_layout = true;
    profile
}

/// Reads the header up to `NN% completed`; the index of the first line after it.
fn header(content: &[&Line<'_>], profile: &mut Profile, warnings: &mut Warnings) -> usize {
    let Some(place) = content
        .iter()
        .position(|l| country_region(&l.text).is_some())
    else {
        if let Some(first) = content.first() {
            warnings.push(
                first.number,
                "no `Country: Region` line: country and region unknown",
            );
            profile.name = Some(first.text.trim().to_owned());
        }
        return content.len().min(1);
    };
    let names: Vec<&str> = content[..place].iter().map(|l| l.text.trim()).collect();
    let (name, native) = match names.as_slice() {
        [] => (None, None),
        [name] => (Some(*name), None),
        [first, second] if looks_like_image_alt(first) => (Some(*second), None),
        [name, native] => (Some(*name), Some(*native)),
        [.., name, native] => (Some(*name), Some(*native)),
    };
    profile.name = name.map(str::to_owned);
    profile.current.native_name = native.filter(|n| Some(*n) != name).map(str::to_owned);
    if let Some((country, region)) = country_region(&content[place].text) {
        profile.country = Some(country.code);
        profile.region = Some(region);
    }
    let mut next = place + 1;
    while let Some(line) = content.get(next) {
        let t = line.text.trim();
        if let Some(c) = COMPLETED.captures(t) {
            profile.current.completeness = c[1].parse().ok().filter(|p: &i32| *p <= 100);
            return next + 1;
        }
        if t == ABOUT || t.starts_with("Established - ") {
            return next;
        }
        match &profile.current.contact_person {
            None => profile.current.contact_person = Some(t.to_owned()),
            Some(_) => warnings.push(
                line.number,
                format!("unexpected header line skipped: {t:?}"),
            ),
        }
        next += 1;
    }
    next
}

/// `Bulgaria: South-West (Bulgaria)`: a country the geography knows, and its region.
pub(super) fn country_region(text: &str) -> Option<(geo::Country, String)> {
    let (country, region) = text.trim().split_once(": ")?;
    let country = geo::by_name(country.trim())?;
    let region = region.trim();
    (!region.is_empty()).then(|| (country, region.to_owned()))
}

/// An image's alternative text above the name (`GSC - eng`, `logo`).
fn looks_like_image_alt(text: &str) -> bool {
    static ALT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(\s-\s(eng|en|logo)$)|\blogo\b|\.(png|jpe?g|svg)$|\d+x\d+")
            .unwrap_or_else(|_| unreachable!("the image-alt pattern is valid"))
    });
    ALT.is_match(text.trim())
}

/// Reads `About us` to the composition; the fields it reached, with their lines.
fn body_fields(
    content: &[&Line<'_>],
    profile: &mut Profile,
    warnings: &mut Warnings,
) -> Vec<(Field, usize)> {
    let mut reached = Vec::new();
    let mut i = 0;
    while let Some(line) = content.get(i) {
        let t = line.text.trim();
        i += 1;
        if t == ABOUT {
            let end = content[i..]
                .iter()
                .position(|l| is_key_line(l.text.trim()))
                .map_or(content.len(), |p| i + p);
            let (strategy, objectives) = about(&content[i..end]);
            profile.strategy = strategy;
            profile.objectives = objectives;
            reached.push((Field::Strategy, line.number));
            i = end;
        } else if let Some(v) = t.strip_prefix("Established - ") {
            profile.established = established(v, line.number, warnings);
            reached.push((Field::Established, line.number));
        } else if let Some(v) = t.strip_prefix("Staff in the management team - ") {
            profile.current.staff_range = staff_range(v, line.number, warnings);
            reached.push((Field::Staff, line.number));
        } else if t == UPSKILLING {
            let items: Vec<String> = content[i..]
                .iter()
                .map_while(|l| l.bullet().map(str::to_owned))
                .collect();
            i += items.len();
            profile.current.upskilling = (!items.is_empty()).then(|| items.join("\n"));
        } else if t == FORMALISED {
            profile.formalised_strategy = Some(true);
            reached.push((Field::Formalised, line.number));
        } else if t == INTERNATIONAL {
            profile.internationalisation_strategy = Some(true);
            reached.push((Field::Internationalisation, line.number));
        } else if t == COMPOSITION {
            reached.push((Field::Count(Count::Total), line.number));
            i += composition(&content[i..], profile, warnings);
            skip_teasers(&content[i..], warnings);
            break;
        } else {
            warnings.push(
                line.number,
                format!("text outside any field skipped: {t:?}"),
            );
        }
    }
    reached
}

fn is_key_line(t: &str) -> bool {
    t.starts_with("Established - ")
        || t.starts_with("Staff in the management team - ")
        || [UPSKILLING, FORMALISED, INTERNATIONAL, COMPOSITION].contains(&t)
}

/// The `About us` prose as the strategy, its bullets as objectives.
fn about(lines: &[&Line<'_>]) -> (Option<String>, Vec<String>) {
    let mut paragraphs = Vec::new();
    let mut bullets = Vec::new();
    for line in lines {
        match line.bullet() {
            Some(b) => bullets.push(b.to_owned()),
            None => paragraphs.push(line.text.trim().to_owned()),
        }
    }
    (
        (!paragraphs.is_empty()).then(|| paragraphs.join("\n\n")),
        bullets,
    )
}

fn established(v: &str, line: usize, warnings: &mut Warnings) -> Option<NaiveDate> {
    let parsed = NaiveDate::parse_from_str(v.trim(), "%d %B %Y").ok();
    if parsed.is_none() {
        warnings.push(
            line,
            format!("establishment date {v:?} is not a date; skipped"),
        );
    }
    parsed
}

/// `1-5`, `11-20`, `50+`: the staff of the management team as (min, max), open-ended for
/// `50+`.
fn staff_range(v: &str, line: usize, warnings: &mut Warnings) -> Option<(i32, Option<i32>)> {
    let v = v.trim();
    let range = match v.split_once('-') {
        Some((a, b)) => a
            .trim()
            .parse()
            .ok()
            .zip(b.trim().parse().ok())
            .map(|(a, b)| (a, Some(b))),
        None => v
            .strip_suffix('+')
            .and_then(|a| a.trim().parse().ok())
            .map(|a| (a, None)),
    };
    match range {
        Some((min, max)) if max.is_none_or(|max| min <= max) => Some((min, max)),
        _ => {
            warnings.push(line, format!("staff range {v:?} is no range; skipped"));
            None
        }
    }
}

/// Reads the composition's bullets (`• 293` then its label); the lines it took. The second
/// number comes without a label on the platform: it is the SME members.
fn composition(content: &[&Line<'_>], profile: &mut Profile, warnings: &mut Warnings) -> usize {
    let mut i = 0;
    let mut unlabelled = 0;
    while let Some(line) = content.get(i) {
        let Some(number) = line.bullet().and_then(|b| b.trim().parse::<i32>().ok()) else {
            break;
        };
        i += 1;
        let label = content
            .get(i)
            .map(|l| l.text.trim())
            .filter(|l| counted(l).is_some());
        match label.and_then(counted) {
            Some(which) => {
                i += 1;
                set_count(profile, which, number);
            }
            None if unlabelled == 0 => {
                unlabelled += 1;
                profile.members_sme = Some(number);
            }
            None => warnings.push(
                line.number,
                format!("count {number} without a label skipped"),
            ),
        }
    }
    i
}

fn set_count(profile: &mut Profile, which: Counted, number: i32) {
    let n = Some(number);
    match which {
        Counted::Old(Count::Total) => profile.members_total = n,
        Counted::Old(Count::Sme) => profile.members_sme = n,
        Counted::Old(Count::Startups) => profile.members_startups = n,
        Counted::Old(Count::Large) => profile.members_large = n,
        Counted::Old(Count::Research) => profile.members_research = n,
        Counted::Old(Count::Other) => profile.members_other = n,
        Counted::CivilSociety => profile.current.members_civil_society = n,
    }
}

/// Profile-article teasers follow the profile on the same page; they are not part of it.
fn skip_teasers(rest: &[&Line<'_>], warnings: &mut Warnings) {
    if let Some(first) = rest.first() {
        warnings.push(
            first.number,
            format!(
                "{} lines after the profile (article teasers) are not part of it; skipped",
                rest.len()
            ),
        );
    }
}

/// What the page leaves as stored: every old-layout field this layout never states, flags
/// it does not show, and, when the page ends before its composition, every field it did not
/// reach (the last one perhaps cut).
fn unstated(reached: &[(Field, usize)], last_line: usize, warnings: &mut Warnings) -> Vec<Field> {
    let mut fields = super::profile::every_field()
        .filter(|f| !STATED.contains(f) && !reached.iter().any(|(r, _)| r == f))
        .collect::<Vec<_>>();
    let whole = reached
        .iter()
        .any(|(f, _)| *f == Field::Count(Count::Total));
    if !whole {
        let cut = reached.last().map_or(last_line, |&(_, line)| line);
        warnings.push(
            cut,
            "the page ends before its composition: a page cut short? What it does not reach keeps its stored values",
        );
        fields.extend(
            STATED
                .iter()
                .filter(|f| !reached.iter().any(|(r, _)| r == *f)),
        );
        fields.extend(reached.last().map(|&(f, _)| f));
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::lines::split;

    const WHOLE: &str = "Logo - eng\nAlpine Widgets Cluster\nAlpen Widget Cluster\n\nAustria: Tyrol\nMaria Huber\n85% completed\n\n\nAbout us\n\nThe cluster brings together makers of widgets.\n\nIts goals:\n\n  • more exports\n  • shared labs\n\nEstablished - 03 March 2009\nStaff in the management team - 6-10\nSupport services for upskilling and reskilling of companies workforce\n  • Mentoring\n  • Staff mobility\nFormalised strategy\n\nCluster composition\n\n  • 120\n    Cluster Members\n  • 100\n  • 7\n    Number of start-ups among SME's\n  • 4\n    Large Companies\n  • 3\n    Research Organisations, Universities, Technology Centers\n  • 2\n    Number of civil society members\n  • 11\n    Other Ecosystem Actors\n\nWebinar on widgets\nThe webinar took place online.\n";

    fn parsed(page: &str) -> (Profile, Warnings) {
        let mut w = Warnings::default();
        let p = parse(&split(page), &mut w);
        (p, w)
    }

    #[test]
    fn a_whole_current_profile_lands_in_the_profile() {
        let (p, w) = parsed(WHOLE);
        assert_eq!(p.name.as_deref(), Some("Alpine Widgets Cluster"));
        assert_eq!(
            p.current.native_name.as_deref(),
            Some("Alpen Widget Cluster")
        );
        assert_eq!(
            (p.country, p.region.as_deref()),
            (Some("AT"), Some("Tyrol"))
        );
        assert_eq!(p.current.contact_person.as_deref(), Some("Maria Huber"));
        assert_eq!(p.current.completeness, Some(85));
        assert_eq!(p.established, NaiveDate::from_ymd_opt(2009, 3, 3));
        assert_eq!(p.current.staff_range, Some((6, Some(10))));
        assert_eq!(p.staff_count, None, "a range is no count");
        assert_eq!(
            p.current.upskilling.as_deref(),
            Some("Mentoring\nStaff mobility")
        );
        assert_eq!(p.formalised_strategy, Some(true));
        assert_eq!(p.internationalisation_strategy, None, "not shown: unknown");
        assert_eq!(
            (
                p.members_total,
                p.members_sme,
                p.members_large,
                p.members_research,
                p.members_other
            ),
            (Some(120), Some(100), Some(4), Some(3), Some(11))
        );
        assert_eq!(
            (p.members_startups, p.current.members_civil_society),
            (Some(7), Some(2))
        );
        assert_eq!(
            p.strategy.as_deref(),
            Some("The cluster brings together makers of widgets.\n\nIts goals:")
        );
        assert_eq!(p.objectives, ["more exports", "shared labs"]);
        assert!(
            w.items
                .iter()
                .any(|w| w.message.contains("article teasers")),
            "{w:?}"
        );
        assert!(p.unstated.contains(&Field::Programmes) && p.unstated.contains(&Field::Team));
        assert!(p.unstated.contains(&Field::Internationalisation));
        assert!(!p.unstated.contains(&Field::Established) && !p.unstated.contains(&Field::Current));
    }

    #[test]
    fn a_current_profile_cut_before_its_composition_keeps_the_counts_as_stored() {
        let cut = &WHOLE[..WHOLE.find("Cluster composition").unwrap_or(0)];
        let (p, w) = parsed(cut);
        assert_eq!(p.current.staff_range, Some((6, Some(10))));
        assert!(p.unstated.contains(&Field::Count(Count::Total)));
        assert!(
            w.items.iter().any(|w| w.message.contains("cut short")),
            "{w:?}"
        );
    }

    #[test]
    fn staff_ranges_are_ranges() {
        let mut w = Warnings::default();
        assert_eq!(staff_range("1-5", 1, &mut w), Some((1, Some(5))));
        assert_eq!(staff_range("50+", 1, &mut w), Some((50, None)));
        assert_eq!(staff_range("many", 1, &mut w), None);
        assert_eq!(w.items.len(), 1);
    }
}
