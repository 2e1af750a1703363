//! `Reply`: how an event handler answers. With an ack the client gets `{ok:true,…}` or
//! `{ok:false,error}`; without one, a failure still reaches it as an `error` event.
//!
//! An ack is never dropped: when the socket's outgoing queue is full (a burst of events, a
//! client slow to read), the answer waits for room. The waiting answers of one socket queue
//! behind its [`AnswerLine`], so one of them at a time watches the queue (every
//! millisecond) and they go out in turn, instead of all of them waking together and
//! nearly all finding it full again. An answer is given up only when the socket is gone or
//! stayed full for [`ACK_PATIENCE`] — then the client is not reading at all and the
//! heartbeat is about to drop it.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use protocol::error::CodedError;
use protocol::events::{name as names, Ack, ErrorEvent};
use serde::Serialize;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{AckSender, SocketRef};
use socketioxide::handler::{FromMessageParts, Value};
use socketioxide::socket::Socket;
use socketioxide::{SendError, SocketError};

/// How long an answer waits for room in a full outgoing queue before it is given up.
pub const ACK_PATIENCE: Duration = Duration::from_secs(20);

/// How often the answer at the head of the line looks for room.
const WATCH_EVERY: Duration = Duration::from_millis(1);

/// The line a socket's answers wait in when its outgoing queue is full; kept in the
/// socket's extensions (put there by the gateway when it admits the socket).
#[derive(Debug, Clone, Default)]
pub struct AnswerLine(Arc<tokio::sync::Mutex<()>>);

/// The answer channel of one event.
pub struct Reply<A: Adapter> {
    socket: Arc<Socket<A>>,
    ack_id: Option<i64>,
}

impl<A: Adapter> std::fmt::Debug for Reply<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reply")
            .field("socket", &self.socket.id)
            .field("ack_id", &self.ack_id)
            .finish()
    }
}

impl<A: Adapter> FromMessageParts<A> for Reply<A> {
    type Error = Infallible;

    fn from_message_parts(
        socket: &Arc<Socket<A>>,
        _: &mut Value,
        ack_id: &Option<i64>,
    ) -> Result<Self, Infallible> {
        Ok(Self {
            socket: socket.clone(),
            ack_id: *ack_id,
        })
    }
}

/// One attempt to send: `Err(true)` when the queue was full (worth waiting), `Err(false)`
/// when it cannot work (the socket is closed, the value does not encode).
fn attempt(sent: Result<(), SendError>) -> Result<(), bool> {
    match sent {
        Ok(()) => Ok(()),
        Err(SendError::Socket(SocketError::InternalChannelFull)) => Err(true),
        Err(_) => Err(false),
    }
}

impl<A: Adapter> Reply<A> {
    /// Sends what `send` makes, waiting for room in the socket's queue as long as it is
    /// full (at most [`ACK_PATIENCE`]).
    async fn deliver(&self, what: &'static str, send: impl Fn(&Self) -> Result<(), SendError>) {
        let full = match attempt(send(self)) {
            Ok(()) => return,
            Err(full) => full,
        };
        if full {
            let started = tokio::time::Instant::now();
            let line = SocketRef::from(self.socket.clone())
                .extensions
                .get::<AnswerLine>()
                .unwrap_or_default();
            let _turn = line.0.lock().await;
            loop {
                match attempt(send(self)) {
                    Ok(()) => return,
                    Err(true) if started.elapsed() < ACK_PATIENCE => {
                        tokio::time::sleep(WATCH_EVERY).await;
                    }
                    Err(_) => break,
                }
            }
        }
        tracing::warn!(socket = %self.socket.id, what, full, "an answer could not be sent");
    }

    fn ack<T: Serialize>(&self, value: &Ack<T>) -> Result<(), SendError> {
        let mut unused = Value::Bytes(Default::default());
        let Ok(sender) = AckSender::from_message_parts(&self.socket, &mut unused, &self.ack_id);
        sender.send(value)
    }

    /// Answers success with `value` (an object merged into `{ok:true}`).
    pub async fn ok<T: Serialize>(self, value: T) {
        let answer = Ack::Ok(value);
        self.deliver("ack", |reply| reply.ack(&answer)).await;
    }

    /// Answers failure: in the ack when there is one, else as an `error` event.
    pub async fn fail(self, error: CodedError) {
        tracing::debug!(socket = %self.socket.id, code = %error.code, message = %error.message, "event refused");
        crate::telemetry::metrics::error("socket", error.code);
        if self.ack_id.is_some() {
            let answer = Ack::<()>::Err(error);
            self.deliver("ack", |reply| reply.ack(&answer)).await;
        } else {
            let event = ErrorEvent {
                message: error.message,
                code: Some(error.code),
            };
            self.deliver("error event", |reply| {
                SocketRef::from(reply.socket.clone()).emit(names::ERROR, &event)
            })
            .await;
        }
    }

    /// Answers with the outcome.
    pub async fn result<T: Serialize>(self, outcome: Result<T, CodedError>) {
        match outcome {
            Ok(value) => self.ok(value).await,
            Err(error) => self.fail(error).await,
        }
    }
}
