//! The dns probe against a name server this test runs on 127.0.0.1 (real DNS messages over UDP,
//! encoded by hickory-proto), plus the system's resolvers for /etc/hosts' `localhost`.

use golive::probe::engine::{self, Ctx};
use golive::probe::target::Target;
use golive::probe::{Outcome, ProbeResult, ProbeSpec, Verdict};
use hickory_resolver::proto::op::{Message, ResponseCode};
use hickory_resolver::proto::rr::rdata::{A, AAAA, CNAME};
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::UdpSocket;

/// The zone the test server answers for; any other name is NXDOMAIN.
fn zone(name: &str) -> Option<Vec<RData>> {
    let a = |s: &str| RData::A(A(s.parse::<Ipv4Addr>().unwrap()));
    let cname = |s: &str| RData::CNAME(CNAME(Name::from_ascii(s).unwrap()));
    Some(match name {
        "api.golive.test." => vec![cname("alb-123.elb.golive.test.")],
        "www.golive.test." => vec![cname("api.golive.test.")],
        "alb-123.elb.golive.test." => vec![a("10.0.0.1"), a("10.0.0.2")],
        "alias.golive.test." => vec![a("10.0.0.2")],
        "other.golive.test." => vec![a("10.9.9.9")],
        "v6.golive.test." => vec![RData::AAAA(AAAA(Ipv6Addr::LOCALHOST))],
        "empty.golive.test." => vec![],
        _ => return None,
    })
}

/// Answers queries from `zone`, following CNAMEs within it the way a recursive resolver does.
fn respond(query: &Message) -> Message {
    let mut resp = Message::response(query.metadata.id, query.metadata.op_code);
    resp.metadata.recursion_desired = query.metadata.recursion_desired;
    resp.metadata.recursion_available = true;
    let Some(q) = query.queries.first() else {
        resp.metadata.response_code = ResponseCode::FormErr;
        return resp;
    };
    resp.add_query(q.clone());
    let mut name = q.name().clone();
    let mut first = true;
    loop {
        let key = name.to_ascii().to_ascii_lowercase();
        let Some(records) = zone(&key) else {
            if first {
                resp.metadata.response_code = ResponseCode::NXDomain;
            }
            return resp;
        };
        first = false;
        let mut next = None;
        for data in records {
            if let RData::CNAME(target) = &data {
                next = Some(target.0.clone());
            } else if data.record_type() != q.query_type() {
                continue;
            }
            resp.add_answer(Record::from_rdata(name.clone(), 300, data));
        }
        match next {
            Some(n) if q.query_type() != RecordType::CNAME => name = n,
            _ => return resp,
        }
    }
}

/// A name server on 127.0.0.1 answering from `zone`, or never answering at all when `silent`.
async fn name_server(silent: bool) -> String {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    tokio::spawn(async move {
        let mut buf = [0u8; 4096];
        while let Ok((n, from)) = socket.recv_from(&mut buf).await {
            if silent {
                continue;
            }
            let Ok(query) = Message::from_vec(&buf[..n]) else { continue };
            let bytes = respond(&query).to_vec().unwrap();
            let _ = socket.send_to(&bytes, from).await;
        }
    });
    addr.to_string()
}

async fn run(target: Target, timeout: Duration) -> ProbeResult {
    let spec: ProbeSpec = toml::from_str(r#"kind = "dns""#).unwrap();
    let ctx = Arc::new(Ctx::new(Err(Verdict::error("no AWS here")), target));
    engine::run_job(ctx, vec![spec], timeout).await
}

async fn ask(server: &str, domain: &str, expect: Option<&str>) -> ProbeResult {
    let target = Target {
        domain: Some(domain.into()),
        dns_expect: expect.map(String::from),
        dns_server: Some(server.into()),
        ..Default::default()
    };
    run(target, Duration::from_secs(10)).await
}

#[tokio::test]
async fn a_cname_to_the_load_balancer_passes_and_shows_the_chain() {
    let ns = name_server(false).await;
    let r = ask(&ns, "api.golive.test", Some("ALB-123.elb.golive.test.")).await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (Outcome::Pass, "api.golive.test is a CNAME to alb-123.elb.golive.test"),
        "{r:#?}"
    );
    for line in [
        "api.golive.test CNAME alb-123.elb.golive.test (TTL 300)",
        "alb-123.elb.golive.test A 10.0.0.1 (TTL 300)",
        "alb-123.elb.golive.test A 10.0.0.2 (TTL 300)",
    ] {
        assert!(r.evidence.iter().any(|e| e == line), "missing {line:?}: {r:#?}");
    }
    assert!(r.evidence.contains(&format!("asked name server {ns}")), "{r:#?}");
    // Two CNAMEs deep still finds the load balancer.
    let r = ask(&ns, "www.golive.test", Some("alb-123.elb.golive.test")).await;
    assert_eq!(r.outcome, Outcome::Pass, "{r:#?}");
}

#[tokio::test]
async fn an_alias_with_the_same_addresses_passes_another_answer_fails() {
    let ns = name_server(false).await;
    let r = ask(&ns, "alias.golive.test", Some("alb-123.elb.golive.test")).await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (
            Outcome::Pass,
            "alias.golive.test resolves to 10.0.0.2, the addresses of alb-123.elb.golive.test (an alias)"
        ),
        "{r:#?}"
    );
    let r = ask(&ns, "other.golive.test", Some("alb-123.elb.golive.test")).await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (
            Outcome::Fail,
            "other.golive.test resolves to 10.9.9.9, not to alb-123.elb.golive.test (no CNAME, no shared address)"
        ),
        "{r:#?}"
    );
    assert!(
        r.evidence.iter().any(|e| e == "alb-123.elb.golive.test resolves to 10.0.0.1, 10.0.0.2"),
        "{r:#?}"
    );
    // The expected name itself not resolving is a fail too, said in the evidence.
    let r = ask(&ns, "other.golive.test", Some("gone.golive.test")).await;
    assert_eq!(r.outcome, Outcome::Fail, "{r:#?}");
    assert!(
        r.evidence.iter().any(|e| e == "gone.golive.test: gone.golive.test does not resolve (NXDOMAIN)"),
        "{r:#?}"
    );
}

#[tokio::test]
async fn an_expected_address_must_be_among_the_answers() {
    let ns = name_server(false).await;
    let r = ask(&ns, "other.golive.test", Some("10.9.9.9")).await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (Outcome::Pass, "other.golive.test resolves to 10.9.9.9, including 10.9.9.9")
    );
    let r = ask(&ns, "other.golive.test", Some("10.0.0.1")).await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (Outcome::Fail, "other.golive.test resolves to 10.9.9.9, not 10.0.0.1")
    );
    let r = ask(&ns, "v6.golive.test", Some("::1")).await;
    assert_eq!(r.outcome, Outcome::Pass, "{r:#?}");
    assert!(r.evidence.iter().any(|e| e == "v6.golive.test AAAA ::1 (TTL 300)"), "{r:#?}");
}

#[tokio::test]
async fn a_name_that_does_not_resolve_fails() {
    let ns = name_server(false).await;
    let r = ask(&ns, "missing.golive.test", None).await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (Outcome::Fail, "missing.golive.test does not resolve (NXDOMAIN)"),
        "{r:#?}"
    );
    let r = ask(&ns, "empty.golive.test", None).await;
    assert_eq!(r.outcome, Outcome::Fail, "{r:#?}");
    assert!(r.summary.starts_with("empty.golive.test has no"), "{r:#?}");
    // Resolving without an expected answer is not a pass (it was on 52bd361): nothing was compared.
    let r = ask(&ns, "other.golive.test", None).await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (
            Outcome::NeedsConfig,
            "other.golive.test resolves to 10.9.9.9; whether that is the service is not checked: set dns_expect in the target"
        )
    );
}

#[tokio::test]
async fn a_name_server_that_never_answers_is_an_error_not_a_fail() {
    let ns = name_server(true).await;
    let r = ask(&ns, "api.golive.test", None).await;
    assert_eq!(r.outcome, Outcome::Error, "{r:#?}");
    assert_eq!(r.summary, "cannot resolve api.golive.test: no answer within 5 s", "{r:#?}");
}

#[tokio::test]
async fn the_system_resolver_reads_the_hosts_file() {
    let target = Target {
        domain: Some("localhost".into()),
        dns_expect: Some("127.0.0.1".into()),
        ..Default::default()
    };
    let r = run(target, Duration::from_secs(10)).await;
    assert_eq!(r.outcome, Outcome::Pass, "{r:#?}");
    assert!(r.summary.starts_with("localhost resolves to "), "{r:#?}");
    assert!(r.evidence.iter().any(|e| e == "asked the system's resolvers"), "{r:#?}");
}

#[tokio::test]
async fn nothing_to_resolve_needs_config() {
    let r = run(Target::default(), Duration::from_secs(2)).await;
    assert_eq!(r.outcome, Outcome::NeedsConfig, "{r:#?}");
    let target = Target { endpoint: Some("http://127.0.0.1:8080".into()), ..Default::default() };
    let r = run(target, Duration::from_secs(2)).await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (Outcome::NeedsConfig, "the endpoint's host 127.0.0.1 is an address: the target names no domain")
    );
}
