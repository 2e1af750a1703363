//! Property tests of the Socket.IO codec (`protocol::socketio`): every packet reads back as
//! written; any text or bytes are read or refused, never a panic; and what is read writes
//! back to text that reads the same.
//!
//! Cases: `PROPTEST_CASES` (256 by default; `cargo xtask test` asks for 10,000).

use proptest::collection::vec;
use proptest::prelude::*;
use protocol::socketio::{EnginePacket, SocketPacket};
use serde_json::Value;

use crate::near;
use crate::strategies::{engine_packet, frame_like, socket_packet, text};

/// A packet as its shape (kind, namespace, ack id, name) and the JSON it carries, so two
/// packets compare with floats within their last bits (see `near`).
fn parts(packet: &SocketPacket) -> (String, Vec<Value>) {
    match packet {
        SocketPacket::Connect { namespace, data } => (
            format!("connect {namespace}"),
            data.iter().cloned().collect(),
        ),
        SocketPacket::Disconnect { namespace } => (format!("disconnect {namespace}"), vec![]),
        SocketPacket::Event {
            namespace,
            ack,
            name,
            args,
        } => (format!("event {namespace} {ack:?} {name:?}"), args.clone()),
        SocketPacket::Ack {
            namespace,
            ack,
            args,
        } => (format!("ack {namespace} {ack}"), args.clone()),
        SocketPacket::ConnectError { namespace, data } => {
            (format!("connect_error {namespace}"), vec![data.clone()])
        }
    }
}

fn engine_parts(packet: &EnginePacket) -> (String, Vec<Value>) {
    match packet {
        EnginePacket::Open(data) => ("open".to_owned(), vec![data.clone()]),
        EnginePacket::Message(packet) => parts(packet),
        other => (format!("{other:?}"), vec![]),
    }
}

fn alike((a, x): (String, Vec<Value>), (b, y): (String, Vec<Value>)) -> bool {
    a == b && x.len() == y.len() && x.iter().zip(&y).all(|(x, y)| near::same(x, y))
}

/// Decodes `frame` both as an Engine.IO frame and as a bare Socket.IO packet: either may
/// refuse it, neither may panic, and whatever is read must survive a second trip.
fn read_or_refuse(frame: &str) -> Result<(), TestCaseError> {
    if let Ok(packet) = EnginePacket::decode(frame) {
        let again = packet.encode();
        let reread = EnginePacket::decode(&again);
        prop_assert!(
            matches!(&reread, Ok(p) if alike(engine_parts(p), engine_parts(&packet))),
            "{:?} read back from {:?} as {:?}",
            frame,
            again,
            reread
        );
    }
    match SocketPacket::decode(frame) {
        Ok(packet) => {
            let again = packet.encode();
            let reread = SocketPacket::decode(&again);
            prop_assert!(
                matches!(&reread, Ok(p) if alike(parts(p), parts(&packet))),
                "{:?} read back as {:?}",
                frame,
                reread
            );
        }
        Err(error) => prop_assert!(!error.to_string().is_empty()),
    }
    Ok(())
}

proptest! {
    #[test]
    fn every_packet_reads_back_as_written(packet in engine_packet(), bare in socket_packet()) {
        let frame = packet.encode();
        prop_assert_eq!(EnginePacket::decode(&frame), Ok(packet), "{}", frame);
        let text = bare.encode();
        prop_assert_eq!(SocketPacket::decode(&text), Ok(bare), "{}", text);
    }

    #[test]
    fn any_text_or_bytes_are_read_or_refused_never_a_panic(
        frame in frame_like(),
        noise in text(),
        bytes in vec(any::<u8>(), 0..96),
    ) {
        read_or_refuse(&frame)?;
        read_or_refuse(&noise)?;
        read_or_refuse(&String::from_utf8_lossy(&bytes))?;
        // Text that is no frame at all is refused.
        if let Some(first) = noise.chars().next() {
            if !matches!(first, '0'..='4' | '6') {
                prop_assert!(EnginePacket::decode(&noise).is_err(), "{:?}", noise);
            }
        }
    }
}
