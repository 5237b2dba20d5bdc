//! Reading a request body up to a limit, so that a client which sends too much still hears
//! why. Answering 413 while the client is still writing makes the server close a socket
//! with unread bytes in it, which the kernel answers with a reset: a client that writes the
//! whole body before reading (Python's urllib, for one) sees a broken pipe, not the 413. So
//! the rest of an oversized body is read and dropped first, up to a bound in bytes and time,
//! as nginx's lingering close does after its answer.

use std::time::Duration;

use axum::body::{Body, Bytes};
use http_body_util::BodyExt;

/// Most bytes of an oversized body read and dropped before answering.
const DRAIN_BYTES: usize = 64 << 20;

/// Most time spent reading and dropping them.
const DRAIN_TIME: Duration = Duration::from_secs(5);

/// Why a body was not read.
#[derive(Debug, PartialEq, Eq)]
pub enum Unread {
    /// Larger than the limit; the rest was drained (within the bounds).
    TooLarge,
    /// The connection failed or the client stopped sending mid-body.
    Broken,
}

/// The whole body, if it holds at most `most` bytes.
pub async fn read(body: Body, most: usize) -> Result<Bytes, Unread> {
    let mut body = body;
    let mut kept = Vec::new();
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(Unread::Broken);
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if kept.len() + data.len() > most {
            drain(body, data.len()).await;
            return Err(Unread::TooLarge);
        }
        kept.extend_from_slice(&data);
    }
    Ok(Bytes::from(kept))
}

/// Reads and drops what is left of `body`, within the bounds; `dropped` bytes are gone.
async fn drain(mut body: Body, mut dropped: usize) {
    let reading = async {
        while dropped < DRAIN_BYTES {
            match body.frame().await {
                Some(Ok(frame)) => dropped += frame.data_ref().map_or(0, Bytes::len),
                Some(Err(_)) | None => return,
            }
        }
    };
    if tokio::time::timeout(DRAIN_TIME, reading).await.is_err() {
        tracing::debug!(
            dropped,
            "stopped draining an oversized body at the time bound"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_body_within_the_limit_is_read_whole() {
        let body = Body::from("x".repeat(100));
        assert_eq!(read(body, 100).await.map(|b| b.len()), Ok(100));
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_refused_after_it_was_read_to_the_end() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let pulled = Arc::new(AtomicUsize::new(0));
        let counted = pulled.clone();
        let chunks = (0..10).map(move |_| {
            counted.fetch_add(1, Ordering::SeqCst);
            Ok::<_, std::io::Error>(Bytes::from(vec![b'x'; 1000]))
        });
        let body = Body::from_stream(futures::stream::iter(chunks));
        assert_eq!(read(body, 2500).await, Err(Unread::TooLarge));
        assert_eq!(pulled.load(Ordering::SeqCst), 10, "every chunk was read");
    }
}
