//! STS: who golive's own credentials belong to (a CI runner's, say): not the service's role,
//! which `aws.iam.service-role` judges.

use super::describe;
use crate::probe::ctx::Ctx;
use crate::probe::kind::{Kind, Param, ParamType, ProbeFuture, text};
use crate::probe::{Outcome, Verdict};
use std::sync::Arc;

/// The IAM actions this module's calls need (see `policy`).
pub const CALLS: &[&str] = &["sts:GetCallerIdentity"];

pub const ASSUMED_ROLE: Kind = Kind::aws(
    "aws.sts.assumed-role",
    "STS GetCallerIdentity: golive itself (a CI runner, say) runs as the assumed IAM role `role`, \
     not an IAM user's long-lived keys or the root user. Judges golive's credentials, not the \
     service's.",
    run_assumed_role,
)
.with_params(&[Param { name: "role", ty: ParamType::Str, doc: "the role golive should run as" }])
.meaning(
    "golive itself runs as the named assumed role, not a user's long-lived keys",
    "anything about the service: its own role is aws.iam.service-role's",
);

fn run_assumed_role(ctx: Arc<Ctx>, params: toml::Table) -> ProbeFuture {
    Box::pin(async move {
        let expected = text(&params, "role", "").to_string();
        if expected.is_empty() {
            return Verdict::new(Outcome::NeedsConfig, "name the role golive should run as (role)", vec![]);
        }
        let Ok(aws) = &ctx.aws else { unreachable!("the engine gates AWS probes") };
        let sts = crate::aws_client!(aws_sdk_sts, "sts", &aws.config);
        match sts.get_caller_identity().send().await {
            Ok(out) => assumed_role(out.arn().unwrap_or_default(), &expected),
            Err(e) => Verdict::error(describe("STS GetCallerIdentity", &e)),
        }
    })
}

pub fn assumed_role(arn: &str, expected: &str) -> Verdict {
    let evidence = vec![format!("caller {arn}")];
    let resource = arn.splitn(6, ':').nth(5).unwrap_or("");
    if resource.starts_with("assumed-role/") {
        let role = resource.split('/').nth(1).unwrap_or("");
        if role != expected {
            return Verdict::new(
                Outcome::Fail,
                format!("the caller is the assumed role {role}, not {expected}"),
                evidence,
            );
        }
        Verdict::new(Outcome::Pass, format!("the caller is the assumed role {role}"), evidence)
    } else if resource == "root" {
        Verdict::new(Outcome::Fail, "the caller is the account's root user", evidence)
    } else if let Some(user) = resource.strip_prefix("user/") {
        Verdict::new(Outcome::Fail, format!("the caller is the IAM user {user}, not a role"), evidence)
    } else {
        Verdict::new(Outcome::Warn, format!("the caller is neither a role nor a user: {resource}"), evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_are_classified() {
        let o = |arn| assumed_role(arn, "agent-task").outcome;
        assert_eq!(o("arn:aws:sts::123456789012:assumed-role/agent-task/i-1"), Outcome::Pass);
        assert_eq!(o("arn:aws:sts::123456789012:assumed-role/admin/i-1"), Outcome::Fail);
        assert_eq!(o("arn:aws:iam::123456789012:user/moto"), Outcome::Fail);
        assert_eq!(o("arn:aws:iam::123456789012:root"), Outcome::Fail);
        assert_eq!(o("arn:aws:sts::123456789012:federated-user/bob"), Outcome::Warn);
    }
}
