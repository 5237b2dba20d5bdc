//! The one place a response's errors get their `extensions.code`: a schema extension, so
//! queries, mutations and subscriptions over every transport pass through it.
//!
//! A resolver's `crate::Error` arrives as the error's source. A client error keeps its
//! message and gets its code (and `field` or `currentVersion`); an internal one, and any
//! other typed source (a store or index error that reached `?` unconverted), is logged once
//! here with its whole chain and shown as "internal error".

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextRequest, NextSubscribe,
};
use async_graphql::{Response, ServerError};
use futures::StreamExt;
use futures::stream::BoxStream;

use crate::Error;

pub struct Publish;

impl ExtensionFactory for Publish {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Publish)
    }
}

#[async_trait::async_trait]
impl Extension for Publish {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        published(next.run(ctx).await)
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        next.run(ctx, stream).map(published).boxed()
    }
}

fn published(mut response: Response) -> Response {
    response.errors.iter_mut().for_each(publish);
    response
}

/// Gives `error` the code of its source, hiding internal causes.
pub fn publish(error: &mut ServerError) {
    let Some(source) = error.source.clone() else {
        return;
    };
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if let Some(e) = source.downcast_ref::<Error>() {
        extensions.set("code", e.code());
        if let Some(field) = e.field() {
            extensions.set("field", field);
        }
        if let Some(version) = e.current_version() {
            extensions.set("currentVersion", version);
        }
        if !e.is_internal() {
            return;
        }
        tracing::error!(error = %crate::error::chain(e), path = ?error.path, "request failed");
        if e.code() == crate::error::UNAVAILABLE {
            error.message = "the store is unavailable: retry shortly".to_owned();
            return;
        }
    } else {
        extensions.set("code", "INTERNAL_SERVER_ERROR");
        tracing::error!(error = %error.message, path = ?error.path, "request failed");
    }
    error.message = "internal error".to_owned();
}
