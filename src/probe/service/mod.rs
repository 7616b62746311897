//! Probes of the running service from outside: its HTTP endpoints and its TLS certificate.

pub mod dns;
pub mod http;
pub mod tls;

use super::engine::Ctx;
use super::{Outcome, Verdict};

/// The service's base URL, or why there is none.
pub fn endpoint(ctx: &Ctx) -> Result<reqwest::Url, Verdict> {
    let Some(url) = &ctx.target.endpoint else {
        return Err(Verdict::new(
            Outcome::NeedsConfig,
            "no service endpoint: set it in the target (t) or with --endpoint",
            vec![],
        ));
    };
    reqwest::Url::parse(url).map_err(|e| Verdict::error(format!("endpoint {url:?} is not a URL: {e}")))
}

/// The host and port TLS and DNS checks look at: the target's domain, else the endpoint's host.
pub fn host_port(ctx: &Ctx) -> Result<(String, u16), Verdict> {
    if let Some(domain) = &ctx.target.domain {
        return Ok(match domain.rsplit_once(':') {
            Some((h, p)) if p.parse::<u16>().is_ok() => (h.to_string(), p.parse().unwrap_or(443)),
            _ => (domain.clone(), 443),
        });
    }
    let url = endpoint(ctx).map_err(|_| {
        Verdict::new(Outcome::NeedsConfig, "no domain or endpoint: set one in the target (t)", vec![])
    })?;
    let host = url.host_str().unwrap_or_default().to_string();
    Ok((host, url.port_or_known_default().unwrap_or(443)))
}

/// The PEM bytes of the target's CA file, if it names one.
pub fn ca_pem(ctx: &Ctx) -> Result<Option<Vec<u8>>, Verdict> {
    match &ctx.target.ca_file {
        None => Ok(None),
        Some(path) => std::fs::read(path)
            .map(Some)
            .map_err(|e| Verdict::error(format!("cannot read the CA file {path}: {e}"))),
    }
}
