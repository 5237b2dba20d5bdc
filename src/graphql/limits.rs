//! What one operation may ask for, and the schema extension that refuses the rest with a
//! stable `extensions.code` before anything touches the store.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ErrorExtensionValues, Request, ServerError, ServerResult, ValidationResult};

use super::shape::{self, Unmeasurable};

/// The limits on an operation's shape; on by default.
#[derive(clap::Args, Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Deepest chain of nested fields an operation may ask for (introspection's own nesting
    /// aside).
    #[arg(long, env = "ATLAS_MAX_DEPTH", default_value_t = Limits::DEFAULT.max_depth)]
    pub max_depth: usize,
    /// Highest cost an operation may have: each field costs 1 plus its selection, and a
    /// page costs its size (default 20, at most 100) times the selection of one item.
    #[arg(long, env = "ATLAS_MAX_COMPLEXITY", default_value_t = Limits::DEFAULT.max_complexity)]
    pub max_complexity: usize,
    /// Most aliased fields an operation may have, fragments counted as often as spread.
    #[arg(long, env = "ATLAS_MAX_ALIASES", default_value_t = Limits::DEFAULT.max_aliases)]
    pub max_aliases: u64,
    /// Most fields an operation may ask for at its root.
    #[arg(long, env = "ATLAS_MAX_ROOT_FIELDS", default_value_t = Limits::DEFAULT.max_root_fields)]
    pub max_root_fields: u64,
    /// Refuse introspection (`__schema`, `__type`) and stop serving /schema.graphql.
    #[arg(long, env = "ATLAS_NO_INTROSPECTION")]
    pub no_introspection: bool,
}

impl Limits {
    /// A page of 100 full cluster profiles, each with its latest 5 news items (the heaviest
    /// query of the benchmark), costs about 4,800 and nests 7 deep; the defaults leave room
    /// for twice that and refuse a page of 100 clusters with 100 news items each (50,000).
    pub const DEFAULT: Self = Self {
        max_depth: 12,
        max_complexity: 10_000,
        max_aliases: 30,
        max_root_fields: 20,
        no_introspection: false,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A request refused as a whole, with its code.
pub fn refusal(code: &str, message: impl Into<String>) -> ServerError {
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    ServerError {
        extensions: Some(extensions),
        ..ServerError::new(message, None)
    }
}

/// Refuses a document whose brackets nest too deep for the parser to be safe from it.
fn check_brackets(query: &str) -> ServerResult<()> {
    let depth = shape::bracket_depth(query);
    if depth > shape::MAX_BRACKETS {
        return Err(refusal(
            "QUERY_TOO_DEEP",
            format!(
                "the query nests brackets {depth} deep, more than {}",
                shape::MAX_BRACKETS
            ),
        ));
    }
    Ok(())
}

/// Parses the request's document once and keeps it in the request. A document nested past
/// the parser's recursion limit is too deep rather than malformed.
pub fn parse(request: &mut Request) -> Result<&ExecutableDocument, ServerError> {
    use async_graphql::parser::{Error, parse_query};
    check_brackets(&request.query)?;
    match parse_query(&request.query) {
        Ok(doc) => request.set_parsed_query(doc),
        Err(Error::RecursionLimitExceeded) => {
            return Err(refusal(
                "QUERY_TOO_DEEP",
                "the query nests deeper than the parser follows",
            ));
        }
        Err(e) => {
            let mut error = ServerError::from(e);
            error.extensions = refusal("GRAPHQL_PARSE_FAILED", "").extensions;
            return Err(error);
        }
    }
    request.parsed_query()
}

/// The schema extension enforcing [`Limits`]: the document's shape before validation (so
/// that no fragment bomb reaches the validator, which walks fragments inline), its cost
/// after.
#[derive(Clone)]
pub struct Enforce(pub Arc<Limits>);

impl ExtensionFactory for Enforce {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(self.clone())
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Enforce {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        // Parsed already by `parse` when it came over HTTP; the scan is cheap to repeat.
        check_brackets(&request.query)?;
        // A document that does not parse is reported by the parser, next.
        if let Ok(doc) = request.parsed_query() {
            self.check_shape(doc)?;
        }
        next.run(ctx, request).await
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        let max = self.0.max_complexity;
        if result.complexity > max {
            return Err(vec![refusal(
                "QUERY_TOO_COMPLEX",
                format!(
                    "the query costs {}, more than {max}: a page costs its size times the \
                     selection of one item, so ask for smaller pages or fewer nested fields",
                    result.complexity
                ),
            )]);
        }
        Ok(result)
    }
}

impl Enforce {
    fn check_shape(&self, doc: &ExecutableDocument) -> ServerResult<()> {
        let limits = &self.0;
        let shape = shape::measure(doc).map_err(|e| match e {
            Unmeasurable::TooDeep => refusal(
                "QUERY_TOO_DEEP",
                format!(
                    "the query nests selections and fragments more than {} levels deep",
                    shape::MAX_NESTING
                ),
            ),
            Unmeasurable::Cycle(name) => refusal(
                "GRAPHQL_VALIDATION_FAILED",
                format!("fragment {name} spreads itself"),
            ),
        })?;
        if limits.no_introspection && shape.introspects {
            return Err(refusal(
                "INTROSPECTION_DISABLED",
                "introspection is off on this server",
            ));
        }
        if shape.depth > limits.max_depth {
            return Err(refusal(
                "QUERY_TOO_DEEP",
                format!(
                    "the query nests fields {} deep, more than {}",
                    shape.depth, limits.max_depth
                ),
            ));
        }
        if shape.aliases > limits.max_aliases {
            return Err(refusal(
                "TOO_MANY_ALIASES",
                format!(
                    "the query has {} aliases, more than {}",
                    shape.aliases, limits.max_aliases
                ),
            ));
        }
        if shape.top > limits.max_root_fields {
            return Err(refusal(
                "TOO_MANY_ROOT_FIELDS",
                format!(
                    "the query asks for {} root fields, more than {}",
                    shape.top, limits.max_root_fields
                ),
            ));
        }
        // Every field costs at least 1, so this is a floor of the cost, known before the
        // validator would expand the fragments.
        let most = u64::try_from(limits.max_complexity).unwrap_or(u64::MAX);
        if shape.fields > most {
            return Err(refusal(
                "QUERY_TOO_COMPLEX",
                format!(
                    "the query expands to {} fields, more than {most}",
                    shape.fields
                ),
            ));
        }
        Ok(())
    }
}
