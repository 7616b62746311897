//! Probes of the running service from outside: its HTTP endpoints and its TLS certificate.

pub mod dns;
pub mod http;
pub mod tls;

use super::ctx::Ctx;
use super::{Outcome, Verdict};

/// The service's base URL, or why there is none.
pub fn endpoint(ctx: &Ctx) -> Result<reqwest::Url, Verdict> {
    let Some(url) = &ctx.target.endpoint else {
        return Err(Verdict::new(Outcome::NeedsConfig, "no service endpoint in the target", vec![]));
    };
    checked_endpoint(url).map_err(Verdict::error)
}

/// The host and port TLS and DNS checks look at: the target's domain, else the endpoint's host.
pub fn host_port(ctx: &Ctx) -> Result<(String, u16), Verdict> {
    if let Some(domain) = &ctx.target.domain {
        return Ok(match domain.rsplit_once(':') {
            Some((h, p)) if p.parse::<u16>().is_ok() => (h.to_string(), p.parse().unwrap_or(443)),
            _ => (domain.clone(), 443),
        });
    }
    let url = endpoint(ctx)
        .map_err(|_| Verdict::new(Outcome::NeedsConfig, "no domain or endpoint in the target", vec![]))?;
    let host = url.host_str().unwrap_or_default().to_string();
    Ok((host, url.port_or_known_default().unwrap_or(443)))
}

/// The largest CA file read: a bundle of every public root is about 250 KB.
const MAX_CA_FILE: u64 = 4 << 20;

/// The PEM bytes of the target's CA file, if it names one: a regular file, read bounded and off
/// the async threads, so `/dev/zero` or a FIFO named there can neither fill memory nor outlast
/// the probe's timeout.
pub async fn ca_pem(ctx: &Ctx) -> Result<Option<Vec<u8>>, Verdict> {
    let Some(path) = ctx.target.ca_file.clone() else { return Ok(None) };
    let read = tokio::task::spawn_blocking({
        let path = path.clone();
        move || crate::fsx::read_bounded(std::path::Path::new(&path), MAX_CA_FILE)
    });
    match read.await {
        Ok(Ok(pem)) => Ok(Some(pem)),
        Ok(Err(e)) => Err(Verdict::error(format!("cannot read the CA file {path}: {e}"))),
        Err(e) => Err(Verdict::error(format!("reading the CA file {path} stopped: {e}"))),
    }
}

/// The service's endpoint as a file gives it, checked: http or https, a host, no user or password
/// in it (they would be sent and recorded in clear).
pub fn checked_endpoint(url: &str) -> Result<reqwest::Url, String> {
    let u = reqwest::Url::parse(url).map_err(|e| format!("endpoint {url:?} is not a URL: {e}"))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(format!("endpoint {url:?}: only http and https are probed"));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err("the endpoint holds a user name or password: put credentials elsewhere".into());
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err(format!("endpoint {url:?} has no host"));
    }
    Ok(u)
}

/// Addresses no probe asks unless the person allows it (`--allow-link-local`): link-local ranges,
/// where cloud instance metadata (169.254.169.254, fd00:ec2::254) answers with credentials.
pub fn off_limits(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => v4.is_link_local() || v4.octets() == [100, 100, 100, 200],
        IpAddr::V6(v6) => {
            let s = v6.segments();
            (s[0] & 0xffc0) == 0xfe80
                || v6 == std::net::Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)
                || v6.to_ipv4_mapped().is_some_and(|v4| off_limits(IpAddr::V4(v4)))
        }
    }
}
