//! The index's fields: one document per searchable thing, holding only what ranking,
//! highlights and facets need. Entities themselves come from the store by `id`.

use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use super::analysis;

/// Bump when the fields or what goes into them change: an index of another version is
/// rebuilt, never read.
pub const SCHEMA_VERSION: u32 = 3;

/// What a document stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Cluster,
    Service,
    Participation,
    News,
    /// A name to complete while typing (cluster, network, place, taxonomy term); never a
    /// search hit.
    Suggestion,
    /// An event. Last, so the codes of the kinds before it stay those of older indexes.
    Event,
}

impl Kind {
    pub const HITS: [Kind; 5] = [
        Self::Cluster,
        Self::Service,
        Self::Participation,
        Self::News,
        Self::Event,
    ];

    pub fn code(self) -> u64 {
        self as u64
    }

    pub fn from_code(code: u64) -> Option<Self> {
        [
            Self::Cluster,
            Self::Service,
            Self::Participation,
            Self::News,
            Self::Suggestion,
            Self::Event,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }

    /// The value under the `/kind` facet.
    pub fn facet_value(self) -> &'static str {
        match self {
            Self::Cluster => "CLUSTER",
            Self::Service => "SERVICE",
            Self::Participation => "PROGRAMME_PARTICIPATION",
            Self::News => "NEWS",
            Self::Suggestion => "SUGGESTION",
            Self::Event => "EVENT",
        }
    }
}

/// Facet names: what every search counts, and the names its filters take.
pub mod facet {
    use crate::store::TermKind;

    pub const KIND: &str = "kind";
    pub const COUNTRY: &str = "country";
    pub const EXCELLENCE_LABEL: &str = "excellenceLabel";
    pub const NETWORK: &str = "network";
    pub const FRAMEWORK: &str = "framework";
    pub const YEAR: &str = "year";
    /// A cluster's cooperation target countries: for matchmaking, neither counted nor a
    /// filter.
    pub const TARGET: &str = "target";

    /// The facet of each taxonomy.
    pub fn term(kind: TermKind) -> &'static str {
        match kind {
            TermKind::Sector => "sector",
            TermKind::TechnologyField => "technologyField",
            TermKind::S3Priority => "s3Priority",
            TermKind::EmergingIndustry => "emergingIndustry",
            TermKind::ServiceType => "serviceType",
            TermKind::ActivityType => "activityType",
            TermKind::Language => "language",
        }
    }

    /// Every facet, in the order a search reports them.
    pub fn all() -> impl Iterator<Item = &'static str> {
        [KIND, COUNTRY]
            .into_iter()
            .chain(TermKind::ALL.map(term))
            .chain([EXCELLENCE_LABEL, NETWORK, FRAMEWORK, YEAR])
    }
}

/// The text fields a query can reach, with their analyser and weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TextField {
    /// Names and aliases of clusters, programme names, service headings: unstemmed.
    Name,
    /// News titles.
    Title,
    /// Cluster strategy and objectives.
    Strategy,
    /// Everything else in prose: services, programme descriptions, news bodies.
    Body,
    /// Taxonomy labels.
    Terms,
    /// Regions, countries, towns: unstemmed.
    Places,
}

impl TextField {
    pub const ALL: [TextField; 6] = [
        Self::Name,
        Self::Title,
        Self::Strategy,
        Self::Body,
        Self::Terms,
        Self::Places,
    ];

    pub fn analyzer(self) -> &'static str {
        match self {
            Self::Name | Self::Places => analysis::NAME,
            Self::Title | Self::Strategy | Self::Body | Self::Terms => analysis::PROSE,
        }
    }

    /// BM25 multiplier: a word in a name or title says more than one in a body.
    pub fn boost(self) -> f32 {
        match self {
            Self::Name => 4.0,
            Self::Title => 3.0,
            Self::Terms => 2.0,
            Self::Places => 2.0,
            Self::Strategy => 1.2,
            Self::Body => 1.0,
        }
    }

    /// The name a highlight reports.
    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Title => "title",
            Self::Strategy => "strategy",
            Self::Body => "body",
            Self::Terms => "terms",
            Self::Places => "places",
        }
    }
}

/// Field handles of the one schema.
#[derive(Clone)]
pub struct Fields {
    pub schema: Schema,
    pub kind: Field,
    /// Entity id within its kind.
    pub id: Field,
    /// "cluster/12" or "news/7": every document derived from that entity, to delete them
    /// together before it is derived again.
    pub owner: Field,
    text: [Field; 6],
    /// Every word of every text field, folded but unstemmed, positions left out: the
    /// dictionary that typo and prefix matching expand against.
    pub words: Field,
    /// News date, days since 1970-01-01: recency tie-break and the year facet.
    pub day: Field,
    pub facets: Field,
    /// Suggestions only: the text shown, what it names, its per-word prefixes, and how many
    /// things use it.
    pub label: Field,
    pub suggests: Field,
    pub prefixes: Field,
    pub weight: Field,
}

impl Fields {
    pub fn new() -> Self {
        let mut b = Schema::builder();
        let kind = b.add_u64_field("kind", INDEXED | FAST | STORED);
        let id = b.add_u64_field("id", FAST | STORED);
        let owner = b.add_text_field("owner", STRING);
        let text = TextField::ALL.map(|f| {
            let indexing = TextFieldIndexing::default()
                .set_tokenizer(f.analyzer())
                .set_index_option(IndexRecordOption::WithFreqsAndPositions);
            b.add_text_field(
                f.label(),
                TextOptions::default()
                    .set_indexing_options(indexing)
                    .set_stored(),
            )
        });
        let words = b.add_text_field(
            "words",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analysis::NAME)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        );
        let day = b.add_i64_field("day", FAST);
        let facets = b.add_facet_field("facets", FacetOptions::default());
        let label = b.add_text_field("label", STORED);
        let suggests = b.add_text_field("suggests", STORED);
        let prefixes = b.add_text_field(
            "prefixes",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analysis::PREFIX)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
        let weight = b.add_u64_field("weight", FAST);
        Self {
            schema: b.build(),
            kind,
            id,
            owner,
            text,
            words,
            day,
            facets,
            label,
            suggests,
            prefixes,
            weight,
        }
    }

    pub fn text(&self, f: TextField) -> Field {
        self.text[f as usize]
    }
}

impl Default for Fields {
    fn default() -> Self {
        Self::new()
    }
}
