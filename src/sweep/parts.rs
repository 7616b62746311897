//! A sweep over several accounts and regions: every AWS probe runs once per (account, region)
//! part, all under one `--max-parallel`, and an item's verdict is the worst of its parts, its
//! evidence naming the account and region of each. Other accounts are reached by assuming a role
//! from the credentials' account; each part's identity is checked against the account the team
//! named, so a role that leads elsewhere is refused, never probed.

use crate::probe::aws::{self, AwsConn, Identity};
use crate::probe::engine::{self, Ctx, Event, Job, Opts};
use crate::probe::target::{AccountRole, Target};
use crate::probe::{Outcome, ProbeResult, Verdict, registry};
use aws_config::Region;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// One account and region AWS probes run in, or why they cannot.
pub struct Part {
    pub account: String,
    pub region: String,
    pub aws: Result<AwsConn, Verdict>,
}

impl Part {
    pub fn label(&self) -> String {
        format!("{} {}", self.account, self.region)
    }
}

/// Per part, how many items came out how: the report's account/region table.
pub type Tally = Vec<(String, BTreeMap<&'static str, usize>)>;

/// Whether the target names more than one account or region.
pub fn is_multi(t: &Target) -> bool {
    !t.regions.is_empty() || !t.accounts.is_empty() || t.organization.is_some()
}

/// The parts of the target, from the connection to the credentials' (expected) account: that
/// account first, then each account named or found in the Organization, each in every region.
pub async fn connect(base: &AwsConn, target: &Target, timeout: Duration, allow_accounts: bool) -> Vec<Part> {
    let mut regions = vec![base.identity.region.clone()];
    for r in &target.regions {
        if !regions.contains(r) {
            regions.push(r.clone());
        }
    }
    let mut accounts: Vec<AccountRole> = target.accounts.clone();
    let mut refused = Vec::new();
    let others = !accounts.is_empty() || target.organization.is_some();
    if others && !allow_accounts {
        // A target comes from files other people commit: which accounts golive's credentials
        // reach into is the person's word, given on their machine.
        accounts.clear();
        refused.push((
            "other accounts".to_string(),
            Verdict::new(
                Outcome::NeedsConfig,
                "the target names other accounts; golive assumes roles into them only with --allow-accounts",
                vec![],
            ),
        ));
    } else if let Some(org) = &target.organization {
        match organization(base, org.filter.as_deref(), timeout).await {
            Ok(found) => {
                for id in found {
                    if !accounts.iter().any(|a| a.id == id) {
                        accounts.push(AccountRole { id, role: org.role.clone() });
                    }
                }
            }
            Err(v) => refused.push(("organization".to_string(), v)),
        }
    }
    accounts.retain(|a| a.id != base.identity.account);
    let mut parts = Vec::new();
    for region in &regions {
        parts.push(Part {
            account: base.identity.account.clone(),
            region: region.clone(),
            aws: in_region(base.clone(), region, timeout, &base.identity.account).await,
        });
    }
    for a in &accounts {
        for region in &regions {
            parts.push(Part {
                account: a.id.clone(),
                region: region.clone(),
                aws: assume(base, a, region, timeout).await,
            });
        }
    }
    for (what, v) in refused {
        parts.push(Part { account: what, region: "-".into(), aws: Err(v) });
    }
    parts
}

/// The active accounts of the Organization whose name contains `filter`.
async fn organization(
    base: &AwsConn,
    filter: Option<&str>,
    timeout: Duration,
) -> Result<Vec<String>, Verdict> {
    let client = crate::aws_client!(aws_sdk_organizations, "organizations", &base.config);
    let list = async {
        let mut ids = Vec::new();
        let mut pages = client.list_accounts().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| Verdict::error(aws::describe("Organizations ListAccounts", &e)))?;
            for a in page.accounts() {
                let active = a.state().is_none_or(|s| s.as_str() == "ACTIVE");
                let named = filter.is_none_or(|f| a.name().is_some_and(|n| n.contains(f)));
                if let (true, true, Some(id)) = (active, named, a.id()) {
                    ids.push(id.to_string());
                }
            }
        }
        Ok(ids)
    };
    tokio::time::timeout(timeout, list)
        .await
        .unwrap_or_else(|_| Err(Verdict::error("Organizations ListAccounts timed out")))
}

/// The connection in another region, its identity asked again there and held to `account`.
async fn in_region(
    conn: AwsConn,
    region: &str,
    timeout: Duration,
    account: &str,
) -> Result<AwsConn, Verdict> {
    let config = conn.config.to_builder().region(Region::new(region.to_string())).build();
    let c = aws::connect_with(config, timeout, "the assumed role").await?;
    held_to(c, account)
}

/// A role assumed in `a.id` from the base connection, in `region`.
async fn assume(
    base: &AwsConn,
    a: &AccountRole,
    region: &str,
    timeout: Duration,
) -> Result<AwsConn, Verdict> {
    let provider = aws_config::sts::AssumeRoleProvider::builder(a.arn())
        .session_name(concat!("golive-", env!("CARGO_PKG_VERSION")))
        .configure(&base.config)
        .build()
        .await;
    let config = base
        .config
        .to_builder()
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(provider))
        .region(Region::new(region.to_string()))
        .build();
    let c = aws::connect_with(config, timeout, "the assumed role")
        .await
        .map_err(|v| Verdict::new(v.outcome, format!("assuming {}: {}", a.arn(), v.summary), v.evidence))?;
    held_to(c, &a.id)
}

/// The guard, per part: probes run only in the account the team named.
fn held_to(c: AwsConn, account: &str) -> Result<AwsConn, Verdict> {
    if c.identity.account == account {
        return Ok(c);
    }
    Err(Verdict::error(format!(
        "REFUSED: the role for account {account} gave credentials of account {} ({}); no probe runs there",
        c.identity.account, c.identity.arn
    )))
}

/// Runs `jobs` in every part (AWS jobs) or once (the others), all under one `max_parallel`,
/// and folds each item's parts into one result. `base` builds each part's context.
pub async fn run(
    parts: &[Part],
    jobs: Vec<Job>,
    opts: Opts,
    base: impl Fn(Result<AwsConn, Verdict>) -> Ctx,
) -> (Vec<(usize, ProbeResult)>, Tally) {
    let slots = Arc::new(tokio::sync::Semaphore::new(opts.max_parallel.max(1)));
    let order: Vec<usize> = jobs.iter().map(|j| j.item).collect();
    let (aws_jobs, local): (Vec<Job>, Vec<Job>) =
        jobs.into_iter().partition(|j| registry::needs_aws(&j.specs));
    let found = Arc::new(std::sync::Mutex::new(Vec::<(usize, usize, ProbeResult)>::new()));
    let mut sets = Vec::new();
    let sink = |part: usize| {
        let found = found.clone();
        Arc::new(move |item: usize, ev: Event| {
            if let Event::Done(r) = ev {
                found.lock().unwrap().push((part, item, r));
            }
        }) as Arc<dyn Fn(usize, Event) + Send + Sync>
    };
    // The non-AWS jobs once, as part "none" (usize::MAX).
    sets.push(engine::spawn_on(
        Arc::new(base(Err(Verdict::error("no AWS probe here")))),
        local,
        opts,
        sink(usize::MAX),
        slots.clone(),
    ));
    for (n, p) in parts.iter().enumerate() {
        let ctx = Arc::new(base(p.aws.clone()));
        sets.push(engine::spawn_on(ctx, aws_jobs.clone(), opts, sink(n), slots.clone()));
    }
    for mut set in sets {
        while set.join_next().await.is_some() {}
    }
    let found = std::mem::take(&mut *found.lock().unwrap());
    let mut tally: Tally = parts.iter().map(|p| (p.label(), BTreeMap::new())).collect();
    let mut by_item: BTreeMap<usize, Vec<(usize, ProbeResult)>> = BTreeMap::new();
    for (part, item, r) in found {
        if part != usize::MAX {
            *tally[part].1.entry(r.outcome.word()).or_default() += 1;
        }
        by_item.entry(item).or_default().push((part, r));
    }
    let mut results: Vec<(usize, ProbeResult)> = by_item
        .into_iter()
        .map(|(item, mut rs)| {
            rs.sort_by_key(|(p, _)| *p);
            (item, fold(parts, rs))
        })
        .collect();
    results.sort_by_key(|(item, _)| order.iter().position(|i| i == item));
    (results, tally)
}

/// One item's results in several parts as one: the worst outcome decides, every part's evidence
/// kept under a line naming its account and region.
fn fold(parts: &[Part], rs: Vec<(usize, ProbeResult)>) -> ProbeResult {
    if let [(usize::MAX, r)] = rs.as_slice() {
        return r.clone();
    }
    let label = |p: usize| parts.get(p).map_or_else(|| "-".to_string(), Part::label);
    let worst = rs
        .iter()
        .max_by_key(|(_, r)| r.outcome.severity())
        .map(|(p, r)| (*p, r.clone()))
        .expect("one result at least");
    let same = rs.iter().filter(|(_, r)| r.outcome == worst.1.outcome).count();
    let mut evidence = Vec::new();
    for (p, r) in &rs {
        evidence.push(format!("account {}: {} {}", label(*p), r.outcome.word(), r.summary));
        evidence.extend(r.evidence.iter().map(|l| format!("  {l}")));
    }
    ProbeResult {
        outcome: worst.1.outcome,
        summary: format!(
            "{same} of {} account/region parts {}; {}: {}",
            rs.len(),
            worst.1.outcome.word(),
            label(worst.0),
            worst.1.summary
        ),
        evidence,
        at: rs.iter().map(|(_, r)| r.at).max().unwrap_or(worst.1.at),
        duration_ms: rs.iter().map(|(_, r)| r.duration_ms).max().unwrap_or(0),
    }
}

/// Who each part's credentials are, for the header and the report.
pub fn identities(parts: &[Part]) -> Vec<Identity> {
    parts.iter().filter_map(|p| p.aws.as_ref().ok().map(|c| c.identity.clone())).collect()
}
