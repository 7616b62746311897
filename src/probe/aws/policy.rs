//! The read-only IAM policy golive needs: the union of every AWS probe module's `CALLS`, printed
//! by `golive iam-policy` and kept in docs/iam-policy.json. Each call is logged by the action it
//! needs (`logged::Action`), and a test holds what a sweep against moto called to this list.

use super::{
    acm, agentcore, autoscaling, bedrock, budgets, cloudtrail, cloudwatch, dynamodb, ec2, ecs, elbv2, iam,
    logs, s3, scope, secrets, sts, xray,
};

const MODULES: &[&[&str]] = &[
    acm::CALLS,
    agentcore::CALLS,
    autoscaling::CALLS,
    bedrock::CALLS,
    budgets::CALLS,
    cloudtrail::CALLS,
    cloudwatch::CALLS,
    dynamodb::CALLS,
    ec2::CALLS,
    ecs::CALLS,
    elbv2::CALLS,
    iam::CALLS,
    logs::CALLS,
    s3::CALLS,
    scope::CALLS,
    secrets::CALLS,
    sts::CALLS,
    xray::CALLS,
    super::ACCOUNTS_CALLS,
];

/// Every action, sorted, once.
pub fn actions() -> Vec<&'static str> {
    let mut all: Vec<&str> = MODULES.iter().flat_map(|m| m.iter().copied()).collect();
    all.sort_unstable();
    all.dedup();
    all
}

pub fn allows(action: &str) -> bool {
    MODULES.iter().any(|m| m.contains(&action))
}

/// The IAM action an API operation needs: mostly `prefix:Operation`, except where IAM names it
/// otherwise.
pub fn action(prefix: &str, operation: &str) -> String {
    let named = match (prefix, operation) {
        ("s3", "ListBuckets") => "ListAllMyBuckets",
        ("s3", "GetBucketEncryption") => "GetEncryptionConfiguration",
        ("s3", "GetBucketLifecycleConfiguration") => "GetLifecycleConfiguration",
        ("s3", "HeadBucket") => "ListBucket",
        ("budgets", "DescribeBudgets" | "DescribeBudget" | "DescribeNotificationsForBudget")
        | ("budgets", "DescribeSubscribersForNotification") => "ViewBudget",
        (_, op) => op,
    };
    format!("{prefix}:{named}")
}

/// The policy document (JSON): describe, get and list calls on any resource; and, for a sweep
/// over several accounts (`--allow-accounts`), assuming the probe role in them.
pub fn document() -> String {
    // Written out in the order IAM documents use, whatever serde_json's map order is in a build.
    let actions: Vec<String> = actions().iter().map(|a| format!("        \"{a}\"")).collect();
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Sid\": \"GoliveReadOnlyProbes\",\n      \
         \"Effect\": \"Allow\",\n      \"Action\": [\n{}\n      ],\n      \"Resource\": \"*\"\n    }},\n    {{\n      \
         \"Sid\": \"GoliveOtherAccounts\",\n      \"Effect\": \"Allow\",\n      \"Action\": \"sts:AssumeRole\",\n      \
         \"Resource\": \"arn:aws:iam::*:role/*\"\n    }}\n  ]\n}}\n",
        actions.join(",\n")
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_policy_only_reads() {
        for a in super::actions() {
            let op = a.split_once(':').unwrap().1;
            assert!(
                ["Get", "List", "Describe", "View"].iter().any(|v| op.starts_with(v)),
                "{a} is not a read"
            );
        }
        assert_eq!(super::action("s3", "GetBucketEncryption"), "s3:GetEncryptionConfiguration");
        let doc: serde_json::Value = serde_json::from_str(&super::document()).unwrap();
        assert_eq!(doc["Statement"][0]["Action"].as_array().unwrap().len(), super::actions().len());
    }
}
