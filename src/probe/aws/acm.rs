//! ACM: the certificates in use are issued, renew themselves and are not about to expire.

use super::{describe, session};
use crate::probe::evidence::{finding, phrases};
use crate::probe::kind::{Kind, Param, ParamType, int};
use crate::probe::{Outcome, Verdict};
use aws_sdk_acm::Client;
use aws_sdk_acm::types::{CertificateDetail, CertificateStatus, Filters, KeyAlgorithm, RenewalEligibility};

/// The IAM actions this module's calls need (see `policy`).
pub const CALLS: &[&str] = &["acm:ListCertificates", "acm:DescribeCertificate"];

pub const CERTIFICATES: Kind = Kind::aws(
    "aws.acm.certificates",
    "ACM ListCertificates and DescribeCertificate on the certificates in use (all of them when none \
     is in use yet): each is ISSUED and valid for more than warn_days (default 30; under 7 days \
     fails), and eligible for managed renewal (imported certificates are a warning: they do not \
     renew by themselves).",
    |ctx, p| {
        Box::pin(async move {
            certificates(
                &crate::aws_client!(aws_sdk_acm, "acm", &session(&ctx).config),
                int(&p, "warn_days", 30),
            )
            .await
        })
    },
)
.with_params(&[Param {
    name: "warn_days",
    ty: ParamType::Days,
    doc: "warn when a certificate expires sooner (default 30)",
}])
.meaning(
    "the region's certificates are issued, renewable and not near expiry",
    "that the endpoint serves them (the tls check does)",
);

pub async fn certificates(client: &Client, warn_days: i64) -> Verdict {
    let mut arns = Vec::new();
    let mut token = None;
    loop {
        // Without a key type filter ListCertificates lists RSA 1024 and 2048 certificates only:
        // an ECDSA or RSA 4096 certificate would never be judged.
        let every_key = Filters::builder()
            .set_key_types(Some(KeyAlgorithm::values().iter().map(|k| KeyAlgorithm::from(*k)).collect()))
            .build();
        let out = match client.list_certificates().includes(every_key).set_next_token(token).send().await {
            Ok(o) => o,
            Err(e) => return Verdict::error(describe("ACM ListCertificates", &e)),
        };
        arns.extend(
            out.certificate_summary_list().iter().filter_map(|c| c.certificate_arn().map(str::to_string)),
        );
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    let mut certs = Vec::new();
    for arn in &arns {
        match client.describe_certificate().certificate_arn(arn).send().await {
            Ok(o) => certs.extend(o.certificate().cloned()),
            Err(e) => return Verdict::error(describe("ACM DescribeCertificate", &e)),
        }
    }
    if certs.is_empty() {
        return Verdict::new(Outcome::Fail, "no ACM certificates in this region", vec![]);
    }
    let in_use: Vec<&CertificateDetail> = certs.iter().filter(|c| !c.in_use_by().is_empty()).collect();
    let scope = if in_use.is_empty() { certs.iter().collect() } else { in_use };
    judge(&scope, chrono::Utc::now().timestamp(), warn_days)
}

pub fn judge(certs: &[&CertificateDetail], now: i64, warn_days: i64) -> Verdict {
    let mut evidence = Vec::new();
    let (mut fails, mut warns) = (Vec::new(), Vec::new());
    for c in certs {
        let name = c.domain_name().unwrap_or("?");
        let status = c.status().map_or("?", |s| s.as_str());
        let days = c.not_after().map(|t| (t.secs() - now) / 86_400);
        let renew = c.renewal_eligibility().map_or("?", |r| r.as_str());
        let detail = format!(
            "{status}, {}, renewal {renew}",
            days.map_or("no expiry date".to_string(), |d| format!("expires in {d} days"))
        );
        let (f, w) = (fails.len(), warns.len());
        if c.status() != Some(&CertificateStatus::Issued) {
            fails.push(format!("{name} is {status}"));
        } else if days.is_none_or(|d| d < 7) {
            fails.push(format!("{name} expires in {} days", days.unwrap_or(0)));
        } else if days.is_some_and(|d| d < warn_days) {
            warns.push(format!("{name} expires in {} days", days.unwrap_or(0)));
        } else if c.renewal_eligibility() != Some(&RenewalEligibility::Eligible) {
            warns.push(format!("{name} does not renew automatically"));
        }
        let ok = (f, w) == (fails.len(), warns.len());
        evidence.push(finding(
            ok,
            "certificate",
            &format!("{name} ({})", c.certificate_arn().unwrap_or("?")),
            detail,
        ));
    }
    if !fails.is_empty() {
        Verdict::new(Outcome::Fail, phrases(&fails), evidence)
    } else if !warns.is_empty() {
        Verdict::new(Outcome::Warn, phrases(&warns), evidence)
    } else {
        Verdict::new(
            Outcome::Pass,
            format!("{} certificates issued, renewing, valid over {warn_days} days", certs.len()),
            evidence,
        )
    }
}
