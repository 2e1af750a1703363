//! The Socket.IO v5 wire format over Engine.IO v4 text frames, as a pure codec: what a
//! WebSocket frame on `/socket.io/?EIO=4&transport=websocket` holds. The server speaks it
//! through socketioxide; clients (the console's engine, the tests) through this.
//!
//! A frame is an Engine.IO packet: a type digit, then data. Type `4` (message) carries a
//! Socket.IO packet: a type digit, the namespace and a comma unless it is `/`, an ack id
//! when there is one, then JSON.

use serde_json::Value;

/// Why a frame could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a Socket.IO frame ({reason}): {frame:.80}")]
pub struct FrameError {
    reason: &'static str,
    frame: String,
}

fn bad(reason: &'static str, frame: &str) -> FrameError {
    FrameError {
        reason,
        frame: frame.to_owned(),
    }
}

/// An Engine.IO packet.
#[derive(Debug, Clone, PartialEq)]
pub enum EnginePacket {
    /// `0{sid, upgrades, pingInterval, pingTimeout, maxPayload}`: the session opened.
    Open(Value),
    /// `1`: the session is closing.
    Close,
    /// `2`: the server's heartbeat; answer with [`EnginePacket::Pong`].
    Ping,
    /// `3`: the answer to a ping.
    Pong,
    /// `4…`: a Socket.IO packet.
    Message(SocketPacket),
    /// `6`: nothing (transport upgrades).
    Noop,
}

/// A Socket.IO packet.
#[derive(Debug, Clone, PartialEq)]
pub enum SocketPacket {
    /// `0`: connect to a namespace (client: with the auth object; server: with `{sid}`).
    Connect {
        /// The namespace.
        namespace: String,
        /// The auth object, or the server's `{sid}`.
        data: Option<Value>,
    },
    /// `1`: leave a namespace.
    Disconnect {
        /// The namespace.
        namespace: String,
    },
    /// `2`: an event, `[name, ...args]`, with an ack id when an answer is wanted.
    Event {
        /// The namespace.
        namespace: String,
        /// The ack id the answer must carry.
        ack: Option<u64>,
        /// The event's name.
        name: String,
        /// Its arguments.
        args: Vec<Value>,
    },
    /// `3`: the answer to an event that had an ack id.
    Ack {
        /// The namespace.
        namespace: String,
        /// The id of the event answered.
        ack: u64,
        /// The answer's arguments.
        args: Vec<Value>,
    },
    /// `4`: the server refused the connection (`{message}`).
    ConnectError {
        /// The namespace.
        namespace: String,
        /// Why.
        data: Value,
    },
}

impl EnginePacket {
    /// The frame's text.
    pub fn encode(&self) -> String {
        match self {
            Self::Open(data) => format!("0{data}"),
            Self::Close => "1".to_owned(),
            Self::Ping => "2".to_owned(),
            Self::Pong => "3".to_owned(),
            Self::Message(packet) => format!("4{}", packet.encode()),
            Self::Noop => "6".to_owned(),
        }
    }

    /// Reads a text frame.
    pub fn decode(frame: &str) -> Result<Self, FrameError> {
        let mut chars = frame.chars();
        let kind = chars.next().ok_or_else(|| bad("empty", frame))?;
        let rest = chars.as_str();
        match kind {
            '0' => serde_json::from_str(rest)
                .map(Self::Open)
                .map_err(|_| bad("open data is not JSON", frame)),
            '1' => Ok(Self::Close),
            '2' => Ok(Self::Ping),
            '3' => Ok(Self::Pong),
            '4' => SocketPacket::decode(rest).map(Self::Message),
            '6' => Ok(Self::Noop),
            _ => Err(bad("unknown Engine.IO packet type", frame)),
        }
    }
}

fn namespace_prefix(namespace: &str) -> String {
    if namespace == "/" {
        String::new()
    } else {
        format!("{namespace},")
    }
}

fn array(name: Option<&str>, args: &[Value]) -> String {
    let mut items: Vec<Value> = Vec::with_capacity(args.len() + 1);
    if let Some(name) = name {
        items.push(Value::String(name.to_owned()));
    }
    items.extend(args.iter().cloned());
    Value::Array(items).to_string()
}

impl SocketPacket {
    /// The packet's text (without the Engine.IO `4`).
    pub fn encode(&self) -> String {
        match self {
            Self::Connect { namespace, data } => format!(
                "0{}{}",
                namespace_prefix(namespace),
                data.as_ref().map(Value::to_string).unwrap_or_default()
            ),
            Self::Disconnect { namespace } => format!("1{}", namespace_prefix(namespace)),
            Self::Event {
                namespace,
                ack,
                name,
                args,
            } => format!(
                "2{}{}{}",
                namespace_prefix(namespace),
                ack.map(|id| id.to_string()).unwrap_or_default(),
                array(Some(name), args)
            ),
            Self::Ack {
                namespace,
                ack,
                args,
            } => format!("3{}{ack}{}", namespace_prefix(namespace), array(None, args)),
            Self::ConnectError { namespace, data } => {
                format!("4{}{data}", namespace_prefix(namespace))
            }
        }
    }

    /// Reads a packet (the text after the Engine.IO `4`).
    pub fn decode(text: &str) -> Result<Self, FrameError> {
        let mut chars = text.chars();
        let kind = chars.next().ok_or_else(|| bad("empty packet", text))?;
        let mut rest = chars.as_str();
        if matches!(kind, '5' | '6') {
            return Err(bad("binary packets are not used on /chat", text));
        }
        let namespace = if rest.starts_with('/') {
            let end = rest.find(',').unwrap_or(rest.len());
            let namespace = &rest[..end];
            rest = rest.get(end + 1..).unwrap_or("");
            namespace.to_owned()
        } else {
            "/".to_owned()
        };
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        let ack = if digits > 0 {
            Some(
                rest[..digits]
                    .parse::<u64>()
                    .map_err(|_| bad("ack id out of range", text))?,
            )
        } else {
            None
        };
        rest = &rest[digits..];
        if ack.is_some() && !matches!(kind, '2' | '3') {
            return Err(bad("only events and acks carry an ack id", text));
        }
        // A payload is a JSON object or array, written right after the header (`0 0` is no
        // CONNECT with data 0).
        let json = |rest: &str| -> Result<Option<Value>, FrameError> {
            if rest.is_empty() {
                Ok(None)
            } else if !rest.starts_with(['{', '[']) {
                Err(bad("payload is not a JSON object or array", text))
            } else {
                serde_json::from_str(rest)
                    .map(Some)
                    .map_err(|_| bad("payload is not JSON", text))
            }
        };
        let items = |rest: &str| -> Result<Vec<Value>, FrameError> {
            match json(rest)? {
                Some(Value::Array(items)) => Ok(items),
                _ => Err(bad("payload is not an array", text)),
            }
        };
        match kind {
            '0' => Ok(Self::Connect {
                namespace,
                data: match json(rest)? {
                    data @ (None | Some(Value::Object(_))) => data,
                    Some(_) => return Err(bad("CONNECT data is not an object", text)),
                },
            }),
            '1' => Ok(Self::Disconnect { namespace }),
            '2' => {
                let mut args = items(rest)?.into_iter();
                let name = match args.next() {
                    Some(Value::String(name)) => name,
                    _ => return Err(bad("an event needs a name", text)),
                };
                Ok(Self::Event {
                    namespace,
                    ack,
                    name,
                    args: args.collect(),
                })
            }
            '3' => Ok(Self::Ack {
                namespace,
                ack: ack.ok_or_else(|| bad("an ack needs an id", text))?,
                args: items(rest)?,
            }),
            // Its data is any JSON (an object from socket.io 4, a string from older ones),
            // still right after the header.
            '4' => Ok(Self::ConnectError {
                namespace,
                data: if rest.is_empty() {
                    Value::Null
                } else if rest.starts_with(char::is_whitespace) {
                    return Err(bad("payload is not JSON right after the header", text));
                } else {
                    serde_json::from_str(rest).map_err(|_| bad("payload is not JSON", text))?
                },
            }),
            _ => Err(bad("unknown Socket.IO packet type", text)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_payload_sits_right_after_the_header() {
        // Found by the property tests: `0 0` read as a CONNECT with data 0, written back as
        // `00`, which reads as a CONNECT with an ack id and no data.
        for frame in ["0 0", "00", "0 {}", "00{}", "0[1]", "2 [\"x\"]"] {
            assert!(SocketPacket::decode(frame).is_err(), "{frame}");
        }
        assert_eq!(
            SocketPacket::decode("4"),
            Ok(SocketPacket::ConnectError {
                namespace: "/".to_owned(),
                data: Value::Null
            })
        );
        let null = SocketPacket::decode("4null").expect("a CONNECT_ERROR");
        assert_eq!(SocketPacket::decode(&null.encode()), Ok(null));
        assert!(SocketPacket::decode("4\"not authorized\"").is_ok());
    }

    #[test]
    fn frames_read_back_as_written() {
        let packets = [
            EnginePacket::Ping,
            EnginePacket::Pong,
            EnginePacket::Message(SocketPacket::Connect {
                namespace: "/chat".to_owned(),
                data: Some(json!({"token": "t"})),
            }),
            EnginePacket::Message(SocketPacket::Event {
                namespace: "/chat".to_owned(),
                ack: Some(12),
                name: "send_message".to_owned(),
                args: vec![json!({"channelId": "c", "content": "hi, [1]"})],
            }),
            EnginePacket::Message(SocketPacket::Ack {
                namespace: "/chat".to_owned(),
                ack: 12,
                args: vec![json!({"ok": true})],
            }),
            EnginePacket::Message(SocketPacket::Event {
                namespace: "/".to_owned(),
                ack: None,
                name: "x".to_owned(),
                args: vec![],
            }),
        ];
        for packet in packets {
            let frame = packet.encode();
            assert_eq!(EnginePacket::decode(&frame), Ok(packet), "{frame}");
        }
    }

    #[test]
    fn the_servers_frames_read_as_expected() {
        assert_eq!(
            EnginePacket::decode(r#"44/chat,{"message":"MISSING_TOKEN: sign in"}"#),
            Ok(EnginePacket::Message(SocketPacket::ConnectError {
                namespace: "/chat".to_owned(),
                data: json!({"message": "MISSING_TOKEN: sign in"}),
            }))
        );
        assert_eq!(
            SocketPacket::Event {
                namespace: "/chat".to_owned(),
                ack: None,
                name: "new_message".to_owned(),
                args: vec![json!({"a": 1})],
            }
            .encode(),
            r#"2/chat,["new_message",{"a":1}]"#
        );
        assert!(EnginePacket::decode("42/chat,not json").is_err());
        assert!(EnginePacket::decode("").is_err());
        assert!(EnginePacket::decode("9").is_err());
    }
}
