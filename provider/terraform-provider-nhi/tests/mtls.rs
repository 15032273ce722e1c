//! AutoMTLS: the provider must serve only the client whose certificate Terraform announced in
//! `PLUGIN_CLIENT_CERT` (a self-signed ECDSA P-521 CA certificate, as Terraform makes them).
//! A client without it, with another certificate, or speaking plain text must get nothing.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme, StreamOwned};

const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
/// An empty HTTP/2 SETTINGS frame: length 0, type 4, flags 0, stream 0.
const EMPTY_SETTINGS: &[u8] = &[0, 0, 0, 4, 0, 0, 0, 0, 0];

struct ClientCert {
    pem: String,
    der: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
}

/// A certificate shaped like Terraform's: P-521/SHA-512, CN and SAN localhost, IsCA.
fn terraform_like_cert() -> ClientCert {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params.distinguished_name.push(rcgen::DnType::CommonName, "localhost");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).unwrap();
    ClientCert {
        pem: cert.pem(),
        der: cert.der().clone(),
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    }
}

struct Plugin {
    child: Child,
    socket: String,
    server_cert: Vec<u8>,
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.socket);
    }
}

fn start_plugin(client_cert_pem: &str) -> Plugin {
    let mut child = Command::new(env!("CARGO_BIN_EXE_terraform-provider-nhi"))
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_CLIENT_CERT", client_cert_pem)
        .env_remove("TF_DISABLE_PLUGIN_TLS")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start provider");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).expect("handshake line");
    let parts: Vec<&str> = line.trim_end().split('|').collect();
    assert_eq!(parts.len(), 6, "handshake line {line:?}");
    assert_eq!(&parts[..3], ["1", "6", "unix"], "{line:?}");
    assert_eq!(parts[4], "grpc");
    let server_cert = base64::engine::general_purpose::STANDARD_NO_PAD.decode(parts[5]).expect("unpadded base64 cert");
    Plugin { child, socket: parts[3].to_owned(), server_cert }
}

/// Trusts whatever server certificate is offered; this test is about the server's side.
#[derive(Debug)]
struct AnyServer(rustls::crypto::WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AnyServer {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(m, c, d, &self.0)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(m, c, d, &self.0)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

/// Connects over TLS (optionally presenting `cert`), sends the HTTP/2 preface and returns
/// what the server answered: `Ok(bytes)` or the error that ended the exchange.
fn talk_tls(plugin: &Plugin, cert: Option<&ClientCert>) -> (Result<Vec<u8>, String>, Option<Vec<u8>>) {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let algs = provider.signature_verification_algorithms;
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AnyServer(algs)));
    let mut config = match cert {
        Some(c) => builder.with_client_auth_cert(vec![c.der.clone()], c.key.clone_key()).unwrap(),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    let conn = ClientConnection::new(Arc::new(config), ServerName::try_from("localhost").unwrap()).unwrap();
    let sock = UnixStream::connect(&plugin.socket).expect("connect");
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut tls = StreamOwned::new(conn, sock);
    let result = (|| {
        tls.write_all(H2_PREFACE).map_err(|e| e.to_string())?;
        tls.write_all(EMPTY_SETTINGS).map_err(|e| e.to_string())?;
        tls.flush().map_err(|e| e.to_string())?;
        let mut buf = [0u8; 64];
        match tls.read(&mut buf) {
            Ok(0) => Err("connection closed".to_owned()),
            Ok(n) => Ok(buf[..n].to_vec()),
            Err(e) => Err(e.to_string()),
        }
    })();
    let peer = tls.conn.peer_certificates().and_then(|c| c.first()).map(|c| c.to_vec());
    (result, peer)
}

#[test]
fn serves_only_the_announced_client_certificate() {
    let terraform = terraform_like_cert();
    let plugin = start_plugin(&terraform.pem);

    // The announced certificate gets an HTTP/2 server: its first frame is SETTINGS (type 4).
    let (answer, peer) = talk_tls(&plugin, Some(&terraform));
    let bytes = answer.expect("the announced client is served");
    assert!(bytes.len() >= 9 && bytes[3] == 4, "expected an HTTP/2 SETTINGS frame, got {bytes:?}");
    // The server presented the certificate it announced in the handshake line.
    assert_eq!(peer.as_deref(), Some(plugin.server_cert.as_slice()));

    // No client certificate: refused.
    let (answer, _) = talk_tls(&plugin, None);
    assert!(answer.is_err(), "a client without a certificate must not be served, got {answer:?}");

    // Another certificate of the same shape: refused.
    let intruder = terraform_like_cert();
    let (answer, _) = talk_tls(&plugin, Some(&intruder));
    assert!(answer.is_err(), "a client with another certificate must not be served, got {answer:?}");

    // Plain text: no HTTP/2 answer.
    let mut sock = UnixStream::connect(&plugin.socket).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    // The server may drop the connection while we still write; that is a refusal too.
    let _ = sock.write_all(H2_PREFACE).and_then(|()| sock.write_all(EMPTY_SETTINGS));
    let mut buf = [0u8; 64];
    let n = sock.read(&mut buf).unwrap_or(0);
    assert!(n == 0 || buf[0] == 0x15, "plain text must not be served, got {:?}", &buf[..n]);

    // And the announced client is still served afterwards.
    assert!(talk_tls(&plugin, Some(&terraform)).0.is_ok());
}

#[test]
fn refuses_to_serve_without_a_client_certificate() {
    let out = Command::new(env!("CARGO_BIN_EXE_terraform-provider-nhi"))
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env_remove("PLUGIN_CLIENT_CERT")
        .env_remove("TF_DISABLE_PLUGIN_TLS")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "no handshake line may be printed");
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to serve"));
}

#[test]
fn explains_itself_when_run_by_hand() {
    let out = Command::new(env!("CARGO_BIN_EXE_terraform-provider-nhi"))
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("plugin for Terraform") && err.contains("--debug"), "{err}");
}
