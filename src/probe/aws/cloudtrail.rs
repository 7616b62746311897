//! CloudTrail: API activity is recorded in every region.

use super::{describe, session};
use crate::probe::ctx::Ctx;
use crate::probe::kind::Kind;
use crate::probe::{Outcome, Verdict};
use std::sync::Arc;

/// The IAM actions this module's calls need (see `policy`).
pub const CALLS: &[&str] = &["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"];

pub const LOGGING: Kind = Kind::aws(
    "aws.cloudtrail.logging",
    "CloudTrail DescribeTrails and GetTrailStatus: at least one multi-region trail is logging.",
    |ctx, _| Box::pin(logging(ctx)),
)
.meaning("a trail in the region is logging", "data events on the sensitive stores, or who reviews the logs");

async fn logging(ctx: Arc<Ctx>) -> Verdict {
    let client = crate::aws_client!(aws_sdk_cloudtrail, "cloudtrail", &session(&ctx).config);
    let trails = match client.describe_trails().send().await {
        Ok(o) => o.trail_list().to_vec(),
        Err(e) => return Verdict::error(describe("CloudTrail DescribeTrails", &e)),
    };
    if trails.is_empty() {
        return Verdict::new(Outcome::Fail, "no CloudTrail trail in this region", vec![]);
    }
    let mut evidence = Vec::new();
    let mut good = Vec::new();
    for t in &trails {
        let name = t.name().unwrap_or("?");
        let id = t.trail_arn().unwrap_or(name);
        let logging = match client.get_trail_status().name(id).send().await {
            Ok(s) => s.is_logging() == Some(true),
            Err(e) => return Verdict::error(describe("CloudTrail GetTrailStatus", &e)),
        };
        let multi = t.is_multi_region_trail() == Some(true);
        evidence.push(format!(
            "trail {id}: {}, {}",
            if logging { "logging" } else { "not logging" },
            if multi { "multi-region" } else { "single region" }
        ));
        if logging && multi {
            good.push(name);
        }
    }
    if good.is_empty() {
        Verdict::new(
            Outcome::Fail,
            format!("none of {} trails is a multi-region trail that is logging", trails.len()),
            evidence,
        )
    } else {
        Verdict::new(Outcome::Pass, format!("multi-region trail logging: {}", good.join(", ")), evidence)
    }
}
