//! A cluster network's page on the platform (layout L3): `Home > Cluster Networks > NAME`,
//! the name, then prose. The facts come out of the prose where it states them in a form
//! read reliably: the website and e-mail on their own line, the coordinator ("X is … the
//! coordinator of"), the year it started ("Since 1997"), and how many cluster organisations
//! it gathers ("a network of almost 150 French cluster organisations").

use std::sync::LazyLock;

use regex::Regex;

use super::Warnings;
use super::lines::{Line, NAME_MAX_CHARS};
use crate::store::network::About;
use crate::text::slugify;

/// What a network's page says of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetworkPage {
    pub name: Option<String>,
    pub website: Option<String>,
    pub about: About,
}

fn pattern(re: &str) -> Regex {
    Regex::new(re).unwrap_or_else(|_| unreachable!("the network page's patterns are valid"))
}

static WEBSITE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)\b((?:https?://)?www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+)\b"));
static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b"));
static COORDINATOR: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^((?:The )?[A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,5}) is (?:an? [a-z]+ and )?(?:a|the) coordinator of",
    )
});
static SINCE: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b[Ss]ince (1[89]\d{2}|20\d{2})\b"));
static MEMBERS: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:network|platform) of (?:almost |around |about |nearly |more than |over )?(\d{1,3}(?:[.,]\d{3})*|\d+) (?:[A-Z][a-z]+ )?cluster organi[sz]ations",
    )
});

/// Reads a network's page. Never fails: what it cannot use becomes a warning.
pub fn parse(lines: &[Line<'_>], warnings: &mut Warnings) -> NetworkPage {
    let mut page = NetworkPage::default();
    let content: Vec<&Line<'_>> = lines.iter().filter(|l| !l.is_blank()).collect();
    let mut prose = Vec::new();
    let mut members = Vec::new();
    let mut i = 0;
    while let Some(line) = content.get(i) {
        i += 1;
        let t = line.text.trim();
        if let Some(crumbs) = t.strip_prefix("Home > ") {
            page.name = crumbs.rsplit(" > ").next().map(str::to_owned);
            continue;
        }
        // The title repeats the breadcrumb's last entry, in its own case.
        if page
            .name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(t))
        {
            page.name = Some(t.to_owned());
            continue;
        }
        if contact_line(t, line.number, &mut page, warnings) {
            continue;
        }
        if MEMBERS_HEADING.is_match(t) {
            let listed = member_lines(&content[i..]);
            i += listed.len();
            if listed.is_empty() {
                warnings.push(line.number, format!("{t:?} lists no member"));
            }
            members.extend(listed);
            continue;
        }
        read_facts(t, &mut page.about);
        prose.push(paragraph(line));
    }
    page.about.description = (!prose.is_empty()).then(|| prose.join("\n\n"));
    page.about.listed_members = (!members.is_empty()).then(|| members.join("\n"));
    page
}

/// A partnership programme's landing page (layout L12): its name on the first line
/// (`ESCP-4i: First Generation (2016-2017)`, the span's first year as the year it began),
/// then prose. It counts partnerships, not organisations: no member figure is taken.
pub fn parse_partnership(lines: &[Line<'_>], _warnings: &mut Warnings) -> NetworkPage {
    static SPAN: LazyLock<Regex> =
        LazyLock::new(|| pattern(r"\(((?:19|20)\d{2})\s*[-–]\s*(?:(?:19|20)\d{2})?\)"));
    let content: Vec<&Line<'_>> = lines.iter().filter(|l| !l.is_blank()).collect();
    let mut page = NetworkPage::default();
    let Some((first, rest)) = content.split_first() else {
        return page;
    };
    let name = first.text.trim();
    // A longer "name" is a paragraph: the page names no programme the writer can keep.
    page.name = (name.chars().count() <= NAME_MAX_CHARS && !slugify(name).is_empty())
        .then(|| name.to_owned());
    page.about.founded_year = SPAN.captures(name).and_then(|c| c[1].parse().ok());
    // The heading under the title repeats its name without the span.
    let short = SPAN.replace(name, "").trim().to_lowercase();
    let prose: Vec<String> = rest
        .iter()
        .filter(|l| l.text.trim().to_lowercase() != short)
        .map(|l| paragraph(l))
        .collect();
    page.about.description = (!prose.is_empty()).then(|| prose.join("\n\n"));
    page
}

fn paragraph(line: &Line<'_>) -> String {
    line.bullet()
        .map_or_else(|| line.text.trim().to_owned(), |b| format!("• {b}"))
}

/// `Current members of UKS:`, `Our members:`: a member list follows.
static MEMBERS_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"(?i)^(?:current |our |the )?(?:full )?members(?: of [^:]{1,80})?:$")
});

/// The names under a member list's heading: bullets or short lines, up to the first line
/// of prose.
fn member_lines(content: &[&Line<'_>]) -> Vec<String> {
    content
        .iter()
        .map_while(|l| {
            let t = l.bullet().unwrap_or(l.text.trim());
            let short = t.split_whitespace().count() <= 12 && t.chars().count() <= NAME_MAX_CHARS;
            (short && !t.ends_with(['.', ':', '!', '?'])).then(|| t.to_owned())
        })
        .collect()
}

/// A line of only a website and an e-mail address; the platform hides many addresses
/// behind "[email protected]", which cannot be read back from the text.
fn contact_line(t: &str, line: usize, page: &mut NetworkPage, warnings: &mut Warnings) -> bool {
    let Some(site) = WEBSITE.captures(t) else {
        return false;
    };
    let rest = t.replace(&site[1], "");
    let rest = rest.trim();
    if rest.split_whitespace().count() > 3 {
        return false;
    }
    let address = &site[1];
    page.website = Some(if address.starts_with("http") {
        address.to_owned()
    } else {
        format!("https://{address}")
    });
    if let Some(email) = EMAIL.find(rest) {
        page.about.email = Some(email.as_str().to_owned());
    } else if rest.contains("[email") {
        warnings.push(
            line,
            "the page hides its e-mail address ([email protected]); none recorded",
        );
    }
    true
}

/// The facts a sentence states plainly, each taken the first time it is stated.
fn read_facts(t: &str, about: &mut About) {
    if about.coordinator.is_none()
        && let Some(c) = COORDINATOR.captures(t)
    {
        about.coordinator = Some(c[1].to_owned());
    }
    if about.founded_year.is_none()
        && let Some(y) = SINCE.captures(t)
    {
        about.founded_year = y[1].parse().ok();
    }
    if about.member_organisations.is_none()
        && let Some(m) = MEMBERS.captures(t)
    {
        about.member_organisations = m[1].replace([',', '.'], "").parse().ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::lines::split;

    const PAGE: &str = "Home > Cluster Networks > ALPINE CLUSTER NETWORK\n\nAlpine Cluster Network\n\nwww.alpine-clusters.example  [email protected]\n\nThe Widget House is an initiator and a coordinator of the Alpine Cluster Network, signed in 2012.\n\nSince 2009, the network of around 1,250 Alpine cluster organisations has grown.\n\nWhy join:\n\n  • Timely news\n";

    #[test]
    fn a_network_page_states_its_facts_in_its_prose() {
        let mut w = Warnings::default();
        let page = parse(&split(PAGE), &mut w);
        assert_eq!(page.name.as_deref(), Some("Alpine Cluster Network"));
        assert_eq!(
            page.website.as_deref(),
            Some("https://www.alpine-clusters.example")
        );
        assert_eq!(page.about.email, None);
        assert!(w.items[0].message.contains("hides its e-mail"));
        assert_eq!(page.about.coordinator.as_deref(), Some("The Widget House"));
        assert_eq!(page.about.founded_year, Some(2009));
        assert_eq!(page.about.member_organisations, Some(1250));
        let description = page.about.description.unwrap_or_default();
        assert!(
            description.starts_with("The Widget House") && description.ends_with("• Timely news")
        );
    }

    #[test]
    fn a_member_list_names_its_members_and_leaves_the_prose() {
        let page = "Home > Cluster Networks > ALPINE NET\nCurrent members of ALPINE NET:\n  • Alpine Widgets Cluster\nLake Garda Energy Cluster\nThe network meets twice a year to share what its members learnt.\nOur members:\n";
        let mut w = Warnings::default();
        let page = parse(&split(page), &mut w);
        assert_eq!(
            page.about.listed_members.as_deref(),
            Some("Alpine Widgets Cluster\nLake Garda Energy Cluster")
        );
        assert_eq!(
            page.about.description.as_deref(),
            Some("The network meets twice a year to share what its members learnt.")
        );
        assert!(w.items[0].message.contains("lists no member"), "{w:?}");
    }

    #[test]
    fn a_partnership_page_names_its_generation_and_the_year_it_began() {
        let page = "ALPS-4i: Second Generation (2018-2020)\n\nALPS-4i: Second generation\n\nThe second generation of Alpine partnerships began in 2018.\n\n  • including the 5 co-funded projects\n";
        let mut w = Warnings::default();
        let page = parse_partnership(&split(page), &mut w);
        assert_eq!(
            page.name.as_deref(),
            Some("ALPS-4i: Second Generation (2018-2020)")
        );
        assert_eq!(page.about.founded_year, Some(2018));
        assert_eq!(page.about.member_organisations, None);
        assert_eq!(
            page.about.description.as_deref(),
            Some(
                "The second generation of Alpine partnerships began in 2018.\n\n• including the 5 co-funded projects"
            )
        );
    }

    #[test]
    fn a_plain_address_is_kept() {
        let mut w = Warnings::default();
        let page = parse(
            &split("Home > Cluster Networks > X\nwww.x.example info@x.example\n"),
            &mut w,
        );
        assert_eq!(page.about.email.as_deref(), Some("info@x.example"));
        assert!(w.items.is_empty());
    }
}
