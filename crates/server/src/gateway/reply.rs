//! `Reply`: how an event handler answers. With an ack the client gets `{ok:true,…}` or
//! `{ok:false,error}`; without one, a failure still reaches it as an `error` event.

use std::convert::Infallible;
use std::sync::Arc;

use protocol::error::CodedError;
use protocol::events::{name as names, Ack, ErrorEvent};
use serde::Serialize;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{AckSender, SocketRef};
use socketioxide::handler::FromMessageParts;
use socketioxide::socket::Socket;

/// The answer channel of one event.
pub struct Reply<A: Adapter> {
    ack: AckSender<A>,
    socket: SocketRef<A>,
    wants_ack: bool,
}

impl<A: Adapter> std::fmt::Debug for Reply<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reply")
            .field("socket", &self.socket.id)
            .field("wants_ack", &self.wants_ack)
            .finish()
    }
}

impl<A: Adapter> FromMessageParts<A> for Reply<A> {
    type Error = Infallible;

    fn from_message_parts(
        socket: &Arc<Socket<A>>,
        value: &mut socketioxide::handler::Value,
        ack_id: &Option<i64>,
    ) -> Result<Self, Infallible> {
        Ok(Self {
            ack: AckSender::from_message_parts(socket, value, ack_id)?,
            socket: SocketRef::from_message_parts(socket, value, ack_id)?,
            wants_ack: ack_id.is_some(),
        })
    }
}

impl<A: Adapter> Reply<A> {
    /// Answers success with `value` (an object merged into `{ok:true}`).
    pub fn ok<T: Serialize>(self, value: T) {
        if self.ack.send(&Ack::Ok(value)).is_err() {
            tracing::debug!(socket = %self.socket.id, "the ack could not be sent");
        }
    }

    /// Answers failure: in the ack when there is one, else as an `error` event.
    pub fn fail(self, error: CodedError) {
        tracing::debug!(socket = %self.socket.id, code = %error.code, message = %error.message, "event refused");
        let sent = if self.wants_ack {
            self.ack.send(&Ack::<()>::Err(error))
        } else {
            self.socket.emit(
                names::ERROR,
                &ErrorEvent {
                    message: error.message,
                    code: Some(error.code),
                },
            )
        };
        if sent.is_err() {
            tracing::debug!(socket = %self.socket.id, "the refusal could not be sent");
        }
    }

    /// Answers with the outcome.
    pub fn result<T: Serialize>(self, outcome: Result<T, CodedError>) {
        match outcome {
            Ok(value) => self.ok(value),
            Err(error) => self.fail(error),
        }
    }
}
