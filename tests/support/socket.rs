//! A GraphQL WebSocket client for tests that need one subscription running: connected
//! with the graphql-transport-ws protocol, acknowledged, subscribed.

use futures::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// A socket to the server at `base` (`http://...`), acknowledged, running `subscription`
/// under the id `id`.
pub async fn subscribed(base: &str, id: &str, subscription: &str) -> Socket {
    let url = format!("{}/graphql/ws", base.replace("http://", "ws://"));
    let mut request = url.into_client_request().expect("request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("websocket handshake");
    send(&mut socket, json!({ "type": "connection_init" })).await;
    let ack = socket.next().await.expect("an answer").expect("a message");
    assert!(
        ack.to_text().unwrap_or_default().contains("connection_ack"),
        "{ack:?}"
    );
    let subscribe = json!({ "id": id, "type": "subscribe", "payload": { "query": subscription } });
    send(&mut socket, subscribe).await;
    socket
}

async fn send(socket: &mut Socket, message: serde_json::Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .expect("send");
}
