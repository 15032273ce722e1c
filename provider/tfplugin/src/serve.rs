//! Serving a provider the way go-plugin hosts expect: magic cookie, protocol negotiation,
//! a unix socket, the handshake line on stdout, AutoMTLS, and prompt exit on shutdown.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::ExitCode;
use std::task::{Context, Poll};
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{mpsc, watch};
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::server::Connected;
use tonic::{Request, Response, Status};

use crate::proto::plugin;
use crate::proto::tfplugin6::provider_server::ProviderServer;
use crate::provider::Provider;
use crate::server::ProviderService;

/// The cookie Terraform sets so a plugin knows it was launched by Terraform.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// Terraform accepts messages up to 256 MiB; so do we.
const MAX_MESSAGE: usize = 256 << 20;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// e.g. `registry.terraform.io/nhi/nhi`, used in debug mode's reattach instructions.
    pub provider_address: String,
    /// Run without Terraform: no cookie check, no TLS, and print `TF_REATTACH_PROVIDERS`.
    pub debug: bool,
}

/// Where the process gets its settings; split out so tests can drive the handshake logic.
#[derive(Debug, Clone, Default)]
pub struct HostEnv {
    pub cookie: Option<String>,
    pub protocol_versions: Option<String>,
    pub client_cert: Option<String>,
    pub disable_tls: bool,
}

impl HostEnv {
    pub fn from_process() -> Self {
        let var = |k: &str| std::env::var(k).ok();
        Self {
            cookie: var(MAGIC_COOKIE_KEY),
            protocol_versions: var("PLUGIN_PROTOCOL_VERSIONS"),
            client_cert: var("PLUGIN_CLIENT_CERT").filter(|c| !c.trim().is_empty()),
            disable_tls: var("TF_DISABLE_PLUGIN_TLS").is_some_and(|v| !v.is_empty()),
        }
    }
}

/// How the connection will be secured, decided from the host environment.
#[derive(Debug, PartialEq, Eq)]
pub enum Security {
    MutualTls { client_cert_pem: String },
    Plaintext,
}

/// Checks the host environment. `Err` carries the message for the person who ran us.
pub fn negotiate(env: &HostEnv, debug: bool) -> Result<Security, String> {
    if debug {
        return Ok(Security::Plaintext);
    }
    if env.cookie.as_deref() != Some(MAGIC_COOKIE_VALUE) {
        return Err("This binary is a plugin for Terraform and OpenTofu; it is not meant to be run directly.\n\
             Declare it in a configuration (required_providers) and run `terraform plan`, or start it\n\
             with --debug to attach Terraform to it through TF_REATTACH_PROVIDERS."
            .to_owned());
    }
    let offered = env.protocol_versions.as_deref().unwrap_or("");
    if !offered.split(',').any(|v| v.trim() == "6") {
        return Err(format!(
            "This provider speaks plugin protocol 6 (Terraform 1.0 or later), but the host offered {offered:?}."
        ));
    }
    if env.disable_tls {
        return Ok(Security::Plaintext);
    }
    match &env.client_cert {
        Some(pem) => Ok(Security::MutualTls { client_cert_pem: pem.clone() }),
        None => Err("The host did not send a client certificate (PLUGIN_CLIENT_CERT), so the connection could not be \
             authenticated; refusing to serve. Set TF_DISABLE_PLUGIN_TLS=1 to run without TLS on purpose."
            .to_owned()),
    }
}

/// The first and only line a plugin writes to stdout.
pub fn handshake_line(socket: &Path, server_cert_der: Option<&[u8]>) -> String {
    let cert = server_cert_der.map(|c| base64::engine::general_purpose::STANDARD_NO_PAD.encode(c)).unwrap_or_default();
    format!("1|6|unix|{}|grpc|{cert}", socket.display())
}

/// Serves `provider` until Terraform asks us to shut down. Call from `main`.
pub fn serve<P: Provider>(provider: P, opts: ServeOptions) -> ExitCode {
    crate::log::init_from_env();
    let security = match negotiate(&HostEnv::from_process(), opts.debug) {
        Ok(s) => s,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::FAILURE;
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = rt.block_on(run(provider, opts, security));
    rt.shutdown_timeout(Duration::from_millis(100));
    code
}

async fn run<P: Provider>(provider: P, opts: ServeOptions, security: Security) -> ExitCode {
    let tls = match &security {
        Security::MutualTls { client_cert_pem } => match crate::tls::server_tls(client_cert_pem) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        },
        Security::Plaintext => None,
    };
    let socket = socket_path();
    let listener = match UnixListener::bind(&socket) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", socket.display());
            return ExitCode::FAILURE;
        }
    };
    let _cleanup = RemoveOnDrop(socket.clone());

    let (shutdown_tx, mut shutdown_rx) = watch::channel(false);
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    health_reporter.set_service_status("plugin", tonic_health::ServingStatus::Serving).await;

    let (conn_tx, conn_rx) = mpsc::channel::<std::io::Result<Conn>>(16);
    let acceptor = tls.as_ref().map(|t| tokio_rustls::TlsAcceptor::from(t.config.clone()));
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let tx = conn_tx.clone();
            match &acceptor {
                // Handshakes run on their own task so one slow client cannot stall others.
                Some(acc) => {
                    let acc = acc.clone();
                    tokio::spawn(async move {
                        // A client without the pinned certificate fails here and never reaches gRPC.
                        if let Ok(tls) = acc.accept(stream).await {
                            let _ = tx.send(Ok(Conn::Tls(Box::new(tls)))).await;
                        }
                    });
                }
                None => {
                    if tx.send(Ok(Conn::Plain(stream))).await.is_err() {
                        break;
                    }
                }
            }
        }
    });

    // Writes go through writeln! rather than println!: a closed stdout must not panic us.
    let mut out = std::io::stdout().lock();
    if opts.debug {
        let reattach = serde_json::json!({
            opts.provider_address.clone(): {
                "Protocol": "grpc",
                "ProtocolVersion": 6,
                "Pid": std::process::id(),
                "Test": true,
                "Addr": { "Network": "unix", "String": socket.display().to_string() },
            }
        });
        let _ = writeln!(
            out,
            "Provider started in debug mode. In another terminal, run Terraform with:\n\n  export TF_REATTACH_PROVIDERS='{reattach}'\n\nStop with Ctrl-C."
        );
        let _ = out.flush();
    } else {
        let line = handshake_line(&socket, tls.as_ref().map(|t| t.cert_der.as_slice()));
        if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
            eprintln!("cannot write the handshake line to stdout; is Terraform still running?");
            return ExitCode::FAILURE;
        }
        // Terraform sends StopProvider instead of relying on SIGINT; a Ctrl-C in the
        // terminal reaches every process in the group, so ignore it here.
        tokio::spawn(async { while tokio::signal::ctrl_c().await.is_ok() {} });
    }
    drop(out);

    let service = ProviderServer::new(ProviderService::new(provider))
        .max_decoding_message_size(MAX_MESSAGE)
        .max_encoding_message_size(MAX_MESSAGE);
    let controller = Controller { shutdown: shutdown_tx.clone() };
    let stdio = Stdio { shutdown: shutdown_rx.clone() };
    let mut stop_rx = shutdown_rx.clone();
    let server = tonic::transport::Server::builder()
        .add_service(service)
        .add_service(plugin::grpc_controller_server::GrpcControllerServer::new(controller))
        .add_service(plugin::grpc_stdio_server::GrpcStdioServer::new(stdio))
        .add_service(health_service)
        .serve_with_incoming_shutdown(ReceiverStream::new(conn_rx), async move {
            let _ = stop_rx.wait_for(|s| *s).await;
        });
    let debug = opts.debug;
    tokio::select! {
        r = server => if let Err(e) = r { eprintln!("plugin server failed: {e}"); return ExitCode::FAILURE; },
        // After Shutdown, give the reply a moment to leave, then go: Terraform waits for us.
        _ = async { let _ = shutdown_rx.wait_for(|s| *s).await; tokio::time::sleep(Duration::from_millis(50)).await } => {},
        _ = async { if debug { let _ = tokio::signal::ctrl_c().await; } else { std::future::pending::<()>().await } } => {},
        // Terraform killed (kill -9, a cancelled CI job) sends no Shutdown: go when it is gone,
        // rather than live on holding the registry.
        _ = parent_gone(), if !debug => tracing::info!("Terraform is gone (no Shutdown): exiting"),
    }
    ExitCode::SUCCESS
}

/// How often the parent is checked: an orphan exits within this (plus shutdown) time.
const PARENT_POLL: Duration = Duration::from_millis(200);

/// Resolves when the process that started this one has exited: the parent id changes when an
/// orphan is adopted (by init or a subreaper).
async fn parent_gone() {
    let parent = std::os::unix::process::parent_id();
    loop {
        tokio::time::sleep(PARENT_POLL).await;
        if std::os::unix::process::parent_id() != parent {
            return;
        }
    }
}

fn socket_path() -> PathBuf {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    std::env::temp_dir().join(format!("plugin-nhi-{}-{nanos:x}.sock", std::process::id()))
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A served connection, with or without TLS.
enum Conn {
    Plain(UnixStream),
    Tls(Box<tokio_rustls::server::TlsStream<UnixStream>>),
}

impl Connected for Conn {
    type ConnectInfo = ();
    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl AsyncRead for Conn {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_flush(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

struct Controller {
    shutdown: watch::Sender<bool>,
}

#[tonic::async_trait]
impl plugin::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(&self, _: Request<plugin::Empty>) -> Result<Response<plugin::Empty>, Status> {
        let _ = self.shutdown.send(true);
        Ok(Response::new(plugin::Empty {}))
    }
}

struct Stdio {
    shutdown: watch::Receiver<bool>,
}

type StdioStream = Pin<Box<dyn tokio_stream::Stream<Item = Result<plugin::StdioData, Status>> + Send>>;

#[tonic::async_trait]
impl plugin::grpc_stdio_server::GrpcStdio for Stdio {
    type StreamStdioStream = StdioStream;

    /// We never write to stdout or stderr after the handshake, so the stream carries nothing
    /// and ends at shutdown.
    async fn stream_stdio(&self, _: Request<()>) -> Result<Response<Self::StreamStdioStream>, Status> {
        let mut rx = self.shutdown.clone();
        let stream = async_stream_end(async move {
            let _ = rx.wait_for(|s| *s).await;
        });
        Ok(Response::new(stream))
    }
}

/// A stream that yields nothing and ends when `until` completes.
fn async_stream_end(until: impl std::future::Future<Output = ()> + Send + 'static) -> StdioStream {
    Box::pin(EndWhen(Box::pin(until)))
}

struct EndWhen(Pin<Box<dyn std::future::Future<Output = ()> + Send>>);

impl tokio_stream::Stream for EndWhen {
    type Item = Result<plugin::StdioData, Status>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.as_mut().poll(cx).map(|()| None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> HostEnv {
        HostEnv {
            cookie: Some(MAGIC_COOKIE_VALUE.into()),
            protocol_versions: Some("5,6".into()),
            client_cert: Some("PEM".into()),
            disable_tls: false,
        }
    }

    #[test]
    fn refuses_to_run_without_terraform() {
        let e = negotiate(&HostEnv::default(), false).unwrap_err();
        assert!(e.contains("plugin for Terraform"), "{e}");
        let e = negotiate(&HostEnv { cookie: Some("wrong".into()), ..env() }, false).unwrap_err();
        assert!(e.contains("not meant to be run directly"), "{e}");
    }

    #[test]
    fn needs_protocol_6_in_any_order() {
        assert!(negotiate(&HostEnv { protocol_versions: Some("6,5".into()), ..env() }, false).is_ok());
        let e = negotiate(&HostEnv { protocol_versions: Some("4,5".into()), ..env() }, false).unwrap_err();
        assert!(e.contains("protocol 6"), "{e}");
    }

    #[test]
    fn never_serves_plaintext_unless_told() {
        assert_eq!(negotiate(&env(), false).unwrap(), Security::MutualTls { client_cert_pem: "PEM".into() });
        let e = negotiate(&HostEnv { client_cert: None, ..env() }, false).unwrap_err();
        assert!(e.contains("refusing to serve"), "{e}");
        assert_eq!(
            negotiate(&HostEnv { client_cert: None, disable_tls: true, ..env() }, false).unwrap(),
            Security::Plaintext
        );
        assert_eq!(negotiate(&HostEnv::default(), true).unwrap(), Security::Plaintext);
    }

    #[test]
    fn handshake_line_uses_unpadded_base64() {
        let line = handshake_line(Path::new("/tmp/p.sock"), Some(&[0xff, 0xee]));
        assert_eq!(line, "1|6|unix|/tmp/p.sock|grpc|/+4");
        assert_eq!(handshake_line(Path::new("/tmp/p.sock"), None), "1|6|unix|/tmp/p.sock|grpc|");
    }
}
