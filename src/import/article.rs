//! An article of the platform: a news or profile article with its byline (layout L4), one
//! copied to a temporary host without byline (L5), or one under a `Home > News` breadcrumb
//! (L6). Each page is one article: its title, the byline's author and date when it has one
//! (an article without one has no date: none is invented), the body, and the footer's
//! `Cluster organisation` block naming the organisation it is filed under.

use chrono::NaiveDate;

use super::layout::BYLINE;
use super::lines::Line;
use super::{Layout, Warnings};

/// What an article's page states.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Article {
    pub title: Option<String>,
    /// As the byline writes it, possibly cut short with "…".
    pub author: Option<String>,
    pub published_on: Option<NaiveDate>,
    /// The byline's date as written.
    pub published_as: Option<String>,
    /// The organisation the footer names.
    pub filed_under: Option<String>,
    /// Paragraphs separated by blank lines.
    pub body: String,
    /// The page ends before its footer: it was cut short, and its body may be too.
    pub cut: bool,
}

const FOOTER_ORGANISATION: &str = "Cluster organisation";
const FOOTER_END: &str = "Share this Article";

/// Reads an article, or the line and message saying why the page holds none (no title and
/// no body).
pub fn parse(
    lines: &[Line<'_>],
    layout: Layout,
    warnings: &mut Warnings,
) -> Result<Article, (usize, String)> {
    let content: Vec<&Line<'_>> = lines.iter().filter(|l| !l.is_blank()).collect();
    let mut article = Article::default();
    let mut rest = content.as_slice();
    if layout == Layout::BreadcrumbArticle {
        rest = breadcrumb_title(rest, &mut article);
    }
    rest = heading(rest, &mut article, warnings);
    let (body, footer) = split_footer(rest);
    read_footer(footer, &mut article);
    article.cut = footer.is_empty();
    let paragraphs: Vec<String> = body
        .iter()
        .map(|l| l.text.trim())
        .filter(|t| !is_caption(t) && Some(*t) != article.title.as_deref())
        .map(str::to_owned)
        .collect();
    article.body = paragraphs.join("\n\n");
    if article.title.is_none() && article.body.is_empty() {
        let line = content.first().map_or(1, |l| l.number);
        return Err((line, "the article has neither a title nor a body".into()));
    }
    if article.cut {
        let last = body.last().map_or(1, |l| l.number);
        warnings.push(
            last,
            "the page ends before the article's footer: cut short, its body ends here",
        );
    }
    Ok(article)
}

/// `Home > News > TITLE`: the title, and the page after the title line that repeats it.
fn breadcrumb_title<'l, 'a>(
    content: &'l [&'l Line<'a>],
    article: &mut Article,
) -> &'l [&'l Line<'a>] {
    let Some((first, rest)) = content.split_first() else {
        return content;
    };
    let Some(crumbs) = first.text.trim().strip_prefix("Home > ") else {
        return content;
    };
    let title = crumbs.split(" > ").skip(1).collect::<Vec<_>>().join(" > ");
    let rest = match rest.split_first() {
        Some((next, after)) if next.text.trim() == title => after,
        _ => rest,
    };
    article.title = (!title.is_empty()).then_some(title);
    rest
}

/// The title and byline at the top: a title line then the byline, the byline alone (a
/// variant without title), or a title over the body (no byline).
fn heading<'l, 'a>(
    content: &'l [&'l Line<'a>],
    article: &mut Article,
    warnings: &mut Warnings,
) -> &'l [&'l Line<'a>] {
    let byline_at = content
        .iter()
        .take(3)
        .position(|l| BYLINE.is_match(l.text.trim()));
    let Some(at) = byline_at else {
        if article.title.is_some() {
            return content;
        }
        let Some((first, rest)) = content.split_first() else {
            return content;
        };
        article.title = Some(first.text.trim().to_owned());
        return rest;
    };
    if article.title.is_none() && at > 0 {
        let title: Vec<&str> = content[..at].iter().map(|l| l.text.trim()).collect();
        article.title = Some(title.join(" "));
    }
    read_byline(content[at], article, warnings);
    &content[at + 1..]
}

fn read_byline(line: &Line<'_>, article: &mut Article, warnings: &mut Warnings) {
    let Some(c) = BYLINE.captures(line.text.trim()) else {
        return;
    };
    article.author = Some(c[1].trim().to_owned());
    match NaiveDate::parse_from_str(&c[2], "%d %B %Y") {
        Ok(date) => {
            article.published_on = Some(date);
            article.published_as = Some(c[2].to_owned());
        }
        Err(_) => warnings.push(
            line.number,
            format!(
                "the byline's date {:?} is no date; the article stays undated",
                &c[2]
            ),
        ),
    }
}

/// The body, and the footer from its first `Cluster organisation` or `Share this Article`
/// line on (empty when the page was cut before it).
fn split_footer<'l, 'a>(content: &'l [&'l Line<'a>]) -> (&'l [&'l Line<'a>], &'l [&'l Line<'a>]) {
    let footer_at = content.iter().rposition(|l| {
        let t = l.text.trim();
        t == FOOTER_ORGANISATION || t == FOOTER_END
    });
    // The organisation block sits right above the share link.
    let start = match footer_at {
        Some(i) if i > 0 && content[i].text.trim() == FOOTER_END => {
            let above = content[..i]
                .iter()
                .rposition(|l| l.text.trim() == FOOTER_ORGANISATION);
            match above {
                Some(j) if i - j <= 2 => j,
                _ => i,
            }
        }
        Some(i) => i,
        None => content.len(),
    };
    content.split_at(start)
}

/// `Cluster organisation`, then the organisation's name unless the block is empty.
fn read_footer(footer: &[&Line<'_>], article: &mut Article) {
    let mut texts = footer.iter().map(|l| l.text.trim());
    if texts.next() != Some(FOOTER_ORGANISATION) {
        return;
    }
    article.filed_under = texts
        .next()
        .filter(|t| *t != FOOTER_END && !t.is_empty())
        .map(str::to_owned);
}

/// An image's caption of bare numbers ("3 1"), not text of the article.
fn is_caption(t: &str) -> bool {
    t.chars().all(|c| c.is_ascii_digit() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::lines::split;

    fn read(page: &str, layout: Layout) -> (Article, Warnings) {
        let mut w = Warnings::default();
        let a = parse(&split(page), layout, &mut w).unwrap_or_default();
        (a, w)
    }

    #[test]
    fn a_byline_gives_author_and_date_and_the_footer_its_organisation() {
        let page = "Widgets meet in Graz\n\nSubmitted by Jane Doe on 02 November 2018\n\nThe meeting gathered many.\n\n3 1\n\nIt ended well.\n\n\nCluster organisation\nAlpine Widget Cluster\nShare this Article\n";
        let (a, w) = read(page, Layout::Article);
        assert_eq!(a.title.as_deref(), Some("Widgets meet in Graz"));
        assert_eq!(a.author.as_deref(), Some("Jane Doe"));
        assert_eq!(a.published_on, NaiveDate::from_ymd_opt(2018, 11, 2));
        assert_eq!(a.published_as.as_deref(), Some("02 November 2018"));
        assert_eq!(a.filed_under.as_deref(), Some("Alpine Widget Cluster"));
        assert_eq!(a.body, "The meeting gathered many.\n\nIt ended well.");
        assert!(!a.cut && w.items.is_empty(), "{w:?}");
    }

    #[test]
    fn every_footer_form_ends_the_body() {
        let empty_block = "T\nSubmitted by A B on 01 June 2020\nBody.\nCluster organisation\nShare this Article\n";
        let (a, _) = read(empty_block, Layout::Article);
        assert_eq!((a.body.as_str(), a.filed_under), ("Body.", None));
        let share_only = "T\nSubmitted by A B on 01 June 2020\nBody.\nShare this Article\n";
        let (a, _) = read(share_only, Layout::Article);
        assert_eq!((a.body.as_str(), a.cut), ("Body.", false));
        let bare = "T\nBody.\nCluster organisation\n";
        let (a, _) = read(bare, Layout::UndatedArticle);
        assert_eq!((a.body.as_str(), a.filed_under), ("Body.", None));
    }

    #[test]
    fn an_article_without_byline_has_no_date() {
        let (a, w) = read(
            "A title\nThe first paragraph.\nThe second.\n",
            Layout::UndatedArticle,
        );
        assert_eq!(a.title.as_deref(), Some("A title"));
        assert_eq!((a.published_on, a.author), (None, None));
        assert_eq!(a.body, "The first paragraph.\n\nThe second.");
        assert!(a.cut && w.items[0].message.contains("cut short"));
    }

    #[test]
    fn a_byline_first_article_has_no_title() {
        let (a, _) = read(
            "Submitted by Jo Example on 04 May 2020\n\nThe body.\n",
            Layout::Article,
        );
        assert_eq!((a.title, a.author.as_deref()), (None, Some("Jo Example")));
        assert_eq!(a.body, "The body.");
    }

    #[test]
    fn a_breadcrumb_gives_the_title_and_its_repetition_is_dropped() {
        let (a, _) = read(
            "Home > News > Results of a survey\n\nResults of a survey\n\nMost answered.\n",
            Layout::BreadcrumbArticle,
        );
        assert_eq!(a.title.as_deref(), Some("Results of a survey"));
        assert_eq!(a.body, "Most answered.");
    }

    #[test]
    fn a_title_repeated_in_the_body_is_said_once() {
        let (a, _) = read(
            "News Flash!\nSubmitted by A B on 05 October 2015\nNews Flash!\nText.\nShare this Article\n",
            Layout::Article,
        );
        assert_eq!(a.body, "Text.");
    }

    #[test]
    fn a_page_of_nothing_is_refused() {
        let mut w = Warnings::default();
        assert!(parse(&split("\n\n"), Layout::UndatedArticle, &mut w).is_err());
    }
}
