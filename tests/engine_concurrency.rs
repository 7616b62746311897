//! The engine runs a sweep's probes at once, up to the bound. Measured without clocks: a loopback
//! server counts the requests it holds open at the same moment.

use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use golive::probe::aws::{AwsConn, Identity};
use golive::probe::engine::{self, Ctx, Job, Opts};
use golive::probe::{Outcome, ProbeSpec};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

#[derive(Default)]
struct Counts {
    in_flight: usize,
    max_in_flight: usize,
    arrived: usize,
}

/// Answers STS GetCallerIdentity, holding each request until `release_at` are open at once or
/// every expected request has arrived (or a safety deadline passes, which fails the test's count).
struct Server {
    port: u16,
    counts: Arc<(Mutex<Counts>, Condvar)>,
}

impl Server {
    fn start(release_at: usize, total: usize) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let counts = Arc::new((Mutex::new(Counts::default()), Condvar::new()));
        let c = counts.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let c = c.clone();
                std::thread::spawn(move || serve(stream, c, release_at, total));
            }
        });
        Server { port, counts }
    }

    fn max_in_flight(&self) -> usize {
        self.counts.0.lock().unwrap().max_in_flight
    }
}

fn serve(stream: TcpStream, counts: Arc<(Mutex<Counts>, Condvar)>, release_at: usize, total: usize) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut len = 0usize;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap();
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body).unwrap();
        let (lock, cv) = &*counts;
        let mut c = lock.lock().unwrap();
        c.in_flight += 1;
        c.arrived += 1;
        c.max_in_flight = c.max_in_flight.max(c.in_flight);
        cv.notify_all();
        let (mut c, _) = cv
            .wait_timeout_while(c, Duration::from_secs(10), |c| c.in_flight < release_at && c.arrived < total)
            .unwrap();
        c.in_flight -= 1;
        drop(c);
        let xml = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>\
                   <Arn>arn:aws:sts::123456789012:assumed-role/task/probe</Arn><UserId>AROA:probe</UserId>\
                   <Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId>\
                   </ResponseMetadata></GetCallerIdentityResponse>";
        let head =
            format!("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n", xml.len());
        if writer.write_all(head.as_bytes()).and_then(|_| writer.write_all(xml.as_bytes())).is_err() {
            return;
        }
    }
}

async fn sweep(server: &Server, n: usize, max_parallel: usize) -> Vec<Outcome> {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(format!("http://127.0.0.1:{}", server.port))
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("a", "b", None, None, "test"))
        .load()
        .await;
    let identity = Identity { account: "123456789012".into(), arn: "arn".into(), region: "us-east-1".into() };
    let ctx = Arc::new(Ctx::new(Ok(AwsConn { config, identity }), Default::default()));
    let jobs = (0..n)
        .map(|item| Job {
            item,
            specs: vec![ProbeSpec {
                kind: "aws.sts.assumed-role".into(),
                params: toml::from_str("role = \"task\"").unwrap(),
            }],
        })
        .collect();
    let opts = Opts { max_parallel, timeout: Duration::from_secs(30), ..Opts::default() };
    engine::run_all(ctx, jobs, opts, Arc::new(|_, _| {})).await.into_iter().map(|(_, r)| r.outcome).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sweep_runs_every_probe_at_once() {
    let n = 12;
    let server = Server::start(n, n);
    let outcomes = sweep(&server, n, 16).await;
    assert_eq!(outcomes, vec![Outcome::Pass; n]);
    assert_eq!(server.max_in_flight(), n, "all {n} probes were in flight together");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bound_holds() {
    let n = 10;
    let server = Server::start(3, n);
    let outcomes = sweep(&server, n, 3).await;
    assert_eq!(outcomes, vec![Outcome::Pass; n]);
    assert_eq!(server.max_in_flight(), 3, "never more than --max-parallel at once");
}
