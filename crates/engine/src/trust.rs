//! A profile's extra trusted certificate authorities: `ca.pem` in the profile's directory
//! (PEM, one or more certificates, such as a company proxy's CA), trusted beside the
//! standard roots by both the REST client and the live connection's `wss://`.

use std::path::{Path, PathBuf};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

use crate::error::{Error, Result};
use crate::realtime::socket::Tls;

/// The file, in a profile's directory, whose certificates are trusted too.
pub const CA_FILE: &str = "ca.pem";

/// Extra roots, read from one file.
#[derive(Debug, Clone)]
pub struct Trust {
    file: PathBuf,
    roots: Vec<CertificateDer<'static>>,
    tls: Tls,
}

impl Trust {
    /// The certificates in `file`, or `None` when there is no such file.
    pub fn load(file: &Path) -> Result<Option<Self>> {
        match std::fs::read(file) {
            Ok(pem) => Self::from_pem(file, &pem).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(format!("cannot read {}", file.display()), e)),
        }
    }

    /// The certificates of `pem`, read from `file` (which every error names).
    pub fn from_pem(file: &Path, pem: &[u8]) -> Result<Self> {
        let bad = |why: String| {
            Error::Local(format!(
                "{} is not a usable PEM bundle of CA certificates: {why}",
                file.display()
            ))
        };
        let roots = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad(e.to_string()))?;
        if roots.is_empty() {
            return Err(bad(
                "it holds no `-----BEGIN CERTIFICATE-----` block".to_owned()
            ));
        }
        let tls = Tls::with_extra_roots(roots.iter().cloned()).map_err(|e| bad(e.to_string()))?;
        Ok(Self {
            file: file.to_owned(),
            roots,
            tls,
        })
    }

    /// The file the certificates came from.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// How many certificates it holds.
    pub fn len(&self) -> usize {
        self.roots.len()
    }

    /// Whether it holds none (never, once loaded).
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    /// What a `wss://` connection trusts with it: webpki's roots and these.
    pub fn tls(&self) -> &Tls {
        &self.tls
    }

    /// `builder` trusting these certificates too (the standard roots stay).
    pub(crate) fn add_to(&self, builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder> {
        self.roots.iter().try_fold(builder, |builder, root| {
            let certificate = reqwest::Certificate::from_der(root).map_err(|e| {
                Error::Local(format!(
                    "{}: a certificate is not usable: {e}",
                    self.file.display()
                ))
            })?;
            Ok(builder.add_root_certificate(certificate))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> PathBuf {
        PathBuf::from("/profiles/work/ca.pem")
    }

    #[test]
    fn no_file_is_no_extra_trust() {
        let dir = std::env::temp_dir().join("switchboard-trust-test-no-such-dir");
        assert!(Trust::load(&dir.join(CA_FILE))
            .expect("absent is fine")
            .is_none());
    }

    #[test]
    fn a_bundle_of_certificates_is_read_whole() {
        let pem: String = ["one.test", "two.test"]
            .iter()
            .map(|name| {
                rcgen::generate_simple_self_signed(vec![(*name).to_owned()])
                    .expect("a certificate")
                    .cert
                    .pem()
            })
            .collect::<Vec<_>>()
            .join("\n");
        let trust = Trust::from_pem(&file(), pem.as_bytes()).expect("a usable bundle");
        assert_eq!(trust.len(), 2);
        assert_eq!(trust.file(), file());
        assert!(trust.add_to(reqwest::Client::builder()).is_ok());
    }

    #[test]
    fn text_without_a_certificate_is_refused_naming_the_file() {
        for pem in [&b""[..], b"not PEM at all", b"\x00\xff\xfe"] {
            let error = Trust::from_pem(&file(), pem).expect_err("refused");
            assert!(
                error.to_string().contains("/profiles/work/ca.pem"),
                "{error}"
            );
        }
    }

    #[test]
    fn a_certificate_block_of_garbage_is_refused_naming_the_file() {
        let pem = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let error = Trust::from_pem(&file(), pem).expect_err("refused");
        assert!(
            error.to_string().contains("/profiles/work/ca.pem"),
            "{error}"
        );
        let broken = b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        let error = Trust::from_pem(&file(), broken).expect_err("refused");
        assert!(
            error.to_string().contains("/profiles/work/ca.pem"),
            "{error}"
        );
    }
}
