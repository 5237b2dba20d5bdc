//! Per-request batching in waves.
//!
//! Every key a resolver asks for joins the next wave. A wave is sent when the request can
//! make no more progress without it, and the next one only once the whole wave has
//! answered. A query therefore costs one statement per loader per nesting level, whatever
//! the page size, and never depends on timing: a fixed delay window (async-graphql's
//! DataLoader) splits a batch whenever polling a large page outlasts the window.

use std::any::{Any, TypeId};
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};
use tokio::sync::oneshot;

/// Fetches the values of many keys at once; keys without a value are left out.
pub trait Fetch<K>: Send + Sync + 'static {
    type Value: Clone + Send + Sync + 'static;

    fn fetch(
        &self,
        keys: &[K],
    ) -> impl Future<Output = Result<HashMap<K, Self::Value>, async_graphql::Error>> + Send;
}

type Answer<V> = Result<Option<V>, async_graphql::Error>;

/// The keys of one type waiting for the next wave, and those answered in this request.
struct Queue<K, V> {
    waiting: Vec<(K, oneshot::Sender<Answer<V>>)>,
    answered: HashMap<K, Option<V>>,
}

/// A queue with its key type erased, so one map holds them all.
trait Queued<F>: Send {
    fn as_any(&mut self) -> &mut dyn Any;
    /// The fetch of every waiting key; `None` when none waits.
    fn take(&mut self, fetcher: &Arc<F>, state: &Shared<F>) -> Option<BoxFuture<'static, ()>>;
    fn forget(&mut self);
}

struct State<F> {
    queues: HashMap<TypeId, Box<dyn Queued<F>>>,
}

type Shared<F> = Arc<Mutex<State<F>>>;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<F> State<F> {
    fn queue<K>(&mut self) -> Option<&mut Queue<K, F::Value>>
    where
        F: Fetch<K>,
        K: Clone + Eq + Hash + Send + Sync + 'static,
    {
        self.queues
            .entry(TypeId::of::<K>())
            .or_insert_with(|| {
                Box::new(Queue::<K, F::Value> {
                    waiting: Vec::new(),
                    answered: HashMap::new(),
                })
            })
            .as_any()
            .downcast_mut()
    }
}

impl<F, K> Queued<F> for Queue<K, F::Value>
where
    F: Fetch<K>,
    K: Clone + Eq + Hash + Send + Sync + 'static,
{
    fn as_any(&mut self) -> &mut dyn Any {
        self
    }

    fn forget(&mut self) {
        self.answered.clear();
    }

    fn take(&mut self, fetcher: &Arc<F>, state: &Shared<F>) -> Option<BoxFuture<'static, ()>> {
        if self.waiting.is_empty() {
            return None;
        }
        let waiting = std::mem::take(&mut self.waiting);
        let keys: Vec<K> = waiting
            .iter()
            .map(|(k, _)| k.clone())
            .collect::<HashSet<K>>()
            .into_iter()
            .collect();
        let (fetcher, state) = (fetcher.clone(), state.clone());
        Some(Box::pin(async move {
            let fetched = fetcher.fetch(&keys).await;
            let mut guard = lock(&state);
            let Some(queue) = guard.queue::<K>() else {
                return;
            };
            match fetched {
                Ok(mut values) => {
                    for k in keys {
                        let v = values.remove(&k);
                        queue.answered.insert(k, v);
                    }
                    for (k, tx) in waiting {
                        let _ = tx.send(Ok(queue.answered.get(&k).cloned().flatten()));
                    }
                }
                Err(e) => {
                    for (_, tx) in waiting {
                        let _ = tx.send(Err(e.clone()));
                    }
                }
            }
        }))
    }
}

/// The batcher of one request; cheap to clone.
pub struct Batcher<F> {
    fetcher: Arc<F>,
    state: Shared<F>,
}

impl<F> Clone for Batcher<F> {
    fn clone(&self) -> Self {
        Self {
            fetcher: self.fetcher.clone(),
            state: self.state.clone(),
        }
    }
}

impl<F: Send + 'static> Batcher<F> {
    pub fn new(fetcher: F) -> Self {
        Self {
            fetcher: Arc::new(fetcher),
            state: Arc::new(Mutex::new(State {
                queues: HashMap::new(),
            })),
        }
    }

    /// The value of `key`, fetched with the next wave unless this request has it already.
    pub async fn load_one<K>(&self, key: K) -> Answer<F::Value>
    where
        F: Fetch<K>,
        K: Clone + Eq + Hash + Send + Sync + 'static,
    {
        let rx = {
            let mut state = lock(&self.state);
            let Some(queue) = state.queue::<K>() else {
                return Err(crate::Error::Invariant("batch queue of the wrong type").into());
            };
            if let Some(v) = queue.answered.get(&key) {
                return Ok(v.clone());
            }
            let (tx, rx) = oneshot::channel();
            queue.waiting.push((key, tx));
            rx
        };
        rx.await
            .unwrap_or_else(|_| Err(crate::Error::Invariant("batch dropped").into()))
    }

    /// The values of `keys` that exist, in key order, all in the same wave.
    pub async fn load_each<K>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<Vec<F::Value>, async_graphql::Error>
    where
        F: Fetch<K>,
        K: Clone + Eq + Hash + Send + Sync + 'static,
    {
        let loads = keys.into_iter().map(|k| self.load_one(k));
        Ok(futures::future::try_join_all(loads)
            .await?
            .into_iter()
            .flatten()
            .collect())
    }

    /// Drops what earlier waves answered: a subscription resolves each event afresh.
    pub fn forget(&self) {
        for queue in lock(&self.state).queues.values_mut() {
            queue.forget();
        }
    }

    /// Takes every waiting key of every type as one wave of fetches.
    fn take_wave(&self) -> Vec<BoxFuture<'static, ()>> {
        let mut state = lock(&self.state);
        state
            .queues
            .values_mut()
            .filter_map(|q| q.take(&self.fetcher, &self.state))
            .collect()
    }
}

/// Tells whether anything woke the request while it was being polled: then it can still
/// make progress (a resolver yielded, or a reply arrived), so the wave is not complete.
struct Signal {
    woken: AtomicBool,
    task: Mutex<Waker>,
}

impl Wake for Signal {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        lock(&self.task).wake_by_ref();
    }
}

/// Runs `request` (a GraphQL execution) and sends the batcher's waves as it goes quiet.
pub async fn run<F: Send + 'static, T>(batcher: Batcher<F>, request: impl Future<Output = T>) -> T {
    Waves::new(batcher, request).await
}

/// Runs a subscription's `responses` and sends the batcher's waves as each goes quiet.
/// Between events the stream waits with nothing queued, so no wave is sent.
pub fn stream<F: Send + 'static, T>(
    batcher: Batcher<F>,
    responses: impl futures::Stream<Item = T>,
) -> impl futures::Stream<Item = T> {
    Waves::new(batcher, responses)
}

struct Waves<F, R> {
    batcher: Batcher<F>,
    request: Pin<Box<R>>,
    fetches: FuturesUnordered<BoxFuture<'static, ()>>,
    signal: Arc<Signal>,
}

impl<F: Send + 'static, R> Waves<F, R> {
    fn new(batcher: Batcher<F>, request: R) -> Self {
        Self {
            batcher,
            request: Box::pin(request),
            fetches: FuturesUnordered::new(),
            signal: Arc::new(Signal {
                woken: AtomicBool::new(false),
                task: Mutex::new(Waker::noop().clone()),
            }),
        }
    }

    /// Polls the request with `poll` until it is ready or waits on nothing but a wave, and
    /// then sends the wave.
    fn drive<T>(
        &mut self,
        cx: &mut Context<'_>,
        mut poll: impl FnMut(Pin<&mut R>, &mut Context<'_>) -> Poll<T>,
    ) -> Poll<T> {
        lock(&self.signal.task).clone_from(cx.waker());
        loop {
            // Fetches answer through their channels; the request sees it when polled next.
            while let Poll::Ready(Some(())) = self.fetches.poll_next_unpin(cx) {}
            self.signal.woken.store(false, Ordering::SeqCst);
            let waker = Waker::from(self.signal.clone());
            if let Poll::Ready(out) = poll(self.request.as_mut(), &mut Context::from_waker(&waker))
            {
                return Poll::Ready(out);
            }
            if self.signal.woken.load(Ordering::SeqCst) || !self.fetches.is_empty() {
                return Poll::Pending;
            }
            let wave = self.batcher.take_wave();
            if wave.is_empty() {
                return Poll::Pending;
            }
            self.fetches.extend(wave);
        }
    }
}

impl<F: Send + 'static, R: Future> Future for Waves<F, R> {
    type Output = R::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R::Output> {
        self.get_mut().drive(cx, Future::poll)
    }
}

impl<F: Send + 'static, R: futures::Stream> futures::Stream for Waves<F, R> {
    type Item = R::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<R::Item>> {
        self.get_mut().drive(cx, futures::Stream::poll_next)
    }
}
