//! The service's TLS as a client sees it: protocol version, a chain that verifies for the name,
//! and how long the certificate has left.

use super::{ca_pem, host_port};
use crate::probe::ctx::Ctx;
use crate::probe::kind::{Judged, Kind, Param, ParamType, int, judged};
use crate::probe::{Outcome, Verdict};
use std::sync::Arc;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

pub const HANDSHAKE: Kind = Kind::local(
    "tls",
    "Connects with rustls to the target's domain (or the endpoint's host) on 443: passes when TLS 1.2 \
     or newer is negotiated, the chain verifies against the platform roots (or the target's CA \
     file) for that name, and the certificate is valid for warn_days more (default 30; under \
     fail_days, default 7, fails). Evidence: version, cipher suite, issuer, not-after.",
    |ctx, p| judged(handshake(ctx, int(&p, "warn_days", 30), int(&p, "fail_days", 7))),
)
.with_params(&[
    Param { name: "warn_days", ty: ParamType::Days, doc: "warn when the certificate expires sooner" },
    Param { name: "fail_days", ty: ParamType::Days, doc: "fail when the certificate expires sooner" },
])
.meaning(
    "the endpoint's certificate is valid for the host, TLS 1.2+, not near expiry",
    "other hosts or internal connections",
);

async fn roots(ctx: &Ctx) -> Result<(RootCertStore, String), Verdict> {
    let mut store = RootCertStore::empty();
    if let Some(pem) = ca_pem(ctx).await? {
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let cert = cert.map_err(|e| Verdict::error(format!("the CA file does not parse: {e}")))?;
            store
                .add(cert)
                .map_err(|e| Verdict::error(format!("the CA file holds a bad certificate: {e}")))?;
        }
        if store.is_empty() {
            return Err(Verdict::error("the CA file holds no certificate"));
        }
        return Ok((store, format!("the CA file {}", ctx.target.ca_file.as_deref().unwrap_or(""))));
    }
    let native = rustls_native_certs::load_native_certs();
    let (added, _) = store.add_parsable_certificates(native.certs);
    if added == 0 {
        return Err(Verdict::error("no platform root certificates found: set a CA file in the target"));
    }
    Ok((store, "the platform roots".into()))
}

async fn handshake(ctx: Arc<Ctx>, warn_days: i64, fail_days: i64) -> Judged {
    let (host, port) = host_port(&ctx)?;
    let (store, trusted) = roots(&ctx).await?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    // rustls speaks only TLS 1.2 and 1.3: a server that offers less fails the handshake.
    let config = match ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
    {
        Ok(b) => b.with_root_certificates(store).with_no_client_auth(),
        Err(e) => return Ok(Verdict::error(format!("TLS setup: {e}"))),
    };
    let name = match ServerName::try_from(host.clone()) {
        Ok(n) => n,
        Err(e) => return Ok(Verdict::error(format!("{host:?} is not a server name: {e}"))),
    };
    let tcp = match tokio::net::TcpStream::connect((host.as_str(), port)).await {
        Ok(t) => t,
        Err(e) => {
            return Ok(Verdict::new(Outcome::Fail, format!("cannot connect to {host}:{port}: {e}"), vec![]));
        }
    };
    let stream = match TlsConnector::from(Arc::new(config)).connect(name, tcp).await {
        Ok(s) => s,
        Err(e) => {
            return Ok(Verdict::new(
                Outcome::Fail,
                format!("TLS handshake with {host}:{port} failed: {}", crate::probe::error_chain(&e)),
                vec![format!("verified against {trusted}")],
            ));
        }
    };
    let (_, conn) = stream.get_ref();
    let version = conn.protocol_version().map(|v| format!("{v:?}")).unwrap_or_default();
    let suite = conn.negotiated_cipher_suite().map(|s| format!("{:?}", s.suite())).unwrap_or_default();
    let Some(leaf) = conn.peer_certificates().and_then(|c| c.first()) else {
        return Ok(Verdict::error("the server sent no certificate"));
    };
    let cert = match x509_parser::parse_x509_certificate(leaf.as_ref()) {
        Ok((_, c)) => c,
        Err(e) => return Ok(Verdict::error(format!("the server's certificate does not parse: {e}"))),
    };
    let not_after = cert.validity().not_after.timestamp();
    let days = (not_after - chrono::Utc::now().timestamp()) / 86_400;
    let until = chrono::DateTime::from_timestamp(not_after, 0).map(|t| t.to_rfc3339()).unwrap_or_default();
    let evidence = vec![
        format!("{host}:{port}: {version}, {suite}"),
        format!("subject {}", cert.subject()),
        format!("issuer {}", cert.issuer()),
        format!("not after {until} ({days} days), verified against {trusted}"),
    ];
    let (outcome, summary) = if days < fail_days {
        (Outcome::Fail, format!("certificate of {host} expires in {days} days (under {fail_days})"))
    } else if days < warn_days {
        (Outcome::Warn, format!("certificate of {host} expires in {days} days (under {warn_days})"))
    } else {
        (Outcome::Pass, format!("{version} with a valid certificate for {host}, {days} days left"))
    };
    Ok(Verdict::new(outcome, summary, evidence))
}
