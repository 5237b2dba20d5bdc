//! Writes an article onto its one news item: the page's address is its key, so copies of
//! one article from several hosts are one item. What a copy does not state (a byline
//! missing, a footer cut off) keeps what another copy stated.

use sea_orm::ConnectionTrait;

use super::{Error, Outcome, publisher};
use crate::import::Warnings;
use crate::import::article::Article;
use crate::import::manifest::PageEntry;
use crate::resolve::keys::article_key;
use crate::resolve::known::Known;
use crate::resolve::mentions::{Mention, Target};
use crate::store;
use crate::store::outbox::Changed;

pub async fn article(
    db: &impl ConnectionTrait,
    known: &mut Known,
    page: Article,
    entry: &PageEntry,
    warnings: &mut Warnings,
) -> Result<Outcome, Error> {
    let Some(source) = entry.source.clone() else {
        return Err(Error::Page {
            line: 1,
            message: "article without a source address: give it a `URL:` line or a manifest entry"
                .into(),
        });
    };
    let key = article_key(&source);
    let stored = store::news::find_by_key(db, &key).await?;
    let before = stored
        .as_ref()
        .map(<store::news::Fields as store::versioned::Versioned>::of);
    let author = match &page.author {
        Some(a) => Some(complete_author(db, a, warnings).await?),
        None => None,
    };
    let body = kept_body(&page, before.as_ref(), warnings);
    let fields = store::news::Fields {
        key,
        source_url: source.clone(),
        publisher_id: match &entry.publisher {
            Some(_) => publisher(db, entry, warnings).await?,
            None => before.as_ref().and_then(|b| b.publisher_id),
        },
        position: 0,
        title: page
            .title
            .clone()
            .or_else(|| before.as_ref()?.title.clone()),
        published_on: page
            .published_on
            .or(before.as_ref().and_then(|b| b.published_on)),
        published_as: page
            .published_as
            .clone()
            .or_else(|| before.as_ref()?.published_as.clone()),
        date_suspect: false,
        body,
        author: author.or_else(|| before.as_ref()?.author.clone()),
        filed_under: page
            .filed_under
            .clone()
            .or_else(|| before.as_ref()?.filed_under.clone()),
    };
    let dir = known.everyone(db).await?;
    let mentions = mentions(dir, &fields);
    let (item, written) = store::news::upsert(db, fields, stored).await?;
    let relinked = store::news_mention::replace(db, item, mentions).await?;
    let changed = usize::from(written) + usize::from(relinked);
    if changed > 0 {
        store::outbox::record(db, Changed::News, [item.id]).await?;
    }
    Ok((source, changed, 1))
}

/// The stored body, when this copy was cut short inside it: a cut copy never shortens
/// what a whole one stated.
fn kept_body(
    page: &Article,
    before: Option<&store::news::Fields>,
    warnings: &mut Warnings,
) -> String {
    let Some(before) = before else {
        return page.body.clone();
    };
    // Another host's copy breaks the same text into other lines: one text, kept as stored.
    let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    if words(&before.body) == words(&page.body) {
        return before.body.clone();
    }
    if !page.cut {
        return page.body.clone();
    }
    // The cut falls anywhere, often inside a word: compare up to the last whole word.
    let cut = words(&page.body);
    let whole = cut.rsplit_once(' ').map_or("", |(head, _)| head);
    let stored = words(&before.body);
    if stored.len() > cut.len() && stored.starts_with(whole) {
        warnings.push(
            1,
            "this copy is cut short inside the stored body; the stored body is kept",
        );
        return before.body.clone();
    }
    page.body.clone()
}

/// The whole name a byline cut short ("Alina Danieles…"), when exactly one stored author
/// begins with it.
async fn complete_author(
    db: &impl ConnectionTrait,
    author: &str,
    warnings: &mut Warnings,
) -> Result<String, Error> {
    let Some(prefix) = author.strip_suffix(store::news::CUT) else {
        return Ok(author.to_owned());
    };
    match store::news::authors_beginning(db, prefix.trim_end())
        .await?
        .as_slice()
    {
        [whole] => {
            warnings.push(1, format!("the byline's {author:?} taken as {whole:?}"));
            Ok(whole.clone())
        }
        _ => Ok(author.to_owned()),
    }
}

/// The organisations the article names, and the one its footer files it under (kept under
/// the footer's name, so the item can say which of its mentions that is).
fn mentions(
    dir: &crate::resolve::mentions::Directory,
    f: &store::news::Fields,
) -> Vec<store::news_mention::Row> {
    let text = match &f.title {
        Some(t) => format!("{t}\n\n{}", f.body),
        None => f.body.clone(),
    };
    let mut found = dir.mentions(&text);
    if let Some(name) = &f.filed_under {
        let target: Option<Target> = dir.resolve(name);
        found.retain(|m| {
            crate::text::name_key(&m.name) != crate::text::name_key(name)
                && (target.is_none() || m.target != target)
        });
        found.push(Mention {
            name: name.clone(),
            target,
        });
    }
    found.into_iter().map(Mention::into_row).collect()
}
