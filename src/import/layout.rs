//! Which of the platform's page layouts a page is, told from its text alone (never from the
//! file's name or address): the layouts L1 to L13 of the platform, and a network's dated
//! news list. A page of none of them is refused, naming what it looked like.
//!
//! The signs, strongest first: the breadcrumb's section, the old profile's labels, the
//! current layout's `NN% completed`, an article's `Submitted by … on …` byline, an event's
//! `Description` heading or edition lines, the marks of forms, listings and home pages, and
//! last a title over prose (an article without byline).

use std::sync::LazyLock;

use regex::Regex;

use super::lines::Line;
use super::{news, profile};

/// A layout of the platform's pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layout {
    /// L1: the 2016-2020 profile, labels ending in a colon.
    LegacyProfile,
    /// L2: the current profile (2021 on): `Country: Region`, `NN% completed`, `About us`.
    CurrentProfile,
    /// L3: a cluster network's page.
    Network,
    /// L4: a news or profile article with its `Submitted by` byline.
    Article,
    /// L5: an article copied to a temporary host, without byline or date.
    UndatedArticle,
    /// L6: an article under a `Home > News` breadcrumb, without byline.
    BreadcrumbArticle,
    /// L7: an event page, or an event series' page with its editions.
    Event,
    /// L8: a tag's listing of teasers.
    TagListing,
    /// L9: the index of cluster organisations.
    OrganisationIndex,
    /// L10: the old EU project profile.
    LegacyProject,
    /// L11: the current EU project profile.
    CurrentProject,
    /// L12: a partnership programme's landing page.
    Partnership,
    /// L13: forms, FAQ, testimonials, policy measures, documents, the home page.
    Other,
    /// A network's own news page: dated items, newest first (the seeds' news page).
    NewsList,
}

impl Layout {
    /// Every layout, in the order reports list them.
    pub const ALL: [Layout; 14] = [
        Self::LegacyProfile,
        Self::CurrentProfile,
        Self::Network,
        Self::Article,
        Self::UndatedArticle,
        Self::BreadcrumbArticle,
        Self::Event,
        Self::TagListing,
        Self::OrganisationIndex,
        Self::LegacyProject,
        Self::CurrentProject,
        Self::Partnership,
        Self::Other,
        Self::NewsList,
    ];

    /// The layout's short name, as the platform pages' README numbers them.
    pub fn code(self) -> &'static str {
        match self {
            Self::LegacyProfile => "L1",
            Self::CurrentProfile => "L2",
            Self::Network => "L3",
            Self::Article => "L4",
            Self::UndatedArticle => "L5",
            Self::BreadcrumbArticle => "L6",
            Self::Event => "L7",
            Self::TagListing => "L8",
            Self::OrganisationIndex => "L9",
            Self::LegacyProject => "L10",
            Self::CurrentProject => "L11",
            Self::Partnership => "L12",
            Self::Other => "L13",
            Self::NewsList => "news list",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Self::LegacyProfile => "an old-layout cluster profile",
            Self::CurrentProfile => "a current-layout cluster profile",
            Self::Network => "a cluster network's page",
            Self::Article => "an article with a byline",
            Self::UndatedArticle => "an article without byline",
            Self::BreadcrumbArticle => "an article under a news breadcrumb",
            Self::Event => "an event page",
            Self::TagListing => "a tag's listing of teasers",
            Self::OrganisationIndex => "the index of cluster organisations",
            Self::LegacyProject => "an old-layout EU project profile",
            Self::CurrentProject => "a current-layout EU project profile",
            Self::Partnership => "a partnership programme's page",
            Self::Other => "a page without directory data (form, FAQ, testimonial, home page)",
            Self::NewsList => "a network's news list",
        }
    }

    /// Whether pages of this layout carry directory data at all.
    pub fn carries_data(self) -> bool {
        !matches!(
            self,
            Self::TagListing | Self::OrganisationIndex | Self::Other
        )
    }
}

impl std::fmt::Display for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.describe(), self.code())
    }
}

/// `Submitted by NAME on 02 November 2018`, the byline of the platform's articles.
pub static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^Submitted by (.+?) on (\d{1,2} [A-Z][a-z]+ \d{4})$")
        .unwrap_or_else(|_| unreachable!("the byline pattern is valid"))
});

static COMPLETED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\d{1,3}% completed$")
        .unwrap_or_else(|_| unreachable!("the completeness pattern is valid"))
});

/// What a page is, or the line and message saying why it is none of the layouts.
pub fn detect(lines: &[Line<'_>]) -> Result<Layout, (usize, String)> {
    let content: Vec<&Line<'_>> = lines.iter().filter(|l| !l.is_blank()).collect();
    let Some(first) = content.first() else {
        return Err((1, "empty page".into()));
    };
    if let Some(layout) = by_breadcrumb(&content) {
        return Ok(layout);
    }
    let labels = profile::label_lines(lines);
    match labels.as_slice() {
        [_, _, _, ..] => return Ok(Layout::LegacyProfile),
        // A profile shows all its labels, filled or not: one or two mean a page cut short,
        // which must not pass for a news page because it holds a date.
        [at, ..] => {
            return Err((
                *at,
                format!(
                    "only {} of a profile's labels: a profile cut short?",
                    labels.len()
                ),
            ));
        }
        [] => {}
    }
    let has = |text: &str| content.iter().any(|l| l.text.trim() == text);
    if has("Project duration:") || has("Partnership Composition:") {
        return Ok(Layout::LegacyProject);
    }
    if content.iter().any(|l| COMPLETED.is_match(l.text.trim())) {
        let project = has("Summary and objectives") || has("Type of partnership");
        return Ok(if project {
            Layout::CurrentProject
        } else {
            Layout::CurrentProfile
        });
    }
    if content.iter().any(|l| BYLINE.is_match(l.text.trim())) {
        return Ok(Layout::Article);
    }
    if is_event(&content) {
        return Ok(Layout::Event);
    }
    if news::looks_like_news(lines) {
        return Ok(Layout::NewsList);
    }
    if let Some(layout) = without_data(&content) {
        return Ok(layout);
    }
    if is_partnership(first) {
        return Ok(Layout::Partnership);
    }
    if is_series_landing(&content) {
        return Ok(Layout::Event);
    }
    if reads_like_article(&content) {
        return Ok(Layout::UndatedArticle);
    }
    Err((
        first.number,
        "no known layout: neither a profile, an article, an event, a network or project page, \
         nor a news list"
            .into(),
    ))
}

/// The layout a `Home > SECTION > …` breadcrumb names.
fn by_breadcrumb(content: &[&Line<'_>]) -> Option<Layout> {
    let crumbs: Vec<&str> = content
        .iter()
        .find_map(|l| l.text.trim().strip_prefix("Home > "))?
        .split(" > ")
        .collect();
    match crumbs.as_slice() {
        ["Cluster Organisations"] => Some(Layout::OrganisationIndex),
        // The old profile's breadcrumb; its labels tell a whole page from a cut one.
        ["Cluster Organisations", ..] => None,
        ["Cluster Networks", _, ..] => Some(Layout::Network),
        ["Eu Project Profile", _, ..] => Some(Layout::LegacyProject),
        ["News" | "Profile Articles", _, ..] => Some(Layout::BreadcrumbArticle),
        _ => Some(Layout::Other),
    }
}

/// An event page opens on an image's alternative text and `Description`; a series' page
/// lists editions with the platform's summary or save-the-date marks.
fn is_event(content: &[&Line<'_>]) -> bool {
    let opens_on_description = content
        .iter()
        .take(3)
        .any(|l| l.text.trim() == "Description");
    let editions = content.iter().any(|l| {
        let t = l.text.trim();
        t.contains("Read the event summary") || t.contains("SAVE THE DATE")
    });
    opens_on_description || editions
}

/// Listings, forms and home pages: text around the directory, not in it.
fn without_data(content: &[&Line<'_>]) -> Option<Layout> {
    const FORM_MARKS: &[&str] = &[
        "By ticking this box",
        "Description of measure",
        "Territorial validity",
        "Attachment Size",
        "Last update date",
        "Add your colleague",
    ];
    if content
        .iter()
        .any(|l| FORM_MARKS.iter().any(|m| l.text.contains(m)))
    {
        return Some(Layout::Other);
    }
    let teasers = content
        .iter()
        .filter(|l| l.text.trim_end().ends_with("..."))
        .count();
    let heading = content[0].text.trim();
    let tag_heading = !heading.is_empty() && heading == heading.to_lowercase();
    if teasers >= 2 || (teasers >= 1 && tag_heading) {
        return Some(Layout::TagListing);
    }
    // The home page: headline teasers, each ending with a "more" link.
    let more = content
        .iter()
        .filter(|l| l.text.trim_end().ends_with("more"))
        .count();
    (more >= 3).then_some(Layout::Other)
}

/// An event series' landing page: it opens on prose, not a title, and heads an edition with
/// the series' name and year (`European Cluster Conference 2022`).
fn is_series_landing(content: &[&Line<'_>]) -> bool {
    static EDITION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[A-Z][^.!?]{3,80} (19|20)\d{2}$")
            .unwrap_or_else(|_| unreachable!("the edition pattern is valid"))
    });
    let opens_on_prose = content[0].text.split_whitespace().count() >= 25;
    let edition = content[1..].iter().any(|l| EDITION.is_match(l.text.trim()));
    let speaks_of_events = content
        .iter()
        .any(|l| l.text.contains("edition") || l.text.contains(" event"));
    opens_on_prose && edition && speaks_of_events
}

/// A partnership programme's landing page opens on the programme's name.
fn is_partnership(first: &Line<'_>) -> bool {
    let t = first.text.trim();
    t.starts_with("ESCP") || t.contains("Cluster Partnership")
}

/// A title over prose: a short first line, then at least one long paragraph.
fn reads_like_article(content: &[&Line<'_>]) -> bool {
    let title = content[0].text.trim();
    let short = (3..=200).contains(&title.chars().count()) && !title.ends_with('.');
    short
        && content[1..]
            .iter()
            .any(|l| l.text.split_whitespace().count() >= 25)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::lines::split;

    fn layout(page: &str) -> Result<Layout, usize> {
        detect(&split(page)).map_err(|(line, _)| line)
    }

    const PROSE: &str = "The meeting brought together cluster managers from ten countries, who agreed on a common plan of visits, joint trainings and a shared calendar of matchmaking events for the coming year.";

    #[test]
    fn breadcrumbs_name_their_section() {
        assert_eq!(
            layout("Home > Cluster Networks > SERBIAN CLUSTER NETWORK\nX\n"),
            Ok(Layout::Network)
        );
        assert_eq!(
            layout("Home > Cluster Organisations\nCluster Organisations\n"),
            Ok(Layout::OrganisationIndex)
        );
        assert_eq!(
            layout("Home > News > A title\nA title\nBody\n"),
            Ok(Layout::BreadcrumbArticle)
        );
        assert_eq!(
            layout("Home > Eu Project Profile > COSMENERG\n"),
            Ok(Layout::LegacyProject)
        );
        assert_eq!(
            layout("Home > Frequently Asked Questions\n"),
            Ok(Layout::Other)
        );
        assert_eq!(layout("Home > Achievements > A story\n"), Ok(Layout::Other));
    }

    #[test]
    fn the_current_layout_shows_its_completeness() {
        assert_eq!(
            layout("ICT Cluster\nBulgaria: South-West\nAnna\n90% completed\nAbout us\n"),
            Ok(Layout::CurrentProfile)
        );
        assert_eq!(
            layout("A project\nGermany\n75% completed\nSummary and objectives\n"),
            Ok(Layout::CurrentProject)
        );
    }

    #[test]
    fn articles_are_told_by_their_byline_or_by_a_title_over_prose() {
        assert_eq!(
            layout(&format!(
                "A title\nSubmitted by Jane Doe on 02 November 2018\n{PROSE}\n"
            )),
            Ok(Layout::Article)
        );
        assert_eq!(
            layout(&format!("Submitted by Jane Doe on 04 May 2020\n{PROSE}\n")),
            Ok(Layout::Article)
        );
        assert_eq!(
            layout(&format!("A title\n{PROSE}\n")),
            Ok(Layout::UndatedArticle)
        );
    }

    #[test]
    fn events_listings_and_forms_are_told_apart() {
        assert_eq!(
            layout(&format!("conf\nDescription\n{PROSE}\n")),
            Ok(Layout::Event)
        );
        assert_eq!(
            layout(
                "Clusters meet Regions\nIași, Romania – 21-23 November 2023 📑 Read the event summary.\n"
            ),
            Ok(Layout::Event)
        );
        assert_eq!(
            layout("cluster week\nA teaser\nIt began with...\n"),
            Ok(Layout::TagListing)
        );
        assert_eq!(
            layout(&format!(
                "{PROSE}\nCluster Days 2022\nThe third edition took place in Graz.\n"
            )),
            Ok(Layout::Event),
            "a series' landing page"
        );
        assert_eq!(
            layout("Profile\nBy ticking this box, you agree.\n"),
            Ok(Layout::Other)
        );
        assert_eq!(
            layout("One more\nTwo more\nThree more\n"),
            Ok(Layout::Other)
        );
    }

    #[test]
    fn a_page_of_no_layout_is_refused_at_its_first_line() {
        assert_eq!(layout(""), Err(1));
        assert_eq!(layout("\n\nJust prose.\n"), Err(3));
    }
}
