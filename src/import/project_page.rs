//! EU project profiles: the old layout (L10: `Home > Eu Project Profile > NAME`, a programme
//! line, `Project duration:`, `Total budget:`, `EU Contribution:`, `Partnership
//! Composition:` with its glued table header and one partner a line, then the objectives as
//! bullets) and the current one (L11: NAME, `Country: Region`, contact, `NN% completed`,
//! `Type of partnership`, `Total budget`, `EU contribution`, `Summary and objectives`).
//! Labels may stand without values (an empty field is a label followed by the next).

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::Warnings;
use super::current_profile::country_region;
use super::dates;
use super::lines::{Line, NAME_MAX_CHARS, is_chrome};

/// What a project's page states.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProjectPage {
    pub name: Option<String>,
    /// As written: "COSME/Cluster Excellence/2nd call".
    pub programme: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// Whole euros.
    pub total_budget_eur: Option<i64>,
    pub eu_contribution_eur: Option<i64>,
    pub partnership_type: Option<String>,
    /// ISO code of the coordinator's country (L11).
    pub country: Option<String>,
    pub region: Option<String>,
    pub contact_person: Option<String>,
    pub completeness: Option<i32>,
    /// The objectives (L10's bullets, one a line) or L11's summary.
    pub summary: Option<String>,
    pub partners: Vec<PartnerRow>,
}

/// One organisation of the partnership, as the table row gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnerRow {
    pub line: usize,
    pub name: String,
    pub function: Option<String>,
    /// The country's name as written.
    pub country: Option<String>,
}

/// The labels of both layouts, with and without their colon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Label {
    Duration,
    TotalBudget,
    EuContribution,
    Partnership,
    PartnershipType,
    Summary,
}

fn label(t: &str) -> Option<Label> {
    Some(match t.trim_end_matches(':').trim() {
        "Project duration" => Label::Duration,
        "Total budget" => Label::TotalBudget,
        "EU Contribution" | "EU contribution" => Label::EuContribution,
        "Partnership Composition" => Label::Partnership,
        "Type of partnership" => Label::PartnershipType,
        "Summary and objectives" => Label::Summary,
        _ => return None,
    })
}

fn pattern(re: &str) -> Regex {
    Regex::new(re).unwrap_or_else(|_| unreachable!("the project page's patterns are valid"))
}

static COMPLETED: LazyLock<Regex> = LazyLock::new(|| pattern(r"^(\d{1,3})% completed$"));
static PROGRAMME: LazyLock<Regex> = LazyLock::new(|| pattern(r"^[A-Z][\w -]*(?:/[^/]+){1,4}$"));
static TABLE_HEADER: LazyLock<Regex> = LazyLock::new(|| pattern(r"^Organisation ?name ?Function"));
static AMOUNT: LazyLock<Regex> = LazyLock::new(|| pattern(r"(\d{1,3}(?:[ .,\u{a0}']\d{3})+|\d+)"));

/// Reads a project's page. Never fails: what it cannot use becomes a warning.
pub fn parse(lines: &[Line<'_>], warnings: &mut Warnings) -> ProjectPage {
    let content: Vec<&Line<'_>> = lines
        .iter()
        .filter(|l| !l.is_blank() && !is_chrome(&l.text))
        .collect();
    let mut page = ProjectPage {
        name: breadcrumb_name(lines),
        ..ProjectPage::default()
    };
    let body = header(&content, &mut page);
    let mut i = body;
    while let Some(line) = content.get(i) {
        i += 1;
        let t = line.text.trim();
        let Some(which) = label(t) else {
            read_loose_line(line, &mut page);
            continue;
        };
        let values: Vec<&Line<'_>> = content[i..]
            .iter()
            .take_while(|l| label(l.text.trim()).is_none())
            .copied()
            .collect();
        i += read_field(which, line, &values, &mut page, warnings);
    }
    page
}

/// The name (breadcrumb or first line) and L11's header; the index of the body's start.
fn header(content: &[&Line<'_>], page: &mut ProjectPage) -> usize {
    let mut i = 0;
    while let Some(line) = content.get(i) {
        let t = line.text.trim();
        if label(t).is_some() || t == "General Information" {
            break;
        }
        i += 1;
        if Some(t) == page.name.as_deref() {
            continue;
        }
        if let Some(c) = COMPLETED.captures(t) {
            page.completeness = c[1].parse().ok().filter(|p: &i32| *p <= 100);
        } else if let Some((country, region)) = country_region(t) {
            page.country = Some(country.code.to_owned());
            page.region = Some(region);
        } else if page.name.is_none() {
            page.name = Some(t.to_owned());
        } else if page.country.is_some() && page.contact_person.is_none() {
            page.contact_person = Some(t.to_owned());
        }
    }
    page.name = page
        .name
        .take()
        .filter(|n| n.chars().count() <= NAME_MAX_CHARS * 2);
    i
}

/// The project's name in the `Home > Eu Project Profile > NAME` breadcrumb.
fn breadcrumb_name(lines: &[Line<'_>]) -> Option<String> {
    let crumbs = lines
        .iter()
        .find_map(|l| l.text.trim().strip_prefix("Home > ").map(str::to_owned))?;
    let (_, name) = crumbs.split_once(" > ")?;
    Some(name.trim().to_owned()).filter(|n| !n.is_empty())
}

/// A line outside any label: the programme line, or an objective's bullet.
fn read_loose_line(line: &Line<'_>, page: &mut ProjectPage) {
    let t = line.text.trim();
    if let Some(objective) = line.bullet() {
        let summary = page.summary.get_or_insert_with(String::new);
        if !summary.is_empty() {
            summary.push('\n');
        }
        summary.push_str(objective);
    } else if page.programme.is_none() && t != "General Information" && PROGRAMME.is_match(t) {
        page.programme = Some(t.to_owned());
    }
}

/// A label's value lines; how many lines it took.
fn read_field(
    which: Label,
    line: &Line<'_>,
    values: &[&Line<'_>],
    page: &mut ProjectPage,
    warnings: &mut Warnings,
) -> usize {
    let first = values.first().map(|l| l.text.trim()).unwrap_or_default();
    match which {
        Label::Duration => {
            page.starts_on = None;
            match duration(first) {
                Some((from, to)) => (page.starts_on, page.ends_on) = (Some(from), Some(to)),
                None if values.is_empty() => {}
                None => warnings.push(
                    values[0].number,
                    format!("project duration {first:?} is not two dates; skipped"),
                ),
            }
            values.len().min(1)
        }
        Label::TotalBudget | Label::EuContribution => {
            let amount = values.first().and_then(|l| euros(l.text.trim()));
            if which == Label::TotalBudget {
                page.total_budget_eur = amount;
            } else {
                page.eu_contribution_eur = amount;
            }
            usize::from(amount.is_some())
        }
        Label::PartnershipType => {
            let stated = values.first().filter(|l| l.bullet().is_none());
            page.partnership_type = stated.map(|l| l.text.trim().to_owned());
            usize::from(stated.is_some())
        }
        Label::Partnership => partners(values, page),
        Label::Summary => {
            let prose: Vec<&str> = values.iter().map(|l| l.text.trim()).collect();
            page.summary = (!prose.is_empty()).then(|| prose.join("\n\n"));
            if prose.is_empty() {
                warnings.push(line.number, "`Summary and objectives` without text");
            }
            values.len()
        }
    }
}

/// `Wednesday, 16 November, 2016 to Thursday, 15 November, 2018`.
fn duration(text: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (from, to) = text.split_once(" to ")?;
    let (from, to) = (dates::parse(from)?.date, dates::parse(to)?.date);
    (from <= to).then_some((from, to))
}

/// "€ 1,234,567", "1.234.567 EUR", "EUR 500 000": whole euros; cents are dropped.
fn euros(text: &str) -> Option<i64> {
    if !text.contains(['€']) && !text.to_ascii_uppercase().contains("EUR") {
        return None;
    }
    let whole = text.split([',', '.']).collect::<Vec<_>>();
    // A decimal part is two digits at the end: "1.234,56" or "1,234.56".
    let digits = match whole.as_slice() {
        [.., last] if last.trim_end_matches(|c: char| !c.is_ascii_digit()).len() == 2 => {
            text.get(..text.rfind([',', '.'])?)?
        }
        _ => text,
    };
    let number = AMOUNT.find(digits)?.as_str();
    number
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

/// The partnership table: a glued header, then one partner a line (tab-separated columns
/// where the page kept them), up to the first bullet.
fn partners(values: &[&Line<'_>], page: &mut ProjectPage) -> usize {
    let mut taken = 0;
    for line in values {
        let t = line.text.trim();
        if line.bullet().is_some() {
            break;
        }
        taken += 1;
        if TABLE_HEADER.is_match(t) {
            continue;
        }
        let mut columns = t.split('\t').map(str::trim);
        let Some(name) = columns.next().filter(|n| !n.is_empty()) else {
            continue;
        };
        let function = columns.next().filter(|f| !f.is_empty()).map(str::to_owned);
        let country = columns.next().filter(|c| !c.is_empty()).map(str::to_owned);
        if name.chars().count() <= NAME_MAX_CHARS {
            page.partners.push(PartnerRow {
                line: line.number,
                name: name.to_owned(),
                function,
                country,
            });
        }
    }
    taken
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::envelope;
    use crate::import::lines::split;

    fn read(text: &str) -> (ProjectPage, Warnings) {
        let (text, _) = envelope::open(text);
        let mut w = Warnings::default();
        (parse(&split(&text), &mut w), w)
    }

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn an_old_layout_project_states_programme_duration_budgets_and_partners() {
        let (p, w) = read(include_str!(
            "../../tests/fixtures/pages/alpclean-project.txt"
        ));
        assert!(w.items.is_empty(), "{w:?}");
        assert_eq!(
            p.name.as_deref(),
            Some("ALPCLEAN - Alpine clean energy partnership")
        );
        assert_eq!(
            p.programme.as_deref(),
            Some("COSME/Cluster Excellence/3rd call")
        );
        assert_eq!(
            (p.starts_on, p.ends_on),
            (ymd(2019, 3, 1), ymd(2021, 2, 28))
        );
        assert_eq!(
            (p.total_budget_eur, p.eu_contribution_eur),
            (Some(1_250_000), Some(999_500))
        );
        let partners: Vec<(&str, Option<&str>, Option<&str>)> = p
            .partners
            .iter()
            .map(|r| (r.name.as_str(), r.function.as_deref(), r.country.as_deref()))
            .collect();
        assert_eq!(
            partners,
            [
                (
                    "Alpine Widgets Cluster",
                    Some("Coordinator"),
                    Some("Austria")
                ),
                ("Lake Garda Energy Cluster", Some("Partner"), Some("Italy")),
                ("Savoie Solar Network", None, None),
            ]
        );
        let summary = p.summary.unwrap_or_default();
        assert!(
            summary.starts_with("To train") && summary.lines().count() == 2,
            "{summary}"
        );
    }

    #[test]
    fn a_current_layout_project_states_its_header_and_summary() {
        let (p, _) = read(include_str!(
            "../../tests/fixtures/pages/alpclean-project-current.txt"
        ));
        assert_eq!(
            p.name.as_deref(),
            Some("ALPCLEAN - Alpine clean energy partnership")
        );
        assert_eq!(
            (p.country.as_deref(), p.region.as_deref()),
            (Some("AT"), Some("Tyrol"))
        );
        assert_eq!(p.contact_person.as_deref(), Some("Maria Huber"));
        assert_eq!(p.completeness, Some(70));
        assert_eq!(
            p.partnership_type.as_deref(),
            Some("European Strategic Cluster Partnership")
        );
        assert_eq!(p.total_budget_eur, Some(1_250_000));
        assert_eq!(p.eu_contribution_eur, None, "stated without a value");
        assert!(p.summary.unwrap_or_default().starts_with("Five clusters"));
    }

    #[test]
    fn amounts_are_read_in_every_writing() {
        assert_eq!(euros("€ 1,234,567"), Some(1_234_567));
        assert_eq!(euros("1.234.567 EUR"), Some(1_234_567));
        assert_eq!(euros("EUR 500 000"), Some(500_000));
        assert_eq!(euros("€ 1.234,56"), Some(1_234));
        assert_eq!(euros("1234"), None, "no currency: not an amount");
    }

    #[test]
    fn a_duration_that_is_no_two_dates_is_a_warning() {
        let (p, w) = read(
            "Home > Eu Project Profile > X\nProject duration: \nsoon to later\nTotal budget: \n",
        );
        assert_eq!(p.starts_on, None);
        assert!(w.items[0].message.contains("not two dates"));
    }
}
