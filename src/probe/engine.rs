//! Runs probes: all of a sweep start at once on tokio, bounded by a semaphore, each under a
//! timeout. Results are reported through a callback as they come; cancelling aborts the tasks.

use super::registry::{self, Kind};
use super::{ProbeResult, ProbeSpec, Verdict};
use chrono::{SubsecRound, Utc};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

pub use super::ctx::Ctx;

#[derive(Debug, Clone, Copy)]
pub struct Opts {
    pub max_parallel: usize,
    pub timeout: Duration,
    /// `--allow-link-local`: see `Ctx::allowing_link_local`.
    pub allow_link_local: bool,
    /// `--allow-accounts`: roles may be assumed into the other accounts the target names.
    pub allow_accounts: bool,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            max_parallel: 16,
            timeout: Duration::from_secs(15),
            allow_link_local: false,
            allow_accounts: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Job {
    pub item: usize,
    /// The item's probes; they run together and the worst outcome decides.
    pub specs: Vec<ProbeSpec>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The probe got a slot and is running.
    Started,
    Done(ProbeResult),
    /// Not run, nothing recorded: an AWS probe held back while the person is asked whether the
    /// account found is the right one (the sweep runs again on yes).
    Skipped,
}

/// Starts every job on the current runtime and returns the set, so the caller can await it or
/// drop it (which aborts every task: that is how a sweep is cancelled).
pub fn spawn(
    ctx: Arc<Ctx>,
    jobs: Vec<Job>,
    opts: Opts,
    report: Arc<dyn Fn(usize, Event) + Send + Sync>,
) -> JoinSet<()> {
    let slots = Arc::new(Semaphore::new(opts.max_parallel.max(1)));
    spawn_on(ctx, jobs, opts, report, slots)
}

/// [`spawn`] under slots shared with other sets (several accounts and regions swept at once stay
/// within one `--max-parallel`).
pub fn spawn_on(
    ctx: Arc<Ctx>,
    jobs: Vec<Job>,
    opts: Opts,
    report: Arc<dyn Fn(usize, Event) + Send + Sync>,
    slots: Arc<Semaphore>,
) -> JoinSet<()> {
    let mut set = JoinSet::new();
    for job in jobs {
        let (ctx, slots, report) = (ctx.clone(), slots.clone(), report.clone());
        set.spawn(async move {
            let Ok(_slot) = slots.acquire().await else { return };
            report(job.item, Event::Started);
            let result = run_job(ctx, job.specs, opts.timeout).await;
            report(job.item, Event::Done(result));
        });
    }
    set
}

/// Runs all jobs and returns the results in job order.
pub async fn run_all(
    ctx: Arc<Ctx>,
    jobs: Vec<Job>,
    opts: Opts,
    report: Arc<dyn Fn(usize, Event) + Send + Sync>,
) -> Vec<(usize, ProbeResult)> {
    let results = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = results.clone();
    let order: Vec<usize> = jobs.iter().map(|j| j.item).collect();
    let mut set = spawn(
        ctx,
        jobs,
        opts,
        Arc::new(move |item, ev| {
            if let Event::Done(r) = &ev {
                sink.lock().unwrap().push((item, r.clone()));
            }
            report(item, ev);
        }),
    );
    while set.join_next().await.is_some() {}
    let mut results = std::mem::take(&mut *results.lock().unwrap());
    results.sort_by_key(|(item, _)| order.iter().position(|i| i == item));
    results
}

/// Runs one item's probes side by side and merges their verdicts.
pub async fn run_job(ctx: Arc<Ctx>, specs: Vec<ProbeSpec>, timeout: Duration) -> ProbeResult {
    let start = Instant::now();
    let at = Utc::now().trunc_subsecs(0);
    let mut verdict = if let [spec] = specs.as_slice() {
        run_one(ctx.clone(), spec.clone(), timeout).await
    } else {
        let mut set = JoinSet::new();
        for (n, spec) in specs.iter().cloned().enumerate() {
            let ctx = ctx.clone();
            set.spawn(async move { (n, run_one(ctx, spec, timeout).await) });
        }
        let mut done = Vec::new();
        while let Some(joined) = set.join_next().await {
            // A part that panicked must not leave the others to pass for the item.
            done.push(
                joined.unwrap_or_else(|e| (usize::MAX, Verdict::error(format!("a probe stopped: {e}")))),
            );
        }
        done.sort_by_key(|(n, _)| *n);
        let parts =
            done.into_iter().map(|(n, v)| (specs.get(n).map_or("probe", |s| s.kind.as_str()), v)).collect();
        Verdict::merge(parts)
    };
    // Every AWS result says which account, region and scope it judged: a pass covers that much.
    if let Ok(conn) = &ctx.aws
        && specs.iter().any(|s| s.kind.starts_with("aws."))
    {
        let id = &conn.identity;
        verdict.evidence.push(format!(
            "scope: account {} in {}; {}",
            id.account,
            id.region,
            ctx.target.scope_description()
        ));
    }
    let ms = start.elapsed().as_millis() as u64;
    let kinds: Vec<&str> = specs.iter().map(|s| s.kind.as_str()).collect();
    tracing::info!(target: "golive::probe", "{}: {} in {ms} ms", kinds.join(" + "), verdict.outcome.word());
    // A probe may echo what it was given or found (a command's output, an error with a token in
    // it): nothing that looks like a credential leaves here, for the screen, files or the log.
    ProbeResult {
        outcome: verdict.outcome,
        summary: crate::mask::mask(&verdict.summary),
        evidence: verdict.evidence.iter().map(|e| crate::mask::mask(e)).collect(),
        at,
        duration_ms: ms,
    }
}

async fn run_one(ctx: Arc<Ctx>, spec: ProbeSpec, timeout: Duration) -> Verdict {
    let Some(kind) = registry::find(&spec.kind) else {
        return Verdict::error(format!("unknown probe kind {:?}", spec.kind));
    };
    if let Some(feature) = kind.missing_feature() {
        return registry::not_built(feature);
    }
    if let Some(refusal) = gate(&ctx, kind) {
        return refusal;
    }
    if kind.own_timeout {
        return (kind.run)(ctx, spec.params).await;
    }
    match tokio::time::timeout(timeout, (kind.run)(ctx, spec.params)).await {
        Ok(v) => v,
        Err(_) => Verdict::error(format!("timed out after {} s", timeout.as_secs_f64())),
    }
}

/// AWS probes run only with a confirmed identity in the expected account.
fn gate(ctx: &Ctx, kind: &Kind) -> Option<Verdict> {
    match (&ctx.aws, kind.aws) {
        (Err(refusal), true) => Some(refusal.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn ctx() -> Arc<Ctx> {
        Arc::new(Ctx::new(Err(Verdict::error("no AWS here")), crate::probe::target::Target::default()))
    }

    #[tokio::test]
    async fn a_shared_answer_is_fetched_once_per_key_and_kind() {
        let ctx = ctx();
        let fetches = Arc::new(AtomicUsize::new(0));
        let mut set = JoinSet::new();
        for _ in 0..8 {
            let (ctx, fetches) = (ctx.clone(), fetches.clone());
            set.spawn(async move {
                ctx.shared("alarms", || async {
                    fetches.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    Ok(vec!["a".to_string()])
                })
                .await
            });
        }
        while let Some(r) = set.join_next().await {
            assert_eq!(r.unwrap(), Ok(vec!["a".to_string()]));
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        // Another key, or another kind of answer under the same key, is another fetch.
        assert_eq!(ctx.shared("tables", || async { Ok(vec!["t".to_string()]) }).await, Ok(vec!["t".into()]));
        assert_eq!(ctx.shared("alarms", || async { Ok(3_usize) }).await, Ok(3));
    }

    #[tokio::test]
    async fn a_failure_is_shared_and_a_cancelled_fetch_is_taken_over() {
        let ctx = ctx();
        let denied = || async { Err::<u8, _>(Verdict::error("AccessDenied")) };
        assert_eq!(ctx.shared("k", denied).await.unwrap_err().summary, "AccessDenied");
        assert_eq!(ctx.shared("k", || async { Ok(1_u8) }).await.unwrap_err().summary, "AccessDenied");

        // The first asker times out mid-fetch: the next one fetches and gets an answer.
        let slow = tokio::time::timeout(
            Duration::from_millis(10),
            ctx.shared("slow", || async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                Ok(1_u8)
            }),
        )
        .await;
        assert!(slow.is_err());
        assert_eq!(ctx.shared("slow", || async { Ok(2_u8) }).await, Ok(2));
    }
}
