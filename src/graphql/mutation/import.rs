//! `importPages`: the page importer through the API.

use std::collections::BTreeSet;
use std::path::PathBuf;

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};

use super::{admit, wrote};
use crate::Error;
use crate::auth::Scope;
use crate::graphql::context::{Res, db};
use crate::import::{self, Manifest, PageEntry, RunError};

/// Pages one `importPages` takes at most.
const MAX_PAGES: usize = 100;

#[derive(Default)]
pub struct ImportMutation;

/// A page in the seeds' text layout, with what the page itself lacks (as the manifest
/// beside files gives it).
#[derive(InputObject)]
pub struct PageInput {
    /// How reports name the page, e.g. its file name.
    pub name: String,
    /// The page's text.
    pub text: String,
    /// Cluster slug (profiles); derived from the name when omitted.
    pub slug: Option<String>,
    /// Cluster name, for a profile whose text lacks it.
    pub cluster_name: Option<String>,
    /// ISO 3166-1 alpha-2 country code of a profile.
    pub country: Option<String>,
    /// Address the page was taken from.
    pub source: Option<String>,
    /// Other names of the cluster.
    pub aliases: Option<Vec<String>>,
    /// Slug of the network publishing a news page.
    pub publisher: Option<String>,
}

/// What an imported page was read as.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::import::PageKind")]
pub enum ImportedPageKind {
    /// A cluster profile.
    Profile,
    /// A network's news page.
    News,
    /// A cluster network's own page.
    Network,
    /// An article of the platform, with or without its byline.
    Article,
    /// An event's page, or an event series' page with its editions.
    Event,
    /// An EU project's profile.
    Project,
}

/// Something the importer skipped or doubted, at a line of the page.
#[derive(SimpleObject)]
pub struct ImportWarning {
    /// The line of the page, counted from 1.
    pub line: i32,
    /// What was skipped or doubted, and why.
    pub message: String,
}

/// A page that was imported, with what the importer skipped or doubted.
#[derive(SimpleObject)]
pub struct ImportedPage {
    /// The page's name as given.
    pub name: String,
    /// What the page was read as.
    pub kind: ImportedPageKind,
    /// The cluster's slug, or the news page's source address.
    pub subject: String,
    /// Rows inserted or updated: 0 when the store already held the page.
    pub changed: i32,
    /// News items on a news page.
    pub items: i32,
    /// What was skipped or doubted, by line.
    pub warnings: Vec<ImportWarning>,
}

/// A page that could not be imported: nothing of it was written.
#[derive(SimpleObject)]
pub struct PageFailure {
    /// The page's name as given.
    pub name: String,
    /// The line that shows why, counted from 1.
    pub line: i32,
    /// Why the page was refused.
    pub message: String,
}

/// What an import did, page by page.
#[derive(SimpleObject)]
pub struct ImportPagesPayload {
    /// The pages imported, each in its own transaction.
    pub imported: Vec<ImportedPage>,
    /// The pages refused; nothing of them was written.
    pub failed: Vec<PageFailure>,
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

#[Object]
impl ImportMutation {
    /// Imports pages as `cluster-atlas import` does (admin): each page in a transaction of
    /// its own, re-importing the same page changes nothing, and a page that cannot be
    /// imported is reported in `failed` while the others are imported.
    async fn import_pages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pages, each with its text and what it does not say of itself.")]
        pages: Vec<PageInput>,
    ) -> Res<ImportPagesPayload> {
        admit(ctx, Scope::Admin).await?;
        if pages.is_empty() || pages.len() > MAX_PAGES {
            return Err(Error::invalid_field(
                "pages",
                format!("give 1 to {MAX_PAGES} pages, not {}", pages.len()),
            )
            .into());
        }
        let mut names = BTreeSet::new();
        for (i, p) in pages.iter().enumerate() {
            if p.name.trim().is_empty() || !names.insert(p.name.as_str()) {
                return Err(Error::invalid_field(
                    &format!("pages.{i}.name"),
                    "each page needs a name of its own",
                )
                .into());
            }
        }
        let mut manifest = Manifest::default();
        let mut texts = Vec::with_capacity(pages.len());
        for p in pages {
            let file = PathBuf::from(&p.name);
            manifest.pages.push(PageEntry {
                file: file.clone(),
                slug: p.slug,
                name: p.cluster_name,
                country: p.country.map(|c| c.to_ascii_uppercase()),
                source: p.source,
                aliases: p.aliases.unwrap_or_default(),
                publisher: p.publisher,
            });
            texts.push((file, p.text));
        }
        let outcome = import::run(
            db(ctx)?,
            &manifest,
            texts,
            &indicatif::ProgressBar::hidden(),
        )
        .await;
        // Each page commits alone: some may have, whatever the run's outcome.
        wrote(ctx, Ok(()))?;
        let (imported, failed) = match outcome {
            Ok(reports) => (reports, Vec::new()),
            Err(RunError::Pages { imported, failed }) => (imported, failed),
            Err(RunError::Db(e)) => return Err(Error::Database(e).into()),
        };
        let name = |f: &PathBuf| f.to_string_lossy().into_owned();
        Ok(ImportPagesPayload {
            imported: imported
                .into_iter()
                .map(|r| ImportedPage {
                    name: name(&r.file),
                    kind: r.kind.into(),
                    subject: r.subject,
                    changed: count(r.changed),
                    items: count(r.items),
                    warnings: r
                        .warnings
                        .items
                        .into_iter()
                        .map(|w| ImportWarning {
                            line: count(w.line),
                            message: w.message,
                        })
                        .collect(),
                })
                .collect(),
            failed: failed
                .into_iter()
                .map(|f| PageFailure {
                    name: name(&f.file),
                    line: count(f.line),
                    message: f.message,
                })
                .collect(),
        })
    }
}
