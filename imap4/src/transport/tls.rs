//! TLS settings ([`TlsConfig`]) and the TLS error helper ([`tls_error`]).

use std::fmt;
use std::io;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

/// How a TLS connection is set up: which certificate authorities are trusted, an optional
/// client certificate, the name the server must prove (and that is sent as SNI), and the
/// loudly named opt-out [`danger_accept_invalid_certs`](Self::danger_accept_invalid_certs).
///
/// The default trusts the Mozilla roots bundled with `webpki-roots` and checks both the
/// certificate chain and the host name. This is what imaplib's `ssl_context` argument is for.
///
/// ```no_run
/// use imap4::blocking::Client;
/// use imap4::transport::TlsConfig;
///
/// // A public server: the bundled roots are enough.
/// let client = Client::connect_tls("imap.example.com", 993, &TlsConfig::new())?;
///
/// // A server whose certificate was signed by your own CA.
/// let tls = TlsConfig::with_ca_file("/etc/ssl/private-ca.pem")?;
/// let client = Client::connect_tls("mail.internal", 993, &tls)?;
/// # Ok::<(), imap4::Error>(())
/// ```
#[doc(alias = "ssl_context")]
#[doc(alias = "SSLContext")]
#[derive(Clone)]
pub struct TlsConfig {
    setup: Setup,
    server_name: Option<String>,
    built: OnceLock<Arc<ClientConfig>>,
}

#[derive(Clone)]
enum Setup {
    Built(Arc<ClientConfig>),
    Parts {
        roots: Arc<RootCertStore>,
        client_auth: Option<(Vec<CertificateDer<'static>>, Arc<PrivateKeyDer<'static>>)>,
        danger_accept_invalid_certs: bool,
    },
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("TlsConfig");
        match &self.setup {
            Setup::Built(_) => d.field("rustls", &"custom ClientConfig"),
            Setup::Parts {
                roots,
                client_auth,
                danger_accept_invalid_certs,
            } => d
                .field("roots", &roots.len())
                .field("client_cert", &client_auth.is_some())
                .field("danger_accept_invalid_certs", danger_accept_invalid_certs),
        };
        d.field("server_name", &self.server_name).finish()
    }
}

impl Default for TlsConfig {
    fn default() -> Self {
        Self::new()
    }
}

fn invalid(msg: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

fn pem_error(what: &str, path: Option<&Path>, e: rustls::pki_types::pem::Error) -> io::Error {
    match (e, path) {
        (rustls::pki_types::pem::Error::Io(e), Some(p)) => {
            io::Error::new(e.kind(), format!("{}: {e}", p.display()))
        }
        (e, Some(p)) => invalid(format!("{what} in {}: {e}", p.display())),
        (e, None) => invalid(format!("{what}: {e}")),
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

impl TlsConfig {
    fn from_roots(roots: RootCertStore) -> Self {
        TlsConfig {
            setup: Setup::Parts {
                roots: Arc::new(roots),
                client_auth: None,
                danger_accept_invalid_certs: false,
            },
            server_name: None,
            built: OnceLock::new(),
        }
    }

    /// Trusts the Mozilla root certificates bundled with the `webpki-roots` crate (the
    /// default). Certificate and host name are checked.
    ///
    /// ```
    /// let tls = imap4::transport::TlsConfig::new();
    /// ```
    #[doc(alias = "create_default_context")]
    pub fn new() -> Self {
        Self::from_roots(RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        })
    }

    /// Trusts the operating system's certificate store (`rustls-native-certs`; on Linux the
    /// files `SSL_CERT_FILE` / `SSL_CERT_DIR` or the distribution's bundle). Fails when no
    /// usable certificate is found.
    ///
    /// ```no_run
    /// let tls = imap4::transport::TlsConfig::with_native_roots()?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "load_default_certs")]
    pub fn with_native_roots() -> io::Result<Self> {
        let found = rustls_native_certs::load_native_certs();
        let mut roots = RootCertStore::empty();
        roots.add_parsable_certificates(found.certs);
        if roots.is_empty() {
            let why = found
                .errors
                .first()
                .map_or_else(|| "none found".to_string(), |e| e.to_string());
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("no usable system root certificates: {why}"),
            ));
        }
        Ok(Self::from_roots(roots))
    }

    /// Trusts only the certificate authorities in a PEM file (one or more `CERTIFICATE`
    /// blocks), for servers with a private CA.
    ///
    /// ```no_run
    /// let tls = imap4::transport::TlsConfig::with_ca_file("/tmp/imap4-dc/ca.pem")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "cafile")]
    #[doc(alias = "load_verify_locations")]
    pub fn with_ca_file(path: impl AsRef<Path>) -> io::Result<Self> {
        Self::from_roots(RootCertStore::empty()).add_ca_file(path)
    }

    /// Trusts only the certificate authorities in PEM text (`cadata`).
    ///
    /// ```no_run
    /// let pem = std::fs::read("/tmp/imap4-dc/ca.pem")?;
    /// let tls = imap4::transport::TlsConfig::with_ca_pem(&pem)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "cadata")]
    pub fn with_ca_pem(pem: &[u8]) -> io::Result<Self> {
        Self::from_roots(RootCertStore::empty()).add_ca_pem(pem)
    }

    /// Adds the certificate authorities of a PEM file to those already trusted.
    ///
    /// ```no_run
    /// use imap4::transport::TlsConfig;
    /// // The public roots and a private CA.
    /// let tls = TlsConfig::new().add_ca_file("/etc/ssl/private-ca.pem")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn add_ca_file(self, path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref();
        let certs = CertificateDer::pem_file_iter(path)
            .and_then(|it| it.collect::<Result<Vec<_>, _>>())
            .map_err(|e| pem_error("bad certificate", Some(path), e))?;
        self.add_cas(certs, &path.display().to_string())
    }

    /// Adds the certificate authorities in PEM text to those already trusted.
    ///
    /// ```no_run
    /// use imap4::transport::TlsConfig;
    /// let pem = std::fs::read("/etc/ssl/private-ca.pem")?;
    /// let tls = TlsConfig::new().add_ca_pem(&pem)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn add_ca_pem(self, pem: &[u8]) -> io::Result<Self> {
        let certs = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| pem_error("bad certificate", None, e))?;
        self.add_cas(certs, "the PEM text")
    }

    fn add_cas(mut self, certs: Vec<CertificateDer<'static>>, source: &str) -> io::Result<Self> {
        if certs.is_empty() {
            return Err(invalid(format!("no CERTIFICATE in {source}")));
        }
        let Setup::Parts { roots, .. } = &mut self.setup else {
            return Err(invalid(
                "cannot add CAs to a TlsConfig made from a rustls ClientConfig",
            ));
        };
        let roots = Arc::make_mut(roots);
        for c in certs {
            roots
                .add(c)
                .map_err(|e| invalid(format!("unusable CA certificate in {source}: {e}")))?;
        }
        self.built = OnceLock::new();
        Ok(self)
    }

    /// Presents a client certificate: a PEM file with the certificate chain (leaf first)
    /// and one with its private key (PKCS#8, PKCS#1 or SEC1).
    ///
    /// ```no_run
    /// use imap4::transport::TlsConfig;
    /// let tls = TlsConfig::new().client_cert_files("me.pem", "me.key")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "certfile")]
    #[doc(alias = "keyfile")]
    #[doc(alias = "load_cert_chain")]
    pub fn client_cert_files(
        self,
        cert_chain: impl AsRef<Path>,
        key: impl AsRef<Path>,
    ) -> io::Result<Self> {
        let (cp, kp) = (cert_chain.as_ref(), key.as_ref());
        let certs = CertificateDer::pem_file_iter(cp)
            .and_then(|it| it.collect::<Result<Vec<_>, _>>())
            .map_err(|e| pem_error("bad certificate", Some(cp), e))?;
        let key = PrivateKeyDer::from_pem_file(kp)
            .map_err(|e| pem_error("no private key", Some(kp), e))?;
        self.client_cert(certs, key)
    }

    /// Presents a client certificate given as PEM text (chain, leaf first; private key).
    ///
    /// ```no_run
    /// use imap4::transport::TlsConfig;
    /// let (chain, key) = (std::fs::read("me.pem")?, std::fs::read("me.key")?);
    /// let tls = TlsConfig::new().client_cert_pem(&chain, &key)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn client_cert_pem(self, cert_chain: &[u8], key: &[u8]) -> io::Result<Self> {
        let certs = CertificateDer::pem_slice_iter(cert_chain)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| pem_error("bad certificate", None, e))?;
        let key =
            PrivateKeyDer::from_pem_slice(key).map_err(|e| pem_error("no private key", None, e))?;
        self.client_cert(certs, key)
    }

    fn client_cert(
        mut self,
        certs: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    ) -> io::Result<Self> {
        if certs.is_empty() {
            return Err(invalid("no CERTIFICATE in the client certificate chain"));
        }
        // Fail now, not at connect time, if the key is of a kind the provider cannot use.
        provider()
            .key_provider
            .load_private_key(key.clone_key())
            .map_err(|e| invalid(format!("unusable client key: {e}")))?;
        let Setup::Parts { client_auth, .. } = &mut self.setup else {
            return Err(invalid(
                "cannot add a client certificate to a TlsConfig made from a rustls ClientConfig",
            ));
        };
        *client_auth = Some((certs, Arc::new(key)));
        self.built = OnceLock::new();
        Ok(self)
    }

    /// The name the server's certificate must be valid for, also sent as SNI. By default it
    /// is the host given to the connect call. Set it when connecting by IP address or
    /// through a tunnel to a server known by another name.
    ///
    /// ```no_run
    /// use imap4::blocking::Client;
    /// use imap4::transport::TlsConfig;
    /// let tls = TlsConfig::new().server_name("imap.example.com");
    /// let client = Client::connect_tls("192.0.2.10", 993, &tls)?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "server_hostname")]
    #[doc(alias = "sni")]
    pub fn server_name(mut self, name: impl Into<String>) -> Self {
        self.server_name = Some(name.into());
        self
    }

    /// **Turns off certificate AND host name verification.** Anyone on the path can then
    /// read and change the session, password included. Only for test servers with a
    /// throw-away certificate; prefer [`with_ca_file`](Self::with_ca_file). The handshake
    /// signatures are still checked, so the connection is encrypted, just not authenticated.
    ///
    /// ```no_run
    /// use imap4::transport::TlsConfig;
    /// // Local test server with a self-signed certificate only.
    /// let tls = TlsConfig::new().danger_accept_invalid_certs();
    /// ```
    #[doc(alias = "CERT_NONE")]
    #[doc(alias = "check_hostname")]
    pub fn danger_accept_invalid_certs(mut self) -> Self {
        if let Setup::Parts {
            danger_accept_invalid_certs,
            ..
        } = &mut self.setup
        {
            *danger_accept_invalid_certs = true;
        }
        self.built = OnceLock::new();
        self
    }

    /// Uses a ready rustls configuration as it is (roots, client certificate, verifier,
    /// ALPN, ...); only [`server_name`](Self::server_name) still applies.
    ///
    /// ```no_run
    /// use std::sync::Arc;
    /// use imap4::transport::{rustls, TlsConfig};
    /// let provider = Arc::new(rustls::crypto::ring::default_provider());
    /// let roots = rustls::RootCertStore::empty();
    /// let config = rustls::ClientConfig::builder_with_provider(provider)
    ///     .with_safe_default_protocol_versions()
    ///     .unwrap()
    ///     .with_root_certificates(roots)
    ///     .with_no_client_auth();
    /// let tls = TlsConfig::from_rustls(Arc::new(config));
    /// ```
    pub fn from_rustls(config: Arc<ClientConfig>) -> Self {
        TlsConfig {
            setup: Setup::Built(config),
            server_name: None,
            built: OnceLock::new(),
        }
    }

    /// The rustls client configuration these settings make (built once, then shared, so
    /// TLS sessions can be resumed across connections made with the same `TlsConfig`).
    ///
    /// ```
    /// let config = imap4::transport::TlsConfig::new().rustls_config()?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn rustls_config(&self) -> io::Result<Arc<ClientConfig>> {
        if let Some(c) = self.built.get() {
            return Ok(c.clone());
        }
        let config = match &self.setup {
            Setup::Built(c) => c.clone(),
            Setup::Parts {
                roots,
                client_auth,
                danger_accept_invalid_certs,
            } => {
                let provider = provider();
                let builder = ClientConfig::builder_with_provider(provider.clone())
                    .with_safe_default_protocol_versions()
                    .map_err(|e| invalid(e.to_string()))?;
                let builder = if *danger_accept_invalid_certs {
                    builder
                        .dangerous()
                        .with_custom_certificate_verifier(Arc::new(AcceptAnyCert(provider)))
                } else {
                    builder.with_root_certificates(roots.clone())
                };
                let config = match client_auth {
                    Some((certs, key)) => builder
                        .with_client_auth_cert(certs.clone(), key.clone_key())
                        .map_err(|e| invalid(format!("client certificate: {e}")))?,
                    None => builder.with_no_client_auth(),
                };
                Arc::new(config)
            }
        };
        Ok(self.built.get_or_init(|| config).clone())
    }

    /// The name to verify and send as SNI when connecting to `host`.
    pub(crate) fn name_for(&self, host: &str) -> io::Result<ServerName<'static>> {
        let name = self.server_name.as_deref().unwrap_or(host);
        // An IPv6 literal may come in brackets, as in a URL.
        let name = name
            .strip_prefix('[')
            .and_then(|n| n.strip_suffix(']'))
            .unwrap_or(name);
        ServerName::try_from(name.to_string())
            .map_err(|_| invalid(format!("not a valid TLS server name: {name:?}")))
    }
}

/// The verifier behind [`TlsConfig::danger_accept_invalid_certs`]: any certificate, any
/// name; handshake signatures are still verified with the provider's algorithms.
#[derive(Debug)]
struct AcceptAnyCert(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// The TLS failure behind an error, if it is one: a certificate that is not trusted or not
/// valid for the host name, a handshake the server broke off, garbage where a TLS record
/// was expected (as after a STARTTLS response injection), ... TLS errors travel as
/// [`Error::Abort`](crate::Error::Abort) with an I/O error of kind `InvalidData` whose
/// inner error is the [`rustls::Error`]; this finds it.
///
/// ```no_run
/// use imap4::blocking::Client;
/// use imap4::transport::{rustls, tls_error, TlsConfig};
///
/// match Client::connect_tls("127.0.0.1", 10993, &TlsConfig::new()) {
///     Err(e) => match tls_error(&e) {
///         Some(rustls::Error::InvalidCertificate(why)) => eprintln!("bad certificate: {why:?}"),
///         Some(other) => eprintln!("TLS failed: {other}"),
///         None => eprintln!("not a TLS problem: {e}"),
///     },
///     Ok(_) => {}
/// }
/// ```
#[doc(alias = "SSLError")]
#[doc(alias = "SSLCertVerificationError")]
pub fn tls_error(err: &crate::Error) -> Option<&rustls::Error> {
    match err {
        crate::Error::Abort(crate::error::Abort::Io(e)) => io_tls_error(e),
        _ => None,
    }
}

/// Like [`tls_error`], for a bare [`io::Error`] (as returned by
/// [`Transport::connect_tls`](super::Transport::connect_tls)).
///
/// ```no_run
/// use imap4::transport::{io_tls_error, ConnectOptions, TlsConfig, Transport};
/// let opts = ConnectOptions::default();
/// if let Err(e) = Transport::connect_tls("127.0.0.1", 10993, &TlsConfig::new(), &opts) {
///     println!("{:?}", io_tls_error(&e));
/// }
/// ```
pub fn io_tls_error(err: &io::Error) -> Option<&rustls::Error> {
    err.get_ref()?.downcast_ref::<rustls::Error>()
}
