//! STS: who the credentials belong to.

use super::describe;
use crate::probe::ctx::Ctx;
use crate::probe::kind::{Kind, ProbeFuture};
use crate::probe::{Outcome, Verdict};
use std::sync::Arc;

pub const ASSUMED_ROLE: Kind = Kind::aws(
    "aws.sts.assumed-role",
    "STS GetCallerIdentity: the caller is an assumed IAM role (arn:...:assumed-role/...), not an \
     IAM user's long-lived keys or the root user.",
    run_assumed_role,
);

fn run_assumed_role(ctx: Arc<Ctx>, _params: toml::Table) -> ProbeFuture {
    Box::pin(async move {
        let Ok(aws) = &ctx.aws else { unreachable!("the engine gates AWS probes") };
        let sts = aws_sdk_sts::Client::new(&aws.config);
        match sts.get_caller_identity().send().await {
            Ok(out) => assumed_role(out.arn().unwrap_or_default()),
            Err(e) => Verdict::error(describe("STS GetCallerIdentity", &e)),
        }
    })
}

pub fn assumed_role(arn: &str) -> Verdict {
    let evidence = vec![format!("caller {arn}")];
    let resource = arn.splitn(6, ':').nth(5).unwrap_or("");
    if resource.starts_with("assumed-role/") {
        let role = resource.split('/').nth(1).unwrap_or("");
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
        let o = |arn| assumed_role(arn).outcome;
        assert_eq!(o("arn:aws:sts::123456789012:assumed-role/agent-task/i-1"), Outcome::Pass);
        assert_eq!(o("arn:aws:iam::123456789012:user/moto"), Outcome::Fail);
        assert_eq!(o("arn:aws:iam::123456789012:root"), Outcome::Fail);
        assert_eq!(o("arn:aws:sts::123456789012:federated-user/bob"), Outcome::Warn);
    }
}
