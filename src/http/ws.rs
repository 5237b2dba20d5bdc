//! GraphQL over WebSocket on `/graphql/ws`: the graphql-transport-ws protocol, written here
//! rather than taken from async-graphql-axum, whose handler answers a duplicate id, a
//! subscribe before `connection_init` and a second init differently from the protocol's
//! close codes, and never notices a client that vanished without a close frame.
//!
//! One task per socket reads the client's messages and writes every message out; each
//! operation runs in a task of its own, sending through a channel. The socket task owns
//! them in a `JoinSet`, so when it ends (close, error, a client gone quiet) they all stop.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use futures::{SinkExt, StreamExt};
use serde_json::{Map, Value, json};
use tokio::sync::{mpsc, watch};
use tokio::task::{AbortHandle, JoinSet};

use super::{
    Body, ClientKey, HttpState, Prepared, Unprepared, coded, params, prepare, rejected,
    timed_out_message,
};
use crate::auth::{self, Caller};
use crate::{graphql, telemetry};
use async_graphql::parser::types::OperationType;

/// The subprotocol a client must ask for.
pub const PROTOCOL: &str = "graphql-transport-ws";

/// The protocol's close codes.
mod close {
    pub const BAD_MESSAGE: u16 = 4400;
    pub const UNAUTHORIZED: u16 = 4401;
    pub const FORBIDDEN: u16 = 4403;
    pub const SUBPROTOCOL: u16 = 4406;
    pub const INIT_TIMEOUT: u16 = 4408;
    pub const DUPLICATE_ID: u16 = 4409;
    pub const TOO_MANY_INITS: u16 = 4429;
    pub const GOING_AWAY: u16 = 1001;
    pub const INTERNAL: u16 = 1011;
}

/// Tells open sockets the server is stopping, so that each sends its client a close frame
/// (1001 Going Away) instead of vanishing; the HTTP server's graceful shutdown does not see
/// upgraded connections. Each session holds a receiver while it runs.
#[derive(Clone)]
pub struct Drain(Arc<watch::Sender<bool>>);

impl Default for Drain {
    fn default() -> Self {
        Self(Arc::new(watch::channel(false).0))
    }
}

impl Drain {
    /// Asks every open socket to close.
    pub fn start(&self) {
        self.0.send_replace(true);
    }

    /// Resolves once [`Drain::start`] was called.
    pub async fn started(&self) {
        Self::stopping(&mut self.0.subscribe()).await;
    }

    /// Waits, at most `grace`, until every socket has closed; says how many are still open.
    pub async fn closed(&self, grace: Duration) -> usize {
        let deadline = Instant::now() + grace;
        while self.0.receiver_count() > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.0.receiver_count()
    }

    fn watch(&self) -> watch::Receiver<bool> {
        self.0.subscribe()
    }

    /// Resolves once the server is stopping.
    async fn stopping(watch: &mut watch::Receiver<bool>) {
        let _ = watch.wait_for(|stop| *stop).await;
    }
}

/// Why the server closes the socket: a close code and its reason.
type Closing = (u16, String);

/// Accepts the upgrade; the session itself checks that the subprotocol was agreed.
pub async fn upgrade(
    State(state): State<HttpState>,
    client: Option<Extension<ClientKey>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let ws = ws
        .protocols([PROTOCOL])
        .max_message_size(state.settings.max_body_bytes)
        .max_frame_size(state.settings.max_body_bytes);
    let agreed = ws.selected_protocol().is_some();
    // Kept only as long as the handshake: it authenticates `connection_init` without a token.
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let client = client.map(|c| c.0);
    ws.on_upgrade(move |socket| async move {
        let _open = telemetry::Live::websocket();
        let session = Session {
            state,
            client,
            authorization,
            caller: None,
            initialised: false,
            running: HashMap::new(),
            tasks: JoinSet::new(),
        };
        session.run(socket, agreed).await;
    })
}

/// One socket's state.
struct Session {
    state: HttpState,
    client: Option<ClientKey>,
    authorization: Option<String>,
    /// Set by `connection_init`; `None` until the connection is acknowledged.
    caller: Option<Caller>,
    initialised: bool,
    /// Operations running, by the client's id.
    running: HashMap<String, AbortHandle>,
    tasks: JoinSet<()>,
}

/// What an operation task sends the socket task: a message, and whether it ends the
/// operation (`complete` or `error`), freeing its id.
struct Out {
    id: String,
    text: String,
    last: bool,
}

impl Session {
    async fn run(mut self, socket: WebSocket, agreed: bool) {
        let (mut sink, mut incoming) = socket.split();
        if !agreed {
            let reason = format!("Subprotocol not acceptable: ask for {PROTOCOL}");
            let _ = sink.send(close_frame(close::SUBPROTOCOL, &reason)).await;
            return;
        }
        let mut stopping = self.state.drain.watch();
        let (out, mut outgoing) = mpsc::channel::<Out>(64);
        let init_deadline = tokio::time::sleep(self.state.settings.ws_init_timeout);
        tokio::pin!(init_deadline);
        let every = self.state.settings.ws_keep_alive;
        let mut keep_alive = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        let mut heard = Instant::now();
        let closing: Option<Closing> = loop {
            tokio::select! {
                message = incoming.next() => {
                    let text = match message {
                        Some(Ok(Message::Text(text))) => text,
                        Some(Ok(Message::Binary(_))) => {
                            break Some((close::BAD_MESSAGE, "messages must be text".into()));
                        }
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => {
                            heard = Instant::now();
                            continue;
                        }
                        // Closed or broken: nobody is left to tell.
                        Some(Ok(Message::Close(_)) | Err(_)) | None => break None,
                    };
                    heard = Instant::now();
                    match self.handle(text.as_str(), &out).await {
                        Ok(Some(reply)) => {
                            if sink.send(Message::Text(reply.into())).await.is_err() {
                                break None;
                            }
                        }
                        Ok(None) => {}
                        Err(closing) => break Some(closing),
                    }
                }
                Some(message) = outgoing.recv() => {
                    if message.last {
                        self.running.remove(&message.id);
                    }
                    if sink.send(Message::Text(message.text.into())).await.is_err() {
                        break None;
                    }
                }
                Some(_) = self.tasks.join_next(), if !self.tasks.is_empty() => {}
                () = Drain::stopping(&mut stopping) => {
                    break Some((close::GOING_AWAY, "the server is stopping".into()));
                }
                () = &mut init_deadline, if !self.initialised => {
                    break Some((close::INIT_TIMEOUT, "Connection initialisation timeout".into()));
                }
                _ = keep_alive.tick() => {
                    // Two intervals without a word or a pong: the client is gone.
                    if heard.elapsed() > every * 2 {
                        tracing::debug!("websocket client went quiet; closing");
                        break None;
                    }
                    // A WebSocket ping, which every client answers by itself (browsers
                    // included), unlike the protocol's `ping` message.
                    if sink.send(Message::Ping(Default::default())).await.is_err() {
                        break None;
                    }
                }
            }
        };
        if let Some((code, reason)) = closing {
            tracing::debug!(code, %reason, "closing websocket");
            let _ = sink.send(close_frame(code, &reason)).await;
        }
        // Dropping the session aborts every operation still running.
        self.tasks.abort_all();
    }

    /// Handles one client message: the reply to send, if any, or why to close.
    async fn handle(
        &mut self,
        text: &str,
        out: &mpsc::Sender<Out>,
    ) -> Result<Option<String>, Closing> {
        let Ok(Value::Object(message)) = serde_json::from_str::<Value>(text) else {
            return Err(bad("the message is not a JSON object"));
        };
        let Some(Value::String(kind)) = message.get("type") else {
            return Err(bad("the message has no `type`"));
        };
        match kind.as_str() {
            "connection_init" => self.init(&message).await.map(Some),
            "ping" => {
                payload_object(&message)?;
                Ok(Some(json!({ "type": "pong" }).to_string()))
            }
            "pong" => payload_object(&message).map(|_| None),
            "subscribe" => self
                .subscribe(&message, out)
                .map(|reply| reply.map(|v| v.to_string())),
            "complete" => {
                let id = id_of(&message)?;
                if let Some(task) = self.running.remove(id) {
                    task.abort();
                }
                Ok(None)
            }
            other => Err(bad(&format!("unexpected message of type {other:?}"))),
        }
    }

    async fn init(&mut self, message: &Map<String, Value>) -> Result<String, Closing> {
        if self.initialised {
            return Err((
                close::TOO_MANY_INITS,
                "Too many initialisation requests".into(),
            ));
        }
        self.initialised = true;
        let payload = payload_object(message)?;
        let from_payload = payload
            .and_then(|p| p.get("authorization").or_else(|| p.get("Authorization")))
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| bad("`authorization` must be a string"))
            })
            .transpose()?;
        let authorization = from_payload.or(self.authorization.as_deref());
        match auth::caller(&self.state.db, authorization, self.state.settings.reads()).await {
            Ok(caller) => {
                self.caller = Some(caller);
                self.authorization = None;
                Ok(json!({ "type": "connection_ack" }).to_string())
            }
            Err(crate::Error::Unauthenticated(_)) => Err((close::FORBIDDEN, "Forbidden".into())),
            Err(e) => {
                tracing::error!(error = %e, "websocket authentication failed");
                Err((close::INTERNAL, "internal error".into()))
            }
        }
    }

    /// Starts an operation; an immediate `error` message when it is refused before it runs.
    fn subscribe(
        &mut self,
        message: &Map<String, Value>,
        out: &mpsc::Sender<Out>,
    ) -> Result<Option<Value>, Closing> {
        let id = id_of(message)?.to_owned();
        let Some(Value::Object(payload)) = message.get("payload") else {
            return Err(bad("`payload` must be an object"));
        };
        let p = params(payload).map_err(bad)?;
        let Some(caller) = self.caller.clone() else {
            return Err((close::UNAUTHORIZED, "Unauthorized".into()));
        };
        if self.running.contains_key(&id) {
            return Err((
                close::DUPLICATE_ID,
                format!("Subscriber for {id} already exists"),
            ));
        }
        let refuse = |code: &str, message: String| {
            let error = graphql::refusal(code, message);
            Ok(Some(
                json!({ "id": id, "type": "error", "payload": coded(vec![error], code) }),
            ))
        };
        if self.running.len() >= self.state.settings.ws_max_subscriptions {
            let most = self.state.settings.ws_max_subscriptions;
            return refuse(
                "TOO_MANY_SUBSCRIPTIONS",
                format!("a socket runs at most {most} operations at once"),
            );
        }
        // Each operation counts as a request against the client's rate limit.
        if let (Some(limiter), Some(client)) = (&self.state.limiter, &self.client)
            && let Err(wait) = limiter.admit(client, 1, Instant::now())
        {
            let seconds = wait.as_secs_f64().ceil().max(1.0);
            return refuse(
                "RATE_LIMITED",
                format!("too many requests: retry after {seconds} s"),
            );
        }
        let prepared = match prepare(&self.state, &caller, p) {
            Ok(prepared) => prepared,
            Err(Unprepared::Errors(code, errors)) => {
                return Ok(Some(
                    json!({ "id": id, "type": "error", "payload": coded(errors, code) }),
                ));
            }
            Err(Unprepared::Persisted(refusal)) => {
                return refuse(refusal.code(), refusal.message().to_owned());
            }
        };
        let task = operation(self.state.clone(), id.clone(), prepared, out.clone());
        let handle = self.tasks.spawn(task);
        self.running.insert(id, handle);
        Ok(None)
    }
}

/// Runs one operation, sending `next` for each response and `complete` at the end, or one
/// `error` when GraphQL refuses it before execution.
async fn operation(state: HttpState, id: String, prepared: Prepared, out: mpsc::Sender<Out>) {
    let started = Instant::now();
    let Prepared {
        request,
        kind,
        name,
        register,
    } = prepared;
    let _live = (kind == Some(OperationType::Subscription)).then(telemetry::Live::subscription);
    let send = |text: String, last: bool| {
        let out = out.clone();
        let id = id.clone();
        async move { out.send(Out { id, text, last }).await.is_ok() }
    };
    let mut responses = graphql::execute_stream(&state.schema, &state.db, request);
    // A query or mutation answers once and within the operation timeout; a subscription
    // runs until it ends or the client completes it.
    let limit = (kind != Some(OperationType::Subscription)).then_some(state.settings.timeout);
    let mut first = true;
    loop {
        let next = match limit {
            Some(limit) => match tokio::time::timeout(limit, responses.next()).await {
                Ok(next) => next,
                Err(_) => {
                    let error = graphql::refusal("TIMEOUT", timed_out_message(limit));
                    let payload = json!({ "data": null, "errors": coded(vec![error], "TIMEOUT") });
                    let next = json!({ "id": id, "type": "next", "payload": payload });
                    if send(next.to_string(), false).await {
                        break;
                    }
                    return;
                }
            },
            None => responses.next().await,
        };
        let Some(response) = next else { break };
        if first && rejected(&response) {
            let code = "GRAPHQL_VALIDATION_FAILED";
            super::operation_done(super::observe::OTHER_OPERATION, kind, code, started);
            let payload = coded(response.errors, code);
            let error = json!({ "id": id, "type": "error", "payload": payload });
            send(error.to_string(), true).await;
            return;
        }
        if first && let Some((hash, query)) = &register {
            state.persisted.register(hash.clone(), query);
        }
        let errors =
            (!response.errors.is_empty()).then(|| coded(response.errors, "BAD_USER_INPUT"));
        // Counted once, at its first answer: a subscription's later events are not operations.
        if first {
            let outcome = errors.as_ref().map_or("ok", super::first_code);
            let label = state.operation_names.label(name.as_deref());
            super::operation_done(&label, kind, outcome, started);
        }
        first = false;
        let body = Body {
            data: &response.data,
            errors,
            extensions: (!response.extensions.is_empty()).then_some(&response.extensions),
        };
        let Ok(payload) = serde_json::to_string(&body) else {
            break;
        };
        let next = format!(
            r#"{{"id":{},"type":"next","payload":{payload}}}"#,
            json!(id)
        );
        if !send(next, false).await {
            return;
        }
    }
    send(json!({ "id": id, "type": "complete" }).to_string(), true).await;
}

fn bad(reason: &str) -> Closing {
    (
        close::BAD_MESSAGE,
        format!("Invalid message received: {reason}"),
    )
}

/// The message's `payload`, which may be absent or null but is otherwise an object.
fn payload_object(message: &Map<String, Value>) -> Result<Option<&Map<String, Value>>, Closing> {
    match message.get("payload") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(p)) => Ok(Some(p)),
        Some(_) => Err(bad("`payload` must be an object")),
    }
}

fn id_of(message: &Map<String, Value>) -> Result<&str, Closing> {
    match message.get("id") {
        Some(Value::String(id)) if !id.is_empty() => Ok(id),
        _ => Err(bad("`id` must be a non-empty string")),
    }
}

fn close_frame(code: u16, reason: &str) -> Message {
    // A close reason holds at most 123 bytes.
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    Message::Close(Some(CloseFrame {
        code,
        reason: reason[..end].into(),
    }))
}
