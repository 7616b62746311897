//! The service's name as the world resolves it: it resolves at all, and to the resource the team
//! meant (a CNAME to the load balancer, an alias with the same addresses, or a given address).

use super::host_port;
use crate::probe::ctx::Ctx;
use crate::probe::kind::Kind;
use crate::probe::kind::{Judged, judged};
use crate::probe::target::name_server;
use crate::probe::{Outcome, Verdict};
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig};
use hickory_resolver::net::NetError;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::RData;
use hickory_resolver::{Resolver, TokioResolver};
use std::collections::BTreeSet;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

pub const RESOLVES: Kind = Kind::local(
    "dns",
    "Resolves the target's domain (or the endpoint's host) through the system's resolvers or the \
     target's name server: passes when it resolves to the expected answer the target names \
     (dns_expect): a CNAME in the chain, an address it resolves to, or a name resolving to the \
     same addresses (a Route 53 alias); without one it needs configuration. Fails on NXDOMAIN, no \
     address or another answer; a name server that does not answer is an error. Evidence: the CNAME \
     chain, the addresses with their TTLs, the name server asked.",
    |ctx, _| judged(resolves(ctx)),
)
.meaning(
    "the domain resolves to the expected answer",
    "records other than this name, or TTLs that fit a cut-over",
);

/// Each name server gets one try of this long: a launch-day answer, not a patient one.
const TIMEOUT: Duration = Duration::from_secs(5);

/// What one name resolved to.
struct Answer {
    cnames: Vec<String>,
    addrs: BTreeSet<IpAddr>,
    evidence: Vec<String>,
}

async fn resolves(ctx: Arc<Ctx>) -> Judged {
    let (host, _) = host_port(&ctx)?;
    if host.parse::<IpAddr>().is_ok() {
        return Ok(Verdict::new(
            Outcome::NeedsConfig,
            format!("the endpoint's host {host} is an address: the target names no domain"),
            vec![],
        ));
    }
    let (resolver, asked) = resolver(&ctx)?;
    let answer = match lookup(&resolver, &host).await {
        Ok(a) => a,
        Err(mut v) => {
            v.evidence.push(format!("asked {asked}"));
            return Ok(v);
        }
    };
    let mut evidence = answer.evidence.clone();
    evidence.push(format!("asked {asked}"));
    let shown: Vec<String> = answer.addrs.iter().map(IpAddr::to_string).collect();
    let resolved = format!("{host} resolves to {}", shown.join(", "));
    let Some(expect) = ctx.target.dns_expect.as_deref().map(str::trim).filter(|e| !e.is_empty()) else {
        // Resolving is not resolving to the service: without the expected answer nothing is judged.
        return Ok(Verdict::new(
            Outcome::NeedsConfig,
            format!("{resolved}; whether that is the service is not checked: set dns_expect in the target"),
            evidence,
        ));
    };
    if let Ok(ip) = expect.parse::<IpAddr>() {
        let outcome = if answer.addrs.contains(&ip) { Outcome::Pass } else { Outcome::Fail };
        let summary = match outcome {
            Outcome::Pass => format!("{resolved}, including {ip}"),
            _ => format!("{resolved}, not {ip}"),
        };
        return Ok(Verdict::new(outcome, summary, evidence));
    }
    let want = normal(expect);
    if answer.cnames.contains(&want) {
        return Ok(Verdict::new(Outcome::Pass, format!("{host} is a CNAME to {want}"), evidence));
    }
    // A Route 53 alias answers with the target's addresses and no CNAME: compare addresses.
    match lookup(&resolver, &want).await {
        Ok(other) if !other.addrs.is_disjoint(&answer.addrs) => Ok(Verdict::new(
            Outcome::Pass,
            format!("{resolved}, the addresses of {want} (an alias)"),
            evidence,
        )),
        Ok(other) => {
            let theirs: Vec<String> = other.addrs.iter().map(IpAddr::to_string).collect();
            evidence.push(format!("{want} resolves to {}", theirs.join(", ")));
            Ok(Verdict::new(
                Outcome::Fail,
                format!("{resolved}, not to {want} (no CNAME, no shared address)"),
                evidence,
            ))
        }
        Err(v) => {
            evidence.push(format!("{want}: {}", v.summary));
            Ok(Verdict::new(Outcome::Fail, format!("{resolved}, not to {want}"), evidence))
        }
    }
}

fn resolver(ctx: &Ctx) -> Result<(TokioResolver, String), Verdict> {
    let (mut builder, asked) = match ctx.target.dns_server.as_deref() {
        Some(server) => {
            let addr = name_server(server)
                .ok_or_else(|| Verdict::error(format!("the name server {server:?} is not IP or IP:PORT")))?;
            let connections = [ConnectionConfig::udp(), ConnectionConfig::tcp()]
                .into_iter()
                .map(|mut c| {
                    c.port = addr.port();
                    c
                })
                .collect();
            let server = NameServerConfig::new(addr.ip(), true, connections);
            let config = ResolverConfig::from_name_servers(vec![server]);
            let mut builder = Resolver::builder_with_config(config, TokioRuntimeProvider::default());
            // The answer wanted is that server's, not /etc/hosts'.
            builder.options_mut().use_hosts_file = ResolveHosts::Never;
            (builder, format!("name server {addr}"))
        }
        None => match TokioResolver::builder_tokio() {
            Ok(b) => (b, "the system's resolvers".to_string()),
            Err(e) => return Err(Verdict::error(format!("cannot read the system's DNS settings: {e}"))),
        },
    };
    let opts = builder.options_mut();
    opts.timeout = TIMEOUT;
    opts.attempts = 1;
    // A launch-day check wants today's answer, not one cached by an earlier probe.
    opts.cache_size = 0;
    let resolver = builder.build().map_err(|e| Verdict::error(format!("cannot set up the resolver: {e}")))?;
    Ok((resolver, asked))
}

async fn lookup(resolver: &TokioResolver, host: &str) -> Result<Answer, Verdict> {
    // A trailing dot asks for the name itself, never the search domains'.
    let fqdn = format!("{}.", host.trim_end_matches('.'));
    // The resolver's own timeout is per query and transport; this bounds the whole lookup.
    let found = tokio::time::timeout(TIMEOUT, resolver.lookup_ip(fqdn.as_str()))
        .await
        .map_err(|_| {
            Verdict::error(format!("cannot resolve {host}: no answer within {} s", TIMEOUT.as_secs()))
        })?
        .map_err(|e| failed(host, &e))?;
    let mut answer = Answer { cnames: vec![], addrs: BTreeSet::new(), evidence: vec![] };
    for record in found.as_lookup().answers() {
        let name = normal(&record.name.to_string());
        match &record.data {
            RData::CNAME(target) => {
                let target = normal(&target.0.to_string());
                answer.evidence.push(format!("{name} CNAME {target} (TTL {})", record.ttl));
                answer.cnames.push(target);
            }
            RData::A(a) => {
                answer.evidence.push(format!("{name} A {} (TTL {})", a.0, record.ttl));
                answer.addrs.insert(IpAddr::V4(a.0));
            }
            RData::AAAA(a) => {
                answer.evidence.push(format!("{name} AAAA {} (TTL {})", a.0, record.ttl));
                answer.addrs.insert(IpAddr::V6(a.0));
            }
            _ => {}
        }
    }
    if answer.addrs.is_empty() {
        return Err(Verdict::new(Outcome::Fail, format!("{host} resolves to no address"), answer.evidence));
    }
    Ok(answer)
}

fn failed(host: &str, e: &NetError) -> Verdict {
    if e.is_nx_domain() {
        Verdict::new(Outcome::Fail, format!("{host} does not resolve (NXDOMAIN)"), vec![])
    } else if e.is_no_records_found() {
        Verdict::new(Outcome::Fail, format!("{host} has no A or AAAA record"), vec![])
    } else {
        Verdict::error(format!("cannot resolve {host}: {}", crate::probe::error_chain(e)))
    }
}

/// DNS names compare without case and without the root's trailing dot.
fn normal(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}
