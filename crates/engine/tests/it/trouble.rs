//! The console keeps its session through platform trouble: a live connection refused with
//! `INTERNAL` or `BUSY` (a deploy, an overload) stays signed in, says so in words, and
//! reconnects once the platform accepts again; a refusal of the token still signs out; a
//! refresh answered 503 or 500 keeps the session. The trouble comes from a [`Gate`] in
//! front of the real platform.

use std::time::Duration;

use engine::changes::Change;
use engine::{Engine, Error};
use protocol::ipc::ConnectionState;
use tokio::sync::broadcast::Receiver;

use crate::gate::{Gate, Mode};
use crate::support::{Home, Platform};

const PATIENCE: Duration = Duration::from_secs(30);

/// The connection states that come until one satisfies `done` (which is returned last);
/// fails if that takes longer than [`PATIENCE`].
async fn states_until(
    changes: &mut Receiver<Change>,
    mut done: impl FnMut(ConnectionState, Option<&str>) -> bool,
) -> Vec<(ConnectionState, Option<String>)> {
    let mut seen = Vec::new();
    let waited = tokio::time::timeout(PATIENCE, async {
        loop {
            let change = changes.recv().await.expect("the stream is open");
            if let Change::Connection { state, detail, .. } = change {
                let finished = done(state, detail.as_deref());
                seen.push((state, detail));
                if finished {
                    return;
                }
            }
        }
    })
    .await;
    assert!(
        waited.is_ok(),
        "the state did not come in time; saw {seen:?}"
    );
    seen
}

/// Alice signed in through `gate`, her changes subscribed.
async fn alice_through(gate: &Gate, home: &Home) -> (Engine, Receiver<Change>) {
    let mut engine = home.engine("alice");
    engine
        .login(
            &gate.base,
            "alice@acme.test",
            protocol::Secret::new("switchboard"),
            None,
        )
        .await
        .expect("sign in through the gate");
    let changes = engine.subscribe();
    (engine, changes)
}

/// The profile still holds who is signed in and the refresh token.
fn still_signed_in(engine: &Engine, home: &Home) {
    assert!(engine.signed_in().is_some(), "the engine lost its session");
    let record = engine.profile().session().expect("session.json reads");
    assert!(record.is_some(), "session.json is gone");
    let token = home.path().join("alice").join("refresh-token");
    assert!(token.is_file(), "the refresh token is gone");
}

/// A live connection refused with `message` goes offline (twice, so it retried), never
/// signed out, and comes online once the gate lets it through.
async fn survives_refusal(message: &str, words: &str) {
    let platform = Platform::start().await;
    let gate = Gate::start(&platform.base, None).await;
    let home = Home::new();
    let (engine, mut changes) = alice_through(&gate, &home).await;
    gate.set(Mode::Refuse(message.to_owned()));
    let live = engine.connect().expect("connect");

    let mut offline = 0;
    let seen = states_until(&mut changes, |state, detail| {
        if state == ConnectionState::Offline {
            let detail = detail.unwrap_or_default();
            assert!(detail.starts_with(words), "{detail}");
            assert!(detail.contains("still signed in"), "{detail}");
            assert!(detail.contains(message), "{detail}");
            offline += 1;
        }
        state == ConnectionState::SignedOut || offline == 2
    })
    .await;
    assert!(
        seen.iter().all(|(s, _)| *s != ConnectionState::SignedOut),
        "a refusal that is not about the token signed out: {seen:?}"
    );
    still_signed_in(&engine, &home);

    gate.set(Mode::Pass);
    let seen = states_until(&mut changes, |state, _| {
        matches!(state, ConnectionState::Online | ConnectionState::SignedOut)
    })
    .await;
    assert_eq!(
        seen.last().map(|(s, _)| *s),
        Some(ConnectionState::Online),
        "{seen:?}"
    );
    still_signed_in(&engine, &home);
    live.stop().await;
}

#[tokio::test]
async fn an_internal_refusal_keeps_the_session_and_reconnects() {
    survives_refusal(
        "INTERNAL: the platform cannot check the token now",
        "The platform has a problem right now",
    )
    .await;
}

#[tokio::test]
async fn a_busy_refusal_keeps_the_session_and_reconnects() {
    survives_refusal("BUSY: deploying", "The platform is busy right now").await;
}

#[tokio::test]
async fn an_unknown_refusal_keeps_the_session_and_reconnects() {
    survives_refusal(
        "MAINTENANCE: back at noon",
        "The platform refused the live connection",
    )
    .await;
}

#[tokio::test]
async fn an_invalid_token_refusal_still_signs_out() {
    let platform = Platform::start().await;
    let gate = Gate::start(&platform.base, None).await;
    let home = Home::new();
    let (engine, mut changes) = alice_through(&gate, &home).await;
    gate.set(Mode::Refuse(
        "INVALID_TOKEN: the access token is not valid".to_owned(),
    ));
    let live = engine.connect().expect("connect");
    let seen = states_until(&mut changes, |state, _| {
        matches!(state, ConnectionState::SignedOut | ConnectionState::Offline)
    })
    .await;
    match seen.last() {
        Some((ConnectionState::SignedOut, Some(why))) => {
            assert!(why.contains("INVALID_TOKEN"), "{why}");
        }
        other => panic!("expected a sign-out, got {other:?} after {seen:?}"),
    }
    live.stop().await;
}

#[tokio::test]
async fn a_failing_refresh_keeps_the_session() {
    let platform = Platform::start().await;
    let gate = Gate::start(&platform.base, None).await;
    let home = Home::new();
    let (engine, _changes) = alice_through(&gate, &home).await;
    let session = engine.session().expect("signed in");

    for status in [503, 502, 500] {
        gate.set(Mode::Fail(status));
        let refused = tokio::time::timeout(PATIENCE, session.refresh())
            .await
            .expect("answered in time");
        match refused {
            Err(error) => assert!(error.is_transient(), "{status}: {error:?}"),
            Ok(()) => panic!("{status}: the refresh went through the failing gate"),
        }
        assert!(
            !matches!(engine.sync().await, Err(Error::Unauthorized(_))),
            "{status}: a failing platform reads as signed out"
        );
        still_signed_in(&engine, &home);
    }

    gate.set(Mode::Pass);
    tokio::time::timeout(PATIENCE, session.refresh())
        .await
        .expect("answered in time")
        .expect("the refresh works again");
    engine.sync().await.expect("sync works again");
    still_signed_in(&engine, &home);
}
