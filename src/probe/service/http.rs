//! HTTP checks against the service's endpoint: health and smoke paths answer, protected paths
//! refuse a request without credentials.

use super::{ca_pem, endpoint, off_limits};
use crate::probe::ctx::Ctx;
use crate::probe::kind::{Judged, Kind, Param, ParamType, flag, judged, list, text};
use crate::probe::{Outcome, Verdict};
use std::sync::Arc;
use std::time::Instant;

pub const GET: Kind = Kind::local(
    "http",
    "GETs each path on the target's endpoint (paths; or from = \"smoke\": the target's smoke_paths, \
     default /health; or from = \"protected\": its protected_paths, sent without credentials; or \
     from = \"stream\": its stream_paths, asking for text/event-stream) and passes when every \
     status is in expect (default 2xx), the body (its first MiB) matches body if given, and with \
     stream = true (implied by from = \"stream\") the answer is an event stream. Paths stay on the endpoint's origin; link-local and metadata addresses are \
     refused without --allow-link-local. Redirects are not followed. Evidence: status, latency, \
     selected headers.",
    |ctx, p| judged(get(ctx, p)),
)
.with_params(&[
    Param { name: "paths", ty: ParamType::StrList, doc: "paths to request" },
    Param { name: "from", ty: ParamType::Str, doc: "smoke, protected or stream: the target's paths" },
    Param { name: "stream", ty: ParamType::Bool, doc: "ask for text/event-stream and require it" },
    Param { name: "expect", ty: ParamType::StrList, doc: "statuses that pass: 200, 401, 2xx..." },
    Param { name: "body", ty: ParamType::Str, doc: "a regular expression the body must match" },
])
.meaning("the endpoint's paths answer as expected over HTTP(S)", "authentication of every route, or load");

/// How much of a body is read to match `body` against: a health answer is small, and an endless
/// one must not fill memory.
const MAX_BODY: usize = 1 << 20;

/// Resolves names for the probe, leaving out addresses no probe asks unless the person allows it
/// (see `off_limits`): a name that points at instance metadata is refused after resolution.
struct Guarded;

impl reqwest::dns::Resolve for Guarded {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let all: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let open: Vec<std::net::SocketAddr> =
                all.iter().copied().filter(|a| !off_limits(a.ip())).collect();
            if open.is_empty() && !all.is_empty() {
                return Err(refused(&host, all[0].ip()).into());
            }
            Ok(Box::new(open.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

fn refused(host: &str, ip: std::net::IpAddr) -> String {
    format!("{host} is {ip}, a link-local or metadata address: not probed without --allow-link-local")
}

/// `path` on the endpoint's own origin: a path from a file may not name another host (an absolute
/// URL or `//host`) or leave the endpoint by its scheme.
fn on_origin(base: &reqwest::Url, path: &str) -> Result<reqwest::Url, String> {
    if !path.starts_with('/') || path.starts_with("//") || path.contains('\\') {
        return Err(format!("path {path:?} must start with a single / (a path on the endpoint)"));
    }
    let url = base.join(path).map_err(|e| format!("path {path:?}: {e}"))?;
    if url.origin() != base.origin() {
        return Err(format!("path {path:?} leaves the endpoint's origin"));
    }
    Ok(url)
}

/// Up to `MAX_BODY` bytes of the body, as text.
async fn body_text(mut resp: reqwest::Response) -> String {
    let mut body = Vec::new();
    while body.len() < MAX_BODY {
        match resp.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk[..chunk.len().min(MAX_BODY - body.len())]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&body).into_owned()
}

/// Headers worth seeing in the evidence of a launch check.
const SHOWN_HEADERS: [&str; 3] = ["content-type", "server", "strict-transport-security"];

fn expected(status: u16, expect: &[String]) -> bool {
    expect.iter().any(|e| match e.strip_suffix("xx") {
        Some(class) => class.parse::<u16>().is_ok_and(|c| status / 100 == c),
        None => e.parse::<u16>().is_ok_and(|s| s == status),
    })
}

async fn get(ctx: Arc<Ctx>, p: toml::Table) -> Judged {
    let base = endpoint(&ctx)?;
    let paths = match text(&p, "from", "") {
        "smoke" if ctx.target.smoke_paths.is_empty() => vec!["/health".to_string()],
        "smoke" => ctx.target.smoke_paths.clone(),
        "protected" if ctx.target.protected_paths.is_empty() => {
            return Ok(Verdict::new(
                Outcome::NeedsConfig,
                "name the paths that need credentials (protected_paths in the target)",
                vec![],
            ));
        }
        "protected" => ctx.target.protected_paths.clone(),
        "stream" if ctx.target.stream_paths.is_empty() => {
            return Ok(Verdict::new(
                Outcome::NeedsConfig,
                "name the paths that stream their answers (stream_paths in the target)",
                vec![],
            ));
        }
        "stream" => ctx.target.stream_paths.clone(),
        _ => Some(list(&p, "paths")).filter(|l| !l.is_empty()).unwrap_or_else(|| vec!["/".into()]),
    };
    // A long answer is streamed when the server sends it as server-sent events.
    let stream = flag(&p, "stream") || text(&p, "from", "") == "stream";
    let expect = Some(list(&p, "expect")).filter(|l| !l.is_empty()).unwrap_or_else(|| vec!["2xx".into()]);
    let body = match p.get("body").and_then(toml::Value::as_str).map(regex::Regex::new).transpose() {
        Ok(b) => b,
        Err(e) => return Ok(Verdict::error(format!("bad body pattern: {e}"))),
    };
    if !ctx.allow_link_local
        && let Some(ip) = base.host_str().and_then(|h| h.trim_matches(['[', ']']).parse().ok())
        && off_limits(ip)
    {
        return Ok(Verdict::error(refused(base.host_str().unwrap_or_default(), ip)));
    }
    // A WAF rule that blocks requests without a User-Agent must not fail the smoke test.
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("golive/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none());
    if !ctx.allow_link_local {
        builder = builder.dns_resolver(Guarded);
    }
    if let Some(pem) = ca_pem(&ctx).await? {
        match reqwest::Certificate::from_pem_bundle(&pem) {
            Ok(certs) => builder = builder.tls_certs_only(certs),
            Err(e) => return Ok(Verdict::error(format!("the CA file holds no usable certificate: {e}"))),
        }
    }
    let client = match builder.build() {
        Ok(c) => c,
        Err(e) => return Ok(Verdict::error(format!("HTTP client: {e}"))),
    };
    let mut evidence = Vec::new();
    let mut bad = Vec::new();
    for path in &paths {
        let url = match on_origin(&base, path) {
            Ok(u) => u,
            Err(e) => return Ok(Verdict::error(e)),
        };
        let start = Instant::now();
        let mut request = client.get(url.clone());
        if stream {
            request = request.header(reqwest::header::ACCEPT, "text/event-stream");
        }
        let resp = match request.send().await {
            Ok(r) => r,
            Err(e) => {
                evidence.push(format!("GET {url}: no answer: {}", crate::probe::error_chain(&e)));
                bad.push(path.clone());
                continue;
            }
        };
        let status = resp.status();
        let streams = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        let headers: Vec<String> = SHOWN_HEADERS
            .iter()
            .filter_map(|h| {
                resp.headers().get(*h).map(|v| format!("{h}: {}", v.to_str().unwrap_or("(binary)")))
            })
            .collect();
        let text = if body.is_some() { body_text(resp).await } else { String::new() };
        let ms = start.elapsed().as_millis();
        let mut line = format!("GET {url}: {status} in {ms} ms");
        if !headers.is_empty() {
            line = format!("{line}; {}", headers.join("; "));
        }
        let body_ok = body.as_ref().is_none_or(|re| re.is_match(&text));
        if !body_ok {
            line.push_str(&format!(
                "; body does not match /{}/",
                body.as_ref().map(|r| r.as_str()).unwrap_or("")
            ));
        }
        if stream && !streams {
            line.push_str("; not an event stream");
        }
        if !expected(status.as_u16(), &expect) || !body_ok || (stream && !streams) {
            bad.push(format!("{path} ({})", status.as_u16()));
        }
        evidence.push(line);
    }
    let streamed = if stream { " as an event stream" } else { "" };
    let ok = match paths.as_slice() {
        [one] => format!("{one} answered {}{streamed}", expect.join(" or ")),
        _ => format!("{} paths answered {}{streamed}", paths.len(), expect.join(" or ")),
    };
    Ok(Verdict::unless(&bad, Outcome::Fail, ok, &format!("not {}{streamed}", expect.join(" or ")), evidence))
}
