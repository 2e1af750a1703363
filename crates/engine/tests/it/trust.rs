//! A profile's `ca.pem`: the platform behind HTTPS with a self-signed certificate (a
//! [`Gate`] terminating TLS in front of the real platform) is refused as untrusted without
//! it, and reached over REST and `wss://` with it; a bad `ca.pem` is an error naming it.

use std::sync::Arc;
use std::time::Duration;

use engine::changes::Change;
use engine::Error;
use protocol::ipc::ConnectionState;
use protocol::Secret;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::gate::Gate;
use crate::support::{Home, Platform};

const PATIENCE: Duration = Duration::from_secs(30);

/// A self-signed certificate for 127.0.0.1 (PEM) and the server config presenting it.
fn self_signed() -> (String, Arc<rustls::ServerConfig>) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .expect("a self-signed certificate");
    let chain: Vec<CertificateDer<'static>> = vec![certified.cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .expect("a server config");
    (certified.cert.pem(), Arc::new(config))
}

async fn sign_in(engine: &mut engine::Engine, base: &str) -> engine::Result<()> {
    tokio::time::timeout(
        PATIENCE,
        engine.login(base, "alice@acme.test", Secret::new("switchboard"), None),
    )
    .await
    .expect("answered in time")
    .map(|_| ())
}

#[tokio::test]
async fn a_profile_ca_makes_rest_and_the_socket_trust_the_platform() {
    let platform = Platform::start().await;
    let (pem, config) = self_signed();
    let gate = Gate::start(&platform.base, Some(config)).await;
    assert!(gate.base.starts_with("https://"), "{}", gate.base);
    let home = Home::new();

    // Without ca.pem, the standard roots do not vouch for it.
    let mut plain = home.engine("plain");
    match sign_in(&mut plain, &gate.base).await {
        Err(Error::Offline(why)) => assert!(why.contains("certificate"), "{why}"),
        other => panic!("expected an untrusted certificate, got {other:?}"),
    }
    assert!(plain.signed_in().is_none());

    // With it, REST signs in and the live connection comes online over wss://.
    let mut trusting = home.engine("trusting");
    std::fs::write(home.path().join("trusting").join("ca.pem"), &pem).expect("ca.pem written");
    sign_in(&mut trusting, &gate.base)
        .await
        .expect("signed in over HTTPS");
    let mut changes = trusting.subscribe();
    let live = trusting.connect().expect("connect");
    let online = tokio::time::timeout(PATIENCE, async {
        loop {
            match changes.recv().await.expect("the stream is open") {
                Change::Connection {
                    state: ConnectionState::Online,
                    ..
                } => return Ok(()),
                Change::Connection {
                    state: ConnectionState::SignedOut,
                    detail,
                    ..
                } => return Err(detail),
                _ => {}
            }
        }
    })
    .await
    .expect("online in time");
    assert_eq!(online, Ok(()));
    live.stop().await;

    // A later start (the session resumed from the profile) trusts it too.
    drop(trusting);
    let resumed = home.engine("trusting");
    resumed
        .sync()
        .await
        .expect("sync over HTTPS after a restart");
}

#[tokio::test]
async fn a_bad_ca_file_is_an_error_naming_it() {
    let home = Home::new();
    let mut engine = home.engine("broken");
    let file = home.path().join("broken").join("ca.pem");
    for text in [
        "not a certificate",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    ] {
        std::fs::write(&file, text).expect("ca.pem written");
        // Nothing listens there: the file is read before any connection is tried.
        let error = engine
            .login(
                "https://127.0.0.1:9",
                "alice@acme.test",
                Secret::new("switchboard"),
                None,
            )
            .await
            .expect_err("refused");
        assert!(matches!(error, Error::Local(_)), "{error:?}");
        assert!(
            error.to_string().contains(&*file.to_string_lossy()),
            "{error}"
        );
    }
}
