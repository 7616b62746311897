//! HTTP and TLS probes against servers this test starts on 127.0.0.1, with certificates made here
//! (rcgen): a trusted one, one that expires in 3 days, one for the wrong name, TLS 1.2 only, plain
//! HTTP, and one that never answers.

use golive::probe::engine::{self, Ctx};
use golive::probe::target::Target;
use golive::probe::{Outcome, ProbeResult, ProbeSpec, Verdict};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};

const TLS12_ONLY: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS12];

struct Pki {
    ca: CertifiedIssuer<'static, KeyPair>,
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Pki {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(rcgen::DnType::CommonName, "golive test CA");
        let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.pem"), ca.pem()).unwrap();
        Pki { ca, dir }
    }

    fn ca_file(&self) -> String {
        self.dir.path().join("ca.pem").display().to_string()
    }

    /// A server certificate for `name`, valid for `days` more days.
    fn leaf(&self, name: &str, days: i64) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        let mut params = CertificateParams::new(vec![name.to_string()]).unwrap();
        params.distinguished_name.push(rcgen::DnType::CommonName, name);
        params.not_before = time::OffsetDateTime::now_utc() - time::Duration::days(1);
        params.not_after =
            time::OffsetDateTime::now_utc() + time::Duration::days(days) + time::Duration::hours(1);
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.ca).unwrap();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        (vec![cert.der().clone(), self.ca.der().clone()], key)
    }
}

/// Answers one request: /health 200 "ok", /admin 401, /open 200, anything else 404.
async fn answer<S: AsyncRead + AsyncWrite + Unpin>(mut s: S) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let head = String::from_utf8_lossy(&buf);
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    // As a WAF rule that blocks requests without a User-Agent would: golive's must say who it is.
    let agent = format!("user-agent: golive/{}\r\n", env!("CARGO_PKG_VERSION"));
    let (code, body) = match path.as_str() {
        _ if !head.to_lowercase().contains(&agent) => ("403 Forbidden", "no user agent"),
        "/health" => ("200 OK", "ok"),
        "/admin" => ("401 Unauthorized", "who are you"),
        "/open" => ("200 OK", "secret data"),
        "/chat" if head.contains("text/event-stream") => ("200 OK", "data: hello\n\n"),
        _ => ("404 Not Found", "no"),
    };
    let kind = if body.starts_with("data:") { "text/event-stream" } else { "text/plain" };
    let resp = format!(
        "HTTP/1.1 {code}\r\nContent-Type: {kind}\r\nServer: golive-test\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = s.write_all(resp.as_bytes()).await;
    let _ = s.shutdown().await;
}

async fn plain_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            tokio::spawn(answer(s));
        }
    });
    port
}

async fn tls_server(
    cert: (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>),
    versions: &'static [&'static rustls::SupportedProtocolVersion],
) -> u16 {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(cert.0, cert.1)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(tls) = acceptor.accept(s).await {
                    answer(tls).await;
                }
            });
        }
    });
    port
}

/// Accepts connections and never says a word.
async fn silent_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    port
}

async fn run(target: Target, spec: &str) -> ProbeResult {
    let spec: ProbeSpec = toml::from_str(spec).unwrap();
    let ctx = Arc::new(Ctx::new(Err(Verdict::error("no AWS here")), target));
    engine::run_job(ctx, vec![spec], Duration::from_secs(2)).await
}

fn endpoint(url: String) -> Target {
    Target { endpoint: Some(url), ..Default::default() }
}

#[tokio::test]
async fn http_health_smoke_and_protected_paths() {
    let port = plain_server().await;
    let base = format!("http://127.0.0.1:{port}");
    let r = run(
        endpoint(base.clone()),
        r#"kind = "http"
paths = ["/health"]
body = "^ok$""#,
    )
    .await;
    assert_eq!((r.outcome, r.summary.as_str()), (Outcome::Pass, "/health answered 2xx"), "{r:#?}");
    assert!(r.evidence[0].starts_with(&format!("GET {base}/health: 200 OK in ")), "{r:#?}");
    assert!(r.evidence[0].ends_with("; content-type: text/plain; server: golive-test"), "{r:#?}");
    // Smoke paths come from the target; /health when it names none.
    let mut t = endpoint(base.clone());
    assert_eq!(
        run(
            t.clone(),
            r#"kind = "http"
from = "smoke""#
        )
        .await
        .outcome,
        Outcome::Pass
    );
    t.smoke_paths = vec!["/health".into(), "/missing".into()];
    let r = run(
        t.clone(),
        r#"kind = "http"
from = "smoke""#,
    )
    .await;
    assert_eq!((r.outcome, r.summary.as_str()), (Outcome::Fail, "not 2xx: /missing (404)"));
    // A protected path must refuse a request without credentials; answering 200 fails.
    let auth = r#"kind = "http"
from = "protected"
expect = ["401", "403"]"#;
    assert_eq!(run(t.clone(), auth).await.outcome, Outcome::NeedsConfig);
    t.protected_paths = vec!["/admin".into()];
    assert_eq!(run(t.clone(), auth).await.outcome, Outcome::Pass);
    t.protected_paths = vec!["/admin".into(), "/open".into()];
    let r = run(t, auth).await;
    assert_eq!((r.outcome, r.summary.as_str()), (Outcome::Fail, "not 401 or 403: /open (200)"));
    // The body must match when a pattern is given.
    let r = run(
        endpoint(base),
        r#"kind = "http"
paths = ["/health"]
body = "healthy""#,
    )
    .await;
    assert_eq!(r.outcome, Outcome::Fail);
    assert!(r.evidence[0].ends_with("; body does not match /healthy/"), "{r:#?}");
}

#[tokio::test]
async fn http_over_tls_trusts_the_ca_file_and_refuses_an_unknown_issuer() {
    let pki = Pki::new();
    let port = tls_server(pki.leaf("localhost", 90), rustls::ALL_VERSIONS).await;
    let mut t = endpoint(format!("https://localhost:{port}"));
    t.ca_file = Some(pki.ca_file());
    let spec = r#"kind = "http"
paths = ["/health"]"#;
    let r = run(t.clone(), spec).await;
    assert_eq!(r.outcome, Outcome::Pass, "{r:#?}");
    t.ca_file = None;
    let r = run(t, spec).await;
    assert_eq!(r.outcome, Outcome::Fail, "{r:#?}");
    assert!(r.evidence[0].contains("no answer: ") && r.evidence[0].contains("UnknownIssuer"), "{r:#?}");
}

#[tokio::test]
async fn http_that_never_answers_times_out_as_an_error() {
    let port = silent_server().await;
    let r = run(endpoint(format!("http://127.0.0.1:{port}")), r#"kind = "http""#).await;
    assert_eq!((r.outcome, r.summary.as_str()), (Outcome::Error, "timed out after 2 s"));
}

fn domain(port: u16, ca: Option<String>) -> Target {
    Target { domain: Some(format!("localhost:{port}")), ca_file: ca, ..Default::default() }
}

#[tokio::test]
async fn tls_reports_version_issuer_and_days_left() {
    let pki = Pki::new();
    let port = tls_server(pki.leaf("localhost", 90), rustls::ALL_VERSIONS).await;
    let r = run(domain(port, Some(pki.ca_file())), r#"kind = "tls""#).await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (Outcome::Pass, "TLSv1_3 with a valid certificate for localhost, 90 days left"),
        "{r:#?}"
    );
    assert_eq!(r.evidence[0], format!("localhost:{port}: TLSv1_3, TLS13_AES_256_GCM_SHA384"));
    assert_eq!(r.evidence[2], "issuer CN=golive test CA");
    assert!(r.evidence[3].ends_with(&format!("(90 days), verified against the CA file {}", pki.ca_file())));
    // A server that speaks only TLS 1.2 still passes, and says so.
    let port = tls_server(pki.leaf("localhost", 90), TLS12_ONLY).await;
    let r = run(domain(port, Some(pki.ca_file())), r#"kind = "tls""#).await;
    assert_eq!(r.outcome, Outcome::Pass, "{r:#?}");
    assert!(r.evidence[0].contains(": TLSv1_2, TLS_ECDHE_"), "{r:#?}");
}

#[tokio::test]
async fn tls_warns_under_30_days_and_fails_under_7() {
    let pki = Pki::new();
    let port = tls_server(pki.leaf("localhost", 3), rustls::ALL_VERSIONS).await;
    let r = run(domain(port, Some(pki.ca_file())), r#"kind = "tls""#).await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (Outcome::Fail, "certificate of localhost expires in 3 days (under 7)")
    );
    let port = tls_server(pki.leaf("localhost", 20), rustls::ALL_VERSIONS).await;
    let r = run(domain(port, Some(pki.ca_file())), r#"kind = "tls""#).await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (Outcome::Warn, "certificate of localhost expires in 20 days (under 30)")
    );
}

#[tokio::test]
async fn tls_fails_for_the_wrong_name_an_unknown_issuer_and_a_silent_server() {
    let pki = Pki::new();
    let port = tls_server(pki.leaf("other.example", 90), rustls::ALL_VERSIONS).await;
    let r = run(domain(port, Some(pki.ca_file())), r#"kind = "tls""#).await;
    assert_eq!(r.outcome, Outcome::Fail, "{r:#?}");
    assert!(r.summary.starts_with(&format!("TLS handshake with localhost:{port} failed: ")), "{r:#?}");
    assert!(r.summary.ends_with("certificate not valid for name \"localhost\"; certificate is only valid for DnsName(\"other.example\")"), "{r:#?}");
    let port = tls_server(pki.leaf("localhost", 90), rustls::ALL_VERSIONS).await;
    let r = run(domain(port, None), r#"kind = "tls""#).await;
    assert_eq!(r.outcome, Outcome::Fail, "{r:#?}");
    assert!(r.summary.contains("UnknownIssuer"), "{r:#?}");
    let port = silent_server().await;
    let r = run(domain(port, Some(pki.ca_file())), r#"kind = "tls""#).await;
    assert_eq!((r.outcome, r.summary.as_str()), (Outcome::Error, "timed out after 2 s"));
    // Nothing to look at: needs-config, never a pass.
    let r = run(Target::default(), r#"kind = "tls""#).await;
    assert_eq!(r.outcome, Outcome::NeedsConfig);
}

/// Streaming Enabled: a path that answers an event stream when asked for one passes; one that
/// answers plain text fails; no stream paths in the target is needs-config.
#[tokio::test]
async fn http_stream_paths_must_answer_an_event_stream() {
    let port = plain_server().await;
    let mut t = endpoint(format!("http://127.0.0.1:{port}"));
    let spec = r#"kind = "http"
from = "stream""#;
    assert_eq!(run(t.clone(), spec).await.outcome, Outcome::NeedsConfig);
    t.stream_paths = vec!["/chat".into()];
    let r = run(t.clone(), spec).await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (Outcome::Pass, "/chat answered 2xx as an event stream"),
        "{r:#?}"
    );
    t.stream_paths = vec!["/health".into()];
    let r = run(t, spec).await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (Outcome::Fail, "not 2xx as an event stream: /health (200)"),
        "{r:#?}"
    );
    assert!(r.evidence[0].ends_with("; not an event stream"), "{r:#?}");
}
